"""What members write stays out of the logs at INFO and above, through the real bot: an update
that fails is named by its id, kind, command, chat and sender; its words appear only at DEBUG.
A log outlives /forgetme, so the journal must not keep what a member asked to have forgotten."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Update

from bot.telegram import delivery
from bot.telegram.handlers import _describe, _words
from tests.auxil.botapi import BotAPIStandIn

WORDS = "zanzibar7f3q"  # a token no reply, error or path of the bot contains
GROUP = -100777
FAIL_FOR_GOOD = 4  # the first try and three retries


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(delivery, "BACKOFF", 0.05)


@pytest.fixture
def watched(caplog):
    """Every logger at INFO and above, and the bot's own loggers at DEBUG too."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    return caplog


def lines(caplog: pytest.LogCaptureFixture, *, debug: bool) -> str:
    """The captured lines as the journal would have them, tracebacks included: those at INFO
    and above, or those at DEBUG."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(
        formatter.format(r) for r in caplog.records if (r.levelno < logging.INFO) == debug
    )


def last_update_id(botapi: BotAPIStandIn) -> int:
    return botapi._updates[-1]["update_id"]


async def error_logged(caplog: pytest.LogCaptureFixture, wait: float = 10.0) -> str:
    """The error line of the update that failed, once it is logged."""
    async with asyncio.timeout(wait):
        while True:
            for record in caplog.records:
                if record.getMessage().startswith("Error while handling"):
                    return record.getMessage()
            await asyncio.sleep(0.05)


def assert_words_only_at_debug(caplog: pytest.LogCaptureFixture, update_id: int) -> None:
    assert WORDS not in lines(caplog, debug=False)
    assert f"Update {update_id} carried" in lines(caplog, debug=True)
    assert WORDS in lines(caplog, debug=True)


async def test_a_failed_command_is_logged_by_id_and_name_not_by_its_words(
    botapi, running_bot, watched
):
    botapi.chat(GROUP, "supergroup")
    botapi.fail_next("sendMessage", times=FAIL_FOR_GOOD)
    botapi.send_text(f"/quote@ReadingGroupBot stab in the back {WORDS}", chat_id=GROUP)
    update_id = last_update_id(botapi)
    [apology] = await botapi.wait_for_messages(1, GROUP)
    assert "Sorry, something went wrong" in apology.params["text"]
    line = await error_logged(watched)
    assert line.startswith(f"Error while handling update {update_id}, message, /quote, ")
    assert f"chat {GROUP} (supergroup)" in line
    assert "user 501" in line
    assert "stab in the back" not in lines(watched, debug=False)
    assert_words_only_at_debug(watched, update_id)


async def test_a_failed_button_press_is_logged_by_its_command_alone(botapi, running_bot, watched):
    botapi.send_text("/quote stab in the back")
    [quote] = await botapi.wait_for_messages(1)
    botapi.fail_next("sendMessage", times=FAIL_FOR_GOOD)
    botapi.press(quote, f"/context {WORDS} ¶1")
    update_id = last_update_id(botapi)
    await botapi.wait_for_messages(2)  # the apology
    line = await error_logged(watched)
    assert line.startswith(f"Error while handling update {update_id}, button press, /context, ")
    assert_words_only_at_debug(watched, update_id)


async def test_a_failed_inline_query_is_logged_without_its_query(botapi, running_bot, watched):
    botapi.fail_next("answerInlineQuery", 400, "Bad Request: query is too old")
    botapi.inline_query(f"stab in the back {WORDS}")
    update_id = last_update_id(botapi)
    line = await error_logged(watched)
    assert line.startswith(f"Error while handling update {update_id}, inline query, ")
    assert "user 501" in line
    assert_words_only_at_debug(watched, update_id)


async def test_a_failed_file_is_logged_without_its_caption_or_name(botapi, running_bot, watched):
    botapi.fail_next("sendMessage", times=FAIL_FOR_GOOD)
    # Rosa is no curator: the refusal is what fails
    botapi.send_file(f"{WORDS}.txt", b"An article.", caption=f"/add {WORDS}")
    update_id = last_update_id(botapi)
    await botapi.wait_for_messages(1)  # the apology
    line = await error_logged(watched)
    assert line.startswith(f"Error while handling update {update_id}, message, /add, ")
    assert_words_only_at_debug(watched, update_id)
    assert f"[file {WORDS}.txt]" in lines(watched, debug=True)


CHAT = {"id": GROUP, "type": "supergroup", "title": "Reading group"}
KARL = {"id": 502, "is_bot": False, "first_name": "Karl"}
MESSAGE = {"message_id": 5, "date": 1, "chat": CHAT, "from": KARL}
PHOTO = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
UNKNOWN = f"/{WORDS}@ReadingGroupBot"
COMMAND = {"type": "bot_command", "offset": 0, "length": len(UNKNOWN)}
IN_GROUP = f"chat {GROUP} (supergroup), message 5, user 502"


def press(data: str) -> dict:
    post = MESSAGE | {"text": "a post"}
    return {"callback_query": {"id": "1", "from": KARL, "chat_instance": "1", "data": data,
                               "message": post}}  # fmt: skip


DESCRIBED = {
    "edit": (
        {"edited_message": MESSAGE | {"edit_date": 2, "text": f"I take it back {WORDS}"}},
        f"update 9, edited message, (text), {IN_GROUP}",
    ),
    "photo": (
        {"message": MESSAGE | {"photo": PHOTO, "caption": f"Look {WORDS}"}},
        f"update 9, message, (photo), {IN_GROUP}",
    ),
    "button without a command": (
        press(f"{WORDS} not a command"),
        f"update 9, button press, {IN_GROUP}",
    ),
    "forged button": (
        press(f"/{WORDS} 1"),
        f"update 9, button press, /(not a command of ours), {IN_GROUP}",
    ),
    "unknown command": (
        {"message": MESSAGE | {"text": f"{UNKNOWN} now", "entities": [COMMAND]}},
        f"update 9, message, /(not a command of ours), {IN_GROUP}",
    ),
    "chosen inline result": (
        {"chosen_inline_result": {"result_id": "r", "from": KARL, "query": WORDS}},
        "update 9, chosen inline result, user 502",
    ),
}


@pytest.mark.parametrize(("payload", "described"), DESCRIBED.values(), ids=DESCRIBED.keys())
def test_an_update_is_described_by_ids_and_kinds_alone(payload, described):
    update = Update.de_json({"update_id": 9} | payload, None)
    assert _describe(update) == described
    assert WORDS in (_words(update) or "")


def test_what_is_not_an_update_is_named_by_its_type_alone():
    assert _describe(None) == "no update"
    assert _describe(f"job {WORDS}") == "a str, not an update"
