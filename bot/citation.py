"""How the bot cites a passage: title, publication, date, author, reference."""

from __future__ import annotations

from bot.library import Article, Passage, format_date
from bot.reply import Span, link, reference


def citation(article: Article, passage: Passage) -> list[Span]:
    """``— Title, Publication, 12 August 2025, by Author · ref``; empty fields are left out, and
    the title of an article taken from a link leads to it."""
    # A title that ends in a full stop loses it before the comma ("…path forward, 12 August").
    title = (
        article.title[:-1]
        if article.title.endswith(".") and not article.title.endswith("..")
        else article.title
    )
    parts: list[Span] = [Span("— "), link(title, article.url, "i")]
    for value in (article.publication, format_date(article.date)):
        if value:
            parts.append(Span(f", {value}"))
    if article.author:
        parts.append(Span(f", by {article.author}"))
    parts += [Span(" · "), reference(passage.ref)]
    return parts
