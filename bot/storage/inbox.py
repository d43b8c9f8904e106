"""Updates taken in: the inbox, kept until each is answered. Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time
from collections.abc import Iterable

from bot.storage.core import (
    StoreCore,
)


class Inbox(StoreCore):
    """Updates taken in: the inbox, kept until each is answered."""

    # --- intake ------------------------------------------------------------------------------

    async def save_updates(self, updates: Iterable[tuple[int, str]], bot_id: int = 0) -> None:
        """Store fetched updates durably (committed before this returns); repeats are ignored.
        Update ids count per bot, so the newest is kept per bot."""
        now = time.time()
        rows = [(uid, payload, now) for uid, payload in updates]
        if not rows:
            return
        async with self._writing() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )
            await db.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = max(value, excluded.value)",
                (f"last_update_id:{bot_id}", max(r[0] for r in rows)),
            )
        await self.commit()

    async def pending_updates(self, limit: int = 1000) -> list[tuple[int, str]]:
        """Updates stored but not yet handled, oldest first."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT update_id, payload FROM inbox WHERE done = 0 ORDER BY update_id LIMIT ?",
                (limit,),
            ) as cursor,
        ):
            return [(int(r[0]), str(r[1])) for r in await cursor.fetchall()]

    async def mark_done(self, update_id: int) -> None:
        """The update has been logged and answered: it leaves the inbox at the next commit."""
        self._done.append(update_id)

    async def set_aside(self, update_id: int) -> None:
        """An update this version cannot read: kept (retention applies), never retried."""
        async with self._writing() as db:
            await db.execute("UPDATE inbox SET done = 2 WHERE update_id = ?", (update_id,))

    async def last_update_id(self, bot_id: int = 0) -> int | None:
        """The newest update ever stored for this bot (the next fetch starts after it); a
        database from before update ids were kept per bot has one for whichever bot it ran."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT value FROM state WHERE key = ? OR key = 'last_update_id' "
                "ORDER BY key = 'last_update_id' LIMIT 1",
                (f"last_update_id:{bot_id}",),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else None
