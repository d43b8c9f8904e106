"""/quote's search (bot/search/index.py) on misremembered quotes written from the seeds."""

from __future__ import annotations

import pytest

from bot.library import Library
from bot.search import HIT, MARGIN, FuzzyIndex

MISREMEMBERED = [
    # (what a member types, the passage they mean)
    (
        "Choosing between Putin and Wagner’s Prigozhin is like choosing between Stalin and Pol Pot",
        "putin-v-prigozhin ¶3",
    ),
    (
        "chosing betwen Putin and Prigozin is like chosing between Stalin and Pol Pot",
        "putin-v-prigozhin ¶3",
    ),  # typos
    ("the film of globalisation is wound backwards", "pro-putin-left ¶1.3"),  # a dropped word
    ("Putin's great victory may well prove to be pyrrhic", "putin-v-prigozhin ¶7"),  # added words
    ("every peace is just a truce between 2 wars", "trumps-world-order ¶6"),  # changed words
    ("a system, not a policy, is imperialism", "no-peace-with-empire ¶1.3"),  # word order
    ("imperialism isnt a policy its a system", "no-peace-with-empire ¶1.3"),  # punctuation
    (
        "Capitalist barbarism doesn’t come to an end by palace coups",
        "putin-v-prigozhin ¶9",
    ),  # curly
    (
        "Capitalist barbarism doesn't come to an end by palace coups",
        "putin-v-prigozhin ¶9",
    ),  # straight
    ('any "peace" is only a truce between two wars', "trumps-world-order ¶6"),  # quote marks
    ("post-colonial nationalist regimes", "progressive-bloc ¶10"),  # ASCII for U+2011 hyphen
    ("postcolonial nationalist regimes", "progressive-bloc ¶10"),  # hyphen dropped
    ("neo\u2010Stalinist chums", "pro-putin-left ¶1.4"),  # U+2010 for ASCII hyphen
    ("American—Russian talks lead to a truce", "trumps-world-order ¶6"),  # em for en dash
    ("NO WAR BUT THE CLASS WAR", "putin-v-prigozhin ¶19"),  # case
    ("seven billion as a desirable outcome", "pro-putin-left ¶1.5"),  # fragment of a long sentence
    ("mere mention of proletarian revolution brings gales of laughter", "pro-putin-left ¶1.11"),
    ("Russia was an imperialist power in its own right", "progressive-bloc ¶8"),
    ("marched up the hill like the grand old duke of york", "putin-v-prigozhin ¶17"),
    ("stab in the back", "putin-v-prigozhin ¶11"),
    ("stab in the bak", "putin-v-prigozhin ¶11"),  # a typo in a short word
    ("banana republic", "putin-v-prigozhin ¶1"),
]


@pytest.mark.parametrize(("query", "ref"), MISREMEMBERED)
def test_misremembered_quotes_find_their_passage(index, query, ref):
    [best, *_] = index.search(query)
    assert best.passage.ref == ref
    assert best.is_hit, best.score


NOT_IN_THE_LIBRARY = [
    "the price of bananas in Peru is rising",
    "the best recipe for chocolate cake",
    "Lenin wrote What Is To Be Done in 1902",
    "the dictatorship of the proletariat must smash the bourgeois state",
    "NATO expansion caused the war in Ukraine",
    "imperialism is the highest stage of capitalism",
    "workers of the world unite",
    "socialism or barbarism",
    "zzzz qqqq xxxx",
]


@pytest.mark.parametrize("query", NOT_IN_THE_LIBRARY)
def test_a_weak_match_is_never_a_hit(index, query):
    matches = index.search(query)
    assert all(m.score < HIT for m in matches), [(m.passage.ref, m.score) for m in matches]


def test_a_long_paragraph_is_quoted_by_its_sentence_not_whole(index):
    [best, *_] = index.search("they are so hot for Putin")
    assert best.passage.ref == "pro-putin-left ¶1.4"
    assert len(best.passage.text) < 300


def test_search_can_be_limited_to_one_article(index):
    [best, *_] = index.search("the working class", article_id="progressive-bloc")
    assert best.passage.article_id == "progressive-bloc"
    matches = index.search("stab in the back", article_id="trumps-world-order")
    assert all(m.passage.article_id == "trumps-world-order" for m in matches)
    assert not any(m.is_hit for m in matches)


def test_one_match_per_paragraph_best_first(index):
    matches = index.search("peace", limit=10)
    keys = [(m.passage.article_id, m.passage.paragraph) for m in matches]
    assert len(keys) == len(set(keys))
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


@pytest.mark.parametrize("query", ["", "   ", "!!! ??? …", "\u200b\u200b"])
def test_queries_without_words_find_nothing(index, query):
    assert index.search(query) == []


def test_a_pasted_paragraph_finds_itself(index, library):
    text = library.resolve("no-peace-with-empire ¶8").text
    [best, *_] = index.search(text)
    assert best.passage.ref == "no-peace-with-empire ¶8"
    assert best.score > 95


def test_two_passages_that_fit_as_well_are_candidates_not_the_quote(tmp_path):
    from bot.library import article_from_text

    text = (
        "Notes\n\nThe general strike is the weapon that the working class holds in reserve.\n\n"
        "Nothing else was said at the meeting, and everyone went home to sleep.\n\n"
        "The general strike is the weapon that the working class holds in reserve."
    )
    library = Library([article_from_text(text, tmp_path / "notes.txt", 1)], tmp_path)
    index = FuzzyIndex(library)
    first, second, *_ = index.search("the general strike is the weapon of the working class")
    assert first.score >= HIT
    assert second.score >= first.score - MARGIN
    assert not first.is_hit  # the bot offers both instead of choosing one
    [alone, *_] = index.search("everyone went home to sleep after the meeting")
    assert alone.is_hit


def test_a_word_of_several_spellings_counts_once_per_paragraph_at_its_best(index):
    """A paragraph holding "imperialist" and "imperialists" earns the query word's weight once,
    at the better spelling's credit: the same sums as a paragraph-by-paragraph best, whatever
    the sizes of the spellings' paragraph lists (a few against many, many against many)."""
    import numpy as np

    rng = np.random.default_rng(5)
    size = 50_000
    for sizes in [(3, 40_000), (40_000, 3), (20_000, 30_000), (5, 7, 9), (1, 0, 25_000)]:
        found = [
            (np.sort(rng.choice(size, n, replace=False)).astype(np.uint32), credit)
            for n, credit in zip(sizes, [0.9, 1.0, 0.72], strict=False)
        ]
        scores = np.zeros(size, dtype=np.float32)
        index._add_word(scores, found, 1.7)
        best = np.zeros(size, dtype=np.float32)
        for ids, credit in found:
            best[ids] = np.maximum(best[ids], np.float32(credit))
        assert np.array_equal(scores, np.float32(1.7) * best), sizes
