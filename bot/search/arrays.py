"""What the index holds (a handful of numpy arrays and a dictionary of words), and how its
word sequences and postings are read."""

from __future__ import annotations

from array import array
from bisect import bisect_right

import numpy as np

from bot.library import Article, Library
from bot.search.runs import _Runs

_FAR = 0xFFFF  # word numbers from this one on are kept beside the word sequences


class _Arrays:
    """The index's state, shared by the build (:mod:`.build`), the reading of a query
    (:mod:`.query`) and the search (:mod:`.index`)."""

    library: Library
    _articles: list[Article]
    _article_starts: list[int]  # each article's first paragraph in the index
    _by_article: dict[str, range]
    _words: list[str]  # the library's words, numbered as met
    _word_id: dict[str, int]
    _offsets: np.ndarray  # where each word's postings begin in _postings
    _postings: np.ndarray  # the paragraphs holding each word, word after word
    _seq: np.ndarray  # every paragraph's words in order, two bytes a word (see _FAR)
    _seq_starts: np.ndarray  # where each paragraph's words begin in _seq
    _far_at: np.ndarray  # positions in _seq of words numbered _FAR or more
    _far: np.ndarray  # ... and their numbers
    _typo_keys: np.ndarray  # sorted typo keys (:mod:`.typos`)
    _typo_words: np.ndarray  # ... and the word of each
    _df: np.ndarray  # paragraphs holding each word
    _extra: dict[int, array]  # postings of paragraphs added since the build
    _extra_typos: dict[int, list[int]]
    _removed: set[int]
    _dirty: bool  # articles came or went since the build
    _credit_cache: dict[str, dict[str, float]]
    _run_cache: dict[int, _Runs]
    _count: int  # live paragraphs
    _norm: np.ndarray  # each paragraph's BM25 length normalisation (0 once removed)
    _dead: np.ndarray | None  # removed paragraphs
    _max_idf: float
    _common: int  # words in more paragraphs only rescore
    _second: int  # paragraphs kept by stage 2 for stage 3

    def _tokens(self, at: np.ndarray) -> np.ndarray:
        """The numbers of the words at positions ``at`` of the word sequences."""
        tokens = self._seq[at].astype(np.uint32)
        rare = np.flatnonzero(tokens == _FAR)
        if len(rare):
            tokens[rare] = self._far[np.searchsorted(self._far_at, at[rare])]
        return tokens

    def _held(self, index: int) -> np.ndarray:
        """The numbers of the words of one paragraph, in order."""
        start, end = int(self._seq_starts[index]), int(self._seq_starts[index + 1])
        tokens = self._seq[start:end].astype(np.uint32)
        if len(self._far) and (tokens == _FAR).any():
            lo, hi = np.searchsorted(self._far_at, [start, end]).tolist()
            tokens[self._far_at[lo:hi] - start] = self._far[lo:hi]
        return tokens

    def _paragraph(self, index: int) -> tuple[Article, int]:
        """The article and paragraph number of a paragraph of the index."""
        i = bisect_right(self._article_starts, index) - 1
        return self._articles[i], index - self._article_starts[i] + 1

    def _ids(self, word_id: int) -> np.ndarray:
        """The paragraphs holding a word."""
        found = (
            self._postings[self._offsets[word_id] : self._offsets[word_id + 1]]
            if word_id < len(self._offsets) - 1
            else np.empty(0, dtype=np.uint32)
        )
        extra = self._extra.get(word_id)
        if extra is not None:
            found = np.concatenate((found, np.frombuffer(extra, dtype=np.uint32)))
        return found
