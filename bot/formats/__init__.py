"""Books and documents in the formats reading groups bring: PDF, EPUB and Word (.docx).

Each reader turns a file's bytes into a :class:`Document`: the body as clean paragraphs in
reading order (headings and list items are paragraphs of their own), the notes kept apart from
the body, and the metadata the file itself states. A file that cannot be read raises
:class:`Unreadable` with a message a member understands; the caller names the file. No Telegram
imports, and nothing here touches the library: the caller decides what to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class Unreadable(Exception):
    """The file cannot be read; the message says why and what to do, without the file's name."""


@dataclass(frozen=True)
class Document:
    """What a file says: paragraphs, notes, and the metadata it states ("" where it states none)."""

    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)
    title: str = ""
    author: str = ""
    date: str = ""  # as the file states it, ISO 8601 when it can be read as a date
    publication: str = ""
    language: str = ""  # a language tag such as "en" or "de-AT", as the file declares it
    # The date only says when the file was made (a PDF's creation date), not when the text was
    # published: a date stated in the text wins over it.
    date_is_file_date: bool = False

    def text(self) -> str:
        """The document as plain text: paragraphs separated by blank lines, the notes last under
        their own heading, so a note is never glued into the paragraph that cites it."""
        blocks = list(self.paragraphs)
        if self.notes:
            blocks += ["Notes", *self.notes]
        return "\n\n".join(blocks)


def without_title_page(paragraphs: list[str], *stated: str) -> list[str]:
    """The paragraphs without the first ones that only repeat the title or author the
    metadata states: a title page, not the text."""
    said = {" ".join(s.casefold().split()) for s in stated if s}
    said |= {f"by {s}" for s in said}
    start = 0
    while (
        start < min(len(paragraphs) - 1, 4)
        and " ".join(paragraphs[start].casefold().split()) in said
    ):
        start += 1
    return paragraphs[start:]


def iso_date(text: str) -> str:
    """The leading ISO date of a metadata value ("2021-03-05T10:00:00Z", "2021"), or ""."""
    m = re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", text or "")
    if not m or not 1000 <= int(m[1]) <= 2999:
        return ""
    return "-".join(part for part in m.groups() if part)
