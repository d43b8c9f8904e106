"""A paragraph's runs of sentences, the units stage 3 aligns with a query."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from bot.library import Article


@dataclass(frozen=True, slots=True)
class _Unit:
    article: Article
    paragraph: int
    first: int  # first sentence, 1-based
    last: int
    words: tuple[str, ...]
    joined: str


@dataclass(frozen=True, slots=True)
class _Runs:
    """A paragraph's words and its runs of sentences (see :meth:`FuzzyIndex._runs`)."""

    article: Article
    paragraph: int
    words: list[str]
    bounds: list[int]  # where each sentence's words begin in ``words``, and where they end
    spans: list[tuple[int, int]]  # each run's first and last sentence (0-based), in order

    def words_of(self, first: int, last: int) -> tuple[str, ...]:
        return tuple(self.words[self.bounds[first] : self.bounds[last + 1]])

    def unit(self, first: int, last: int) -> _Unit:
        found = self.words_of(first, last)
        return _Unit(self.article, self.paragraph, first + 1, last + 1, found, " ".join(found))


def _covered(
    runs: _Runs, weights: list[float], lookup: dict[str, list[tuple[int, float]]]
) -> list[float]:
    """The coverage (:meth:`FuzzyIndex._coverage`) of each run of a paragraph, the query words
    found in each sentence looked up once: a run's best for a query word is the best of its
    sentences'."""
    found: list[dict[int, float]] = []  # by sentence: each query word's best credit
    for start, end in pairwise(runs.bounds):
        best: dict[int, float] = {}
        for word in lookup.keys() & set(runs.words[start:end]):
            for i, value in lookup[word]:
                if value > best.get(i, 0.0):
                    best[i] = value
        found.append(best)
    covered = []
    for first, last in runs.spans:
        if first == last:
            best = found[first]
        else:
            best = {}
            for sentence in found[first : last + 1]:
                for i, value in sentence.items():
                    if value > best.get(i, 0.0):
                        best[i] = value
        total = 0.0
        for i in sorted(best):  # in the query's order, as FuzzyIndex._coverage
            total += weights[i] * best[i]
        covered.append(total)
    return covered
