"""The words of a passage to bold, and the stretch of a text that lines up with a query."""

from __future__ import annotations

import re
from typing import overload

from rapidfuzz import fuzz

from bot.search.match import STOPWORDS
from bot.text import (
    Word,
    words,
)


def highlight(
    text: str, joined_query: str, credits: list[dict[str, float]]
) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` to bold: runs of the query's words within the best-aligned stretch."""
    text_words = words(text)
    if not text_words:
        return ()
    # (a close alignment: only where the words line up, not around them)
    lo, hi, _ = _aligned_words(joined_query, tuple(w.norm for w in text_words), tight_from=CLOSE)
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
# An alignment this close has the query's words in their order: the stretch bolded is the one
# that lines up (a word of the next sentence that the query also has is not the quote).
CLOSE = 95


@overload
def _aligned_words(
    joined_query: str,
    unit_words: tuple[str, ...],
    joined: str | None = None,
    *,
    tight_from: float = 101.0,
) -> tuple[int, int, float]: ...


@overload
def _aligned_words(
    joined_query: str,
    unit_words: tuple[str, ...],
    joined: str | None,
    cutoff: float,
    *,
    tight_from: float = 101.0,
) -> tuple[int, int, float] | None: ...


def _aligned_words(
    joined_query: str,
    unit_words: tuple[str, ...],
    joined: str | None = None,
    cutoff: float = 0.0,
    *,
    tight_from: float = 101.0,
) -> tuple[int, int, float] | None:
    """The stretch of ``unit_words`` that best lines up with the query, widened by half the
    query's length on each side (for dropped, added or moved words) unless the alignment
    scores ``tight_from`` or more, and the alignment score; None when that score is below
    ``cutoff`` (found sooner than the score itself)."""
    if joined is None:
        joined = " ".join(unit_words)
    if cutoff > 100:
        return None
    if len(joined_query) >= len(joined):
        if cutoff > 0:
            score = fuzz.partial_ratio(joined_query, joined, score_cutoff=cutoff)
            return (0, len(unit_words), score) if score >= cutoff else None
        return 0, len(unit_words), fuzz.partial_ratio(joined_query, joined)
    if cutoff > 0:
        alignment = fuzz.partial_ratio_alignment(joined_query, joined, score_cutoff=cutoff)
        if alignment is None or alignment.score < cutoff:
            return None
    else:
        alignment = fuzz.partial_ratio_alignment(joined_query, joined)
    if alignment is None:
        return 0, len(unit_words), 0.0
    margin = len(joined_query) // 2 if alignment.score < tight_from else 0
    start, end = alignment.dest_start - margin, alignment.dest_end + margin
    # Words are one space apart: the spaces before a position count the words before it.
    lo = joined.count(" ", 0, max(start + 1, 0)) + (start >= len(joined))
    hi = min((end > 0) + joined.count(" ", 0, max(end - 1, 0)), len(unit_words))
    return (lo, hi, alignment.score) if lo < hi else (0, len(unit_words), alignment.score)
