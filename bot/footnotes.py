"""Footnotes: their marks out of the prose, their text in paragraphs of its own.

A reference mark (``[^1]`` in Markdown, ``[1]`` in Muse and in Project Gutenberg's plain text)
is not the author's wording: left in, it reaches quotes ("the war of 1870.[2]") and breaks a
member's match. A footnote's own text is kept, but apart: each definition starts a paragraph
of its own, labelled ``[1]``, instead of being glued to the paragraph above it.
"""

from __future__ import annotations

import re
from typing import Literal

Style = Literal["markdown", "muse", "plain"]

_MD_DEFINITION = re.compile(r"^[ ]{0,3}\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
_MD_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
# Muse: [1] at the start of a line defines footnote 1, anywhere else it refers to it; {1} is a
# secondary footnote.
_MUSE_DEFINITION = re.compile(r"^(?P<mark>\[(?P<label>\d{1,4})\]|\{(?P<second>\d{1,4})\})\s+\S")
_MUSE_REFERENCE = re.compile(r"(?<=\S)\s?(?:\[\d{1,4}\]|\{\d{1,4}\})")
# Plain text (Project Gutenberg and the like): "[12] The text of the note." or
# "[Footnote 12: The text of the note.]" at the start of a line.
_PLAIN_DEFINITION = re.compile(
    r"^\s*(?:\[(?P<label>\d{1,4}|[A-Z*\u2020\u2021])\]\s+\S|\[Footnote (?P<long>\d{1,4}|[A-Z]):)"
)


_NOTE = re.compile(r"^\[(?:\d{1,4}|[A-Z*\u2020\u2021])\]\s|^\[Footnote (?:\d{1,4}|[A-Z]):")


def is_note(paragraph: str) -> bool:
    """Whether a paragraph is a footnote (``[1] …``), for what should not pick one as the
    article's own argument (a summary's sentences, a reading's prompt)."""
    return bool(_NOTE.match(paragraph))


def strip_notes(lines: list[str], style: Style) -> tuple[list[str], set[int]]:
    """The lines with reference marks taken out and definitions labelled ``[n]``, and the
    numbers (1-based) of the lines where a definition starts, each a paragraph of its own."""
    out = list(lines)
    starts: set[int] = set()
    if style == "markdown":
        for i, line in enumerate(out):
            m = _MD_DEFINITION.match(line)
            if m:
                out[i] = f"[{m['label']}] {m['text']}"
                starts.add(i + 1)
            else:
                out[i] = _MD_REFERENCE.sub("", line)
        return out, starts
    if style == "muse":
        for i, line in enumerate(out):
            m = _MUSE_DEFINITION.match(line)
            if m:
                starts.add(i + 1)
                rest = line[m.end("mark") :]
                out[i] = line[: m.end("mark")] + _MUSE_REFERENCE.sub("", rest)
            else:
                out[i] = _MUSE_REFERENCE.sub("", line)
        return out, starts
    labels: set[str] = set()
    for i, line in enumerate(out):
        m = _PLAIN_DEFINITION.match(line)
        if m:
            labels.add(m["label"] or m["long"])
            starts.add(i + 1)
    if not labels:
        return out, starts  # no notes: a bracketed number is the text's own, e.g. "[sic]"-like
    marks = re.compile(
        r"(?<=\S)\[(?:" + "|".join(re.escape(label) for label in sorted(labels)) + r")\]"
    )
    for i, line in enumerate(out):
        if i + 1 in starts:
            head = _PLAIN_DEFINITION.match(line)
            cut = head.end() - 1 if head else 0  # keep the definition's own label
            out[i] = line[:cut] + marks.sub("", line[cut:])
        else:
            out[i] = marks.sub("", line)
    return out, starts
