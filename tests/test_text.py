"""Normalising for matching, words and sentences."""

from __future__ import annotations

import pytest

from bot.text import normalise, sentence_spans, word_count, words


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("Putin’s", "putin's"),
        ("“peace”", '"peace"'),
        ("post\u2011colonial", "post-colonial"),  # non-breaking hyphen
        ("war — peace – war", "war - peace - war"),
        ("Moscowpades on\u00a0Ice.", "moscowpades on ice."),
        ("ﬁnance", "finance"),  # NFKC ligature
        ("  Many\n\tspaces  ", "many spaces"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_normalise_folds_typographic_variants(variant, plain):
    assert normalise(variant) == plain


def test_words_keep_original_spans_and_split_hyphens():
    text = "Wagner’s pro‑Putin left"
    found = words(text)
    assert [w.norm for w in found] == ["wagner's", "pro", "putin", "left"]
    assert [text[w.start : w.end] for w in found] == ["Wagner’s", "pro", "Putin", "left"]


def test_small_numbers_match_their_names():
    assert [w.norm for w in words("2 wars, 1917")] == ["two", "wars", "1917"]


def test_word_count_counts_words_not_punctuation():
    assert word_count("It was — not — “going” to turn out well.") == 8


def _sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_on_terminal_punctuation_and_closing_quotes():
    text = "Where was his army? Where were “his elite.” Nobody knows! The end…"
    assert _sentences(text) == [
        "Where was his army?",
        "Where were “his elite.”",
        "Nobody knows!",
        "The end…",
    ]


def test_sentences_do_not_split_after_abbreviations_or_initials():
    text = "They voted in the U.N. Security Council. Mr. Smith and J. Reed agreed. Then U.S. troops came."
    assert _sentences(text) == [
        "They voted in the U.N. Security Council.",
        "Mr. Smith and J. Reed agreed.",
        "Then U.S. troops came.",
    ]


def test_sentences_need_a_capital_after_the_stop():
    assert _sentences("the time. masquerading as leaders") == ["the time. masquerading as leaders"]
