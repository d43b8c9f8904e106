"""Quotes pulled into chats, the board, and /quote words for More.
Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time
from collections.abc import Iterable

from bot.storage.core import (
    StoreCore,
)
from bot.storage.records import (
    REDACTED,
)


class Quotes(StoreCore):
    """Quotes pulled into chats, the board, and /quote words for More."""

    # --- quotes ----------------------------------------------------------------------------

    async def save_request(self, chat_id: int, user_id: int, query: str) -> int | None:
        """Keep a /quote's words so its "more" button works later, even after a restart; None
        (nothing kept) for a member who asked to be forgotten here."""
        async with self._writing() as db:
            if await self._is_forgotten(db, chat_id, user_id):
                return None
            cursor = await db.execute(
                "INSERT INTO quote_requests (chat_id, user_id, query, at) VALUES (?, ?, ?, ?)",
                (chat_id, user_id, query, int(time.time())),
            )
            request = int(cursor.lastrowid or 0)
        await self.commit()
        return request

    async def request(self, request: int) -> tuple[int, int, str] | None:
        """(chat, member, words) of a /quote, or None if it is unknown or expired."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT chat_id, user_id, query FROM quote_requests WHERE id = ?", (request,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1]), str(row[2])) if row else None

    async def record_pull(
        self, chat_id: int, message_id: int, ref: str, user_id: int, name: str, source: str
    ) -> None:
        """A passage posted into a group (by /quote, a button or inline), and who pulled it;
        not kept for a member who asked to be forgotten here."""
        async with self._writing() as db:
            if await self._is_forgotten(db, chat_id, user_id):
                return
            await db.execute(
                "INSERT OR IGNORE INTO pulls (chat_id, ref, user_id, user_name, at, source, "
                "message_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat_id, ref, user_id, name, int(time.time()), source, message_id),
            )

    async def board(self, chat_id: int, limit: int = 10) -> list[tuple[str, int, int]]:
        """(reference, times pulled, members who pulled it) of the group's top passages."""
        rows = await self._of_group(
            chat_id,
            "SELECT ref, count(*), count(DISTINCT user_id), max(at) FROM pulls "
            "WHERE chat_id IN ({chats}) AND ref NOT IN "
            "(SELECT ref FROM board_hidden WHERE chat_id = ?) "
            "GROUP BY ref ORDER BY count(*) DESC, max(at) DESC LIMIT ?",
            (chat_id, limit),
        )
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def hide_from_board(self, chat_id: int, ref: str) -> bool:
        """Take a passage off a group's board; False if it was not on it."""
        if not any(r == ref for r, _, _ in await self.board(chat_id, limit=1_000_000)):
            return False
        async with self._writing() as db:
            await db.execute(
                "INSERT OR IGNORE INTO board_hidden (chat_id, ref) VALUES (?, ?)", (chat_id, ref)
            )
        await self.commit()
        return True

    async def record_undelivered(
        self, chat_id: int, reply_to: int | None, reason: str, text: str, *,
        uncertain: bool = False, carries: Iterable[int] = (),
    ) -> None:  # fmt: skip
        """A reply that failed for good: which chat, in answer to which message, and why; or
        (``uncertain``) one Telegram may have posted, though its answer never came back.
        ``carries``: members whose words it shows (its text goes if they are forgotten)."""
        async with self._writing() as db:
            members = set(carries)
            for member in list(members):
                if await self._is_forgotten(db, chat_id, member):
                    text, members = REDACTED, members - {member}
            await db.execute(
                "INSERT INTO undelivered (chat_id, reply_to, at, reason, text, uncertain, "
                "carries) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat_id, reply_to, int(time.time()), reason[:500], text[:4096], int(uncertain),
                 " ".join(str(m) for m in sorted(members))),
            )  # fmt: skip
        await self.commit()

    async def uncertain_posts(self, chat_id: int | None = None) -> list[tuple[int, int | None]]:
        """(chat, replied-to message) of posts that may or may not have gone, oldest first."""
        where, params = ("AND chat_id = ?", (chat_id,)) if chat_id is not None else ("", ())
        async with (
            self._lock,
            self._db.execute(
                f"SELECT chat_id, reply_to FROM undelivered WHERE uncertain = 1 {where} "
                "ORDER BY id",
                params,
            ) as cursor,
        ):
            return [(int(r[0]), r[1]) for r in await cursor.fetchall()]

    async def pulled_since(self, chat_ids: list[int], since: int) -> list[tuple[str, int]]:
        """(reference, times pulled) of the passages pulled into a group since ``since``."""
        return await self._refs_since("pulls", chat_ids, since)

    async def _refs_since(
        self, table: str, chat_ids: list[int], since: int
    ) -> list[tuple[str, int]]:
        """(reference, rows) of a table of passages (pulls, unclear) since ``since``, most first."""
        if not chat_ids:
            return []
        marks = ",".join("?" * len(chat_ids))
        async with (
            self._read() as db,
            db.execute(
                f"SELECT ref, count(*) FROM {table} WHERE chat_id IN ({marks}) AND at >= ? "
                f"GROUP BY ref ORDER BY count(*) DESC, max(at) DESC",
                (*chat_ids, since),
            ) as cursor,
        ):
            return [(str(r[0]), int(r[1])) for r in await cursor.fetchall()]

    async def mark_unclear(self, chat_id: int, ref: str, user_id: int) -> bool:
        """A member marks a passage as unclear in a group; False if they had already, or asked
        to be forgotten there."""
        async with self._writing() as db:
            if await self._is_forgotten(db, chat_id, user_id):
                return False
            cursor = await db.execute(
                "INSERT OR IGNORE INTO unclear (chat_id, ref, user_id, at) VALUES (?, ?, ?, ?)",
                (chat_id, ref, user_id, int(time.time())),
            )
            added = cursor.rowcount > 0
        await self.commit()
        return added

    async def unclear_since(self, chat_ids: list[int], since: int) -> list[tuple[str, int]]:
        """(reference, members who marked it) of the passages marked unclear since ``since``."""
        return await self._refs_since("unclear", chat_ids, since)
