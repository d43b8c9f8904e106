"""Hostile input: any text as any command's arguments gets an answer Telegram accepts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.console import answer
from bot.reply import (
    MESSAGE_LIMIT,
    Block,
    Reply,
    Span,
    link,
    telegram_length,
    to_html,
    to_plain,
)
from tests.auxil.botapi import CALLBACK_DATA_LIMIT, parse_telegram_html

NAMES = [c.name for c in COMMANDS] + ["context", "discuss", "nosuch"]
# Text a member may paste: any Unicode, with HTML and Markdown metacharacters, right-to-left and
# zero-width characters, and SQL-looking fragments mixed in.
NASTY = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=20),
        st.sampled_from(list("<>&\"'`*_[]()~|\\/:¶\u200b\u200f\u202e\u2066\ufeff")),
        st.sampled_from(
            [
                "'; DROP TABLE messages; --",
                "<b>",
                "</i>",
                "&amp;",
                "&#0;",
                "\n",
                "1:",
                "2 | 3",
                " ²",
                " ٣",
                " 99999999999999999999999",
                " -1",
                " 0",
                " 1e9",
            ]
        ),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), args=NASTY)
def test_any_arguments_get_a_reply_telegram_accepts(commands, name, args):
    reply = commands.handle(name, args) or commands.unknown(name)
    messages = to_html(reply)
    assert messages
    for message in messages:
        assert telegram_length(message) <= MESSAGE_LIMIT
        assert parse_telegram_html(message).strip()  # valid HTML, and not empty
    for button in reply.buttons:
        assert len(button.command.encode()) <= CALLBACK_DATA_LIMIT


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=st.text(max_size=4096))
def test_a_4096_character_quote_is_answered(commands, args):
    for message in to_html(commands.quote(args)):
        parse_telegram_html(message)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=NASTY)
def test_the_console_answers_any_line(commands, line):
    reply = answer(commands, line)
    assert reply is None or reply.text() is not None


CONSOLE_LOG = ["search", "digest", "export", "quotes", "unclear", "forgetme", "plan", "next"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.tuples(st.sampled_from([*CONSOLE_LOG, ""]), NASTY), max_size=4))
def test_the_console_logs_and_reads_back_any_lines(commands, tmp_path_factory, lines):
    from bot.console import ConsoleChat

    folder = tmp_path_factory.mktemp("handouts")
    with ConsoleChat(commands, folder=folder) as chat:
        for name, args in lines:
            reply = chat.answer(f"/{name} {args}" if name else args)
            assert reply is None or reply.text().strip()
        for name in ("search word", "digest 366", "export 366"):
            assert chat.answer(f"/{name}").text().strip()
    assert all(p.name.startswith("console-discussion-") for p in folder.iterdir())


TEXT = st.one_of(NASTY, st.text(st.characters(codec="utf-8"), min_size=500, max_size=5000))
STYLE = st.sampled_from(["", "b", "i", "s", "code"])
HREF = st.one_of(NASTY, NASTY.map(lambda t: "https://example.org/" + t))  # a source's url
SPAN = st.one_of(st.builds(Span, TEXT, STYLE), st.builds(link, TEXT, HREF, STYLE))
BLOCK = st.builds(
    Block, st.lists(SPAN, min_size=1, max_size=5).map(tuple), st.booleans(), st.booleans()
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(BLOCK, min_size=1, max_size=8))
def test_any_reply_renders_to_messages_telegram_accepts_and_loses_no_text(blocks):
    reply = Reply(blocks=[Block(b.spans, b.quote or b.expandable, b.expandable) for b in blocks])
    messages = to_html(reply)
    visible = []
    for message in messages:
        assert telegram_length(message) <= MESSAGE_LIMIT
        text = parse_telegram_html(message)
        assert text.strip()  # Telegram refuses an empty message
        visible.append(text)
    squeeze = lambda s: "".join(s.split())  # noqa: E731 - splits may fall on white space
    if squeeze(reply.text()):
        assert squeeze("".join(visible)) == squeeze(reply.text())
    to_plain(reply)
    to_plain(reply, ansi=True)
