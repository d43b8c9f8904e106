"""Telegram fails, throttles and moves things: the bot retries where that is right, waits
for the chat concerned only, and loses nothing it logged. Faults are injected by the Bot API
stand-in, at HTTP; everything else is the real bot."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram import delivery
from tests.auxil.botapi import BotAPIStandIn

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
        {"kind": "drop"},
    ],
    ids=["500", "502", "dropped connection"],
)
async def test_a_passing_failure_is_retried_and_answered_once(botapi, running_bot, fault):
    botapi.fail_next("sendMessage", **fault)
    botapi.send_text(QUOTE)
    [reply] = await botapi.wait_for_messages(1)
    assert CITED in reply.params["text"]
    await asyncio.sleep(0.3)
    assert len(botapi.sent()) == 1  # answered once: no apology, no double
    assert len(attempts(botapi)) == 2


async def test_a_time_out_is_retried(botapi, running_bot):
    botapi.fail_next("sendMessage", kind="timeout", delay=6.0)  # beyond the 5 s read time-out
    botapi.send_text(QUOTE)
    [reply] = await botapi.wait_for_messages(1, wait=15)
    assert CITED in reply.params["text"]


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
    assert "/quote stab in the back" in caplog.text
    botapi.send_text(QUOTE)  # and the bot goes on
    replies = await botapi.wait_for_messages(2)
    assert CITED in replies[1].params["text"]


async def test_a_response_that_is_not_json_is_not_sent_again(botapi, running_bot):
    # Telegram may have posted it: sending it again could post it twice.
    botapi.fail_next("sendMessage", kind="garbage")
    botapi.send_text(QUOTE)
    [apology] = await botapi.wait_for_messages(1)
    assert "Sorry" in apology.params["text"]
    [(chat, _, reason)] = await running_bot.store.undelivered()
    assert chat == 42
    assert "Invalid server response" in reason


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
