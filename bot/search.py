"""Finding the passage a member remembers, however loosely they remember it.

The search runs in three stages, each dearer per paragraph than the one before:

1. **Rarity** (every paragraph, through an inverted index): each query word stands for the
   library words it may mean (itself, and for a typo the words one edit away, two for a long
   word, found through an index of their one-letter deletions), weighted by its rarity; a
   paragraph earns the weight of the query words it holds, scaled down gently as it grows
   longer (BM25's length normalisation: a 200-word paragraph holds more words by chance). The
   best 300 go on, or every paragraph holding all the words that count (up to 3,000): a short
   quotation of common words has few rare words to tell paragraphs apart.
2. **Order** (those paragraphs' word sequences): the query's word pairs found side by side in
   the paragraph, or one word apart (a word dropped or added), weighted by their rarity. A
   clean quotation, even of common words, is mostly pairs in order.
3. **Alignment** (the best dozen, up to 20 in a library of a million paragraphs, where more
   paragraphs share a quotation's words; sentence run by sentence run): coverage, how much of
   the query's weight is found in the stretch that lines up with it, and alignment,
   rapidfuzz's ``partial_ratio`` between query and stretch; the score (0-100) is 0.6
   coverage + 0.4 alignment, and decides what is shown: a whole paragraph when it is short,
   the matched sentences when it is long. A longer list is scored as many at a time, so that
   it begins with the shorter one. A paragraph or a run that cannot beat what is found
   already is not aligned.

The best match is presented as the quote only when it scores HIT and no other passage comes
within MARGIN of it; otherwise the bot offers candidates. Both bars were set on the benchmark
of ``bench/quote_bench.py``, where at a million passages 99.8% of the passages so presented
were the right one.

The index is a handful of numpy arrays (postings, word sequences, the deletion index) and one
dictionary of words, so a million paragraphs are few Python objects. It is built by reading
thousands of paragraphs at once in numpy (:class:`_Reader`), not word by word; once built or
loaded it is frozen out of the garbage collector's full passes (:func:`gc.freeze`), which
would otherwise walk it for a second. Ties are broken by the words and the paragraphs' order,
never by the order of a set or dictionary, so an index loaded from disk in a new process
answers exactly as the one that was saved. :class:`QuoteIndex` is the interface;
:class:`FuzzyIndex` implements it.
"""

from __future__ import annotations

import gc
import hashlib
import math
import re
import threading
import zipfile
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Protocol, TypeVar, overload

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.library import Article, Library, Passage
from bot.text import (
    _MARKS,
    _NUMBER_NAMES,
    _WORD,
    WORDS_VERSION,
    Word,
    _word_norm,
    split_elision,
    words,
)

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
_WINDOW = 3  # longest run of sentences scored as one unit
_FIRST = 300  # paragraphs kept by stage 1 (rarity) for stage 2 (order)
_WIDE = 3000  # paragraphs kept by stage 1 when that many hold every query word it counts
_SAMPLE = 64  # one score in this many tells stage 1 where its best few hundred begin
# Paragraphs kept by stage 2 for stage 3 (alignment): 12, and more in a larger library, where
# more paragraphs share a quotation's words and order (20 from a million paragraphs on).
_SECOND, _SECOND_LARGE = 12, 20
_K1, _B = 1.2, 0.3  # BM25's saturation and length normalisation (gently: b = 0.3)
_PAIR = 2.0  # how much word pairs in order count against rarity in stage 2

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
    clear: bool = True  # no other passage scores within MARGIN of it

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


# --- words of a paragraph, fast ------------------------------------------------------------
#
# Building the index reads every word of the library, so it cannot afford :func:`words` (a
# regular expression and a small object per word). The same words come out of cheaper steps:
# apostrophes made ASCII and other punctuation blanked (neither changes where words start and
# end), then, for text that is all ASCII, bytes lowered and split; otherwise the same word
# pattern as :func:`words`. Each distinct written form is folded once, exactly as
# :func:`words` folds it (tests hold the two to the same words).

_APOSTROPHE_CHARS = "\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u00b4"
_TO_APOSTROPHE = re.compile(f"[`{_APOSTROPHE_CHARS}]")
# Anything outside ASCII that is neither a letter, a digit, an apostrophe nor a mark.
_PUNCTUATION = re.compile(f"[^\\x00-\\x7f\\w{_APOSTROPHE_CHARS}{_MARKS}]")
_HAS_MARK = re.compile(f"[{_MARKS}]")
# Bytes kept as they are: lower-case ASCII letters and digits, the apostrophe (and the backtick
# as one), bytes of UTF-8 letters (>= 0x80: the text's other non-ASCII characters are blanked
# first) and \x01, which marks the end of a paragraph when many are read at once.
_BLANK = bytes(
    ord("'")
    if c == ord("`")
    else c
    if c >= 0x80 or chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789'\x01"
    else 32
    for c in range(256)
)
_END = b"\x01"


def _prepared(text: str) -> bytes | None:
    """``text`` as UTF-8 with every character that is not part of a word blanked (which
    changes no word), or None for the rare text with combining marks, read by :data:`_WORD`."""
    if "\x01" in text:
        text = text.replace("\x01", " ")
    if not text.isascii():
        text = _PUNCTUATION.sub(" ", _TO_APOSTROPHE.sub("'", text))
        if not text.isascii() and _HAS_MARK.search(text):
            return None
    return text.encode()


def _blanked(data: bytes) -> bytes:
    """Prepared text (:func:`_prepared`) with ASCII letters lowered and every byte that is
    not part of a word a space: its words are then the runs of other bytes."""
    data = data.lower().translate(_BLANK)
    if b"'" in data:  # an apostrophe only joins letters: blank the others
        data = b" " + data + b" "
        while b"''" in data:
            data = data.replace(b"''", b" ")
        data = data.replace(b" '", b"  ").replace(b"' ", b"  ")
    return data


def _split(data: bytes) -> list[bytes]:
    """The written words of prepared text (:func:`_prepared`), ASCII letters lowered."""
    return _blanked(data).split()


_PACKED = 16  # written words up to this many bytes are told apart by numpy, as two integers


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """For each character of the first plane past ASCII, what :func:`_prepared` makes of it:
    0 kept (a letter or digit), 1 an apostrophe, 2 blanked, 3 not read by numpy (a combining
    mark, or a surrogate)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for code in range(0x80, 0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or _HAS_MARK.match(char):
            table[code] = 3
        elif _TO_APOSTROPHE.match(char):
            table[code] = 1
        elif _PUNCTUATION.match(char):
            table[code] = 2
    return table


def _chunk_bytes(texts: list[str]) -> bytes | list[int]:
    """``texts`` (without \\x01) prepared as :func:`_prepared` prepares each, joined by \\x01
    (a word of its own, each paragraph's end); or the positions of the texts it cannot
    prepare so (combining marks, characters past the first plane), to be read alone."""
    joined = " \x01 ".join(texts) + " \x01"
    data = joined.encode()
    if joined.isascii():
        return data
    buf = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero(buf >= 0xC0)  # the first byte of each character past ASCII
    padded = np.concatenate((buf, np.zeros(3, dtype=np.uint8)))
    first = buf[lead].astype(np.int64)
    second = padded[lead + 1].astype(np.int64) & 0x3F
    third = padded[lead + 2].astype(np.int64) & 0x3F
    three = first >= 0xE0
    code = np.where(
        three, ((first & 0x0F) << 12) | (second << 6) | third, ((first & 0x1F) << 6) | second
    )
    kind = _char_classes()[np.minimum(code, 0xFFFF)]
    kind[first >= 0xF0] = 3
    if (kind == 3).any():
        ends = np.flatnonzero(buf == 1)  # each text's \x01
        return sorted(set(np.searchsorted(ends, lead[kind == 3]).tolist()))
    out = buf.copy()
    blank, apostrophe = kind == 2, kind == 1
    out[lead[blank]] = 32
    out[lead[blank] + 1] = 32
    out[lead[blank & three] + 2] = 32
    if not apostrophe.any():
        return out.tobytes()
    out[lead[apostrophe]] = ord("'")
    keep = np.ones(len(out), dtype=bool)  # an apostrophe is one byte, as ASCII's
    keep[lead[apostrophe] + 1] = False
    keep[lead[apostrophe & three] + 2] = False
    return out[keep].tobytes()


_BLANK_TABLE = np.frombuffer(_BLANK, dtype=np.uint8)


def _blanked_array(data: bytes) -> np.ndarray:
    """:func:`_blanked` in numpy, with _PACKED zero bytes after the text (for :func:`_packed`)."""
    buf = np.frombuffer(data.lower().translate(_BLANK) + bytes(_PACKED), dtype=np.uint8).copy()
    apostrophe = buf == ord("'")
    if apostrophe.any():  # it joins letters only: blank it next to a space or another one
        letter = (buf != 32) & (buf != 0) & ~apostrophe
        joins = apostrophe.copy()
        joins[1:] &= letter[:-1]
        joins[0] = False
        joins[:-1] &= letter[1:]
        buf[apostrophe & ~joins] = 32
    return buf


def _token_bounds(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the words of blanked text (:func:`_blanked_array`) start and end: the runs of
    bytes other than spaces (and the zeros after it), exactly the words of ``split()``."""
    word = (buf != 32) & (buf != 0)
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    if len(word) and word[0]:
        edges = np.concatenate(([0], edges))
    return edges[::2], edges[1::2]


def _packed(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each word of at most :data:`_PACKED` bytes as two 64-bit integers holding its bytes
    (text has no zero bytes, so two words are equal exactly when their integers are); ``buf``
    ends with _PACKED zero bytes."""
    # Eight bytes read as one integer at every offset of the text (little-endian: a word's
    # first byte is the lowest), then those past the word's end cleared.
    every = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    mask = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
    high = every[starts] & mask[np.minimum(lengths, 8)]
    low = every[starts + 8] & mask[np.clip(lengths - 8, 0, 8)]
    return high, low


def _written(text: str) -> list[str] | list[bytes]:
    """The words of ``text`` as written (not yet folded), in order."""
    prepared = _prepared(text)
    return _WORD.findall(text) if prepared is None else _split(prepared)


@lru_cache(maxsize=1 << 18)
def _folded(written: str | bytes) -> tuple[str, ...]:
    """The words :func:`words` makes of one written word: its folded form, or two for an
    elision ("l'état")."""
    norm = _word_norm(written.decode() if isinstance(written, bytes) else written)
    elided = split_elision(norm)
    if elided:
        head, rest = elided
        return (head, _NUMBER_NAMES.get(rest, rest))
    return (_NUMBER_NAMES.get(norm, norm),)


def _count(text: str) -> int:
    """How many words :func:`fast_words` makes of ``text`` (without folding most of them)."""
    prepared = _prepared(text)
    if prepared is None:
        return len(fast_words(text))
    tokens = _split(prepared)
    if b"'" not in prepared:  # a written word is one word, but for an elision
        return len(tokens)
    return sum(len(_folded(token)) if b"'" in token else 1 for token in tokens)


def fast_words(text: str) -> list[str]:
    """The folded words of ``text``, as ``[w.norm for w in words(text)]`` (without spans)."""
    return [w for token in _written(text) for w in _folded(token)]


# --- typos ---------------------------------------------------------------------------------


def _key(word: str) -> int:
    """A stable 32-bit key of a word (the same in every process, unlike ``hash``); two words
    may share one, which only costs a comparison."""
    return zlib.crc32(word.encode())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _typo_keys(word: str) -> list[int]:
    """The keys under which a library word is found by its typos: itself and each form with
    one letter less (a typo of one edit shares one of them with the word)."""
    if word.isascii():  # (the same keys, with fewer steps: a letter is a byte)
        data = word.encode()
        return list(map(zlib.crc32, {data} | {data[:i] + data[i + 1 :] for i in range(len(data))}))
    return [_key(w) for w in {word} | _deletions(word)]


_W = TypeVar("_W", str, int)
_SCRATCH = threading.local()  # see FuzzyIndex._scratch
_FAR = 0xFFFF  # word numbers from this one on are kept beside the word sequences
_CHUNK = 1 << 13  # paragraphs read, and their postings sorted, together while building
_BREAK = 1 << 40  # the end of a paragraph, among word numbers


class _Reader:
    """Numbers the words of many paragraphs at once, with few Python objects per word.

    Their texts are joined and encoded once; characters outside ASCII are classed by a table
    (:func:`_char_classes`) and blanked or made apostrophes as :func:`_prepared` does, in
    numpy; words are the runs of bytes left (:func:`_token_bounds`), each of up to _PACKED
    bytes packed into two integers (:func:`_packed`) and looked up in a hash table of the
    written forms met so far. Only a form new to the table is looked up in Python, once per
    chunk; a longer one, and the rare paragraph numpy does not read (combining marks, a
    character past the first plane), word by word. The ids are exactly those word-by-word
    reading gives (tests hold the two to the same words)."""

    def __init__(self, paragraphs: int) -> None:
        self.vocabulary: list[str] = []
        self.known: dict[str, int] = {}
        # A written form: its word's number, or -k-1 for the k-th elision ("l'état": two).
        self.written: dict[str | bytes, int] = {_END: _BREAK}
        self.elisions: list[tuple[int, ...]] = []
        # At least four slots a paragraph, from 65,536 to a million (a library has fewer
        # written forms than that, so most find their slot free).
        self._bits = min(max((4 * paragraphs).bit_length(), 16), 20)
        slots = 1 << self._bits
        self._high = np.zeros(slots, dtype=np.uint64)  # (0, 0) is no word: an empty slot
        self._low = np.zeros(slots, dtype=np.uint64)
        self._id = np.zeros(slots, dtype=np.int64)

    def identify(self, token: str | bytes) -> int:
        """The number of a written form, numbering its words if new."""
        found = self.written.get(token)
        if found is not None:
            return found
        # A lower-case ASCII word folds to itself; others are folded, uncached (each
        # written form is met here once).
        if isinstance(token, bytes) and token.isalnum():
            plain = token.decode()
            folded: tuple[str, ...] = (_NUMBER_NAMES.get(plain, plain),)
        else:
            folded = _folded.__wrapped__(token)
        ids = []
        for word in folded:
            if word not in self.known:
                self.known[word] = len(self.vocabulary)
                self.vocabulary.append(word)
            ids.append(self.known[word])
        if len(ids) == 1:
            self.written[token] = ids[0]
        else:
            self.written[token] = -len(self.elisions) - 1
            self.elisions.append(tuple(ids))
        return self.written[token]

    def read(self, texts: list[str]) -> np.ndarray:
        """The numbers of the words of ``texts``, each text's followed by _BREAK."""
        texts = [t.replace("\x01", " ") if "\x01" in t else t for t in texts]
        data = _chunk_bytes(texts)
        if isinstance(data, bytes):
            return self._numbers(data)
        runs: list[np.ndarray] = []  # around the paragraphs numpy does not read
        start = 0
        for alone in [*data, len(texts)]:
            if start < alone:
                part = _chunk_bytes(texts[start:alone])
                assert isinstance(part, bytes)  # every text of it is read by numpy
                runs.append(self._numbers(part))
            if alone < len(texts):
                runs.append(self._one(texts[alone]))
            start = alone + 1
        return np.concatenate(runs) if runs else np.empty(0, dtype=np.int64)

    def _one(self, text: str) -> np.ndarray:
        prepared = _prepared(text)
        tokens = _WORD.findall(text) if prepared is None else _split(prepared)
        return np.array([*map(self.identify, tokens), _BREAK], dtype=np.int64)

    def _numbers(self, data: bytes) -> np.ndarray:
        buf = _blanked_array(data)
        starts, ends = _token_bounds(buf)
        lengths = ends - starts
        ids = np.empty(len(starts), dtype=np.int64)
        todo = np.ones(len(starts), dtype=bool)
        short = np.flatnonzero(lengths <= _PACKED)
        if len(short):
            high, low = _packed(buf, starts[short], lengths[short])
            slot = (
                (high ^ (low * np.uint64(0xC2B2AE3D27D4EB4F))) * np.uint64(0x9E3779B97F4A7C15)
            ) >> np.uint64(64 - self._bits)
            slot = slot.astype(np.int64)
            hit = (self._high[slot] == high) & (self._low[slot] == low)
            ids[short[hit]] = self._id[slot[hit]]
            todo[short[hit]] = False
            miss = np.flatnonzero(~hit)
            if len(miss):
                key = np.stack((high[miss], low[miss]), axis=1).view(np.dtype((np.void, 16)))[:, 0]
                _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
                forms = miss[first]
                numbers = np.array(
                    [
                        self.identify(buf[a:b].tobytes())
                        for a, b in zip(
                            starts[short[forms]].tolist(), ends[short[forms]].tolist(), strict=True
                        )
                    ],
                    dtype=np.int64,
                )
                ids[short[miss]] = numbers[inverse.reshape(-1)]
                todo[short[miss]] = False
                # Into the table, where a form's slot is free (a form that finds its slot
                # taken is looked up again in the next chunk: rare, and only a cost).
                new_slot = slot[forms]
                _, once = np.unique(new_slot, return_index=True)
                free = once[(self._high[new_slot[once]] == 0) & (self._low[new_slot[once]] == 0)]
                self._high[new_slot[free]] = high[forms[free]]
                self._low[new_slot[free]] = low[forms[free]]
                self._id[new_slot[free]] = numbers[free]
        for i in np.flatnonzero(todo).tolist():  # words longer than _PACKED bytes
            ids[i] = self.identify(buf[starts[i] : ends[i]].tobytes())
        return ids


class FuzzyIndex:
    """A :class:`QuoteIndex` in three stages (see the module's docstring): rarity over an
    inverted index of the library's words, word order over the best few hundred paragraphs'
    word sequences, then alignment over the best dozen's sentence runs."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._build(library.articles)
        gc.freeze()  # the index lives as long as the bot: keep it out of full collections

    # --- building --------------------------------------------------------------------------

    def _build(self, articles: list[Article]) -> None:
        # Words are numbered as met, which depends only on the library; what the search
        # ranks never depends on the numbers (ties go by words and paragraphs). Paragraphs
        # are read _CHUNK at a time (see _Reader).
        reader = _Reader(sum(len(article.paragraphs) for article in articles))
        # Every paragraph's words in order, one after the other, two bytes a word: a word
        # numbered past _FAR (met after that many others, so rare) is _FAR there, and its
        # number is kept beside, by position (see _tokens).
        sequence = array("H")
        far_at, far = array("q"), array("I")
        lengths = array("I")
        # Each chunk's paragraphs by word, one chunk after another in one array (its memory
        # is given back as the chunks are placed, from the last: see below), and for each
        # chunk where it begins there and how many paragraphs each word has in it.
        placed = array("I")
        chunks: list[tuple[int, np.ndarray]] = []
        pending: list[str] = []

        def flush() -> None:
            if not pending:
                return
            first = len(lengths)
            ids = reader.read(pending)
            pending.clear()
            elided = ids < 0
            if elided.any():  # "l'état": two words for one written form
                pairs = np.array([reader.elisions[-i - 1] for i in ids[elided].tolist()], np.int64)
                counts = np.where(elided, 2, 1)
                where = (np.cumsum(counts) - counts)[elided]
                ids = np.repeat(ids, counts)
                ids[where], ids[where + 1] = pairs[:, 0], pairs[:, 1]
            ends = np.flatnonzero(ids == _BREAK)
            sizes = np.diff(ends, prepend=-1) - 1
            ids = ids[ids != _BREAK]
            rare = np.flatnonzero(ids >= _FAR)
            far_at.frombytes((rare + len(sequence)).astype(np.int64).tobytes())
            far.frombytes(ids[rare].astype(np.uint32).tobytes())
            sequence.frombytes(np.minimum(ids, _FAR).astype(np.uint16).tobytes())
            lengths.frombytes(sizes.astype(np.uint32).tobytes())
            paragraphs = np.repeat(np.arange(first, first + len(sizes), dtype=np.uint64), sizes)
            keys = (ids.astype(np.uint64) << np.uint64(32)) | paragraphs
            del ids, paragraphs
            keys.sort()  # by word, then paragraph; each pair once
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
            chunk_counts = np.bincount((keys >> np.uint64(32)).astype(np.int64))
            chunks.append((len(placed), chunk_counts))
            placed.frombytes((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32).tobytes())

        paragraph = 0
        self._articles: list[Article] = []
        self._article_starts: list[int] = []
        self._by_article: dict[str, range] = {}
        for article in articles:
            self._articles.append(article)
            self._article_starts.append(paragraph)
            for text in article.texts():  # in one read, where the texts are in a file
                pending.append(text)
                if len(pending) == _CHUNK:
                    flush()
            paragraph += len(article.paragraphs)
            self._by_article[article.id] = range(self._article_starts[-1], paragraph)
        flush()
        self._words = reader.vocabulary
        counts = np.zeros(len(self._words), dtype=np.int64)
        for _, chunk_counts in chunks:
            counts[: len(chunk_counts)] += chunk_counts
        self._offsets = np.zeros(len(self._words) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._postings = np.empty(int(self._offsets[-1]), dtype=np.uint32)
        # From the last chunk to the first, each placed at the end of what is left of its
        # words' postings, then cut off ``placed``, which gives its memory back at once: the
        # postings never take twice their size, even for a moment.
        filled = self._offsets[1:].copy()  # where what is left of each word's postings ends
        while chunks:
            begin, chunk_counts = chunks.pop()
            paragraphs = np.frombuffer(placed, dtype=np.uint32)[begin:].copy()
            del placed[begin:]
            size = len(chunk_counts)
            filled[:size] -= chunk_counts
            word = np.repeat(np.arange(size), chunk_counts)
            starts = np.zeros(size, dtype=np.int64)
            np.cumsum(chunk_counts[:-1], out=starts[1:])
            self._postings[filled[word] + np.arange(len(paragraphs)) - starts[word]] = paragraphs
            del paragraphs, word
        self._seq_starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(lengths, dtype=np.uint32), out=self._seq_starts[1:])
        self._seq = np.frombuffer(sequence, dtype=np.uint16)  # no copy
        self._far_at = np.frombuffer(far_at, dtype=np.int64)
        self._far = np.frombuffer(far, dtype=np.uint32)
        self._finish(typo_index=True)

    def _finish(self, *, typo_index: bool) -> None:
        """What follows from the arrays: the word lookup, weights, and (unless loaded with
        the rest) the typo index."""
        self._word_id = {w: i for i, w in enumerate(self._words)}
        if typo_index:
            keys, ids = array("I"), array("I")
            for i, word in enumerate(self._words):
                if len(word) >= 2 and not word.isdigit():
                    found = _typo_keys(word)
                    keys.extend(found)
                    ids.extend([i] * len(found))
            key_array = np.frombuffer(keys, dtype=np.uint32)
            order = np.argsort(key_array, kind="stable")
            self._typo_keys = key_array[order]
            self._typo_words = np.frombuffer(ids, dtype=np.uint32)[order]
        self._df = np.diff(self._offsets)
        self._extra: dict[int, array] = {}  # postings of paragraphs added since the build
        self._extra_typos: dict[int, list[int]] = {}
        self._removed: set[int] = set()
        self._dirty = False
        self._credit_cache: dict[str, dict[str, float]] = {}
        self._run_cache: dict[int, _Runs] = {}
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

    # --- on disk -------------------------------------------------------------------------

    @staticmethod
    def signature(library: Library) -> str:
        """What an index on disk must have been built from: every article and its size, and
        the way words were folded (an index of older words is rebuilt)."""
        digest = hashlib.sha256(f"words {WORDS_VERSION} index 3\n".encode())
        for article in library.articles:
            # (characters: counted once, not read again from a file of texts)
            digest.update(f"{article.id}:{len(article.paragraphs)}:{article.characters}\n".encode())
        return digest.hexdigest()

    def save(self, path: Path) -> None:
        """Write the index for a quick start next time. After articles came or went, what is
        written is a fresh build of the library (this one is left as it is, still answering),
        so that what is loaded is what a fresh build makes."""
        if self._dirty:
            FuzzyIndex(self.library).save(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.npz")
        np.savez(
            partial,
            signature=np.array(self.signature(self.library)),
            words=np.array("\n".join(self._words)),
            offsets=self._offsets,
            postings=self._postings,
            seq=self._seq,
            far_at=self._far_at,
            far=self._far,
            seq_starts=self._seq_starts,
            typo_keys=self._typo_keys,
            typo_words=self._typo_words,
        )
        partial.replace(path)  # never a half-written index

    @classmethod
    def load(cls, path: Path, library: Library) -> FuzzyIndex | None:
        """The index saved for this very library, or None (missing, damaged, or stale)."""
        try:
            saved = _read_saved(path)
            if str(saved["signature"]) != cls.signature(library):
                return None
            arrays = {
                name: saved[name]
                for name in (
                    "offsets",
                    "postings",
                    "seq",
                    "far_at",
                    "far",
                    "seq_starts",
                    "typo_keys",
                    "typo_words",
                )
            }
            text = str(saved["words"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        index = cls.__new__(cls)
        index.library = library
        index._words = text.split("\n") if text else []
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
        # Several spellings of one query word: each paragraph earns its best, once (the
        # best is written last; a paragraph listed twice is added to once).
        size = len(scores)
        best_credit = self._scratch(size)
        dense = sum(len(ids) for ids, _ in found) >= size // 8  # many: every paragraph
        every = None if dense else np.concatenate([ids for ids, _ in found]).astype(np.intp)
        try:
            for ids, value in sorted(found, key=lambda f: f[1]):
                best_credit[ids] = value
            if every is None:
                scores += weight * best_credit
            else:
                scores[every] += weight * best_credit[every]
        finally:
            if every is None:
                best_credit.fill(0.0)
            else:
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
        scores, ranked = self._scratch(size, 1), self._scratch(size, 2)
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
        return Match(passage, round(score, 1), highlight(passage.text, joined_query, credits))


def _read_saved(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an index saved by :meth:`FuzzyIndex.save` (an uncompressed ``.npz``),
    each read from the file straight into its array and checked against its CRC, as
    ``np.load`` does, but about twice as quick (``np.load`` copies every array twice).
    Raises ValueError (or zipfile.BadZipFile) if the file is not such an index."""
    arrays = {}
    with path.open("rb") as file, zipfile.ZipFile(file) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{path}: not a saved index")
            file.seek(info.header_offset)
            header = file.read(30)  # the member's local header, then its name and extra field
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise ValueError(f"{path}: damaged")
            name_size, extra_size = (int.from_bytes(header[i : i + 2], "little") for i in (26, 28))
            start = info.header_offset + 30 + name_size + extra_size
            file.seek(start)
            version = np.lib.format.read_magic(file)
            if version not in ((1, 0), (2, 0)):  # what np.savez writes
                raise ValueError(f"{path}: not a saved index")
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(file)
            if dtype.hasobject or (fortran and len(shape) > 1):
                raise ValueError(f"{path}: not a saved index")
            count = math.prod(shape)
            end = file.tell()
            file.seek(start)
            check = zlib.crc32(file.read(end - start))
            array = np.fromfile(file, dtype=dtype, count=count)
            if array.size != count or zlib.crc32(array.data, check) != info.CRC:
                raise ValueError(f"{path}: damaged")  # as np.load would find it
            arrays[info.filename[: -len(".npy")]] = array.reshape(shape)
    return arrays


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


def _best(candidates: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
    """The ``keep`` best candidates, best first; on equal scores the earlier paragraph."""
    if len(candidates) > keep:
        top = np.argpartition(-scores, keep - 1)[:keep]
        threshold = scores[top].min()
        top = np.flatnonzero(scores >= threshold)  # every tie at the edge, then cut below
        candidates, scores = candidates[top], scores[top]
    order = np.lexsort((candidates, -scores))[:keep]
    return candidates[order]


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


@overload
def _aligned_words(
    joined_query: str, unit_words: tuple[str, ...], joined: str | None = None
) -> tuple[int, int, float]: ...


@overload
def _aligned_words(
    joined_query: str, unit_words: tuple[str, ...], joined: str | None, cutoff: float
) -> tuple[int, int, float] | None: ...


def _aligned_words(
    joined_query: str,
    unit_words: tuple[str, ...],
    joined: str | None = None,
    cutoff: float = 0.0,
) -> tuple[int, int, float] | None:
    """The stretch of ``unit_words`` that best lines up with the query, widened by half the
    query's length on each side (for dropped, added or moved words), and the alignment score;
    None when that score is below ``cutoff`` (found sooner than the score itself)."""
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
    margin = len(joined_query) // 2
    start, end = alignment.dest_start - margin, alignment.dest_end + margin
    # Words are one space apart: the spaces before a position count the words before it.
    lo = joined.count(" ", 0, max(start + 1, 0)) + (start >= len(joined))
    hi = min((end > 0) + joined.count(" ", 0, max(end - 1, 0)), len(unit_words))
    return (lo, hi, alignment.score) if lo < hi else (0, len(unit_words), alignment.score)
