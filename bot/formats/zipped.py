"""Zip containers (EPUB, DOCX) opened with care: a file that would inflate to far more than it
weighs, or holds thousands of members, is refused before anything is inflated; XML is parsed
without fetching or expanding anything it declares."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from bot.formats import Unreadable

MAX_MEMBERS = 5_000  # a 100-chapter EPUB has a few hundred (chapters, pictures, fonts)
MAX_TOTAL = 200_000_000  # bytes once inflated, all members together
MAX_MEMBER = 50_000_000  # bytes once inflated, one member read as text
MAX_RATIO = 100  # inflated size to compressed size; text compresses 5 to 20 times

BOMB = "it would inflate to {size} MB: that is a zip bomb, not a book, and I refuse it."


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, checked: members, total size and compression ratios within bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise Unreadable(f"it is not a valid {kind} file (the zip inside is damaged).") from None
    if len(members) > MAX_MEMBERS:
        raise Unreadable(f"it holds {len(members):,} files; a {kind} has far fewer. I refuse it.")
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL:
        raise Unreadable(BOMB.format(size=f"{total / 1e6:,.0f}"))
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise Unreadable(BOMB.format(size=f"{total / 1e6:,.0f}"))
    return archive


def read_member(archive: zipfile.ZipFile, name: str, what: str) -> bytes:
    """One member's bytes, never more than MAX_MEMBER whatever its header says."""
    try:
        with archive.open(name) as member:
            data = member.read(MAX_MEMBER + 1)
    except KeyError:
        raise Unreadable(f"{what} is missing from it.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise Unreadable(f"{what} in it is damaged.") from None
    except NotImplementedError:  # an unknown compression method
        raise Unreadable(f"{what} in it is compressed in a way I cannot read.") from None
    if len(data) > MAX_MEMBER:
        raise Unreadable(BOMB.format(size=f"more than {MAX_MEMBER / 1e6:.0f}"))
    return data


# No DTDs loaded, no entities expanded, no network: XML as data, never as instructions.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def parse_xml(data: bytes, what: str) -> etree._Element:
    """A member parsed as XML, or a refusal saying which part is not valid."""
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise Unreadable(f"{what} in it is not valid XML.") from None
    if root is None:
        raise Unreadable(f"{what} in it is empty.")
    return root
