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

    async def save_poll(
        self, chat_id: int, message_id: int, articles: list[str], closes_at: int
    ) -> None:
        """A poll on the next reading, posted: its articles in the order of its options."""
        async with self._writing() as db:
            await db.execute(
                "INSERT OR REPLACE INTO polls (chat_id, message_id, articles, closes_at) "
                "VALUES (?, ?, ?, ?)",
                (chat_id, message_id, "\n".join(articles), closes_at),
            )
        await self.commit()

    async def open_polls(self, chat_id: int | None = None) -> list[tuple[int, int, list[str], int]]:
        """(chat, message, articles, closes at) of the polls not yet closed (of one chat)."""
        where = "closed = 0" + (" AND chat_id = ?" if chat_id is not None else "")
        async with (
            self._lock,
            self._db.execute(
                f"SELECT chat_id, message_id, articles, closes_at FROM polls WHERE {where} "
                "ORDER BY closes_at",
                (chat_id,) if chat_id is not None else (),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [
            (int(chat), int(message), [a for a in str(ids).split("\n") if a], int(at))
            for chat, message, ids, at in rows
        ]

    async def close_poll(self, chat_id: int, message_id: int) -> bool:
        """Mark a poll closed; False if it was already (closed once, never twice)."""
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE polls SET closed = 1 WHERE chat_id = ? AND message_id = ? AND closed = 0",
                (chat_id, message_id),
            )
            changed = cursor.rowcount > 0
        await self.commit()
        return changed
