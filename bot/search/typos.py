"""The keys under which a word is found by its typos (one edit: a letter added, dropped,
changed or two swapped)."""

from __future__ import annotations

import zlib


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
