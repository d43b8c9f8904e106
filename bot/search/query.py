"""The reading of a query: the library words each query word may stand for (itself, its
close variants, or for a typo the words within an edit or two), and how much it weighs."""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.search.arrays import _Arrays
from bot.search.match import STOPWORDS
from bot.search.typos import _deletions, _key
from bot.text import words


class _Query(_Arrays):
    """What a query's words stand for and weigh (see :class:`~bot.search.index.FuzzyIndex`)."""

    def _idf(self, word: str) -> float:
        return math.log((self._count + 1) / (int(self._df[self._word_id[word]]) + 1)) + 1

    def _split_compounds(self, query: str) -> str:
        """A word the library does not have, written as one, that is two of its words run
        together ("multipolarity" for "multi-polarity", "interimperialist"), written as the
        two, so it is found as the text writes it."""

        def has(word: str) -> bool:  # in the library now (a removed article's words are not)
            at = self._word_id.get(word)
            return at is not None and self._df[at] > 0

        pieces: list[str] = []
        position = 0
        for word in words(query):
            if len(word.norm) < 8 or has(word.norm) or self._credits(word.norm):
                continue  # a word of the library, or one misspelt: not two run together
            splits = [
                i for i in range(3, len(word.norm) - 2)
                if has(word.norm[:i]) and has(word.norm[i:])
            ]  # fmt: skip
            if not splits:
                continue
            cut = max(splits, key=lambda i: (min(i, len(word.norm) - i), -i))
            text = query[word.start : word.end]
            pieces += [query[position : word.start], text[:cut], " ", text[cut:]]
            position = word.end
        return "".join(pieces) + query[position:] if pieces else query

    def _credits(self, word: str) -> dict[str, float]:
        found = self._credit_cache.get(word)
        if found is None:
            found = self._word_credit(word)
            if len(self._credit_cache) > 50_000:
                self._credit_cache.clear()
            self._credit_cache[word] = found
        return found

    def _word_credit(self, query_word: str) -> dict[str, float]:
        """Library words a query word may stand for, each with the credit (0-1) it earns.

        A word the library has stands for itself (and, when long, for its close variants: a
        member's "imperialists" finds the text's "imperialist"); a word it lacks is a typo or
        a variant, matched to library words within one edit, or two for a long word. The
        words come in alphabetical order, whatever order they were found in."""
        known = query_word in self._word_id and self._df[self._word_id[query_word]] > 0
        if len(query_word) <= 2 or query_word.isdigit():
            return {query_word: 1.0} if known else {}
        if known and len(query_word) < 6:
            return {query_word: 1.0}
        nearby = self._near(query_word, two=not known and len(query_word) >= 8)
        found = {}
        if known:  # a known word: only its close variants (a plural, a verb's ending)
            for word in sorted(nearby):
                score = fuzz.ratio(query_word, word, score_cutoff=88)
                if score:
                    found[word] = 1.0 if score == 100 else 0.9 * score / 100
            return found
        # A typo: each letter added, dropped, changed or two swapped is one edit (two words of
        # three letters are never one typo apart: "war" is not "was"); the credit falls with
        # the share of the word edited.
        most = 2 if len(query_word) >= 8 else 1
        for word in sorted(nearby):
            if len(query_word) == 3 and len(word) == 3:
                continue
            edits = OSA.distance(query_word, word, score_cutoff=most)
            if edits <= most:
                found[word] = 0.9 * (1 - edits / max(len(query_word), len(word)))
        return found

    def _near(self, word: str, *, two: bool) -> set[str]:
        """Library words one edit from ``word`` (a letter added, dropped, changed or two
        swapped), and with ``two`` most of those two edits away."""
        probes = {word} | _deletions(word)
        if two:
            probes |= {d for shorter in _deletions(word) for d in _deletions(shorter)}
        keys = np.array(sorted(_key(p) for p in probes), dtype=np.uint32)
        lo = np.searchsorted(self._typo_keys, keys, side="left")
        hi = np.searchsorted(self._typo_keys, keys, side="right")
        ids: set[int] = set()
        for start, end in zip(lo.tolist(), hi.tolist(), strict=True):
            if end > start:
                ids.update(self._typo_words[start:end].tolist())
        for key in keys.tolist():
            ids.update(self._extra_typos.get(key, ()))
        return {self._words[i] for i in ids if self._df[i] > 0}  # not words of removed articles

    def _weight(self, word: str, credit: dict[str, float]) -> float:
        """How much a query word counts: its rarity in the library; an unknown word counts most.
        A typo that may stand for several words counts as the likeliest: the closest, and
        among those the commonest (a typo of "this" is not taken for the rare "thi")."""
        if word in STOPWORDS:
            return 0.25
        if not credit:
            return self._max_idf
        best = max(credit, key=lambda w: (credit[w], -self._idf(w), w))
        return self._idf(best)
