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

import heapq
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from rapidfuzz import fuzz, process

from bot.language import DEFAULT
from bot.library import Article, Passage
from bot.stance import Context, is_question
from bot.summary import argument_scores, quoted_sentences
from bot.terms import (
    ArticleTerms,
    Sentence,
    TermIndex,
    content_words,
    term_of,
    united_states_spans,
)
from bot.text import fold, normalise
from bot.text import words as text_words
from bot.topics import (
    _WORDS,
    _mentions,
    _phrase_in,
    _phrase_spans,
    _rejected_count,
    _rejected_in,
    _resolve,
    _said,
    _together,
    _Word,
    _wording,
    literal_topic,
    topic_terms,
)

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
# How the articles shown are ordered, as the answer says it: a topic's (compare_topic), and a
# phrase's (_compare_phrase: its uses of the phrase itself first).
ORDER = "Most about it first (mentions per thousand words)."
PHRASE_ORDER = (
    "Most uses of the phrase itself first, then most about it (uses per thousand words); words"
    " of it only apart are no use of it."
)
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
    # the passage names the topic only in words the article quotes from someone else (it
    # does so nowhere else): shown, and said to be theirs
    quoted: bool = False


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
    order: str = ORDER  # how ``positions`` are ordered, said for the reader


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
    literal: re.Pattern[str] | None = None,
) -> Position | None:
    """The passage of an article that says most about a topic's words, with ``mentions`` (the
    article's, counted as the topic counts them). ``groups``: a phrase's words, which the
    passage must hold together in one of its sentences. ``settle``: of passages that weigh the
    same, the one whose sentence on the topic the article's argument ranks highest (else the
    first). ``literal``: a topic matched in the text, not by terms (bot/topics.py's
    :func:`literal_topic`: "UN", "1917"); ``words`` are then none."""
    entry = terms.articles[article_id]
    sentences = entry.sentences
    language = terms.languages.get(article_id, DEFAULT)
    if literal is not None:
        counts = [len(literal.findall(s.text)) for s in sentences]
    else:
        counts = [sum(_said(s, w) for w in words) for s in sentences]
    if not any(counts):
        return None
    phrase = tuple(groups or ())
    # a phrase's passage holds a sentence using it: its words together as the phrase
    together = [
        not phrase or (bool(counts[k]) and _together(s, phrase, language))
        for k, s in enumerate(sentences)
    ]
    # Stance toward where it states its own line rather than a view it reports to answer,
    # read with the sentences before (bot/stance.py).
    texts = _Texts(sentences)
    context = Context(texts, language)
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
    quoted = _quoted(entry.article, sentences, hits)
    best: tuple[float, int, int] | None = None
    tied: list[tuple[int, int]] = []
    # A question it leaves unanswered is not where an article states its line, nor words it
    # quotes from someone else (a speech it answers): their mentions do not count for the
    # passage (unless the article names the topic only in those).
    for strict in (True, False):
        for first, last in runs:
            run = range(first, last + 1)
            if not any(together[k] for k in run):
                continue  # a phrase: its passage holds its words together in a sentence
            live = [
                k
                for k in run
                if not (strict and ((asked(k) and not answered(k, last)) or k in quoted))
            ]
            said = sum(counts[k] for k in live)
            if not said:
                continue
            size = last - first + 1
            # an answered question is no view reported: it weighs as its answer does
            own = min(context.stance(k) for k in run if not answered(k, last))
            on_topic = sum(1 for k in live if counts[k])
            score = MENTIONS_WEIGHT * _topical(said, on_topic, size) + STANCE_WEIGHT * own
            if len(phrase) > 1:
                # A topic of several words: the passage that uses it (as every passage does,
                # see ``together``) weighs more than a one-word topic's (its PHRASE).
                score += PHRASE * any(together[k] for k in run)
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
    # named only in words it quotes: shown, and said to be someone else's
    theirs = all(k in quoted for k in range(first, last + 1) if counts[k])
    if literal is not None:
        highlights = tuple(m.span() for m in literal.finditer(passage.text))
    else:
        highlights = _highlights(passage.text, words, language)
    if len(phrase) > 1:  # a phrase: its uses, not each of its words wherever it is
        highlights = tuple(_phrase_spans(passage.text, phrase, language)) or highlights
    return Position(entry.article, passage, mentions, highlights, theirs)


def _quoted(article: Article, sentences: list[Sentence], hits: list[int]) -> set[int]:
    """Which of an article's sentences naming a topic (``hits``, indices) are mostly words it
    quotes from someone else (bot/summary.py's :func:`quoted_sentences`: a speech, a
    statement; not a word or two in quotation marks). Only an article whose paragraphs that
    name the topic have quotation marks is read for them."""
    paragraphs = article.paragraphs
    numbers = {sentences[k].paragraph for k in hits}
    if not any(mark in paragraphs[n - 1].text for n in numbers for mark in '“«„"'):
        return set()
    within = quoted_sentences(article)
    return {k for k in hits if (sentences[k].paragraph, sentences[k].number) in within}


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
    if "u.s." in stems:  # the United States, however it is written ("US", "the United States")
        named = united_states_spans(text)
        found = [(a, b) for a, b in found if not any(x <= a < y for x, y in named)] + named
    # A compound written with a hyphen ("multi-polarity") for a topic written as one word, or
    # whose parts' stems, written as one, are the topic's ("anti-fascist", whose term is
    # "anti-fascism", for the topic "anti-fascist", matched as "antifascism": bot/topics.py).
    for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)+", text):
        joined = term_of(normalise(m[0]).replace("-", ""), language)
        parts = term_of(normalise(m[0]), language).replace("-", "")
        if (joined in stems or parts in stems) and not any(
            m.start() <= a < m.end() for a, _ in found
        ):
            found.append((m.start(), m.end()))
    for word in words:
        if word.rejected is not None:  # a narrowed word's uses in the other sense
            wrong = _rejected_in(text, word)
            found = [(a, b) for a, b in found if not any(a <= x < b for x, _ in wrong)]
    return tuple(sorted(set(found)))


def compare_topic(terms: TermIndex, topic: str, limit: int = 8) -> TopicComparison:
    """Each article that addresses ``topic``, with the passage that best states its position."""
    literal = literal_topic(topic)
    if literal is not None:
        return _compare_literal(terms, topic, literal, limit)
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


def _compare_literal(
    terms: TermIndex, topic: str, literal: re.Pattern[str], limit: int
) -> TopicComparison:
    """/compare of a topic the index has no term for ("UN", "U.N.", "1917"): its uses found in
    the articles' text, each a mention, counted and shown as a word's are."""
    mentions: Counter[str] = Counter()
    wording: Counter[str] = Counter()
    for article_id, entry in terms.articles.items():
        for paragraph in entry.article.paragraphs:
            for match in literal.finditer(paragraph.text):
                mentions[article_id] += 1
                wording[" ".join(match[0].split())] += 1
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS]
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    addressing.sort(key=lambda a: (-mentions[a] / words_in[a], -mentions[a], a))  # (ORDER)
    passing = [a for a in terms.library.articles if 0 < mentions.get(a.id, 0) < MIN_MENTIONS]
    chosen = addressing[:limit] + [a.id for a in passing][: max(0, limit - len(addressing))]
    several = literal.groups > 1  # "UN, EU": one sentence a passage, as for words
    window = SEVERAL_WINDOW if several else WINDOW
    positions = [
        p
        for a in chosen
        if (p := position(terms, a, [], mentions[a], window=window, settle=True, literal=literal))
    ]
    shown = {p.article.id for p in positions if p.mentions >= MIN_MENTIONS}
    return TopicComparison(
        topic,
        [w for w, _ in sorted(wording.items(), key=lambda item: (-item[1], item[0]))[:6]],
        positions,
        len(addressing) - len(shown),
        [a for a in terms.library.articles if a.id not in mentions],
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
    """/compare of a phrase: the articles that use it, most uses first, each one's passage
    holding a use. A mention is a use of the phrase: its words side by side, in order, within
    a clause (the little words between aside, "socialism in one country"; each word's family,
    "world wars"); an article that has its words only apart (in different sentences, or in one
    but not as the phrase: "the war in Iraq … the world's sole power") is not taken to address
    it (``scattered``)."""
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
                n = _phrase_in(s.text, words, language)
                if n:
                    uses.append(n)
        if not uses:
            if not narrowed or all(any(_said(s, g) for s in entry.sentences) for g in groups):
                scattered.append(article_id)  # each of its words, but apart
            continue
        mentions[article_id] = phrase[article_id] = sum(uses)
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS]
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    # (PHRASE_ORDER says so)
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
        PHRASE_ORDER,
    )


def nearest_terms(terms: TermIndex, topic: str, limit: int = 5) -> list[str]:
    """Library words spelled like a topic nobody addresses, most used first (suggestions):
    close in spelling, as a typo is to its word ("capitalsim": "capitalist"), or of its root
    (its first five letters: "stalin" for "stalinisim"); not a word that only ends alike
    ("remains" for "feminism"): better none than a nonsense one."""
    wanted = fold(" ".join(content_words(topic)) or topic)
    close = process.extract(wanted, list(terms.wordings), scorer=fuzz.ratio, limit=limit * 4)
    # never the topic's own words: they are what was just found to address nothing
    own = set().union(
        *(topic_terms(terms, topic, language)[0] for language in terms.language_set())
    )
    candidates = [
        w
        for w, score, _ in close
        if len(w) >= 4
        and w != wanted
        and terms.wordings[w] not in own
        and (score >= NEAR or (score >= 60 and _root(w) == _root(wanted)))
    ]
    used = {w: sum(terms.postings[terms.wordings[w]].values()) for w in candidates}
    addressed = [w for w in candidates if used[w] >= MIN_MENTIONS]
    return sorted(addressed, key=lambda w: -used[w])[:limit]


NEAR = 80  # how alike in spelling a suggestion is (fuzz.ratio): a typo's word, not a rhyme
ROOT = 5  # or the first letters it shares with the topic ("stalin" for "stalinisim")


def _root(word: str) -> str:
    return word[:ROOT] if len(word) >= ROOT else word + " "


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
