"""A member flooding the bot: one polite notice, then silence for them; everyone else is
answered, everything is logged, and the bot never earns a 429 from Telegram."""

from __future__ import annotations

import asyncio

from tests.auxil.botapi import BotAPIStandIn

GROUP, OTHER = -100123, -100456
FLOODER, CALM = 666, 501


async def logged_from(store, chat_id: int, user_id: int) -> int:
    await store.commit()
    return sum(1 for m in await store.since([chat_id], 0) if m.sender_id == user_id)


async def test_a_flooding_member_gets_one_notice_and_others_are_answered(
    botapi: BotAPIStandIn, running_bot
):
    botapi.chat(GROUP, "supergroup")
    botapi.chat(OTHER, "supergroup")
    for n in range(50):  # 50 commands in a moment
        botapi.send_text(f"/quote@ReadingGroupBot stab in the back {n}", chat_id=GROUP,
                         user_id=FLOODER, first_name="Flo")  # fmt: skip
    botapi.send_text("/quote no war but the class war", chat_id=GROUP, user_id=CALM)
    botapi.send_text("/quote stab in the back", chat_id=OTHER, user_id=CALM + 1)
    await botapi.wait_for_messages(1, OTHER)
    replies = await botapi.wait_for_messages(8, GROUP)
    await asyncio.sleep(0.5)
    replies = botapi.sent(GROUP)
    notices = [r for r in replies if "more than I can answer at once" in r.params["text"]]
    assert len(notices) == 1
    assert notices[0].params["text"].startswith("Flo, that is more than I can answer at once.")
    answered = [r for r in replies if "putin-v-prigozhin" in r.params["text"]]
    assert len(answered) == 6 + 1  # the flooder's first burst, and the calm member
    assert "<b>No War but the Class War</b>" in replies[-1].params["text"]
    assert not botapi.too_many()
    assert await logged_from(running_bot.store, GROUP, FLOODER) == 50  # nothing lost from the log


async def test_a_throttled_member_is_answered_again_after_slowing_down(botapi, running_bot):
    throttle = running_bot.application.bot_data.throttle
    throttle.every = 0.5  # a quicker refill, so the test need not wait five seconds
    for _ in range(10):
        botapi.send_text("/help")
    await botapi.wait_for_messages(7)
    await asyncio.sleep(1.2)
    assert len(botapi.sent()) == 7  # six answers and the notice
    botapi.send_text("/help")
    await botapi.wait_for_messages(8)
    assert "/quote" in botapi.sent()[-1].params["text"]


async def test_button_mashing_gets_one_alert(botapi, running_bot):
    botapi.send_text("/quote stab in the back")
    [quote] = await botapi.wait_for_messages(1)
    context = next(b["callback_data"] for row in quote.params["reply_markup"]["inline_keyboard"]
                   for b in row if b["text"] == "Context")  # fmt: skip
    for _ in range(20):
        botapi.press(quote, context)
    async with asyncio.timeout(10):
        while len(botapi.answers()) < 20:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    alerts = [a for a in botapi.answers() if a.params.get("show_alert")]
    assert len(alerts) == 1
    assert "more than I can answer" in alerts[0].params["text"]
    assert len(botapi.sent()) == 1 + 5  # the quote, then context for the burst left (6 - 1)


async def test_commands_for_other_bots_do_not_count(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    for _ in range(30):
        botapi.send_text("/roll@DiceBot", chat_id=GROUP, user_id=FLOODER)
    botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP, user_id=FLOODER)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert "putin-v-prigozhin ¶11" in reply.params["text"]
