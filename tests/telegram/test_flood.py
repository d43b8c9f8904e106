"""Members and the flood guard, through the real bot: a person clicking through the bot's answers
is always answered; a flood gets one polite notice, then silence for that member; everyone else
is answered, everything is logged, and the bot never earns a 429 from Telegram.

The throttle's clock is stopped (see :func:`clock`): every request of a test comes at one
instant, the hardest case for the member, however slowly this machine gets to them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.telegram import flood
from tests.auxil.botapi import WAIT, BotAPIStandIn, Call

GROUP, OTHER = -100123, -100456
FLOODER, CALM, ADMIN = 666, 501, 900
OVER_THE_LIMIT = "more than I can answer at once"


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The flood guard's clock, standing still until a test moves it on."""
    stopped = Clock(1_000.0)
    monkeypatch.setattr(flood, "monotonic", stopped)
    return stopped


async def until(botapi: BotAPIStandIn, condition: Callable[[], bool]) -> None:
    """Wait (up to WAIT seconds) until the bot's requests so far make ``condition`` true."""
    try:
        async with asyncio.timeout(WAIT), botapi._changed:
            await botapi._changed.wait_for(condition)
    except TimeoutError:
        said = [f"{c.method}: {c.params.get('text', '')[:60]}" for c in botapi.calls]
        pytest.fail(f"still waiting after {WAIT} s; the bot sent {said}")


def texts(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls]


def buttons(post: Call) -> dict[str, str]:
    """The callback data of the buttons under a post, by label."""
    rows = post.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def logged_from(store, chat_id: int, user_id: int) -> int:
    await store.commit()
    return sum(1 for m in await store.since([chat_id], 0) if m.sender_id == user_id)


async def test_clicking_through_an_answer_then_threads_and_export_is_all_answered(
    botapi: BotAPIStandIn, running_bot, clock: Clock
):
    """Issue 13: an admin pressed More, Context and Discuss under a /quote answer, then sent
    /threads and /export 7; the export got "more than I can answer" and the next command
    nothing at all."""
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_text("/quote stab in the back", chat_id=GROUP, user_id=ADMIN, first_name="Ada")
    [quote] = await botapi.wait_for_messages(1, GROUP)
    under_it = buttons(quote)
    for label in ("More", "Context", "Discuss"):
        botapi.press(quote, under_it[label], user_id=ADMIN)
    for command in ("/threads", "/export 7", "/help"):
        botapi.send_text(command, chat_id=GROUP, user_id=ADMIN, first_name="Ada")
    # One chat's answers come in order, so /help's answer comes last.
    await until(botapi, lambda: any("<b>Commands</b>" in t for t in texts(botapi.sent(GROUP))))
    _, more, context, discuss, threads, help_ = texts(botapi.sent(GROUP))
    assert "putin-v-prigozhin" in more
    assert "putin-v-prigozhin" in context
    assert "Discussion:" in discuss
    assert "Recent threads" in threads
    assert "<b>Commands</b>" in help_
    assert len(botapi.documents()) == 2  # the export, as Markdown and HTML
    presses = botapi.answers()
    assert len(presses) == 3
    assert not any(p.params.get("show_alert") for p in presses)
    assert not any(OVER_THE_LIMIT in t for t in texts(botapi.calls))
    assert not botapi.too_many()


async def test_a_flooding_member_gets_one_notice_and_others_are_answered(
    botapi: BotAPIStandIn, running_bot, clock: Clock
):
    botapi.chat(GROUP, "supergroup")
    botapi.chat(OTHER, "supergroup")
    for n in range(50):  # 50 commands in a moment
        botapi.send_text(f"/quote@ReadingGroupBot stab in the back {n}", chat_id=GROUP,
                         user_id=FLOODER, first_name="Flo")  # fmt: skip
    botapi.send_text("/quote no war but the class war", chat_id=GROUP, user_id=CALM)
    botapi.send_text("/quote stab in the back", chat_id=OTHER, user_id=CALM + 1)
    await botapi.wait_for_messages(1, OTHER)
    # The calm member asked after all 50, so once they are answered the flood is handled.
    await until(botapi, lambda: "No War but the Class War" in "".join(texts(botapi.sent(GROUP))))
    replies = botapi.sent(GROUP)
    notices = [r for r in replies if OVER_THE_LIMIT in r.params["text"]]
    assert len(notices) == 1
    assert notices[0].params["text"] == flood.notice("Flo", 4)
    answered = [r for r in replies if "putin-v-prigozhin" in r.params["text"]]
    assert len(answered) == 12 + 1  # the flooder's burst, and the calm member
    assert "<b>No War but the Class War</b>" in replies[-1].params["text"]
    assert not botapi.too_many()
    assert await logged_from(running_bot.store, GROUP, FLOODER) == 50  # nothing lost from the log


async def test_a_throttled_member_is_answered_again_after_the_pause_they_were_told(
    botapi: BotAPIStandIn, running_bot, clock: Clock
):
    botapi.chat(GROUP, "supergroup")

    def ask(user_id: int = CALM, first_name: str = "Rosa") -> int:
        sent = botapi.send_text("/help", chat_id=GROUP, user_id=user_id, first_name=first_name)
        return sent["message_id"]

    def karl() -> int:  # another member, after Rosa: once Karl is answered, Rosa was handled
        return ask(502, "Karl")

    def answered() -> list[int]:
        return [c.params["reply_parameters"]["message_id"] for c in botapi.sent(GROUP)]

    flood_ = [ask() for _ in range(15)]
    first_karl = karl()
    sent = texts(await botapi.wait_for_messages(12 + 1 + 1, GROUP))
    assert answered() == [*flood_[:13], first_karl]  # twelve answers, then the notice
    assert sent[12] == flood.notice("Rosa", 4)
    clock.now += 2.0  # too soon: skipped, and the pause starts again
    ask()
    too_soon_karl = karl()
    await botapi.wait_for_messages(15, GROUP)
    clock.now += 4.0  # the pause the notice asked for
    after_pause = [ask(), karl()]
    sent = texts(await botapi.wait_for_messages(17, GROUP))
    assert answered()[-3:] == [too_soon_karl, *after_pause]
    assert all("<b>Commands</b>" in t for t in sent[-3:])
    assert sum(OVER_THE_LIMIT in t for t in sent) == 1


async def test_button_mashing_gets_one_alert(botapi: BotAPIStandIn, running_bot, clock: Clock):
    botapi.send_text("/quote stab in the back")
    [quote] = await botapi.wait_for_messages(1)
    context = buttons(quote)["Context"]
    for _ in range(20):
        botapi.press(quote, context)
    await until(botapi, lambda: len(botapi.answers()) == 20)  # every press stops its spinner
    alerts = [a for a in botapi.answers() if a.params.get("show_alert")]
    assert len(alerts) == 1
    assert OVER_THE_LIMIT in alerts[0].params["text"]
    assert len(botapi.sent()) == 1 + 11  # the quote, then context for the burst left (12 - 1)


async def test_commands_for_other_bots_do_not_count(botapi, running_bot, clock: Clock):
    botapi.chat(GROUP, "supergroup")
    for _ in range(30):
        botapi.send_text("/roll@DiceBot", chat_id=GROUP, user_id=FLOODER)
    botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP, user_id=FLOODER)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert "putin-v-prigozhin ¶11" in reply.params["text"]


async def test_forgetme_is_heard_however_much_a_member_sent_before(
    botapi: BotAPIStandIn, running_bot, clock: Clock
):
    botapi.chat(GROUP, "supergroup")
    for n in range(20):  # over the limit
        botapi.send_text(f"/help@ReadingGroupBot {n}", chat_id=GROUP, user_id=FLOODER, first_name="Flo")  # fmt: skip
    botapi.send_text("/forgetme@ReadingGroupBot", chat_id=GROUP, user_id=FLOODER, first_name="Flo")
    await until(botapi, lambda: any("Done: I deleted" in t for t in texts(botapi.sent(GROUP))))
    assert await logged_from(running_bot.store, GROUP, FLOODER) == 0
