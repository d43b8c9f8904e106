"""Building the index from a library, and articles added to it or removed from it."""

from __future__ import annotations

import math
import mmap
from array import array
from collections.abc import Iterator

import numpy as np

from bot.library import Article, StoredParagraphs
from bot.search.arrays import _FAR, _Arrays
from bot.search.typos import _typo_index, _typo_keys
from bot.search.words import _BREAK, _Reader, fast_words

_CHUNK = 1 << 13  # paragraphs whose new words are numbered together while building
_PIECE = 1 << 11  # paragraphs read, and their postings sorted, together (in a cache)
# Paragraphs kept by stage 2 for stage 3 (alignment): 12, and more in a larger library, where
# more paragraphs share a quotation's words and order (20 from a million paragraphs on).
_SECOND, _SECOND_LARGE = 12, 20
_K1, _B = 1.2, 0.3  # BM25's saturation and length normalisation (gently: b = 0.3)


_READ = 1 << 20  # bytes of texts read from a library's file at once, at most (but an article's)


def _texts(articles: list[Article]) -> Iterator[list[bytes]]:
    """Every paragraph's text in UTF-8, \\x01 made a space, article after article, a list at
    a time. Texts in a file (:class:`~bot.library.StoredParagraphs`) are read as they were
    written, the texts of many articles at once, and never decoded."""
    span: list[tuple[StoredParagraphs, list[int]]] = []  # articles stored one after another
    for article in articles:
        stored = article.paragraphs
        if not isinstance(stored, StoredParagraphs):
            yield _read(span)
            span = []
            encoded = [text.encode() for text in article.texts()]
            yield [t.replace(b"\x01", b" ") if b"\x01" in t else t for t in encoded]
            continue
        ends = stored.bounds()
        if span and (
            span[0][0].file is not stored.file
            or span[-1][1][-1] != ends[0]
            or ends[-1] - span[0][1][0] > _READ
        ):
            yield _read(span)
            span = []
        span.append((stored, ends))
    yield _read(span)


def _read(span: list[tuple[StoredParagraphs, list[int]]]) -> list[bytes]:
    """The texts of articles stored one after another in a file, in one read."""
    if not span:
        return []
    start = span[0][1][0]
    data = span[0][0].file.read(start, span[-1][1][-1])
    if b"\x01" in data:
        data = data.replace(b"\x01", b" ")
    ends = [end - start for _, bounds in span for end in bounds[1:]]
    return [data[a:b] for a, b in zip([0, *ends], ends, strict=False)]  # (the last start: none)


def _changes(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins."""
    changes = np.empty(len(values), dtype=bool)
    changes[:1] = True
    np.not_equal(values[1:], values[:-1], out=changes[1:])
    return changes


class _Mapped:
    """Numbers of one type, appended array after array, in memory mapped for them alone
    (anonymous and private): pages not yet written take no memory, and pages cut off the end
    are given back at once (``madvise``), whatever the allocator does with its heap."""

    def __init__(self, dtype: type, room: int) -> None:
        self.dtype = np.dtype(dtype)
        self.size = 0
        self._map = mmap.mmap(-1, max(room, 1) * self.dtype.itemsize, flags=mmap.MAP_PRIVATE)
        self._array = np.frombuffer(self._map, dtype=self.dtype)

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._array):  # more than foreseen (never expected): twice the room
            grown = _Mapped(self.dtype.type, max(end, 2 * len(self._array)))
            grown.extend(self.view())
            self._map, self._array = grown._map, grown._array
        self._array[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self._array[: self.size]

    def fitted(self) -> np.ndarray:
        """The numbers, the mapping cut to their size (no more room kept: nothing else may
        be appended)."""
        del self._array
        self._map.resize(max(self.size * self.dtype.itemsize, 1))  # (mremap: no copy)
        return np.frombuffer(self._map, dtype=self.dtype, count=self.size)

    def cut(self, begin: int) -> None:
        """Everything from ``begin`` on forgotten, its pages given back."""
        page = mmap.PAGESIZE
        start = -(-begin * self.dtype.itemsize // page) * page
        end = min(-(-self.size * self.dtype.itemsize // page) * page, len(self._map))
        if end > start:
            self._map.madvise(mmap.MADV_DONTNEED, start, end - start)
        self.size = begin


class _Build(_Arrays):
    """The building of the index and its changes (see :class:`~bot.search.index.FuzzyIndex`)."""

    def _build(self, articles: list[Article]) -> None:
        # Words are numbered as met, which depends only on the library; what the search
        # ranks never depends on the numbers (ties go by words and paragraphs). Paragraphs
        # are read _CHUNK at a time (see words._Reader), in pieces of _PIECE.
        reader = _Reader()
        # Every paragraph's words in order, one after the other, two bytes a word: a word
        # numbered past _FAR (met after that many others, so rare) is _FAR there, and its
        # number is kept beside, by position (see arrays._Arrays._tokens).
        # A paragraph of n characters has at most n / 2 + 1 words: room for that many.
        room = sum(article.characters // 2 + len(article.paragraphs) for article in articles)
        sequence = _Mapped(np.uint16, room)
        far_at, far = array("q"), array("I")
        lengths = array("I")
        # Each piece's paragraphs by word, one piece after another in one array (its memory
        # is given back as the pieces are placed, from the last: see below), and for each
        # piece where it begins there, its words and how many paragraphs each has in it.
        placed = _Mapped(np.uint32, room)
        pieces: list[tuple[int, np.ndarray, np.ndarray]] = []
        counts = np.zeros(0, dtype=np.int64)  # paragraphs holding each word
        pending: list[bytes] = []

        def take(ids: np.ndarray) -> None:
            """One piece of whole paragraphs: each one's word numbers, then _BREAK."""
            nonlocal counts
            first = len(lengths)
            if ids.min() < 0:  # "l'état": two words for one written form
                elided = ids < 0
                pairs = np.array([reader.elisions[-i - 1] for i in ids[elided].tolist()], np.int64)
                repeats = np.where(elided, 2, 1)
                where = (np.cumsum(repeats) - repeats)[elided]
                ids = np.repeat(ids, repeats)
                ids[where], ids[where + 1] = pairs[:, 0], pairs[:, 1]
            ends = ids == _BREAK
            sizes = np.diff(np.flatnonzero(ends), prepend=-1) - 1
            ids = ids[~ends]
            if len(reader.vocabulary) > _FAR:
                rare = np.flatnonzero(ids >= _FAR)
                far_at.frombytes((rare + sequence.size).astype(np.int64).tobytes())
                far.frombytes(ids[rare].astype(np.uint32).tobytes())
                sequence.extend(np.minimum(ids, _FAR))
            else:
                sequence.extend(ids)
            lengths.frombytes(sizes.astype(np.uint32).tobytes())
            # Each (word, paragraph) once, by word then paragraph: one integer sorted.
            bits = max(len(sizes) - 1, 1).bit_length()
            wide = len(reader.vocabulary) << bits >= 1 << 32
            kind = np.uint64 if wide else np.uint32
            keys: np.ndarray = np.repeat(np.arange(len(sizes), dtype=kind), sizes)
            ids = ids.astype(kind)
            np.left_shift(ids, bits, out=ids)
            np.bitwise_or(keys, ids, out=keys)
            del ids
            keys.sort()
            keys = keys[_changes(keys)]
            words = np.right_shift(keys, bits)
            starts = np.flatnonzero(_changes(words))
            held = words[starts].astype(np.int64)
            size = np.diff(starts, append=len(keys))
            if len(counts) < len(reader.vocabulary):
                more = np.zeros(len(reader.vocabulary) - len(counts), dtype=np.int64)
                counts = np.concatenate((counts, more))
            counts[held] += size
            pieces.append((placed.size, held.astype(np.uint32), size.astype(np.uint32)))
            np.bitwise_and(keys, (1 << bits) - 1, out=keys)  # the paragraph, in the piece
            np.add(keys, first, out=keys)
            placed.extend(keys)

        def flush(chunk: list[bytes]) -> None:
            if chunk:
                for ids in reader.read(chunk, _PIECE):
                    take(ids)

        paragraph = 0
        self._articles = []
        self._article_starts = []
        self._by_article = {}
        for article in articles:
            self._articles.append(article)
            self._article_starts.append(paragraph)
            paragraph += len(article.paragraphs)
            self._by_article[article.id] = range(self._article_starts[-1], paragraph)
        for texts in _texts(articles):
            pending += texts
            while len(pending) >= _CHUNK:
                flush(pending[:_CHUNK])
                del pending[:_CHUNK]
        flush(pending)
        self._words = reader.vocabulary
        if len(counts) < len(self._words):
            counts = np.concatenate((counts, np.zeros(len(self._words) - len(counts), np.int64)))
        self._offsets = np.zeros(len(self._words) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._postings = np.empty(int(self._offsets[-1]), dtype=np.uint32)
        # From the last piece to the first, each placed at the end of what is left of its
        # words' postings, then cut off ``placed``, which gives its memory back at once: the
        # postings never take twice their size, even for a moment.
        filled = self._offsets[1:].copy()  # where what is left of each word's postings ends
        while pieces:
            begin, held, size = pieces.pop()
            paragraphs = placed.view()[begin:].copy()
            placed.cut(begin)
            filled[held] -= size
            starts = np.cumsum(size, dtype=np.int64) - size
            where = np.repeat(filled[held] - starts, size) + np.arange(len(paragraphs))
            self._postings[where] = paragraphs
            del paragraphs, where
        self._seq_starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(lengths, dtype=np.uint32), out=self._seq_starts[1:])
        self._seq = sequence.fitted()  # no copy
        self._far_at = np.frombuffer(far_at, dtype=np.int64)
        self._far = np.frombuffer(far, dtype=np.uint32)
        self._finish(typo_index=True)

    def _finish(self, *, typo_index: bool) -> None:
        """What follows from the arrays: the word lookup, weights, and (unless loaded with
        the rest) the typo index."""
        self._word_id = {w: i for i, w in enumerate(self._words)}
        if typo_index:
            self._typo_keys, self._typo_words = _typo_index(self._words)
        self._df = np.diff(self._offsets)
        self._extra = {}  # postings of paragraphs added since the build
        self._extra_typos = {}
        self._removed = set()
        self._dirty = False
        self._credit_cache = {}
        self._run_cache = {}
        self._refresh()

    def _refresh(self) -> None:
        """Weights that depend on the live paragraphs: their count and lengths."""
        lengths = np.diff(self._seq_starts).astype(np.float32)
        live = np.ones(len(lengths), dtype=bool)
        if self._removed:
            live[np.fromiter(self._removed, dtype=np.int64)] = False
        self._count = max(int(live.sum()), 1)
        average = float(lengths[live].mean()) if live.any() else 1.0
        norm = (_K1 + 1) / (1 + _K1 * (1 - _B + _B * lengths / max(average, 1.0)))
        self._norm = np.where(live, norm, 0).astype(np.float32)
        self._dead = np.flatnonzero(~live) if self._removed else None
        self._max_idf = math.log(self._count + 1) + 1
        self._common = max(50, self._count // 10)  # words in more paragraphs only rescore
        growth = min(max(math.log10(self._count / 100_000), 0.0), 1.0)  # 0 to 100k, 1 from 1M
        self._second = _SECOND + round((_SECOND_LARGE - _SECOND) * growth)

    # --- changes -----------------------------------------------------------------------------

    def add_article(self, article: Article) -> None:
        """Make an article quotable at once (merged into the arrays when next saved)."""
        start = len(self._seq_starts) - 1
        self._articles.append(article)
        self._article_starts.append(start)
        sequences, lengths = [], []
        df = list(self._df)
        for offset, para in enumerate(article.paragraphs):
            ids = []
            for word in fast_words(para.text):
                if word not in self._word_id:
                    self._word_id[word] = len(self._words)
                    self._words.append(word)
                    df.append(0)
                    if len(word) >= 2 and not word.isdigit():
                        for key in _typo_keys(word):
                            self._extra_typos.setdefault(key, []).append(self._word_id[word])
                ids.append(self._word_id[word])
            for i in sorted(set(ids)):
                self._extra.setdefault(i, array("I")).append(start + offset)
                df[i] += 1
            sequences.extend(ids)
            lengths.append(len(ids))
        self._df = np.array(df, dtype=np.int64)
        ids_added = np.array(sequences, dtype=np.int64)
        rare = np.flatnonzero(ids_added >= _FAR)
        self._far_at = np.concatenate((self._far_at, rare + len(self._seq)))
        self._far = np.concatenate((self._far, ids_added[rare].astype(np.uint32)))
        self._seq = np.concatenate((self._seq, np.minimum(ids_added, _FAR).astype(np.uint16)))
        ends = self._seq_starts[-1] + np.cumsum(np.array(lengths, dtype=np.int64))
        self._seq_starts = np.concatenate((self._seq_starts, ends))
        self._by_article[article.id] = range(start, start + len(article.paragraphs))
        self._dirty = True
        self._refresh()
        self._credit_cache.clear()  # new words: typos may now mean them

    def remove_article(self, article_id: str) -> None:
        """Take an article's passages out of every search."""
        span = self._by_article.pop(article_id, range(0))
        if span:  # its words are that much rarer now, as in a fresh build
            held = [np.unique(self._held(i)) for i in span]
            self._df = self._df.copy()
            np.subtract.at(self._df, np.concatenate(held).astype(np.int64), 1)
        self._removed.update(span)
        self._dirty = True
        self._refresh()
        self._credit_cache.clear()  # words only it held stand for nothing now
