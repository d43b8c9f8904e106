"""Daily readings: each subscribed chat gets its next reading at its local time.

Schedules live in the database (the ``plans`` table) and nowhere else: every tick reads them
afresh, so a restart needs no rebuilding and nothing is lost. A day's post is claimed in the
database before it is sent, so no day is ever posted twice; a reading missed while the bot was
down is posted once when it comes back, the same local day. Times are wall-clock times in the
chat's own zone, so a change of daylight-saving time keeps the hour. The clock is passed in:
tests drive the scheduler with a clock of their own, never real sleeps. No Telegram imports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import ParamSpec, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.library import Library
from bot.readings import Reading, plan_readings, reading_post
from bot.reply import Block, Reply, Span, bold, code
from bot.storage import Plan, Store
from bot.terms import TermIndex
from bot.text import number
from bot.worker import Worker

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger(__name__)

MAX_SLEEP = 60.0  # seconds: the scheduler looks again at least this often
MAX_MINUTES = 60  # the longest reading time a plan may set
POLL_MOST = 5  # articles a poll offers when none are named
DAILY_EXAMPLE = "/daily 07:30 Europe/London"
MEETING_EXAMPLE = "/meeting thursday 19:00 Europe/Paris"
REMIND_BEFORE = timedelta(hours=1)  # a meeting's reminder and digest go out this long before
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")

Post = Callable[[int, int | None, Reply], Awaitable[None]]  # chat, forum topic, the post


def _still_reading() -> Reply:
    return Reply().add(
        "I'm still reading the library after a restart; readings will be ready in a minute or so."
    )


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)


def parse_time(text: str) -> time | None:
    """``07:30`` (also ``7:30``, ``07.30``, ``07h30``) as a time; None if it is not one."""
    m = _TIME.match(text.strip())
    return time(int(m[1]), int(m[2])) if m else None


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_weekdays(text: str) -> tuple[int, ...] | None:
    """Days of the week as members write them: ``mon,thu``, ``monday thursday``, ``mon-fri``,
    ``weekdays``, ``weekends``, ``daily``; Monday is 0. () means every day; None: not days."""
    words = [w for w in re.split(r"[,\s/+&]+|\band\b", text.strip().casefold()) if w]
    if not words:
        return None
    if words in (["daily"], ["everyday"], ["every", "day"]):
        return ()
    days: set[int] = set()
    for word in words:
        if word == "weekdays":
            days.update(range(5))
        elif word in ("weekends", "weekend"):
            days.update((5, 6))
        elif "-" in word:
            first, _, last = word.partition("-")
            a, b = _day(first), _day(last)
            if a is None or b is None:
                return None
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
        elif (day := _day(word)) is not None:
            days.add(day)
        else:
            return None
    return tuple(sorted(days)) if len(days) < 7 else ()


def _day(word: str) -> int | None:
    """A day of the week by its name or its first three letters or more ("thurs")."""
    if len(word) < 3:
        return None
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for day, short in enumerate(_DAYS):
        if word.startswith(short) and full[day].startswith(word.rstrip(".")):
            return day
    return None


def weekdays_text(days: tuple[int, ...]) -> str:
    """``Mon, Thu``, or "every day"."""
    return ", ".join(DAY_NAMES[d] for d in days) if days else "every day"


def zone(name: str) -> ZoneInfo | None:
    """An IANA time zone by name (``Europe/London``), or None if there is no such zone."""
    if not name or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _wall_clock(plan: Plan, day: date, hhmm: str) -> datetime:
    """A wall-clock time in the plan's zone on a local day, in UTC (a time that does not exist
    that day, in a spring-forward gap, comes out an hour later)."""
    at = parse_time(hhmm)
    assert at is not None
    return datetime.combine(day, at, tzinfo=ZoneInfo(plan.timezone)).astimezone(UTC)


def send_at(plan: Plan, day: date) -> datetime:
    """When a plan's reading goes out on a local day."""
    assert plan.daily_time is not None
    return _wall_clock(plan, day, plan.daily_time)


def reminder_at(plan: Plan, day: date) -> datetime:
    """When the reminder of a meeting on a local day goes out: REMIND_BEFORE before it."""
    assert plan.meeting_time is not None
    return _wall_clock(plan, day, plan.meeting_time) - REMIND_BEFORE


def local_today(plan: Plan, now: datetime) -> date:
    return now.astimezone(ZoneInfo(plan.timezone)).date()


def _days_ahead(
    plan: Plan, now: datetime, done: str | None, weekdays: tuple[int, ...]
) -> Iterator[date]:
    """The local days from today on (a week and more) not yet ``done`` (an ISO date) and on
    the ``weekdays`` (every day if none)."""
    today = local_today(plan, now)
    for offset in range(9):
        day = today + timedelta(days=offset)
        if done is not None and day.isoformat() <= done:
            continue
        if weekdays and day.weekday() not in weekdays:
            continue
        yield day


def next_send(plan: Plan, now: datetime) -> datetime | None:
    """When the plan posts next (now, if today's post is due and not yet made)."""
    if plan.daily_time is None or plan.paused:
        return None
    day = next(_days_ahead(plan, now, plan.last_date, plan.weekdays), None)
    return max(send_at(plan, day), now) if day is not None else None


def next_reminder(plan: Plan, now: datetime) -> datetime | None:
    """When the next meeting's reminder goes out (now, if one is due and not yet sent); none
    for a meeting that has begun."""
    if plan.meeting_time is None:
        return None
    for day in _days_ahead(plan, now, plan.meeting_last, plan.meeting_days):
        if reminder_at(plan, day) + REMIND_BEFORE >= now:
            return max(reminder_at(plan, day), now)
    return None


class Daily:
    """The scheduler, and the plan commands' logic."""

    def __init__(
        self,
        store: Store,
        library: Library,
        terms: TermIndex | Callable[[], TermIndex | None],
        post: Post,
        clock: Clock | None = None,
        default_timezone: str = "UTC",
        worker: Worker | None = None,
        wait_for_terms: Callable[[], Awaitable[object]] | None = None,
        digest: Callable[[int, int, set[str]], Awaitable[Reply]] | None = None,
    ) -> None:
        self.store = store
        self.library = library
        self._terms = terms
        self.post = post
        self.clock = clock or SystemClock()
        self.default_timezone = default_timezone
        # Readings are worked out off the event loop (bot/worker.py), and after a start a
        # command waits a bounded time for the term index rather than being refused.
        self.worker = worker
        self._wait_for_terms = wait_for_terms
        # The digest a meeting's reminder carries: chat, days, the plan's reading refs.
        self.digest = digest

    async def _work(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self.worker is None:
            return work(*args, **kwargs)
        # A reading post summarises and compares (seconds for a book): the long thread's work.
        return await self.worker.read_long(work, *args, **kwargs)

    async def _ready(self) -> bool:
        """Whether the term index is there, waiting for it a moment after a start."""
        if self.terms is None and self._wait_for_terms is not None:
            await self._wait_for_terms()
        return self.terms is not None

    @property
    def terms(self) -> TermIndex | None:
        """The term index for reading prompts; None while it is still being counted."""
        return self._terms() if callable(self._terms) else self._terms

    def _terms_now(self) -> TermIndex:
        terms = self.terms
        assert terms is not None
        return terms

    def readings(self, plan: Plan) -> list[Reading]:
        return plan_readings(self.library, plan.order, plan.minutes)

    async def tick(self, now: datetime | None = None) -> int:
        """Post every reading that is due; returns how many were posted."""
        now = now or self.clock.now()
        posted = 0
        if self.terms is None:
            return 0  # still counting after a start: due readings go out on the next tick
        for plan in await self.store.subscribed_plans():
            posted += await self._remind(plan, now)
            if plan.paused or plan.daily_time is None:
                continue
            today = local_today(plan, now)
            if plan.last_date is not None and plan.last_date >= today.isoformat():
                continue
            if plan.weekdays and today.weekday() not in plan.weekdays:
                continue
            if now < send_at(plan, today):
                continue
            plan.last_date = today.isoformat()  # claimed before it is sent: never twice
            reply = await self._work(self._advance, plan)
            await self.store.save_plan(plan)
            try:
                await self.post(plan.chat_id, plan.topic_id, reply)
                posted += 1
            except Exception:
                log.exception("Could not post the daily reading to chat %s", plan.chat_id)
        return posted

    async def _remind(self, plan: Plan, now: datetime) -> int:
        """A meeting's reminder with the digest since the last one, once, when it is due."""
        due = next_reminder(plan, now)
        if due is None or due > now:
            return 0
        today = local_today(plan, now)
        since = plan.meeting_last
        plan.meeting_last = today.isoformat()  # claimed before it is sent: never twice
        await self.store.save_plan(plan)
        days = (today - date.fromisoformat(since)).days if since else 7
        reply = Reply().add(
            bold(f"Meeting today at {plan.meeting_time}"), f" ({plan.timezone}). ",
            "What the group read and discussed since the last one:" if since else
            "What the group read and discussed this past week:",
        )  # fmt: skip
        if self.digest is not None:
            readings = {r.ref for r in await self._work(self.readings, plan)}
            digest = await self.digest(plan.chat_id, max(1, min(days, 366)), readings)
            reply.blocks += digest.blocks[1:] or [Block((Span("Nothing was logged since."),))]
            reply.carries |= digest.carries
        try:
            await self.post(plan.chat_id, plan.topic_id, reply)
        except Exception:
            log.exception("Could not post the meeting reminder to chat %s", plan.chat_id)
            return 0
        return 1

    async def meetings(self, chat_id: int) -> Reply:
        """/meeting alone: the meetings set here, or how to set them."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        if plan.meeting_time is None:
            return Reply().add(
                "No meetings set here. An admin sets them: ", code(MEETING_EXAMPLE), "."
            )
        on = weekdays_text(plan.meeting_days)
        return Reply().add(f"Meetings {on} at {plan.meeting_time} {plan.timezone}.")

    async def change_meeting(self, chat_id: int, args: list[str]) -> Reply:
        """/meeting <days> HH:MM [zone] or /meeting off (for those allowed to change the
        chat's readings; the caller checks): what is set then, or what is wrong."""
        if args == ["off"]:
            return await self.set_meeting(chat_id, (), None, None)
        days = parse_weekdays(args[0]) if args else None
        at = parse_time(args[1]) if len(args) >= 2 else None
        name = args[2] if len(args) == 3 else None
        if days is None or at is None or len(args) > 3 or (name is not None and zone(name) is None):
            what = (
                f"“{args[0][:20]}” is not a day of the week" if days is None and args
                else f"“{name[:40]}” is not a time zone I know" if name and zone(name) is None
                else "Give the day and the time"
            )  # fmt: skip
            return Reply().add(
                f"{what}: ", code(MEETING_EXAMPLE), ", or ", code("/meeting mon,thu 18:30"), "."
            )
        return await self.set_meeting(chat_id, days, at, name)

    async def set_meeting(
        self, chat_id: int, days: tuple[int, ...], at: time | None, timezone: str | None
    ) -> Reply:
        """/meeting <days> HH:MM [zone], or (``at`` None) /meeting off."""
        plan = await self.store.plan(chat_id, timezone or self.default_timezone)
        if at is None:
            plan.meeting_time, plan.meeting_days = None, ()
            await self.store.save_plan(plan)
            return Reply().add("No more meeting reminders here.")
        plan.meeting_time, plan.meeting_days = f"{at:%H:%M}", days
        if timezone:
            plan.timezone = timezone
        now = self.clock.now()
        if next_reminder(plan, now) == now:  # one due right now would be news of the past
            plan.meeting_last = local_today(plan, now).isoformat()
        await self.store.save_plan(plan)
        when = next_reminder(plan, now)
        reply = Reply().add(
            bold("Meetings"), f" {weekdays_text(days)} at {plan.meeting_time} {plan.timezone}."
        )
        if when is not None:
            local = (when + REMIND_BEFORE).astimezone(ZoneInfo(plan.timezone))
            reply.add(
                f"Next: {local:%a %-d %b, %H:%M}. An hour before each, I post a reminder with "
                "the digest: what was read, the most-discussed threads, the open questions and "
                "the quotes pulled since the last meeting."
            )
        return reply

    def _advance(self, plan: Plan) -> Reply:
        """The next reading's post, moving the plan on; at the end, a note, and a pause."""
        readings = self.readings(plan)
        if plan.position >= len(readings):
            plan.paused = True
            return Reply().add(
                bold("The reading plan is complete"),
                f": all {len(readings)} readings done. ",
                code("/plan reset"),
                " starts again; ",
                code("/daily resume"),
                " then carries on.",
            )
        index = plan.position
        plan.last_reading, plan.position = index, index + 1
        return reading_post(
            self.library, self._terms_now(), readings[index], index + 1, len(readings)
        )

    async def next_now(self, chat_id: int) -> Reply:
        """/next: the next reading, now."""
        if not await self._ready():
            return _still_reading()
        plan = await self.store.plan(chat_id, self.default_timezone)
        reply = await self._work(self._advance, plan)
        await self.store.save_plan(plan)
        return reply

    async def today(self, chat_id: int) -> Reply:
        """/today: the reading posted last, again."""
        if not await self._ready():
            return _still_reading()
        plan = await self.store.plan(chat_id, self.default_timezone)
        return await self._work(self._again, plan)

    def _again(self, plan: Plan) -> Reply:
        readings = self.readings(plan)
        if plan.last_reading is None or plan.last_reading >= len(readings):
            return Reply().add("No reading yet. ", code("/next"), " posts the first one now.")
        index = plan.last_reading
        return reading_post(
            self.library, self._terms_now(), readings[index], index + 1, len(readings)
        )

    def describe(self, plan: Plan, now: datetime) -> Reply:
        """/daily alone: the schedule, the next send in the chat's zone, progress."""
        readings = self.readings(plan)
        done = min(plan.position, len(readings))
        progress = f"{done} of {len(readings)} readings done"
        if plan.daily_time is None:
            return Reply().add(
                f"No daily reading here yet ({progress}). An admin sets one with ",
                code("/daily 07:30 Europe/London"),
                "; ",
                code("/next"),
                " posts the next reading now.",
            )
        when_read = f"{weekdays_text(plan.weekdays)} at" if plan.weekdays else "at"
        reply = Reply().add(
            bold("Daily reading"), f" {when_read} {plan.daily_time} {plan.timezone} · {progress}"
        )
        when = next_send(plan, now)
        if plan.paused:
            reply.add("Paused. ", code("/daily resume"), " carries on.")
        elif when is not None:
            local = when.astimezone(ZoneInfo(plan.timezone))
            reply.add(f"Next: {local:%a %-d %b, %H:%M} ({plan.timezone})")
        if done < len(readings):
            upcoming = readings[plan.position]
            article = self.library.get(upcoming.article_id)
            title = article.title if article else upcoming.article_id
            part = f", part {upcoming.part} of {upcoming.parts}" if upcoming.parts > 1 else ""
            reply.add(f"Up next: {title}{part} ", code(upcoming.ref))
        return reply

    async def subscribe(
        self, chat_id: int, at: time, timezone: str, topic: int | None,
        weekdays: tuple[int, ...] = (),
    ) -> Reply:  # fmt: skip
        """Set the chat's reading time (on ``weekdays``, or every day); today counts as done
        if its time has passed already."""
        plan = await self.store.plan(chat_id, timezone)
        plan.daily_time, plan.timezone, plan.topic_id, plan.paused, plan.weekdays = (
            f"{at:%H:%M}", timezone, topic, False, weekdays,
        )  # fmt: skip
        now = self.clock.now()
        today = local_today(plan, now)
        if now >= send_at(plan, today):
            plan.last_date = today.isoformat()  # the first reading comes tomorrow, not now
        elif plan.last_date is not None and plan.last_date >= today.isoformat():
            plan.last_date = (today - timedelta(days=1)).isoformat()
        await self.store.save_plan(plan)
        return await self._work(self.describe, plan, now)

    async def change_daily(self, chat_id: int, args: list[str], topic: int | None) -> Reply:
        """/daily [days] HH:MM [zone], /daily off, pause, resume or skip (for those allowed to
        change the chat's readings; the caller checks): what is set then, or what is wrong.
        ``topic``: the forum topic the readings go to (None: the chat itself)."""
        action = args[0].casefold() if args else ""
        if action in ("off", "pause", "resume", "skip") and len(args) == 1:
            return await self.set_state(chat_id, action)
        days = parse_weekdays(args[0]) if args and parse_time(args[0]) is None else None
        if days is not None:  # "/daily mon,thu 07:30 Europe/Paris": the days first
            if len(args) == 1:
                return Reply().add(
                    "At what time on those days? ", code(f"/daily {args[0][:20]} 07:30"), "."
                )
            args = args[1:]
        at = parse_time(args[0]) if args else None
        if at is None or len(args) > 2:
            return Reply().add(
                f"“{args[0][:20] if args else ''}” is not a time of day. Give hours and "
                "minutes, 00:00 to 23:59, days if not every day (", code("mon,thu"),
                "), and a time zone if not ", self.default_timezone, ": ", code(DAILY_EXAMPLE),
                ". Or ", code("/daily off"), ", ", code("pause"), ", ", code("resume"), ", ",
                code("skip"), ".",
            )  # fmt: skip
        existing = await self.store.plan(chat_id, self.default_timezone)
        name = args[1] if len(args) == 2 else existing.timezone or self.default_timezone
        if zone(name) is None:
            return Reply().add(
                f"“{name[:40]}” is not a time zone I know. Use an IANA name: ",
                code(DAILY_EXAMPLE), " or ", code("/daily 19:00 America/New_York"), ".",
            )  # fmt: skip
        return await self.subscribe(chat_id, at, name, topic, days or ())

    async def set_state(self, chat_id: int, action: str) -> Reply:
        """/daily off, pause, resume or skip."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        if plan.daily_time is None:
            return Reply().add("There is no daily reading here. Set one: ", code("/daily 07:30"))
        now = self.clock.now()
        if action == "off":
            plan.daily_time = None
            await self.store.save_plan(plan)
            return Reply().add("Daily readings stopped. The plan and its progress are kept.")
        if action == "pause":
            plan.paused = True
        elif action == "resume":
            plan.paused = False
            today = local_today(plan, now)
            if now >= send_at(plan, today):  # no burst of missed days: tomorrow, as usual
                plan.last_date = max(plan.last_date or "", today.isoformat())
        elif action == "skip":
            when = next_send(plan, now)
            if when is not None:
                plan.last_date = when.astimezone(ZoneInfo(plan.timezone)).date().isoformat()
        await self.store.save_plan(plan)
        return await self._work(self.describe, plan, now)

    async def schedule(self, chat_id: int) -> Reply:
        """/daily alone."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        return await self._work(self.describe, plan, self.clock.now())

    # --- the reading plan -----------------------------------------------------------------

    async def show_plan(self, chat_id: int) -> Reply:
        """/plan: the order, parts, what is done and what is next."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        return await self._work(self._plan_reply, plan)

    async def change_plan(self, chat_id: int, args: list[str]) -> Reply:
        """/plan move <article> <position>, /plan minutes <n>, /plan reset (for those allowed
        to change the plan; the caller checks); the plan as it is then, or what went wrong."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        action = args[0].casefold() if args else ""
        error = None
        if action == "reset" and len(args) == 1:
            plan.order, plan.position, plan.last_reading = [], 0, None
        elif (
            action == "minutes"
            and len(args) == 2
            and 1 <= (minutes := number(args[1]) or 0) <= MAX_MINUTES
        ):
            plan.minutes = minutes
        elif action == "move" and len(args) >= 3 and (position := number(args[-1])) is not None:
            error = await self._work(self._move, plan, " ".join(args[1:-1]), position)
        else:
            error = "I didn't follow that."
        if error:
            return Reply().add(
                error, " Try ", code("/plan move 5 1"), " (article 5 first), ",
                code("/plan minutes 10"), f" (1 to {MAX_MINUTES}), or ", code("/plan reset"), ".",
            )  # fmt: skip
        await self.store.save_plan(plan)
        return await self._work(self._plan_reply, plan)

    def _move(self, plan: Plan, name: str, position: int) -> str | None:
        """Move an article to a place in the plan's order; what went wrong, or None."""
        found = self.library.find_article(name)
        if len(found) != 1:
            return f"Which article is “{name[:40]}”? Use its number in /articles or its id."
        order = list(dict.fromkeys(plan.order or [a.id for a in self.library.articles]))
        named = set(order)
        order += [a.id for a in self.library.articles if a.id not in named]
        order.remove(found[0].id)
        where = min(max(position, 1), len(order) + 1)
        order.insert(where - 1, found[0].id)
        plan.order = order
        return None

    async def poll_candidates(self, chat_id: int, names: list[str]) -> list[str] | str:
        """The articles a poll on the next reading offers: those named (by number, id or title
        words, comma-separated), else the next 3 to 5 unread of the plan; or why not."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        if names:
            chosen: list[str] = []
            for name in names:
                found = self.library.find_article(name)
                if len(found) != 1:
                    return f"Which article is “{name[:40]}”? Name it by its number in /articles."
                if found[0].id not in chosen:
                    chosen.append(found[0].id)
        else:
            readings = await self._work(self.readings, plan)
            chosen = list(dict.fromkeys(r.article_id for r in readings[plan.position :]))
            current = readings[plan.position] if plan.position < len(readings) else None
            if current is not None and current.part > 1:
                chosen = chosen[1:]  # an article half read is finished first, not polled
            chosen = chosen[:POLL_MOST]
        if len(chosen) < 2:
            return (
                "A poll needs at least two articles to choose from; the plan has fewer unread. "
                "Name them: /poll 3, 5, 6."
            )
        return chosen

    async def read_next(self, chat_id: int, article_id: str) -> Reply:
        """A poll's winner becomes the plan's next reading."""
        plan = await self.store.plan(chat_id, self.default_timezone)
        readings = await self._work(self.readings, plan)
        article = self.library.get(article_id)
        title = article.title if article else article_id
        if any(r.article_id == article_id for r in readings[: plan.position]):
            return Reply().add(bold("The group chose: "), title, ", read already; the plan stays.")
        order = list(dict.fromkeys(plan.order or [a.id for a in self.library.articles]))
        named = set(order)
        order += [a.id for a in self.library.articles if a.id not in named]
        if article_id in order:
            order.remove(article_id)
        current = readings[plan.position] if plan.position < len(readings) else None
        if current is None:
            where = len(order)
        elif current.part > 1:  # finish the article being read, then the winner
            where = order.index(current.article_id) + 1 if current.article_id in order else 0
        else:
            where = order.index(current.article_id) if current.article_id in order else 0
        order.insert(where, article_id)
        # Readings done stay done: the order before the next one is the order they were read in.
        plan.order = order
        await self.store.save_plan(plan)
        return Reply().add(bold("The group chose: "), title, ". It is the next reading.")

    def _plan_reply(self, plan: Plan) -> Reply:
        readings = self.readings(plan)
        reply = Reply().add(
            bold("Reading plan"),
            f" · about {plan.minutes} min a reading · {min(plan.position, len(readings))} of "
            f"{len(readings)} done",
        )
        lines = []
        for index, reading in enumerate(readings):
            article = self.library.get(reading.article_id)
            title = article.title if article else reading.article_id
            title = title if len(title) <= 60 else title[:59] + "…"
            part = f" (part {reading.part} of {reading.parts})" if reading.parts > 1 else ""
            mark = "✓" if index < plan.position else "→" if index == plan.position else " "
            lines.append(f"{mark} {index + 1}. {title}{part}")
        reply.add("\n".join(lines))
        reply.add(
            "Admins: ", code("/plan move <article> <position>"), ", ", code("/plan minutes <n>"),
            ", ", code("/plan reset"), ". ", code("/next"), " posts the next reading now.",
        )  # fmt: skip
        return reply

    async def run(self) -> None:
        """Post due readings until cancelled, waking for the next one (at least every minute)."""
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("Daily readings: a tick failed; trying again shortly")
            now = self.clock.now()
            plans = await self.store.subscribed_plans()
            upcoming = [t for p in plans if (t := next_send(p, now))]
            upcoming += [t for p in plans if (t := next_reminder(p, now))]
            wait = min([(t - now).total_seconds() for t in upcoming] + [MAX_SLEEP])
            await self.clock.sleep(max(wait, 0.5))
