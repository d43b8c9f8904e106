"""Text handling shared by the library and search: normalising for matching, words, sentences.

Matching works on a normalised form (Unicode NFKC, case folded, one kind of quote, apostrophe
and dash, single spaces) while every position handed back points into the original text, so the
wording a member sees is always the author's own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Every apostrophe-like and quote-like character, mapped to its ASCII twin.
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u0060\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a"
# Hyphens and dashes: hyphen, non-breaking hyphen, figure dash, en, em, horizontal bar, minus.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys(_APOSTROPHES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_INVISIBLE, ""),
    }
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return ``text`` folded for matching: NFKC, quotes, dashes, case and white space."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    return _SPACES.sub(" ", text.casefold()).strip()


# A word is a run of letters or digits, with inner apostrophes (don't, Russia's); hyphens split
# words, so "pro-Putin", "pro Putin" and "pro‑Putin" give the same words.
_WORD = re.compile(r"[^\W_]+(?:[" + "'" + _APOSTROPHES + r"][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its normalised form and where it stands in the original."""

    norm: str
    start: int
    end: int


# Small numbers match their names: a member may write "2 wars" for "two wars".
_NUMBER_NAMES = {
    str(n): name
    for n, name in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}


def words(text: str) -> list[Word]:
    """Split ``text`` into words, keeping each word's span in ``text``."""
    result = []
    for m in _WORD.finditer(text):
        norm = normalise(m.group())
        result.append(Word(_NUMBER_NAMES.get(norm, norm), m.start(), m.end()))
    return result


def word_count(text: str) -> int:
    """Number of words in ``text``, counted as :func:`words` counts them."""
    return sum(1 for _ in _WORD.finditer(text))


# Sentence boundaries: terminal punctuation, optional closing quotes or brackets, white space,
# then something that can open a sentence. Abbreviations are checked separately.
_BOUNDARY = re.compile(
    r"""[.!?\u2026]+['"\u2019\u201d)\]]*"""  # the end of a sentence and its closing marks
    r"""(?=\s+['"\u2018\u201c(\[]*[A-Z0-9\u00c0-\u024f])""",  # space, then a capital or digit
)
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "cf",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "gen", "col", "lt", "sgt", "rev", "hon", "vol", "pp", "p", "ed", "eds", "inc", "ltd", "co",
}  # fmt: skip


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or initial, not a sentence."""
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'\u201c":
        start -= 1
    token = text[start:dot].casefold()
    if token in _ABBREVIATIONS:
        return True
    # Initials and dotted abbreviations: "U.S.", "U.N.", "J." but not "war." or "1917."
    return bool(re.fullmatch(r"(?:[^\W\d_]\.)*[^\W\d_]", token)) and len(token) <= 5


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return their ``(start, end)`` spans without outer spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        first_mark = m.start()
        if _is_abbreviation(text, first_mark) and m.end() - m.start() == 1:
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            result.append((s, e))
    return result


def number(text: str, *, digits: int = 9) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits (at most ``digits`` of
    them), else None. ``str.isdigit`` alone also passes "²", which ``int`` refuses, and
    numbers too big for SQLite."""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None
