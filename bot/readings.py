"""Reading plans: the library walked in an order the group sets, a reading a day.

Each reading is sized to the group's reading time: a long article is split at paragraph
boundaries into parts of about equal length ("part 2 of 3"), a short one stands alone. A
reading post carries the article's header, its text and one or two prompts for discussion drawn
from the text. Nothing here knows about Telegram.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bot.compare import MIN_MENTIONS, Position, compare_topic, cosine
from bot.library import Article, Library, format_date
from bot.reply import Reply, bold, code, italic, reference
from bot.summary import WORDS_PER_MINUTE, argument_scores, summarise
from bot.terms import TermIndex, content_words, term_of
from bot.text import normalise, word_count, words
from bot.topics import topic_terms

SLACK = 1.25  # a reading may run a quarter over the reading time before it is split
TOPICS = 15  # the reading's commonest topics weighed for "Another line"
ENGAGED = 10  # mentions per thousand words from which another article fully takes a topic up
SUBJECT = 0.1  # what a key term as a sentence's subject adds to its rank on a topic


def subject(text: str, language: str) -> list[str]:
    """The stems of a sentence's first content words, where its subject usually is."""
    return [term_of(w, language) for w in content_words(" ".join(text.split()[:4]), language)]


@dataclass(frozen=True)
class Reading:
    """One day's reading: paragraphs ``first``..``last`` of an article, part ``part`` of
    ``parts``."""

    article_id: str
    first: int
    last: int
    part: int = 1
    parts: int = 1

    @property
    def ref(self) -> str:
        return f"{self.article_id} ¶{self.first}" + (
            f"–{self.last}" if self.last != self.first else ""
        )


def split_article(article: Article, minutes: int) -> list[Reading]:
    """An article as readings of about ``minutes`` each, cut only between paragraphs."""
    budget = minutes * WORDS_PER_MINUTE
    sizes = article.sizes
    total = sum(sizes)
    parts = max(1, math.ceil(total / (budget * SLACK)))
    parts = min(parts, len(sizes))
    target = total / parts
    readings: list[tuple[int, int]] = []
    start, running = 1, 0
    for number, size in enumerate(sizes, start=1):
        running += size
        remaining_parts = parts - len(readings) - 1
        remaining_paragraphs = len(sizes) - number
        # Close a part when it reaches its share, keeping a paragraph for each part to come.
        if (
            remaining_parts > 0
            and running >= target * (len(readings) + 1)
            and remaining_paragraphs >= remaining_parts
        ):
            readings.append((start, number))
            start = number + 1
    readings.append((start, len(sizes)))
    count = len(readings)
    return [
        Reading(article.id, first, last, index, count)
        for index, (first, last) in enumerate(readings, start=1)
    ]


def plan_readings(library: Library, order: list[str], minutes: int) -> list[Reading]:
    """Every reading of a plan: the articles in ``order`` (then any the order does not name,
    in catalog order), each split to the reading time."""
    ids = list(dict.fromkeys(a for a in order if library.get(a)))
    named = set(ids)
    ids += [a.id for a in library.articles if a.id not in named]
    return [r for article_id in ids for r in split_article(library.get(article_id), minutes)]  # type: ignore[arg-type]


def reading_post(
    library: Library, terms: TermIndex, reading: Reading, number: int, total: int
) -> Reply:
    """The post for a reading: header, text, and prompts for the discussion."""
    article = library.get(reading.article_id)
    assert article is not None
    reply = Reply()
    heading = f"Reading {number} of {total}"
    if reading.parts > 1:
        heading += f" · part {reading.part} of {reading.parts}"
    reply.add(bold(heading))
    details = [v for v in (article.publication, format_date(article.date)) if v]
    if article.author:
        details.append(f"by {article.author}")
    paragraphs = article.paragraphs[reading.first - 1 : reading.last]
    words = sum(word_count(p.text) for p in paragraphs)
    details.append(f"{words:,} words, {max(1, math.ceil(words / WORDS_PER_MINUTE))} min")
    reply.add(bold(article.title), "\n", " · ".join(details), "\n", code(reading.ref))
    for paragraph in paragraphs:
        reply.add(f"¶{paragraph.number}  ", paragraph.text)
    for prompt in prompts(library, terms, reading):
        reply.add(*prompt)
    reply.opens_thread, reply.refs = True, [reading.ref]
    return reply


def prompts(library: Library, terms: TermIndex, reading: Reading) -> list[list]:
    """One or two prompts: a key sentence of the reading to respond to, and another article's
    own sentence on a topic the reading takes up and the library argues over (see
    :func:`another_line`)."""
    found: list[list] = []
    summary = summarise(terms, reading.article_id)
    key = next((p for p in summary.passages if reading.first <= p.paragraph <= reading.last), None)
    if key is None:  # the summary's sentences are in other parts: take this part's best
        entry = terms.articles[reading.article_id]
        inside = [s for s in entry.sentences if reading.first <= s.paragraph <= reading.last]
        weights = terms.weights(reading.article_id)
        best = max(inside, key=lambda s: sum(weights.get(t, 0) * n for t, n in s.terms.items()))
        article = library.get(reading.article_id)
        assert article is not None
        key = article.passage(best.paragraph, best.number, best.number)
    found.append(
        [bold("To discuss: "), "do you agree? “", italic(key.text), "” ", reference(key.ref)]
    )
    line = another_line(terms, reading)
    if line is not None:
        topic, other = line
        found.append(
            [
                bold("Another line: "),
                f"“{other.article.title}” on {topic}: “",
                italic(other.passage.text),
                "” ",
                reference(other.passage.ref),
                " — ",
                code(f"/compare {topic}"),
            ]
        )
    return found


@dataclass(frozen=True)
class _Candidate:
    score: float
    topic: str
    other: Position


def another_line(terms: TermIndex, reading: Reading) -> tuple[str, Position] | None:
    """A topic the reading takes up on which another article of the library takes its own,
    different line, and that article's passage on it.

    The topic is one the reading itself dwells on (its mentions, times how much more the
    reading names it than the library does: a reading on the war between two warlords offers
    "war", not the library's commonest word), that more than one article addresses; the other
    article is one whose argument (its long summary) takes the topic up, and whose talk around
    the topic is least like the reading's (the words of the sentences that name it)."""
    entry = terms.articles[reading.article_id]
    language = terms.languages.get(reading.article_id, "en")
    inside = [s for s in entry.sentences if reading.first <= s.paragraph <= reading.last]
    counts: Counter[str] = Counter()
    for sentence in inside:
        counts.update(sentence.terms)
    size = max(1, sum(counts.values()))
    library = max(1, terms.total_terms)
    # What the reading itself takes up: its words named twice or more, that name a thing
    # (not "voted", "important") and that more than one article uses.
    topics = [
        term
        for term, count in counts.most_common()
        if count >= 2
        and len(terms.postings.get(term, {})) > 1
        and "-" not in term
        and terms.is_topic(reading.article_id, term)
    ][:TOPICS]
    best: _Candidate | None = None
    for term in topics:
        wording = terms.show(term, language)
        if terms.capitalised(reading.article_id, term) >= 0.8:
            wording = wording[:1].upper() + wording[1:]  # "Russia", "Putin"
        result = compare_topic(terms, wording)
        addressing = [p for p in result.positions if p.mentions >= MIN_MENTIONS]
        own = next((p for p in addressing if p.article.id == reading.article_id), None)
        others = [p for p in addressing if p.article.id != reading.article_id]
        if own is None or not others:
            continue
        # how much the reading dwells on the topic, against the library as a whole
        share = sum(terms.postings[term].values()) / library
        emphasis = counts[term] * (counts[term] / size) / share
        matched = topic_terms(terms, wording, language)[0] | {term}
        mine = _around(terms, reading.article_id, matched, reading)
        for other in others:
            # The other's own line: where its argument (its long summary) takes the topic up.
            line = _argued(terms, other)
            if line is None:
                continue
            differ = 1.0 - cosine(terms, mine, _around(terms, other.article.id, matched))
            engaged = other.mentions * 1000 / max(other.article.words, 1)
            score = emphasis * min(1.0, engaged / ENGAGED) * differ
            if best is None or score > best.score + 1e-9:
                best = _Candidate(score, wording, line)
    return (best.topic, best.other) if best else None


def _around(
    terms: TermIndex, article_id: str, matched: set[str], reading: Reading | None = None
) -> Counter[str]:
    """The words an article (or a reading of it) says around a topic: the terms of its
    sentences that name it, the topic's own aside."""
    found: Counter[str] = Counter()
    for sentence in terms.articles[article_id].sentences:
        if reading is not None and not reading.first <= sentence.paragraph <= reading.last:
            continue
        if any(sentence.terms[t] for t in matched):
            found.update({t: n for t, n in sentence.terms.items() if t not in matched})
    return found


def _argued(terms: TermIndex, position: Position) -> Position | None:
    """Where an article's argument takes the topic up: of the sentences its long summary
    carries that name the topic, the one the summary ranks highest (a little higher where the
    topic is the sentence's subject), as a position; None if its argument never names it."""
    article_id = position.article.id
    language = terms.languages.get(article_id, "en")
    text = position.passage.text
    matched = {term_of(normalise(text[a:b]), language) for a, b in position.highlights}
    if not matched:
        return None
    ranks = argument_scores(terms, article_id)
    chosen = {
        (p.paragraph, (p.sentences or (1, 1))[0])
        for p in summarise(terms, article_id, long=True).passages
    }
    best: tuple[float, int] | None = None
    sentences = terms.articles[article_id].sentences
    for k, sentence in enumerate(sentences):
        if (sentence.paragraph, sentence.number) not in chosen or not matched & set(sentence.terms):
            continue
        rank = ranks.get(sentence.position, 0.0)
        if matched & set(subject(sentence.text, language)):
            rank += SUBJECT  # says what the topic is or does ("But Russia was an imperialist…")
        if best is None or rank > best[0] + 1e-9:
            best = (rank, k)
    if best is None:
        return None
    sentence = sentences[best[1]]
    passage = position.article.passage(sentence.paragraph, sentence.number, sentence.number)
    spans = tuple(
        (w.start, w.end)
        for w in words(passage.text)
        if term_of(normalise(passage.text[w.start : w.end]), language) in matched
    )
    return Position(position.article, passage, position.mentions, spans)
