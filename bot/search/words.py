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
    mark, or a surrogate). (Each pattern is one character: matched over all of them at once.)"""
    table = np.zeros(0x10000, dtype=np.uint8)
    every = "".join(map(chr, range(0x10000)))
    for kind, pattern in ((2, _PUNCTUATION), (1, _TO_APOSTROPHE), (3, _HAS_MARK)):
        table[[match.start() for match in pattern.finditer(every)]] = kind
    table[0xD800:0xE000] = 3
    table[:0x80] = 0
    return table


# After the text: its last paragraph's end, then spaces (every word is read 8 bytes at a time).
_AFTER = b" \x01" + b" " * (2 * _PACKED)


def _chunk_bytes(texts: list[bytes]) -> bytes | list[int]:
    """``texts`` (in UTF-8, without \\x01) prepared as :func:`_prepared` prepares each, joined
    by \\x01 (a word of its own, each paragraph's end), with a space before and spaces after;
    or the positions of the texts it cannot prepare so (combining marks, characters past the
    first plane), to be read alone."""
    parts = [b" " + texts[0], *texts[1:]] if texts else [b""]
    parts[-1] += _AFTER  # (two short texts copied, not the whole chunk)
    data = b" \x01 ".join(parts)
    if data.isascii():
        return data
    buf = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero(buf >= 0xC0)  # the first byte of each character past ASCII
    first = buf[lead].astype(np.int64)
    second = buf[lead + 1].astype(np.int64) & 0x3F  # (the spaces after: never past the end)
    third = buf[lead + 2].astype(np.int64) & 0x3F
    three = first >= 0xE0
    code = np.where(
        three, ((first & 0x0F) << 12) | (second << 6) | third, ((first & 0x1F) << 6) | second
    )
    kind = _char_classes()[np.minimum(code, 0xFFFF)]
    kind[first >= 0xF0] = 3
    if (kind == 3).any():
        ends_at = np.flatnonzero(buf == 1)  # each text's \x01
        return sorted(set(np.searchsorted(ends_at, lead[kind == 3]).tolist()))
    out = buf.copy()
    blank, apostrophe = kind == 2, kind == 1
    out[lead[blank]] = 32
    out[lead[blank] + 1] = 32
    out[lead[blank & three] + 2] = 32
    if not apostrophe.any():
        return out.tobytes()
    # An apostrophe is one byte, as ASCII's: the text between them joined by "'".
    at = lead[apostrophe]
    after = at + np.where(three[apostrophe], 3, 2)
    view = out.data
    bounds = zip([0, *after.tolist()], [*at.tolist(), len(out)], strict=True)
    return b"'".join([view[a:b] for a, b in bounds])


_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
# _BLANK after ASCII letters are lowered: both in one translation.
_LOWER_BLANK = bytes(_BLANK[c + 32 if 65 <= c <= 90 else c] for c in range(256))


def _blanked_buffer(data: bytes) -> tuple[bytes, np.ndarray]:
    """Prepared text (:func:`_chunk_bytes`) as :func:`_blanked` makes it, but with every byte
    where it was (an apostrophe that joins no letters made a space, as :func:`_blanked`
    drops it), and in numpy."""
    text = data.translate(_LOWER_BLANK)
    buf = np.frombuffer(text, dtype=np.uint8)
    if b"'" in text:  # it joins letters only: blank it next to a space or another one
        apostrophes = np.flatnonzero(buf == 39)  # never first or last: spaces are
        before, after = buf[apostrophes - 1], buf[apostrophes + 1]
        joins = (before != 32) & (before != 39) & (after != 32) & (after != 39)
        if not joins.all():
            buf = buf.copy()
            buf[apostrophes[~joins]] = 32
    return text, buf


def _token_bounds(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the words of blanked text (:func:`_blanked_buffer`) start, and how long each
    is: the runs of bytes other than spaces, exactly the words of ``split()``."""
    word = buf != 32
    edges = np.flatnonzero(word[1:] != word[:-1])  # the text begins and ends with a space
    return edges[::2] + 1, edges[1::2] - edges[::2]


def _packed(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each word as one 64-bit integer (little-endian: the word's first
    byte is the lowest), the bytes past its end cleared (text has no zero bytes, so two words
    of up to 8 bytes are equal exactly when their integers are)."""
    every = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    return every[starts] & np.take(_MASKS, lengths, mode="clip")


class _Forms:
    """A hash table of written forms of up to 8 bytes (``wide``: 16), each one or two 64-bit
    integers (:func:`_packed`: a form's first 8 bytes, and the next 8), to the number
    :meth:`_Reader.identify` gave it: open addressing, a few slots probed one after the
    other, grown to stay at most half full. A slot is a record of the form's integers and its
    number, so that a word is looked up by one record read; numpy looks up every word of a
    chunk at once. The forms met most often when first met are placed first, so that most
    words are found in their first slot. A form not found is new (or found its slots taken,
    rare: it is then looked up again in Python, and offered to the table again)."""

    _PROBES = 4

    def __init__(self, *, wide: bool) -> None:
        self._bits = 12
        self._wide = wide
        fields = [("high", "<u8"), ("low", "<u8")] if wide else [("high", "<u8")]
        self._record = np.dtype([*fields, ("number", "<i8")])
        # A high of 0 is no form: a word's first byte is never zero.
        self._table = np.zeros(1 << self._bits, dtype=self._record)
        self._seen = np.zeros(1 << self._bits, dtype=np.int64)  # its words when first met
        self._count = 0  # forms placed

    def _slot(self, high: np.ndarray, low: np.ndarray | None) -> np.ndarray:
        mixed = high if low is None else high ^ (low * np.uint64(0xC2B2AE3D27D4EB4F))
        slot = (mixed * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - self._bits)
        return slot.view(np.int64)

    def find(
        self, high: np.ndarray, low: np.ndarray | None, others: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The number of each form (``low`` None: a table of forms of up to 8 bytes), and
        where none was found (but ``others``, not forms of this table)."""
        slot = self._slot(high, low)
        found = self._table.take(slot)
        numbers = found["number"].copy()  # (read again and again: one after the other)
        missing = found["high"] != high
        if low is not None:
            missing |= found["low"] != low
        if others is not None:
            missing &= ~others
        missed = np.flatnonzero(missing)
        for probe in range(1, self._PROBES):
            if not len(missed):
                break
            tried = self._table.take((slot[missed] + probe) & ((1 << self._bits) - 1))
            hit = tried["high"] == high[missed]
            if low is not None:
                hit &= tried["low"] == low[missed]
            numbers[missed[hit]] = tried["number"][hit]
            missed = missed[~hit]
        return numbers, missed

    def add(self, high: np.ndarray, low: np.ndarray, numbers: np.ndarray, seen: np.ndarray) -> None:
        """New forms (each once) and how many of their words were just met, into the table
        where one of their slots is free."""
        if not len(high):
            return
        new = np.zeros(len(high), dtype=self._record)
        new["high"], new["number"] = high, numbers
        if self._wide:
            new["low"] = low
        if 2 * (self._count + len(new)) > len(self._table):  # grown, and every form again
            kept = self._table["high"] != 0
            new = np.concatenate((self._table[kept], new))
            seen = np.concatenate((self._seen[kept], seen))
            while 2 * (self._count + len(high)) > (1 << self._bits):
                self._bits += 1
            self._table = np.zeros(1 << self._bits, dtype=self._record)
            self._seen = np.zeros(1 << self._bits, dtype=np.int64)
            self._count = 0
        order = np.argsort(-seen, kind="stable")  # the commonest first
        new, seen = new[order], seen[order]
        slot = self._slot(new["high"], new["low"] if self._wide else None)
        for probe in range(self._PROBES):
            if not len(new):
                break
            tried = (slot + probe) & ((1 << self._bits) - 1)
            free = np.flatnonzero(self._table["high"][tried] == 0)
            _, first = np.unique(tried[free], return_index=True)  # one form a slot, the commonest
            placed = free[first]
            self._table[tried[placed]] = new[placed]
            self._seen[tried[placed]] = seen[placed]
            self._count += len(placed)
            left = np.ones(len(new), dtype=bool)
            left[placed] = False
            new, slot, seen = new[left], slot[left], seen[left]


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


class _Piece:
    """One run of paragraphs read by numpy (:meth:`_Reader._look_up`): their words' numbers,
    and those not found yet (numbered when their whole run is read: :meth:`_Reader._settle`)."""

    __slots__ = (
        "beyond",
        "ids",
        "lengths",
        "missed",
        "missed_high",
        "missed_low",
        "starts",
        "text",
    )

    def __init__(
        self, text: bytes, starts: np.ndarray, lengths: np.ndarray, ids: np.ndarray
    ) -> None:
        self.text, self.starts, self.lengths, self.ids = text, starts, lengths, ids
        self.missed = self.beyond = np.empty(0, dtype=np.int64)
        self.missed_high = self.missed_low = np.empty(0, dtype=np.uint64)


class _Reader:
    """Numbers the words of many paragraphs at once, with few Python objects per word.

    Their texts (in UTF-8) are joined once; characters outside ASCII are classed by a table
    (:func:`_char_classes`) and blanked or made apostrophes as :func:`_prepared` does, in
    numpy; words are the runs of bytes left (:func:`_token_bounds`), each of up to _PACKED
    bytes packed into one or two integers (:func:`_packed`) and looked up in a hash table of
    the written forms met so far (:class:`_Forms`: one for forms of up to 8 bytes, one for 9
    to 16). Only a form new to the tables is looked up in Python, once per chunk; a longer
    one, and the rare paragraph numpy does not read (combining marks, a character past the
    first plane), word by word. The ids are exactly those word-by-word reading gives (tests
    hold the two to the same words).

    New words are numbered as met: in each run of a chunk that numpy reads, those of its new
    forms of up to _PACKED bytes in the forms' byte order, then those of the longer ones in
    the text's order; a paragraph read alone, word by word. A chunk is looked up in pieces
    (a cache holds a piece's arrays), its new forms numbered once it is all read."""

    def __init__(self) -> None:
        self.vocabulary: list[str] = []
        self.known: dict[str, int] = {}
        # A written form: its word's number, or -k-1 for the k-th elision ("l'état": two).
        self.written: dict[str | bytes, int] = {_END: _BREAK}
        self.elisions: list[tuple[int, ...]] = []
        # Forms of up to 8 bytes, and of 9 to 16.
        self._short, self._long = _Forms(wide=False), _Forms(wide=True)

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

    def read(self, texts: list[bytes], piece: int | None = None) -> list[np.ndarray]:
        """The numbers of the words of ``texts`` (in UTF-8, \\x01 made a space), each text's
        followed by _BREAK: one array after another, each of whole texts (at most ``piece``
        of them), in order."""
        piece = piece or max(len(texts), 1)
        out: list[np.ndarray] = []
        run: list[_Piece] = []  # read by numpy since the last paragraph read alone
        for begin in range(0, len(texts), piece):
            part = texts[begin : begin + piece]
            data = _chunk_bytes(part)
            if isinstance(data, bytes):
                run.append(self._look_up(data))
                continue
            start = 0
            for alone in [*data, len(part)]:
                if start < alone:
                    readable = _chunk_bytes(part[start:alone])
                    assert isinstance(readable, bytes)  # every text of it is read by numpy
                    run.append(self._look_up(readable))
                if alone < len(part):
                    out += self._settle(run)
                    run = []
                    out.append(self._one(part[alone].decode()))
                start = alone + 1
        out += self._settle(run)
        return out

    def _one(self, text: str) -> np.ndarray:
        prepared = _prepared(text)
        tokens = _WORD.findall(text) if prepared is None else _split(prepared)
        return np.array([*map(self.identify, tokens), _BREAK], dtype=np.int64)

    def _look_up(self, data: bytes) -> _Piece:
        """The words of prepared texts (:func:`_chunk_bytes`) looked up in the tables."""
        text, buf = _blanked_buffer(data)
        starts, lengths = _token_bounds(buf)
        high = _packed(buf, starts, lengths)
        longer = lengths > 8  # looked up in the other table
        ids, missed = self._short.find(high, None, longer)
        found = _Piece(text, starts, lengths, ids)
        longest = np.flatnonzero(longer)
        if not len(longest):
            found.missed, found.missed_high = missed, high[missed]
            found.missed_low = np.zeros(len(missed), dtype=np.uint64)
            return found
        beyond = lengths[longest] > _PACKED
        found.beyond = longest[beyond]  # read in Python
        middle = longest[~beyond]
        every = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
        low = every[starts[middle] + 8] & np.take(_MASKS, lengths[middle] - 8, mode="clip")
        middle_ids, middle_missed = self._long.find(high[middle], low)
        ids[middle] = middle_ids
        found.missed = np.concatenate((missed, middle[middle_missed]))
        found.missed_high = high[found.missed]
        found.missed_low = np.concatenate(
            (np.zeros(len(missed), dtype=np.uint64), low[middle_missed])
        )
        return found

    def _settle(self, run: list[_Piece]) -> list[np.ndarray]:
        """The numbers of a run's words: its forms not found numbered, once for each (see
        the class), and into the tables."""
        missed = [p for p in run if len(p.missed)]
        if missed:
            high = np.concatenate([p.missed_high for p in missed])
            low = np.concatenate([p.missed_low for p in missed])
            sizes = [len(p.missed) for p in missed]
            which = np.repeat(np.arange(len(missed)), sizes)
            # The forms, each once (grouped by integer sorts), in their bytes' order (the
            # integers little-endian: byte-swapped, they compare as the bytes do).
            one, forms, seen = _groups(high, low)
            order = np.lexsort((low[one].byteswap(), high[one].byteswap()))
            one, seen = one[order], seen[order]
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            forms = rank[forms]
            starts = np.concatenate([p.starts[p.missed] for p in missed])[one].tolist()
            ends = np.concatenate([p.lengths[p.missed] for p in missed])[one] + starts
            texts = [missed[w].text for w in which[one].tolist()]
            numbers = np.array(
                [
                    self.identify(text[a:b])
                    for text, a, b in zip(texts, starts, ends.tolist(), strict=True)
                ],
                dtype=np.int64,
            )
            begin = 0
            for p, size in zip(missed, sizes, strict=True):
                p.ids[p.missed] = numbers[forms[begin : begin + size]]
                begin += size
            high, low = high[one], low[one]
            short = low == 0  # (a form of up to 8 bytes: its next 8 are none)
            self._short.add(high[short], low[short], numbers[short], seen[short])
            self._long.add(high[~short], low[~short], numbers[~short], seen[~short])
        for p in run:  # words longer than _PACKED bytes
            for i in p.beyond.tolist():
                p.ids[i] = self.identify(_word_bytes(p, i))
        return [p.ids for p in run]


def _groups(high: np.ndarray, low: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of ``high`` and ``low``: where one of each is, the pair of each
    element (numbered as the pairs are listed) and how many of each there are."""
    short = low == 0
    if short.all():  # (the first 8 bytes of forms of up to 8 bytes tell them apart)
        return _unique(high)
    one_short, of_short, seen_short = _unique(high[short])
    longer = np.flatnonzero(~short)
    key = np.stack((high[longer], low[longer]), axis=1).view(np.dtype((np.void, 16)))[:, 0]
    _, one_long, of_long, seen_long = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    shorts = np.flatnonzero(short)
    forms = np.empty(len(high), dtype=np.int64)
    forms[shorts] = of_short
    forms[longer] = of_long.reshape(-1) + len(one_short)
    one = np.concatenate((shorts[one_short], longer[one_long]))
    return one, forms, np.concatenate((seen_short, seen_long))


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`_groups`, of one array of integers (sorted once: quicker than np.unique's
    stable sort)."""
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(len(values), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    forms = np.empty(len(values), dtype=np.int64)
    forms[order] = np.cumsum(new) - 1
    firsts = np.flatnonzero(new)
    return order[firsts], forms, np.diff(firsts, append=len(values))


def _word_bytes(piece: _Piece, i: int) -> bytes:
    """The bytes of word ``i`` of a piece."""
    start = int(piece.starts[i])
    return piece.text[start : start + int(piece.lengths[i])]
