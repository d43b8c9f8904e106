"""Text handling shared by the library and search: normalising for matching, words, sentences.

Matching works on a normalised form (Unicode NFKC, case folded, one kind of quote, apostrophe
and dash, single spaces) while every position handed back points into the original text, so the
wording a member sees is always the author's own. Words are also folded as a reader folds them
when typing (:func:`fold`): "etat" finds "État", "еще" finds "ещё", and a Greek word typed
without its accents finds it; in any script, since a word is any run of Unicode letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
    """Return ``text`` folded for matching: NFKC, quotes, dashes, case and white space.

    Accents are kept (see :func:`fold` for words): the fingerprints of stored articles are
    made from this form, so it must not change."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    return _SPACES.sub(" ", text.casefold()).strip()


# Letters a reader types as plain Latin letters that have no decomposition to strip.
_PLAIN_LATIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})


def _strips_marks(base: str) -> bool:
    """True for Latin and Greek letters, whose accents a reader leaves out when typing; not
    Cyrillic, where "й" is its own letter, not "и" with a mark."""
    code = ord(base)
    return code < 0x250 or 0x370 <= code < 0x400 or 0x1E00 <= code < 0x2000


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """One word already normalised (:func:`normalise`), folded as :func:`fold` folds it."""
    if word.isascii():
        return word
    folded: list[str] = []
    for char in unicodedata.normalize("NFD", word.replace("ё", "е")):
        if unicodedata.combining(char) and folded and _strips_marks(folded[-1][-1]):
            continue
        folded.append(char)
    return unicodedata.normalize("NFC", "".join(folded)).translate(_PLAIN_LATIN)


def fold(text: str) -> str:
    """``text`` normalised (:func:`normalise`) and folded as a reader folds what they type:
    no accents or diacritics on Latin and Greek letters ("État" is "etat", "ά" is "α"), ё as
    е, and Greek final sigma as sigma (case folding does that)."""
    return " ".join(fold_word(w) for w in normalise(text).split(" "))


# A word is a run of letters or digits (any script, combining marks included, for text that
# is not composed), with inner apostrophes (don't, Russia's); hyphens split words, so
# "pro-Putin", "pro Putin" and "pro‑Putin" give the same words.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_PART = r"(?:[^\W_][" + _MARKS + r"]*)+"
_WORD = re.compile(_PART + r"(?:[" + "'" + _APOSTROPHES + r"]" + _PART + r")*")
# French and Italian elide an article or a small word into the next one: "l'État", "qu'il",
# "dell'Italia". They are two words, so "État" alone, or typed "l État", finds them.
ELISIONS = frozenset(
    "l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu "
    "dell all dall nell sull coll un quest quell nessun".split()
)
# Bumped whenever what :func:`words` yields changes, so an index saved on disk is rebuilt.
WORDS_VERSION = 2


@lru_cache(maxsize=200_000)
def _word_norm(token: str) -> str:
    """A word as written, normalised and folded (cached: words repeat)."""
    return fold_word(normalise(token))


def split_elision(word: str) -> tuple[str, str] | None:
    """``(elided, rest)`` for a normalised word such as "l'état" or "dell'italia", else None."""
    head, apostrophe, rest = word.partition("'")
    if apostrophe and rest and head in ELISIONS:
        return head, rest
    return None


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
    """Split ``text`` into words, keeping each word's span in ``text``; each word's ``norm``
    is folded (:func:`fold`), and an elided article is a word of its own."""
    result = []
    for m in _WORD.finditer(text):
        norm = _word_norm(m.group())
        elided = split_elision(norm)
        if elided:
            head, rest = elided
            cut = m.start() + len(head)  # the elided letters are ASCII: spans line up
            result.append(Word(head, m.start(), cut))
            result.append(Word(_NUMBER_NAMES.get(rest, rest), cut + 1, m.end()))
            continue
        result.append(Word(_NUMBER_NAMES.get(norm, norm), m.start(), m.end()))
    return result


def word_count(text: str) -> int:
    """Number of words in ``text``, counted as :func:`words` counts them."""
    return sum(1 for _ in _WORD.finditer(text))


# Sentence boundaries: terminal punctuation, optional closing quotes or brackets, white space,
# then something that can open a sentence. Abbreviations are checked separately.
_BOUNDARY = re.compile(
    r"""[.!?\u2026\u061f\u06d4\u0964\u0965]+['"\u2019\u201d\u00bb)\]]*"""  # an end, its marks
    r"""(?=\s+['"\u2018\u201c\u00ab\u201e(\[\u2014-]*(?P<next>\w))"""  # space, then a word
    r"""|[\u3002\uff01\uff1f]+[\u300d\u300f\uff09]*(?=(?P<cjk>\w))""",  # 。！？ need no space
)
_LATIN = re.compile(r"[A-Z0-9\u00c0-\u024f]")


def _opens_sentence(char: str) -> bool:
    """Whether a word starting with ``char`` may open a sentence: a capital or a digit in any
    script (Cyrillic, Greek as well as Latin), a Latin letter with a mark (as before), or a
    letter of a script without capitals (Arabic, Hebrew, Devanagari, Chinese)."""
    return bool(_LATIN.match(char)) or char.isupper() or char.isdigit() or not char.islower()


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
        if m["next"] is not None and not _opens_sentence(m["next"]):
            continue
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
