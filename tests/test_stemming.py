"""Stems: word families meet, different words stay apart."""

from __future__ import annotations

import pytest

from bot.stemming import stem


@pytest.mark.parametrize(
    "family",
    [
        ["imperialism", "imperialist", "imperialists", "imperial"],
        ["peace", "peaces", "peaceful"],
        ["worker", "workers", "working"],
        ["capitalism", "capitalist", "capitalists"],
        ["nation", "nations", "national", "nationalist", "nationalism"],
        ["revolution", "revolutions", "revolutionary"],
        ["russia", "russian", "russians"],
        ["stalinism", "stalinist", "stalinists"],
        ["society", "societies"],
        ["deal", "deals"],
        ["class", "classes"],
        ["state", "states"],
    ],
)
def test_a_word_family_shares_one_stem(family):
    assert len({stem(w) for w in family}) == 1, {w: stem(w) for w in family}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("revolution", "resolution"),
        ("war", "was"),
        ("peace", "place"),
        ("class", "clash"),
        ("socialism", "society"),
        ("state", "status"),
    ],
)
def test_different_words_keep_different_stems(first, second):
    assert stem(first) != stem(second)


def test_short_and_unchangeable_words_are_left_alone():
    for word in ("us", "war", "news", "crisis", "progress", "thus"):
        assert stem(word) == word
