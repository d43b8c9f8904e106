"""EPUB reading: spine order, package metadata, notes apart, and what is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.formats import Unreadable
from bot.formats.epub import INVALID, read_epub
from tests.formats.make import Book, epub

BOOK = Book(
    "The Conquest of Bread",
    "Peter Kropotkin",
    [
        ("Our Riches", ["The human race has travelled a long way since those remote ages.", "Well-being for all is not a dream."]),
        ("Anarchist Communism", ["Every society which has abolished private property will be forced to organise itself."]),
        ("Expropriation", ["It is told of Rothschild that, seeing his fortune threatened by the Revolution of 1848, he hit upon a stratagem."]),
    ],
    notes={(0, 1): "This is the old watchword of the socialists."},
    date="1892-03-01",
    language="fr",
    publisher="Tresse et Stock",
)  # fmt: skip


def test_chapters_come_in_spine_order_with_the_package_metadata():
    read = read_epub(epub(BOOK))
    assert read.paragraphs == [
        "Our Riches",
        "The human race has travelled a long way since those remote ages.",
        "Well-being for all is not a dream.",
        "Anarchist Communism",
        "Every society which has abolished private property will be forced to organise itself.",
        "Expropriation",
        BOOK.chapters[2][1][0],
    ]  # fmt: skip  (the manifest lists them backwards; the cover and the contents are left out)
    assert read.notes == ["This is the old watchword of the socialists."]
    assert (read.title, read.author, read.date, read.language, read.publication) == (
        "The Conquest of Bread", "Peter Kropotkin", "1892-03-01", "fr", "Tresse et Stock",
    )  # fmt: skip


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_missing_or_broken_container_or_package_file_is_one_clear_refusal():
    good = _members(epub(BOOK))
    no_container = {k: v for k, v in good.items() if k != "META-INF/container.xml"}
    no_package = {k: v for k, v in good.items() if k != "OEBPS/content.opf"}
    broken = {**good, "OEBPS/content.opf": good["OEBPS/content.opf"][:200]}
    elsewhere = {**good, "META-INF/container.xml": b"<container><rootfiles/></container>"}
    for files in (no_container, no_package, broken, elsewhere):
        with pytest.raises(Unreadable) as caught:
            read_epub(_zip(files))
        assert str(caught.value) == INVALID


def test_entities_are_never_expanded_nor_files_read():
    good = _members(epub(BOOK))
    opf = good["OEBPS/content.opf"].decode()
    hostile = opf.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ).replace("The Conquest of Bread", "&x;")
    try:
        read = read_epub(_zip({**good, "OEBPS/content.opf": hostile.encode()}))
    except Unreadable:
        return  # refusing it is as good
    assert "root:" not in read.title


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"mimetype": b"application/epub+zip", "OEBPS/big.xhtml": b"\0" * 60_000_000}, "zip bomb"),
        ({f"f{n}.xhtml": b"" for n in range(5_001)}, "holds 5,001 files"),
    ],
    ids=["ratio", "members"],
)
def test_zip_bombs_are_refused_before_anything_is_inflated(files, reason):
    with pytest.raises(Unreadable) as caught:
        read_epub(_zip(files))
    assert reason in str(caught.value)


def test_a_book_of_pictures_only_is_refused():
    good = _members(epub(Book("Pictures", "Nobody", [("", [])])))
    with pytest.raises(Unreadable) as caught:
        read_epub(_zip(good))
    assert "no text" in str(caught.value)
