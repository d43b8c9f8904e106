"""Adding and removing articles: files in, checked, understood, stored, quotable at once.

A file (.txt, .md or .html) is refused with a reason when it is too big, not text, not UTF-8,
or has no article in it; HTML is reduced to the article's own text by trafilatura. The same
text added twice is recognised. An added article is stored in the database before it joins the
library and its indexes, so nothing is ever half-added and a restart needs no re-import. No
Telegram imports.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.commands import Commands
from bot.library import Article, Library, LibraryError, Paragraph, article_from_text
from bot.storage import Store
from bot.text import normalise

MAX_BYTES = 2_000_000
SUFFIXES = (".txt", ".md", ".html", ".htm")


class IngestError(Exception):
    """A file cannot be added; the message says why, in words a member understands."""


@dataclass(frozen=True)
class Prepared:
    """A file understood: the article, the text to keep, and its fingerprint."""

    article: Article
    text: str  # plain text (HTML already reduced), as kept in the database
    fingerprint: str
    meta: tuple[str, str, str, str]  # title, publication, author, date as the page states them


def fingerprint(article: Article) -> str:
    """Same words in the same order, whatever the spacing, quotes or case: same fingerprint."""
    body = "\n".join(normalise(p.text) for p in article.paragraphs)
    return hashlib.sha256(body.encode()).hexdigest()


def decode(data: bytes, name: str) -> str:
    """The text of a file, or a refusal naming what is wrong."""
    if len(data) > MAX_BYTES:
        raise IngestError(
            f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. "
            "Split it into articles."
        )
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(f"{name} is not valid UTF-16 text.") from None
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if _looks_utf16(head):
        raise IngestError(
            f"{name} looks like UTF-16 without a byte-order mark; save it as UTF-8 and send it "
            "again."
        )
    if b"\x00" in head or control > len(head) * 0.02:
        raise IngestError(f"{name} is not a text file (it looks binary).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(
            f"{name} is not UTF-8 text (line {line}, byte {exc.start}); save it as UTF-8 and "
            "send it again."
        ) from None


def _looks_utf16(head: bytes) -> bool:
    """Mostly-ASCII text in UTF-16: every other byte is zero, the others are not."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 8:
        return False
    for zeros, other in ((odd, even), (even, odd)):
        if zeros.count(0) > len(zeros) * 0.9 and other.count(0) < len(other) * 0.05:
            return True
    return False


def html_text(html: str) -> tuple[str, tuple[str, str, str, str]]:
    """An HTML page reduced to its article: paragraphs, and the metadata the page states."""
    import trafilatura  # imported when needed: it is slow to load

    extracted = trafilatura.extract(
        html, favor_precision=True, include_comments=False, include_tables=False
    )
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "") if meta else ""
    paragraphs = [p.strip() for p in (extracted or "").splitlines() if p.strip()]
    if not paragraphs:
        return "", ("", "", "", "")
    if title and normalise(paragraphs[0]) != normalise(title):
        paragraphs.insert(0, title)  # the title heads the text, as in a saved page
    text = "\n\n".join(paragraphs)
    details = (
        title,
        (meta.sitename or "") if meta else "",
        (meta.author or "") if meta else "",
        (meta.date or "") if meta else "",
    )
    return text, details


def prepare(data: bytes, name: str, number: int, taken: set[str]) -> Prepared:
    """Read a file into an article, or refuse it with a reason."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(
            f"{name}: I take .txt, .md and .html files; this is {suffix or 'without an ending'}."
        )
    text = decode(data, name)
    meta = ("", "", "", "")
    if suffix in (".html", ".htm"):
        text, meta = html_text(text)
        if not text:
            raise IngestError(f"{name}: I found no article text in this page.")
    article = build(text, name, number, taken, meta)
    return Prepared(article, text, fingerprint(article), meta)


def build(
    text: str, name: str, number: int, taken: set[str], meta: tuple[str, str, str, str]
) -> Article:
    """The article a stored text makes (the same at every start)."""
    entry: dict = {}
    title, publication, author, when = meta
    if title:
        entry["title"] = title
    if publication:
        entry["publication"] = publication
    if author:
        entry["author"] = author
    if when:
        with contextlib.suppress(ValueError):
            entry["date"] = date.fromisoformat(when[:10])
    path = Path(name if not name.lower().endswith((".html", ".htm")) else Path(name).stem + ".txt")
    try:
        article = article_from_text(text, path, number, entry, taken)
    except LibraryError:
        raise IngestError(
            f"{name}: there is no article text in it once headers and site furniture are removed."
        ) from None
    article.added = time.time()
    return article


@dataclass(frozen=True)
class Added:
    """What adding a file did: the article (new or the one already there), and whether new."""

    article: Article
    new: bool


async def stored_changes(store: Store, library: Library) -> tuple[list[str], list[Article]]:
    """What the database says and the library does not yet show: the ids of articles removed,
    and the articles added (from their parsed form, or rebuilt from their text)."""
    removed = [i for i in await store.removed_articles() if library.get(i) is not None]
    added: list[Article] = []
    for article_id, name, text, *meta, added_at, parsed in await store.added_articles():
        if library.get(article_id) is not None:
            continue
        number = len(library) + len(added) + 1
        if parsed:
            article = unpack(parsed, article_id, number, Path(name))
        else:
            article = build(text, name, number, set(), tuple(meta))  # type: ignore[arg-type]
        article.id, article.added = article_id, added_at
        added.append(article)
    return removed, added


def pack(article: Article) -> str:
    """An article's parsed form, so a restart need not parse its text again."""
    return json.dumps(
        {
            "title": article.title, "publication": article.publication,
            "author": article.author, "standfirst": article.standfirst,
            "date": article.date.isoformat() if article.date else "",
            "paragraphs": [[p.text, [list(s) for s in p.sentences]] for p in article.paragraphs],
            "dropped": article.dropped,
        },
        ensure_ascii=False,
    )  # fmt: skip


def unpack(parsed: str, article_id: str, number: int, path: Path) -> Article:
    """An article from its parsed form."""
    data = json.loads(parsed)
    article = Article(
        article_id, number, path, data["title"], data["publication"], data["author"],
        date.fromisoformat(data["date"]) if data["date"] else None, data["standfirst"],
    )  # fmt: skip
    article.paragraphs = [
        Paragraph(n, text, tuple((s, e) for s, e in spans))
        for n, (text, spans) in enumerate(data["paragraphs"], start=1)
    ]
    article.dropped = [tuple(d) for d in data["dropped"]]
    return article


async def apply_stored(store: Store, library: Library) -> int:
    """Bring the articles added and removed so far into a library that has no indexes yet
    (at start-up, before the indexes are loaded or built); returns how many changed."""
    removed, added = await stored_changes(store, library)
    for article_id in removed:
        library.remove(article_id)
    for article in added:
        library.add(article)
    return len(removed) + len(added)


class Librarian:
    """Adds and removes articles for every chat the bot serves: database, library, indexes."""

    def __init__(self, store: Store, commands: Commands) -> None:
        self.store = store
        self.commands = commands
        # Fingerprints of the folder's articles, made at the first add (not at start-up); an
        # added article's fingerprint is in the database.
        self._folder_prints: dict[str, str] | None = None
        self.changed = False  # the library changed since start: its saved index is stale

    @property
    def library(self) -> Library:
        return self.commands.library

    async def add(self, data: bytes, name: str, added_by: int | None = None) -> Added:
        """Add a file's article, or say it is already there; refusals raise IngestError."""
        taken = {a.id for a in self.library.articles} | await self._stored_ids()
        prepared = prepare(data, name, len(self.library) + 1, taken)
        if self._folder_prints is None:
            self._folder_prints = {
                fingerprint(a): a.id for a in self.library.articles if not a.added
            }
        existing = self._folder_prints.get(prepared.fingerprint)
        existing = existing or await self.store.article_with_fingerprint(prepared.fingerprint)
        if existing and self.library.get(existing):
            return Added(self.library.get(existing), new=False)  # type: ignore[arg-type]
        article = prepared.article
        await self.store.save_article(
            article.id, name, prepared.text, prepared.fingerprint, prepared.meta, added_by,
            pack(article),
        )  # fmt: skip
        self._join(article)
        return Added(article, new=True)

    async def _stored_ids(self) -> set[str]:
        return {row[0] for row in await self.store.added_articles()}

    def _join(self, article: Article) -> None:
        """Into the library and its indexes, quotable at once."""
        self.changed = True
        self.library.add(article)
        self.commands.index.add_article(article)
        terms = self.commands.terms_if_ready
        if terms is not None:  # else it is still being counted, and will include it
            terms.add_article(article)

    async def remove(self, article: Article) -> None:
        """Take an article out of the library for good."""
        await self.store.delete_article(article.id)
        self._leave(article.id)

    def _leave(self, article_id: str) -> None:
        if self.library.get(article_id) is None:
            return
        self.changed = True
        self.library.remove(article_id)
        self.commands.index.remove_article(article_id)
        terms = self.commands.terms_if_ready
        if terms is not None:
            terms.remove_article(article_id)
        if self._folder_prints is not None:
            self._folder_prints = {f: i for f, i in self._folder_prints.items() if i != article_id}

    async def sync(self) -> int:
        """Bring in what the database holds and the library lacks (articles added or removed
        from the command line while the bot runs); returns how many changed."""
        removed, added = await stored_changes(self.store, self.library)
        for article_id in removed:
            self._leave(article_id)
        for article in added:
            self._join(article)
        return len(removed) + len(added)
