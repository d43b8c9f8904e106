"""Telegram fails, throttles and moves things: the bot retries where that is right, waits
for the chat concerned only, and loses nothing it logged. Faults are injected by the Bot API
stand-in, at HTTP; everything else is the real bot."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram.ext import ExtBot

from bot.storage import Store
from bot.telegram import delivery
from tests.auxil.botapi import BotAPIStandIn
from tests.conftest import TOKEN

GROUP, OTHER = -100123, -100456
QUOTE = "/quote stab in the back"
CITED = "putin-v-prigozhin ¶11"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(delivery, "BACKOFF", 0.05)


def attempts(botapi: BotAPIStandIn, method: str = "sendMessage") -> list:
    return [c for c in botapi.calls if c.method == method]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "description": "Internal Server Error"},
        {"status": 502, "description": "Bad Gateway"},
    ],
    ids=["500", "502"],
)
async def test_an_error_answer_is_retried_and_answered_once(botapi, running_bot, fault):
    # Telegram answered with an error: it did not post, so sending again is safe.
    botapi.fail_next("sendMessage", **fault)
    botapi.send_text(QUOTE)
    [reply] = await botapi.wait_for_messages(1)
    assert CITED in reply.params["text"]
    await asyncio.sleep(0.3)
    assert len(botapi.sent()) == 1  # answered once: no apology, no double
    assert len(attempts(botapi)) == 2


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "late", "delay": 6.0},  # posted, but answered after the 5 s read time-out
        {"kind": "cut"},  # posted, then the connection closed before the answer
    ],
    ids=["answered too late", "answer cut off"],
)
async def test_a_post_telegram_made_but_did_not_confirm_is_not_sent_twice(
    botapi, running_bot, fault
):
    botapi.chat(GROUP, "supergroup")
    botapi.fail_next("sendMessage", chat_id=GROUP, **fault)
    asked = botapi.send_text(QUOTE, chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert CITED in reply.params["text"]
    async with asyncio.timeout(15):
        while not await running_bot.store.uncertain_posts(GROUP):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    botapi.send_text("/help", chat_id=GROUP)  # the chat goes on
    await botapi.wait_for_messages(2, GROUP)
    texts = [c.params["text"] for c in botapi.sent(GROUP)]
    assert sum(CITED in t for t in texts) == 1  # posted once, not again
    assert not any("Sorry" in t for t in texts)  # and no apology for a post that went
    assert await running_bot.store.uncertain_posts(GROUP) == [(GROUP, asked["message_id"])]


@pytest.mark.parametrize(
    "fault",
    [{"kind": "drop"}, {"kind": "timeout", "delay": 6.0}, {"kind": "garbage"}],
    ids=["dropped connection", "time-out", "not JSON"],
)
async def test_a_post_without_an_answer_is_recorded_as_uncertain_not_resent(
    botapi, running_bot, fault
):
    # Once the request went out, the bot cannot know whether Telegram posted it: it leans
    # towards never posting twice.
    botapi.fail_next("sendMessage", **fault)
    botapi.send_text(QUOTE, chat_id=42)
    async with asyncio.timeout(15):
        while not await running_bot.store.uncertain_posts():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    botapi.send_text("/help")
    [answer] = await botapi.wait_for_messages(1)
    assert "/quote" in answer.params["text"]  # the next request is answered; no apology
    assert len(attempts(botapi)) == 2
    assert await running_bot.store.uncertain_posts() == [(42, None)]


async def test_a_connection_that_could_not_be_made_is_retried(botapi, tmp_path):
    # Nothing was sent, so sending again is safe: Telegram is unreachable for a moment.
    store = await Store.open(tmp_path / "bot.sqlite3")
    bot = ExtBot(TOKEN, base_url=botapi.base_url, rate_limiter=delivery.Pacer(store, backoff=0.3))
    await bot.initialize()
    port = int(botapi.base_url.rsplit(":", 1)[1].split("/")[0])
    await botapi.stop()  # connections are refused now
    refused = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "retrying" in record.getMessage():
                refused.set()

    watch = Watch()
    logging.getLogger("bot.telegram.delivery").addHandler(watch)
    try:
        sending = asyncio.create_task(bot.send_message(42, "back soon"))
        await asyncio.wait_for(refused.wait(), 10)
        botapi.chat(42)
        await botapi.start(port)  # reachable again before the next try
        message = await asyncio.wait_for(sending, 10)
    finally:
        logging.getLogger("bot.telegram.delivery").removeHandler(watch)
        await bot.shutdown()
        await store.close()
    assert message.text == "back soon"
    assert len(botapi.sent()) == 1


async def test_a_failure_for_good_is_recorded_with_its_reason_and_apologised_for(
    botapi, running_bot, caplog
):
    botapi.fail_next("sendMessage", 500, "Internal Server Error", times=4)  # 1 + 3 retries
    botapi.send_text(QUOTE)
    [apology] = await botapi.wait_for_messages(1)
    assert "Sorry, something went wrong" in apology.params["text"]
    assert await running_bot.store.undelivered() == [
        (42, None, "NetworkError: Internal Server Error")
    ]
    assert "Error while handling update" in caplog.text
    assert "/quote" in caplog.text  # the command, not its words (at INFO and above):
    assert all(r.levelno < 20 for r in caplog.records if "stab in the back" in r.getMessage())
    botapi.send_text(QUOTE)  # and the bot goes on
    replies = await botapi.wait_for_messages(2)
    assert CITED in replies[1].params["text"]


async def test_too_many_requests_holds_only_the_chat_concerned(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.chat(OTHER, "supergroup")
    botapi.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 2",
        parameters={"retry_after": 2}, chat_id=GROUP,
    )  # fmt: skip
    botapi.send_text(QUOTE, chat_id=GROUP)
    await asyncio.sleep(0.3)
    botapi.send_text(QUOTE, chat_id=OTHER)
    botapi.send_text("/help", chat_id=42)
    [other] = await botapi.wait_for_messages(1, OTHER)
    await botapi.wait_for_messages(1, 42)
    [held] = await botapi.wait_for_messages(1, GROUP)
    [refused] = botapi.too_many()
    assert other.at < held.at  # the other group was answered while this one waited
    assert held.at - refused.at >= 2.0  # and this one waited as long as Telegram asked
    assert len(botapi.sent(GROUP)) == 1


async def test_a_group_that_became_a_supergroup_is_answered_there(botapi, running_bot):
    old, new = -4001, -100999
    botapi.chat(old, "group")
    botapi.chat(new, "supergroup")
    botapi.send_text("hello before the move", chat_id=old)
    botapi.fail_next(
        "sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": new}, chat_id=old,
    )  # fmt: skip
    botapi.send_text(QUOTE, chat_id=old)
    [reply] = await botapi.wait_for_messages(1, new)
    assert CITED in reply.params["text"]
    assert "reply_parameters" not in reply.params  # the message it answered stayed behind
    assert await running_bot.store.chat_ids(new) == [new, old]  # its history moved with it
    assert not await running_bot.store.undelivered()


async def test_a_kicked_bot_records_why_and_keeps_answering_elsewhere(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.fail_next(
        "sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat", chat_id=GROUP
    )
    asked = botapi.send_text(QUOTE, chat_id=GROUP)
    botapi.send_text(QUOTE, chat_id=42)
    await botapi.wait_for_messages(1, 42)
    await asyncio.sleep(0.3)
    assert len(attempts(botapi)) == 2  # no retry and no apology into a chat it cannot post in
    assert await running_bot.store.undelivered(GROUP) == [
        (GROUP, asked["message_id"], "Forbidden: bot was kicked from the supergroup chat")
    ]


async def test_a_reply_whose_message_is_gone_is_sent_without_quoting(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.fail_next("sendMessage", 400, "Bad Request: message to be replied not found")
    botapi.send_text(QUOTE, chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert CITED in reply.params["text"]
    assert "reply_parameters" not in reply.params


async def test_a_deleted_topic_gets_its_answer_in_the_general_chat(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.fail_next("sendMessage", 400, "Bad Request: message thread not found")
    botapi.send_text(QUOTE, chat_id=GROUP, topic=77)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert "message_thread_id" not in reply.params


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500, "description": "Internal Server Error"},
        {"status": 502, "description": "Bad Gateway"},
        {"status": 429, "description": "Too Many Requests: retry after 1",
         "parameters": {"retry_after": 1}},
        {"kind": "garbage"},
        {"kind": "drop"},
        {"kind": "timeout", "delay": 4.0},  # beyond the test bot's 3 s polling read time-out
    ],
    ids=["500", "502", "429", "not JSON", "dropped connection", "time-out"],
)  # fmt: skip
async def test_polling_survives_faults_and_loses_nothing(botapi, running_bot, fault):
    botapi.chat(GROUP, "supergroup")
    await botapi.wait_for_messages(0)
    botapi.fail_next("getUpdates", times=1 if fault.get("kind") == "timeout" else 2, **fault)
    for n in range(5):
        botapi.send_text(f"message {n} while Telegram falters", chat_id=GROUP)
    botapi.send_text(QUOTE, chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP, wait=20)
    assert CITED in reply.params["text"]
    async with asyncio.timeout(5):  # the answer is logged just after Telegram took it
        while await running_bot.store.count_messages(GROUP) < 7:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    assert await running_bot.store.count_messages(GROUP) == 7  # six from members, one answer
    assert [c for c in botapi.calls if c.method == "getUpdates" and not c.ok]


async def test_an_update_answered_again_replays_its_posts_and_sends_nothing_else(botapi, tmp_path):
    # As after a crash: the same update answered twice. The same post comes from the outbox;
    # a different one at the same point is not sent, since what went before cannot be told.
    store = await Store.open(tmp_path / "bot.sqlite3")
    bot = ExtBot(TOKEN, base_url=botapi.base_url, rate_limiter=delivery.Pacer(store))
    await bot.initialize()
    botapi.chat(GROUP, "supergroup")
    try:
        token = delivery.ANSWERING.set(delivery.Answering(77))
        first = await bot.send_message(GROUP, "the answer")
        delivery.ANSWERING.reset(token)
        token = delivery.ANSWERING.set(delivery.Answering(77))  # the restart's second go
        again = await bot.send_message(GROUP, "the answer")
        await bot.send_message(GROUP, "and a part it had not reached")
        delivery.ANSWERING.reset(token)
        token = delivery.ANSWERING.set(delivery.Answering(77))  # it came out otherwise
        with pytest.raises(delivery.Uncertain):
            await bot.send_message(GROUP, "a different answer at the same point")
        delivery.ANSWERING.reset(token)
    finally:
        await bot.shutdown()
        await store.close()
    assert again.message_id == first.message_id
    assert [c.params["text"] for c in botapi.sent(GROUP)] == [
        "the answer",
        "and a part it had not reached",
    ]


async def test_a_conflict_still_answers_the_updates_in_hand(botapi, commands, tmp_path):
    # Another instance took the token (409): this one stops, but not before answering what it
    # already took from Telegram, while its connection is still open.
    from telegram.error import Conflict

    from tests.conftest import start_bot

    bot = await start_bot(botapi, commands, tmp_path / "bot.sqlite3")
    botapi.fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
                     parameters={"retry_after": 1})  # fmt: skip
    botapi.send_text("/help")
    async with asyncio.timeout(10):  # taken, and its answer held back by Telegram's 429
        while not botapi.too_many():  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    botapi.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request")
    with pytest.raises(Conflict):
        await asyncio.wait_for(asyncio.shield(bot.task), 15)
    [answer] = botapi.sent(42)
    assert "/quote" in answer.params["text"]
    await bot.application.stop()
    await bot.application.post_shutdown(bot.application)
    await bot.application.shutdown()
    await bot.store.close()
