"""Quoting's core: the misquote check, inline pages, context and discussion posts."""

from __future__ import annotations

import pytest

from bot.quotes import (
    check_quotation,
    context_reply,
    discuss_reply,
    inline_results,
    quotation_in,
    result_id,
)
from bot.reply import to_plain
from bot.search import FuzzyIndex


@pytest.fixture(scope="module")
def index(library):
    return FuzzyIndex(library)


@pytest.mark.parametrize(
    ("message", "verdict", "marked", "ref"),
    [
        ("“Capitalist barbarism doesn’t come to an end by palace coups”", "*Exact.*", [], "putin-v-prigozhin ¶9"),
        ('"capitalist barbarism doesn\'t come to an end by palace coups"', "*Exact.*", [], "putin-v-prigozhin ¶9"),  # straight marks, case
        ("Putin misremembers 1971 at his peril", "*Not quite.*", ["*1917*", "~~1971~~"], "putin-v-prigozhin ¶12"),
        ("they said “the film of globalisation is wound backwards”", "*Not quite.*", ["*off*"], "pro-putin-left ¶1"),
        ("“imperialism isn’t a policy, it’s a system of war”", "*Not quite.*", ["~~of war~~"], "no-peace-with-empire ¶1"),
        ("Lenin wrote that imperialism is the highest stage of capitalism", "Not in the library", [], None),
        ("“…choosing between Stalin and Hitler”", "*Not quite.*", ["*Pol Pot*", "~~Hitler~~"], "putin-v-prigozhin ¶3"),
    ],
)  # fmt: skip
def test_the_misquote_check(index, library, message, verdict, marked, ref):
    text = to_plain(check_quotation(index, library, message))
    assert text.startswith(verdict)
    for mark in marked:
        assert mark in text
    if ref:
        assert ref in text


def test_the_quotation_is_what_is_in_quotation_marks():
    assert quotation_in("As they say — «no war but the class war» — indeed") == "no war but the class war"  # fmt: skip
    assert quotation_in("no quotation marks here") == "no quotation marks here"


def test_inline_pages_do_not_overlap_and_end(index, library):
    first, offset = inline_results(index, library, "war", 0, page=5)
    second, _ = inline_results(index, library, "war", offset, page=5)
    assert offset == 5
    assert len(first) == len(second) == 5
    assert not {i.id for i in first} & {i.id for i in second}
    none, end = inline_results(index, library, "zzzz qqqq", 0)
    assert (none, end) == ([], None)


def test_result_ids_fit_in_64_bytes():
    assert result_id("putin-v-prigozhin ¶7") == "putin-v-prigozhin ¶7"
    long_ref = "x" * 70 + " ¶1"
    assert len(result_id(long_ref).encode()) <= 64


def test_context_and_discussion(library):
    text = to_plain(context_reply(library, "putin-v-prigozhin ¶7"))
    assert "¶6  This was not a war weary army rebellion" in text
    assert "¶8  While rumour has it" in text
    assert "I don't know the passage “nope ¶3”" in to_plain(context_reply(library, "nope ¶3"))
    post = discuss_reply(library, "pro-putin-left ¶1.4")
    assert post.opens_thread
    assert post.refs == ["pro-putin-left ¶1.4"]
    assert to_plain(post).startswith("*Discussion: *pro-putin-left ¶1.4")


def test_a_sentence_in_a_long_paragraph_is_shown_with_its_neighbours_not_the_wall(library):
    text = to_plain(context_reply(library, "pro-putin-left ¶1.3"))
    assert "*The world is reverting to multi-polarity" in text
    assert "American-sponsored globalisation is in rapid decline" in text  # ¶1.1, two before
    assert "They must be fought politically" not in text  # ¶1.15, far after
    assert " …" in text


def test_a_reference_past_the_article_says_how_many_paragraphs_it_has(library):
    """Only that: an answer that also said "I don't know the passage" read as two answers
    contradicting each other (a fresh-eyes review)."""
    for ref in ("2:99", "2:0", "prigozhin 20"):
        text = to_plain(context_reply(library, ref))
        assert text == "Putin v Prigozhin – Moscowpades on Ice has 19 paragraphs: 2:1 to 2:19.", ref


def test_a_paragraph_marked_after_the_articles_number_is_read(library):
    for ref in ("2:p7", "2: ¶7", "2:para 7", "2:#7"):
        passage = library.find_passage(ref)
        assert passage is not None, ref
        assert passage.ref == "putin-v-prigozhin ¶7", ref


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Russia was not an imperialist power in its own right", "“*not*” is yours"),
        ("we need to support ukraine in its effort to finish this war", "where you have “*ukraine*”, the author wrote “*Russia*”"),
        ("this was a war weary army rebellion and not a failed warlord coup", "the author wrote “*This was not a war*”"),
        ("any war is only a truce between two peaces", "where you have “*war*”, the author wrote “*peace*”"),
        ("the russian state became less important than workers struggle", "where you have “*less*”, the author wrote “*more*”"),
        # the author's word for the member's, not the small word before or after it
        ("Ukraine was an imperialist power in its own right", "where you have “*Ukraine*”, the author wrote “*Russia*”."),
        ("stab in the back of our nation", "where you have “*nation*”, the author wrote “*country*”."),
    ],
)  # fmt: skip
def test_a_quote_that_says_something_else_is_found_and_told_apart(commands, typed, said):
    text = to_plain(commands.quote(typed))
    assert text.startswith("  │ ")  # found: the author's words first ...
    assert f"Not quite the author's words: {said}" in text  # ... and where they differ


@pytest.mark.parametrize(
    "typed",
    [
        "teh wrold is revertng to multipolarity and interimperialist rivalry",  # typos
        "imperalism isnt a polcy its a sytem",  # typos, "isn't" without its apostrophe
        "only class war end madness",  # words dropped
        "capitalist barbarsim doesnt come to an end by palace cuops",
        "a failed warlord coup this was not a war weary army rebellion but",  # a phrase moved
        "but putin s victory may prove pyrrhic",  # a possessive typed apart
    ],
)
def test_a_quote_misremembered_in_the_usual_ways_gets_no_warning(commands, typed):
    text = to_plain(commands.quote(typed))
    assert text.startswith("  │ ")  # found and shown as the quote ...
    assert "Not quite" not in text  # ... with no warning


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        ("putin 3", "“putin” could be several articles: 1. The twisted logic of the pro-Putin left; 2. Putin v Prigozhin"),
        ("prigozhin 7.9", "¶7 of Putin v Prigozhin – Moscowpades on Ice has 4 sentences: putin-v-prigozhin ¶7.1 to ¶7.4"),
        ("progressive 8.2", "¶8 of Revolution in the 'progressive' bloc is one sentence: progressive-bloc ¶8."),
        ("¶7", "Which article's paragraph? Name the article too: 2:7 or putin-v-prigozhin 7."),
        ("p7.2", "Which article's paragraph? Name the article too: 2:7.2"),
        ("prigozhin 99", "Putin v Prigozhin – Moscowpades on Ice has 19 paragraphs: 2:1 to 2:19."),
        ("nonsense 4", "I don't know the passage “nonsense 4”."),
        ("", "Which passage? Name the article and the paragraph: putin-v-prigozhin 7, 2:7"),
    ],
)  # fmt: skip
def test_a_reference_that_names_no_passage_says_exactly_why(library, ref, said):
    assert said in to_plain(context_reply(library, ref))
    assert said in to_plain(discuss_reply(library, ref))  # /discuss and /unclear say the same


def test_a_reference_typed_with_full_width_characters_is_read(library):
    assert to_plain(context_reply(library, "2：７")).startswith(
        "*Putin v Prigozhin – Moscowpades on Ice* · putin-v-prigozhin ¶7 in context"
    )


def test_a_sentence_in_context_is_headed_by_its_own_reference(library):
    assert to_plain(context_reply(library, "prigozhin 7.2")).startswith(
        "*Putin v Prigozhin – Moscowpades on Ice* · putin-v-prigozhin ¶7.2 in context"
    )  # it was headed "¶7", the sentence asked for lost
