"""Comparisons: where the articles stand on a topic, and what two articles share and do not.

A topic is matched by stem ("imperialist" finds "imperialism" and "anti-imperialist") and
fuzzily (a typo still finds its word), in each article's own language: the topic is stemmed
with the stemmer and stopwords of every language the library holds, and each article is
matched only by the stems of its language, so "guerre" finds the French articles that speak of
"guerres" and an English "pain" finds no French bread. Accents may be left out ("etat" finds
"État"). An article addresses a topic when it returns to it, not when it mentions it once in
passing; its position is the passage of one to three sentences that says most about the topic
where the article states its own line: a passage is weighed by how much it is about the topic
(the share of its sentences that name it: a list naming it thrice, "war, peace, war again", is
not thrice as much about it) and by its stance, so a view it reports in order to answer gives
way to its own. For several topics asked at once ("Russia and Putin"), the passage is one
sentence: a run naming one topic, then the other, is not a line on them.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar, overload

import numpy as np
from rapidfuzz import fuzz, process

from bot.language import DEFAULT
from bot.library import Article, Passage
from bot.stance import Context, is_question
from bot.summary import argument_scores
from bot.terms import ArticleTerms, Sentence, TermIndex, content_words, term_of, term_parts
from bot.text import fold, normalise
from bot.text import words as text_words

_T = TypeVar("_T")

MIN_MENTIONS = 2  # an article that names a topic once has not addressed it (shown as such)
DIFFER_AMONG = 6  # shared topics weighed for where two articles differ most
# How a passage is weighed: how much it is about the topic (the share of its sentences naming
# it, a little for each further mention and for each further sentence on it) and its stance
# (bot/stance.py). What sets the article apart no longer counts: it drew passages toward the
# article's rarest words, off its line on the topic.
MENTIONS_WEIGHT = 1.0
MORE_MENTIONS = 0.3
ALONG = 0.6
STANCE_WEIGHT = 1.0
PHRASE = 1.0  # for a topic of several words, what it counts that a passage has the phrase
ORDER = "Most about it first (mentions per thousand words)."
WINDOW = 3  # a position is at most this many consecutive sentences
SEVERAL_WINDOW = 1  # and for several topics asked at once
MIN_PAIR_WORDS = 6


@dataclass(frozen=True)
class Position:
    """One article's passage on a topic, with the spans of topic words to bold."""

    article: Article
    passage: Passage
    mentions: int
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TopicComparison:
    """Where the library stands on a topic."""

    topic: str
    wording: list[str]  # the words the topic was matched as, commonest first
    positions: list[Position]  # best first
    more: int  # articles that address the topic beyond those shown
    silent: list[Article]  # articles that do not address it (all of them, in library order)
    in_passing: list[Article]  # the articles that name it once (shown after the others)
    # a phrase's: the articles that have its words only apart, never together in a sentence
    # (among ``silent``: they do not take it up)
    scattered: list[Article] = field(default_factory=list)


@dataclass(frozen=True)
class PairComparison:
    """What two articles share and where they part."""

    first: Article
    second: Article
    shared: list[str]
    only_first: list[str]
    only_second: list[str]
    closest: tuple[Passage, Passage] | None  # the most similar pair of sentences
    main_topic: str | None
    on_topic: tuple[Position | None, Position | None]


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
    kind = _kind(word)
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


def _rank(
    terms: TermIndex,
    mentions: Counter[str],
    pending: set[str],
    words: dict[str, list[_Word]],
    limit: int,
) -> None:
    """Read the pending articles' counts (see :func:`_mentions`) in the order of what they may
    be, most about the topic first, until the first ``limit`` are known: an article not read
    can be no more about it than its terms' counts say, so once the ``limit``-th article read
    is more about it than the next may be, the first ``limit`` are settled. The articles not
    read keep their terms' counts (in a large library, how many address it is then at most
    that many)."""

    def density(article_id: str) -> float:
        return mentions[article_id] / max(terms.articles[article_id].words, 1)

    known: list[float] = []  # the ``limit`` highest densities known of articles addressing it
    for article_id in sorted(mentions, key=lambda a: (-density(a), -mentions[a], a)):
        if len(known) >= limit and density(article_id) < known[0]:
            break
        if article_id in pending:
            pending.discard(article_id)
            language = terms.languages.get(article_id, DEFAULT)
            for word in words[language]:
                if word.rejected is not None:
                    mentions[article_id] -= _rejected_count(terms, article_id, word)
            if mentions[article_id] <= 0:
                del mentions[article_id]
                continue
        if mentions[article_id] >= MIN_MENTIONS:
            heapq.heappush(known, density(article_id))
            if len(known) > limit:
                heapq.heappop(known)


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


def _windows(sentences: list[Sentence], window: int = WINDOW) -> list[tuple[int, int]]:
    """Runs of one to ``window`` consecutive sentences within a paragraph: (first, last)
    indices."""
    runs = []
    for i, sentence in enumerate(sentences):
        for j in range(i, min(i + window, len(sentences))):
            if sentences[j].paragraph != sentence.paragraph:
                break
            runs.append((i, j))
    return runs


class _Texts(Sequence[str]):
    """An article's sentences' texts, each cut from its paragraph when first asked for."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self._sentences = sentences
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._sentences)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index not in self._texts:
            self._texts[index] = self._sentences[index].text
        return self._texts[index]


def _windows_around(sentences: list[Sentence], k: int, window: int) -> list[tuple[int, int]]:
    """The runs of :func:`_windows` that hold sentence ``k``."""
    paragraph = sentences[k].paragraph
    runs = []
    for first in range(max(0, k - window + 1), k + 1):
        if sentences[first].paragraph != paragraph:
            continue
        for last in range(k, min(first + window, len(sentences))):
            if sentences[last].paragraph != paragraph:
                break
            runs.append((first, last))
    return runs


def position(
    terms: TermIndex,
    article_id: str,
    words: list[_Word],
    mentions: int,
    groups: list[_Word] | None = None,
    window: int = WINDOW,
    settle: bool = False,
) -> Position | None:
    """The passage of an article that says most about a topic's words, with ``mentions`` (the
    article's, counted as the topic counts them). ``groups``: a phrase's words, which the
    passage must hold together in one of its sentences. ``settle``: of passages that weigh the
    same, the one whose sentence on the topic the article's argument ranks highest (else the
    first)."""
    entry = terms.articles[article_id]
    sentences = entry.sentences
    language = terms.languages.get(article_id, DEFAULT)
    counts = [sum(_said(s, w) for w in words) for s in sentences]
    if not any(counts):
        return None
    phrase = tuple(groups or ())
    together = [
        not phrase or (bool(counts[k]) and _together(s, phrase, language))
        for k, s in enumerate(sentences)
    ]
    # Stance toward where it states its own line rather than a view it reports to answer,
    # read with the sentences before (bot/stance.py).
    texts = _Texts(sentences)
    context = Context(texts, language)
    phrased: dict[int, bool] = {}
    asks: dict[int, bool] = {}

    def asked(k: int) -> bool:
        if k not in asks:
            asks[k] = is_question(texts[k])
        return asks[k]

    def answered(k: int, last: int) -> bool:
        """A question the passage answers in its next sentence ("But why do the neo-Stalinists
        see this as a desirable future…? Because…")."""
        return k < last and asked(k) and not asked(k + 1)

    hits = [k for k, n in enumerate(counts) if n]
    runs = sorted({run for k in hits for run in _windows_around(sentences, k, window)})
    best: tuple[float, int, int] | None = None
    tied: list[tuple[int, int]] = []
    # A question it leaves unanswered is not where an article states its line: its mentions
    # do not count for the passage (unless the article names the topic only in questions).
    for strict in (True, False):
        for first, last in runs:
            run = range(first, last + 1)
            if not any(together[k] for k in run):
                continue  # a phrase: its passage holds its words together in a sentence
            live = [k for k in run if not (strict and asked(k) and not answered(k, last))]
            said = sum(counts[k] for k in live)
            if not said:
                continue
            size = last - first + 1
            # an answered question is no view reported: it weighs as its answer does
            own = min(context.stance(k) for k in run if not answered(k, last))
            on_topic = sum(1 for k in live if counts[k])
            score = MENTIONS_WEIGHT * _topical(said, on_topic, size) + STANCE_WEIGHT * own
            if len(phrase) > 1:
                # A topic of several words: the passage that uses them as a phrase first.
                for k in run:
                    if together[k] and k not in phrased:
                        phrased[k] = bool(_phrase_in(texts[k], phrase, language))
                score += PHRASE * any(phrased.get(k, False) for k in run)
            if best is None or score > best[0] + 1e-9:
                best = (score, first, last)
                tied = [(first, last)]
            elif score > best[0] - 1e-9:
                tied.append((first, last))
        if best is not None:
            break
    if best is None:
        return None
    _, first, last = best
    if settle and len(tied) > 1:
        # Passages that weigh the same: the one whose sentence on the topic the article's
        # argument ranks highest (as its summary does; ranked only when there is a tie).
        ranks = argument_scores(terms, article_id)
        first, last = max(
            tied,
            key=lambda run: max(
                ranks.get(sentences[k].position, 0.0)
                for k in range(run[0], run[1] + 1)
                if counts[k]
            ),
        )
    para = sentences[first].paragraph
    passage = entry.article.passage(para, sentences[first].number, sentences[last].number)
    return Position(entry.article, passage, mentions, _highlights(passage.text, words, language))


_CLAUSE = re.compile(r"[,;:()\[\]\"“”«»!?…]|\s[\u2013\u2014-]\s|\u2014")


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


def _together(sentence: Sentence, groups: tuple[_Word, ...], language: str) -> bool:
    """Whether a sentence takes a phrase up: it has every word of it, and, where the phrase is
    a name ("the United States", "the Middle East"), the name itself ("European states … the
    United Nations" is not the United States; "the working class … this war" is of class
    war)."""
    if not all(_said(sentence, g) for g in groups):
        return False
    return not any(g.name for g in groups) or bool(_phrase_in(sentence.text, groups, language))


def _topical(mentions: int, on_topic: int, size: int) -> float:
    """How much a passage is about the topic: the share of its sentences that name it, and
    a little more for each further mention (a sentence naming it three times in a list, "war,
    peace, war again", is not three times as much about it)."""
    return (
        on_topic / size + MORE_MENTIONS * math.log(mentions / on_topic) + ALONG * math.log(on_topic)
    )


def _highlights(
    text: str, words: list[_Word], language: str = DEFAULT
) -> tuple[tuple[int, int], ...]:
    """Spans of the topic's mentions in ``text``: the words whose stem in ``language`` is one of
    the topic's (compounds split: each word of "anti-imperialist" is stemmed on its own), and
    a narrowed word's own uses."""
    stems = set().union(*(w.stems for w in words))
    spans = [(w.start, w.end) for w in text_words(text)]
    found = [(a, b) for a, b in spans if term_of(normalise(text[a:b]), language) in stems]
    # A compound written with a hyphen ("multi-polarity") for a topic written as one word.
    for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)+", text):
        joined = term_of(normalise(m[0]).replace("-", ""), language)
        if joined in stems and not any(m.start() <= a < m.end() for a, _ in found):
            found.append((m.start(), m.end()))
    for word in words:
        if word.rejected is not None:  # a narrowed word's uses in the other sense
            wrong = _rejected_in(text, word)
            found = [(a, b) for a, b in found if not any(a <= x < b for x, _ in wrong)]
    return tuple(sorted(set(found)))


def compare_topic(terms: TermIndex, topic: str, limit: int = 8) -> TopicComparison:
    """Each article that addresses ``topic``, with the passage that best states its position."""
    phrase = _phrase(terms, topic)
    if phrase is not None:
        return _compare_phrase(terms, topic, phrase[0], phrase[1], limit)
    by_language = {language: _resolve(terms, topic, language) for language in terms.language_set()}
    mentions: Counter[str] = Counter()
    wording: Counter[str] = Counter()
    pending: set[str] = set()  # a narrowed word's articles not yet read (a large library)
    for language, words in by_language.items():
        for word in words:
            said = _mentions(terms, word, language, pending)
            mentions.update(said)
            _wording(terms, word, language, wording, said)
    if pending:
        _rank(terms, mentions, pending, by_language, limit)
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS]
    # Most about it first: mentions per thousand words, then more mentions (ORDER says so).
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    addressing.sort(key=lambda a: (-mentions[a] / words_in[a], -mentions[a], a))
    passing = [a for a in terms.library.articles if 0 < mentions.get(a.id, 0) < MIN_MENTIONS]
    # Then the articles that name it once: shown, marked so, rather than hidden.
    chosen = addressing[:limit] + [a.id for a in passing][: max(0, limit - len(addressing))]
    # Several topics asked at once ("Russia and Putin"): any of them puts a sentence on the
    # topic, so a run of sentences naming one or the other would outweigh the sentence that
    # states the article's line on them; the passage is that one sentence.
    window = SEVERAL_WINDOW if _several(terms, topic) else WINDOW
    positions = [
        p
        for a in chosen
        if (
            p := position(
                terms, a, by_language[terms.languages[a]], mentions[a], window=window, settle=True
            )
        )
    ]
    shown = {p.article.id for p in positions if p.mentions >= MIN_MENTIONS}
    addressed = set(addressing) | {a.id for a in passing}
    silent = [a for a in terms.library.articles if a.id not in addressed]
    return TopicComparison(
        topic,
        [w for w, _ in sorted(wording.items(), key=lambda item: (-item[1], item[0]))[:6]],
        positions,
        len(addressing) - len(shown),
        silent,
        passing,
    )


def topic_position(
    terms: TermIndex, topic: str, article_id: str, words: list[_Word] | None = None
) -> Position | None:
    """One article's position on a one-word topic, as :func:`compare_topic` shows it: the same
    mentions, the same passage (``/compare a | b`` sets two articles side by side by it).
    ``words``: the topic as resolved in the article's language, if already known."""
    language = terms.languages.get(article_id, DEFAULT)
    if words is None:
        words = _resolve(terms, topic, language)
    said = sum(_said(s, w) for s in terms.articles[article_id].sentences for w in words)
    if said <= 0:
        return None
    return position(terms, article_id, words, said, settle=True)


def _several(terms: TermIndex, topic: str) -> bool:
    """Whether a topic names several things, each a topic of its own ("Russia and Putin")."""
    return any(len(content_words(topic, language)) > 1 for language in terms.language_set())


# Words that join several topics typed at once ("war and peace", "Russia, Putin"), in the
# bot's languages; a topic of several words without one is a phrase ("socialism in one
# country", "the United States").
_JOINS = re.compile(
    r"[,;/&+]|(?<!\w)(?:and|or|vs\.?|versus|et|ou|und|oder|y|o|e|и|или)(?!\w)", re.IGNORECASE
)


def _phrase(terms: TermIndex, topic: str) -> tuple[str, list[_Word]] | None:
    """A topic of several words typed as one ("class war", "socialism in one country", not
    "war and peace"): its language and each content word as matched in it; None otherwise.
    The language is the first of the library's where every word is matched and some article
    has them all (else where most are matched: no article takes it up)."""
    if _JOINS.search(topic):
        return None
    candidates = []
    for language in terms.language_set():
        wanted = content_words(topic, language)
        if len(wanted) < 2:
            continue
        groups = _resolve(terms, topic, language)
        if all(g.terms for g in groups) and any(
            all(any(entry.counts[t] for t in g.terms) for g in groups)
            for article_id, entry in _holding(terms, groups, language)
        ):
            return language, groups
        candidates.append((-sum(bool(g.terms) for g in groups), language, groups))
    if not candidates:
        return None
    _, language, groups = min(candidates, key=lambda c: (c[0], c[1]))
    return language, groups


def _holding(
    terms: TermIndex, groups: list[_Word], language: str
) -> list[tuple[str, ArticleTerms]]:
    """The articles of ``language`` holding a term of each group (from the postings)."""
    holding = [set().union(*(terms.postings.get(t, {}).keys() for t in g.terms)) for g in groups]
    found = sorted(set.intersection(*holding)) if holding else []
    return [(a, terms.articles[a]) for a in found if terms.languages.get(a) == language]


def _as_typed(topic: str, language: str) -> str:
    """A phrase as typed, without the little words before and after it ("united states")."""
    typed = [w.casefold() for w in _WORDS.findall(topic)]
    wanted = set(content_words(topic, language))
    kept = [i for i, w in enumerate(typed) if normalise(w) in wanted]
    return " ".join(typed[kept[0] : kept[-1] + 1]) if kept else " ".join(typed)


def _compare_phrase(
    terms: TermIndex, topic: str, language: str, groups: list[_Word], limit: int
) -> TopicComparison:
    """/compare of a phrase: the articles that hold its words together in a sentence, those
    using the phrase itself first, each one's passage holding them. A mention is a use of
    the phrase, or a sentence holding its words together otherwise; an article that has
    its words only apart (in different sentences) is not taken to address it (``scattered``)."""
    mentions: Counter[str] = Counter()
    phrase: Counter[str] = Counter()
    scattered: list[str] = []
    words = tuple(groups)
    pair = len(groups) == 2 and all(g.rejected is None for g in groups)
    name = any(g.name for g in groups)
    narrowed = any(g.rejected is not None for g in groups)
    sets = [g.terms for g in groups]
    every = frozenset().union(*sets)
    for article_id, entry in _holding(terms, groups, language):
        # Two words the index counts side by side in a clause (its bigrams): where they are
        # not, no sentence need be read for the phrase (and a name is not there at all).
        # (only the terms the article has: a common word's compounds are many)
        side_by_side = not pair or any(
            entry.bigrams[(a, b)]
            for a in [t for t in groups[0].terms if t in entry.counts]
            for b in [t for t in groups[1].terms if t in entry.counts]
        )
        uses: list[int] = []
        if side_by_side or not name:
            for s in entry.sentences:
                held = s.terms.keys()  # (a view: isdisjoint iterates the smaller)
                if held.isdisjoint(every) or any(held.isdisjoint(t) for t in sets):
                    continue  # (most sentences have none of the words: one set operation)
                if narrowed and not all(_said(s, g) for g in groups):
                    continue
                n = _phrase_in(s.text, words, language) if side_by_side else 0
                if n or not name:
                    uses.append(n)
        if not uses:
            if not narrowed or all(any(_said(s, g) for s in entry.sentences) for g in groups):
                scattered.append(article_id)  # each of its words, but apart
            continue
        mentions[article_id] = sum(max(1, n) for n in uses)
        phrase[article_id] = sum(uses)
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS]
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    addressing.sort(key=lambda a: (-phrase[a], -mentions[a] / words_in[a], -mentions[a], a))
    addressed = set(addressing)
    passing = [a for a in terms.library.articles if a.id in mentions and a.id not in addressed]
    silent = [a for a in terms.library.articles if a.id not in mentions]
    chosen = addressing[:limit] + [a.id for a in passing][: max(0, limit - len(addressing))]
    # The articles shown: passages that weigh the same settled by the article's argument.
    positions = [
        p
        for a in chosen
        if (p := position(terms, a, groups, mentions[a], groups=groups, settle=True)) is not None
    ]
    shown = {p.article.id for p in positions if p.article.id in addressed}
    apart = set(scattered)
    return TopicComparison(
        topic,
        [_as_typed(topic, language)],
        positions,
        len(addressing) - len(shown),
        silent,
        passing,
        [a for a in terms.library.articles if a.id in apart],
    )


def nearest_terms(terms: TermIndex, topic: str, limit: int = 5) -> list[str]:
    """Library words spelled like a topic nobody addresses, most used first (suggestions)."""
    wanted = fold(" ".join(content_words(topic)) or topic)
    close = process.extract(wanted, list(terms.wordings), scorer=fuzz.ratio, limit=limit * 4)
    candidates = [w for w, score, _ in close if score >= 60 and len(w) >= 4]
    used = {w: sum(terms.postings[terms.wordings[w]].values()) for w in candidates}
    addressed = [w for w in candidates if used[w] >= MIN_MENTIONS]
    return sorted(addressed, key=lambda w: -used[w])[:limit]


def suggested_topics(terms: TermIndex, limit: int = 6) -> list[str]:
    """Topics several articles address: good first things to /compare."""
    scores: dict[str, float] = {}
    for term, postings in terms.postings.items():
        if "-" in term or len(postings) < 2 or len(postings) == terms.size > 2:
            continue
        addressed = sum(1 for n in postings.values() if n >= MIN_MENTIONS)
        if addressed >= 2:
            scores[term] = addressed + sum(postings.values()) / 100
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    return [terms.show(t) for t in ranked[:limit]]


def compare_articles(terms: TermIndex, first_id: str, second_id: str) -> PairComparison:
    """What two articles share (terms, closest passages) and where they part."""
    a, b = terms.articles[first_id], terms.articles[second_id]

    def weight(term: str) -> float:
        return terms.idf(term) + 0.5

    common = {t for t in set(a.counts) & set(b.counts) if max(a.counts[t], b.counts[t]) >= 2}
    shared = sorted(common, key=lambda t: (-min(a.counts[t], b.counts[t]) * weight(t), t))

    def only(x: Counter[str], y: Counter[str]) -> list[str]:
        own = [t for t in x if x[t] >= 2 and y[t] == 0]
        return sorted(own, key=lambda t: (-x[t] * weight(t), t))

    # Of the topics both take up, the one where what they say about it is least alike: where
    # they differ most (ties: the more shared topic).
    both = [t for t in shared if a.counts[t] >= 2 and b.counts[t] >= 2][:DIFFER_AMONG]
    main: str | None = None
    on_topic: tuple[Position | None, Position | None] = (None, None)
    least = math.inf
    for term in both:
        # each one's passage and mentions as /compare of the topic shows them
        topic = terms.show(term)
        resolved = {
            language: _resolve(terms, topic, language)
            for language in {terms.languages[first_id], terms.languages[second_id]}
        }
        pair = (
            topic_position(terms, topic, first_id, resolved[terms.languages[first_id]]),
            topic_position(terms, topic, second_id, resolved[terms.languages[second_id]]),
        )
        if pair[0] is None or pair[1] is None:
            continue
        similar = alike(terms, pair[0].passage.text, pair[1].passage.text, first_id, second_id)
        if similar < least - 1e-9:
            main, on_topic, least = topic, pair, similar
    return PairComparison(
        a.article,
        b.article,
        [terms.show(t) for t in shared[:6]],
        [terms.show(t) for t in only(a.counts, b.counts)[:6]],
        [terms.show(t) for t in only(b.counts, a.counts)[:6]],
        _closest(terms, a.sentences, b.sentences),
        main,
        on_topic,
    )


def alike(terms: TermIndex, first: str, second: str, first_id: str, second_id: str) -> float:
    """How alike two passages are: the cosine of their terms weighted by rarity."""

    def stems(text: str, article_id: str) -> Counter[str]:
        language = terms.languages.get(article_id, DEFAULT)
        return Counter(term_of(w, language) for w in content_words(text, language))

    return cosine(terms, stems(first, first_id), stems(second, second_id))


def cosine(terms: TermIndex, one: Counter[str], two: Counter[str]) -> float:
    """How alike two bags of terms are, each weighted by its rarity in the library."""

    def weight(term: str) -> float:
        return terms.idf(term) + 0.5

    dot = sum(one[t] * two[t] * weight(t) ** 2 for t in one.keys() & two.keys())
    norm = math.sqrt(sum((n * weight(t)) ** 2 for t, n in one.items())) * math.sqrt(
        sum((n * weight(t)) ** 2 for t, n in two.items())
    )
    return dot / norm if norm else 0.0


def _closest(
    terms: TermIndex, first: list[Sentence], second: list[Sentence]
) -> tuple[Passage, Passage] | None:
    """The most similar pair of sentences, one from each article (TF-IDF cosine)."""
    first = [s for s in first if len(s.text.split()) >= MIN_PAIR_WORDS]
    second = [s for s in second if len(s.text.split()) >= MIN_PAIR_WORDS]
    if not first or not second:
        return None
    vocabulary = {t: i for i, t in enumerate({t for s in first + second for t in s.terms})}
    if not vocabulary:
        return None

    def matrix(sentences: list[Sentence]) -> np.ndarray:
        m = np.zeros((len(sentences), len(vocabulary)))
        for row, s in enumerate(sentences):
            for t, n in s.terms.items():
                m[row, vocabulary[t]] = (1 + math.log(n)) * (terms.idf(t) + 0.5)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1)

    left, right = matrix(first), matrix(second)
    similarity = left @ right.T
    # One rare word in common makes two short sentences look alike; ask for two.
    shared = (left > 0).astype(float) @ (right > 0).astype(float).T
    similarity[shared < 2] = 0.0
    i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    if similarity[i, j] <= 0:
        return None
    x, y = first[int(i)], second[int(j)]
    library = terms.library
    pa = library.get(x.article_id)
    pb = library.get(y.article_id)
    assert pa is not None
    assert pb is not None
    return pa.passage(x.paragraph, x.number, x.number), pb.passage(y.paragraph, y.number, y.number)
