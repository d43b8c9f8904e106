"""The SQLite store: migrations, idempotent writes, edits, retention, members' control."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import uuid

import pytest

from bot import storage
from bot.storage import MIGRATIONS, LoggedMessage, StorageError, Store

GROUP = -100123


def message(message_id: int, text: str = "hello", **fields) -> LoggedMessage:
    base = dict(chat_id=GROUP, message_id=message_id, date=1_700_000_000 + message_id,
                sender_id=501, sender_name="Rosa", text=text)  # fmt: skip
    return LoggedMessage(**(base | fields))


@pytest.fixture
async def store(tmp_path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


async def test_a_new_database_has_every_migration_and_wal(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    assert await store.schema_version() == MIGRATIONS[-1][0]
    await store.close()
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = [r[0] for r in db.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names == [name for _, name, _ in MIGRATIONS]


async def test_a_database_from_the_first_version_upgrades_with_nothing_lost(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = await Store.open(path, upto=1)  # the schema as the first release made it
    assert await old.schema_version() == 1
    await old.close()
    with sqlite3.connect(path) as db:  # rows written by that release
        db.execute(
            "INSERT INTO messages (chat_id, message_id, date, sender_id, sender_name, text, "
            "thread_root) VALUES (?, 7, 1700000000, 501, 'Rosa', 'kept since v1', 7)",
            (GROUP,),
        )
        db.execute("INSERT INTO inbox (update_id, payload, received_at) VALUES (99, '{}', 0)")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == MIGRATIONS[-1][0]
        kept = await store.message(GROUP, 7)
        assert (kept.text, kept.thread_root) == ("kept since v1", 7)
        assert await store.versions(GROUP, 7) == ["kept since v1"]  # history starts with it
        assert await store.pending_updates() == [(99, "{}")]
        assert await store.last_update_id() == 99  # carried into the offset kept on its own
        assert await store.log_edit(message(7, "edited after the upgrade"), edit_date=1_800_000_000)
        assert await store.versions(GROUP, 7) == ["kept since v1", "edited after the upgrade"]
    finally:
        await store.close()


async def test_a_failed_migration_leaves_nothing_half_done(tmp_path, monkeypatch):
    from bot.storage import core

    broken = [*MIGRATIONS, (99, "broken", "CREATE TABLE half (x INTEGER); SELECT nonsense(")]
    monkeypatch.setattr(core, "MIGRATIONS", broken)
    with pytest.raises(StorageError, match="cannot upgrade the database"):
        await Store.open(tmp_path / "db.sqlite3")
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations")]
    assert "half" not in tables
    assert 99 not in versions


async def test_a_database_from_a_newer_bot_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    await store.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    with pytest.raises(StorageError, match="newer version of the bot"):
        await Store.open(path)


async def test_a_file_that_is_not_a_database_is_named(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StorageError, match=r"notes\.sqlite3"):
        await Store.open(path)


async def test_writes_are_idempotent(store):
    assert await store.log_message(message(1))
    assert not await store.log_message(message(1))  # a replay
    await store.save_updates([(5, "{}"), (6, "{}")], bot_id=1)
    await store.save_updates([(5, "{}")], bot_id=1)
    assert [u for u, _ in await store.pending_updates()] == [5, 6]
    await store.mark_done(5)
    await store.mark_done(5)
    await store.commit()
    assert [u for u, _ in await store.pending_updates()] == [6]
    assert await store.last_update_id(1) == 6  # kept when the inbox empties
    assert await store.last_update_id(2) is None  # another bot's ids start afresh
    assert await store.count_messages() == 1


async def test_only_edited_messages_store_versions(store, tmp_path):
    await store.log_message(message(1, "never edited"))
    await store.log_message(message(2, "edited once"))
    await store.log_edit(message(2, "edited twice"), edit_date=10)
    await store.commit()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        rows = db.execute(
            "SELECT message_id, version FROM message_versions ORDER BY 1, 2"
        ).fetchall()
    assert rows == [(2, 1), (2, 2)]
    assert await store.versions(GROUP, 1) == ["never edited"]


async def test_edits_keep_every_visible_version_once(store):
    await store.log_message(message(1, "first"))
    assert await store.log_edit(message(1, "second"), edit_date=10)
    assert not await store.log_edit(message(1, "second"), edit_date=20)  # nothing visible
    assert not await store.log_edit(message(1, "second"), edit_date=10)  # a replay
    assert not await store.log_edit(message(1, "stale"), edit_date=5)  # older than the last
    assert await store.versions(GROUP, 1) == ["first", "second"]
    assert (await store.message(GROUP, 1)).text == "second"


async def test_an_edit_of_a_message_from_before_logging_is_kept(store):
    assert await store.log_edit(message(3, "only the edit"), edit_date=10)
    assert await store.versions(GROUP, 3) == ["only the edit"]


async def test_threads_follow_reply_chains_through_stored_rows(store):
    await store.log_message(message(10, "a quote", sender_id=7, is_bot=True, opens_thread=True))
    await store.log_message(message(11, "reply", reply_to=10, reply_to_bot_post=True))
    await store.log_message(message(12, "reply to the reply", reply_to=11))
    await store.log_message(message(13, "reply to the unknown", reply_to=9))
    assert [m.message_id for m in await store.thread(GROUP, 10)] == [10, 11, 12]
    assert (await store.message(GROUP, 13)).thread_root is None


async def test_forget_deletes_a_member_in_one_chat_only_and_keeps_them_out(store):
    await store.log_message(message(1, sender_id=501))
    await store.log_message(message(2, sender_id=502))
    await store.log_message(message(1, sender_id=501, chat_id=-999))
    assert await store.forget(GROUP, 501) == 1
    assert not await store.log_message(message(3, sender_id=501))
    assert await store.count_messages(GROUP) == 1
    assert await store.count_messages(-999) == 1


async def test_a_message_arriving_while_forget_runs_is_not_kept(store):
    # The next update of the batch is logged while /forgetme is being carried out, at every
    # point of it: whichever comes first, once forget() is done nothing of theirs is kept.
    for steps in range(0, 200, 5):
        member = 600 + steps
        await store.log_message(message(1000 + steps, sender_id=member))
        forgetting = asyncio.create_task(store.forget(GROUP, member))
        for _ in range(steps):
            await asyncio.sleep(0)
        await store.log_message(message(2000 + steps, "said just after", sender_id=member))
        await forgetting
        assert await store.message(GROUP, 2000 + steps) is None, steps
    assert await store.count_messages(GROUP) == 0


async def test_after_forget_their_quotes_keep_neither_words_nor_pulls(store):
    await store.forget(GROUP, 501)
    assert await store.save_request(GROUP, 501, "/quote stab in the back") is None
    await store.record_pull(GROUP, 9, "putin-v-prigozhin ¶11", 501, "Rosa", "quote")
    assert await store.board(GROUP) == []
    assert await store.save_request(GROUP, 502, "/quote stab in the back")  # others: kept


def on_disk(path) -> bytes:
    """The database and its WAL, as bytes (what someone reading the disk would find)."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_forgotten_words_are_gone_from_every_table_and_from_the_files(tmp_path):
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    token, quoted = "zq" + uuid.uuid4().hex, "zq" + uuid.uuid4().hex
    try:
        await store.log_message(message(1, f"my point {token}", sender_id=501))
        await store.log_edit(message(1, f"my point, edited {token}", sender_id=501), 1_800_000_000)
        await store.log_message(message(2, f"and {quoted}", sender_id=501))
        await store.save_request(GROUP, 501, f"/quote words {token}")
        await store.record_pull(GROUP, 3, "putin-v-prigozhin ¶7", 501, "Rosa", "quote")
        # The bot's answer to someone else's /quote as a reply shows 501's words.
        bot_post = message(4, f"Not quite. Quoted as: {quoted}", sender_id=7, is_bot=True,
                           sender_name="Bot", reply_to=5, carries=(501,))  # fmt: skip
        await store.log_message(bot_post)
        await store.log_message(message(5, "/quote", sender_id=502, reply_to=2))
        await store.commit()
        assert token.encode() in on_disk(path)
        assert await store.forget(GROUP, 501) == 2
        assert (await store.message(GROUP, 4)).text.startswith("[removed")
        assert (await store.message(GROUP, 5)).text == "/quote"  # others' words stay
        assert await store.board(GROUP) == []
    finally:
        await store.close()
    found = on_disk(path)
    assert token.encode() not in found
    assert quoted.encode() not in found
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM quote_requests").fetchone()[0] == 0
        assert db.execute("PRAGMA secure_delete").fetchone()[0] in (0, 1)


async def test_retention_deletes_old_messages(store):
    await store.log_message(message(1, date=1_000))
    await store.log_message(message(2, date=5_000))
    assert await store.purge(before=2_000) == 1
    assert [m.message_id for m in await store.since([GROUP], 0)] == [2]
    assert await store.versions(GROUP, 1) == []


async def test_migrated_chats_share_their_history(store):
    await store.set_logging(-5, False)
    await store.migrate_chat(-5, -1005)
    assert await store.chat_ids(-1005) == [-1005, -5]
    assert (await store.chat_settings(-1005)).logging is False


async def test_two_edits_in_the_same_second_are_both_kept_and_replays_change_nothing(store):
    await store.log_message(message(9, "first"))
    second = 1_700_000_100  # Telegram's edit_date counts whole seconds
    assert await store.log_edit(message(9, "second"), second)
    assert await store.log_edit(message(9, "third"), second)  # a quick correction
    for text in ("second", "third"):  # both updates handled again after a crash
        assert not await store.log_edit(message(9, text), second)
    assert await store.versions(GROUP, 9) == ["first", "second", "third"]
    assert (await store.message(GROUP, 9)).text == "third"


async def test_another_process_holding_the_write_lock_is_waited_out(tmp_path):
    # A backup or an import holding the database for a while is not a reason to give up.
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    try:
        await store._db.execute("PRAGMA busy_timeout = 100")  # (5 s in use; quicker here)
        await store.save_updates([(1, "{}")])
        await store.log_message(message(1))
        await store.commit()
        await store.mark_done(1)  # to leave the inbox at the next commit
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError):
            await store.commit()
        assert not store.healthy
        other.execute("COMMIT")
        other.close()
        await store.commit()
        assert store.fatal is None
        assert (await store.message(GROUP, 1)).text == "hello"
        assert await store.pending_updates() == []  # the done update left the inbox after all
    finally:
        await store.close()


async def test_a_post_showing_a_forgotten_members_words_is_kept_without_them(store):
    await store.forget(GROUP, 501)
    late = message(8, "No article matches “their words”.", sender_id=7, is_bot=True,
                   carries=(501,))  # fmt: skip
    assert await store.log_message(late)
    assert (await store.message(GROUP, 8)).text == storage.REDACTED
    await store.record_undelivered(GROUP, 3, "Forbidden", "Quoted as: their words", carries=[501])
    async with store._db.execute("SELECT text FROM undelivered") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == [storage.REDACTED]


async def test_words_deleted_just_before_a_crash_are_wiped_from_the_wal_at_the_next_start(
    tmp_path,
):
    path = tmp_path / "bot.sqlite3"
    await (await Store.open(path)).close()
    token = "zq" + uuid.uuid4().hex
    crash = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA secure_delete = ON')\n"
        "db.execute('INSERT INTO messages (chat_id, message_id, date, text) "
        "VALUES (1, 1, 0, ?)', (sys.argv[2],))\n"
        "db.execute('DELETE FROM messages')\n"
        "os._exit(0)  # killed: the WAL keeps its frames, the old one with the words\n"
    )
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", crash, str(path), token], check=True
    )
    assert token.encode() in on_disk(path)
    store = await Store.open(path)  # the restart
    try:
        assert token.encode() not in on_disk(path)
    finally:
        await store.close()


async def test_forgotten_words_leave_no_old_copy_in_the_pages_free_space(tmp_path):
    # SQLite zeroes a deleted row, but pages rebuilt while the log grew may keep an old copy of
    # it in their unused part; the file is rewritten after a forget.
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    tokens = ["zq" + uuid.uuid4().hex for _ in range(20)]
    try:
        for n in range(600):  # a growing log, edited and swept: pages split and are rebuilt
            sender, text = (501, tokens[n // 30]) if n % 30 == 0 else (502, "words " * 20)
            await store.log_message(message(n, f"{text} {n}", sender_id=sender, date=1000 + n))
            if n % 7 == 0:
                await store.log_edit(message(n - 3, "edited " * (n % 40), sender_id=502), 9_000 + n)
            if n % 50 == 0:
                await store.commit()
        await store.purge(before=1100)
        await store.commit()
        await store.forget(GROUP, 501)
    finally:
        await store.close()
    found = on_disk(path)
    assert [t for t in tokens if t.encode() in found] == []
