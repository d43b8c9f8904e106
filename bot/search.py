"""Finding the passage a member remembers, however loosely they remember it.

A query is scored against every run of one to three sentences in a paragraph, and against the
whole paragraph, by two measures:

* coverage: how much of the query's weight (rare words weigh more) is found among the unit's
  words, each query word matching a library word within a small edit distance (typos, plurals);
* alignment: rapidfuzz's ``partial_ratio`` between the query and the unit, both normalised,
  which rewards the query's words appearing in the same order.

The result is the best unit shown as a passage: a whole paragraph when it is short, the matched
sentences when it is long. :class:`QuoteIndex` is the interface; :class:`FuzzyIndex` scans every
unit and is right for libraries of thousands of passages; a larger index can take its place.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

from bot.library import Article, Library, Passage
from bot.text import Word, words

# Scores run from 0 to 100. A match at or above HIT is presented as the passage the member
# meant; below it, the bot says it found nothing and offers candidates.
HIT = 70.0
MAX_QUERY_CHARS = 1500
# Paragraphs up to this length are quoted whole; longer ones by the matched sentences.
SHORT_PARAGRAPH = 600
_WINDOW = 3  # longest run of sentences scored as one unit
_SHORTLIST = 80  # units re-scored by alignment after the coverage pass

STOPWORDS = frozenset(
    """a an and are as at be but by for from had has have he her his i if in into is it its
    of on or our she so than that the their them then there these they this to was we were
    what when which who will with would you your not no do does did""".split()
)


@dataclass(frozen=True, slots=True)
class Match:
    """A passage found for a query, its score (0-100) and the spans of its text to bold."""

    passage: Passage
    score: float
    highlights: tuple[tuple[int, int], ...]

    @property
    def is_hit(self) -> bool:
        """True when the match is good enough to present as the passage the member meant."""
        return self.score >= HIT


class QuoteIndex(Protocol):
    """What /quote needs from a search index."""

    def search(self, query: str, *, article_id: str | None = None, limit: int = 3) -> list[Match]:
        """The best passages for ``query``, best first; all of one article if ``article_id``."""
        ...


@dataclass(frozen=True, slots=True)
class _Unit:
    article: Article
    paragraph: int
    first: int  # first sentence, 1-based
    last: int
    words: tuple[str, ...]
    joined: str


def _word_credit(query_word: str, vocabulary: list[str], known: set[str]) -> dict[str, float]:
    """Library words a query word may stand for, each with the credit (0-1) it earns."""
    if len(query_word) <= 2 or query_word.isdigit():
        return {query_word: 1.0} if query_word in known else {}
    # Three letters: one dropped letter ("bak" for "back"), no substitutions ("war" is not "was").
    cutoff = 85 if len(query_word) == 3 else 75 if len(query_word) <= 5 else 80
    found = process.extract(
        query_word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
    )
    return {w: 1.0 if score == 100 else 0.9 * score / 100 for w, score, _ in found}


class FuzzyIndex:
    """A :class:`QuoteIndex` that scores every sentence run of the library with rapidfuzz."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._units: list[_Unit] = []
        for article in library.articles:
            for para in article.paragraphs:
                self._add_paragraph(article, para.number)
        self._postings: dict[str, list[int]] = defaultdict(list)
        sentence_df: dict[str, int] = defaultdict(int)
        for index, unit in enumerate(self._units):
            for word in set(unit.words):
                self._postings[word].append(index)
                if unit.first == unit.last:
                    sentence_df[word] += 1
        sentences = sum(1 for u in self._units if u.first == u.last) or 1
        self._idf = {w: math.log((sentences + 1) / (df + 1)) + 1 for w, df in sentence_df.items()}
        self._max_idf = math.log(sentences + 1) + 1
        self._vocabulary = sorted(self._postings)
        self._vocabulary_set = set(self._vocabulary)

    def _add_paragraph(self, article: Article, number: int) -> None:
        para = article.paragraphs[number - 1]
        para_words = words(para.text)
        per_sentence: list[list[str]] = [[] for _ in para.sentences]
        for word in para_words:
            for i, (start, end) in enumerate(para.sentences):
                if start <= word.start < end:
                    per_sentence[i].append(word.norm)
                    break
        count = len(para.sentences)
        runs = {
            (f, min(f + size, count) - 1) for f in range(count) for size in range(1, _WINDOW + 1)
        }
        runs.add((0, count - 1))
        for first, last in sorted(runs):
            unit_words = tuple(w for s in per_sentence[first : last + 1] for w in s)
            if unit_words:
                self._units.append(
                    _Unit(article, number, first + 1, last + 1, unit_words, " ".join(unit_words))
                )

    def search(self, query: str, *, article_id: str | None = None, limit: int = 3) -> list[Match]:
        """The best passages for ``query``, best first, at most one per paragraph."""
        query_words = [w.norm for w in words(query[:MAX_QUERY_CHARS])]
        if not query_words:
            return []
        credits = [self._credits(w) for w in query_words]
        weights = [self._weight(w, c) for w, c in zip(query_words, credits, strict=True)]
        total = sum(weights)
        coverage: dict[int, float] = defaultdict(float)
        for weight, credit in zip(weights, credits, strict=True):
            unit_credit: dict[int, float] = {}  # a query word counts once per unit
            for word, value in credit.items():
                for unit_no in self._postings[word]:
                    if value > unit_credit.get(unit_no, 0.0):
                        unit_credit[unit_no] = value
            for unit_no, value in unit_credit.items():
                coverage[unit_no] += weight * value
        if article_id is not None:
            coverage = {
                u: c for u, c in coverage.items() if self._units[u].article.id == article_id
            }
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:_SHORTLIST]
        joined_query = " ".join(query_words)
        best: dict[tuple[str, int], tuple[float, float, _Unit]] = {}
        for index in shortlist:
            unit = self._units[index]
            lo, hi, align = _aligned_words(joined_query, unit.words)
            local = self._coverage(unit.words[lo:hi], weights, credits) / total
            score = 0.6 * 100 * local + 0.4 * align
            # Among equal scores, the unit with fewer unmatched words is the tighter quote.
            precision = len(query_words) / max(len(unit.words), len(query_words))
            key = (unit.article.id, unit.paragraph)  # one match per paragraph
            if key not in best or (score, precision) > best[key][:2]:
                best[key] = (score, precision, unit)
        ranked = sorted(best.values(), key=lambda item: item[:2], reverse=True)
        return [
            self._match(unit, score, joined_query, credits) for score, _, unit in ranked[:limit]
        ]

    @staticmethod
    def _coverage(
        unit_words: tuple[str, ...], weights: list[float], credits: list[dict[str, float]]
    ) -> float:
        """The weight of the query found among ``unit_words``, each query word at most once."""
        present = set(unit_words)
        found = 0.0
        for weight, credit in zip(weights, credits, strict=True):
            found += weight * max((v for w, v in credit.items() if w in present), default=0.0)
        return found

    def _credits(self, word: str) -> dict[str, float]:
        if word in self._vocabulary_set and len(word) <= 3:
            return {word: 1.0}  # a known short word stands for itself
        return _word_credit(word, self._vocabulary, self._vocabulary_set)

    def _weight(self, word: str, credit: dict[str, float]) -> float:
        """How much a query word counts: its rarity in the library; an unknown word counts most."""
        if word in STOPWORDS:
            return 0.25
        if not credit:
            return self._max_idf
        best = max(credit, key=credit.__getitem__)
        return self._idf.get(best, self._max_idf)

    def _shown(self, unit: _Unit) -> tuple[str, int, int, int]:
        """The passage a unit is shown as: the whole paragraph if short, else its sentences."""
        para = unit.article.paragraphs[unit.paragraph - 1]
        if len(para.text) <= SHORT_PARAGRAPH or (
            unit.first == 1 and unit.last == len(para.sentences)
        ):
            return (unit.article.id, unit.paragraph, 0, 0)
        return (unit.article.id, unit.paragraph, unit.first, unit.last)

    def _match(
        self, unit: _Unit, score: float, joined_query: str, credits: list[dict[str, float]]
    ) -> Match:
        _, number, first, last = self._shown(unit)
        passage = unit.article.passage(number, first or None, last or None)
        return Match(passage, round(score, 1), highlight(passage.text, joined_query, credits))


def highlight(
    text: str, joined_query: str, credits: list[dict[str, float]]
) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` to bold: runs of the query's words within the best-aligned stretch."""
    text_words = words(text)
    if not text_words:
        return ()
    lo, hi, _ = _aligned_words(joined_query, tuple(w.norm for w in text_words))
    matched_words = {w for credit in credits for w, value in credit.items() if value >= 0.6}
    spans: list[tuple[int, int]] = []
    run: list[Word] = []

    def close_run() -> None:
        if any(w.norm not in STOPWORDS for w in run):  # small words alone are not worth bold
            spans.append((run[0].start, run[-1].end))
        run.clear()

    for i, word in enumerate(text_words):
        if lo <= i < hi and word.norm in matched_words:
            if run and _CLAUSE_END.search(text, run[-1].end, word.start):
                close_run()  # a run stops at the end of a sentence or clause
            run.append(word)
        else:
            close_run()
    close_run()
    return tuple(spans)


_CLAUSE_END = re.compile(r"[.!?;:\u2026]")


def _aligned_words(joined_query: str, unit_words: tuple[str, ...]) -> tuple[int, int, float]:
    """The stretch of ``unit_words`` that best lines up with the query, widened by half the
    query's length on each side (for dropped, added or moved words), and the alignment score."""
    joined = " ".join(unit_words)
    if len(joined_query) >= len(joined):
        return 0, len(unit_words), fuzz.partial_ratio(joined_query, joined)
    alignment = fuzz.partial_ratio_alignment(joined_query, joined)
    if alignment is None:
        return 0, len(unit_words), 0.0
    margin = len(joined_query) // 2
    start, end = alignment.dest_start - margin, alignment.dest_end + margin
    lo, hi, position = len(unit_words), 0, 0
    for i, word in enumerate(unit_words):
        word_end = position + len(word)
        if word_end > start and position < end:
            lo, hi = min(lo, i), i + 1
        position = word_end + 1
    return (lo, hi, alignment.score) if lo < hi else (0, len(unit_words), alignment.score)
