"""Backups made while the bot writes, and restores that refuse what would do harm."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat

import pytest

from bot.backup import backup, restore, verify
from bot.lock import InstanceLock
from bot.storage import MIGRATIONS, LoggedMessage, StorageError, Store


def message(n: int) -> LoggedMessage:
    return LoggedMessage(-100, n, 1_700_000_000 + n, 501, "Rosa", f"message {n}")


def count(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM messages").fetchone()[0]


async def test_a_backup_taken_while_the_bot_writes_is_consistent(tmp_path):
    database, copy = tmp_path / "bot.sqlite3", tmp_path / "backups" / "copy.sqlite3"
    store = await Store.open(database)
    written = 0
    committed = asyncio.Event()  # some rows are in the file: the copy cannot be empty

    async def write() -> None:
        nonlocal written
        while written < 3000:
            await store.log_message(message(written))
            written += 1
            if written % 100 == 0:
                await store.commit()
                committed.set()
                await asyncio.sleep(0)

    writer = asyncio.create_task(write())
    await committed.wait()  # an event, not a sleep: a loaded machine may take longer
    await asyncio.to_thread(backup, database, copy)
    await writer
    await store.close()
    assert verify(copy) == MIGRATIONS[-1][0]
    kept = count(copy)
    assert 0 < kept <= 3000
    with sqlite3.connect(copy) as db:  # a snapshot: messages 0..kept-1, no gaps
        ids = [r[0] for r in db.execute("SELECT message_id FROM messages ORDER BY message_id")]
    assert ids == list(range(kept))
    assert not (copy.parent / "copy.sqlite3-wal").exists()  # one self-contained file


async def test_restore_puts_the_backup_in_place_and_keeps_what_it_replaced(tmp_path):
    database, copy = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    store = await Store.open(database)
    for n in range(10):
        await store.log_message(message(n))
    await store.close()
    backup(database, copy)
    store = await Store.open(database)
    for n in range(10, 25):  # later messages, some still in the write-ahead log at the restore
        await store.log_message(message(n))
    await store.commit()
    await store.close()
    kept = restore(copy, database)
    assert count(database) == 10
    assert kept is not None
    assert count(kept) == 25
    store = await Store.open(database)  # and the bot opens it as usual
    assert await store.count_messages() == 10
    await store.close()


async def test_restore_refuses_while_the_bot_runs(tmp_path):
    database, copy = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    store = await Store.open(database)
    await store.close()
    backup(database, copy)
    with InstanceLock(database), pytest.raises(StorageError, match="while the bot runs"):
        restore(copy, database)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not a database at all, just some text" * 100, "not a database of this bot"),
     (None, "made by a newer version")],
    ids=["not a database", "newer schema"],
)  # fmt: skip
async def test_restore_refuses_a_file_that_is_not_a_backup_it_can_use(tmp_path, content, reason):
    database, bad = tmp_path / "bot.sqlite3", tmp_path / "bad.sqlite3"
    store = await Store.open(database)
    await store.log_message(message(1))
    await store.close()
    if content is None:
        backup(database, bad)
        with sqlite3.connect(bad) as db:
            db.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    else:
        bad.write_bytes(content)
    with pytest.raises(StorageError, match=reason):
        restore(bad, database)
    assert count(database) == 1  # untouched


def test_a_missing_database_or_file_is_named(tmp_path):
    with pytest.raises(StorageError, match="no database here"):
        backup(tmp_path / "none.sqlite3", tmp_path / "copy.sqlite3")
    with pytest.raises(StorageError, match="no such file"):
        restore(tmp_path / "missing.sqlite3", tmp_path / "bot.sqlite3")


async def test_restore_over_a_damaged_database_keeps_its_bytes_and_into_none_keeps_nothing(
    tmp_path,
):
    good, database = tmp_path / "good.sqlite3", tmp_path / "bot.sqlite3"
    await (await Store.open(good)).close()
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)  # damaged beyond reading
    kept = restore(good, database)
    assert kept is not None
    assert kept.read_bytes().startswith(b"SQLite format 3\x00\xff")  # as it was, to inspect
    assert verify(database) == MIGRATIONS[-1][0]
    fresh = tmp_path / "new" / "bot.sqlite3"
    assert restore(good, fresh) is None  # nothing was there: nothing to keep
    assert not fresh.with_name(fresh.name + ".before-restore").exists()


async def test_the_database_and_its_backup_are_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)  # a usual umask, under which new files are readable by all
    try:
        database = tmp_path / "bot.sqlite3"
        await (await Store.open(database)).close()
        copy = tmp_path / "backups" / "bot.sqlite3"
        backup(database, copy)
    finally:
        os.umask(old)
    for made in (database, copy):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made
