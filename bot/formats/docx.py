"""Word (.docx): paragraphs in order, headings and list items each their own, footnotes and
endnotes apart, title, creator and date from docProps/core.xml.

Read with zipfile and lxml from the Office Open XML parts themselves, checked for zip bombs
like an EPUB: python-docx (MIT) reads the same parts but not footnotes, nor paragraphs inside
content controls, and opens the zip without limits. Text boxes are read once (Word stores a
fallback copy of each), deleted revisions are left out and inserted ones kept.
"""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from bot.formats import Document, Unreadable, iso_date, without_title_page
from bot.formats.zipped import open_zip, parse_xml, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_OFFICE_DOCUMENT = "/officeDocument"
_CORE = "/core-properties"
INVALID = (
    "it is not a valid Word file: its word/document.xml is missing or broken. Save it again "
    "as .docx and send the new copy."
)


def read_docx(data: bytes) -> Document:
    """A Word file's paragraphs, notes and core properties."""
    archive = open_zip(data, "Word")
    names = set(archive.namelist())
    targets = _relationships(archive, names)
    main = targets.get(_OFFICE_DOCUMENT, "word/document.xml")
    try:
        root = parse_xml(read_member(archive, main, "word/document.xml"), "word/document.xml")
    except Unreadable:
        raise Unreadable(INVALID) from None
    body = root.find(f"{W}body")
    if body is None:
        raise Unreadable(INVALID)
    folder = posixpath.dirname(main)
    styles = _styles(archive, names, posixpath.join(folder, "styles.xml"))
    paragraphs: list[str] = []
    title = ""
    for paragraph in _paragraphs(body):
        text = paragraph_text(paragraph)
        if not text:
            continue
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        name = styles.get(style.get(f"{W}val", ""), "") if style is not None else ""
        if name == "title" and not title:
            title = text
        paragraphs.append(text)
    notes: list[str] = []
    for part in ("footnotes.xml", "endnotes.xml"):
        notes += _notes(archive, names, posixpath.join(folder, part))
    if not paragraphs:
        raise Unreadable("it has no text.")
    core = _core(archive, names, targets.get(_CORE, "docProps/core.xml"))
    title = core.get("title") or title
    author = core.get("creator", "")
    return Document(
        without_title_page(paragraphs, title, author),
        notes,
        title=title,
        author=author,
        date=iso_date(core.get("created", "")),
        language=core.get("language", ""),
        date_is_file_date=True,  # when the file was made; a date the text states wins
    )


def _relationships(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """The package's parts by the end of their relationship type (officeDocument, core…)."""
    if "_rels/.rels" not in names:
        return {}
    try:
        rels = parse_xml(read_member(archive, "_rels/.rels", "_rels/.rels"), "_rels/.rels")
    except Unreadable:
        return {}
    found = {}
    for rel in rels.iterfind(f"{_REL}Relationship"):
        kind, target = rel.get("Type") or "", (rel.get("Target") or "").lstrip("/")
        for end in (_OFFICE_DOCUMENT, _CORE):
            if kind.endswith(end) and target in names:
                found[end] = target
    return found


def _paragraphs(body: etree._Element) -> list[etree._Element]:
    """Every paragraph in document order (tables and content controls included), each text
    box once: Word keeps a second, fallback copy of it."""
    found = []
    for paragraph in body.iter(f"{W}p"):
        if any(a.tag == f"{_MC}Fallback" for a in paragraph.iterancestors()):
            continue
        found.append(paragraph)
    return found


def paragraph_text(paragraph: etree._Element) -> str:
    """A paragraph's own text: its runs, tabs and breaks as spaces, deleted text and the text
    of paragraphs nested inside it (text boxes) left out."""
    parts: list[str] = []
    for element in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        owner = next(element.iterancestors(f"{W}p"), None)
        if owner is not paragraph:
            continue
        if any(a.tag == f"{W}del" for a in element.iterancestors()):
            continue
        if element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _optional(
    archive: zipfile.ZipFile, names: set[str], path: str, label: str
) -> etree._Element | None:
    """The root of an optional part (styles, properties), or None if it is missing or damaged:
    the document reads without it."""
    if path not in names:
        return None
    try:
        return parse_xml(read_member(archive, path, label), label)
    except Unreadable:
        return None


def _styles(archive: zipfile.ZipFile, names: set[str], path: str) -> dict[str, str]:
    """Style ids to their names, lower case ("Heading1" -> "heading 1", "Title" -> "title")."""
    root = _optional(archive, names, path, "styles.xml")
    if root is None:
        return {}
    found = {}
    for style in root.iterfind(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None:
            found[style.get(f"{W}styleId", "")] = (name.get(f"{W}val") or "").lower()
    return found


def _notes(archive: zipfile.ZipFile, names: set[str], path: str) -> list[str]:
    """Footnotes or endnotes, numbered in order; separators left out."""
    if path not in names:
        return []
    root = parse_xml(read_member(archive, path, posixpath.basename(path)), posixpath.basename(path))
    found: list[str] = []
    for note in root:
        if note.get(f"{W}type") not in (None, "normal"):
            continue
        text = " ".join(t for p in note.iter(f"{W}p") if (t := paragraph_text(p)))
        if text:
            found.append(f"{len(found) + 1} {text}")
    return found


def _core(archive: zipfile.ZipFile, names: set[str], path: str) -> dict[str, str]:
    """Title, creator, created and language from the core properties."""
    root = _optional(archive, names, path, "docProps/core.xml")
    if root is None:
        return {}
    found = {}
    for tag, key in (
        (f"{_DC}title", "title"), (f"{_DC}creator", "creator"),
        (f"{_DCTERMS}created", "created"), (f"{_DC}language", "language"),
    ):  # fmt: skip
        element = root.find(tag)
        if element is not None and (element.text or "").strip():
            found[key] = " ".join(element.text.split())
    return found
