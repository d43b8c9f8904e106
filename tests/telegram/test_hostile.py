"""Hostile input through the real bot: whatever members, clients or stale buttons send, the bot
answers within the Bot API's rules and never fails on it. Inputs come from hypothesis; each
batch goes through one running bot (hypothesis cannot drive the async fixtures itself)."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discussion import CAPTION_LIMIT, Export, caption_html
from tests.auxil.botapi import BotAPIStandIn, parse_telegram_html, utf16_length
from tests.test_hostile import NASTY

GROUP = -100321


def examples(strategy: st.SearchStrategy, count: int) -> list:
    """``count`` inputs hypothesis generates for ``strategy`` (edge cases included)."""
    found: list = []

    @settings(max_examples=count, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def collect(value: object) -> None:
        found.append(value)

    collect()
    return found


# Callback data as a stale button, an old version or a tampering client could send it:
# anything of at most 64 bytes.
CALLBACK_DATA = st.one_of(
    NASTY,
    st.sampled_from(["/more", "/more 1", "/more x y", "/more 99999999999999999999 1",
                     "/more 1 -5", "/context", "/context ¶", "/discuss nosuch ¶999999",
                     "/summary 0", "/compare", "/quote", "/", "more 1 1", ""]),
    st.builds(lambda a, b: f"/{a} {b}", st.sampled_from(["more", "context", "discuss",
              "summary", "articles", "quote"]), NASTY),
).filter(lambda d: 0 < len(d.encode()) <= 64)  # fmt: skip

# /start payloads from deep links, and whatever a member types after /start.
PAYLOAD = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{0,64}", fullmatch=True), NASTY)


def assert_within_the_rules(botapi: BotAPIStandIn, caplog) -> None:
    assert not botapi.refused(), [(c.method, c.error) for c in botapi.refused()][:3]
    assert "Error while handling" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def settle(botapi: BotAPIStandIn, method: str, count: int) -> None:
    async with asyncio.timeout(30):
        while len([c for c in botapi.calls if c.method == method]) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_any_callback_data_is_answered(botapi, running_bot, caplog):
    running_bot.application.bot_data.throttle.burst = 10_000  # this is not a flood test
    botapi.send_text("/quote stab in the back")
    [quote] = await botapi.wait_for_messages(1)
    datas = examples(CALLBACK_DATA, 120)
    for data in datas:
        botapi.press(quote, data)
    await settle(botapi, "answerCallbackQuery", len(datas))
    await asyncio.sleep(0.3)
    assert_within_the_rules(botapi, caplog)


async def test_any_start_payload_gets_the_welcome(botapi, running_bot, caplog):
    running_bot.application.bot_data.throttle.burst = 10_000
    payloads = examples(PAYLOAD, 80)
    for payload in payloads:
        botapi.send_text(f"/start {payload}")
    replies = await botapi.wait_for_messages(len(payloads), wait=30)
    assert all("/quote" in r.params["text"] for r in replies)
    assert_within_the_rules(botapi, caplog)


async def test_any_inline_query_is_answered_validly(botapi, running_bot, caplog):
    queries = examples(st.tuples(NASTY, st.one_of(st.just(""), NASTY)), 80)
    for query, offset in queries:
        botapi.inline_query(query[:256], offset=offset[:64], user_id=len(query) + 1000)
    await settle(botapi, "answerInlineQuery", len(queries))
    assert_within_the_rules(botapi, caplog)


async def test_any_group_command_text_is_answered(botapi, running_bot, caplog):
    running_bot.application.bot_data.throttle.burst = 10_000
    botapi.chat(GROUP, "supergroup")
    botapi.group_posts = (10_000, 60.0)  # not a flood test either
    running_bot.application.bot.rate_limiter.group_limit = (10_000, 60.0)
    names = ["quote", "summary", "compare", "articles", "thread", "threads", "export", "quotes",
             "logging", "daily", "plan", "today", "privacy", "help", "remove", "search",
             "digest", "unclear", "meeting", "context", "discuss", "add", "poll"]  # fmt: skip
    texts = [f"/{names[i % len(names)]}@ReadingGroupBot {args}"
             for i, args in enumerate(examples(NASTY, 132))]  # fmt: skip
    for text in texts:
        botapi.send_text(text, chat_id=GROUP)
    await botapi.wait_for_messages(len(texts), GROUP, wait=60)
    assert_within_the_rules(botapi, caplog)


async def test_any_text_sent_in_private_is_answered(botapi, running_bot, caplog):
    running_bot.application.bot_data.throttle.burst = 10_000
    texts = [t for t in examples(NASTY, 60) if t.strip() and not t.lstrip().startswith("/")]
    for n, text in enumerate(texts):
        botapi.send_text(text, chat_id=7000 + n, user_id=7000 + n)  # a quote search, or a link
    await botapi.wait_for_messages(len(texts), wait=60)
    assert_within_the_rules(botapi, caplog)


async def test_odd_updates_are_logged_or_ignored_without_a_fault(
    botapi, running_bot, caplog, tmp_path
):
    chat = botapi.chat(GROUP, "supergroup")
    someone = {"id": 777, "is_bot": False, "first_name": "<b>Mallory</b> & \u202e"}
    odd = [
        {"message": {"message_id": 1, "date": 1, "chat": chat, "from": someone,
                     "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular",
                                 "width": 1, "height": 1, "is_animated": False,
                                 "is_video": False}}},
        {"message": {"message_id": 2, "date": 1, "chat": chat, "from": someone,
                     "new_chat_members": [someone]}},
        {"message": {"message_id": 3, "date": 1, "chat": chat, "sender_chat": chat,
                     "text": "/"}},
        {"message": {"message_id": 4, "date": 1, "chat": chat, "from": someone, "text": "",
                     "entities": []}},
        {"message": {"message_id": 5, "date": 1, "chat": chat, "from": someone,
                     "text": "/quote@", "entities": [{"type": "bot_command", "offset": 0,
                                                      "length": 7}]}},
        {"message": {"message_id": 6, "date": 1, "chat": chat, "from": someone,
                     "caption": "/add", "photo": []}},
        {"channel_post": {"message_id": 7, "date": 1, "text": "/quote x",
                          "chat": {"id": -100888, "type": "channel", "title": "News"}}},
        {"edited_channel_post": {"message_id": 7, "date": 1, "edit_date": 2, "text": "y",
                                 "chat": {"id": -100888, "type": "channel", "title": "News"}}},
        {"poll": {"id": "p", "question": "?", "options": [], "total_voter_count": 0,
                  "is_closed": False, "is_anonymous": True, "type": "regular",
                  "allows_multiple_answers": False}},
        {"callback_query": {"id": "q", "from": someone, "chat_instance": "c",
                            "data": "/more 1 1"}},  # no message: an inline message's button
        {"callback_query": {"id": "r", "from": someone, "chat_instance": "c",
                            "game_short_name": "g"}},
    ]  # fmt: skip
    for update in odd:
        botapi.push_update(update)
    botapi.send_text("/help", chat_id=GROUP)  # and the bot still answers afterwards
    await botapi.wait_for_messages(1, GROUP)
    await asyncio.sleep(0.3)
    assert_within_the_rules(botapi, caplog)
    await running_bot.store.commit()
    kept = [m.text for m in await running_bot.store.since([GROUP], 0) if not m.is_bot]
    # Every member's message with something in it is kept; the join and the empty one are not.
    assert sorted(kept) == ["/", "/add", "/help", "/quote@", "[sticker]"]
    # The poll lacks a field this python-telegram-bot demands: it could not be read, so it is
    # kept aside as Telegram sent it, and did not stop the updates around it.
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        aside = db.execute("SELECT payload FROM inbox WHERE done = 2").fetchall()
    assert [json.loads(p)["poll"]["id"] for (p,) in aside] == ["p"]
    assert "cannot be read by this version" in caplog.text


# A caption's words: markup-like, astral (two UTF-16 units each), long enough to be cut.
CAPTION_TEXT = st.one_of(
    NASTY,
    st.text(max_size=1200),
    st.builds(lambda c, n, t: c * n + t, st.sampled_from(["<", "&", "😀", "é", "a"]),
              st.integers(1000, 1100), NASTY),
)  # fmt: skip


@settings(max_examples=150, database=None, deadline=None)
@given(CAPTION_TEXT, st.sampled_from(["", " (2 messages)", " (1000000 messages)"]))
def test_any_caption_is_accepted_within_the_limit_and_shown_as_written(text, note):
    visible = parse_telegram_html(caption_html(text, note))  # Telegram's parser accepts it
    assert utf16_length(visible) <= CAPTION_LIMIT
    assert visible.endswith(note)
    shown = visible.removesuffix(note) if note else visible
    if utf16_length(text + note) <= CAPTION_LIMIT:
        assert shown == text  # whole, nothing garbled
    else:
        assert shown.endswith("…")  # marked as cut
        assert text.startswith(shown[:-1])  # a true prefix
        assert utf16_length(visible) >= CAPTION_LIMIT - 1  # cut where it had to be, not early


@settings(max_examples=100, database=None, deadline=None)
@given(NASTY)
def test_any_export_name_makes_a_safe_file_name(name):
    file_name = Export(name, "title", "", "", 1).file_name("html")
    stem = file_name.removesuffix(".html")
    assert stem
    assert len(stem) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "_-") for c in stem), file_name
    assert not stem.startswith((".", "-"))
