"""The library's added and removed articles. Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time
from collections.abc import Sequence

from bot.storage.core import (
    StoreCore,
)


class Articles(StoreCore):
    """The library's added and removed articles."""

    # --- the library's added articles ---------------------------------------------------

    async def added_articles(self) -> list[tuple[str, str, str, str, str, str, str, float, str]]:
        """(id, file name, text, title, publication, author, date, added at, parsed form),
        oldest first; the parsed form is "" for an article stored before it was kept."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT id, name, text, title, publication, author, date, added_at, parsed "
                "FROM library_articles ORDER BY added_at, id"
            ) as cursor,
        ):
            return [tuple(r) for r in await cursor.fetchall()]

    async def added_ids(self) -> list[str]:
        """The ids of the added articles, oldest first (no text read)."""
        async with (
            self._lock,
            self._db.execute("SELECT id FROM library_articles ORDER BY added_at, id") as cursor,
        ):
            return [str(r[0]) for r in await cursor.fetchall()]

    async def added_rows(
        self, ids: Sequence[str]
    ) -> list[tuple[str, str, str, str, str, str, str, float, str]]:
        """The rows :meth:`added_articles` gives of these ids, oldest first, but with the text
        left out ("") where the parsed form is kept: what a restart needs, a few at a time."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        async with (
            self._lock,
            self._db.execute(
                "SELECT id, name, CASE WHEN parsed = '' THEN text ELSE '' END, title, "
                "publication, author, date, added_at, parsed FROM library_articles "
                f"WHERE id IN ({marks}) ORDER BY added_at, id",
                tuple(ids),
            ) as cursor,
        ):
            return [tuple(r) for r in await cursor.fetchall()]

    async def library_changes(self) -> int:
        """A counter that moves whenever an article is added or removed, by any process."""
        async with (
            self._lock,
            self._db.execute("SELECT changes FROM library_changes WHERE id = 1") as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def removed_articles(self) -> set[str]:
        async with (
            self._lock,
            self._db.execute("SELECT id FROM library_removed") as cursor,
        ):
            return {str(r[0]) for r in await cursor.fetchall()}

    async def article_with_fingerprint(self, fingerprint: str) -> str | None:
        async with (
            self._lock,
            self._db.execute(
                "SELECT id FROM library_articles WHERE fingerprint = ?", (fingerprint,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def save_article(
        self, article_id: str, name: str, text: str, fingerprint: str,
        meta: tuple[str, str, str, str], added_by: int | None, parsed: str = "",
    ) -> None:  # fmt: skip
        """Keep an added article, its text and its parsed form (committed before this
        returns)."""
        async with self._writing() as db:
            await db.execute(
                "INSERT INTO library_articles (id, name, text, fingerprint, title, publication, "
                "author, date, added_at, added_by, parsed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, name, text, fingerprint, *meta, time.time(), added_by, parsed),
            )
            await db.execute("DELETE FROM library_removed WHERE id = ?", (article_id,))
        await self.commit()

    async def delete_article(self, article_id: str) -> None:
        """Remove an article for good: an added one is deleted, a folder one is hidden."""
        async with self._writing() as db:
            await db.execute("DELETE FROM library_articles WHERE id = ?", (article_id,))
            await db.execute(
                "INSERT OR REPLACE INTO library_removed (id, removed_at) VALUES (?, ?)",
                (article_id, time.time()),
            )
        await self.commit()
