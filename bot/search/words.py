"""A paragraph's words, read fast: the same words as :func:`bot.text.words`, without a
regular expression and an object per word, and many paragraphs at once in numpy."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from bot.text import (
    _MARKS,
    _NUMBER_NAMES,
    _WORD,
    _word_norm,
    split_elision,
)

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
