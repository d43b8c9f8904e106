"""Saying what was left out of an article as site furniture."""

from __future__ import annotations

from collections import Counter

from bot.library import Article

KINDS = {
    "masthead": "masthead", "slogan": "slogan", "title": None, "standfirst": None,
    "date": "date line", "issue": "issue line", "caption": "photo caption",
    "appeal": "appeal", "widget": "share or comment widget", "advert": "advert",
    "byline": None, "separator": None, "attribution": "attribution", "header": "header line",
}  # fmt: skip


def describe_dropped(article: Article) -> str:
    """``2 appeals, 1 photo caption`` — what the loader kept out of the body, by kind."""
    counts = Counter(KINDS.get(kind, kind) for _, kind, _ in article.dropped)
    counts.pop(None, None)
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.most_common())
