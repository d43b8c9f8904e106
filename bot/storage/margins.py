"""The discussion beside the text, for the reader: each paragraph's threads, replies, quotes and
unclear marks in a group, and the reader's requests already carried out.
Part of :class:`bot.storage.Store`."""

from __future__ import annotations

import time

from bot.storage.core import StoreCore

REQUESTS_KEPT = 7 * 86_400  # seconds a reader's request id is remembered (longer than a sign-in)


def _prefix_range(article_id: str) -> tuple[str, str]:
    """The references of an article's paragraphs sort between these two (``id ¶…``)."""
    return f"{article_id} ¶", f"{article_id} ·"  # "·" (U+00B7) is the character after "¶"


def _within(ref: str) -> tuple[str, str, str]:
    """A paragraph's reference, and the range its sentences' references sort in."""
    return ref, f"{ref}.", f"{ref}/"  # "/" sorts just after "."


class Margins(StoreCore):
    """Each paragraph's discussion in a group, read for the reader."""

    async def discussion_counts(self, chat_id: int, article_id: str) -> list[tuple[str, str, int]]:
        """(reference, kind, number) for an article's passages in a group, from one query over
        indexes: ``threads`` (posts of it that members replied to), ``messages`` (their
        replies), ``quotes`` (times pulled), each a count, and ``unclear``, a row for each mark
        with the member's id (a member who marked a paragraph and one of its sentences is one
        member)."""
        ids = await self.chat_ids(chat_id)
        marks = ",".join("?" * len(ids))
        low, high = _prefix_range(article_id)
        within = f"chat_id IN ({marks}) AND ref >= ? AND ref < ?"
        params = (*ids, low, high)
        replies = (
            f"FROM post_refs p JOIN messages m ON m.chat_id = p.chat_id "
            f"AND m.thread_root = p.message_id AND m.is_bot = 0 "
            f"WHERE p.{within.replace(' AND ref', ' AND p.ref')} GROUP BY p.ref"
        )
        sql = (  # a thread is a post members replied to (a quote alone is a quote)
            f"SELECT p.ref, 'threads', count(DISTINCT p.message_id) {replies} "
            f"UNION ALL SELECT p.ref, 'messages', count(m.message_id) {replies} "
            f"UNION ALL SELECT ref, 'quotes', count(*) FROM pulls WHERE {within} GROUP BY ref "
            f"UNION ALL SELECT ref, 'unclear', user_id FROM unclear WHERE {within}"
        )
        async with self._read() as db, db.execute(sql, params * 4) as cursor:
            return [(str(r[0]), str(r[1]), int(r[2])) for r in await cursor.fetchall()]

    async def thread_openings(
        self, chat_id: int, ref: str, limit: int = 20
    ) -> list[tuple[int, int, int, str, int]]:
        """(chat, message, date, first reply's text, members' replies) of the posts of a
        passage (or of its sentences) that opened a thread in a group, newest first."""
        rows = await self._of_group(
            chat_id,
            "SELECT m.chat_id, m.message_id, m.date, coalesce((SELECT r.text FROM messages r "
            "WHERE r.chat_id = m.chat_id AND r.thread_root = m.message_id AND r.is_bot = 0 "
            "ORDER BY r.date, r.message_id LIMIT 1), ''), (SELECT count(*) FROM messages r "
            "WHERE r.chat_id = m.chat_id AND r.thread_root = m.message_id AND r.is_bot = 0) "
            "FROM post_refs p JOIN messages m ON m.chat_id = p.chat_id "
            "AND m.message_id = p.message_id WHERE p.chat_id IN ({chats}) "
            "AND (p.ref = ? OR (p.ref >= ? AND p.ref < ?)) "
            "GROUP BY m.chat_id, m.message_id ORDER BY m.date DESC LIMIT ?",
            (*_within(ref), limit),
        )
        return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), int(r[4])) for r in rows]

    async def unclear_names(self, chat_id: int, ref: str) -> list[str]:
        """The names of the members who marked a passage unclear in a group, as they last
        showed in its log ("a member" for one who has written nothing there)."""
        rows = await self._of_group(
            chat_id,
            "SELECT u.user_id, (SELECT sender_name FROM messages m WHERE m.chat_id = u.chat_id "
            "AND m.sender_id = u.user_id ORDER BY m.date DESC LIMIT 1) FROM unclear u "
            "WHERE u.chat_id IN ({chats}) AND (u.ref = ? OR (u.ref >= ? AND u.ref < ?)) "
            "GROUP BY u.user_id ORDER BY min(u.at)",
            _within(ref),
        )
        return [str(r[1] or "a member") for r in rows]

    async def times_quoted(self, chat_id: int, ref: str) -> int:
        """How often a passage (or a sentence of it) was pulled as a quote in a group."""
        rows = await self._of_group(
            chat_id,
            "SELECT count(*) FROM pulls WHERE chat_id IN ({chats}) "
            "AND (ref = ? OR (ref >= ? AND ref < ?))",
            _within(ref),
        )
        return int(rows[0][0]) if rows else 0

    async def asked_to_be_forgotten(self, chat_id: int, user_id: int) -> bool:
        """Whether a member asked to be forgotten in a group (nothing of theirs is kept)."""
        sql = "SELECT 1 FROM forgotten WHERE chat_id IN ({chats}) AND user_id = ? LIMIT 1"
        return bool(await self._of_group(chat_id, sql, (user_id,)))

    async def claim_request(self, request: str, user_id: int) -> bool:
        """Note a reader's request as carried out; False if it already was (a replay)."""
        now = int(time.time())
        async with self._writing() as db:
            await db.execute("DELETE FROM reader_requests WHERE at < ?", (now - REQUESTS_KEPT,))
            cursor = await db.execute(
                "INSERT OR IGNORE INTO reader_requests (request, user_id, at) VALUES (?, ?, ?)",
                (request, user_id, now),
            )
            claimed = cursor.rowcount == 1
        await self.commit()
        return claimed
