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

import hashlib
import math
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from bot.library import Article, Library, Passage
from bot.text import WORDS_VERSION, Word, words

# Scores run from 0 to 100. A match at or above HIT is presented as the passage the member
# meant; below it, the bot says it found nothing and offers candidates.
HIT = 70.0
CANDIDATE_FLOOR = 40.0  # below this a passage is not worth offering even as a candidate
MAX_QUERY_CHARS = 1500
# Paragraphs up to this length are quoted whole; longer ones by the matched sentences.
SHORT_PARAGRAPH = 600
_WINDOW = 3  # longest run of sentences scored as one unit
_SHORTLIST = 40  # paragraphs re-scored sentence by sentence after the first stage

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

    def add_article(self, article: Article) -> None:
        """Make an article quotable at once."""
        ...

    def remove_article(self, article_id: str) -> None:
        """Take an article's passages out of every search."""
        ...


@dataclass(frozen=True, slots=True)
class _Unit:
    article: Article
    paragraph: int
    first: int  # first sentence, 1-based
    last: int
    words: tuple[str, ...]
    joined: str


def _word_credit(
    query_word: str,
    buckets: dict[int, list[str]],
    known: set[str],
    prefixes: dict[str, list[str]],
) -> dict[str, float]:
    """Library words a query word may stand for, each with the credit (0-1) it earns.

    A word the library has stands for itself (and, when long, for its close variants: a
    member's "imperialists" finds the text's "imperialist"); a word it lacks is a typo or a
    variant, matched to library words within a small edit."""
    if len(query_word) <= 2 or query_word.isdigit():
        return {query_word: 1.0} if query_word in known else {}
    if query_word in known and len(query_word) < 6:
        return {query_word: 1.0}
    # Three letters: one dropped letter ("bak" for "back"), no substitutions ("war" is not "was").
    cutoff = 85 if len(query_word) == 3 else 75 if len(query_word) <= 5 else 80
    size = len(query_word)
    if query_word in known:
        # A known word: only its close variants, which begin as it does.
        cutoff = 88
        nearby = [w for w in prefixes.get(query_word[:3], ()) if abs(len(w) - size) <= 2]
    else:
        nearby = [w for length in range(size - 2, size + 3) for w in buckets.get(length, ())]
    found = process.extract(query_word, nearby, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    return {w: 1.0 if score == 100 else 0.9 * score / 100 for w, score, _ in found}


class FuzzyIndex:
    """A :class:`QuoteIndex` in two stages: paragraphs are found through an inverted index of
    their words (typos matched against the vocabulary), then the best few are scored sentence
    run by sentence run with rapidfuzz."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._paragraphs: list[tuple[Article, int]] = []
        self._postings: dict[str, array | np.ndarray] = {}
        self._by_article: dict[str, range] = {}
        self._removed: set[int] = set()  # paragraphs of removed articles (their postings stay)
        self._vocabulary_set: set[str] = set()
        self._buckets: dict[int, list[str]] = defaultdict(list)
        self._prefixes: dict[str, list[str]] = defaultdict(list)
        self._credit_cache: dict[str, dict[str, float]] = {}
        self._idf: dict[str, float] = {}
        self._unit_cache: dict[int, list[_Unit]] = {}
        for article in library.articles:
            self._index(article)
        self._refresh()

    def _index(self, article: Article) -> None:
        start = len(self._paragraphs)
        for para in article.paragraphs:
            index = len(self._paragraphs)
            self._paragraphs.append((article, para.number))
            for word in {w.norm for w in words(para.text)}:
                postings = self._postings.get(word)
                if postings is None:
                    postings = self._postings[word] = array("I")
                    self._add_word(word)
                elif isinstance(postings, np.ndarray):  # loaded from disk: writable copy
                    postings = self._postings[word] = array("I", postings.tolist())
                postings.append(index)
        self._by_article[article.id] = range(start, len(self._paragraphs))

    def _add_word(self, word: str) -> None:
        self._vocabulary_set.add(word)
        self._buckets[len(word)].append(word)
        self._prefixes[word[:3]].append(word)

    # --- on disk -------------------------------------------------------------------------

    @staticmethod
    def signature(library: Library) -> str:
        """What an index on disk must have been built from: every article and its size, and
        the way words were folded (an index of older words is rebuilt)."""
        digest = hashlib.sha256(f"words {WORDS_VERSION}\n".encode())
        for article in library.articles:
            size = sum(len(p.text) for p in article.paragraphs)  # cheap: no word counting
            digest.update(f"{article.id}:{len(article.paragraphs)}:{size}\n".encode())
        return digest.hexdigest()

    def save(self, path: Path) -> None:
        """Write the index (its words and where each stands) for a quick start next time."""
        words_ = sorted(self._postings)
        sizes = np.fromiter(
            (len(self._postings[w]) for w in words_), dtype=np.int64, count=len(words_)
        )
        offsets = np.concatenate(([0], np.cumsum(sizes)))
        postings = np.empty(int(offsets[-1]), dtype=np.uint32)
        for word, start, end in zip(words_, offsets[:-1], offsets[1:], strict=True):
            postings[start:end] = self._postings[word]
        removed = np.fromiter(sorted(self._removed), dtype=np.int64)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.npz")
        np.savez(
            partial,
            signature=np.array(self.signature(self.library)),
            words=np.array("\n".join(words_)),
            offsets=offsets,
            postings=postings,
            removed=removed,
        )
        partial.replace(path)  # never a half-written index

    @classmethod
    def load(cls, path: Path, library: Library) -> FuzzyIndex | None:
        """The index saved for this very library, or None (missing, damaged, or stale)."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["signature"]) != cls.signature(library):
                    return None
                words_ = str(saved["words"]).split("\n") if saved["words"].size else []
                offsets, postings = saved["offsets"], saved["postings"]
                removed = saved["removed"]
        except (OSError, ValueError, KeyError):
            return None
        index = cls.__new__(cls)
        index.library = library
        index._paragraphs = [(a, p.number) for a in library.articles for p in a.paragraphs]
        index._postings = {
            w: postings[offsets[i] : offsets[i + 1]] for i, w in enumerate(words_) if w
        }
        index._by_article = {}
        start = 0
        for article in library.articles:
            index._by_article[article.id] = range(start, start + len(article.paragraphs))
            start += len(article.paragraphs)
        index._removed = {int(i) for i in removed}
        index._vocabulary_set = set()
        index._buckets = defaultdict(list)
        index._prefixes = defaultdict(list)
        for word in index._postings:
            index._add_word(word)
        index._credit_cache = {}
        index._unit_cache = {}
        index._refresh()
        return index

    def _refresh(self) -> None:
        """Word weights from how many paragraphs hold each word."""
        count = (len(self._paragraphs) - len(self._removed)) or 1
        self._idf = {
            w: math.log((count + 1) / (len(ids) + 1)) + 1 for w, ids in self._postings.items()
        }
        self._max_idf = math.log(count + 1) + 1
        self._common = max(50, count // 10)  # words in more paragraphs than this only rescore

    def add_article(self, article: Article) -> None:
        """Make an article quotable at once."""
        self._index(article)
        self._refresh()
        self._credit_cache.clear()  # new words: typos may now mean them

    def remove_article(self, article_id: str) -> None:
        """Take an article's passages out of every search."""
        span = self._by_article.pop(article_id, range(0))
        self._removed.update(span)
        self._refresh()

    def _units(self, index: int) -> list[_Unit]:
        """The runs of one to three sentences of a paragraph, and the whole paragraph."""
        cached = self._unit_cache.get(index)
        if cached is not None:
            return cached
        article, number = self._paragraphs[index]
        para = article.paragraphs[number - 1]
        per_sentence: list[list[str]] = [[] for _ in para.sentences]
        for word in words(para.text):
            for i, (start, end) in enumerate(para.sentences):
                if start <= word.start < end:
                    per_sentence[i].append(word.norm)
                    break
        count = len(para.sentences)
        runs = {
            (f, min(f + size, count) - 1) for f in range(count) for size in range(1, _WINDOW + 1)
        }
        runs.add((0, count - 1))
        units = []
        for first, last in sorted(runs):
            unit_words = tuple(w for s in per_sentence[first : last + 1] for w in s)
            if unit_words:
                units.append(
                    _Unit(article, number, first + 1, last + 1, unit_words, " ".join(unit_words))
                )
        if len(self._unit_cache) > 4096:
            self._unit_cache.clear()
        self._unit_cache[index] = units
        return units

    def search(self, query: str, *, article_id: str | None = None, limit: int = 3) -> list[Match]:
        """The best passages for ``query``, best first, at most one per paragraph."""
        query_words = [w.norm for w in words(query[:MAX_QUERY_CHARS])]
        if not query_words:
            return []
        credits = [self._credits(w) for w in query_words]
        weights = [self._weight(w, c) for w, c in zip(query_words, credits, strict=True)]
        total = sum(weights)
        # Stage 1: paragraphs by how much of the query's weight they hold. Small and very
        # common words only count in stage 2, unless the query has nothing else.
        content = [i for i, w in enumerate(query_words) if w not in STOPWORDS and credits[i]]
        useful = (
            [i for i in content if any(len(self._postings[w]) <= self._common for w in credits[i])]
            or content
            or [i for i, c in enumerate(credits) if c]
        )
        scope = self._by_article.get(article_id) if article_id is not None else None
        scores = np.zeros(len(self._paragraphs), dtype=np.float32)
        for i in useful:
            found = [(_ids(self._postings[word]), value) for word, value in credits[i].items()]
            if len(found) == 1:  # a paragraph holds a word once: plain vectorised adds
                ids, value = found[0]
                scores[ids] += weights[i] * value
                continue
            # Several spellings of one query word: each paragraph earns its best, once (the
            # best credit is written last, so it is the one that stays).
            best_credit = np.zeros(len(self._paragraphs), dtype=np.float32)
            for ids, value in sorted(found, key=lambda f: f[1]):
                best_credit[ids] = value
            scores += weights[i] * best_credit
        if self._removed:
            scores[np.fromiter(self._removed, dtype=np.int64)] = 0.0
        if scope is not None:
            inside = np.zeros(len(self._paragraphs), dtype=bool)
            inside[scope.start : scope.stop] = True
            scores[~inside] = 0.0
            candidates = np.arange(scope.start, scope.stop)
        else:
            candidates = np.flatnonzero(scores)
        keep = max(_SHORTLIST, limit * 2)
        if len(candidates) > keep:
            top = np.argpartition(-scores[candidates], keep - 1)[:keep]
            candidates = candidates[top]
        order = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), i))
        shortlist = order[:keep]
        # Stage 2: the sentence runs of those paragraphs, by local coverage and alignment.
        joined_query = " ".join(query_words)
        best: dict[tuple[str, int], tuple[float, float, _Unit]] = {}
        for index in shortlist:
            for unit in self._units(index):
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
        found = self._credit_cache.get(word)
        if found is None:
            found = _word_credit(word, self._buckets, self._vocabulary_set, self._prefixes)
            if len(self._credit_cache) > 50_000:
                self._credit_cache.clear()
            self._credit_cache[word] = found
        return found

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


def _ids(postings: array | np.ndarray) -> np.ndarray:
    """A word's paragraphs as a numpy array, whether built here or loaded from disk."""
    if isinstance(postings, np.ndarray):
        return postings
    return np.frombuffer(postings, dtype=np.uint32)


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
