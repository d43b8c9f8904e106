"""Backing up and restoring the database: ``python -m bot backup PATH`` / ``restore PATH``.

A backup is a consistent copy made with SQLite's online backup API while the bot runs: in WAL
mode the copy reads one snapshot and the bot keeps writing meanwhile. It is written beside its
target and renamed into place, so a backup cut short never looks complete.

A restore refuses while a bot runs on the database (see :mod:`bot.lock`) and holds the lock so
none starts meanwhile. It checks the copy (SQLite's integrity check, and a schema this version
can read), keeps the current database as ``<database>.before-restore``, and replaces it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from bot.lock import AlreadyRunning, InstanceLock
from bot.storage import MIGRATIONS, StorageError
from bot.storage.core import private_file
from bot.writable import explain, is_disk_trouble


def _failed(path: Path, what: str, error: sqlite3.Error) -> StorageError:
    """A failure naming the file; a disk's trouble (full, read-only…) says what to do."""
    if is_disk_trouble(error):
        return StorageError(explain(path, error))
    return StorageError(f"{path}: {what} ({error})")


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _failed(path, "cannot open", exc) from exc


def backup(database: Path, target: Path) -> int:
    """Copy ``database`` to ``target`` consistently, even while the bot writes; returns the
    copy's size in bytes."""
    if not database.exists():
        raise StorageError(f"{database}: no database here to back up")
    if target.is_dir():
        target = target / database.name
    if target.resolve() == database.resolve():
        raise StorageError(f"{target}: the backup would overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # the members' words: for the owner's eyes, as the database is
    source = _connect(database)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # one step: a single consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise _failed(database, "backup failed", exc) from exc
    finally:
        source.close()
    os.replace(partial, target)
    return target.stat().st_size


def verify(path: Path) -> int:
    """The schema version of a database file that is sound and readable by this version."""
    if not path.is_file():
        raise StorageError(f"{path}: no such file")
    connection = _connect(path, readonly=True)
    try:
        try:
            [(result,)] = connection.execute("PRAGMA integrity_check(1)").fetchall()
            version = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path}: not a database of this bot ({exc})") from None
    finally:
        connection.close()
    if result != "ok":
        raise StorageError(f"{path}: damaged ({result})")
    latest = MIGRATIONS[-1][0]
    found = int(version[0] or 0) if version else 0
    if found > latest:
        raise StorageError(
            f"{path}: made by a newer version of the bot (schema {found}, this one knows "
            f"{latest}); upgrade the bot first"
        )
    return found


def restore(source: Path, database: Path) -> Path | None:
    """Replace ``database`` with the backup ``source``; returns where the previous database was
    kept (None if there was none). Refuses while a bot runs on it."""
    verify(source)
    try:
        with InstanceLock(database):
            kept = None
            if database.exists() and database.stat().st_size:  # (the lock makes an empty one)
                kept = database.with_name(database.name + ".before-restore")
                try:
                    backup(database, kept)
                    # Fold the write-ahead log in and drop it: a stale -wal file must never be
                    # applied to the restored database.
                    connection = _connect(database)
                    try:
                        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                        connection.execute("PRAGMA journal_mode = DELETE")
                    finally:
                        connection.close()
                except StorageError:
                    # A damaged database cannot be read by SQLite: keep its files as they are.
                    shutil.copyfile(database, kept)
                    wal = database.with_name(database.name + "-wal")
                    if wal.exists():
                        shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
            incoming = database.with_name(database.name + ".restoring")
            backup(source, incoming)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    database.with_name(database.name + suffix).unlink()
            os.replace(incoming, database)
            return kept
    except AlreadyRunning as exc:
        raise StorageError(f"cannot restore while the bot runs: {exc}") from None
