"""The index and its three stages (see :mod:`bot.search`)."""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Iterable
from dataclasses import replace
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.library import Library
from bot.search.build import _Build
from bot.search.highlight import _aligned_words, highlight
from bot.search.match import MARGIN, MAX_QUERY_CHARS, SHORT_PARAGRAPH, STOPWORDS, Match
from bot.search.query import _Query
from bot.search.runs import _covered, _Runs, _Unit
from bot.search.store import SAVED, read_saved, signature, write_saved
from bot.search.words import _count, fast_words
from bot.text import words

_WINDOW = 3  # longest run of sentences scored as one unit
_FIRST = 300  # paragraphs kept by stage 1 (rarity) for stage 2 (order)
_WIDE = 3000  # paragraphs kept by stage 1 when that many hold every query word it counts
_SAMPLE = 64  # one score in this many tells stage 1 where its best few hundred begin
_PAIR = 2.0  # how much word pairs in order count against rarity in stage 2

_W = TypeVar("_W", str, int)
_SCRATCH = threading.local()  # see FuzzyIndex._scratch


class FuzzyIndex(_Build, _Query):
    """A :class:`QuoteIndex` in three stages (see :mod:`bot.search`): rarity over an
    inverted index of the library's words, word order over the best few hundred paragraphs'
    word sequences, then alignment over the best dozen's sentence runs."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._build(library.articles)
        gc.freeze()  # the index lives as long as the bot: keep it out of full collections

    # --- on disk -------------------------------------------------------------------------

    @staticmethod
    def signature(library: Library) -> str:
        """What an index on disk must have been built from (see :func:`.store.signature`)."""
        return signature(library)

    def save(self, path: Path) -> None:
        """Write the index for a quick start next time. After articles came or went, what is
        written is a fresh build of the library (this one is left as it is, still answering),
        so that what is loaded is what a fresh build makes."""
        if self._dirty:
            FuzzyIndex(self.library).save(path)
            return
        arrays = {name: getattr(self, f"_{name}") for name in SAVED}
        write_saved(path, signature(self.library), self._words, arrays)

    @classmethod
    def load(cls, path: Path, library: Library) -> FuzzyIndex | None:
        """The index saved for this very library, or None (missing, damaged, or stale)."""
        saved = read_saved(path, signature(library))
        if saved is None:
            return None
        words, arrays = saved
        index = cls.__new__(cls)
        index.library = library
        index._words = words
        for name, value in arrays.items():
            setattr(index, f"_{name}", value)
        index._articles, index._article_starts, index._by_article = [], [], {}
        start = 0
        for article in library.articles:
            index._articles.append(article)
            index._article_starts.append(start)
            index._by_article[article.id] = range(start, start + len(article.paragraphs))
            start += len(article.paragraphs)
        if start != len(index._seq_starts) - 1:
            return None
        index._finish(typo_index=False)
        gc.freeze()
        return index

    # --- searching -------------------------------------------------------------------------

    def _scratch(self, size: int, which: int = 0) -> np.ndarray:
        """Float32 array ``which`` of ``size`` zeros, kept between searches (its user puts the
        zeros back), so that a search neither allocates nor clears a million floats per word;
        one set per thread, as searches may run side by side."""
        arrays = getattr(_SCRATCH, "arrays", None)
        if arrays is None or len(arrays[0]) != size:
            arrays = _SCRATCH.arrays = [np.zeros(size, dtype=np.float32) for _ in range(3)]
        return arrays[which]

    def _positions(self) -> np.ndarray:
        """An int32 array of -1 for every word of the index, kept between searches (its user
        puts the -1s back); one per thread, as :meth:`_scratch`."""
        table = getattr(_SCRATCH, "positions", None)
        if table is None or len(table) < len(self._words):
            table = _SCRATCH.positions = np.full(len(self._words) + 1024, -1, dtype=np.int32)
        return table

    def search(self, query: str, *, article_id: str | None = None, limit: int = 3) -> list[Match]:
        """The best passages for ``query``, best first, at most one per paragraph."""
        query = self._split_compounds(query[:MAX_QUERY_CHARS])
        query_words = [w.norm for w in words(query)]
        if not query_words:
            return []
        credits = [self._credits(w) for w in query_words]
        weights = [self._weight(w, c) for w, c in zip(query_words, credits, strict=True)]
        total = sum(weights)
        # Stage 1: paragraphs by the rarity of the query words they hold. Small and very
        # common words only count later, unless the query has nothing else.
        content = [i for i, w in enumerate(query_words) if w not in STOPWORDS and credits[i]]
        useful = (
            [
                i
                for i in content
                if any(self._df[self._word_id[w]] <= self._common for w in credits[i])
            ]
            or content
            or [i for i, c in enumerate(credits) if c]
        )
        found = {
            i: [(self._ids(self._word_id[w]), value) for w, value in credits[i].items()]
            for i in useful
        }
        scope = self._by_article.get(article_id) if article_id is not None else None
        # A query whose rare words are few (a short quotation of common words) leaves many
        # paragraphs holding all of them: every one goes on to stage 2, up to _WIDE.
        first = max(_FIRST, 2 * limit)
        candidates, chosen = self._every_paragraph(useful, found, weights, first, scope)
        # Stage 2: the query's word pairs in order, in the paragraphs' word sequences.
        second_size = self._second
        if len(candidates) > second_size:
            pairs = self._pairs(candidates, query_words, credits, weights)
            second = chosen / max(total, 1e-9) + _PAIR * pairs
            candidates = _best(candidates, second, len(candidates))
        # Stage 3: the sentence runs of those paragraphs, by local coverage and alignment,
        # second_size paragraphs at a time, so that a longer list begins with the shorter one
        # (the pages of inline answers never overlap).
        joined_query = " ".join(query_words)
        lookup: dict[str, list[tuple[int, float]]] = {}
        for i, credit in enumerate(credits):
            for word, value in credit.items():
                lookup.setdefault(word, []).append((i, value))
        by_id = {self._word_id[word]: found for word, found in lookup.items()}
        matches: list[Match] = []
        best_scores: list[float] = []  # the best paragraphs' scores, the runner-up's too
        shortlist = candidates.tolist()
        for start in range(0, len(shortlist), second_size):
            best: dict[int, tuple[float, float, int, tuple[int, int]]] = {}
            want = max(limit, 2) - len(matches)  # the runner-up tells if the best is clear
            kept: list[float] = []  # the best scores of the block so far, best first
            for index in shortlist[start : start + second_size]:
                # A unit scores at most 60 coverage + 40 (alignment at best): units that
                # cannot beat what is found already are not aligned (same results, faster).
                # The whole paragraph is one of its units and covers most: when it cannot
                # reach the block's best ``want``, no unit can, and none is even read.
                if len(kept) >= want:
                    whole = self._coverage(self._held(index).tolist(), weights, by_id)
                    if 0.6 * 100 * (whole / total) + 0.4 * 100 < kept[want - 1]:
                        continue
                runs = self._runs(index)
                units = sorted(
                    (
                        (0.6 * 100 * (covered / total) + 0.4 * 100, n, span)
                        for n, (span, covered) in enumerate(
                            zip(runs.spans, _covered(runs, weights, lookup), strict=True)
                        )
                    ),
                    key=lambda item: (-item[0], item[1]),
                )
                if units and len(kept) >= want and units[0][0] < kept[want - 1]:
                    continue  # this paragraph cannot reach the block's best ``want``
                for bound, _, span in units:
                    if index in best and bound < best[index][0]:
                        break
                    # What the unit must score to matter: this paragraph's best so far, or
                    # the block's best ``want``. Its coverage is at most its bound's, so its
                    # alignment must reach the rest (rapidfuzz stops early below it).
                    needed = max(
                        best[index][0] if index in best else 0.0,
                        kept[want - 1] if len(kept) >= want else 0.0,
                    )
                    cutoff = (needed - (bound - 0.4 * 100)) / 0.4 - 0.01
                    unit_words = runs.words_of(*span)
                    aligned = _aligned_words(joined_query, unit_words, " ".join(unit_words), cutoff)
                    if aligned is None:
                        continue  # it cannot reach ``needed``
                    lo, hi, align = aligned
                    local = self._coverage(unit_words[lo:hi], weights, lookup) / total
                    score = 0.6 * 100 * local + 0.4 * align
                    # Among equal scores, the unit with fewer unmatched words is the tighter
                    # quote.
                    precision = len(query_words) / max(len(unit_words), len(query_words))
                    if index not in best or (score, precision) > best[index][:2]:
                        best[index] = (score, precision, -index, span)
                if index in best:
                    kept = sorted([*kept, best[index][0]], reverse=True)
            ranked_block = sorted(best.values(), key=lambda item: item[:3], reverse=True)
            best_scores += [s for s, *_ in ranked_block[: max(limit, 2) - len(best_scores)]]
            matches += [
                self._match(self._runs(-minus).unit(*span), score, joined_query, credits)
                for score, _, minus, span in ranked_block[: limit - len(matches)]
            ]
            if len(matches) >= limit and len(best_scores) >= 2:
                break
        if matches:  # only the best can be the quote, when no other comes close
            top, runner_up = (round(x, 1) for x in [*best_scores, 0.0][:2])
            clear = len(best_scores) < 2 or top - runner_up >= MARGIN
            matches = [replace(matches[0], clear=clear)] + [
                replace(m, clear=False) for m in matches[1:]
            ]
        return matches

    def _add_word(
        self, scores: np.ndarray, found: list[tuple[np.ndarray, float]], weight: float
    ) -> None:
        """Add one query word's weight to the scores of the paragraphs holding it (``found``:
        the paragraphs of each library word it may stand for, and its credit)."""
        if len(found) == 1:  # a paragraph holds a word once: plain vectorised adds
            ids, value = found[0]
            # numpy's quickest scatter-add, given a float32 (a Python float makes it cast
            # and crawl) and indexes of the machine's size (a quarter quicker, even with the
            # copy); the same sums as an indexed add
            np.add.at(scores, ids.astype(np.intp), np.float32(weight * value))
            return
        # Several spellings of one query word: each paragraph earns its best, once (one
        # addition of weight × its best credit, as for a single spelling).
        step = np.float32(weight)
        found = [(ids, value) for ids, value in found if len(ids)]
        if not found:
            return
        big = max(range(len(found)), key=lambda k: len(found[k][0]))
        most, top = found[big]
        rest = [f for k, f in enumerate(found) if k != big]
        few = sum(len(ids) for ids, _ in rest)
        if few > 4096 and 8 * few > len(most):  # spellings alike in size: every paragraph
            self._add_best(scores, found, step)
            return
        # Mostly one spelling: the others' paragraphs, each at its best among them, looked
        # for in the big one's; where theirs is better, the big one's addition is left out.
        if rest:
            ids = np.concatenate([ids for ids, _ in rest])
            values = np.concatenate([np.full(len(ids), value) for ids, value in rest])
            order = np.lexsort((-values, ids))
            ids, values = ids[order], values[order]
            first = np.ones(len(ids), dtype=bool)
            first[1:] = ids[1:] != ids[:-1]
            ids, values = ids[first], values[first]
            at = np.minimum(np.searchsorted(most, ids), len(most) - 1)
            held = most[at] == ids
            better = values > top
            mine = ~held | better
            np.add.at(scores, ids[mine].astype(np.intp), step * values[mine].astype(np.float32))
            if (held & better).any():
                keep = np.ones(len(most), dtype=bool)
                keep[at[held & better]] = False
                most = most[keep]
        np.add.at(scores, most.astype(np.intp), step * np.float32(top))

    def _add_best(
        self, scores: np.ndarray, found: list[tuple[np.ndarray, float]], step: np.float32
    ) -> None:
        """:meth:`_add_word` for spellings alike in size: each paragraph's best credit written
        in a scratch array of every paragraph (the best written last), then added."""
        size = len(scores)
        best_credit = self._scratch(size, 2)
        every = np.concatenate([ids for ids, _ in found]).astype(np.intp)
        try:
            for ids, value in sorted(found, key=lambda f: f[1]):
                best_credit[ids] = value
            scores[every] += step * best_credit[every]
        finally:
            best_credit[every] = 0.0

    def _every_paragraph(
        self,
        useful: list[int],
        found: dict[int, list[tuple[np.ndarray, float]]],
        weights: list[float],
        first: int,
        scope: range | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Stage 1 over every paragraph: the best ``first`` (or more, see :meth:`search`) by
        the rarity of the query words they hold, best first, and their scores."""
        size = len(self._seq_starts) - 1
        scores, ranked = self._scratch(size, 0), self._scratch(size, 1)
        if getattr(_SCRATCH, "dirty", False):  # a search before stopped half way
            scores.fill(0.0)
        _SCRATCH.dirty = True
        for i in useful:
            self._add_word(scores, found[i], weights[i])
        if self._dead is not None:
            scores[self._dead] = 0.0
        np.multiply(scores, self._norm, out=ranked)
        if scope is not None:
            inside = np.zeros(size, dtype=bool)
            inside[scope.start : scope.stop] = True
            ranked[~inside] = 0.0
            candidates = np.arange(scope.start, scope.stop)
            candidates = candidates[self._norm[candidates] > 0]
            if len(candidates) > first:
                raw = scores[candidates]
                first = max(first, min(int(np.count_nonzero(raw >= raw.max() * 0.999)), _WIDE))
        else:
            top = float(scores.max()) if size else 0.0
            if top > 0:
                first = max(first, min(int(np.count_nonzero(scores >= top * 0.999)), _WIDE))
            # The best ``first`` without listing every paragraph that scored, nor partitioning
            # a million scores (both slow when most paragraphs scored, and alike): those above
            # a bar that a fixed sample of the scores says about twice as many clear (or,
            # when fewer than ``first`` clear it, every paragraph that scored at all). Either
            # way the best ``first`` are among them, so what is kept does not depend on it.
            sample = ranked[::_SAMPLE]
            place = min(len(sample), 2 * -(-first // _SAMPLE) + 2)
            bar = (
                float(np.partition(sample, len(sample) - place)[len(sample) - place])
                if place
                else 0.0
            )
            candidates = np.flatnonzero(ranked >= bar) if bar > 0 else np.empty(0, np.int64)
            if len(candidates) < first:
                candidates = np.flatnonzero(ranked)  # every paragraph that scored at all
        candidates = _best(candidates, ranked[candidates], first)
        chosen = ranked[candidates]
        scores.fill(0.0)  # zeros again for the next search (ranked is written over whole)
        _SCRATCH.dirty = False
        return candidates, chosen

    def _pairs(
        self,
        candidates: np.ndarray,
        query_words: list[str],
        credits: list[dict[str, float]],
        weights: list[float],
    ) -> np.ndarray:
        """For each candidate, the share of the query's word pairs (weighted by the rarer
        word's weight) it holds side by side in order, or one word apart at half credit."""
        count = len(query_words)
        if count < 2:
            return np.zeros(len(candidates), dtype=np.float32)
        where: dict[int, int] = {}
        for i, credit in enumerate(credits):
            for word in credit:
                where.setdefault(self._word_id[word], i)
        if not where:
            return np.zeros(len(candidates), dtype=np.float32)
        known = np.array(sorted(where), dtype=np.intp)
        position = np.array([where[w] for w in known.tolist()], dtype=np.int32)
        pair_weight = np.array(
            [min(weights[i], weights[i + 1]) for i in range(count - 1)] + [0.0, 0.0]
        )
        starts, ends = self._seq_starts[candidates], self._seq_starts[candidates + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        label = np.repeat(np.arange(len(candidates)), lengths)
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        tokens = self._tokens(offsets + np.arange(total))
        # Each word's place in the query (-1: not a query word), read from a table of every
        # word, set for the query's words and put back after (quicker than a search).
        table = self._positions()
        table[known] = position
        try:
            q = table[tokens].astype(np.int64)
        finally:
            table[known] = -1
        found = np.zeros(len(candidates), dtype=np.float64)
        for gap, step, share in ((1, 1, 1.0), (2, 1, 0.5), (1, 2, 0.5)):
            a, b = q[:-gap], q[gap:]
            same = label[:-gap] == label[gap:]
            hit = (a >= 0) & (b == a + step) & same
            if not hit.any():
                continue
            key = np.unique(label[:-gap][hit] * count + a[hit])
            np.add.at(found, key // count, share * pair_weight[key % count])
        possible = float(pair_weight[: count - 1].sum())
        return (found / possible).astype(np.float32) if possible else found.astype(np.float32)

    @staticmethod
    def _coverage(
        unit_words: Iterable[_W],
        weights: list[float],
        lookup: dict[_W, list[tuple[int, float]]],
    ) -> float:
        """The weight of the query found among ``unit_words``, each query word at most once
        (``lookup``: each library word the query's words may stand for, which and how well;
        words as strings, or as their numbers in the index)."""
        best: dict[int, float] = {}
        for word in lookup.keys() & set(unit_words):
            for i, value in lookup[word]:
                if value > best.get(i, 0.0):
                    best[i] = value
        found = 0.0
        for i in sorted(best):  # in the query's order, as the sum must not depend on sets
            found += weights[i] * best[i]
        return found

    def _units(self, index: int) -> list[_Unit]:
        """The runs of one to three sentences of a paragraph, and the whole paragraph."""
        runs = self._runs(index)
        return [runs.unit(first, last) for first, last in runs.spans]

    def _runs(self, index: int) -> _Runs:
        """A paragraph's words and where its sentences' words begin and end, and its runs of
        one to three sentences and the whole paragraph (those that hold words)."""
        cached = self._run_cache.get(index)
        if cached is not None:
            return cached
        article, number = self._paragraph(index)
        para = article.paragraphs[number - 1]
        # Sentences end at white space, so no word straddles two: the paragraph's words (kept
        # in the index) are its sentences' words one after the other, and only where each
        # sentence's words end is read from the text (by counting them, without folding).
        # Should the counts not add up, the sentences are read word by word instead.
        text, sentences = para.text, para.sentences
        held = self._held(index).tolist()
        every = (
            list(itemgetter(*held)(self._words))
            if len(held) > 1
            else [self._words[i] for i in held]
        )
        bounds = [0]
        if sentences == ((0, len(text)),):
            bounds.append(len(every))
        else:
            for start, end in sentences:
                bounds.append(bounds[-1] + _count(text[start:end]))
        if bounds[-1] != len(every):
            every, bounds = [], [0]
            for start, end in sentences:
                every += fast_words(text[start:end])
                bounds.append(len(every))
        count = len(sentences)
        runs = {
            (f, min(f + size, count) - 1) for f in range(count) for size in range(1, _WINDOW + 1)
        }
        runs.add((0, count - 1))
        spans = [(first, last) for first, last in sorted(runs) if bounds[first] < bounds[last + 1]]
        found = _Runs(article, number, every, bounds, spans)
        if len(self._run_cache) > 4096:
            self._run_cache.clear()
        self._run_cache[index] = found
        return found

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
        return Match(
            passage,
            round(score, 1),
            functools.partial(highlight, passage.text, joined_query, credits),
        )


def _best(candidates: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
    """The ``keep`` best candidates, best first; on equal scores the earlier paragraph."""
    if len(candidates) > keep:
        top = np.argpartition(-scores, keep - 1)[:keep]
        threshold = scores[top].min()
        top = np.flatnonzero(scores >= threshold)  # every tie at the edge, then cut below
        candidates, scores = candidates[top], scores[top]
    order = np.lexsort((candidates, -scores))[:keep]
    return candidates[order]
