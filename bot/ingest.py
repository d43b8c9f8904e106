"""Adding and removing articles: files in, checked, understood, stored, quotable at once.

A text file (.txt, .md or .html) is refused with a reason when it is too big, not text, not
UTF-8, or has no article in it; HTML is reduced to the article's own text by trafilatura. A
book or document (.pdf, .epub, .docx) is read by bot/formats into paragraphs and the metadata
it states, and refused with a reason when it is locked, scanned, damaged or a zip bomb; another
kind of file is refused with how to convert it. The same text added twice is recognised. An
added article is stored in the database before it joins the library and its indexes, so nothing
is ever half-added and a restart needs no re-import. Reading a file runs in a worker thread: a
300-page PDF takes seconds of CPU, and the bot keeps answering meanwhile. No Telegram imports.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.dates import iso_date, parse_iso_date, parse_stated_date
from bot.formats import Document, Unreadable
from bot.language import detect
from bot.library import (
    Article,
    Library,
    LibraryError,
    Paragraph,
    article_from_text,
    bulk_loading,
)
from bot.library import fingerprint as body_fingerprint
from bot.links import (
    LinkError,
    Network,
    Resolver,
    fetch,
    resolve_host,
    same_page,
    without_tracking,
)
from bot.shelf import Shelf
from bot.sources import language_code
from bot.storage import Store
from bot.text import normalise, word_count

log = logging.getLogger(__name__)

MAX_BYTES = 2_000_000  # a text file: an article, or a long pamphlet
# A book: Telegram lets a bot download files up to 20 MB, and a 20 MB PDF or EPUB is a long
# book with pictures; its text is a small part of it.
MAX_BOOK_BYTES = 20_000_000
TEXT_SUFFIXES = (".txt", ".md", ".muse", ".html", ".htm")
BOOK_SUFFIXES = (".pdf", ".epub", ".docx")
SUFFIXES = TEXT_SUFFIXES + BOOK_SUFFIXES
TAKEN = ".txt, .md, .muse, .html, .pdf, .epub and .docx"
# What to do with the kinds of file members bring that the bot does not read.
CONVERT = {
    ".doc": "save it as .docx (File > Save As in Word or LibreOffice) and send that",
    ".odt": "save it as .docx or PDF (File > Save As in LibreOffice) and send that",
    ".rtf": "save it as .docx or PDF and send that",
    ".pages": "export it as .docx or PDF (File > Export To in Pages) and send that",
    ".mobi": "convert it to EPUB with Calibre and send that",
    ".azw": "convert it to EPUB with Calibre and send that (DRM-free books only)",
    ".azw3": "convert it to EPUB with Calibre and send that (DRM-free books only)",
    ".kfx": "convert it to EPUB with Calibre and send that (DRM-free books only)",
    ".fb2": "convert it to EPUB with Calibre and send that",
    ".djvu": "it is usually a scan: make a PDF with a text layer (OCR) and send that",
    ".xps": "print it to PDF and send that",
    ".zip": "unpack it and send the texts one by one",
    ".jpg": "it is a picture: send the text itself, or a PDF with a text layer",
    ".jpeg": "it is a picture: send the text itself, or a PDF with a text layer",
    ".png": "it is a picture: send the text itself, or a PDF with a text layer",
}


# A page from a link with fewer words than this is not an article (a front page, a list, a
# stub); a statement of a hundred words is rare, and can be sent as a file.
MIN_LINK_WORDS = 100
# A page that says it is for subscribers and gives fewer words than this is the teaser.
PAYWALL_WORDS = 400
_PAYWALLED = re.compile(
    r"subscribe to (?:continue|read)|to continue reading|already a subscriber|subscribers only"
    r"|for subscribers|sign in to (?:continue|read)|(?:log|sign) in to read|paywall"
    r"|create a free account to|register to continue",
    re.I,
)
_NOT_FREE = re.compile(r"\"isAccessibleForFree\"\s*:\s*\"?false", re.I)
# A page whose "article" is mostly the text of its links is a list of other pages' teasers.
TEASER_SHARE = 0.4


def _visible(html: str) -> tuple[str, list[str]]:
    """A page's visible text (no scripts, styles or templates), and its links' texts."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except Exception:  # no tree to read: nothing visible
        return "", []
    for hidden in root.iter("script", "style", "noscript", "template"):
        hidden.drop_tree()
    anchors = [normalise(a.text_content()) for a in root.iter("a")]
    return root.text_content(), [a for a in anchors if len(a.split()) >= 2]


def _linked_share(article: Article, anchors: list[str]) -> float:
    """The share of the article's words that are the text of the page's links."""
    if not anchors:
        return 0.0
    linked = 0
    for paragraph in article.paragraphs:
        text = normalise(paragraph.text)
        covered = sum(len(a) for a in set(anchors) if a in text)
        linked += round(word_count(paragraph.text) * min(1.0, covered / max(1, len(text))))
    return linked / max(1, article.words)


SURE = 0.99  # py3langid's probability for a text of a thousand letters and more it is sure of
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)


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
    """Same words in the same order, whatever the spacing, quotes or case: same fingerprint
    (one definition, bot.library's, for the folder's articles and added ones)."""
    return body_fingerprint(p.text for p in article.paragraphs)


def limit(name: str) -> int:
    """The largest file of this kind the bot takes, in bytes."""
    return MAX_BOOK_BYTES if Path(name).suffix.lower() in BOOK_SUFFIXES else MAX_BYTES


def too_big(name: str, size: int) -> str:
    """Why a file of ``size`` bytes is refused ("" when it is not too big)."""
    most = limit(name)
    if size <= most:
        return ""
    if most == MAX_BYTES:
        kind, advice = "a text file", "Split it into articles."
    else:
        kind, advice = "a PDF, EPUB or Word file", "Split it into parts, or leave out the pictures."
    return (
        f"{name} is too big: the limit is {most / 1e6:.0f} MB for {kind}, and it is "
        f"{size / 1e6:.1f} MB. {advice}"
    )


def unsupported(name: str) -> str:
    """Why a file of a kind the bot does not read is refused, and how to convert it."""
    suffix = Path(name).suffix.lower()
    kind = f"this is {suffix}" if suffix else "this one has no ending"
    advice = CONVERT.get(suffix)
    return f"{name}: I take {TAKEN} files; {kind}" + (f": {advice}." if advice else ".")


def decode(data: bytes, name: str) -> str:
    """The text of a file, or a refusal naming what is wrong."""
    if reason := too_big(name, len(data)):
        raise IngestError(reason)
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


def html_text(html: str, link: str = "") -> tuple[str, tuple[str, str, str, str], str, str]:
    """An HTML page reduced to its article: paragraphs, the metadata the page states, the
    language it declares (``<html lang>``) and, for a page fetched from ``link``, its canonical
    address."""
    import trafilatura  # imported when needed: it is slow to load

    extracted = trafilatura.extract(
        html, url=link or None, favor_precision=True, include_comments=False,
        include_tables=False,
    )  # fmt: skip
    # No extensive date search: it takes a footer's "© 2005" for the day the text appeared.
    meta = trafilatura.extract_metadata(
        html, default_url=link or None,
        date_config={"extensive_search": False, "original_date": True},
    )  # fmt: skip
    declared = _HTML_LANG.search(html[:20_000])
    language = language_code(declared[1]) if declared else ""
    title = (meta.title or "") if meta else ""
    paragraphs = [p.strip() for p in (extracted or "").splitlines() if p.strip()]
    if not paragraphs:
        return "", ("", "", "", ""), language, ""
    if title and normalise(paragraphs[0]) != normalise(title):
        paragraphs.insert(0, title)  # the title heads the text, as in a saved page
    text = "\n\n".join(paragraphs)
    details = (
        title,
        (meta.sitename or "") if meta else "",
        (meta.author or "") if meta else "",
        (meta.date or "") if meta else "",
    )
    if language:
        # A site's template often declares its usual language for every page: a long text
        # the detector is sure is in another language is taken to be in that one.
        found = detect(text)
        if found.language != language and found.confidence >= SURE and len(text) >= 1000:
            language = found.language
    return text, details, language, _canonical(link, meta.url if meta else "")


def _canonical(link: str, stated: str | None) -> str:
    """The address an article from ``link`` is kept and cited under: the page's own
    rel=canonical or og:url when it is on the same site (a page cannot pass itself off as
    another site's, nor claim another site's address in advance), else the link; either way
    without tracking parameters."""
    if not link:
        return ""
    try:
        found = httpx.URL(link).join(stated or "")
        same = _site(found.host) == _site(httpx.URL(link).host)
    except Exception:  # a malformed canonical address is no address
        found, same = httpx.URL(link), True
    chosen = str(found) if same and found.scheme in ("http", "https") else link
    return without_tracking(chosen)


def _site(host: str) -> str:
    return host.lower().removeprefix("www.").removeprefix("m.")


def prepare(data: bytes, name: str, number: int, taken: set[str], link: str = "") -> Prepared:
    """Read a file (or what ``link`` gave) into an article, or refuse it with a reason."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(unsupported(name))
    if suffix in BOOK_SUFFIXES:
        return _prepare_book(data, name, number, taken, link)
    text = decode(data, name)
    meta, language, url = ("", "", "", ""), "", link
    if suffix in (".html", ".htm"):
        text, meta, language, url = html_text(text, link)
        if not text:
            raise IngestError(f"{link or name}: I found no article text in this page.")
    meta = _site_named(meta, link)
    article = build(text, name, number, taken, meta, language, url)
    if link and suffix in (".html", ".htm"):
        _refuse_stub(article, data, link)
    return Prepared(article, text, fingerprint(article), meta)


def _refuse_stub(article: Article, page: bytes, link: str) -> None:
    """A linked page that is a paywall's teaser, or a front page rather than an article."""
    raw = page.decode("utf-8", "replace")
    visible, anchors = _visible(raw)
    # Paywall words count where a reader sees them (a script's {"paywall": …} says nothing),
    # and so does the page's own structured statement that it is not free.
    locked = _PAYWALLED.search(visible) is not None or _NOT_FREE.search(raw) is not None
    teasers = _linked_share(article, anchors) >= TEASER_SHARE
    if article.words < MIN_LINK_WORDS or teasers or (locked and article.words < PAYWALL_WORDS):
        shown = link if len(link) <= 80 else link[:77] + "…"
        if locked and not teasers:
            raise IngestError(
                f"{shown} looks like a paywall: only {article.words:,} words of the article came "
                "through. Save the whole article (or print it to PDF) while logged in, and send "
                "me the file."
            )
        raise IngestError(
            f"{shown} has only {article.words:,} words of text: it looks like a front page, a "
            "list or a stub rather than an article. Send the link of the article itself, or "
            "the text as a file."
        )


def _site_named(meta: tuple[str, str, str, str], link: str) -> tuple[str, str, str, str]:
    """What came from a link names its site as the publication when it names none itself."""
    if not link or meta[1]:
        return meta
    host = httpx.URL(link).host.removeprefix("www.")
    return (meta[0], host, *meta[2:])


def read_book(data: bytes, name: str) -> Document:
    """A PDF, EPUB or Word file read by bot/formats, or a refusal naming the file."""
    from bot.formats.docx import read_docx
    from bot.formats.epub import read_epub
    from bot.formats.pdf import read_pdf

    if reason := too_big(name, len(data)):
        raise IngestError(reason)
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    reader = {".pdf": read_pdf, ".epub": read_epub, ".docx": read_docx}[Path(name).suffix.lower()]
    kind = Path(name).suffix.lower().lstrip(".").upper()
    try:
        return reader(data)
    except Unreadable as exc:
        raise IngestError(f"{name}: {exc}") from None
    except RecursionError:
        raise IngestError(f"{name}: it is nested too deeply to read; it may be damaged.") from None
    except Exception:  # a damaged file can fail inside any library in any way; one answer
        raise IngestError(
            f"{name}: I could not read it as {kind}; it may be damaged. Save or export it "
            "again and send the new copy."
        ) from None


def _prepare_book(data: bytes, name: str, number: int, taken: set[str], link: str = "") -> Prepared:
    document = read_book(data, name)
    text = document.text()
    meta = (document.title, document.publication, document.author, document.date)
    meta = _site_named(meta, link)
    if document.date_is_file_date:
        # When the file was made is not when its text appeared: only a date the text states
        # is the article's (never guessed), and /articles newest places it by when it came.
        meta = (*meta[:3], "")
    article = build(text, name, number, taken, meta, document.language, link)
    return Prepared(article, text, fingerprint(article), meta)


def build(
    text: str,
    name: str,
    number: int,
    taken: set[str],
    meta: tuple[str, str, str, str],
    language: str = "",
    url: str = "",
) -> Article:
    """The article a stored text makes (the same at every start)."""
    entry: dict = {}
    if language:
        entry["language"] = language
    if url:
        entry["url"] = url
    title, publication, author, when = meta
    if title:
        entry["title"] = title
    if publication:
        entry["publication"] = publication
    if author:
        entry["author"] = author
    if when and (stated := parse_stated_date(when)):
        entry["date"] = stated  # "2021-03-05T10:00Z", "2021-03", "2021", "5 March 2021"
    # What is kept of a web page or a book is plain text.
    kept = name.lower().endswith((".txt", ".md", ".muse"))
    path = Path(name if kept else Path(name).stem + ".txt")
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


_BATCH = 32  # added articles read from the database at a time


async def stored_additions(store: Store, library: Library) -> AsyncIterator[Article]:
    """The articles the database holds and the library lacks, oldest first (from their parsed
    form, or rebuilt from their text), read a few at a time: however large the library, only
    those few are in memory at once besides what the library keeps."""
    missing = [i for i in await store.added_ids() if library.get(i) is None]
    number = len(library)
    for start in range(0, len(missing), _BATCH):
        rows = await store.added_rows(missing[start : start + _BATCH])
        for article_id, name, text, *meta, added_at, parsed in rows:
            if library.get(article_id) is not None:
                continue
            number += 1
            if parsed:
                article = unpack(parsed, article_id, number, Path(name))
            else:
                article = build(text, name, number, set(), tuple(meta))  # type: ignore[arg-type]
            article.id, article.added = article_id, added_at
            yield article


async def stored_removals(store: Store, library: Library) -> list[str]:
    """The ids of the articles the database says were removed and the library still has."""
    return [i for i in await store.removed_articles() if library.get(i) is not None]


async def stored_changes(store: Store, library: Library) -> tuple[list[str], list[Article]]:
    """What the database says and the library does not yet show: the ids of articles removed,
    and the articles added (see :func:`stored_additions`)."""
    removed = await stored_removals(store, library)
    added = [article async for article in stored_additions(store, library)]
    return removed, added


def pack(article: Article) -> str:
    """An article's parsed form, so a restart need not parse its text again."""
    return json.dumps(
        {
            "title": article.title, "publication": article.publication,
            "author": article.author, "standfirst": article.standfirst,
            "date": iso_date(article.date),  # "1914-10" stays a month, never 1 October
            "paragraphs": [[p.text, [list(s) for s in p.sentences]] for p in article.paragraphs],
            "dropped": article.dropped, "language": article.language, "url": article.url,
        },
        ensure_ascii=False,
    )  # fmt: skip


def unpack(parsed: str, article_id: str, number: int, path: Path) -> Article:
    """An article from its parsed form."""
    data = json.loads(parsed)
    article = Article(
        article_id, number, path, data["title"], data["publication"], data["author"],
        parse_iso_date(data["date"]), data["standfirst"],
    )  # fmt: skip
    article.paragraphs = [
        Paragraph(n, text, tuple((s, e) for s, e in spans))
        for n, (text, spans) in enumerate(data["paragraphs"], start=1)
    ]
    article.dropped = [tuple(d) for d in data["dropped"]]
    article.language = data.get("language", "")
    article.url = data.get("url", "")
    return article


async def apply_stored(store: Store, library: Library) -> int:
    """Bring the articles added and removed so far into a library that has no indexes yet
    (at start-up, before the indexes are loaded or built); returns how many changed. Each
    article joins the library as it is read (its texts go where the library keeps them), with
    garbage collection paused meanwhile (see :func:`~bot.library.bulk_loading`)."""
    removed = await stored_removals(store, library)
    for article_id in removed:
        library.remove(article_id)
    changed = len(removed)
    with bulk_loading():
        async for article in stored_additions(store, library):
            library.add(article)
            changed += 1
    return changed


class Librarian:
    """Adds and removes articles for every chat the bot serves: the database, then the shelf
    (the library and its indexes, see :mod:`bot.shelf`)."""

    def __init__(
        self,
        store: Store,
        shelf: Shelf,
        allow: Sequence[Network] = (),
        resolve: Resolver = resolve_host,
    ) -> None:
        self.store = store
        self.shelf = shelf
        # Links: networks the operator allows besides the public internet (links.allow_networks),
        # and how host names are resolved (the system's resolver).
        self.allow = list(allow)
        self.resolve = resolve
        self._synced = -1  # the library-change counter at the last sync (none yet)
        # Fingerprints of the folder's articles, made at the first add (not at start-up); an
        # added article's fingerprint is in the database.
        self._folder_prints: dict[str, str] | None = None
        self.changed = False  # the library changed since start: its saved index is stale
        # One add at a time: each reads the ids taken before it and stores its own.
        self._adding = asyncio.Lock()

    @property
    def library(self) -> Library:
        return self.shelf.library

    async def add(self, data: bytes, name: str, added_by: int | None = None) -> Added:
        """Add a file's article, or say it is already there; refusals raise IngestError."""
        async with self._adding:
            return await self._add(data, name, added_by)

    async def add_link(self, url: str, added_by: int | None = None) -> Added:
        """Add the article a link leads to (a page, PDF, EPUB, Word file or text), or say it is
        already there; refusals (a bad link, a page that is not an article) raise IngestError."""
        if known := self.with_url(url):
            return Added(known, new=False)
        try:
            fetched = await fetch(url, allow=self.allow, resolve=self.resolve)
        except LinkError as exc:
            raise IngestError(str(exc)) from None
        except Exception:  # a fault of ours: logged in full, and one line for the member
            log.exception("Fetching a link failed")
            raise IngestError(
                "I could not fetch that link (an error on my side, logged for the bot's admins)."
            ) from None
        if known := self.with_url(fetched.url):  # a redirect to an article already there
            return Added(known, new=False)
        async with self._adding:
            return await self._add(fetched.data, fetched.name, added_by, link=fetched.url)

    def with_url(self, url: str) -> Article | None:
        """The article of the library taken from this address, if there is one."""
        wanted = same_page(url)
        return next((a for a in self.library.articles if a.url and same_page(a.url) == wanted),
                    None)  # fmt: skip

    async def _add(self, data: bytes, name: str, added_by: int | None, link: str = "") -> Added:
        taken = {a.id for a in self.library.articles} | await self._stored_ids()
        # Reading is CPU work (seconds for a long PDF): off the event loop. It only reads.
        prepared = await asyncio.to_thread(prepare, data, name, len(self.library) + 1, taken, link)
        if self._folder_prints is None:
            # Every print a copy may have: a seed whose catalog entry changed its body (a
            # standfirst taken out) also has the print of its file read alone, as `add` reads it.
            self._folder_prints = {
                print_: a.id
                for a in self.library.articles
                if not a.added
                for print_ in a.fingerprints
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
        await self._join(article)
        return Added(article, new=True)

    async def _stored_ids(self) -> set[str]:
        return set(await self.store.added_ids())

    async def _join(self, article: Article) -> None:
        """Onto the shelf: in the library and its indexes, quotable at once."""
        self.changed = True
        await self.shelf.add(article)

    async def remove(self, article: Article) -> None:
        """Take an article out of the library for good."""
        await self.store.delete_article(article.id)
        await self._leave(article.id)

    async def _leave(self, article_id: str) -> None:
        if self.library.get(article_id) is None:
            return
        self.changed = True
        await self.shelf.remove(article_id)
        if self._folder_prints is not None:
            self._folder_prints = {f: i for f, i in self._folder_prints.items() if i != article_id}

    async def sync(self) -> int:
        """Bring in what the database holds and the library lacks (articles added or removed
        from the command line while the bot runs); returns how many changed. Nothing is read
        unless the database's counter of library changes moved since the last look."""
        changes = await self.store.library_changes()
        if changes == self._synced:
            return 0
        removed = await stored_removals(self.store, self.library)
        for article_id in removed:
            await self._leave(article_id)
        added = 0
        async for article in stored_additions(self.store, self.library):  # one at a time
            await self._join(article)
            added += 1
        self._synced = changes  # only once all of them are in: a failure is tried again
        return len(removed) + added
