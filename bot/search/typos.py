"""The keys under which a word is found by its typos (one edit: a letter added, dropped,
changed or two swapped)."""

from __future__ import annotations

import zlib

import numpy as np


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


def _crc_table() -> np.ndarray:
    """zlib's CRC-32 table: the CRC of each byte value."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table.astype(np.uint32)


_CRC = _crc_table()


def _crc_rows(rows: np.ndarray) -> np.ndarray:
    """``zlib.crc32`` of each row of a 2-D array of bytes, all rows at once."""
    crc = np.full(len(rows), 0xFFFFFFFF, dtype=np.uint32)
    for column in rows.T:
        crc = _CRC[(crc ^ column) & 0xFF] ^ (crc >> 8)
    return crc ^ np.uint32(0xFFFFFFFF)


def _typo_index(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every typo key (:func:`_typo_keys`) of the words of two letters or more that are not
    numbers, sorted, and the number of the word of each (by number where keys are equal).
    Words in ASCII are done many at once, by length: each word's bytes a row, its forms
    with one letter less made by dropping a column (the same form, dropped from within a run
    of one letter, once)."""
    keys, ids = [], []
    by_length: dict[int, list[int]] = {}
    for i, word in enumerate(words):
        if len(word) < 2 or word.isdigit():
            continue
        if word.isascii():
            by_length.setdefault(len(word), []).append(i)
        else:
            found = _typo_keys(word)
            keys.append(np.array(found, dtype=np.uint32))
            ids.append(np.full(len(found), i, dtype=np.uint32))
    for size, numbers in by_length.items():
        rows = np.frombuffer("".join(words[i] for i in numbers).encode(), dtype=np.uint8)
        rows = rows.reshape(len(numbers), size)
        number = np.array(numbers, dtype=np.uint32)
        keys.append(_crc_rows(rows))
        ids.append(number)
        # Row i of ``drop``: the columns kept when column i is dropped.
        drop = np.array([[c for c in range(size) if c != i] for i in range(size)])
        shorter = rows[:, drop].reshape(len(numbers) * size, size - 1)
        once = np.ones((len(numbers), size), dtype=bool)
        once[:, 1:] = rows[:, 1:] != rows[:, :-1]
        keys.append(_crc_rows(shorter)[once.reshape(-1)])
        ids.append(np.repeat(number, size)[once.reshape(-1)])
    if not keys:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint32)
    # By key, then word: one sort of both packed in an integer.
    packed = (np.concatenate(keys).astype(np.uint64) << np.uint64(32)) | np.concatenate(ids)
    packed.sort()
    return (packed >> np.uint64(32)).astype(np.uint32), packed.astype(np.uint32)
