"""EPUB: the chapters in spine order, the metadata from the package file (OPF).

Read with zipfile and lxml, by the EPUB 3 specification (EPUB 2 files read the same way):
META-INF/container.xml names the package file; its Dublin Core metadata give the title,
creator, date, language and publisher, its spine the reading order. Each content document
(XHTML) gives its block elements as paragraphs (headings and list items too); footnotes
(``epub:type="footnote"`` or ARIA ``doc-footnote`` asides and note lists) are kept apart, and
note references taken out of the text. Items the spine marks ``linear="no"`` and the
navigation document are not part of the text. ebooklib would do this too but is AGPL-licensed,
which would put the whole bot under the AGPL.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

import lxml.html
from lxml import etree

from bot.formats import Document, Unreadable, iso_date, without_title_page
from bot.formats.zipped import open_zip, parse_xml, read_member

INVALID = (
    "it is not a valid EPUB: its META-INF/container.xml or its package file (OPF) is missing "
    "or broken. Convert it again (for example with Calibre) and send the new copy."
)
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_HTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}

BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
    "figcaption", "caption", "td", "th", "div", "section", "article", "header", "footer",
    "aside", "ol", "ul", "dl", "table", "tr", "tbody", "thead", "figure", "main", "body",
    "hr", "address", "center",
}  # fmt: skip
_SKIP = {"script", "style", "head", "nav", "svg", "math", "noscript", "template", "img"}
_NOTE_TYPES = {"footnote", "endnote", "rearnote", "note", "footnotes", "endnotes", "rearnotes"}
_NOTE_ROLES = {"doc-footnote", "doc-endnote", "doc-endnotes", "doc-footnotes"}


def read_epub(data: bytes) -> Document:
    """An EPUB's chapters as paragraphs, its notes apart, its package file's metadata."""
    archive = open_zip(data, "EPUB")
    try:
        container = parse_xml(
            read_member(archive, "META-INF/container.xml", "META-INF/container.xml"),
            "META-INF/container.xml",
        )
        rootfile = container.find(f".//{_CONTAINER}rootfile")
        path = rootfile.get("full-path", "") if rootfile is not None else ""
        if not path:
            raise Unreadable(INVALID)
        package = parse_xml(read_member(archive, path, "the package file"), "the package file")
    except Unreadable:
        raise Unreadable(INVALID) from None
    if package.tag != f"{_OPF}package":
        raise Unreadable(INVALID)
    metadata = package.find(f"{_OPF}metadata")
    manifest = {
        item.get("id"): item
        for item in package.iterfind(f"{_OPF}manifest/{_OPF}item")
        if item.get("id") and item.get("href")
    }
    spine = package.find(f"{_OPF}spine")
    if spine is None:
        raise Unreadable(INVALID)
    base = posixpath.dirname(path)
    paragraphs: list[str] = []
    notes: list[str] = []
    for ref in spine.iterfind(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None or ref.get("linear") == "no":
            continue
        if "nav" in (item.get("properties") or "").split():
            continue
        if item.get("media-type") not in _HTML_TYPES:
            continue
        name = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        chapter = read_member(archive, name, f"the chapter {name}")
        blocks, found = content_blocks(chapter)
        paragraphs += blocks
        notes += found
    if not paragraphs:
        raise Unreadable("it has no text in its chapters (only pictures, or nothing at all).")
    title, author = _dc(metadata, "title"), _creator(metadata)
    return Document(
        without_title_page(paragraphs, title, author),
        notes,
        title=title,
        author=author,
        date=iso_date(_dc(metadata, "date")),
        publication=_dc(metadata, "publisher"),
        language=_dc(metadata, "language"),
    )


def _dc(metadata: etree._Element | None, name: str) -> str:
    if metadata is None:
        return ""
    for element in metadata.iterfind(f"{_DC}{name}"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return ""


def _creator(metadata: etree._Element | None) -> str:
    """The authors: creators with the role "aut" (EPUB 2 attribute or EPUB 3 refinement), or
    every creator when none says its role."""
    if metadata is None:
        return ""
    roles = {
        (meta.get("refines") or "").lstrip("#"): (meta.text or "").strip()
        for meta in metadata.iterfind(f"{_OPF}meta")
        if meta.get("property") == "role"
    }
    creators = []
    for element in metadata.iterfind(f"{_DC}creator"):
        name = " ".join("".join(element.itertext()).split())
        role = element.get(f"{_OPF}role") or roles.get(element.get("id") or "", "")
        if name:
            creators.append((name, role))
    authors = [n for n, r in creators if r == "aut"] or [n for n, r in creators if not r]
    return " and ".join(authors or [n for n, _ in creators][:1])


def _kind(element: etree._Element) -> str:
    """The note-ness of an element: "note", "ref" (a note reference) or ""."""
    types = set()
    for key, value in element.attrib.items():
        if key.endswith("type") and ("epub" in key or key == "type"):
            types.update(value.split())
        if key == "role":
            types.update(value.split())
    if types & (_NOTE_TYPES | _NOTE_ROLES):
        return "note"
    if types & {"noteref", "doc-noteref"}:
        return "ref"
    return ""


def content_blocks(data: bytes) -> tuple[list[str], list[str]]:
    """A content document's paragraphs and notes, in document order."""
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return [], []
    body = root.find(".//body")
    if body is None:
        return [], []
    paragraphs: list[str] = []
    notes: list[str] = []
    _walk(body, paragraphs, notes)
    return paragraphs, notes


def _local(element: etree._Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _walk(element: etree._Element, out: list[str], notes: list[str]) -> None:
    """Block elements with no blocks inside become paragraphs; text loose between blocks is
    a paragraph of its own."""
    loose: list[str] = [element.text or ""]
    for child in element:
        tag = _local(child)
        if not tag or tag in _SKIP:
            loose.append(child.tail or "")
            continue
        kind = _kind(child)
        if kind == "note":
            for text in _texts(child):
                notes.append(text)
        elif kind == "ref" or _is_mark(child):
            pass
        elif tag in BLOCKS:
            _flush(loose, out)
            loose = []
            if _has_blocks(child):
                _walk(child, out, notes)
            else:
                _flush([_inline(child)], out)
        else:
            loose.append(_inline(child))
        loose.append(child.tail or "")
    _flush(loose, out)


def _texts(element: etree._Element) -> list[str]:
    found: list[str] = []
    _walk(element, found, found)
    return found


def _has_blocks(element: etree._Element) -> bool:
    return any(_local(e) in BLOCKS or _kind(e) == "note" for e in element.iterdescendants())


def _is_mark(element: etree._Element) -> bool:
    """A superscript holding a note's number (or a link to a note)."""
    if _local(element) not in {"sup", "a"}:
        return False
    text = "".join(element.itertext()).strip()
    href = element.get("href") or "".join(a.get("href") or "" for a in element.iter("a"))
    if _local(element) == "a" and not href.startswith("#"):
        return False
    return bool(re.fullmatch(r"[\[(]?(?:\d{1,4}|[*†‡§¶]{1,3}|[ivxlc]{1,6})[\])]?", text))


def _inline(element: etree._Element) -> str:
    """The text of an inline element, note marks and hidden parts left out."""
    parts = [element.text or ""]
    for child in element:
        tag = _local(child)
        if tag in _SKIP or _kind(child) or _is_mark(child):
            pass
        elif tag == "br":
            parts.append(" ")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _flush(parts: list[str], out: list[str]) -> None:
    text = " ".join("".join(parts).split())
    if text:
        out.append(text)
