"""Real files made at test time: PDFs typeset with fpdf2, EPUBs zipped by hand as the EPUB 3
specification lays them out, Word files written with python-docx.

The PDF typesetter is small but does what books do: justified lines, first lines indented,
words broken across lines with a hyphen, compounds broken at their own hyphen, running heads
and page numbers, footnotes in smaller type at the foot of the page with a raised mark in the
text, and one or two columns. Tests and the benchmark know the text they put in, so they can
check what comes out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FONTS = Path("/usr/share/fonts/truetype/dejavu")


@dataclass
class Book:
    """What goes into a made file: chapters of paragraphs, notes on some paragraphs."""

    title: str
    author: str
    chapters: list[tuple[str, list[str]]]
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (chapter, para) -> note
    date: str = "1913-01-01"
    language: str = "en"
    publisher: str = ""


def pdf(
    book: Book,
    *,
    columns: int = 1,
    running_head: bool = True,
    title_page: bool = True,
    metadata: bool = True,
    width_mm: float = 150,
    break_words: bool = True,
) -> bytes:
    """The book typeset as a PDF (A4, serif, 11 pt text, 8 pt notes)."""
    from fpdf import FPDF

    doc = FPDF(format="A4", unit="pt")
    doc.set_auto_page_break(False)
    unicode = (FONTS / "DejaVuSerif.ttf").exists()
    if unicode:
        doc.add_font("Serif", "", str(FONTS / "DejaVuSerif.ttf"))
        doc.add_font("Serif", "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
        family = "Serif"
    else:  # the core font: Latin-1 only
        family = "Times"
    if metadata:
        doc.set_title(book.title)
        doc.set_author(book.author)
        doc.set_lang(book.language)
    setter = _Setter(doc, family, book, columns, running_head, width_mm * 72 / 25.4, break_words)
    if title_page:
        setter.title_page()
    for number, (heading, paragraphs) in enumerate(book.chapters):
        setter.chapter(number, heading, paragraphs)
    setter.finish_page()
    return bytes(doc.output())


class _Setter:
    """Lines laid out by hand on fpdf2 pages."""

    TEXT, NOTE, LEADING, NOTE_LEADING = 11.0, 8.0, 14.0, 10.0

    def __init__(self, doc, family, book, columns, running_head, width, break_words):  # type: ignore[no-untyped-def]
        self.doc, self.family, self.book = doc, family, book
        self.columns, self.running_head, self.break_words = columns, running_head, break_words
        self.left = (595.0 - width) / 2
        self.gutter = 18.0
        self.column_width = (width - self.gutter * (columns - 1)) / columns
        self.top, self.bottom = 90.0, 770.0
        self.page_notes: list[tuple[str, str]] = []
        self.next_mark = 1
        self.heading = ""
        self.column = 0
        self.y = 0.0
        self.open = False

    def font(self, size: float, style: str = "") -> None:
        self.doc.set_font(self.family, style, size)

    def text(self, x: float, y: float, text: str) -> None:
        if self.family == "Times":
            text = text.encode("latin-1", "replace").decode("latin-1")
        self.doc.text(x, y, text)

    def width(self, text: str) -> float:
        return self.doc.get_string_width(text)

    def new_page(self) -> None:
        self.finish_page()
        self.doc.add_page()
        self.open = True
        self.column, self.y = 0, self.top
        number = self.doc.page_no()
        if self.running_head and number > 1:
            self.font(9)
            head = self.book.title if number % 2 == 0 else self.heading or self.book.author
            self.text(297.5 - self.width(head) / 2, 60, head)

    def finish_page(self) -> None:
        if not self.open:
            return
        number = self.doc.page_no()
        y = self.bottom - self.NOTE_LEADING * sum(1 + len(n) // 90 for _, n in self.page_notes)
        if self.page_notes:
            self.doc.line(self.left, y - 8, self.left + 120, y - 8)
        for mark, note in self.page_notes:
            self.font(self.NOTE)
            for i, line in enumerate(self.wrap(note, self.column_width * self.columns, self.NOTE)):
                self.text(self.left, y, (f"{mark} " if i == 0 else "") + " ".join(line))
                y += self.NOTE_LEADING
        self.page_notes = []
        if number > 1 or not self.running_head:
            self.font(9)
            self.text(297.5 - self.width(str(number)) / 2, 800, str(number))
        self.open = False

    def x(self) -> float:
        return self.left + self.column * (self.column_width + self.gutter)

    def room(self, lines: float) -> bool:
        notes = self.NOTE_LEADING * (sum(1 + len(n) // 90 for _, n in self.page_notes) + 2)
        return self.y + lines * self.LEADING <= self.bottom - notes

    def advance(self) -> None:
        """The next line's place: down the column, then the next column, then a new page."""
        if not self.room(1):
            if self.column + 1 < self.columns:
                self.column, self.y = self.column + 1, self.top
            else:
                self.new_page()

    def title_page(self) -> None:
        self.new_page()
        self.font(24, "B")
        self.text(297.5 - self.width(self.book.title) / 2, 300, self.book.title)
        self.font(14)
        self.text(297.5 - self.width(self.book.author) / 2, 340, self.book.author)
        self.finish_page()

    def chapter(self, number: int, heading: str, paragraphs: list[str]) -> None:
        self.heading = heading
        self.new_page()
        self.font(16, "B")
        self.text(self.left, self.y, heading)
        self.y += self.LEADING * 2.5
        for index, paragraph in enumerate(paragraphs):
            note = self.book.notes.get((number, index))
            self.paragraph(paragraph, note)

    def wrap(self, text: str, width: float, size: float, indent: float = 0) -> list[list[str]]:
        """Words into lines of ``width``; a word that does not fit is broken with a hyphen
        (at its own hyphen if it has one) when at least three letters go on each side."""
        self.font(size)
        lines: list[list[str]] = [[]]
        words = text.split()
        while words:
            word = words.pop(0)
            line = lines[-1]
            room = width - (indent if len(lines) == 1 else 0)
            if self.width(" ".join([*line, word])) <= room:
                line.append(word)
                continue
            cut = self._break(word, room - self.width(" ".join([*line, ""])))
            if cut:
                line.append(cut[0])
                words.insert(0, cut[1])
            elif line:
                words.insert(0, word)
            else:  # nothing fits: the word alone on its line
                line.append(word)
            lines.append([])
        return [line for line in lines if line]

    def _break(self, word: str, room: float) -> tuple[str, str] | None:
        """The word's head for this line (with its hyphen) and the rest, or None."""
        if not self.break_words:
            return None
        if "-" in word[3:-3]:
            cut = word.index("-", 3) + 1
            return (word[:cut], word[cut:]) if self.width(word[:cut]) <= room else None
        if sum(c.isalpha() for c in word) < 7:
            return None
        for cut in range(len(word) - 3, 2, -1):
            rest = word[cut:]
            if word[:cut].isalpha() and rest[:3].isalpha() and self.width(word[:cut] + "-") <= room:
                return word[:cut] + "-", word[cut:]
        return None

    def paragraph(self, text: str, note: str | None) -> None:
        indent = 18.0
        mark = ""
        if note:
            mark = str(self.next_mark)
            self.next_mark += 1
        lines = self.wrap(text, self.column_width, self.TEXT, indent)
        for i, words in enumerate(lines):
            self.advance()
            if i == 0 and not self.open:
                self.new_page()
            x = self.x() + (indent if i == 0 else 0)
            last = i == len(lines) - 1
            self.font(self.TEXT)
            if last or len(words) == 1:
                self.text(x, self.y, " ".join(words))
                end = x + self.width(" ".join(words))
            else:  # justified: the spare width shared between the spaces
                room = self.column_width - (indent if i == 0 else 0)
                spare = (room - self.width("".join(words))) / (len(words) - 1)
                for word in words:
                    self.text(x, self.y, word)
                    x += self.width(word) + spare
                end = x
            if last and mark:
                self.font(self.TEXT * 0.65)
                self.text(end + 0.5, self.y - 4, mark)
                self.page_notes.append((mark, note or ""))
            self.y += self.LEADING


def epub(
    book: Book,
    *,
    nav_in_spine: bool = True,
    cover: bool = True,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The book as an EPUB 3: mimetype first and stored, container.xml, an OPF with Dublin
    Core metadata, a manifest and a spine, one XHTML file a chapter (listed in the manifest in
    reverse order, so only the spine gives the reading order), a navigation document."""
    from html import escape

    items, spine = [], []
    files: dict[str, bytes] = {}
    names = [f"text/ch{n:03}.xhtml" for n in range(len(book.chapters))]
    for number, ((heading, paragraphs), name) in enumerate(zip(book.chapters, names, strict=True)):
        body = [f"<h1>{escape(heading)}</h1>"]
        asides = []
        for index, paragraph in enumerate(paragraphs):
            note = book.notes.get((number, index))
            mark = ""
            if note:
                mark = f'<sup><a epub:type="noteref" href="#n{index}">{index + 1}</a></sup>'
                asides.append(f'<aside epub:type="footnote" id="n{index}"><p>{escape(note)}</p></aside>')  # fmt: skip
            body.append(f"<p>{escape(paragraph)}{mark}</p>")
        files[f"OEBPS/{name}"] = _xhtml(heading, "\n".join(body + asides))
    for n, name in reversed(list(enumerate(names))):
        items.append(f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>')
    spine = [f'<itemref idref="c{n}"/>' for n in range(len(names))]
    nav = "".join(f'<li><a href="{name}">{escape(h)}</a></li>' for (h, _), name in zip(book.chapters, names, strict=True))  # fmt: skip
    files["OEBPS/nav.xhtml"] = _xhtml("Contents", f'<nav epub:type="toc"><h1>Contents</h1><ol>{nav}</ol></nav>')  # fmt: skip
    items.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')  # fmt: skip
    if nav_in_spine:
        spine.insert(0, '<itemref idref="nav" linear="no"/>')
    if cover:
        files["OEBPS/cover.xhtml"] = _xhtml("Cover", '<div><img src="cover.png" alt=""/></div>')
        items.append('<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>')
        spine.insert(0, '<itemref idref="cover"/>')
    publisher = f"<dc:publisher>{escape(book.publisher)}</dc:publisher>" if book.publisher else ""
    files["OEBPS/content.opf"] = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>
    <dc:title>{escape(book.title)}</dc:title>
    <dc:creator>{escape(book.author)}</dc:creator>
    <dc:date>{book.date}</dc:date>
    <dc:language>{book.language}</dc:language>{publisher}
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>{"".join(items)}</manifest>
  <spine>{"".join(spine)}</spine>
</package>""".encode()
    files["META-INF/container.xml"] = b"""<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
    files.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xhtml(title: str, body: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{title}</title><style>p {{ text-indent: 1em }}</style></head>
<body>{body}</body></html>""".encode()


def docx(book: Book, *, bullets: list[str] | None = None) -> bytes:
    """The book as a Word file: a Title paragraph, headings, paragraphs, a bulleted list after
    the first chapter's first paragraph, core properties."""
    import docx as python_docx

    document = python_docx.Document()
    core = document.core_properties
    core.title, core.author = book.title, book.author
    from datetime import datetime

    core.created = datetime.fromisoformat(book.date)
    core.language = book.language
    document.add_paragraph(book.title, style="Title")
    for number, (heading, paragraphs) in enumerate(book.chapters):
        document.add_heading(heading, level=1)
        for index, paragraph in enumerate(paragraphs):
            document.add_paragraph(paragraph)
            if number == 0 and index == 0:
                for item in bullets or []:
                    document.add_paragraph(item, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lines_pdf(
    pages: list[list[str]],
    *,
    head: str = "",
    notes: dict[int, str] | None = None,
    title: str = "",
    password: str = "",
    owner_password: str = "",
) -> bytes:
    """A PDF with exactly these lines on each page (11 pt, ragged right; a line starting with
    two spaces is indented, an empty line is a gap): for the cases a test must be sure of, a
    hyphen at a line's end or a paragraph running on to the next page. ``head`` runs at the
    top of every page, each page is numbered at the foot, ``notes`` puts a footnote in 8 pt
    at the foot of a page with its mark raised after the page's last line."""
    from fpdf import FPDF

    doc = FPDF(format="A4", unit="pt")
    doc.set_auto_page_break(False)
    if title:
        doc.set_title(title)
    if password or owner_password:
        doc.set_encryption(owner_password=owner_password or "owner", user_password=password)
    family = "Times"
    if (FONTS / "DejaVuSerif.ttf").exists():
        doc.add_font("Serif", "", str(FONTS / "DejaVuSerif.ttf"))
        family = "Serif"
    for number, lines in enumerate(pages, start=1):
        doc.add_page()
        if head:
            doc.set_font(family, "", 9)
            doc.text(297.5 - doc.get_string_width(head) / 2, 60, head)
        y = 100.0
        doc.set_font(family, "", 11)
        for line in lines:
            if line:
                x = 85 + (18 if line.startswith("  ") else 0)
                doc.text(x, y, line.strip())
                end = x + doc.get_string_width(line.strip())
            y += 14
        note = (notes or {}).get(number)
        if note:
            doc.set_font(family, "", 7)
            doc.text(end + 0.5, y - 14 - 4, "1")
            doc.set_font(family, "", 8)
            doc.text(85, 760, f"1 {note}")
        doc.set_font(family, "", 9)
        doc.text(295, 800, str(number))
    return bytes(doc.output())
