"""Where a text comes from, read from its own header: Project Gutenberg, front matter, Muse.

Each of these wraps the work in a header of its own, and left in, the header became the work:
"The Project Gutenberg eBook of The Conquest of Bread, by Peter Kropotkin" as the title, the
licence in the summary, YAML front matter as the title, ``#title``/``#author`` directives as
paragraph 1. :func:`read_source` recognises

- **Project Gutenberg** e-books: the header up to "*** START OF THE (or THIS) PROJECT
  GUTENBERG EBOOK …" (or the older "*END*THE SMALL PRINT!"), and from "*** END OF …" or "End of
  the Project Gutenberg EBook …" on (the licence); title, author, release date and language from
  its ``Title:``, ``Author:``, ``Release Date:`` and ``Language:`` lines;
- **front matter**: YAML between ``---`` lines, or TOML between ``+++`` lines, at the top of a
  Markdown file (title, subtitle, author, date, lang/language, source/url, publisher);
- **Muse** files, as The Anarchist Library publishes them: ``#title``, ``#subtitle``,
  ``#author``, ``#date``, ``#source``, ``#lang`` (and the other ``#`` directives) at the top;

and, in plain-text books such as Gutenberg's and Distributed Proofreaders', transcriber's
notes, ``[Illustration: …]`` markers, the title page and the table of contents. What it
recognises is blanked out line by line (line numbers stay those of the file) and listed as
dropped; the metadata it states is kept. Nothing here is guessed: a field the header does not
state stays empty, for the furniture reader to find in the text or leave empty.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.dates import parse_stated_date
from bot.furniture import parse_byline
from bot.language import declared_language
from bot.markup import read_muse, strip_emphasis
from bot.text import fold, normalise, word_count


def language_code(value: str) -> str:
    """The ISO 639-1 code a header's language means ("English", "en-GB", "Deutsch"; the first
    of "English, French"), or "" (see :func:`bot.language.declared_language`)."""
    first = re.split(r"\s*[,;/]\s*|\s+and\s+", value.strip().strip("\"'"))[0]
    return declared_language(first) or ""


@dataclass
class Source:
    """A text with its source's header and boilerplate blanked out, and what the header said."""

    text: str
    kind: str = ""  # "gutenberg", "front matter", "muse", or "" when there is no such header
    title: str = ""
    standfirst: str = ""  # a subtitle
    author: str = ""
    publication: str = ""
    date: date | None = None
    language: str = ""  # ISO 639-1, as the source declares it
    url: str = ""
    title_page: bool = False  # a book's title page was read: the body starts after it
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (line no, kind, text)

    @property
    def states_title(self) -> bool:
        """The source stated the title itself, so the text's first lines are not read as
        masthead, title and standfirst."""
        return bool(self.title)


def read_source(raw: str, suffix: str = "") -> Source:
    """Recognise a text's source by its own header; see the module's docstring."""
    lines = raw.splitlines()
    source = Source(text="")
    if _front_matter(lines, source) or _muse_header(lines, source, suffix.lower() == ".muse"):
        pass
    else:
        _gutenberg(lines, source)
        _book(lines, source)
    source.text = "\n".join(lines)
    return source


def _blank(lines: list[str], start: int, end: int, kind: str, source: Source) -> None:
    """Blank lines ``start``..``end - 1`` (0-based) and note them as dropped, once."""
    text = next((line.strip() for line in lines[start:end] if line.strip()), "")
    if text:
        source.dropped.append((start + 1, kind, text))
    for i in range(start, end):
        lines[i] = ""


def _blocks(lines: list[str], start: int = 0) -> list[tuple[int, int, str]]:
    """(first line, line after the last, text) of each run of non-blank lines from ``start``."""
    blocks: list[tuple[int, int, str]] = []
    i = start
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        blocks.append((i, j, " ".join(line.strip() for line in lines[i:j])))
        i = j
    return blocks


# --- front matter ----------------------------------------------------------------------------

_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s+(?P<value>.*?))?\s*$")
_YAML_ITEM = re.compile(r"^\s*-\s+(?P<value>.*?)\s*$")
_URL = re.compile(r"https?://[^\s\]\[<>\"']+")


def _scalar(value: str) -> object:
    """A YAML scalar or flow list as written in front matter."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [_scalar(v) for v in re.split(r"\s*,\s*", value[1:-1]) if v.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return re.sub(r"\s+#.*$", "", value)


def _yaml(lines: list[str]) -> dict[str, object]:
    """The top-level keys of simple YAML front matter: scalars, lists, folded continuations
    and one level of nested keys (``author: {name: …}``); enough for metadata, no dependency."""
    data: dict[str, object] = {}
    key = ""
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _YAML_KEY.match(line)
        if top and not line[0].isspace():
            key = top["key"].casefold()
            value = top["value"] or ""
            data[key] = "" if value in ("|", ">", "|-", ">-", "|+", ">+") else _scalar(value)
            continue
        if not key:
            continue
        item = _YAML_ITEM.match(line)
        nested = _YAML_KEY.match(line.strip())
        current = data.get(key)
        if item:
            data[key] = [*(current if isinstance(current, list) else []), _scalar(item["value"])]
        elif nested and (current in ("", None) or isinstance(current, dict)):
            mapping = current if isinstance(current, dict) else {}
            mapping[nested["key"].casefold()] = _scalar(nested["value"] or "")
            data[key] = mapping
        elif isinstance(current, str):
            data[key] = f"{current} {line.strip()}".strip()
    return data


def _text(value: object) -> str:
    """A front-matter value as text: a list's items joined, a mapping's name."""
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        return _text(value.get("name", ""))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _first(data: dict[str, object], *keys: str) -> str:
    return next((t for key in keys if (t := _text(data.get(key, "")))), "")


def _front_matter(lines: list[str], source: Source) -> bool:
    if not lines or lines[0].strip() not in ("---", "+++"):
        return False
    fence = lines[0].strip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, min(len(lines), 300)) if lines[i].strip() in closers), None)
    if end is None:
        return False
    inside = lines[1:end]
    if fence == "+++":
        try:
            data = {k.casefold(): v for k, v in tomllib.loads("\n".join(inside)).items()}
        except tomllib.TOMLDecodeError:
            return False
    else:
        first = next((line for line in inside if line.strip()), "")
        if not _YAML_KEY.match(first):
            return False  # a rule above a text, not front matter
        data = _yaml(inside)
    source.kind = "front matter"
    source.title = _first(data, "title")
    source.standfirst = _first(data, "subtitle")
    source.author = _first(data, "author", "authors", "creator", "by")
    when = _first(data, "date", "published", "pubdate", "publishdate", "publication_date")
    source.date = parse_stated_date(when) if when else None
    source.language = language_code(_first(data, "lang", "language", "locale", "inlanguage"))
    urls = ("url", "canonical_url", "canonical", "source_url", "original_url", "link", "source")
    for key in urls:
        m = _URL.match(_text(data.get(key, "")))
        if m:
            source.url = m[0]
            break
    source.publication = _first(
        data, "publication", "publisher", "site_name", "sitename", "site", "journal",
        "newspaper", "magazine", "periodical",
    )  # fmt: skip
    stated_source = _first(data, "source")
    if not source.publication and stated_source and not _URL.match(stated_source):
        source.publication = stated_source
    _blank(lines, 0, end + 1, "front matter", source)
    return True


# --- Muse ------------------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"^#(?P<key>[A-Za-z][A-Za-z0-9_]*)(?:[ \t]+(?P<value>.*?))?\s*$")
_JOINED = re.compile(r"\s+(?=#[A-Za-z][A-Za-z0-9_]*\s)")


def _muse_value(value: str) -> str:
    return " ".join(read_muse(value).text.split())


def _muse_header(lines: list[str], source: Source, is_muse: bool) -> bool:
    directives: list[tuple[int, str, str]] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            if directives and i + 1 < len(lines) and _DIRECTIVE.match(lines[i + 1].strip()):
                i += 1
                continue
            break
        parts = _JOINED.split(line) if line.startswith("#") else [line]
        matches = [_DIRECTIVE.match(part) for part in parts]
        if not all(matches):
            break
        directives += [(i, m["key"], m["value"] or "") for m in matches if m]
        i += 1
    keys = [key.casefold() for _, key, _ in directives]
    if not directives or not (is_muse or ("title" in keys and len(keys) > 1)):
        return False
    source.kind = "muse"
    values: dict[str, str] = {}
    for _, key, value in directives:
        values.setdefault(key.casefold(), value)
    source.title = _muse_value(values.get("title", ""))
    source.standfirst = _muse_value(values.get("subtitle", ""))
    source.author = _muse_value(values.get("author", ""))
    source.date = parse_stated_date(_muse_value(values.get("date", "")))
    source.language = language_code(values.get("lang", ""))
    m = _URL.search(values.get("source", ""))
    source.url = m[0] if m else ""
    for number in sorted({n for n, _, _ in directives}):
        _blank(lines, number, number + 1, "header", source)
    return True


# --- Project Gutenberg -----------------------------------------------------------------------

_PG_START = re.compile(
    r"^\W*\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG|^\W*\*END\*?\s*THE SMALL PRINT",
    re.IGNORECASE,
)
_PG_END = re.compile(
    r"^\W*\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG"
    r"|^\s*End\s+of\s+(?:the\s+|this\s+)?Project\s+Gutenberg",
    re.IGNORECASE,
)
_PG_FIRST_LINE = re.compile(
    r"^\W*(?:The\s+)?Project\s+Gutenberg(?:'s|\u2019s)?\s+(?:e-?book|e-?text|etext)?\s*(?:of\s+)?"
    r"(?P<title>.+?)(?:,\s+by\s+(?P<author>.+?))?\s*$",
    re.IGNORECASE,
)
_PG_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(?P<value>.*?)\s*$")
_PG_CREDITS = re.compile(
    r"^\s*(?:Produced\s+by|E-?text\s+prepared\s+by|Prepared\s+by|Transcribed\s+(?:from|by)"
    r"|This\s+e-?(?:text|book)\s+was\s+(?:produced|prepared)|Scanned\s+by|Credits\s*:)",
    re.IGNORECASE,
)


def _join_lines(first: str, more: list[str]) -> str:
    """A header value and its indented continuation lines (a subtitle, a second author)."""
    value = first
    for line in more:
        value += (" " if re.search(r"[,;:\u2014-]$", value) else ": ") + line.strip()
    return value


def _gutenberg(lines: list[str], source: Source) -> None:
    start = next((i for i, line in enumerate(lines) if _PG_START.match(line)), None)
    after = start + 1 if start is not None else 0
    end = next((i for i in range(after, len(lines)) if _PG_END.match(lines[i])), None)
    if start is None and end is None:
        return
    source.kind = "gutenberg"
    source.publication = "Project Gutenberg"
    fields: dict[str, str] = {}
    header = lines[: start if start is not None else 0]
    for i, line in enumerate(header):
        m = _PG_FIELD.match(line)
        if not m or line[:1].isspace():
            continue
        more = []
        for nxt in header[i + 1 :]:
            if not nxt.strip() or not nxt[:1].isspace():
                break
            more.append(nxt)
        fields.setdefault(m["key"].casefold(), _join_lines(m["value"], more))
    first = _PG_FIRST_LINE.match(next((line for line in header if line.strip()), ""))
    source.title = fields.get("title") or (first["title"] if first else "")
    source.author = fields.get("author") or (first["author"] or "" if first else "")
    for key in ("release date", "posting date"):
        when = re.sub(r"\[[^\]]*\]", "", fields.get(key, ""))
        source.date = parse_stated_date(when) if when.strip() else None
        if source.date:
            break
    source.language = language_code(fields.get("language", ""))
    if end is not None:
        _blank(lines, end, len(lines), "Project Gutenberg licence", source)
    if start is not None:
        _blank(lines, 0, start + 1, "Project Gutenberg header", source)
        for first_line, last_line, text in _blocks(lines, start + 1)[:3]:
            if _PG_CREDITS.match(text):
                _blank(lines, first_line, last_line, "credits line", source)


# --- books in plain text: transcriber's notes, illustrations, title page, contents ------------

_TRANSCRIBER = re.compile(r"^\W*transcriber['\u2019]?s['\u2019]?\s+notes?\b", re.IGNORECASE)
_NOTE_LINE = re.compile(
    r"^(?:\(?p(?:g|age)?\.?\s*\d|\d+[.:,]|[\"'\u2018\u201c]|\.\.\.)|\breplaced by\b|\bchanged to\b"
    r"|\bcorrected\b",
    re.IGNORECASE,
)
_ILLUSTRATION = re.compile(r"^\s*\[(?:illustration|image|picture|frontispiece)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"""[.!?\u2026:;]['"\u2019\u201d)\]]*$""")
_BY_INLINE = re.compile(r"\s(?:BY|By|by)\s+\S")
_EDITION = re.compile(
    r"\b(?:edition|price|pence|penny|shillings?|published|publishers?|printed|reprinted|"
    r"booksellers?|limited|ltd|press)\b|\b1[5-9]\d\d\b",
    re.IGNORECASE,
)
_BY_ALONE = re.compile(r"^(?:by|von|par|por|di|de|автор)\.?:?$", re.IGNORECASE)
_TITLE_PAGE_END = re.compile(
    r"^(?:preface|introduction|introductory|contents|table of contents|chapter|chap\.|foreword|"
    r"prologue|prolegomena|part|book|volume|dedication|translator|editor|author's|note|notes|"
    r"appendix|vorwort|einleitung|inhalt|kapitel|erstes kapitel|preface|avant-propos|"
    r"table des matieres|chapitre|prologo|introduccion|indice|capitulo|prefazione|introduzione|"
    r"capitolo|предисловие|введение|оглавление|содержание|глава)\b"
    r"|^[ivxlc]+\.?$",
)
_CONTENTS = re.compile(
    r"^(?:table of )?contents\.?$|^inhalt(?:sverzeichnis)?\.?$|^table des matieres\.?$"
    r"|^indice\.?$|^оглавление\.?$|^содержание\.?$",
)
_PAGE_NUMBER = re.compile(r"(?:\s|^)(?:\d{1,4}|[ivxlc]{1,7})\.?$", re.IGNORECASE)
_EQUALS = re.compile(r"(?<![=\w])=(?=\S)([^=\n]+?)(?<=\S)=(?![=\w])")
_SMALL_WORDS = frozenset("a an the and or of in on to for with by at from as nor but".split())


def _prose(text: str) -> bool:
    return word_count(text) >= 12 and bool(_TERMINAL.search(text))


def _page_prose(text: str) -> bool:
    """Prose, as a title page has none: a sentence of 16 words or more. ("Author of "Fields,
    Factories, and Workshops" "The Memoirs of a Revolutionist," Etc." is the title page's.)"""
    return word_count(text) >= 16 and bool(_TERMINAL.search(text))


def _book(lines: list[str], source: Source) -> None:
    """Transcriber's notes and illustrations out of any plain text; the title page and the
    contents out of a book. A book is Gutenberg's, or one made the way Project Gutenberg and
    Distributed Proofreaders make them (a transcriber's note, [Illustration] markers, a
    "Produced by" line), even with Gutenberg's header gone, as in ../shared/corpus."""
    illustrated = False
    for i, line in enumerate(lines):
        if _ILLUSTRATION.match(line):
            depth, j = 0, i
            while j < len(lines):
                depth += lines[j].count("[") - lines[j].count("]")
                if depth <= 0:
                    break
                j += 1
            _blank(lines, i, min(j + 1, len(lines)), "illustration", source)
            illustrated = True
    credited = False
    if source.kind != "gutenberg":  # (Gutenberg's own are read with its header)
        for first, last, text in _blocks(lines)[:3]:
            if _PG_CREDITS.match(text):
                _blank(lines, first, last, "credits line", source)
                credited = True
    noted = _transcriber_notes(lines, source)
    if source.kind != "gutenberg" and not (noted or illustrated or credited):
        return
    notes = " ".join(t for _, kind, t in source.dropped if kind == "transcriber's note")
    lines[:] = strip_emphasis("\n".join(lines)).split("\n")  # _italics_, Gutenberg's way
    if "equal sign" in notes.casefold():
        lines[:] = [_EQUALS.sub(r"\1", line) for line in lines]  # =bold=, as the note says
    _title_page(lines, source)
    _contents(lines, source)


def _transcriber_notes(lines: list[str], source: Source) -> bool:
    """Blank the transcriber's notes; True when there was one (a book made for Project
    Gutenberg or Distributed Proofreaders, even with Gutenberg's header gone)."""
    blocks = _blocks(lines)
    found = False
    for index, (first, last, text) in enumerate(blocks):
        if not _TRANSCRIBER.match(text) or not lines[first].strip():
            continue
        if text.lstrip().startswith("[") or word_count(text) > 6:
            # "[Transcriber's note: …]" or a note in one paragraph.
            close = first
            if text.lstrip().startswith("["):
                depth = 0
                for close in range(first, len(lines)):
                    depth += lines[close].count("[") - lines[close].count("]")
                    if depth <= 0:
                        break
            _blank(lines, first, max(last, close + 1), "transcriber's note", source)
            found = True
            continue
        stop = last
        if index >= len(blocks) * 0.85:
            stop = len(lines)  # the notes at the end of a book run to its end
        else:
            for _, nlast, ntext in blocks[index + 1 :]:
                if not (_TERMINAL.search(ntext) or _NOTE_LINE.search(ntext)):
                    break
                stop = nlast
        _blank(lines, first, stop, "transcriber's note", source)
        found = True
    return found


def _titlecase(text: str) -> str:
    """An all-capitals title page line as a reader writes it: MEMOIRS OF A REVOLUTIONIST →
    Memoirs of a Revolutionist (the same words, only their case)."""
    if not text.isupper():
        return text
    words = text.split()
    out = []
    for i, word in enumerate(words):
        lower = word.casefold()
        if i > 0 and lower in _SMALL_WORDS:
            out.append(lower)
        else:
            out.append("-".join(part[:1].upper() + part[1:].casefold() for part in word.split("-")))
    return " ".join(out)


def _title_page(lines: list[str], source: Source) -> None:
    """The blocks above the book's first heading or prose: its title page, read for title and
    author when the header stated none, and left out of the text."""
    page: list[tuple[int, int, str]] = []
    for block in _blocks(lines)[:15]:
        text = strip_emphasis(block[2])
        if _page_prose(text) or word_count(text) > 30 or _TITLE_PAGE_END.match(fold(text)):
            break
        page.append((block[0], block[1], text))
    if not page:
        return
    source.title_page = True
    title_parts: list[str] = []
    title_done = False
    author = ""
    for n, (_, _, text) in enumerate(page):
        if _BY_ALONE.match(text):
            author = page[n + 1][2] if n + 1 < len(page) else ""
            break
        byline = parse_byline(text)
        inline = _BY_INLINE.search(text)
        if not byline and inline and len(text[: inline.start()].split()) >= 2:
            byline = parse_byline(text[inline.start() :].strip())  # "An Address … BY P. K."
        if byline:
            author = byline[0]
            break
        if title_done:
            continue
        if not title_parts:
            if not _EDITION.search(text):  # "New Edition (enlarged) TWO PENCE" comes first
                title_parts.append(text)
        elif normalise(text) == normalise(title_parts[-1]):
            continue  # the half-title, then the title
        elif _continues(title_parts[-1], text):
            title_parts.append(text)
        else:
            title_done = True  # a subtitle, an edition line: the title is complete
    if not source.title and title_parts:
        source.title = _titlecase(" ".join(title_parts))
    if not source.author and author:
        source.author = _titlecase(author.strip(" .,"))
    _blank(lines, page[0][0], page[-1][1], "title page", source)


def _continues(previous: str, text: str) -> bool:
    """Whether a title page line carries on the title above it ("Fields, Factories" / "and" /
    "Workshops") rather than starting a subtitle or an edition line."""
    if text.upper() in ("OR", "OR,"):
        return False
    last = previous.split()[-1].casefold() if previous.split() else ""
    first = text.split()[0].casefold() if text.split() else ""
    return (
        previous.rstrip().endswith(",")
        or last in _SMALL_WORDS
        or (first in _SMALL_WORDS and len(text.split()) <= 2)
    )


def _contents(lines: list[str], source: Source) -> None:
    """A table of contents near the top of a book: its heading and its entries, each ending in
    a page number (or a chapter's synopsis under one)."""
    blocks = _blocks(lines)
    for index, (first, _, text) in enumerate(blocks[:80]):
        if not _CONTENTS.match(fold(text)):
            continue
        stop = blocks[index][1]
        numbered = False
        for _, nlast, ntext in blocks[index + 1 :]:
            words = word_count(ntext)
            if re.fullmatch(r"(?:chap(?:ter|\.)?\s+)?page\.?", ntext, re.IGNORECASE):
                stop = nlast
            elif words <= 40 and _PAGE_NUMBER.search(ntext) and not _prose(ntext):
                stop, numbered = nlast, True
            elif numbered and words <= 80 and re.search(r"--|\u2014", ntext):
                stop = nlast  # a chapter's synopsis, under its numbered line
            else:
                break
        if numbered:
            _blank(lines, first, stop, "table of contents", source)
        return
