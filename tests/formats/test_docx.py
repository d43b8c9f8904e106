"""Word reading: paragraphs, headings and list items in order, core properties, notes."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.formats import Unreadable
from bot.formats.docx import INVALID, read_docx
from tests.formats.make import Book, docx

BOOK = Book(
    "Reform or Revolution",
    "Rosa Luxemburg",
    [
        ("Introduction", ["At first view the title of this work may be found surprising.", "Can the Social-Democracy be against reforms?"]),
        ("The Opportunist Method", ["If it is true that theories are only the images of the phenomena of the exterior world."]),
    ],
    date="1899-04-01",
    language="de",
)  # fmt: skip


def test_paragraphs_headings_and_list_items_each_their_own_with_core_properties():
    read = read_docx(docx(BOOK, bullets=["the trade unions", "social reforms", "democracy"]))
    assert read.paragraphs == [
        "Introduction",
        "At first view the title of this work may be found surprising.",
        "the trade unions",
        "social reforms",
        "democracy",
        "Can the Social-Democracy be against reforms?",
        "The Opportunist Method",
        "If it is true that theories are only the images of the phenomena of the exterior world.",
    ]  # fmt: skip  (the Title paragraph is the title, not the text)
    assert (read.title, read.author, read.date, read.language) == (
        "Reform or Revolution", "Rosa Luxemburg", "1899-04-01", "de",
    )  # fmt: skip
    assert read.date_is_file_date  # when the file was made: a date in the text wins


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    for name, content in change.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_footnotes_are_kept_apart_and_deleted_text_left_out():
    made = docx(BOOK)
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        document = archive.read("word/document.xml").decode()
    document = document.replace(
        "<w:t>Can the Social-Democracy be against reforms?</w:t>",
        "<w:t>Can the Social-Democracy be </w:t></w:r><w:del><w:r><w:delText>never</w:delText></w:r></w:del><w:r><w:t>against reforms?</w:t>",
    )  # fmt: skip
    notes = f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Bernstein, Die Voraussetzungen des Sozialismus.</w:t></w:r></w:p></w:footnote></w:footnotes>'  # fmt: skip
    read = read_docx(_rezip(made, {"word/document.xml": document.encode(), "word/footnotes.xml": notes.encode()}))  # fmt: skip
    assert "Can the Social-Democracy be against reforms?" in read.paragraphs
    assert read.notes == ["1 Bernstein, Die Voraussetzungen des Sozialismus."]


def test_a_word_file_without_its_document_is_refused_and_bombs_too():
    with pytest.raises(Unreadable) as caught:
        read_docx(_rezip(docx(BOOK), {"word/document.xml": None}))
    assert str(caught.value) == INVALID
    with pytest.raises(Unreadable) as caught:
        read_docx(_rezip(docx(BOOK), {"word/document.xml": b"<w:document " + W.encode() + b">" + b" " * 80_000_000}))  # fmt: skip
    assert "zip bomb" in str(caught.value)
