"""What a search finds, and the bars that decide whether it is shown as the quote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.library import Article, Passage

# Scores run from 0 to 100. A match at or above HIT is presented as the passage the member
# meant; below it, the bot says it found nothing and offers candidates.
HIT = 70.0
# ... and the best match is shown as the quote only when the next best scores at least this
# much less: two passages that fit nearly as well are offered as candidates instead. Both bars
# were set on the benchmark of bench/quote_bench.py (see bench/RESULTS.md).
MARGIN = 2.0
CANDIDATE_FLOOR = 40.0  # below this a passage is not worth offering even as a candidate
MAX_QUERY_CHARS = 1500
# Paragraphs up to this length are quoted whole; longer ones by the matched sentences.
SHORT_PARAGRAPH = 600

STOPWORDS = frozenset(
    """a an and are as at be but by for from had has have he her his i if in into is it its
    of on or our she so than that the their them then there these they this to was we were
    what when which who will with would you your not no do does did""".split()
)


Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A passage found for a query, its score (0-100) and the spans of its text to bold.

    The spans are worked out when first asked for (given as a function of no arguments): a
    search returns several matches, and a reply bolds only those it shows."""

    passage: Passage
    score: float
    spans: Spans | Callable[[], Spans] = field(repr=False, compare=False)
    clear: bool = True  # no other passage scores within MARGIN of it

    @property
    def highlights(self) -> Spans:
        """The spans of the passage's text to bold (worked out once)."""
        spans = self.spans
        if callable(spans):
            spans = spans()
            object.__setattr__(self, "spans", spans)  # kept: a frozen match, worked out once
        return spans

    @property
    def is_hit(self) -> bool:
        """True when the match is good enough to present as the passage the member meant:
        it scores HIT or more, and clearly more than any other passage."""
        return self.score >= HIT and self.clear


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
