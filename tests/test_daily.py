"""The daily-reading scheduler on a clock the test controls: no real sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.daily import Daily, next_send, parse_time, zone
from bot.reply import Reply
from bot.storage import Store
from bot.terms import TermIndex

CHAT = -100900
LONDON = "Europe/London"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("tests never sleep")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def terms(library):
    return TermIndex(library)


@pytest.fixture
async def scheduler(tmp_path, library, terms):
    store = await Store.open(tmp_path / "db.sqlite3")
    posts: list[tuple[int, int | None, Reply]] = []

    async def post(chat_id: int, topic: int | None, reply: Reply) -> None:
        posts.append((chat_id, topic, reply))

    daily = Daily(store, library, terms, post, FakeClock(utc(2026, 3, 27, 12, 0)))
    daily.posts = posts
    yield daily
    await store.close()


def headings(daily) -> list[str]:
    return [reply.blocks[0].spans[0].text for _, _, reply in daily.posts]


async def subscribe(daily, at: str, tz: str = LONDON, topic: int | None = None, when=None):
    if when is not None:
        daily.clock.current = when
    return await daily.subscribe(CHAT, parse_time(at), tz, topic)


async def test_the_reading_goes_out_at_local_time_across_daylight_saving(scheduler):
    await subscribe(scheduler, "07:30", when=utc(2026, 3, 27, 12, 0))  # Friday, after 07:30
    assert await scheduler.tick(utc(2026, 3, 28, 7, 29)) == 0  # Saturday, GMT: 07:30 is 07:30Z
    assert await scheduler.tick(utc(2026, 3, 28, 7, 30)) == 1
    # Sunday the clocks go forward: 07:30 BST is 06:30 UTC.
    assert await scheduler.tick(utc(2026, 3, 29, 6, 29)) == 0
    assert await scheduler.tick(utc(2026, 3, 29, 6, 30)) == 1
    assert await scheduler.tick(utc(2026, 3, 29, 7, 30)) == 0  # not again at the old hour
    # October: back to GMT, the hour stays 07:30 local.
    await scheduler.store.save_plan(await scheduler.store.plan(CHAT))
    assert await scheduler.tick(utc(2026, 10, 25, 6, 30)) == 0
    assert await scheduler.tick(utc(2026, 10, 25, 7, 30)) == 1
    assert headings(scheduler) == ["Reading 1 of 5", "Reading 2 of 5", "Reading 3 of 5"]


async def test_a_reading_missed_while_down_is_posted_once_the_same_day(scheduler, library, terms):
    await subscribe(scheduler, "07:30", when=utc(2026, 6, 1, 12, 0))
    # The bot was down from before 07:30 (06:30Z in summer) until 10:00 local.
    assert await scheduler.tick(utc(2026, 6, 2, 9, 0)) == 1
    assert await scheduler.tick(utc(2026, 6, 2, 9, 5)) == 0
    restarted = Daily(scheduler.store, library, terms, scheduler.post, FakeClock(utc(2026, 6, 2, 9, 6)))  # fmt: skip
    assert await restarted.tick() == 0  # never twice, even after a restart
    # Down the whole of 3 June: that day's reading is not posted late on the 4th ...
    assert await restarted.tick(utc(2026, 6, 4, 5, 0)) == 0
    # ... the 4th gets its own, the next in the plan.
    assert await restarted.tick(utc(2026, 6, 4, 6, 30)) == 1
    assert headings(scheduler) == ["Reading 1 of 5", "Reading 2 of 5"]


async def test_a_new_schedule_starts_tomorrow_when_todays_time_has_passed(scheduler):
    await subscribe(scheduler, "07:30", when=utc(2026, 6, 1, 12, 0))
    assert await scheduler.tick(utc(2026, 6, 1, 12, 1)) == 0
    await subscribe(scheduler, "18:00", when=utc(2026, 6, 1, 12, 2))  # later today: today
    assert await scheduler.tick(utc(2026, 6, 1, 17, 0)) == 1  # 18:00 BST


async def test_pause_resume_and_skip(scheduler):
    await subscribe(scheduler, "07:30", when=utc(2026, 6, 1, 12, 0))
    scheduler.clock.current = utc(2026, 6, 1, 12, 0)
    await scheduler.set_state(CHAT, "pause")
    assert await scheduler.tick(utc(2026, 6, 2, 7, 0)) == 0
    scheduler.clock.current = utc(2026, 6, 2, 8, 0)
    await scheduler.set_state(CHAT, "resume")  # after today's time: carries on tomorrow
    assert await scheduler.tick(utc(2026, 6, 2, 8, 1)) == 0
    await scheduler.set_state(CHAT, "skip")  # tomorrow is skipped ...
    assert await scheduler.tick(utc(2026, 6, 3, 7, 0)) == 0
    assert await scheduler.tick(utc(2026, 6, 4, 7, 0)) == 1  # ... and the reading waits for it
    assert headings(scheduler) == ["Reading 1 of 5"]
    await scheduler.set_state(CHAT, "off")
    assert await scheduler.tick(utc(2026, 6, 5, 7, 0)) == 0


async def test_a_time_that_does_not_exist_that_day_posts_an_hour_later(scheduler):
    await subscribe(scheduler, "01:30", when=utc(2026, 3, 28, 12, 0))
    assert await scheduler.tick(utc(2026, 3, 29, 0, 59)) == 0
    assert await scheduler.tick(utc(2026, 3, 29, 1, 30)) == 1  # 02:30 BST: the gap skipped


async def test_forum_topic_and_the_end_of_the_plan(scheduler):
    await subscribe(scheduler, "07:30", "UTC", topic=77, when=utc(2026, 6, 1, 12, 0))
    for day in range(2, 8):
        await scheduler.tick(utc(2026, 6, day, 7, 30))
    assert {topic for _, topic, _ in scheduler.posts} == {77}
    assert headings(scheduler)[-1] == "The reading plan is complete"
    assert await scheduler.tick(utc(2026, 6, 9, 7, 30)) == 0  # paused at the end, not repeated


async def test_describe_shows_the_next_time_in_the_chats_zone_and_progress(scheduler):
    reply = await subscribe(scheduler, "07:30", "Asia/Tokyo", when=utc(2026, 6, 1, 12, 0))
    text = reply.text()
    assert "at 07:30 Asia/Tokyo · 0 of 5 readings done" in text
    assert "Next: Tue 2 Jun, 07:30 (Asia/Tokyo)" in text
    assert "Up next: The twisted logic of the pro-Putin left" in text
    plan = await scheduler.store.plan(CHAT)
    assert next_send(plan, utc(2026, 6, 1, 12, 0)) == utc(2026, 6, 1, 22, 30)


@pytest.mark.parametrize(("text", "expected"), [("07:30", time(7, 30)), ("7.05", time(7, 5)), ("23h59", time(23, 59)), ("25:99", None), ("24:00", None), ("noon", None), ("", None)])  # fmt: skip
def test_times_of_day(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "", "/etc/localtime"])
def test_unknown_zones(name):
    assert zone(name) is None


async def test_no_reading_goes_out_while_the_library_is_still_being_read(tmp_path, library):
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        posts = []

        async def post(chat_id, topic, reply):
            posts.append(reply)

        daily = Daily(store, library, lambda: None, post, FakeClock(utc(2026, 6, 1, 12, 0)))
        await daily.subscribe(CHAT, parse_time("07:30"), LONDON, None)
        assert await daily.tick(utc(2026, 6, 2, 9, 0)) == 0  # due, but not ready: waits
        assert "still reading the library" in (await daily.next_now(CHAT)).text()
        daily._terms = TermIndex(library)  # ready now: the same day's reading goes out once
        assert await daily.tick(utc(2026, 6, 2, 9, 1)) == 1
        assert await daily.tick(utc(2026, 6, 2, 9, 2)) == 0
    finally:
        await store.close()


def test_weekdays_are_read_as_members_write_them():
    from bot.daily import parse_weekdays

    assert parse_weekdays("mon,thu") == (0, 3)
    assert parse_weekdays("Monday Thursday") == (0, 3)
    assert parse_weekdays("mon-fri") == parse_weekdays("weekdays") == (0, 1, 2, 3, 4)
    assert parse_weekdays("fri-mon") == (0, 4, 5, 6)
    assert parse_weekdays("daily") == ()
    assert parse_weekdays("thurs") == (3,)
    for not_days in ("07:30", "bananas", "mo", ""):
        assert parse_weekdays(not_days) is None


async def test_readings_on_chosen_weekdays_only_and_never_twice(scheduler):
    # Friday 27 March 2026, noon; readings on Mondays and Thursdays at 07:30, Paris time.
    scheduler.clock.current = utc(2026, 3, 27, 12, 0)
    reply = await scheduler.subscribe(CHAT, parse_time("07:30"), "Europe/Paris", None, (0, 3))
    assert "Daily reading Mon, Thu at 07:30 Europe/Paris" in reply.text()
    assert "Next: Mon 30 Mar, 07:30" in reply.text()  # after the spring-forward Sunday
    for day, hour in ((28, 6), (29, 5), (30, 5), (31, 5), (1, 5), (2, 5)):  # 07:30 local
        month = 3 if day > 20 else 4
        scheduler.clock.current = utc(2026, month, day, hour, 31)
        await scheduler.tick()
        await scheduler.tick()  # a second tick the same day posts nothing more
    posted = [(p[2].blocks[0].spans[0].text) for p in scheduler.posts]
    assert len(posted) == 2  # Monday 30 March and Thursday 2 April


async def test_a_meeting_gets_one_reminder_an_hour_before_with_the_digest(scheduler):
    digests: list[tuple[int, int]] = []

    async def digest(chat: int, days: int, refs: set[str]) -> Reply:
        digests.append((chat, days))
        return Reply().add("Digest").add("Most discussed: the truce thread")

    scheduler.digest = digest
    scheduler.clock.current = utc(2026, 3, 30, 12, 0)  # Monday
    reply = await scheduler.set_meeting(CHAT, (3,), parse_time("19:00"), "Europe/Paris")
    assert reply.text().startswith("Meetings Thu at 19:00 Europe/Paris.")
    assert "Next: Thu 2 Apr, 19:00" in reply.text()
    for hour in (16, 16, 17, 17):  # 18:xx and 19:xx in Paris (UTC+2) on Thursday 2 April
        scheduler.clock.current = utc(2026, 4, 2, hour, 5)
        await scheduler.tick()
    [(chat, _, sent)] = scheduler.posts
    assert chat == CHAT
    assert sent.text().startswith("Meeting today at 19:00 (Europe/Paris).")
    assert "Most discussed: the truce thread" in sent.text()
    assert digests == [(CHAT, 7)]
    scheduler.clock.current = utc(2026, 4, 9, 16, 5)  # the next Thursday: since the last one
    await scheduler.tick()
    assert digests[-1] == (CHAT, 7)
    assert len(scheduler.posts) == 2
    off = await scheduler.set_meeting(CHAT, (), None, None)
    assert off.text() == "No more meeting reminders here."


async def test_daily_and_meeting_read_their_words_as_members_type_them(scheduler):
    scheduler.clock.current = utc(2026, 3, 30, 12, 0)  # Monday
    set_ = await scheduler.change_daily(CHAT, ["mon,thu", "18:30", "Europe/Paris"], None)
    assert "18:30" in set_.text()
    assert "Europe/Paris" in set_.text()
    for words, wrong in [
        (["25:99"], "“25:99” is not a time of day"),
        (["thursday"], "At what time on those days?"),
        (["07:30", "Mars/Olympus"], "“Mars/Olympus” is not a time zone I know"),
    ]:
        assert (await scheduler.change_daily(CHAT, words, None)).text().startswith(wrong)
    assert (await scheduler.meetings(CHAT)).text().startswith("No meetings set here.")
    met = await scheduler.change_meeting(CHAT, ["thu", "19:00"])
    assert met.text().startswith("Meetings Thu at 19:00 Europe/Paris.")  # the plan's zone
    assert (await scheduler.meetings(CHAT)).text() == "Meetings Thu at 19:00 Europe/Paris."
    for words, wrong in [
        (["someday", "19:00"], "“someday” is not a day of the week"),
        (["thu"], "Give the day and the time"),
        (["thu", "19:00", "Mars/Olympus"], "“Mars/Olympus” is not a time zone I know"),
    ]:
        assert (await scheduler.change_meeting(CHAT, words)).text().startswith(wrong)
    off = await scheduler.change_meeting(CHAT, ["off"])
    assert off.text() == "No more meeting reminders here."
