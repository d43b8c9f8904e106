"""What the reader shows: an article as the bot cites it (title, author, date, source, its
paragraphs numbered ``¶n``), the library's list, and the group's discussion beside each
paragraph. Plain data, sent to the page as JSON; the page escapes nothing because it sets
text, never HTML (bot/reader/static/reader.js)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.dates import format_date, iso_date
from bot.library import Article, Library
from bot.summary import WORDS_PER_MINUTE

_PARAGRAPH = re.compile(r" ¶(\d+)(?:\.[\d-]+)?$")


@dataclass
class Counts:
    """A paragraph's discussion in one group."""

    threads: int = 0  # the bot's posts of it that members replied to
    messages: int = 0  # members' replies in those threads
    quotes: int = 0  # times it was pulled as a quote
    unclear: int = 0  # members who marked it unclear

    def any(self) -> bool:
        return bool(self.threads or self.messages or self.quotes or self.unclear)


@dataclass
class Opening:
    """A thread on a paragraph, as the margin lists it."""

    when: str
    replies: int
    link: str  # to the post in the chat ("" in a basic group, whose messages have no links)
    excerpt: str  # the first reply ("" while there is none)


@dataclass
class Margin:
    """A paragraph's discussion when a member taps its count."""

    ref: str
    openings: list[Opening] = field(default_factory=list)
    unclear_by: list[str] = field(default_factory=list)  # the members' names, as they show
    quoted: int = 0  # times it (or a sentence of it) was pulled as a quote


def paragraph_of(ref: str) -> int | None:
    """The paragraph a reference names (a sentence reference names its paragraph)."""
    m = _PARAGRAPH.search(ref)
    return int(m[1]) if m else None


def library_view(library: Library) -> list[dict[str, Any]]:
    """The library's articles, for the reader opened with no article (the menu button)."""
    return [
        {"id": a.id, "number": a.number, "title": a.title, "author": a.author,
         "publication": a.publication, "date": format_date(a.date), "words": a.words,
         "minutes": max(1, round(a.words / WORDS_PER_MINUTE))}
        for a in library.articles
    ]  # fmt: skip


def article_view(article: Article, counts: dict[int, Counts] | None = None) -> dict[str, Any]:
    """An article for the reader, with each paragraph's counts where a group's are shown."""
    paragraphs = []
    for paragraph in article.paragraphs:
        entry: dict[str, Any] = {
            "n": paragraph.number, "ref": f"{article.id} ¶{paragraph.number}",
            "text": paragraph.text,
        }  # fmt: skip
        if len(spans := paragraph.sentences) > 1:  # so the page names what a selection cites
            entry["sentences"] = [list(span) for span in spans]
        if counts is not None and (count := counts.get(paragraph.number)) and count.any():
            entry["counts"] = vars(count)
        paragraphs.append(entry)
    return {
        "id": article.id, "title": article.title, "author": article.author,
        "publication": article.publication, "date": format_date(article.date),
        "iso_date": iso_date(article.date), "url": article.url,
        "language": article.language or "en", "standfirst": article.standfirst,
        "words": article.words, "paragraphs": paragraphs,
    }  # fmt: skip


def counts_by_paragraph(rows: list[tuple[str, str, int]]) -> dict[int, Counts]:
    """The storage's (reference, kind, number) rows, summed by paragraph (a sentence's count
    goes to its paragraph; for ``unclear`` the number is a member, counted once)."""
    counts: dict[int, Counts] = {}
    unclear: dict[int, set[int]] = {}
    for ref, kind, number in rows:
        n = paragraph_of(ref)
        if n is None:
            continue
        if kind == "unclear":  # ``number`` is the member: each counts once a paragraph
            unclear.setdefault(n, set()).add(number)
            counts.setdefault(n, Counts()).unclear = len(unclear[n])
        elif kind in ("threads", "messages", "quotes"):
            count = counts.setdefault(n, Counts())
            setattr(count, kind, getattr(count, kind) + number)
    return counts
