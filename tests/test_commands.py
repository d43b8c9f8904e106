"""The commands' answers, as both Telegram and the console give them."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.commands import COMMANDS, Commands
from bot.library import article_from_text, load_library
from bot.reply import to_html, to_plain
from tests.auxil.botapi import parse_telegram_html
from tests.conftest import SEEDS


def test_quote_shows_the_passage_with_bold_words_then_the_citation(commands):
    reply = commands.quote("Russia was an imperialist power in its own right")
    passage, citation = reply.blocks
    assert passage.quote
    assert [s.text for s in passage.spans if s.style == "b"] == [
        "Russia was an imperialist power in its own right"
    ]
    assert "".join(s.text for s in citation.spans) == (
        "— Revolution in the 'progressive' bloc, Socialist Worker, 19 June 2012 · "
        "progressive-bloc ¶8"
    )


def test_citation_gives_author_and_leaves_out_what_the_text_does_not_state(commands):
    text = to_plain(commands.quote("no war but the class war"))
    assert text.endswith(
        "— Putin v Prigozhin – Moscowpades on Ice, by Dreyfus · putin-v-prigozhin ¶19"
    )


def test_quote_from_one_named_article(commands):
    for scope in ("2", "putin-v-prigozhin", "prigozhin", "Moscowpades on ice"):
        text = commands.quote(f"{scope}: the masses in the streets").text()
        assert "putin-v-prigozhin ¶7" in text, scope
    scoped = commands.quote("5: palace coups").text()  # in article 2, not in article 5
    assert scoped.startswith("Nothing in “Revolution in the 'progressive' bloc” comes close")
    assert "putin-v-prigozhin" not in scoped


def test_a_colon_inside_the_quotation_is_kept(commands):
    text = commands.quote(
        "No wonder that he lied so desperately in his appeal to national patriotism: this is a stab"
    ).text()
    assert "putin-v-prigozhin ¶10" in text


def test_an_ambiguous_article_name_searches_all_and_says_so(commands):
    text = commands.quote("putin: the masses in the streets").text()
    assert "could be several articles" in text
    assert "putin-v-prigozhin ¶7" in text


def test_no_match_says_so_plainly_and_offers_candidates(commands):
    text = commands.quote("NATO expansion caused the war in Ukraine").text()
    assert text.startswith(
        "I can't find that in the library. The closest passages, none a clear match:"
    )
    assert text.count("¶") >= 2
    assert "Try other words" in text


def test_no_match_with_nothing_close(commands):
    text = commands.quote("zzzz qqqq xxxx").text()
    assert "Nothing in the library comes close to that." in text


def test_quote_alone_explains_itself_with_an_example(commands):
    text = commands.quote("   ").text()
    assert "/quote any peace is only a truce between two wars" in text
    assert "/quote 2: stab in the back" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("x" * 5000, "That is 5,000 characters; send at most 1,500"),
        ("9: anything", "There is no article 9; the library has 5."),
        ("3: ...", "That is too little to go on"),
        ("the", "That is too little to go on"),
        ("¶7", "Which article's paragraph? Name the article too"),
        ("<script>alert(1)</script>", "Nothing in the library comes close"),
    ],
)
def test_odd_arguments_get_a_short_explanation(commands, args, expected):
    reply = commands.quote(args)
    assert expected in reply.text()
    for message in to_html(reply):
        parse_telegram_html(message)  # valid for Telegram


def test_help_lists_every_command_with_an_example(commands):
    text = commands.help().text()
    for info in COMMANDS:
        assert f"/{info.name} — {info.summary}\ne.g. {info.example}" in text
    grouped = commands.help(bot_username="ReadingGroupBot").text()
    assert "/quote@ReadingGroupBot any peace is only a truce" in grouped
    assert "privacy mode" in grouped


def test_articles_lists_number_title_source_and_id(commands):
    text = commands.articles().text()
    assert "The library: 5 articles" in text
    assert (
        "4. Trump’s World Order—and Putin’s?\nThe Spark, 17 March 2025\ntrumps-world-order · "
        in text
    )
    assert "2. Putin v Prigozhin – Moscowpades on Ice\nby Dreyfus\nputin-v-prigozhin" in text
    past = commands.articles("2").text()  # a page past the end is said so, not shown silently
    assert past.startswith("The library: 5 articles\n\nThere is no page 2: the list has 1 page.")
    assert "1. The twisted logic" in past
    assert "There is no page" not in commands.articles("1").text()


def test_handle_dispatches_by_name_and_ignores_case(commands):
    assert commands.handle("QUOTE", "stab in the back").text().count("putin-v-prigozhin ¶11") == 1
    assert commands.handle("nosuch", "") is None
    assert "I don't know /nosuch" in commands.unknown("nosuch").text()


# --- /summary and /compare -----------------------------------------------------------------


def test_summary_reply_has_header_sentences_with_references_and_key_terms(commands):
    reply = commands.summary("2")
    text = reply.text()
    assert text.startswith(
        "Putin v Prigozhin – Moscowpades on Ice\n\nby Dreyfus · in English · 678 words, 3 min read\nputin-v-prigozhin"
    )
    quotes = [b for b in reply.blocks if b.quote]
    assert 3 <= len(quotes) <= 5
    for block in quotes:
        assert block.spans[-1].style == "code"
        assert block.spans[-1].text.startswith("putin-v-prigozhin ¶")
    assert "Key terms: coup, army" in text
    assert "/summary putin-v-prigozhin long" in text


@pytest.mark.parametrize("args", ["putin-v-prigozhin long", "moscowpades LONG", "2 long"])
def test_summary_long(commands, args):
    reply = commands.summary(args)
    assert 8 <= sum(1 for b in reply.blocks if b.quote) <= 10
    assert "/summary putin-v-prigozhin long" not in reply.text()


def test_summary_alone_offers_every_article_as_a_button(commands):
    reply = commands.summary("")
    assert [b.command for b in reply.buttons] == [
        f"/summary {a.id}" for a in commands.library.articles
    ]
    assert "/summary 2" in reply.text()


def test_summary_of_an_unknown_article_offers_the_closest(commands):
    assert (
        commands.summary("twisted logik")
        .text()
        .startswith("The twisted logic of the pro-Putin left")
    )
    reply = commands.summary("twisted logic of capitalism")
    assert reply.text().startswith("No article matches “twisted logic of capitalism”.")
    assert reply.buttons[0].command == "/summary pro-putin-left"
    ambiguous = commands.summary("putin")
    assert "could be several articles" in ambiguous.text()
    assert len(ambiguous.buttons) == 3


def test_compare_topic_reply(commands):
    reply = commands.compare("imperialism")
    text = reply.text()
    assert text.startswith("“imperialism” across the library\n\n4 of 5 articles address it (as ")
    assert sum(1 for b in reply.blocks if b.expandable) == 4
    assert text.endswith("Not about it: Putin v Prigozhin – Moscowpades on Ice.")
    for message in to_html(reply):
        parse_telegram_html(message)


def test_compare_without_a_topic_explains_and_suggests(commands):
    for args in ("", "   ", "the of and"):
        reply = commands.compare(args)
        assert "/compare imperialism" in reply.text()
        assert reply.buttons, args


def test_compare_a_topic_nobody_addresses(commands):
    reply = commands.compare("quantum chromodynamics")
    assert reply.text().startswith("No article in the library addresses “quantum chromodynamics”.")


def test_compare_shows_a_single_mention_marked_so_and_says_how_articles_are_ordered(commands):
    text = commands.compare("bananas").text()
    assert "No article addresses it at length; 1 of 5 names it once" in text
    assert "Putin v Prigozhin – Moscowpades on Ice · named once" in text
    ordered = commands.compare("imperialism").text()
    assert "Most about it first (mentions per thousand words)." in ordered
    assert "1 of 5 articles addresses it" in commands.compare("peace deal").text()  # one, singular
    # and each article's figure that order goes by: "4 mentions" above "12 mentions" was a puzzle
    rates = [float(m) for m in re.findall(r"· \d+ mentions, (\d+\.\d) per thousand words", ordered)]
    assert len(rates) == 4, ordered
    assert rates == sorted(rates, reverse=True), rates


def test_compare_of_a_phrase_says_it_orders_by_the_phrase_itself_first(commands):
    """A phrase's articles are ordered by their uses of the phrase itself, then by how much
    they are about it: the answer said "Most about it first (mentions per thousand words)"."""
    text = commands.compare("class war").text()
    assert "Most about it first (mentions per thousand words)." not in text
    assert "Most uses of the phrase itself first, then most about it" in text
    first = text.index("1. ")
    assert text[first:].startswith("1. Putin v Prigozhin")  # the one article using the phrase


def test_compare_two_articles(commands):
    text = commands.compare("1 | socialist worker").text()
    assert text.startswith(
        "The twisted logic of the pro-Putin left  and  Revolution in the 'progressive' bloc"
    )
    for label in (
        "Both: ",
        "Only in The twisted logic of the pro-Putin left: ",  # a title of 41 letters, whole
        "Only in Revolution in the 'progressive' bloc: ",
        "Closest passages",
        "On “revolution”",
    ):
        assert label in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("1 | 1", "That is the same article twice"),
        ("1 |", "Name two articles either side of |"),
        ("1 | chocolate cake", "No article matches “chocolate cake”."),
        ("x" * 300, "A topic is a word or a few"),
        ("<b>|</b>", "No article matches"),
    ],
)
def test_compare_odd_arguments(commands, args, expected):
    reply = commands.compare(args)
    assert expected in reply.text()
    for message in to_html(reply):
        parse_telegram_html(message)


def test_articles_newest_orders_by_publication_date_or_date_added_and_says_which():
    """Added articles are placed by the date their text states (Luxemburg's 1918 article after
    the seeds of 2012-2025), by the day they were added where it states none; the seeds, added
    on no day, move with their own dates, and articles with neither come last."""
    library = load_library(SEEDS)
    data = Path(__file__).parent / "data"
    for name, added in [
        ("luxemburg-der-anfang.txt", datetime(2026, 5, 2, 9, 0, tzinfo=UTC)),
        ("manifesto.md", datetime(2026, 5, 1, 9, 0, tzinfo=UTC)),
    ]:
        article = article_from_text((data / name).read_text(encoding="utf-8"), Path(name), 0)
        article.added = added.timestamp()
        library.add(article)
    notes = article_from_text(
        "Notes\n\nWe read the texts together, paragraph by paragraph, and argue every line.",
        Path("n.txt"),
        0,
    )
    notes.added = datetime(2024, 1, 1, 12, 0, tzinfo=UTC).timestamp()
    library.add(notes)
    text = Commands(library).articles("newest").text()
    assert text.startswith(
        "The library: 8 articles · newest first\n\nBy publication date, or by the date added "
        "where the text states none; articles with neither come last.\n\n3. There is no making"
    )
    order = [line.split(". ", 1)[0] for line in text.split("\n\n")[2:-1]]
    assert order == ["3", "4", "8", "5", "6", "7", "1", "2"]
    assert "8. Notes\nadded 1 January 2024, in English\nnotes · " in text
    # A language the text does not declare is detected (several in the library: each named).
    assert "6. Der Anfang\nDie Rote Fahne, 18 November 1918, by Rosa Luxemburg, in German\n" in text
    assert "7. Manifesto of the Communist Party\nFebruary 1848, by Karl Marx, Frederick Engels, in English\n" in text  # fmt: skip
    catalog = Commands(library).articles().text()
    assert "added" not in catalog  # only the newest order needs to say which date it used


async def test_after_a_start_a_summary_waits_for_the_term_index_instead_of_refusing(library):
    from bot.commands import Commands

    fresh = Commands(library, defer_terms=True)
    counting = asyncio.ensure_future(fresh.shelf.warm_up())
    terms = await fresh.wait_for_terms(30)  # waits while it is counted, rather than refuse
    await counting
    assert terms is not None
    assert "I'm still reading" not in fresh.handle("summary", "2").text()


def test_a_quote_of_one_or_two_words_lists_passages_without_calling_them_not_found(commands):
    text = to_plain(commands.quote("putin"))
    assert text.startswith("Passages with “putin”, too few words to tell which one you mean:")
    asked = to_plain(commands.quote("what do people think about the truce in alaska"))
    assert asked.startswith(
        "Passages with “truce”, “alaska”: your other words are too common to tell which one"
    )  # nine words typed: "too few words" read as wrong
    assert "can't find" not in text
    assert text.count("· putin-v-prigozhin ¶") == 3
    assert text.endswith("or ask /compare putin for what each article says about it.")


def test_a_quote_cites_the_sentence_found_and_says_when_the_article_quotes_someone(commands):
    peace = to_plain(commands.quote("any peace is only a truce between two wars"))
    assert peace.startswith("  │ Can the American–Russian talks")  # the short paragraph, whole ...
    assert (
        "\n— Trump’s World Order—and Putin’s?, The Spark, 17 March 2025 · trumps-world-order ¶6.5"
        in peace
    )  # ... its sentence cited
    assert "quotes these words" not in peace
    stab = commands.quote("stab in the back")
    assert stab.pulled == ["putin-v-prigozhin ¶11.1"]  # the board and digest name the same
    assert "The article quotes these words; they are not its author's." in to_plain(stab)
    scare = to_plain(commands.quote("whenever an imperialist country makes peace"))
    assert "quotes these words" not in scare  # “peace” in quotation marks is the author's word
    # a sentence quoted word for word: that sentence, not also the next, which shares a word
    exact = commands.quote(
        "Building up the global proletarian united front is the only material way we can help "
        "the Russian workers see this war through"
    )
    assert exact.pulled == ["no-peace-with-empire ¶11.1"]
    shown = to_plain(exact)
    assert "*Building up the global" in shown
    assert "*the worker*" not in shown  # "the worker actions" of ¶11.2 was bolded and cited


def test_a_quote_of_two_passages_names_the_second_and_a_title_is_taken_for_one(commands):
    mixed = to_plain(commands.quote("any peace is only a truce between two wars and russia was an imperialist power"))  # fmt: skip
    assert "· trumps-world-order ¶6.5" in mixed
    assert "“*and russia was an imperialist power*” is from progressive-bloc ¶8." in mixed
    title = to_plain(commands.quote("principled resistence is the only path foward"))
    assert title.startswith("That is the title of article 3: There is no making “peace”")
    assert "/summary 3 sums it up" in title


def test_summary_and_compare_read_their_words_in_either_order(commands):
    long_first = to_plain(commands.summary("long 2"))
    assert long_first == to_plain(commands.summary("2 long"))
    assert "Longer:" not in long_first
    assert "Longer: /summary putin-v-prigozhin long" in to_plain(commands.summary("2 short"))
    assert to_plain(commands.compare("1 vs 5")) == to_plain(commands.compare("1 | 5"))
    assert to_plain(commands.compare("1 | 2 | 3")).startswith("Two articles at a time:")
    assert "across the library" in to_plain(commands.compare("war vs peace"))  # a topic


def test_an_unknown_article_name_lists_the_closest_after_saying_so(commands):
    """The closest: ran into the next sentence ("The closest:/articles lists them all."): it
    is a line of its own, just before the articles it names (a fresh-eyes review)."""
    for reply in (commands.summary("the"), commands.compare("1 | chocolate cake")):
        text = reply.text()
        assert "The closest:/articles" not in text
        assert "/articles lists them all." in text
        if "The closest:" in text:  # a block of its own, the last before what it names
            assert "\n\nThe closest:" in text
            assert reply.buttons or not text.endswith("The closest:")
            assert text.index("/articles lists") < text.index("The closest:")
    assert "The closest" not in commands.summary("zzzz qqqq").text()


def test_compare_two_topics_either_side_of_a_bar_says_how_to_compare_topics(commands):
    """``/compare peace | war`` read "peace" as article 3's title and said no article matches
    "war": a bar sets two articles side by side, and the answer says how to ask for two topics
    (a fresh-eyes review)."""
    text = commands.compare("peace | war").text()
    assert "/compare peace, war" in text
    assert "/compare 1 | 5" in text
    assert "/compare" not in commands.compare("1 | chocolate cake").text().replace(
        "/compare 1 | 5", ""
    )


def test_compare_a_hyphenated_word_the_library_uses(commands):
    text = commands.compare("anti-imperialism").text()
    assert text.startswith("“anti-imperialism” across the library\n\n1 of 5 articles addresses")
    assert "(as anti-imperialist)" in text


def test_compare_takes_an_acronym_or_a_year_as_a_topic(commands):
    for topic, heading in (("UN", "“UN” across"), ("U.N.", "“U.N.” across"), ("1917", "“1917”")):
        text = commands.compare(topic).text()
        assert text.startswith(heading), text
        assert "Give me a topic" not in text
    assert commands.compare("EU").text().startswith("No article in the library addresses “EU”.")
    # /quote 1917 is too little for a quotation, and says where to ask about the year
    assert "/compare 1917" in commands.quote("1917").text()
    assert "/compare" not in commands.quote("the").text()


def test_compare_marks_a_passage_the_article_quotes_from_someone_else(commands):
    text = commands.compare("squabbles").text()
    assert "putin-v-prigozhin ¶11" in text
    assert "The article quotes these words; they are not its author's." in text
    assert "not its author's" not in commands.compare("stab in the back").text()


def test_quote_offers_compare_only_for_a_topic_some_article_takes_up(commands):
    """/quote no sooner was the spectacle on then it was off ended "…or ask /compare sooner
    spectacle", a topic no article takes up (a fresh-eyes review)."""
    text = commands.quote("no sooner was the spectacle on then it was off").text()
    assert "/compare sooner spectacle" not in text
    assert "/compare putin" in commands.quote("putin").text()


def test_compare_a_phrase_no_article_uses_says_its_words_are_only_apart(commands):
    """/compare pro-Putin left: the title's phrase, which no article's text uses; article 1's
    "appeasement of Putin … the neo-Stalinised left" was counted as naming it."""
    text = commands.compare("pro-Putin left").text()
    assert text.startswith("No article in the library addresses “pro-Putin left”.")
    assert "The twisted logic of the pro-Putin left" in text
    assert "only apart" in text
    assert "/compare peace, war" in commands.compare("peace war").text()  # two topics, then
    world = commands.compare("world war").text()
    assert "1 of 5 names it once (as world war)" in world
    assert "only apart are no use of it" in commands.compare("class war").text()
