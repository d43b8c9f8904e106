"""Rendering replies: escaped HTML that Telegram accepts, split to fit, and plain text."""

from __future__ import annotations

from bot.reply import (
    MESSAGE_LIMIT,
    Reply,
    bold,
    code,
    highlighted,
    telegram_length,
    to_html,
    to_plain,
)
from tests.auxil.botapi import parse_telegram_html


def test_every_dynamic_string_is_escaped():
    reply = (
        Reply().add("a < b & c > d ", bold("<i>not italic</i>"), code("x&y")).add("q", quote=True)
    )
    [message] = to_html(reply)
    assert message == (
        "a &lt; b &amp; c &gt; d <b>&lt;i&gt;not italic&lt;/i&gt;</b><code>x&amp;y</code>"
        "\n\n<blockquote>q</blockquote>"
    )
    assert parse_telegram_html(message) == "a < b & c > d <i>not italic</i>x&y\n\nq"


def test_long_replies_split_between_paragraphs():
    blocks = [f"Paragraph {n}: " + "word " * 150 for n in range(20)]
    reply = Reply()
    for text in blocks:
        reply.add(text.strip())
    messages = to_html(reply)
    assert len(messages) > 1
    assert all(telegram_length(m) <= MESSAGE_LIMIT for m in messages)
    rejoined = "\n\n".join(messages).split("\n\n")
    assert rejoined == [b.strip() for b in blocks]  # no paragraph cut, none lost or doubled


def test_a_single_huge_paragraph_is_cut_at_spaces_and_keeps_its_markup():
    text = "<&> " * 3000  # escapes to five times its length
    reply = Reply().add(*highlighted(text, ((0, 3),)), quote=True)
    messages = to_html(reply)
    assert len(messages) > 1
    visible = ""
    for message in messages:
        assert telegram_length(message) <= MESSAGE_LIMIT
        visible += parse_telegram_html(message).strip() + " "
    assert visible.split() == text.split()


def test_emoji_count_twice_toward_the_limit():
    reply = Reply().add("😀" * 3000)
    messages = to_html(reply)
    assert len(messages) == 2
    assert all(telegram_length(m) <= MESSAGE_LIMIT for m in messages)


def test_plain_text_marks_bold_and_indents_quotations():
    reply = Reply().add("found ", bold("this")).add("line one\nline two", quote=True)
    assert to_plain(reply) == "found *this*\n\n  │ line one\n  │ line two"
    assert "\x1b[1mthis\x1b[0m" in to_plain(reply, ansi=True)
