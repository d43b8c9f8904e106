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

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from bot.language import DEFAULT
from bot.library import Article, Passage
from bot.stance import stance
from bot.summary import argument_scores
from bot.terms import Sentence, TermIndex, content_words, term_of, term_parts
from bot.text import fold, normalise, words

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
    small edit of it ("imperalism")."""
    found: set[str] = set()
    stems: set[str] = set()
    known = terms.vocabulary.get(language, {})
    vocabulary: list[str] | None = None
    acronyms = {w.casefold() for w in re.findall(r"\b[A-ZА-Я]{2,6}\b", topic)}
    for word in content_words(topic, language):
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
            vocabulary = vocabulary or list(known)
            close = process.extract(
                fold(word), vocabulary, scorer=fuzz.ratio, score_cutoff=85, limit=3
            )
            parts = [p for w, _, _ in close for p in term_parts(known[w])]
        for part in parts:
            found.update(terms.parts[part])
            stems.add(part)
    return found, stems


def _topic_by_language(terms: TermIndex, topic: str) -> dict[str, tuple[set[str], set[str]]]:
    """The topic's matched terms and stems in each language of the library."""
    return {language: topic_terms(terms, topic, language) for language in terms.language_set()}


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


def position(
    terms: TermIndex,
    article_id: str,
    matched: set[str],
    stems: set[str] | None = None,
    groups: list[set[str]] | None = None,
    window: int = WINDOW,
    settle: bool = False,
) -> Position | None:
    """The passage of an article that says most about the matched terms; ``stems`` are the
    words to bold (by default, every matched term). ``settle``: of passages that weigh the
    same, the one whose sentence on the topic the article's argument ranks highest (else the
    first)."""
    entry = terms.articles[article_id]
    sentences = entry.sentences
    language = terms.languages.get(article_id, DEFAULT)
    argues: dict[int, float] = {}
    said: dict[str, list[str]] = {}
    best: tuple[float, int, int] | None = None
    tied: list[tuple[int, int]] = []
    for first, last in _windows(sentences, window):
        mentions = sum(sentences[k].terms[t] for k in range(first, last + 1) for t in matched)
        if not mentions:
            continue
        if groups and not all(
            any(sentences[k].terms[t] for k in range(first, last + 1) for t in group)
            for group in groups
        ):
            continue  # a topic of several words: its passage holds each of them
        # How much the passage stays on the topic, and stance toward where it states its own
        # line rather than a view it reports to answer (bot/stance.py).
        size = last - first + 1
        for k in range(first, last + 1):
            if k not in argues:
                argues[k] = stance(sentences[k].text, language)
        own = min(argues[k] for k in range(first, last + 1))
        on_topic = sum(
            1 for k in range(first, last + 1) if any(sentences[k].terms[t] for t in matched)
        )
        score = MENTIONS_WEIGHT * _topical(mentions, on_topic, size) + STANCE_WEIGHT * own
        if groups and len(groups) > 1:
            # A topic of several words: the passage that uses them as a phrase first.
            score += PHRASE * any(
                _as_phrase(sentences[k], groups, language, said) for k in range(first, last + 1)
            )
        if best is None or score > best[0] + 1e-9:
            best = (score, first, last)
            tied = [(first, last)]
        elif score > best[0] - 1e-9:
            tied.append((first, last))
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
                if any(sentences[k].terms[t] for t in matched)
            ),
        )
    para = sentences[first].paragraph
    passage = entry.article.passage(para, sentences[first].number, sentences[last].number)
    mentions = sum(entry.counts[t] for t in matched)
    bold = stems if stems is not None else matched
    return Position(entry.article, passage, mentions, _highlights(passage.text, bold, language))


def _meet(sentences: list[Sentence], groups: list[set[str]]) -> bool:
    """Whether an article has a passage (a window of :func:`position`) holding a term of each
    group: where a topic of several words is taken up."""
    full = (1 << len(groups)) - 1
    every = set().union(*groups)
    # Which of the words each sentence has, for the sentences that have any (most have none:
    # one set operation tells them).
    masks = {
        i: sum(1 << g for g, group in enumerate(groups) if not group.isdisjoint(found))
        for i, s in enumerate(sentences)
        if (found := every.intersection(s.terms))
    }
    for i in masks:
        held, paragraph = 0, sentences[i].paragraph
        for j in range(i, min(i + WINDOW, len(sentences))):
            if sentences[j].paragraph != paragraph:
                break
            held |= masks.get(j, 0)
            if held == full:
                return True
    return False


def _as_phrase(
    sentence: Sentence, groups: list[set[str]], language: str, said: dict[str, list[str]]
) -> bool:
    """Whether a sentence has a topic's words side by side, in order ("class war")."""
    if sentence.text not in said:
        said[sentence.text] = [term_of(w, language) for w in content_words(sentence.text, language)]
    stems = said[sentence.text]
    return any(
        all(stems[i + j] in group for j, group in enumerate(groups))
        for i in range(len(stems) - len(groups) + 1)
    )


def _topical(mentions: int, on_topic: int, size: int) -> float:
    """How much a passage is about the topic: the share of its sentences that name it, and
    a little more for each further mention (a sentence naming it three times in a list, "war,
    peace, war again", is not three times as much about it)."""
    return (
        on_topic / size + MORE_MENTIONS * math.log(mentions / on_topic) + ALONG * math.log(on_topic)
    )


def _highlights(text: str, stems: set[str], language: str = DEFAULT) -> tuple[tuple[int, int], ...]:
    """Spans of the words of ``text`` whose stem in ``language`` is one of ``stems``
    (compounds split: each word of "anti-imperialist" is stemmed on its own)."""
    spans = [(w.start, w.end) for w in words(text)]
    found = [(a, b) for a, b in spans if term_of(normalise(text[a:b]), language) in stems]
    # A compound written with a hyphen ("multi-polarity") for a topic written as one word.
    for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)+", text):
        joined = term_of(normalise(m[0]).replace("-", ""), language)
        if joined in stems and not any(m.start() <= a < m.end() for a, _ in found):
            found.append((m.start(), m.end()))
    return tuple(sorted(found))


def compare_topic(terms: TermIndex, topic: str, limit: int = 8) -> TopicComparison:
    """Each article that addresses ``topic``, with the passage that best states its position."""
    phrase = _phrase(terms, topic)
    if phrase is not None:
        return _compare_phrase(terms, topic, phrase[0], phrase[1], limit)
    by_language = _topic_by_language(terms, topic)
    mentions: Counter[str] = Counter()
    wording: Counter[str] = Counter()
    for language, (matched, _) in by_language.items():
        for term in matched:
            for article_id, count in terms.postings[term].items():
                if terms.languages.get(article_id) == language:
                    mentions[article_id] += count
                    wording[terms.show(term)] += count
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS]
    # Most about it first: mentions per thousand words, then more mentions (ORDER says so).
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    addressing.sort(key=lambda a: (-mentions[a] / words_in[a], -mentions[a], a))
    passing = [a for a in terms.library.articles if 0 < mentions[a.id] < MIN_MENTIONS]
    # Then the articles that name it once: shown, marked so, rather than hidden.
    chosen = addressing[:limit] + [a.id for a in passing][: max(0, limit - len(addressing))]
    # Several topics asked at once ("Russia and Putin"): any of them puts a sentence on the
    # topic, so a run of sentences naming one or the other would outweigh the sentence that
    # states the article's line on them; the passage is that one sentence.
    window = SEVERAL_WINDOW if _several(terms, topic) else WINDOW
    positions = [
        p
        for a in chosen
        if (p := position(terms, a, *by_language[terms.languages[a]], window=window, settle=True))
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


def _several(terms: TermIndex, topic: str) -> bool:
    """Whether a topic names several things, each a topic of its own ("Russia and Putin")."""
    return any(len(content_words(topic, language)) > 1 for language in terms.language_set())


def _phrase(terms: TermIndex, topic: str) -> tuple[str, list[set[str]]] | None:
    """A topic of several words typed side by side ("class war", not "war and peace"): its
    language and, for each word, the library's terms it matches; None otherwise."""
    typed = re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", topic)
    for language in sorted(terms.language_set()):
        wanted = content_words(topic, language)
        if len(wanted) < 2 or len(wanted) != len(typed):
            continue
        groups = [topic_terms(terms, word, language)[0] for word in wanted]
        if all(groups) and any(
            all(any(entry.counts[t] for t in group) for group in groups)
            for article_id, entry in terms.articles.items()
            if terms.languages.get(article_id) == language
        ):
            return language, groups
    return None


def _compare_phrase(
    terms: TermIndex, topic: str, language: str, groups: list[set[str]], limit: int
) -> TopicComparison:
    """/compare of several words: the articles that take up all of them, those that use them
    as a phrase first, each one's passage holding every word."""
    mentions: Counter[str] = Counter()
    phrase: Counter[str] = Counter()
    # Only the articles holding a word of every group (read from the postings, not from every
    # article: a library of ten thousand speeches, most of which hold none of them).
    holding = [set().union(*(terms.postings.get(t, {}).keys() for t in group)) for group in groups]
    candidates = sorted(set.intersection(*holding)) if holding else []
    for article_id in candidates:
        entry = terms.articles[article_id]
        if terms.languages.get(article_id) != language:
            continue
        counts = [sum(entry.counts[t] for t in group) for group in groups]
        if min(counts):
            mentions[article_id] = min(counts)
            phrase[article_id] = sum(
                entry.bigrams[(a, b)]
                for first, second in itertools.pairwise(groups)
                for a in first
                for b in second
            )
    addressing = [a for a, n in mentions.items() if n >= MIN_MENTIONS or phrase[a]]
    words_in = {a: max(terms.articles[a].words, 1) for a in addressing}
    addressing.sort(key=lambda a: (-phrase[a], -mentions[a] / words_in[a], -mentions[a], a))
    matched = set().union(*groups)
    # Only where the words meet in one passage is the topic taken up; elsewhere they are
    # words that happen to be in the same article.
    # (Whether they meet is read from the words alone; the passages, with their stance, only
    # for the articles shown: a common pair of words meets in thousands of speeches.)
    # (Two words used as a phrase meet in its clause; three need the windows read.)
    pair = len(groups) == 2
    found = {
        a for a in mentions if (pair and phrase[a]) or _meet(terms.articles[a].sentences, groups)
    }
    addressing = [a for a in addressing if a in found]
    addressed = set(addressing)
    passing = [a for a in terms.library.articles if a.id in found and a.id not in addressed]
    silent = [a for a in terms.library.articles if a.id not in found]
    chosen = addressing[:limit] + [a.id for a in passing][: max(0, limit - len(addressing))]
    # The articles shown: passages that weigh the same settled by the article's argument.
    positions = [
        replace(p, mentions=max(mentions[a], MIN_MENTIONS) if a in addressed else 1)
        for a in chosen
        if (p := position(terms, a, matched, groups=groups, settle=True)) is not None
    ]
    shown = {p.article.id for p in positions if p.article.id in addressed}
    wording = [" ".join(content_words(topic, language))]
    return TopicComparison(topic, wording, positions, len(addressing) - len(shown), silent, passing)


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
        pair = (position(terms, first_id, {term}), position(terms, second_id, {term}))
        if pair[0] is None or pair[1] is None:
            continue
        similar = alike(terms, pair[0].passage.text, pair[1].passage.text, first_id, second_id)
        if similar < least - 1e-9:
            main, on_topic, least = term, pair, similar
    return PairComparison(
        a.article,
        b.article,
        [terms.show(t) for t in shared[:6]],
        [terms.show(t) for t in only(a.counts, b.counts)[:6]],
        [terms.show(t) for t in only(b.counts, a.counts)[:6]],
        _closest(terms, a.sentences, b.sentences),
        terms.show(main) if main else None,
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
