"""Reading plans: the library walked in an order the group sets, a reading a day.

Each reading is sized to the group's reading time: a long article is split at paragraph
boundaries into parts of about equal length ("part 2 of 3"), a short one stands alone. A
reading post carries the article's header, its text and one or two prompts for discussion drawn
from the text. Nothing here knows about Telegram.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.compare import compare_topic
from bot.library import Article, Library, format_date
from bot.reply import Reply, bold, code, italic, reference
from bot.summary import WORDS_PER_MINUTE, summarise
from bot.terms import TermIndex
from bot.text import word_count

SLACK = 1.25  # a reading may run a quarter over the reading time before it is split


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
    """One or two prompts: a key sentence of the reading to respond to, and another article
    that takes its own line on the reading's main topic."""
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
    # The reading's own key terms first, then what it talks about most.
    counts = terms.articles[reading.article_id].counts
    frequent = [terms.show(t) for t, n in counts.most_common(15) if n >= 2 and "-" not in t]
    for term in dict.fromkeys([*terms.key_terms(reading.article_id, limit=6), *frequent]):
        others = [
            p for p in compare_topic(terms, term).positions if p.article.id != reading.article_id
        ]
        if others:
            other = others[0].article
            found.append(
                [
                    bold("Another line: "),
                    f"“{other.title}” on {term} — ",
                    code(f"/compare {term}"),
                ]
            )
            break
    return found
