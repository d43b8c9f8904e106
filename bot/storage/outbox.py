"""Posts sent, for replay after a crash and for pacing. Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time

from bot.storage.core import (
    StoreCore,
)


class Outbox(StoreCore):
    """Posts sent, for replay after a crash and for pacing."""

    # --- the outbox: posts sent, for replay after a crash and for pacing ------------------

    async def sent_before(self, update_id: int, seq: int) -> tuple[str, str | None] | None:
        """The ``seq``-th post made while answering an update, if a run that crashed began it:
        (its digest, Telegram's answer to it or None if none came back)."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT digest, result FROM outbox WHERE update_id = ? AND seq = ?",
                (update_id, seq),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return (str(row[0]), row[1]) if row else None

    async def begin_post(
        self, update_id: int | None, seq: int | None, chat_id: int | None, digest: str = ""
    ) -> int:
        """A post is about to be sent: recorded (committed) first, so that a crash while it is
        in flight leaves a trace. ``digest`` tells this post from another. Returns its row, for
        :meth:`end_post`."""
        async with self._writing() as db:
            cursor = await db.execute(
                "INSERT INTO outbox (update_id, seq, chat_id, at, digest) VALUES (?, ?, ?, ?, ?)",
                (update_id, seq, chat_id, time.time(), digest),
            )
            row = int(cursor.lastrowid or 0)
        await self.commit()
        return row

    async def end_post(self, row: int, result: str | None) -> None:
        """Telegram answered the post with ``result`` (its JSON), or (None) surely did not
        post it: the record goes. Committed before this returns."""
        async with self._writing() as db:
            if result is None:
                await db.execute("DELETE FROM outbox WHERE id = ?", (row,))
            else:
                await db.execute(
                    "UPDATE outbox SET result = ?, at = ? WHERE id = ?", (result, time.time(), row)
                )
        await self.commit()

    async def recent_posts(self, since: float) -> list[tuple[int | None, float]]:
        """(chat, unix time) of the posts sent or in flight since ``since``: pacing carries
        on where the last run left it."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT chat_id, at FROM outbox WHERE at >= ? ORDER BY at", (since,)
            ) as cursor,
        ):
            return [(r[0], float(r[1])) for r in await cursor.fetchall()]

    async def undelivered(self, chat_id: int | None = None) -> list[tuple[int, int | None, str]]:
        """(chat, replied-to message, reason) of replies that failed for good, oldest first."""
        where, params = ("WHERE chat_id = ?", (chat_id,)) if chat_id is not None else ("", ())
        async with (
            self._lock,
            self._db.execute(
                f"SELECT chat_id, reply_to, reason FROM undelivered {where} ORDER BY id", params
            ) as cursor,
        ):
            return [(int(r[0]), r[1], str(r[2])) for r in await cursor.fetchall()]
