"""The discussion log: messages, edits, forgetting, retention, and reading it.
Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time

import aiosqlite

from bot.storage.core import (
    StoreCore,
)
from bot.storage.records import (
    _COLUMNS,
    REDACTED,
    LoggedMessage,
    StoredMessage,
    _row,
)

SEARCH_CANDIDATES = 5000  # newest messages a /search weighs (a prefilter holds the rest back)


class Log(StoreCore):
    """The discussion log: messages, edits, forgetting, retention, and reading it."""

    # --- the log -----------------------------------------------------------------------------

    async def log_message(self, message: LoggedMessage) -> bool:
        """Keep a message; False if it was already kept (a replay) or its sender opted out.

        Whether the sender opted out is read inside the same write as the message, so a
        /forgetme handled a moment earlier is always seen."""
        async with self._writing() as db:
            return await self._log(db, message)

    async def _log(self, db: aiosqlite.Connection, message: LoggedMessage) -> bool:
        """:meth:`log_message` inside its write (the lock held)."""
        if await self._is_forgotten(db, message.chat_id, message.sender_id):
            self._wipe_soon()  # its update, still in the inbox, holds the words
            return False
        text, carries = message.text, set(message.carries)
        for member in list(carries):
            if await self._is_forgotten(db, message.chat_id, member):
                text, carries = REDACTED, carries - {member}  # the post stays, not their words
        root = message.message_id if message.opens_thread else message.thread_root
        if root is None and message.reply_to is not None:
            async with db.execute(
                "SELECT thread_root FROM messages WHERE chat_id = ? AND message_id = ?",
                (message.chat_id, message.reply_to),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                root = row[0]
            elif message.reply_to_bot_post:
                root = message.reply_to
        cursor = await db.execute(
            "INSERT OR IGNORE INTO messages (chat_id, message_id, date, sender_id, "
            "sender_name, is_bot, text, reply_to, topic_id, forward_from, thread_root, refs) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.chat_id,
                message.message_id,
                message.date,
                message.sender_id,
                message.sender_name,
                int(message.is_bot),
                text,
                message.reply_to,
                message.topic_id,
                message.forward_from,
                root,
                "\n".join(message.refs),
            ),
        )
        if carries:
            await db.executemany(
                "INSERT OR IGNORE INTO carried (chat_id, message_id, user_id) VALUES (?, ?, ?)",
                [(message.chat_id, message.message_id, u) for u in carries],
            )
        return cursor.rowcount > 0

    async def log_edit(self, message: LoggedMessage, edit_date: int) -> bool:
        """Keep an edit as a new version, the original kept as version 1 (versions are stored
        only for edited messages); False if nothing visible changed, it is a replay, or its
        sender opted out. Read and written in one write, so a /forgetme cannot slip between."""
        key = (message.chat_id, message.message_id)
        async with self._writing() as db:
            if await self._is_forgotten(db, message.chat_id, message.sender_id):
                self._wipe_soon()
                return False
            async with db.execute(
                "SELECT text FROM messages WHERE chat_id = ? AND message_id = ?", key
            ) as cursor:
                original = await cursor.fetchone()
            if original is None:  # an edit of a message from before logging: keep what we see
                return await self._log(db, message)
            async with db.execute(
                "SELECT version, text, edit_date FROM message_versions "
                "WHERE chat_id = ? AND message_id = ? ORDER BY version DESC LIMIT 1",
                key,
            ) as cursor:
                latest = await cursor.fetchone()
            version, text, last_edit = latest if latest else (1, original[0], 0)
            if text == message.text or edit_date < last_edit:
                return False  # nothing visible changed, or an older edit arriving late
            if edit_date == last_edit:
                # Two edits in one second (Telegram counts whole seconds) are two versions;
                # the same edit handled again after a crash is not.
                async with db.execute(
                    "SELECT 1 FROM message_versions WHERE chat_id = ? AND message_id = ? "
                    "AND edit_date = ? AND text = ?",
                    (*key, edit_date, message.text),
                ) as cursor:
                    if await cursor.fetchone():
                        return False
            if latest is None:
                await db.execute(
                    "INSERT OR IGNORE INTO message_versions "
                    "(chat_id, message_id, version, edit_date, text) VALUES (?, ?, 1, 0, ?)",
                    (*key, original[0]),
                )
            cursor = await db.execute(
                "INSERT OR IGNORE INTO message_versions "
                "(chat_id, message_id, version, edit_date, text) VALUES (?, ?, ?, ?, ?)",
                (*key, version + 1, edit_date, message.text),
            )
            if cursor.rowcount == 0:
                return False
            await db.execute(
                "UPDATE messages SET text = ? WHERE chat_id = ? AND message_id = ?",
                (message.text, *key),
            )
        return True

    async def mark_edited(self, chat_id: int, message_id: int, edit_date: int) -> None:
        """Note when a message known only in its final wording (as imported) was last edited."""
        async with self._writing() as db:
            await db.execute(
                "INSERT OR IGNORE INTO message_versions (chat_id, message_id, version, edit_date, "
                "text) SELECT chat_id, message_id, 1, ?, text FROM messages "
                "WHERE chat_id = ? AND message_id = ?",
                (edit_date, chat_id, message_id),
            )

    async def forget(self, chat_id: int, user_id: int) -> int:
        """Delete a member's messages in a chat and stop logging them there; returns how many.

        Gone with them: every version of their messages, their /quote words, pulls,
        passages marked unclear and the reader's record of their presses, the
        bot's posts that showed their words or name (kept in the thread, their text replaced),
        replies that failed to reach them, and updates of theirs set aside as unreadable. The
        deleted rows are overwritten (secure_delete) and the WAL is checkpointed and truncated,
        so the words are not left readable in the database files either."""
        ids = await self.chat_ids(chat_id)
        marks = ",".join("?" * len(ids))
        in_chats = f"chat_id IN ({marks})"
        async with self._writing() as db:
            theirs = f"SELECT message_id FROM messages WHERE {in_chats} AND sender_id = ?"
            await db.execute(
                f"DELETE FROM undelivered WHERE {in_chats} AND (reply_to IN ({theirs}) "
                "OR ' ' || carries || ' ' LIKE '% ' || ? || ' %')",
                (*ids, *ids, user_id, user_id),
            )
            await db.execute(
                f"DELETE FROM message_versions WHERE {in_chats} AND message_id IN "
                f"(SELECT message_id FROM messages WHERE chat_id = message_versions.chat_id "
                f"AND sender_id = ?)",
                (*ids, user_id),
            )
            cursor = await db.execute(
                f"DELETE FROM messages WHERE {in_chats} AND sender_id = ?", (*ids, user_id)
            )
            deleted = cursor.rowcount
            carrying = f"SELECT chat_id, message_id FROM carried WHERE {in_chats} AND user_id = ?"
            await db.execute(
                f"UPDATE messages SET text = ?, refs = '' WHERE (chat_id, message_id) IN "
                f"({carrying})",
                (REDACTED, *ids, user_id),
            )
            await db.execute(
                f"DELETE FROM message_versions WHERE (chat_id, message_id) IN ({carrying})",
                (*ids, user_id),
            )
            await db.execute(
                f"UPDATE outbox SET result = json_remove(json_set(result, '$.text', ?), "
                f"'$.entities') WHERE result IS NOT NULL AND (chat_id, "
                f"json_extract(result, '$.message_id')) IN ({carrying})",
                (REDACTED, *ids, user_id),
            )
            await db.execute(
                f"DELETE FROM carried WHERE {in_chats} AND user_id = ?", (*ids, user_id)
            )
            for table, member in (
                ("pulls", "user_id"), ("quote_requests", "user_id"), ("unclear", "user_id"),
            ):  # fmt: skip
                await db.execute(
                    f"DELETE FROM {table} WHERE {in_chats} AND {member} = ?", (*ids, user_id)
                )
            # The reader's presses are kept by member, not by chat: all of theirs go.
            await db.execute("DELETE FROM reader_requests WHERE user_id = ?", (user_id,))
            message = (
                "coalesce(json_extract(payload, '$.message'), "
                "json_extract(payload, '$.edited_message'))"
            )
            await db.execute(
                f"DELETE FROM inbox WHERE done = 2 AND json_extract({message}, '$.chat.id') "
                f"IN ({marks}) AND coalesce(json_extract({message}, '$.sender_chat.id'), "
                f"json_extract({message}, '$.from.id')) = ?",
                (*ids, user_id),
            )
            await db.execute(
                "INSERT OR REPLACE INTO forgotten (chat_id, user_id, at) VALUES (?, ?, ?)",
                (chat_id, user_id, int(time.time())),
            )
            if self._forgotten is not None:
                self._forgotten.add((chat_id, user_id))
            self._wipe_soon(now=True)
        await self.commit()
        return deleted

    async def purge(self, before: int) -> int:
        """Delete messages older than ``before`` (unix time): the retention period."""
        async with self._writing() as db:
            await db.execute(
                "DELETE FROM message_versions WHERE (chat_id, message_id) IN "
                "(SELECT chat_id, message_id FROM messages WHERE date < ?)",
                (before,),
            )
            await db.execute(
                "DELETE FROM carried WHERE (chat_id, message_id) IN "
                "(SELECT chat_id, message_id FROM messages WHERE date < ?)",
                (before,),
            )
            cursor = await db.execute("DELETE FROM messages WHERE date < ?", (before,))
            deleted = cursor.rowcount
            await db.execute("DELETE FROM inbox WHERE done > 0 AND received_at < ?", (before,))
            await db.execute("DELETE FROM undelivered WHERE at < ?", (before,))
        await self.commit()
        return deleted

    # --- reading -----------------------------------------------------------------------------

    async def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        async with (
            self._read() as db,
            db.execute(
                f"SELECT {_COLUMNS} FROM messages m WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return _row(tuple(row)) if row else None

    async def thread(self, chat_id: int, root: int) -> list[StoredMessage]:
        """A thread's messages in order: its opening post first."""
        return await self._select(
            "WHERE m.chat_id = ? AND (m.thread_root = ? OR m.message_id = ?) "
            "ORDER BY m.date, m.message_id",
            (chat_id, root, root),
        )

    async def topic(self, chat_ids: list[int], topic_id: int) -> list[StoredMessage]:
        marks = ",".join("?" * len(chat_ids))
        return await self._select(
            f"WHERE m.chat_id IN ({marks}) AND m.topic_id = ? ORDER BY m.date, m.message_id",
            (*chat_ids, topic_id),
        )

    async def since(self, chat_ids: list[int], since: int) -> list[StoredMessage]:
        marks = ",".join("?" * len(chat_ids))
        return await self._select(
            f"WHERE m.chat_id IN ({marks}) AND m.date >= ? ORDER BY m.date, m.message_id",
            (*chat_ids, since),
        )

    async def recent_threads(
        self, chat_ids: list[int], limit: int = 10
    ) -> list[tuple[int, int, int, int]]:
        """(chat id, root message id, messages, last activity) of the latest threads."""
        marks = ",".join("?" * len(chat_ids))
        async with (
            self._read() as db,
            db.execute(
                f"SELECT chat_id, thread_root, count(*), max(date) FROM messages "
                f"WHERE chat_id IN ({marks}) AND thread_root IS NOT NULL "
                f"GROUP BY chat_id, thread_root ORDER BY max(date) DESC, thread_root DESC LIMIT ?",
                (*chat_ids, limit),
            ) as cursor,
        ):
            return [tuple(int(v) for v in r) for r in await cursor.fetchall()]  # type: ignore[misc]

    async def _select(self, where: str, params: tuple) -> list[StoredMessage]:
        async with (
            self._read() as db,
            db.execute(
                f"SELECT {_COLUMNS}, max(1, (SELECT count(*) FROM message_versions v "
                f"WHERE v.chat_id = m.chat_id AND v.message_id = m.message_id)) "
                f"FROM messages m {where}",
                params,
            ) as cursor,
        ):
            return [_row(tuple(r[:12]), int(r[12])) for r in await cursor.fetchall()]

    async def count_messages(self, chat_id: int | None = None) -> int:
        sql = "SELECT count(*) FROM messages" + (" WHERE chat_id = ?" if chat_id else "")
        async with self._read() as db, db.execute(sql, (chat_id,) if chat_id else ()) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def versions(self, chat_id: int, message_id: int) -> list[str]:
        """Every wording a message has had, the original first."""
        async with (
            self._read() as db,
            db.execute(
                "SELECT text FROM message_versions WHERE chat_id = ? AND message_id = ? "
                "ORDER BY version",
                (chat_id, message_id),
            ) as cursor,
        ):
            found = [str(r[0]) for r in await cursor.fetchall()]
        if found:
            return found
        stored = await self.message(chat_id, message_id)
        return [stored.text] if stored else []

    async def recent_chat_of(self, user_id: int) -> int | None:
        """The group a member last spoke in or pulled a quote in (for inline suggestions)."""
        async with (
            self._read() as db,
            db.execute(
                # Each side is one step down its index (messages_by_sender, pulls_by_user).
                "SELECT chat_id FROM ("
                "SELECT * FROM (SELECT chat_id, date AS at FROM messages WHERE sender_id = ? "
                "ORDER BY date DESC LIMIT 1) UNION ALL "
                "SELECT * FROM (SELECT chat_id, at FROM pulls WHERE user_id = ? "
                "ORDER BY at DESC LIMIT 1)) ORDER BY at DESC LIMIT 1",
                (user_id, user_id),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def matching(
        self, chat_ids: list[int], fragments: list[str], limit: int = SEARCH_CANDIDATES
    ) -> list[StoredMessage]:
        """Members' messages (not the bot's, not commands) holding any of ``fragments`` (the
        starts of the words searched for, matched without regard to case), newest first."""
        if not fragments or not chat_ids:
            return []
        marks = ",".join("?" * len(chat_ids))
        likes = " OR ".join("m.text LIKE ? ESCAPE '\\'" for _ in fragments)
        escaped = [
            "%" + f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for f in fragments
        ]
        return await self._select(
            f"WHERE m.chat_id IN ({marks}) AND m.is_bot = 0 AND m.text NOT LIKE '/%' "
            f"AND ({likes}) ORDER BY m.date DESC, m.message_id DESC LIMIT ?",
            (*chat_ids, *escaped, limit),
        )

    async def chats_of(self, user_id: int) -> list[int]:
        """The groups whose log holds anything of a member's: messages, pulls, /quote words."""
        async with (
            self._read() as db,
            db.execute(
                "SELECT chat_id FROM messages WHERE sender_id = ? UNION "
                "SELECT chat_id FROM pulls WHERE user_id = ? UNION "
                "SELECT chat_id FROM quote_requests WHERE user_id = ? UNION "
                "SELECT chat_id FROM unclear WHERE user_id = ? ORDER BY chat_id",
                (user_id, user_id, user_id, user_id),
            ) as cursor,
        ):
            return [int(r[0]) for r in await cursor.fetchall() if int(r[0]) < 0]

    async def threads_on(
        self, chat_ids: list[int], article_id: str, paragraph: int
    ) -> list[tuple[int, int, int]]:
        """(chat id, opening post, members' replies) of the threads a group opened on a
        paragraph (a quote, a reading, a discussion post of it or of its sentences)."""
        if not chat_ids:
            return []
        marks = ",".join("?" * len(chat_ids))
        wanted = f"{article_id} ¶{paragraph}"
        async with (
            self._read() as db,
            db.execute(
                f"SELECT chat_id, message_id, refs FROM messages WHERE chat_id IN ({marks}) "
                f"AND is_bot = 1 AND refs LIKE ? ESCAPE '\\'",
                (*chat_ids, "%" + wanted.replace("%", "\\%").replace("_", "\\_") + "%"),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        roots = [
            (int(chat), int(message))
            for chat, message, refs in rows
            if any(
                r == wanted or r.startswith((wanted + ".", wanted + "–", wanted + "-"))
                for r in str(refs).split("\n")
            )
        ]
        found = []
        for chat, root in roots:
            async with (
                self._read() as db,
                db.execute(
                    "SELECT count(*) FROM messages WHERE chat_id = ? AND thread_root = ? "
                    "AND is_bot = 0",
                    (chat, root),
                ) as cursor,
            ):
                row = await cursor.fetchone()
            found.append((chat, root, int(row[0]) if row else 0))
        return found
