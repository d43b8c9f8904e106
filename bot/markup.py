"""Markdown and Muse reduced to the plain text their reader sees.

Marks a renderer would turn into type (``*emphasis*``, ``**strong**``, ``<em>``, ``=code=``,
links, images, heading and list markers) never reach a quote: they are taken out, and what they
mark is kept. Headings, list items and footnotes are paragraphs of their own, as a reader sees
them, even when the file has no blank line between them. Line numbers stay those of the file
(nothing is added or removed but marks), so what was left out can still be found in it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.footnotes import strip_notes


@dataclass(frozen=True)
class Plain:
    """Plain text, and the numbers (1-based) of the lines that start a paragraph of their own."""

    text: str
    breaks: frozenset[int] = frozenset()


# --- shared inline marks ---------------------------------------------------------------------

_NOT_A_BLANK_LINE = r"(?:(?!\n[ \t]*\n)[^{c}])"
_STRONG = re.compile(r"(\*\*\*|\*\*|___|__)(?=\S)((?:(?!\n[ \t]*\n).)+?)(?<=\S)\1", re.DOTALL)
_EM_STAR = re.compile(
    r"(?<![*\w\\])\*(?=[^\s*])(" + _NOT_A_BLANK_LINE.format(c="*") + r"+?)(?<=[^\s*])\*(?![*\w])"
)
_EM_UNDERSCORE = re.compile(
    r"(?<![_\w])_(?=[^\s_])(" + _NOT_A_BLANK_LINE.format(c="_") + r"+?)(?<=[^\s_])_(?![_\w])"
)
_INLINE_TAGS = (
    "em|strong|i|b|u|s|del|ins|sup|sub|small|big|mark|span|a|abbr|cite|code|q|font|sc|"
    "verbatim|tt|kbd|var|dfn|bdi|bdo|wbr|nobr"
)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})(?:[ \t][^<>\n]*)?/?>", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_TAG_LINE = re.compile(
    r"^\s*</?(?:quote|verse|center|right|example|biblio|play|src|div|section|article|aside|"
    r"header|footer|blockquote|p|figure|figcaption|table|tbody|thead|tr|td|th|ul|ol|li|"
    r"literal|comment)(?:\s[^<>]*)?/?>\s*$",
    re.IGNORECASE,
)
_HR = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _unescape(line: str) -> str:
    """HTML entities in one line (&amp; &nbsp;), none of them a new line."""
    return _LINE_BREAKS.sub(" ", html.unescape(line)) if "&" in line else line


def strip_emphasis(text: str, underscores: bool = True) -> str:
    """``***x***``, ``**x**``, ``*x*`` (and ``__x__``, ``_x_``) → ``x``; a lone asterisk, or an
    underscore inside a word (snake_case), is left alone."""
    text = _STRONG.sub(r"\2", text)
    text = _STRONG.sub(r"\2", text)  # ***x*** written as **_x_** or nested
    text = _EM_STAR.sub(r"\1", text)
    if underscores:
        text = _EM_UNDERSCORE.sub(r"\1", text)
    return text


def _item_starts_paragraph(indent: str, previous: str, previous_was_item: bool) -> bool:
    """A list marker at the margin starts an item; an indented one only after a line that
    ends a sentence or introduces the list (else "- but only" is a dash inside a wrapped
    line, as hand-wrapped texts have)."""
    if len(indent.expandtabs(4)) <= 3 or previous_was_item:
        return True
    return not previous.strip() or bool(re.search(r"[.:;!?)\]\"'\u2019\u201d]$", previous.strip()))


# --- Markdown --------------------------------------------------------------------------------

_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$")
_MD_REF_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]]+\]:\s*\S+.*$")
_MD_QUOTE = re.compile(r"^[ ]{0,3}(?:>[ ]?)+")
_MD_ITEM = re.compile(
    r"^(?P<indent>\s*)(?:(?P<bullet>[-*+\u2022])|(?P<number>\d{1,3})[.)])\s+(?P<text>\S.*)$"
)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)\n]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]\n]*\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_ATTRIBUTES = re.compile(r"\{:?\s*[#.][^{}\n]*\}")  # kramdown's {#top}, {: .note}
_MD_CODE = re.compile(r"`+([^`\n]+?)`+")
_MD_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>'\"|~<:])")
_MD_HARD_BREAK = re.compile(r"\\$", re.MULTILINE)
_PROTECT = 0xE000  # escaped characters ride in the Private Use Area until the marks are gone


def read_markdown(text: str) -> Plain:
    """Markdown as the plain text a reader sees, with the lines that start paragraphs."""
    text = "\n".join(text.splitlines())  # one kind of line end, as furniture counts lines
    text = _MD_COMMENT.sub(lambda m: "\n" * m[0].count("\n"), text)
    text = _MD_ESCAPE.sub(lambda m: chr(_PROTECT + ord(m[1])), text)
    lines, breaks = strip_notes(text.split("\n"), "markdown")
    fenced = False
    previous, previous_was_item = "", False
    for i, line in enumerate(lines):
        number = i + 1
        if _MD_FENCE.match(line):
            fenced = not fenced
            lines[i] = ""
            continue
        if fenced:
            continue
        was_item = False
        if _MD_REF_DEFINITION.match(line):
            lines[i] = ""
        elif _HR.match(line):
            pass  # a rule: furniture's separator
        elif m := _MD_HEADING.match(line):
            lines[i] = m[1]
            breaks |= {number, number + 1}
        else:
            line = _MD_QUOTE.sub("", line)
            m = _MD_ITEM.match(line)
            if m and _item_starts_paragraph(m["indent"], previous, previous_was_item):
                lines[i] = (f"{m['number']}. " if m["number"] else "") + m["text"]
                breaks.add(number)
                was_item = True
            else:
                lines[i] = line
        previous, previous_was_item = line, was_item
    text = "\n".join(lines)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_REF_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_ATTRIBUTES.sub("", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_STRIKE.sub(r"\1", text)
    text = _BR.sub(" ", text)
    text = _INLINE_TAG.sub("", text)
    text = strip_emphasis(text)
    text = _MD_HARD_BREAK.sub("", text)
    text = re.sub("[\ue000-\ue0ff]", lambda m: chr(ord(m[0]) - _PROTECT), text)
    lines = ["" if _BLOCK_TAG_LINE.match(line) else _unescape(line) for line in text.split("\n")]
    return Plain("\n".join(lines), frozenset(breaks))


def markdown_to_text(text: str) -> str:
    """Markdown reduced to the plain text its reader sees: headings, links, images, emphasis."""
    return read_markdown(text).text


# --- Muse (The Anarchist Library) ------------------------------------------------------------

_MUSE_HEADING = re.compile(r"^\*{1,5}\s+(\S.*)$")
_MUSE_COMMENT = re.compile(r"^;(?:\s|$)")
_MUSE_ITEM = re.compile(
    r"^(?P<indent>\s+)(?:(?P<bullet>-)|(?P<number>\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})\.)\s+"
    r"(?P<text>\S.*)$"
)
_MUSE_VERSE = re.compile(r"^>\s?")
_MUSE_LINK = re.compile(r"\[\[([^\]\n]+)\](?:\[([^\]]+)\])?\]")
_MUSE_CODE = re.compile(r"(?<![\w=])=(?=\S)([^=\n]+?)(?<=\S)=(?![\w=])")
_MUSE_BLOCK_TAG = re.compile(
    r"</?(?:quote|verse|center|right|example|biblio|play|src|literal)>", re.IGNORECASE
)
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


def _muse_link(m: re.Match[str]) -> str:
    target, label = m[1], m[2]
    if label:
        return label
    return "" if _IMAGE.search(target) else target


def read_muse(text: str) -> Plain:
    """Muse markup (headings ``** I.``, ``<em>``, ``[[link][text]]``, footnotes ``[1]``, lists
    and verse) as plain text, with the lines that start paragraphs."""
    text = _MUSE_LINK.sub(_muse_link, "\n".join(text.splitlines()))
    lines, breaks = strip_notes(text.split("\n"), "muse")
    in_comment = False
    for i, line in enumerate(lines):
        number = i + 1
        if re.match(r"^\s*<comment>", line, re.IGNORECASE):
            in_comment = True
        if in_comment:
            in_comment = not re.search(r"</comment>\s*$", line, re.IGNORECASE)
            lines[i] = ""
            continue
        if _MUSE_COMMENT.match(line) or _BLOCK_TAG_LINE.match(line):
            lines[i] = ""
        elif m := _MUSE_HEADING.match(line):
            lines[i] = m[1]
            breaks |= {number, number + 1}
        elif m := _MUSE_ITEM.match(line):  # Muse text lines never start with a space
            lines[i] = (f"{m['number']}. " if m["number"] else "") + m["text"]
            breaks.add(number)
        else:
            lines[i] = _MUSE_VERSE.sub("", line)
    text = "\n".join(lines)
    text = _BR.sub(" ", text)
    text = _INLINE_TAG.sub("", text)
    text = _MUSE_BLOCK_TAG.sub("", text)  # a <quote> opened on the line of its text
    text = _MUSE_CODE.sub(r"\1", text)
    text = strip_emphasis(text, underscores=False)
    return Plain(text, frozenset(breaks))


def read_plain(text: str) -> Plain:
    """Plain text as it is, but for footnote marks (see :mod:`bot.footnotes`)."""
    lines, breaks = strip_notes(text.splitlines(), "plain")
    return Plain("\n".join(lines), frozenset(breaks))
