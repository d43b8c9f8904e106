"""Replies as styled text, rendered to Telegram HTML (escaped, split to fit) or to plain text.

The reading logic builds a :class:`Reply` of blocks and spans and never writes markup itself, so
no dynamic string can reach Telegram unescaped, and long answers split cleanly between blocks.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

MESSAGE_LIMIT = 4096  # Telegram's limit on a message's text

Style = Literal["", "b", "i", "s", "code"]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style."""

    text: str
    style: Style = ""
    href: str = ""  # a link: an http(s) address the text leads to
    ref: str = ""  # a passage reference the text names (Telegram makes it lead to its context)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of a reply; a quotation block is shown set apart from the bot's own words,
    and an expandable one is folded to a few lines until the reader taps it."""

    spans: tuple[Span, ...]
    quote: bool = False
    expandable: bool = False


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered under a reply; pressing it is the same as sending ``command``. A
    button with a ``url`` opens it instead: a link, or (``app``) a page inside Telegram."""

    label: str
    command: str = ""
    url: str = ""
    app: bool = False


@dataclass
class Reply:
    """What the bot answers: blocks separated by blank lines, and buttons under the last one."""

    blocks: list[Block] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    opens_thread: bool = False  # a post the group discusses (a quote, a summary, a comparison)
    refs: list[str] = field(default_factory=list)  # the passages it quotes
    pulled: list[str] = field(default_factory=list)  # passages pulled as quotes (the board)
    carries: set[int] = field(default_factory=set)  # members whose words or names it shows
    read: str = ""  # the passage (or article) the reader opens at from this post's Read button

    def add(self, *parts: str | Span, quote: bool = False, expandable: bool = False) -> Reply:
        """Append a block made of strings (plain) and spans; returns the reply for chaining."""
        spans = tuple(Span(p) if isinstance(p, str) else p for p in parts)
        self.blocks.append(
            Block(tuple(s for s in spans if s.text), quote or expandable, expandable)
        )
        return self

    def text(self) -> str:
        """The reply's text without any styling (for logs and tests)."""
        return "\n\n".join("".join(s.text for s in b.spans) for b in self.blocks)


def bold(text: str) -> Span:
    return Span(text, "b")


def italic(text: str) -> Span:
    return Span(text, "i")


def code(text: str) -> Span:
    return Span(text, "code")


def reference(ref: str) -> Span:
    """A passage reference, shown as code; in Telegram it leads to the passage in context."""
    return Span(ref, "code", ref=ref)


def link(text: str, href: str, style: Style = "") -> Span:
    """Text leading to an address; only http(s) addresses of up to 2,048 characters are links,
    anything else stays text."""
    href = href.strip()
    if (
        not href.lower().startswith(("https://", "http://"))
        or len(href) > 2048
        or any(c.isspace() or c < " " for c in href)
    ):
        return Span(text, style)
    return Span(text, style, href)


def highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> list[Span]:
    """``text`` as spans, with the given character ranges in bold."""
    parts: list[Span] = []
    position = 0
    for start, end in spans:
        if start > position:
            parts.append(Span(text[position:start]))
        parts.append(bold(text[start:end]))
        position = end
    if position < len(text):
        parts.append(Span(text[position:]))
    return parts


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --- HTML -------------------------------------------------------------------------------------


def _span_html(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    text = f"<{span.style}>{text}</{span.style}>" if span.style else text
    return f'<a href="{html.escape(span.href, quote=True)}">{text}</a>' if span.href else text


def _block_html(block: Block, spans: tuple[Span, ...]) -> str:
    inner = "".join(_span_html(s) for s in spans)
    if not block.quote:
        return inner
    return f"<blockquote{' expandable' if block.expandable else ''}>{inner}</blockquote>"


def _cut_span(span: Span, room: int) -> tuple[Span, Span]:
    """Split a span so its first part renders in at most ``room`` units, at a space if possible."""
    low, high = 0, len(span.text)
    while low < high:  # longest prefix that fits
        mid = (low + high + 1) // 2
        if telegram_length(_span_html(replace(span, text=span.text[:mid]))) <= room:
            low = mid
        else:
            high = mid - 1
    cut = span.text.rfind("\n", 0, low + 1)  # between lines if it can, else between words
    if cut <= low // 2:
        cut = span.text.rfind(" ", 0, low + 1)
    cut = cut if cut > low // 2 else low
    return replace(span, text=span.text[:cut]), replace(span, text=span.text[cut:].lstrip(" \n"))


def _split_block(block: Block, limit: int) -> list[str]:
    """Render a block as one or more HTML chunks, none longer than ``limit``."""
    overhead = len("<blockquote expandable></blockquote>") if block.quote else 0
    chunks: list[str] = []
    current: list[Span] = []
    used = overhead
    queue = list(block.spans)
    while queue:
        span = queue.pop(0)
        size = telegram_length(_span_html(span))
        if used + size <= limit:
            current.append(span)
            used += size
            continue
        head, tail = _cut_span(span, limit - used)
        if head.text:
            current.append(head)
        if _shows(current):
            chunks.append(_block_html(block, tuple(current)))
        current, used = [], overhead
        queue.insert(0, tail)
    if _shows(current):
        chunks.append(_block_html(block, tuple(current)))
    return chunks


def _linked(block: Block, ref_link: Callable[[str], str]) -> Block:
    spans = tuple(
        replace(s, href=href) if s.ref and not s.href and (href := ref_link(s.ref)) else s
        for s in block.spans
    )
    return replace(block, spans=spans)


def _shows(spans: list[Span]) -> bool:
    """Whether spans show anything: Telegram refuses a message of white space alone."""
    return any(s.text.strip() for s in spans)


def to_html(
    reply: Reply, limit: int = MESSAGE_LIMIT, ref_link: Callable[[str], str] | None = None
) -> list[str]:
    """The reply as Telegram HTML messages, each within ``limit``, split between blocks;
    ``ref_link`` makes each passage reference a link (to the passage in context)."""
    messages: list[str] = []
    current = ""
    blocks = reply.blocks
    if ref_link is not None:
        blocks = [_linked(block, ref_link) for block in blocks]
    for block in blocks:
        for chunk in _split_block(block, limit):
            joined = f"{current}\n\n{chunk}" if current else chunk
            if telegram_length(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = chunk
    if current:
        messages.append(current)
    return messages or ["…"]


# --- plain text -------------------------------------------------------------------------------


def to_plain(reply: Reply, *, ansi: bool = False) -> str:
    """The reply as plain text: bold as ``*word*`` (or terminal bold), quotations indented."""
    out = []
    for block in reply.blocks:
        text = "".join(_span_plain(s, ansi) for s in block.spans)
        if block.quote:
            text = "\n".join("  │ " + line for line in text.splitlines())
        out.append(text)
    if reply.buttons:
        out.append("\n".join(f"  → {b.command}   ({b.label})" for b in reply.buttons))
    return "\n\n".join(out)


def _span_plain(span: Span, ansi: bool) -> str:
    if span.href:
        shown = _span_plain(replace(span, href=""), ansi)
        return shown if span.text == span.href else f"{shown} <{span.href}>"
    if span.style == "b":
        return f"\x1b[1m{span.text}\x1b[0m" if ansi else f"*{span.text}*"
    if span.style == "i" and ansi:
        return f"\x1b[3m{span.text}\x1b[0m"
    if span.style == "s":
        return f"\x1b[9m{span.text}\x1b[0m" if ansi else f"~~{span.text}~~"
    return span.text
