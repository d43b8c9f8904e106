"""Each chat's reading plan and daily schedule. Part of :class:`bot.storage.Store`."""

from __future__ import annotations

from bot.storage.core import (
    StoreCore,
)
from bot.storage.records import (
    Plan,
)


def _days(text: str) -> tuple[int, ...]:
    return tuple(int(d) for d in text.split(",") if d.isdigit())


class Plans(StoreCore):
    """Each chat's reading plan and daily schedule."""

    # --- reading plans -------------------------------------------------------------------

    async def plan(self, chat_id: int, timezone: str = "UTC") -> Plan:
        """A chat's plan (a fresh one if it has none yet)."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT article_order, minutes, position, last_reading, daily_time, timezone, "
                "topic_id, paused, last_date, weekdays, meeting_time, meeting_days, meeting_last "
                "FROM plans WHERE chat_id = ?",
                (chat_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return Plan(chat_id, timezone=timezone)
        order, minutes, position, last_reading, daily, tz, topic, paused, last_date, days = row[:10]
        meeting, meeting_days, meeting_last = row[10:]
        return Plan(
            chat_id, [a for a in order.split("\n") if a], minutes, position, last_reading,
            daily, tz, topic, bool(paused), last_date, _days(days), meeting,
            _days(meeting_days), meeting_last,
        )  # fmt: skip

    async def save_plan(self, plan: Plan) -> None:
        async with self._writing() as db:
            await db.execute(
                "INSERT OR REPLACE INTO plans (chat_id, article_order, minutes, position, "
                "last_reading, daily_time, timezone, topic_id, paused, last_date, weekdays, "
                "meeting_time, meeting_days, meeting_last) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    plan.chat_id, "\n".join(plan.order), plan.minutes, plan.position,
                    plan.last_reading, plan.daily_time, plan.timezone, plan.topic_id,
                    int(plan.paused), plan.last_date, ",".join(map(str, plan.weekdays)),
                    plan.meeting_time, ",".join(map(str, plan.meeting_days)), plan.meeting_last,
                ),
            )  # fmt: skip
        await self.commit()

    async def subscribed_plans(self) -> list[Plan]:
        """Every plan with a daily time or a meeting, for the scheduler."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT chat_id FROM plans WHERE daily_time IS NOT NULL OR meeting_time IS NOT NULL"
            ) as cursor,
        ):
            ids = [int(r[0]) for r in await cursor.fetchall()]
        return [await self.plan(chat_id) for chat_id in ids]
