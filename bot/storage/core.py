"""The store's core: the connection, opening and upgrading, health, and the single writer
(a write lock, savepoints, a commit loop, wiping what was forgotten). Part of
:class:`bot.storage.Store`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.storage.migrations import MIGRATIONS, _statements
from bot.storage.records import ChatSettings, StorageError
from bot.writable import explain, is_disk_trouble

log = logging.getLogger("bot.storage")

COMMIT_INTERVAL = 0.05  # seconds: log writes are committed in groups this often
WRITE_GRACE = 30.0  # seconds writes may keep failing before the store gives up (see fatal)
RECOVERY = 10.0  # seconds without a failed write before writing counts as working again
SCRUB_EVERY = 2.0  # seconds between WAL checkpoints while forgotten words may linger in it
SCRUB_FOR = 30.0  # seconds after a forget (or a refused message) that the WAL keeps being wiped
OUTBOX_KEEP = 300.0  # seconds the record of a sent post is kept (pacing needs 61)

# (version, name, SQL). Never edit a released migration: add a new one.


def _vacuum(path: Path) -> None:
    """Rewrite the database file, on a connection of its own (the store's keeps statements that
    SQLite counts as in progress, which VACUUM refuses); called with the store's lock held, so
    nothing of the store's is writing. Raises OperationalError if another process holds it."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute("VACUUM")
    finally:
        connection.close()


def private_file(path: Path) -> None:
    """Make ``path`` an empty file only its owner may read and write, if there is none yet:
    the discussion log holds members' words, so a new database (and a backup: SQLite gives its
    -wal and -shm files the database's mode) is not left readable by every user of the
    machine, whatever the umask. An existing file keeps the mode its operator gave it. Any
    other trouble (a read-only folder) is left for SQLite to meet and the caller to explain."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class StoreCore:
    """The connection and the single writer that every part of the store shares."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        # A second connection for reading the log, beside the single writer (see _read).
        self._reader: aiosqlite.Connection | None = None
        self.path = path
        self._lock = asyncio.Lock()
        self._dirty = False
        self._committer: asyncio.Task[None] | None = None
        self._done: list[int] = []  # handled updates, removed from the inbox at the next commit
        # Read on every message, changed rarely: kept in memory, written through.
        self._settings: dict[int, ChatSettings] = {}
        self._chats: dict[int, tuple[str, str]] = {}
        self._forgotten: set[tuple[int, int]] | None = None
        # Words deleted at a member's request may still be readable on disk (see _wipe_soon):
        # set by /forgetme and by a forgotten member's message refused.
        self._scrub_until = 0.0  # monotonic time until which the files are wiped now and then
        self._rewrite_now = False  # a forget just now: rewrite the file at once
        self._scrubbed_at = 0.0
        self._pruned_at = 0.0
        self._failing_since: float | None = None  # monotonic time writes started failing
        self._last_failure = 0.0
        self.failure: str | None = None  # why writes fail, while they do
        self.fatal: str | None = None  # why the store gave up (the bot must stop)
        self.on_fatal: Callable[[str], None] | None = None  # told once when it gives up

    @classmethod
    async def open(cls, path: Path | str, *, upto: int | None = None) -> Self:
        """Open (creating if need be) and upgrade the database; ``upto`` stops at a migration
        (for tests that need an older schema)."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            private_file(path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:  # sqlite3 raises its own types; say which file
            raise StorageError(f"{path}: cannot open the database ({exc})") from None
        store = cls(connection, path)
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")  # safe against a crash
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA busy_timeout = 5000")
            # Deleted rows are overwritten, not just unlinked: /forgetme means gone from disk.
            await connection.execute("PRAGMA secure_delete = ON")
            await store._migrate(upto)
            await store._probe()
            # A run killed just after a /forgetme leaves the deleted words in the WAL's older
            # frames, and the wish to wipe them only in its memory: wipe them at every start.
            if str(path) != ":memory:":
                await connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:
            await connection.close()
            if isinstance(exc, StorageError):
                raise
            if is_disk_trouble(exc):
                raise StorageError(explain(path, exc)) from exc
            raise StorageError(f"{path}: cannot upgrade the database ({exc})") from exc
        if str(path) != ":memory:":
            try:
                store._reader = await aiosqlite.connect(path, isolation_level=None)
                await store._reader.execute("PRAGMA query_only = ON")
                await store._reader.execute("PRAGMA busy_timeout = 5000")
            except Exception as exc:
                await connection.close()
                raise StorageError(f"{path}: cannot open the database ({exc})") from None
        store._committer = asyncio.create_task(store._commit_loop(), name="store-commit")
        return store

    async def close(self) -> None:
        """Commit what is pending and close the connection (closed even if the commit fails:
        what it held is handled again at the next start)."""
        if self._committer:
            self._committer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._committer
        if self._scrub_until:
            self._scrub_until, self._scrubbed_at = time.monotonic() - 1, 0.0  # the last wipe now
        try:
            await self.commit()
        except sqlite3.Error as exc:
            log.error("Could not commit at shutdown: %s", explain(self.path, exc))
        finally:
            await self._db.close()
            if self._reader is not None:
                await self._reader.close()

    async def _probe(self) -> None:
        """Write one row and commit it: a read-only file or a full disk is found at start,
        not at the first message."""
        if str(self.path) == ":memory:" or await self.schema_version() < 4:
            return
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('opened_at', ?)",
                (int(time.time()),),
            )
            await self._db.commit()
        except BaseException:
            if self._db.in_transaction:
                await self._db.rollback()
            raise

    # --- health --------------------------------------------------------------------------

    async def touch(self) -> None:
        """A small write, committed: the heartbeat's proof that the database takes writes."""
        async with self._writing() as db:
            await db.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('alive_at', ?)",
                (int(time.time()),),
            )
        await self.commit()

    @property
    def healthy(self) -> bool:
        """Whether writes are succeeding: the last one committed, and the store has not given
        up."""
        return self._failing_since is None and self.fatal is None

    def _failed(self, error: BaseException) -> None:
        """A write or commit failed: said once, in one line; given up after WRITE_GRACE of
        failures with no quiet spell of RECOVERY between them (on a full disk some small
        writes still pass while the log's do not)."""
        now = time.monotonic()
        reason = explain(self.path, error)
        if self._failing_since is None:
            log.error("Writing to the database fails: %s", reason)
            self._failing_since = now
        elif now - self._last_failure > RECOVERY:
            self._failing_since = now
        self._last_failure = now
        self.failure = reason
        busy = isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
        if now - self._failing_since > WRITE_GRACE and not busy:
            # (Another process holding the write lock is waited out: stopping would not help.)
            self._give_up(f"writes failed for {WRITE_GRACE:.0f} s: {reason}")

    def _give_up(self, reason: str) -> None:
        if self.fatal is not None:
            return
        self.fatal = reason
        log.critical("Giving up on the database: %s", reason)
        if self.on_fatal is not None:
            self.on_fatal(reason)

    def _succeeded(self) -> None:
        if self._failing_since is None or time.monotonic() - self._last_failure < RECOVERY:
            return
        log.warning("Writing to the database works again")
        self._failing_since = None
        self.failure = None

    # --- migrations ------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._db.execute("SELECT max(version) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
        return int(row[0] or 0) if row else 0

    async def _migrate(self, upto: int | None) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        current = await self.schema_version()
        if current > MIGRATIONS[-1][0]:
            raise StorageError(
                f"{self.path}: made by a newer version of the bot (schema {current}); "
                "upgrade the bot before using this database"
            )
        for version, name, sql in MIGRATIONS:
            if version <= current or (upto is not None and version > upto):
                continue
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    await self._db.execute(statement)
                await self._db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, time.time()),
                )
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise

    # --- writing -----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection inside an open transaction; committed soon by the commit loop."""
        async with self._lock:
            earlier = self._dirty and self._db.in_transaction  # uncommitted writes before this
            try:
                if not self._db.in_transaction:
                    await self._db.execute("BEGIN IMMEDIATE")
                # A savepoint per write: a failed write undoes itself, not its neighbours'.
                await self._db.execute("SAVEPOINT write")
            except sqlite3.Error as exc:
                self._failed(exc)
                raise
            try:
                yield self._db
            except BaseException as exc:
                if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                    self._failed(exc)
                    if earlier and not self._db.in_transaction:  # SQLite undid them all
                        self._give_up(f"a write rolled back others: {explain(self.path, exc)}")
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self._db.execute("ROLLBACK TO write")
                        await self._db.execute("RELEASE write")
                raise
            await self._db.execute("RELEASE write")
            self._dirty = True

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection to read the log on: the reader, beside the writer, so that a long read
        (an export, a thread) never holds up logging; what was written before is committed
        first, so the read sees it. Without a reader (``:memory:``), or when the commit fails,
        the writer under its lock."""
        reader = self._reader
        if reader is not None and self._db.in_transaction:
            with contextlib.suppress(Exception):  # said by the store; the writer reads instead
                await self.commit()
            if self._db.in_transaction:
                reader = None
        if reader is None:
            async with self._lock:
                yield self._db
        else:
            yield reader

    async def commit(self) -> None:
        """Make every write so far durable. If the commit fails, what it held is kept for the
        next try while SQLite keeps the transaction open; if SQLite rolled it back (a full
        disk may), the store gives up: those updates are still in the inbox, and the next
        start handles them again."""
        async with self._lock:
            if self.fatal is not None:
                self._done = []  # writes may have been lost: their updates stay in the inbox
            done, self._done = self._done, []
            was_open = self._db.in_transaction
            try:
                if done:
                    if not self._db.in_transaction:
                        await self._db.execute("BEGIN IMMEDIATE")
                    await self._db.executemany(
                        "DELETE FROM inbox WHERE update_id = ?", [(u,) for u in done]
                    )
                if self._db.in_transaction:
                    await self._db.commit()
            except sqlite3.Error as exc:
                self._failed(exc)
                if was_open and not self._db.in_transaction:
                    # SQLite rolled the transaction back: writes since the last commit are gone
                    # from this run; their updates are still in the inbox for the next start.
                    self._give_up(f"a commit was rolled back: {explain(self.path, exc)}")
                else:
                    self._done = done + self._done  # nothing lost: tried again shortly
                raise
            self._succeeded()
            self._dirty = False
            if self._scrub_until and time.monotonic() - self._scrubbed_at >= SCRUB_EVERY:
                await self._scrub_wal()

    def _wipe_soon(self, *, now: bool = False) -> None:
        """Deleted words may be readable in the WAL, and in the free space of pages (SQLite
        zeroes a deleted row, but a page rebuilt earlier may still hold an old copy of it in
        its unused part): wipe the WAL every SCRUB_EVERY seconds for SCRUB_FOR seconds (the
        forgotten member's updates still in hand leave the inbox meanwhile), and rewrite the
        file (VACUUM) at the end, and at once if ``now`` (a forget)."""
        self._scrub_until = time.monotonic() + SCRUB_FOR
        if now:
            self._rewrite_now, self._scrubbed_at = True, 0.0

    async def _scrub_wal(self) -> None:
        """Checkpoint the WAL and truncate it, so words deleted at a member's request are not
        left readable in it. Never waits on another process reading the database (a backup, a
        check): it tries again a moment later. Called with the lock held, just after a
        commit."""
        self._scrubbed_at = time.monotonic()
        over = self._scrubbed_at > self._scrub_until
        await self._db.execute("PRAGMA busy_timeout = 0")
        try:
            if over or self._rewrite_now:
                await asyncio.to_thread(_vacuum, self.path)  # no old copy left in free space
                self._rewrite_now = False
            async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                result = await cursor.fetchone()
        except sqlite3.OperationalError:  # a reader (backup, check) holds it: next time
            result = None
        finally:
            await self._db.execute("PRAGMA busy_timeout = 5000")
        if over and result is not None and result[0] == 0:
            self._scrub_until = 0.0

    async def _commit_loop(self) -> None:
        while True:
            await asyncio.sleep(COMMIT_INTERVAL)
            try:
                if self._dirty or self._done or self._scrub_until:
                    await self.commit()
                if time.monotonic() - self._pruned_at > 60:
                    await self._prune_outbox()
            except sqlite3.Error as exc:
                self._failed(exc)  # said once; the next round tries again
                await asyncio.sleep(1.0)
            except Exception as exc:  # never die silently: the bot would store nothing
                self._give_up(f"the commit task failed: {exc!r}")
                raise

    # --- shared by the parts -------------------------------------------------------------

    async def _is_forgotten(
        self, db: aiosqlite.Connection, chat_id: int, sender: int | None
    ) -> bool:
        """Whether a member asked to be forgotten in a chat (called with the lock held)."""
        if sender is None:
            return False
        if self._forgotten is None:
            async with db.execute("SELECT chat_id, user_id FROM forgotten") as cursor:
                self._forgotten = {(int(c), int(u)) for c, u in await cursor.fetchall()}
        return (chat_id, sender) in self._forgotten

    async def _of_group(self, chat_id: int, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """The rows of ``sql`` in a group (its ids, past ones too, fill ``{chats}``)."""
        ids = await self.chat_ids(chat_id)
        query = sql.format(chats=",".join("?" * len(ids)))
        async with self._read() as db, db.execute(query, (*ids, *params)) as cursor:
            return list(await cursor.fetchall())

    async def chat_ids(self, chat_id: int) -> list[int]:
        """A chat's id and the ids it had before becoming a supergroup."""
        ids, frontier = [chat_id], [chat_id]
        async with self._lock:
            while frontier:
                marks = ",".join("?" * len(frontier))
                async with self._db.execute(
                    f"SELECT chat_id FROM chats WHERE migrated_to IN ({marks})", frontier
                ) as cursor:
                    frontier = [int(r[0]) for r in await cursor.fetchall() if r[0] not in ids]
                ids += frontier
        return ids

    async def _prune_outbox(self) -> None:
        """Forget posts too old for pacing, unless their update is still to be answered."""
        self._pruned_at = time.monotonic()
        async with self._writing() as db:
            await db.execute(
                "DELETE FROM outbox WHERE at < ? AND (update_id IS NULL OR update_id NOT IN "
                "(SELECT update_id FROM inbox WHERE done = 0))",
                (time.time() - OUTBOX_KEEP,),
            )
