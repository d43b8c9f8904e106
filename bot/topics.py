"""A topic's words as the library has them: the terms each word matches (by stem, as a
compound, or fuzzily for a typo), which of those are the word's sense ("progressive" is not
"progress", "the left" is not "he had left", a name's derived forms are its own), and how many
times a sentence or an article mentions them (:mod:`bot.compare` weighs the passages)."""

from __future__ import annotations

import bisect
import itertools
import re
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.language import DEFAULT
from bot.terms import Sentence, TermIndex, content_words, term_of, term_parts
from bot.text import fold, normalise

_T = TypeVar("_T")


def topic_terms(terms: TermIndex, topic: str, language: str = DEFAULT) -> tuple[set[str], set[str]]:
    """The library's terms that match a topic read in ``language``, and the stems they share
    with it.

    A term matches by the same stem or as a compound containing it ("imperialist" finds
    "imperialism" and "anti-imperialist"); a word the library does not have is matched to the
    words of the library's articles in that language, as typed without accents or within a
    small edit of it ("imperalism"). (Which of those terms' words are the topic's sense, and
    the derived forms of a name, are :func:`_resolve`'s.)"""
    found: set[str] = set()
    stems: set[str] = set()
    acronyms = _acronyms(topic)
    for word in content_words(topic, language):
        more, parts = _word_terms(terms, word, language, acronyms)
        found |= more
        stems |= parts
    return found, stems


# --- topics the index has no term for: short acronyms and years ------------------------------
#
# The index counts words of three letters or more, so "UN", "U.N." and "1917" are no terms; a
# topic made only of such tokens is matched in the articles' text instead, each as itself: an
# acronym in capitals or with its dots ("UN", "U.N.", never "un-" nor "under"), or in full
# where it has a name the texts write out ("the United Nations", as "U.S." is "the United
# States"), and a year as its digits ("1917", not "21917" or "1,917").
_ACRONYM_NAMES = {"UN": "United Nations", "EU": "European Union"}
_LITERAL = re.compile(r"(?<![\w.])[A-Za-z](?:\.[A-Za-z])+\.?(?!\w)|\b[A-Z]{2}\b|\b\d{4}\b")


def literal_topic(topic: str) -> re.Pattern[str] | None:
    """The pattern a topic made only of short acronyms and years is matched by in the text
    ("UN", "U.N.", "the United Nations", "1917"; see the notes above), a group for each of
    them; None for any other topic (its words are terms of the index), and for "US", which the
    index has ("u.s.")."""
    tokens = []
    rest = topic
    for acronym, name in _ACRONYM_NAMES.items():  # a name written out is its acronym
        if re.search(rf"(?<!\w){name}(?!\w)", rest, re.IGNORECASE):
            rest = re.sub(rf"(?<!\w){name}(?!\w)", " ", rest, flags=re.IGNORECASE)
            tokens.append(acronym)
    for match in _LITERAL.finditer(rest):
        token = match[0].replace(".", "")
        tokens.append(token if token.isdigit() else token.upper())
    rest = _LITERAL.sub(" ", rest)
    if not tokens or "US" in tokens or content_words(rest):
        return None
    parts = []
    for token in dict.fromkeys(tokens):
        if token.isdigit():
            parts.append(rf"(?<![\d.,]){token}(?!\d)")
            continue
        dotted = r"\.".join(token) + r"\.?"
        written = _ACRONYM_NAMES.get(token)
        full = "|" + r"\s+".join(written.split()) if written else ""
        parts.append(rf"(?<![\w.]){token}(?!\w)|(?<![\w.]){dotted}(?!\w){full}")
    return re.compile("|".join(f"({p})" for p in parts))  # a group for each token


def _acronyms(topic: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\b[A-ZА-Я]{2,6}\b", topic)}


def _word_terms(
    terms: TermIndex, word: str, language: str, acronyms: set[str]
) -> tuple[set[str], set[str]]:
    """One word of a topic: the library's terms it matches, and the stems they share with it."""
    known = terms.vocabulary.get(language, {})
    term = term_of(word, language)
    whole = term.replace("-", "")
    if "-" in term and whole in terms.parts:  # "multi-polarity": as "multipolarity" is
        parts = [whole]
    else:
        parts = [p for p in term_parts(term) if p in terms.parts]
    if not parts and fold(word) in known:
        parts = term_parts(known[fold(word)])
    if not parts and len(word) >= 4 and word.casefold() not in acronyms:
        # A misspelling, but never an acronym: NATO is not "nation".
        vocabulary = _cached(terms, ("vocabulary", language), lambda: list(known))
        close = process.extract(fold(word), vocabulary, scorer=fuzz.ratio, score_cutoff=85, limit=3)
        parts = [p for w, _, _ in close for p in term_parts(known[w])]
    found: set[str] = set()
    for part in parts:
        found.update(terms.parts.get(part, ()))
    return found, set(parts)


# --- which of a stem's words are the topic's sense -------------------------------------------
#
# Snowball stems "progressive" as "progress", "nationalism" as "nation", "socialism" as
# "social": one stem, words of different senses. A topic word counts the words of its stem
# that are of its kind: an "-ive" adjective only its own ("progressive", "progressives"), an
# "-ism"/"-ist" word only its family ("socialism", "socialist", "anti-socialist"), and a plain
# word none of those ("nation" is not "nationalist"). A name is the exception: its derived
# forms are its own ("Stalin": "Stalinist", "Stalinism", "neo-Stalinised"), found by the stems
# that begin with it and end as a derivation does. "Left" and "right" count only in their
# political sense ("the left", "the neo-Stalinised left", "left-wing"; not "he had left", "the
# right to strike"). English only: the other languages' stems are taken as they come.
_KINDS = (
    ("ism", re.compile(r"[a-z]{4,}?(?<!s)(?:ism|isms|ist|ists|istic|istics)")),
    ("ive", re.compile(r"[a-z]{3,}ives?")),
)
_NAME_ENDINGS = frozenset(
    ("", "s", "i", "n", "an", "ian", "ean", "ese", "is", "iz", "ism", "ist", "it")
)
_NAME_SHARE = 0.5  # a word capitalised within sentences at least this often is a name
_POLITICAL = {
    "left": frozenset(("leftist", "leftists", "leftism")),
    "right": frozenset(("rightist", "rightists")),
}
_NOT_POLITICAL = frozenset(("over", "hand", "handed", "behind", "overs", "most", "side"))
# "left" after these is a verb ("he had left", "who left"); before these, a verb or a
# direction ("left the city", "left behind", "the right to strike")
_BEFORE_A_VERB = frozenset(
    "had has have having was were is are be been being he she it they we i you who which and"
    " then just already never not also get got gets".split()
)
_AFTER_A_VERB = frozenset(
    "the a an his her their its it them him me us our my your this that these those behind"
    " over out off alone for home office to of hand side".split()
)
_DETERMINERS = frozenset(("the", "our", "this", "whose"))
_WORDS = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


@dataclass(frozen=True)
class _Word:
    """One word of a topic as matched in one language: the library's terms its mentions are
    among and the stems to bold; and, when not every word of those terms is the topic's sense,
    the words that are not (``rejected``, lower case, found in the text: "progress" for
    "progressive") or, for "left" and "right", the word whose every use is asked whether it
    is the political one (``political``)."""

    terms: frozenset[str]
    stems: frozenset[str]
    rejected: tuple[str, ...] | None = None
    political: str | None = None
    name: bool = False  # a name ("Stalin", "United" of "the United States")
    typed: str = ""

    @property
    def exact(self) -> bool:
        """Whether every use of its terms is a mention (counted from the index alone)."""
        return self.rejected is None


def _resolve(terms: TermIndex, topic: str, language: str) -> list[_Word]:
    """Each content word of a topic, as matched in ``language`` (see the notes above)."""
    acronyms = _acronyms(topic)
    capitals = {normalise(w) for w in _WORDS.findall(topic) if w[:1].isupper()}
    resolved = []
    for word in content_words(topic, language):
        found, stems = _word_terms(terms, word, language, acronyms)
        if language != "en" or not found or word.casefold() in acronyms:
            name = word in capitals
            resolved.append(_Word(frozenset(found), frozenset(stems), name=name, typed=word))
        else:
            resolved.append(_sense(terms, word, found, stems, word in capitals))
    return resolved


def _kind(word: str) -> str:
    return next((kind for kind, pattern in _KINDS if pattern.fullmatch(word)), "")


def _sense(terms: TermIndex, word: str, found: set[str], stems: set[str], typed: bool) -> _Word:
    """An English topic word's terms, narrowed to its sense or widened to a name's forms."""
    language = "en"
    if word in _POLITICAL:
        more = {term_of(w, language) for w in _POLITICAL[word]}
        for stem_ in more:
            found |= terms.parts.get(stem_, set())
        # each use of the word itself is asked whether it is the political one
        return _Word(frozenset(found), frozenset(stems | more), (word,), word, typed=word)
    # a compound's kind is its own word's ("anti-imperialist" is an "-ist" word, as
    # "antiimperialist" is), not none for the hyphen: else each of its uses is another sense
    kind = _kind(word.replace("-", ""))
    base = re.sub(r"(?:ism|isms|ist|ists|istic|istics)$", "", word) if kind == "ism" else word
    if _is_name(terms, base, language, typed):
        # a name's derived forms are its own: "Stalinist", "Stalinism", "neo-Stalinised"
        for stem_ in _derived(terms, base, language):
            found |= terms.parts.get(stem_, set())
            stems = stems | {stem_}
        return _Word(frozenset(found), frozenset(stems), name=True, typed=word)
    rejected: set[str] = set()
    for term in found:
        for form in _forms_of(terms, language).get(term, ()):
            parts = [p for p in form.split("-") if term_of(p, language) in stems]
            judged = parts or [form]  # "multi-polarity" for "multipolarity": as one word
            rejected.update(p for p in judged if _kind(p.replace("-", "")) != kind)
    if not rejected:
        return _Word(frozenset(found), frozenset(stems), typed=word)
    ordered = tuple(sorted(rejected, key=lambda f: (-len(f), f)))
    return _Word(frozenset(found), frozenset(stems), ordered, typed=word)


def _is_name(terms: TermIndex, word: str, language: str, typed: bool) -> bool:
    """Whether a word is a name: capitalised within the sentences of the article that uses it
    most (or, when the library has it nowhere, as typed)."""
    term = term_of(word, language)
    postings = terms.postings.get(term)
    if not postings:
        return typed

    def read() -> bool:
        article_id = max(postings, key=lambda a: (postings[a], a))
        return terms.capitalised(article_id, term) >= _NAME_SHARE

    return _cached(terms, ("name", term), read)  # (read once: the article is read for it)


_CACHE: weakref.WeakKeyDictionary[TermIndex, dict[object, object]] = weakref.WeakKeyDictionary()


def _cached(terms: TermIndex, key: object, make: Callable[[], _T]) -> _T:
    """What ``make`` makes of the library, kept until an article is added or removed."""
    kept = _CACHE.setdefault(terms, {})
    if kept.get("version") != terms.version:
        kept.clear()
        kept["version"] = terms.version
    if key not in kept:
        kept[key] = make()
    return kept[key]  # type: ignore[return-value]


def _forms_of(terms: TermIndex, language: str) -> dict[str, list[str]]:
    """Each term of ``language``'s articles and the words (folded) counted as it."""

    def make() -> dict[str, list[str]]:
        forms: dict[str, list[str]] = {}
        for word, term in terms.vocabulary.get(language, {}).items():
            forms.setdefault(term, []).append(word)
        return forms

    return _cached(terms, ("forms", language), make)


def _derived(terms: TermIndex, name: str, language: str) -> set[str]:
    """The stems of a name's derived forms: those beginning with the name's stem (or the name)
    and ending as a derivation does ("stalinis" for "Stalinised", "marxism" for "Marxist")."""
    stems = _cached(terms, "parts", lambda: sorted(terms.parts))
    found = set()
    for prefix in {term_of(name, language), fold(name)}:
        for stem_ in itertools.islice(stems, bisect.bisect_left(stems, prefix), None):
            if not stem_.startswith(prefix):
                break
            if stem_[len(prefix) :] in _NAME_ENDINGS:
                found.add(stem_)
    return found


def _political(text: str, start: int, end: int) -> bool:
    """Whether "left" (or "right") at ``text[start:end]`` is the political one: "the left",
    "some of the wider left", "the neo-Stalinised left", not "he had left the city"."""
    if text[start - 1 : start] == "-":  # "far-left", "centre-left"
        return True
    after = _WORDS.match(text, end + 1) if text[end : end + 1] == "-" else None
    if after is not None:  # "left-wing", not "left-over"
        return after[0].casefold() not in _NOT_POLITICAL
    following = _WORDS.search(text, end)
    if following is not None and following[0].casefold() in _AFTER_A_VERB:
        return False
    before = [w.casefold() for w in _WORDS.findall(text[max(0, start - 80) : start])][-3:]
    if not before or before[-1] in _BEFORE_A_VERB:
        return False
    # a determiner, and between it and "left" only what describes it ("the wider left")
    for i in range(len(before) - 1, -1, -1):
        if before[i] in _DETERMINERS:
            return not _BEFORE_A_VERB.intersection(before[i + 1 :])
    return False


@lru_cache(maxsize=65536)
def _rejected_in(text: str, word: _Word) -> tuple[tuple[int, int], ...]:
    """The spans of a narrowed topic word's terms in a text that are not its sense: its
    rejected words, whole (a part of a hyphenated compound is whole too), in any case."""
    assert word.rejected is not None
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer
        lowered = "".join(c.lower()[:1] or c for c in text)
    found: list[tuple[int, int]] = []
    for form in word.rejected:
        start = lowered.find(form)
        while start >= 0:
            end = start + len(form)
            whole = not (start and lowered[start - 1].isalpha()) and not (
                end < len(lowered) and lowered[end].isalpha()
            )
            other = whole and not any(a <= start < b for a, b in found)
            if other and not (word.political and _political(text, start, end)):
                found.append((start, end))
            start = lowered.find(form, end)
    return tuple(found)


def _said(sentence: Sentence, word: _Word) -> int:
    """How many times a sentence mentions a topic word: its terms' uses, less (for a narrowed
    word) those that are not its sense."""
    counts = sentence.terms
    if counts.keys().isdisjoint(word.terms):  # (iterates the smaller)
        return 0
    used = sum(counts[t] for t in counts.keys() & word.terms)
    if word.rejected is None:
        return used
    return used - len(_rejected_in(sentence.text, word))


READ_ALL = 500  # a narrowed word's articles up to which each is read for its count


def _mentions(
    terms: TermIndex, word: _Word, language: str, pending: set[str] | None = None
) -> Counter[str]:
    """How many times each article of ``language`` mentions a topic word: its terms' counts,
    less (for a narrowed word) the uses that are not its sense, found in its paragraphs. Where
    a narrowed word's articles are more than READ_ALL and ``pending`` is given, they are not
    read here: their counts are their terms' (at least their mentions) and their ids are added
    to ``pending``, to be read as the ranking needs them (:func:`_rank`)."""
    found: Counter[str] = Counter()
    for term in word.terms:
        for article_id, count in terms.postings.get(term, {}).items():
            if terms.languages.get(article_id) == language:
                found[article_id] += count
    if word.rejected is not None:
        if pending is not None and len(found) > READ_ALL:
            pending.update(found)
            return found
        for article_id in list(found):
            found[article_id] -= _rejected_count(terms, article_id, word)
            if found[article_id] <= 0:
                del found[article_id]
    return found


def _rejected_count(terms: TermIndex, article_id: str, word: _Word) -> int:
    """How many of an article's uses of a narrowed word's terms are of the other sense."""
    assert word.rejected is not None
    # A plain search first (a pattern that ignores case is many times slower): each word
    # but its first letter, which may be a capital, as written or in capitals.
    tails = {form[1:] for form in word.rejected}
    tails |= {tail.upper() for tail in tails}
    count = 0
    for paragraph in terms.articles[article_id].article.paragraphs:
        text = paragraph.text
        if any(tail in text for tail in tails):
            count += len(_rejected_in(text, word))
    return count


def _wording(
    terms: TermIndex, word: _Word, language: str, wording: Counter[str], said: Counter[str]
) -> None:
    """Add the words the topic was matched as, with how often each is used (for a narrowed
    word, a wording of the other sense, "progress" for "progressive", is shown as typed)."""
    if not said:
        return
    for term in word.terms:
        used = sum(
            n for a, n in terms.postings.get(term, {}).items()
            if terms.languages.get(a) == language
        )  # fmt: skip
        if used:
            shown = terms.show(term)
            if word.rejected is not None and any(
                part in word.rejected for part in [shown, *shown.split("-")]
            ):
                shown = word.typed or shown
            wording[shown] += used


# What ends a clause for a phrase: not quotation marks, which a phrase may hold ("false
# “peace” deals" has "peace deals").
_CLAUSE = re.compile(r"[,;:()\[\]!?…]|\s[\u2013\u2014-]\s|\u2014")


def _holds(token: str, word: _Word, language: str) -> bool:
    if term_of(token, language) not in word.terms:
        return False
    rejected = word.rejected
    return (
        word.political is not None
        or rejected is None
        or not any(part in rejected for part in [token, *token.split("-")])
    )


@lru_cache(maxsize=65536)
def _phrase_in(text: str, groups: tuple[_Word, ...], language: str) -> int:
    """How many times a sentence has a phrase's words side by side, in order, within a clause
    ("class war"; "socialism in one country", its little words aside)."""
    uses = 0
    for clause in _CLAUSE.split(text):
        tokens = content_words(clause, language)
        for i in range(len(tokens) - len(groups) + 1):
            uses += all(_holds(tokens[i + j], g, language) for j, g in enumerate(groups))
    return uses


def _phrase_spans(text: str, groups: tuple[_Word, ...], language: str) -> list[tuple[int, int]]:
    """Where a text uses a phrase, as :func:`_phrase_in` counts it: each use, from its first
    word to its last ("No War but the *Class War*", not the first "War"; "*socialism in one
    country*")."""
    found: list[tuple[int, int]] = []
    start = 0
    for end in [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]:
        # the clause's content words, each with its span (a little word has none)
        tokens = [
            (words[0], m.span())
            for m in _WORDS.finditer(text, start, end)
            if (words := content_words(m[0], language))
        ]
        for i in range(len(tokens) - len(groups) + 1):
            if all(_holds(tokens[i + j][0], g, language) for j, g in enumerate(groups)):
                found.append((tokens[i][1][0], tokens[i + len(groups) - 1][1][1]))
        start = end
    return sorted(set(found))


def _together(sentence: Sentence, groups: tuple[_Word, ...], language: str) -> bool:
    """Whether a sentence takes a phrase up: it has every word of it, side by side as the
    phrase (:func:`_phrase_in`): "European states … the United Nations" is not the United
    States, nor "the working class … this war" class war, nor "the war in Iraq … the world's
    sole power" a world war."""
    if not all(_said(sentence, g) for g in groups):
        return False
    return bool(_phrase_in(sentence.text, groups, language))
