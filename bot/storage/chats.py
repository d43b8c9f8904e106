"""Each chat's settings, names and members who asked to be forgotten.
Part of :class:`bot.storage.Store`."""

from __future__ import annotations

from bot.storage.core import (
    StoreCore,
)
from bot.storage.records import (
    ChatSettings,
)


class Chats(StoreCore):
    """Each chat's settings, names and members who asked to be forgotten."""

    # --- chats -------------------------------------------------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        cached = self._settings.get(chat_id)
        if cached is not None:
            return cached
        async with (
            self._lock,
            self._db.execute(
                "SELECT logging, active FROM chats WHERE chat_id = ?", (chat_id,)
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            settings = ChatSettings(None, True)
        else:
            settings = ChatSettings(None if row[0] is None else bool(row[0]), bool(row[1]))
        self._settings[chat_id] = settings
        return settings

    async def note_chat(self, chat_id: int, kind: str, title: str) -> None:
        if self._chats.get(chat_id) == (kind, title):
            return
        self._chats[chat_id] = (kind, title)
        async with self._writing() as db:
            await db.execute(
                "INSERT INTO chats (chat_id, type, title) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type, title = excluded.title "
                "WHERE type != excluded.type OR title != excluded.title",
                (chat_id, kind, title),
            )

    async def set_logging(self, chat_id: int, on: bool) -> None:
        self._settings.pop(chat_id, None)
        async with self._writing() as db:
            await db.execute(
                "INSERT INTO chats (chat_id, logging) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET logging = excluded.logging",
                (chat_id, int(on)),
            )
        await self.commit()

    async def set_active(self, chat_id: int, active: bool) -> None:
        """The bot was added to or removed from a chat; removed, it drops the chat's schedule."""
        self._settings.pop(chat_id, None)
        async with self._writing() as db:
            if not active:
                await db.execute("UPDATE plans SET daily_time = NULL WHERE chat_id = ?", (chat_id,))
            await db.execute(
                "INSERT INTO chats (chat_id, active) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET active = excluded.active",
                (chat_id, int(active)),
            )

    async def migrate_chat(self, old: int, new: int) -> None:
        """A group became a supergroup: its history continues under the new id."""
        self._settings.pop(old, None)
        self._settings.pop(new, None)
        self._forgotten = None
        async with self._writing() as db:
            await db.execute(
                "INSERT INTO chats (chat_id, migrated_to) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET migrated_to = excluded.migrated_to",
                (old, new),
            )
            # The new chat inherits the old one's logging choice unless it has its own.
            await db.execute(
                "INSERT INTO chats (chat_id, logging) "
                "SELECT ?, logging FROM chats WHERE chat_id = ? AND logging IS NOT NULL "
                "ON CONFLICT (chat_id) DO UPDATE SET logging = "
                "coalesce(chats.logging, excluded.logging)",
                (new, old),
            )
            await db.execute(
                "INSERT OR IGNORE INTO forgotten (chat_id, user_id, at) "
                "SELECT ?, user_id, at FROM forgotten WHERE chat_id = ?",
                (new, old),
            )
            # The reading plan and its schedule move with the group.
            await db.execute("UPDATE OR IGNORE plans SET chat_id = ? WHERE chat_id = ?", (new, old))
