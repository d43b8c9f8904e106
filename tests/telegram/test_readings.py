"""Daily readings through the real bot: commands, a scheduled post in its topic, its thread."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.auxil.botapi import parse_telegram_html

GROUP = -100321
ADMIN = 900


def texts(calls):
    return [parse_telegram_html(c.params["text"]) for c in calls]


async def test_bad_daily_input_gets_an_explanation_with_an_example(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_text("/daily@ReadingGroupBot 25:99", chat_id=GROUP, user_id=ADMIN)
    botapi.send_text("/daily@ReadingGroupBot 07:30 Mars/Olympus", chat_id=GROUP, user_id=ADMIN)
    botapi.send_text("/daily@ReadingGroupBot 07:30", chat_id=GROUP, user_id=501)  # not an admin
    botapi.send_text("/plan@ReadingGroupBot move nowhere 1", chat_id=GROUP, user_id=ADMIN)
    answers = texts(await botapi.wait_for_messages(4, GROUP))
    assert "“25:99” is not a time of day" in answers[0]
    assert "/daily 07:30 Europe/London" in answers[0]
    assert "“Mars/Olympus” is not a time zone I know" in answers[1]
    assert "Only this group's admins can change its daily reading." in answers[2]
    assert "Which article is “nowhere”?" in answers[3]
    assert not botapi.refused()


async def test_a_scheduled_reading_posts_into_its_topic_and_opens_a_thread(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_text("/daily@ReadingGroupBot 07:30 Europe/Berlin", chat_id=GROUP, user_id=ADMIN, topic=55)  # fmt: skip
    [answer] = await botapi.wait_for_messages(1, GROUP)
    assert "Daily reading at 07:30 Europe/Berlin · 0 of 5 readings done" in parse_telegram_html(answer.params["text"])  # fmt: skip
    assert answer.params["message_thread_id"] == "55"
    daily = running_bot.application.bot_data.daily
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    due = tomorrow.replace(hour=12, minute=0, second=0, microsecond=0)  # after 07:30 in Berlin
    assert await daily.tick(due) == 1
    assert await daily.tick(due + timedelta(minutes=5)) == 0
    reading = botapi.sent(GROUP)[1]
    assert reading.params["message_thread_id"] == "55"
    assert parse_telegram_html(reading.params["text"]).startswith("Reading 1 of 5")
    botapi.send_text("A good start.", chat_id=GROUP, reply_to=reading.result, topic=55)
    await asyncio.sleep(0.3)
    await running_bot.intake.drain()
    thread = await running_bot.store.thread(GROUP, reading.result["message_id"])
    assert [m.text for m in thread][-1] == "A good start."
    assert thread[0].refs == ("pro-putin-left ¶1",)


async def test_plan_next_and_today(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_text("/plan@ReadingGroupBot move 5 1", chat_id=GROUP, user_id=ADMIN)
    [plan] = await botapi.wait_for_messages(1, GROUP)
    lines = parse_telegram_html(plan.params["text"])
    assert "→ 1. Revolution in the 'progressive' bloc" in lines
    assert "  2. The twisted logic of the pro-Putin left" in lines
    botapi.send_text("/today@ReadingGroupBot", chat_id=GROUP)
    botapi.send_text("/next@ReadingGroupBot", chat_id=GROUP, user_id=ADMIN)
    await botapi.wait_for_messages(3, GROUP)
    botapi.send_text("/today@ReadingGroupBot", chat_id=GROUP)
    botapi.send_text("/plan@ReadingGroupBot minutes 2", chat_id=GROUP, user_id=ADMIN)
    replies = texts(await botapi.wait_for_messages(5, GROUP))
    assert "No reading yet." in replies[1]
    assert replies[2].startswith("Reading 1 of 5\n\nRevolution in the 'progressive' bloc")
    assert replies[3].startswith("Reading 1 of 5\n\nRevolution in the 'progressive' bloc")
    assert "about 2 min a reading · 1 of 8 done" in replies[4]
    assert "(part 2 of 3)" in replies[4]


async def test_removed_bot_drops_the_schedule_and_a_supergroup_keeps_its_plan(botapi, running_bot):
    old, new = -5001, -1005001
    botapi.chat(old, "group")
    botapi.admins.add(ADMIN)
    botapi.send_text("/daily@ReadingGroupBot 08:00 UTC", chat_id=old, user_id=ADMIN)
    botapi.send_text("/next@ReadingGroupBot", chat_id=old, user_id=ADMIN)
    await botapi.wait_for_messages(2, old)
    botapi.migrate(old, new)
    await asyncio.sleep(0.3)
    await running_bot.intake.drain()
    store = running_bot.store
    moved = await store.plan(new)
    assert (moved.daily_time, moved.position) == ("08:00", 1)
    botapi.bot_membership(new, "kicked")
    await asyncio.sleep(0.3)
    await running_bot.intake.drain()
    assert (await store.plan(new)).daily_time is None
    assert await store.subscribed_plans() == []


async def test_readings_on_weekdays_through_the_bot(botapi, running_bot):
    botapi.send_text("/daily thursday", chat_id=42)
    botapi.send_text("/daily mon,thu 07:30 Europe/Paris", chat_id=42)
    botapi.send_text("/daily", chat_id=42)
    asked, set_up, status = texts(await botapi.wait_for_messages(3, 42))
    assert asked == "At what time on those days? /daily thursday 07:30."
    assert set_up.startswith("Daily reading Mon, Thu at 07:30 Europe/Paris")
    assert status.startswith("Daily reading Mon, Thu at 07:30 Europe/Paris")
    plan = await running_bot.store.plan(42)
    assert plan.weekdays == (0, 3)


async def test_meetings_are_set_by_admins_and_explained_when_wrong(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    for text, user in (
        ("/meeting@ReadingGroupBot thursday 19:00 Europe/Paris", ADMIN),
        ("/meeting@ReadingGroupBot thursday", ADMIN),
        ("/meeting@ReadingGroupBot someday 19:00", ADMIN),
        ("/meeting@ReadingGroupBot friday 19:00", 501),
        ("/meeting@ReadingGroupBot", 501),
    ):
        botapi.send_text(text, chat_id=GROUP, user_id=user)
    set_up, no_time, no_day, refused, shown = texts(await botapi.wait_for_messages(5, GROUP))
    assert set_up.startswith("Meetings Thu at 19:00 Europe/Paris.")
    assert "An hour before each, I post a reminder with the digest" in set_up
    assert no_time.startswith("Give the day and the time: /meeting thursday 19:00 Europe/Paris")
    assert no_day.startswith("“someday” is not a day of the week")
    assert refused == "Only this group's admins can set its meetings."
    assert shown == "Meetings Thu at 19:00 Europe/Paris."


async def test_a_poll_on_the_next_reading_whose_winner_goes_next_even_after_a_restart(
    botapi, tmp_path
):
    from bot.commands import Commands
    from bot.library import load_library
    from tests.conftest import SEEDS, start_bot, stop_bot

    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    bot = await start_bot(botapi, Commands(load_library(SEEDS)), tmp_path / "bot.sqlite3")
    try:
        botapi.send_text("/poll@ReadingGroupBot", chat_id=GROUP, user_id=501)  # a member
        [refused] = await botapi.wait_for_messages(1, GROUP)
        assert "Only this group's admins can poll" in parse_telegram_html(refused.params["text"])
        botapi.send_text("/poll@ReadingGroupBot 3", chat_id=GROUP, user_id=ADMIN)
        [few] = texts(await botapi.wait_for_messages(2, GROUP))[1:]
        assert few.startswith("A poll needs at least two articles")
        botapi.send_text("/poll@ReadingGroupBot", chat_id=GROUP, user_id=ADMIN)
        [sent] = await botapi.wait_for_calls("sendPoll", 1)
        assert sent.ok, sent.error
        options = [o["text"] if isinstance(o, dict) else o for o in sent.params["options"]]
        assert len(options) == 5  # the plan's next five unread articles
        botapi.votes[sent.result["message_id"]] = [1, 0, 4, 2, 0]  # the third wins
        winner = options[2]
    finally:
        await stop_bot(bot)
    bot = await start_bot(botapi, Commands(load_library(SEEDS)), tmp_path / "bot.sqlite3")
    try:  # a restart loses no poll: it is stored
        botapi.send_text("/poll@ReadingGroupBot close", chat_id=GROUP, user_id=ADMIN)
        chose = (await botapi.wait_for_messages(3, GROUP))[2]
        chosen = parse_telegram_html(chose.params["text"])
        assert chosen.startswith(f"The group chose: {winner[:60]}")
        assert chosen.endswith(". It is the next reading.")
        botapi.send_text("/plan@ReadingGroupBot", chat_id=GROUP)
        plan = parse_telegram_html((await botapi.wait_for_messages(4, GROUP))[3].params["text"])
        assert f"→ 1. {winner[:20]}" in plan
        botapi.send_text("/poll@ReadingGroupBot close", chat_id=GROUP, user_id=ADMIN)
        again = parse_telegram_html((await botapi.wait_for_messages(5, GROUP))[4].params["text"])
        assert again == "There is no open poll here."
    finally:
        await stop_bot(bot)
