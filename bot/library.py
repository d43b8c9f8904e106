"""The library: articles loaded from a folder and its catalog, split into citable passages.

Every paragraph of an article's body is a passage with a stable reference, ``<id> ¶<n>``; a
paragraph's sentences are addressable too, as ``<id> ¶<n>.<s>`` or a range ``<id> ¶<n>.<s>-<t>``,
so a long paragraph never has to be quoted whole. Nothing here knows about Telegram.

An article is read in three steps: its source's own header (Project Gutenberg, front matter,
Muse; :mod:`bot.sources`), its markup (:mod:`bot.markup`), then the site furniture
(:mod:`bot.furniture`). What the catalog states overrides the header, and the header overrides
what the furniture reader finds.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import tempfile
import threading
import tomllib
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from bot.dates import format_date as format_date
from bot.dates import parse_iso_date
from bot.furniture import Split, split_article
from bot.language import language_of
from bot.markup import Plain, read_markdown, read_muse, read_plain
from bot.markup import markdown_to_text as markdown_to_text
from bot.sources import language_code, read_source
from bot.text import normalise, number, sentence_spans, word_count, words

CATALOG_NAME = "catalog.toml"
ARTICLE_SUFFIXES = (".txt", ".md", ".muse")
# Characters of paragraph text a library keeps in memory; past that (about 40,000 paragraphs)
# every article's texts go to a file of the library's (:class:`TextFile`), read when needed.
TEXTS_IN_MEMORY = 24_000_000
_CATALOG_KEYS = {
    "id", "file", "title", "publication", "author", "date", "standfirst", "language", "url",
}  # fmt: skip
# A reference as members type it: the article (number, id or title words), then a paragraph
# number, bare or after ¶, §, #, p, para or paragraph, or after a colon ("2:7").
_LOOSE_REF = re.compile(
    r"^\s*(?P<article>.+?)\s*(?::\s*(?:¶|§|#|p\.?|para\.?|paragraph)?\s*"
    r"|\s+(?:¶|§|#|p\.?|para\.?|paragraph)?\s*|¶\s*|#)"
    r"(?P<para>\d{1,5})(?:\.(?P<s1>\d{1,3})(?:-(?P<s2>\d{1,3}))?)?\s*$",
    re.IGNORECASE,
)
_ID = re.compile(r"^(?=.{1,40}$)[a-z0-9]+(?:-[a-z0-9]+)*$")  # "/context <id> ¶n.s-t" ≤ 64 bytes
_REF = re.compile(
    r"^\s*(?P<id>[a-z0-9-]+)\s*¶\s*(?P<para>\d+)(?:\.(?P<s1>\d+)(?:-(?P<s2>\d+))?)?\s*$"
)


class LibraryError(Exception):
    """The library cannot be loaded; the message names the file and the line or key."""


@dataclass(frozen=True, slots=True)
class Passage:
    """A citable piece of an article: a paragraph, or a run of sentences within one."""

    article_id: str
    paragraph: int
    text: str
    sentences: tuple[int, int] | None = None  # first and last sentence (1-based), or None

    @property
    def ref(self) -> str:
        """The stable reference, e.g. ``putin-v-prigozhin ¶7`` or ``pro-putin-left ¶1.4-5``."""
        ref = f"{self.article_id} ¶{self.paragraph}"
        if self.sentences:
            first, last = self.sentences
            ref += f".{first}" if first == last else f".{first}-{last}"
        return ref


class Paragraph:
    """One paragraph of an article's body and the spans of its sentences.

    A library of a million paragraphs holds a million of these, so they are kept small: the
    spans are packed into one ``bytes`` (none at all for a paragraph that is one sentence) and
    :attr:`sentences` unpacks them when asked. Immutable, compared and hashed by value."""

    __slots__ = ("_spans", "number", "text")
    number: int
    text: str
    _spans: bytes | None

    def __init__(self, number: int, text: str, sentences: Iterable[tuple[int, int]]) -> None:
        spans = tuple(sentences)
        packed = None if spans == ((0, len(text)),) else array("I", chain(*spans)).tobytes()
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_spans", packed)

    @property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """The ``(start, end)`` span of each sentence in :attr:`text`, in order."""
        if self._spans is None:
            return ((0, len(self.text)),)
        flat = memoryview(self._spans).cast("I").tolist()
        return tuple(zip(flat[::2], flat[1::2], strict=True))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Paragraph cannot be changed ({name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Paragraph cannot be changed ({name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Paragraph):
            return NotImplemented
        return (self.number, self.text, self._spans) == (other.number, other.text, other._spans)

    def __hash__(self) -> int:
        return hash((self.number, self.text, self._spans))

    def __repr__(self) -> str:
        spans = self.sentences
        return f"Paragraph(number={self.number!r}, text={self.text!r}, sentences={spans!r})"

    def __reduce__(self) -> tuple[type[Paragraph], tuple[int, str, tuple[tuple[int, int], ...]]]:
        return (Paragraph, (self.number, self.text, self.sentences))


# The slots' own setters: a paragraph is made without the check Paragraph.__setattr__ makes.
_SET_NUMBER = Paragraph.__dict__["number"].__set__
_SET_TEXT = Paragraph.__dict__["text"].__set__
_SET_SPANS = Paragraph.__dict__["_spans"].__set__


class TextFile:
    """Paragraph texts out of the process's memory: a file they are written to once, in UTF-8,
    and read back with ``os.pread`` when one is needed (the kernel's page cache is no part of
    the process's memory, as a mapped file's touched pages would be).

    The file has no name: it is made unlinked (``O_TMPFILE``) in ``folder``, so it is gone
    when the process ends, however it ends, and no other process, nor a later start, can
    read or trust it. It only grows: what was written is never written over, so the bytes an
    article was given are its texts as long as the article exists; an article removed leaves
    its bytes unread until the process ends, one added again is written anew. Only the process
    that made it writes to it; a process forked from it reads what was written before the fork
    (``pread`` has no shared position, so reading from threads and processes is safe)."""

    def __init__(self, folder: Path | None = None) -> None:
        place = folder if folder is not None and folder.is_dir() else None  # else the system's
        self._fd = _unnamed_file(place)
        # Closed when the last article reading it is gone, or when the process ends.
        self._closed = weakref.finalize(self, os.close, self._fd)
        self.size = 0  # bytes written so far
        self.pid = os.getpid()
        self._lock = threading.Lock()

    def append(self, data: bytes) -> int:
        """Write ``data`` at the end; returns where it begins."""
        if os.getpid() != self.pid:
            raise RuntimeError("a library's text file is written only by the process that made it")
        with self._lock:
            start = self.size
            view = memoryview(data)
            while view:
                written = os.pwrite(self._fd, view, start + len(data) - len(view))
                view = view[written:]
            self.size += len(data)
        return start

    def read(self, start: int, end: int) -> bytes:
        """The bytes from ``start`` to ``end``, as written."""
        data = os.pread(self._fd, end - start, start)
        while len(data) < end - start:  # a short read: rare, but allowed
            more = os.pread(self._fd, end - start - len(data), start + len(data))
            if not more:
                raise LibraryError(f"the library's text file lost bytes {start}-{end}")
            data += more
        return data

    def close(self) -> None:
        self._closed()


def _unnamed_file(folder: Path | None) -> int:
    """A file of no name in ``folder`` (the system's temporary folder if None), for reading
    and writing: ``O_TMPFILE`` where the system has it, else made and unlinked at once."""
    where = str(folder) if folder is not None else tempfile.gettempdir()
    with contextlib.suppress(AttributeError, OSError):  # no O_TMPFILE here, or not on this disk
        return os.open(where, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600)
    fd, name = tempfile.mkstemp(prefix="library-texts-", dir=where)
    os.unlink(name)
    return fd


# Paragraphs of StoredParagraphs read one by one lately: a search shows, highlights and cites
# the few it found, each read again in turn.
_RECENT: dict[tuple[TextFile, int], Paragraph] = {}
_RECENT_SIZE = 256


class StoredParagraphs(Sequence[Paragraph]):
    """An article's paragraphs whose texts are in a :class:`TextFile`: a list of them as far
    as a reader can tell (a paragraph, a slice, every one in order, equal to a list of the
    same paragraphs), but its memory is a few numbers a paragraph. A paragraph is made when
    asked for, its text read then; iterating reads the article's texts in one read."""

    __slots__ = ("_ends", "_file", "_marks", "_numbers", "_spans", "_start")

    def __init__(self, file: TextFile, paragraphs: Sequence[Paragraph]) -> None:
        encoded = [p.text.encode() for p in paragraphs]
        ends, marks = array("Q", [0]), array("Q", [0])
        spans = bytearray()
        for para, data in zip(paragraphs, encoded, strict=True):
            ends.append(ends[-1] + len(data))
            spans += para._spans or b""  # none for a paragraph that is one sentence
            marks.append(len(spans))
        numbers = [p.number for p in paragraphs]
        self._numbers = None if numbers == list(range(1, len(numbers) + 1)) else numbers
        self._file = file
        self._start = file.append(b"".join(encoded))
        self._ends, self._marks, self._spans = ends, marks, bytes(spans)

    @property
    def file(self) -> TextFile:
        """The file the texts are in."""
        return self._file

    def bounds(self) -> list[int]:
        """Where the paragraphs' texts begin and end in :attr:`file`, in bytes (UTF-8): the
        first's start, then each one's end (one more than the paragraphs)."""
        return [self._start + end for end in self._ends.tolist()]

    def _texts(self, first: int, last: int) -> list[str]:
        """The texts of paragraphs ``first`` to ``last`` (exclusive), in one read."""
        ends = self._ends[first : last + 1].tolist()
        base = ends[0]
        data = self._file.read(self._start + base, self._start + ends[-1])
        if base:
            ends = [end - base for end in ends]
        # Each decoded alone: a text of Latin letters stays a string of one byte a letter,
        # whatever characters the others have.
        return [data[a:b].decode() for a, b in pairwise(ends)]

    def _paragraphs(self, first: int, texts: list[str]) -> list[Paragraph]:
        """Paragraphs ``first`` on (0-based), made of their ``texts``."""
        marks = self._marks[first : first + len(texts) + 1].tolist()
        numbers = self._numbers or range(1, len(self) + 1)
        spans, new = self._spans, object.__new__
        made = []
        for n, text, (a, b) in zip(
            numbers[first : first + len(texts)], texts, pairwise(marks), strict=True
        ):
            para = new(Paragraph)
            _SET_NUMBER(para, n)
            _SET_TEXT(para, text)
            _SET_SPANS(para, spans[a:b] if b > a else None)
            made.append(para)
        return made

    def _one(self, index: int) -> Paragraph:
        """Paragraph ``index`` (0-based): its text alone read, unless it was just read."""
        start = self._start + self._ends[index]
        key = (self._file, start)  # the file only grows: these bytes are this paragraph's
        para = _RECENT.get(key)
        if para is None:
            text = self._file.read(start, self._start + self._ends[index + 1]).decode()
            [para] = self._paragraphs(index, [text])
            if len(_RECENT) >= _RECENT_SIZE:
                _RECENT.clear()
            _RECENT[key] = para
        return para

    def texts(self) -> list[str]:
        return self._texts(0, len(self))

    def __len__(self) -> int:
        return len(self._ends) - 1

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            first, last, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return self._paragraphs(first, self._texts(first, last)) if first < last else []
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("paragraph index out of range")
        return self._one(index)

    def __iter__(self) -> Iterator[Paragraph]:
        return iter(self[:])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's

    def __repr__(self) -> str:
        return f"<{len(self)} paragraphs, texts in a file>"

    def __reduce__(self) -> tuple[type[list], tuple[list[Paragraph]]]:
        return (list, (list(self),))  # pickled (for another process) as the plain list


@dataclass
class Article:
    """An article with the metadata its text states; empty strings where it states nothing."""

    id: str
    number: int
    path: Path
    title: str
    publication: str = ""
    author: str = ""
    date: date | None = None
    standfirst: str = ""
    # A list, or (in a large library) :class:`StoredParagraphs`, whose texts are in a file.
    paragraphs: Sequence[Paragraph] = field(default_factory=list)
    dropped: list[tuple[int, str, str]] = field(default_factory=list)
    added: float = 0.0  # when it was added to the library (0 for the folder's articles)
    language: str = ""  # ISO 639-1 code, where the source declares it ("" otherwise)
    url: str = ""  # where the source says the text comes from
    # The fingerprint of the body its file makes alone, when its catalog entry made it another
    # (a catalog standfirst taken out of the body): a copy of the file, added, has this one.
    file_print: str = ""

    @cached_property
    def sizes(self) -> tuple[int, ...]:
        """Words in each paragraph, in order (counted once: an article does not change)."""
        return tuple(word_count(p.text) for p in self.paragraphs)

    @cached_property
    def words(self) -> int:
        """Number of words in the body."""
        return sum(self.sizes)

    def texts(self) -> list[str]:
        """Every paragraph's text, in order, in one read (for building indexes in bulk)."""
        if isinstance(self.paragraphs, StoredParagraphs):
            return self.paragraphs.texts()
        return [p.text for p in self.paragraphs]

    @property
    def characters(self) -> int:
        """Characters in the body (counted once while its texts are in memory)."""
        counted = self.__dict__.get("_characters")
        if counted is None or counted[0] is not self.paragraphs:
            counted = (self.paragraphs, sum(len(t) for t in self.texts()))
            self.__dict__["_characters"] = counted
        return int(counted[1])

    def store_texts(self, file: TextFile) -> None:
        """Move the paragraphs' texts into ``file`` (nothing changes for a reader)."""
        if isinstance(self.paragraphs, StoredParagraphs):
            return
        characters = self.characters
        self.paragraphs = StoredParagraphs(file, self.paragraphs)
        self.__dict__["_characters"] = (self.paragraphs, characters)

    @property
    def fingerprints(self) -> set[str]:
        """Every fingerprint a copy of this article may have: its body's, and its file's own
        when the catalog changed the body (see :func:`fingerprint`)."""
        return {fingerprint(p.text for p in self.paragraphs)} | ({self.file_print} - {""})

    def passage(self, paragraph: int, first: int | None = None, last: int | None = None) -> Passage:
        """The passage for a paragraph number, or for sentences ``first``..``last`` in it."""
        para = self.paragraphs[paragraph - 1]
        if first is None:
            return Passage(self.id, para.number, para.text)
        last = first if last is None else last
        start, end = para.sentences[first - 1][0], para.sentences[last - 1][1]
        if first == 1 and last == len(para.sentences):
            return Passage(self.id, para.number, para.text)
        return Passage(self.id, para.number, para.text[start:end], (first, last))

    def passages(self) -> Iterator[Passage]:
        """Every paragraph as a passage, in order."""
        for para in self.paragraphs:
            yield Passage(self.id, para.number, para.text)


@contextlib.contextmanager
def bulk_loading() -> Iterator[None]:
    """Garbage collection paused while a library is read in bulk (an article's objects are
    freed as it is stored, and a collection meanwhile would walk the whole library again and
    again), then one collection, and what is left frozen: kept out of every later full
    collection (``gc.freeze``), as the indexes are once built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()
        gc.freeze()


def fingerprint(paragraphs: Iterable[str]) -> str:
    """Same words in the same order, whatever the spacing, quotes or case: same fingerprint.
    The one definition, so the folder's articles and added ones can be compared."""
    body = "\n".join(normalise(p) for p in paragraphs)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class Library:
    """The articles of one deployment, in catalog order.

    A small library keeps its paragraphs' texts in memory. Once they pass ``in_memory``
    characters, every article's texts are written to a :class:`TextFile` in ``texts_folder``
    (the system's temporary folder if None) and read from there when needed, and so are the
    texts of every article added after."""

    articles: list[Article]
    folder: Path
    texts_folder: Path | None = None
    in_memory: int | None = None  # TEXTS_IN_MEMORY if None

    def __post_init__(self) -> None:
        self._by_id = {a.id: a for a in self.articles}
        self._file: TextFile | None = None
        self._characters = 0  # of the texts still in memory
        for article in self.articles:
            self._count(article)

    @property
    def texts_file(self) -> TextFile | None:
        """Where the texts are, once they are out of memory."""
        return self._file

    def _count(self, article: Article) -> None:
        """Texts into the file, if the library keeps them there (or must from now on)."""
        if isinstance(article.paragraphs, StoredParagraphs):
            return
        if self._file is None:
            self._characters += article.characters
            limit = TEXTS_IN_MEMORY if self.in_memory is None else self.in_memory
            if self._characters <= limit:
                return
        if self._file is None:  # past the limit now: every text so far into the file
            self._file = TextFile(self.texts_folder)
            for other in self.articles:
                other.store_texts(self._file)
            self._characters = 0
        elif self._file.pid != os.getpid():  # a forked process writes to a file of its own
            self._file = TextFile(self.texts_folder)
        article.store_texts(self._file)

    def add(self, article: Article) -> None:
        """Add an article at the end of the library."""
        if article.id in self._by_id:
            raise LibraryError(f"an article with id {article.id!r} is already in the library")
        article.number = len(self.articles) + 1
        self._count(article)
        self.articles.append(article)
        self._by_id[article.id] = article

    def remove(self, article_id: str) -> Article:
        """Take an article out; the ones after it move up a number."""
        article = self._by_id.pop(article_id)
        self.articles.remove(article)
        if self._file is None and not isinstance(article.paragraphs, StoredParagraphs):
            self._characters -= article.characters
        for n, other in enumerate(self.articles, start=1):
            other.number = n
        return article

    def __len__(self) -> int:
        return len(self.articles)

    def get(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        return self._by_id.get(article_id)

    def resolve(self, ref: str) -> Passage | None:
        """The passage a reference such as ``putin-v-prigozhin ¶7`` names, or None."""
        m = _REF.match(ref)
        article = self.get(m["id"]) if m else None
        if not m or not article:
            return None
        para_no = int(m["para"])
        if not 1 <= para_no <= len(article.paragraphs):
            return None
        if m["s1"] is None:
            return article.passage(para_no)
        first = int(m["s1"])
        last = int(m["s2"] or first)
        if not 1 <= first <= last <= len(article.paragraphs[para_no - 1].sentences):
            return None
        return article.passage(para_no, first, last)

    def find_passage(self, text: str) -> Passage | None:
        """The passage a member names however they type it: ``putin-v-prigozhin ¶7``, ``¶7``,
        ``p7``, ``para 7``, ``paragraph 7``, ``#7`` or ``7`` after the article, ``2:7`` (article
        2, paragraph 7), ``prigozhin 7.2`` (its second sentence), ``¶7.2-3``; the article named
        by id, number or title words. None when it names no passage of one article."""
        exact = self.resolve(text)
        if exact is not None:
            return exact
        m = _LOOSE_REF.match(text)
        if not m:
            return None
        found = self.find_article(m["article"])
        if len(found) != 1:
            return None
        sentences = f".{m['s1']}" + (f"-{m['s2']}" if m["s2"] else "") if m["s1"] else ""
        return self.resolve(f"{found[0].id} ¶{m['para']}{sentences}")

    def article_named(self, text: str) -> Article | None:
        """The one article a reference names, whatever its paragraph ("2:99" names article 2)."""
        m = _REF.match(text) or _LOOSE_REF.match(text)
        if not m:
            return None
        name = m["id"] if "id" in m.groupdict() else m["article"]
        found = [self.get(name)] if self.get(name) else self.find_article(name)
        return found[0] if len(found) == 1 and found[0] is not None else None

    def find_article(self, query: str) -> list[Article]:
        """Articles a member may mean: by id, by number in /articles, or by a fuzzy title.

        By title, every word the member gives (up to eight, small words aside) must be in the
        title, id or publication, typos allowed. One article when that is clear, several when it is
        ambiguous, none when nothing fits.
        """
        text = query.strip().lstrip("#")
        if not text:
            return []
        if text.isdecimal():
            n = number(text)
            return [self.articles[n - 1]] if n and n <= len(self.articles) else []
        if text.casefold() in self._by_id:
            return [self._by_id[text.casefold()]]
        wanted = [w.norm for w in words(text) if w.norm not in _NAME_STOPWORDS]
        if not wanted or len(wanted) > 8:
            return []
        found = []
        for article in self.articles:
            names = {w.norm for w in words(f"{article.title} {article.id} {article.publication}")}
            if all(
                process.extractOne(w, names, scorer=fuzz.ratio, score_cutoff=80) for w in wanted
            ):
                found.append(article)
        return found


_NAME_STOPWORDS = {"the", "a", "an", "of", "in", "on", "and", "or", "to", "v", "vs"}


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LibraryError(f"{path}: file not found") from None
    except OSError as exc:
        raise LibraryError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LibraryError(
            f"{path}: line {line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        raise LibraryError(f"{path}: the file is empty")
    return text


def _catalog_entries(catalog: Path) -> list[dict[str, str]]:
    try:
        data = tomllib.loads(_read_text(catalog))
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{catalog}: not valid TOML: {exc}") from None
    unknown = set(data) - {"article"}
    if unknown:
        raise LibraryError(
            f"{catalog}: unknown key {sorted(unknown)[0]!r}; expected only [[article]] tables"
        )
    entries = data.get("article", [])
    if not isinstance(entries, list):
        raise LibraryError(f"{catalog}: 'article' must be a list of [[article]] tables")
    seen_ids: set[str] = set()
    seen_files: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{catalog}: article #{index}"
        if not isinstance(entry, dict):
            raise LibraryError(f"{where}: must be an [[article]] table")
        for key in entry:
            if key not in _CATALOG_KEYS:
                raise LibraryError(
                    f"{where}: unknown key {key!r}; expected one of "
                    + ", ".join(sorted(_CATALOG_KEYS))
                )
        for key in ("id", "file"):
            if key not in entry:
                raise LibraryError(f"{where}: missing key {key!r}")
        for key, value in entry.items():
            if key != "date" and not isinstance(value, str):
                raise LibraryError(f"{where}: key {key!r} must be a string")
        if not _ID.match(entry["id"]):
            raise LibraryError(
                f"{where}: key 'id' = {entry['id']!r} must be up to 40 lower-case letters, "
                "digits and hyphens, like 'putin-v-prigozhin'"
            )
        if entry["id"] in seen_ids:
            raise LibraryError(f"{where}: key 'id' = {entry['id']!r} is used twice")
        if entry["file"] in seen_files:
            raise LibraryError(f"{where}: key 'file' = {entry['file']!r} is listed twice")
        seen_ids.add(entry["id"])
        seen_files.add(entry["file"])
        entry["date"] = _catalog_date(entry.get("date"), f"{where}: key 'date'")
    return entries


def _catalog_date(value: object, where: str) -> date | str | None:
    """A catalog date: a TOML date, an ISO string, or "" for a text that states none."""
    if value is None:
        return "auto"
    if isinstance(value, date):
        return value
    if value == "":
        return None
    if isinstance(value, str) and (stated := parse_iso_date(value)) and len(value) in (4, 7, 10):
        return stated  # 2025-08-12, or a month (1914-10) or a year (1892) as the text states it
    raise LibraryError(
        f'{where} = {value!r} must be a date like 2025-08-12 (or 1914-10, or 1892), or ""'
    )


def _slug(title: str, taken: set[str]) -> str:
    """An id from a title's first words, in ASCII whatever its script ("La Commune et l'État"
    is la-commune-et-l-etat, "Война и мир рабочих" voyna-i-mir-rabochikh): an id is typed in
    commands and carried in links, which take ASCII only."""
    plain = anyascii(normalise(title)).casefold().replace("'", "")
    base = "-".join(re.findall(r"[a-z0-9]+", plain)[:5])[:34]
    base = base.strip("-") or "article"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def load_article(
    path: Path, number: int, entry: dict | None = None, taken: set[str] | None = None
) -> Article:
    """Load one article file; ``entry`` is its catalog entry, whose fields override detection."""
    return article_from_text(_read_text(path), path, number, entry, taken)


def read_markup(text: str, suffix: str, kind: str = "") -> Plain:
    """A text's markup reduced to plain text: Muse for .muse files and texts with Muse
    directives, Markdown for .md files and texts with front matter, else footnote marks only."""
    if suffix == ".muse" or kind == "muse":
        return read_muse(text)
    if suffix in (".md", ".markdown") or kind == "front matter":
        return read_markdown(text)
    return read_plain(text)


def _body(split: Split, title: str, standfirst: str) -> list[str]:
    """The body, less paragraphs that repeat the title or standfirst."""
    header = {normalise(t) for t in (title, standfirst) if t}
    return [p for p in split.body if normalise(p) not in header]


def article_from_text(
    raw: str,
    path: Path,
    number: int,
    entry: dict | None = None,
    taken: set[str] | None = None,
) -> Article:
    """An article from its text (its kind told by ``path``'s suffix and its own header);
    ``entry`` (a catalog entry) overrides what the text is found to state."""
    suffix = path.suffix.lower()
    source = read_source(raw, suffix)
    plain = read_markup(source.text, suffix, source.kind)
    header_read = source.states_title or source.title_page
    split = split_article(
        plain.text,
        plain.breaks,
        title_page=not header_read,
        known=(source.title, source.standfirst, source.author),
        titled=(entry or {}).get("title", ""),
    )
    found_title = source.title or split.title
    found_standfirst = source.standfirst if header_read else split.standfirst
    entry = entry or {}
    title = entry.get("title", found_title) or path.stem
    standfirst = entry.get("standfirst", found_standfirst)
    body = _body(split, title, standfirst)
    if not body:
        raise LibraryError(f"{path}: no article text left after removing headers and furniture")
    stated = (found_title or path.stem, found_standfirst)
    own = body if (title, standfirst) == stated else _body(split, *stated)
    when = entry.get("date", "auto")
    article = Article(
        id=entry.get("id") or _slug(title, taken or set()),
        number=number,
        path=path,
        title=title,
        publication=entry.get("publication", source.publication or split.publication),
        author=entry.get("author", source.author or split.author),
        date=(source.date or split.date) if when == "auto" else when,
        standfirst=standfirst,
        dropped=sorted(source.dropped + split.dropped),
        # Declared by the catalog or the source, else detected from the text itself.
        language=(language_code(entry["language"]) if "language" in entry else source.language)
        or language_of("\n".join(body)),
        url=entry.get("url", source.url),
        file_print=fingerprint(own) if own != body else "",
    )
    article.paragraphs = [
        Paragraph(n, text, tuple(sentence_spans(text))) for n, text in enumerate(body, start=1)
    ]
    return article


def ref_payload(ref: str) -> str:
    """A reference as a Telegram start payload (letters, digits, _ and -; up to 64): the
    ``/start`` that opens it in context. ``putin-v-prigozhin ¶7.2`` is ``c_putin-v-prigozhin_7_2``
    (ids have no underscores, so it reads back unambiguously)."""
    m = _REF.match(ref)
    if not m:
        return ""
    parts = ["c", m["id"], m["para"], *(n for n in (m["s1"], m["s2"]) if n)]
    payload = "_".join(parts)
    return payload if len(payload) <= 64 else ""


def payload_ref(payload: str) -> str | None:
    """The reference a start payload made by :func:`ref_payload` names, or None."""
    parts = payload.split("_")
    if len(parts) < 3 or parts[0] != "c" or not all(p.isdigit() for p in parts[2:]):
        return None
    article_id, para, *sentences = parts[1:]
    if len(sentences) > 2:
        return None
    ref = f"{article_id} ¶{para}"
    if sentences:
        ref += "." + "-".join(sentences)
    return ref


def load_library(folder: Path | str) -> Library:
    """Load every article in ``folder``: catalog entries first, in order, then other files.

    Raises :class:`LibraryError` naming the file (and line or key) on the first problem: the
    bot never starts on a half-loaded library.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise LibraryError(f"{folder}: library folder not found")
    catalog = folder / CATALOG_NAME
    entries = _catalog_entries(catalog) if catalog.exists() else []
    listed = {e["file"] for e in entries}
    for index, entry in enumerate(entries, start=1):
        if not (folder / entry["file"]).is_file():
            raise LibraryError(
                f"{catalog}: article #{index}: key 'file' = {entry['file']!r}: file not found"
            )
    others = sorted(
        p.name
        for p in folder.iterdir()
        if p.suffix.lower() in ARTICLE_SUFFIXES and p.name not in listed and p.is_file()
    )
    articles: list[Article] = []
    taken = {e["id"] for e in entries}
    for entry in [*entries, *({"file": name} for name in others)]:
        article = load_article(folder / entry["file"], len(articles) + 1, entry, taken)
        taken.add(article.id)
        articles.append(article)
    if not articles:
        raise LibraryError(
            f"{folder}: no articles (.txt, .md or .muse files) in the library folder"
        )
    return Library(articles, folder)
