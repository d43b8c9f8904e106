"""The SQLite store: intake of updates, the discussion log, and each chat's settings.

One database file, WAL mode, one long-lived connection that does all the writing. The schema is
built and upgraded by numbered migrations at start-up, each applied together with its
bookkeeping row in one transaction. Writes are idempotent: a message is keyed on (chat, message
id), an edit on (chat, message id, edit time), an update on its update id, so replaying anything
after a crash changes nothing. Nothing here knows about Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.writable import explain, is_disk_trouble

log = logging.getLogger(__name__)

COMMIT_INTERVAL = 0.05  # seconds: log writes are committed in groups this often
WRITE_GRACE = 30.0  # seconds writes may keep failing before the store gives up (see fatal)
RECOVERY = 10.0  # seconds without a failed write before writing counts as working again
SCRUB_EVERY = 2.0  # seconds between WAL checkpoints while forgotten words may linger in it
SCRUB_FOR = 30.0  # seconds after a forget (or a refused message) that the WAL keeps being wiped
OUTBOX_KEEP = 300.0  # seconds the record of a sent post is kept (pacing needs 61)
REDACTED = "[removed: it showed the words of a member who asked to be forgotten]"

# (version, name, SQL). Never edit a released migration: add a new one.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "intake, chats and messages",
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX inbox_pending ON inbox (update_id) WHERE done = 0;
        CREATE TABLE chats (
            chat_id INTEGER PRIMARY KEY,
            type TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            logging INTEGER,
            active INTEGER NOT NULL DEFAULT 1,
            migrated_to INTEGER
        );
        CREATE TABLE messages (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            date INTEGER NOT NULL,
            sender_id INTEGER,
            sender_name TEXT NOT NULL DEFAULT '',
            is_bot INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL DEFAULT '',
            reply_to INTEGER,
            topic_id INTEGER,
            forward_from TEXT,
            thread_root INTEGER,
            refs TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX messages_thread ON messages (chat_id, thread_root);
        CREATE INDEX messages_date ON messages (chat_id, date)
        """,
    ),
    (
        2,
        "edit history: every version of a message kept",
        """
        CREATE TABLE message_versions (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            edit_date INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id, version),
            UNIQUE (chat_id, message_id, edit_date)
        );
        INSERT INTO message_versions (chat_id, message_id, version, edit_date, text)
            SELECT chat_id, message_id, 1, 0, text FROM messages
        """,
    ),
    (
        3,
        "members who asked to be forgotten",
        """
        CREATE TABLE forgotten (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        );
        CREATE INDEX messages_sender ON messages (chat_id, sender_id)
        """,
    ),
    (
        4,
        "handled updates leave the inbox; the offset is kept on its own",
        """
        CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO state (key, value)
            SELECT 'last_update_id', max(update_id) FROM inbox HAVING count(*) > 0;
        DELETE FROM inbox WHERE done = 1
        """,
    ),
    (
        5,
        "reading plans and daily schedules",
        """
        CREATE TABLE plans (
            chat_id INTEGER PRIMARY KEY,
            article_order TEXT NOT NULL DEFAULT '',
            minutes INTEGER NOT NULL DEFAULT 5,
            position INTEGER NOT NULL DEFAULT 0,
            last_reading INTEGER,
            daily_time TEXT,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            topic_id INTEGER,
            paused INTEGER NOT NULL DEFAULT 0,
            last_date TEXT
        )
        """,
    ),
    (
        6,
        "quote requests, the quote board",
        """
        CREATE TABLE quote_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            query TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE TABLE pulls (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            user_name TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL,
            source TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX pulls_ref ON pulls (chat_id, ref);
        CREATE TABLE board_hidden (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            PRIMARY KEY (chat_id, ref)
        )
        """,
    ),
    (
        7,
        "articles added by members, and removed ones",
        """
        CREATE TABLE library_articles (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            publication TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            added_at REAL NOT NULL,
            added_by INTEGER
        );
        CREATE TABLE library_removed (id TEXT PRIMARY KEY, removed_at REAL NOT NULL)
        """,
    ),
    (
        8,
        "added articles kept parsed, for a quick start",
        """
        ALTER TABLE library_articles ADD COLUMN parsed TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        9,
        "replies Telegram would not take, with the reason",
        """
        CREATE TABLE undelivered (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            reply_to INTEGER,
            at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX undelivered_by_chat ON undelivered (chat_id, at)
        """,
    ),
    (
        10,
        "two edits in the same second are two versions",
        """
        CREATE TABLE message_versions_new (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            edit_date INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id, version)
        );
        INSERT INTO message_versions_new SELECT chat_id, message_id, version, edit_date, text
            FROM message_versions;
        DROP TABLE message_versions;
        ALTER TABLE message_versions_new RENAME TO message_versions
        """,
    ),
    (
        11,
        "whose words the bot's posts carry; the posts the bot sends, for replay and pacing",
        """
        CREATE TABLE carried (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, user_id, message_id)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            update_id INTEGER,
            seq INTEGER,
            chat_id INTEGER,
            at REAL NOT NULL,
            result TEXT,
            UNIQUE (update_id, seq)
        );
        CREATE INDEX outbox_at ON outbox (at);
        ALTER TABLE undelivered ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0
        """,
    ),
    (
        12,
        "what each post said, to replay only the same post; whose words a failed reply showed",
        """
        ALTER TABLE outbox ADD COLUMN digest TEXT NOT NULL DEFAULT '';
        ALTER TABLE undelivered ADD COLUMN carries TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        13,
        "periodic work served by indexes; a counter of library changes, so a sync reads nothing "
        "when nothing changed",
        """
        CREATE INDEX messages_by_sender ON messages (sender_id, date);
        CREATE INDEX messages_by_age ON messages (date);
        CREATE INDEX pulls_by_user ON pulls (user_id, at);
        CREATE INDEX inbox_done_by_age ON inbox (received_at) WHERE done > 0;
        CREATE INDEX undelivered_by_age ON undelivered (at);
        CREATE TABLE library_changes (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            changes INTEGER NOT NULL
        );
        INSERT INTO library_changes (id, changes) VALUES (1, 0);
        CREATE TRIGGER library_added AFTER INSERT ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_deleted AFTER DELETE ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_changed AFTER UPDATE ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_hidden AFTER INSERT ON library_removed
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_unhidden AFTER DELETE ON library_removed
            BEGIN UPDATE library_changes SET changes = changes + 1; END
        """,
    ),
]


def _statements(sql: str) -> list[str]:
    """A migration's statements, one by one (a trigger's body keeps its own semicolons)."""
    statements, pending = [], ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().rstrip(";"))
    return statements


@dataclass(frozen=True)
class LoggedMessage:
    """A message as the log keeps it."""

    chat_id: int
    message_id: int
    date: int  # unix time
    sender_id: int | None
    sender_name: str
    text: str
    is_bot: bool = False
    reply_to: int | None = None
    topic_id: int | None = None
    forward_from: str | None = None
    opens_thread: bool = False  # a bot post that starts a thread (a quote, a summary, a reading)
    refs: tuple[str, ...] = ()  # passage references it concerns
    reply_to_bot_post: bool = False  # its reply target is one of this bot's posts
    thread_root: int | None = None  # set for the later parts of a bot post sent in several
    carries: tuple[int, ...] = ()  # a bot post: the members whose words or names it shows


@dataclass(frozen=True)
class StoredMessage:
    """A row of the log: a message with its latest text."""

    chat_id: int
    message_id: int
    date: int
    sender_id: int | None
    sender_name: str
    is_bot: bool
    text: str
    reply_to: int | None
    topic_id: int | None
    forward_from: str | None
    thread_root: int | None
    refs: tuple[str, ...]
    versions: int = 1


@dataclass
class Plan:
    """A chat's reading plan and daily schedule."""

    chat_id: int
    order: list[str] = field(default_factory=list)  # article ids; empty: catalog order
    minutes: int = 5  # reading time of one reading
    position: int = 0  # index of the next reading
    last_reading: int | None = None  # index of the reading posted last (for /today)
    daily_time: str | None = None  # "HH:MM" local, or None when not subscribed
    timezone: str = "UTC"
    topic_id: int | None = None  # the forum topic the readings go to
    paused: bool = False
    last_date: str | None = None  # local date (ISO) of the last scheduled post, or skipped day


@dataclass(frozen=True)
class ChatSettings:
    logging: bool | None  # None: the configured default
    active: bool


class StorageError(Exception):
    """The database cannot be opened or upgraded; the message names the file."""


_COLUMNS = (
    "m.chat_id, m.message_id, m.date, m.sender_id, m.sender_name, m.is_bot, m.text, "
    "m.reply_to, m.topic_id, m.forward_from, m.thread_root, m.refs"
)


def _row(row: tuple, versions: int = 1) -> StoredMessage:
    chat_id, message_id, date, sender_id, name, is_bot, text, reply_to, topic, forward, root = row[
        :11
    ]
    return StoredMessage(
        chat_id,
        message_id,
        date,
        sender_id,
        name,
        bool(is_bot),
        text,
        reply_to,
        topic,
        forward,
        root,
        tuple(r for r in row[11].split("\n") if r),
        versions,
    )


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


class Store:
    """The bot's database. Open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
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
    async def open(cls, path: Path | str, *, upto: int | None = None) -> Store:
        """Open (creating if need be) and upgrade the database; ``upto`` stops at a migration
        (for tests that need an older schema)."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
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

    # --- intake ------------------------------------------------------------------------------

    async def save_updates(self, updates: Iterable[tuple[int, str]], bot_id: int = 0) -> None:
        """Store fetched updates durably (committed before this returns); repeats are ignored.
        Update ids count per bot, so the newest is kept per bot."""
        now = time.time()
        rows = [(uid, payload, now) for uid, payload in updates]
        if not rows:
            return
        async with self._writing() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )
            await db.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = max(value, excluded.value)",
                (f"last_update_id:{bot_id}", max(r[0] for r in rows)),
            )
        await self.commit()

    async def pending_updates(self, limit: int = 1000) -> list[tuple[int, str]]:
        """Updates stored but not yet handled, oldest first."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT update_id, payload FROM inbox WHERE done = 0 ORDER BY update_id LIMIT ?",
                (limit,),
            ) as cursor,
        ):
            return [(int(r[0]), str(r[1])) for r in await cursor.fetchall()]

    async def mark_done(self, update_id: int) -> None:
        """The update has been logged and answered: it leaves the inbox at the next commit."""
        self._done.append(update_id)

    async def set_aside(self, update_id: int) -> None:
        """An update this version cannot read: kept (retention applies), never retried."""
        async with self._writing() as db:
            await db.execute("UPDATE inbox SET done = 2 WHERE update_id = ?", (update_id,))

    async def last_update_id(self, bot_id: int = 0) -> int | None:
        """The newest update ever stored for this bot (the next fetch starts after it); a
        database from before update ids were kept per bot has one for whichever bot it ran."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT value FROM state WHERE key = ? OR key = 'last_update_id' "
                "ORDER BY key = 'last_update_id' LIMIT 1",
                (f"last_update_id:{bot_id}",),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else None

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

    # --- reading plans -------------------------------------------------------------------

    async def plan(self, chat_id: int, timezone: str = "UTC") -> Plan:
        """A chat's plan (a fresh one if it has none yet)."""
        async with (
            self._lock,
            self._db.execute(
                "SELECT article_order, minutes, position, last_reading, daily_time, timezone, "
                "topic_id, paused, last_date FROM plans WHERE chat_id = ?",
                (chat_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return Plan(chat_id, timezone=timezone)
        order, minutes, position, last_reading, daily, tz, topic, paused, last_date = row
        return Plan(
            chat_id, [a for a in order.split("\n") if a], minutes, position, last_reading,
            daily, tz, topic, bool(paused), last_date,
        )  # fmt: skip

    async def save_plan(self, plan: Plan) -> None:
        async with self._writing() as db:
            await db.execute(
                "INSERT OR REPLACE INTO plans (chat_id, article_order, minutes, position, "
                "last_reading, daily_time, timezone, topic_id, paused, last_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    plan.chat_id, "\n".join(plan.order), plan.minutes, plan.position,
                    plan.last_reading, plan.daily_time, plan.timezone, plan.topic_id,
                    int(plan.paused), plan.last_date,
                ),
            )  # fmt: skip
        await self.commit()

    async def subscribed_plans(self) -> list[Plan]:
        """Every plan with a daily time, for the scheduler."""
        async with (
            self._lock,
            self._db.execute("SELECT chat_id FROM plans WHERE daily_time IS NOT NULL") as cursor,
        ):
            ids = [int(r[0]) for r in await cursor.fetchall()]
        return [await self.plan(chat_id) for chat_id in ids]

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
        ids = await self.chat_ids(chat_id)
        marks = ",".join("?" * len(ids))
        async with (
            self._lock,
            self._db.execute(
                f"SELECT ref, count(*), count(DISTINCT user_id), max(at) FROM pulls "
                f"WHERE chat_id IN ({marks}) AND ref NOT IN "
                f"(SELECT ref FROM board_hidden WHERE chat_id = ?) "
                f"GROUP BY ref ORDER BY count(*) DESC, max(at) DESC LIMIT ?",
                (*ids, chat_id, limit),
            ) as cursor,
        ):
            return [(str(r[0]), int(r[1]), int(r[2])) for r in await cursor.fetchall()]

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

    async def _prune_outbox(self) -> None:
        """Forget posts too old for pacing, unless their update is still to be answered."""
        self._pruned_at = time.monotonic()
        async with self._writing() as db:
            await db.execute(
                "DELETE FROM outbox WHERE at < ? AND (update_id IS NULL OR update_id NOT IN "
                "(SELECT update_id FROM inbox WHERE done = 0))",
                (time.time() - OUTBOX_KEEP,),
            )

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

    async def recent_chat_of(self, user_id: int) -> int | None:
        """The group a member last spoke in or pulled a quote in (for inline suggestions)."""
        async with (
            self._lock,
            self._db.execute(
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

        Gone with them: every version of their messages, their /quote words and pulls, the
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
            for table, member in (("pulls", "user_id"), ("quote_requests", "user_id")):
                await db.execute(
                    f"DELETE FROM {table} WHERE {in_chats} AND {member} = ?", (*ids, user_id)
                )
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
            self._lock,
            self._db.execute(
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
            self._lock,
            self._db.execute(
                f"SELECT chat_id, thread_root, count(*), max(date) FROM messages "
                f"WHERE chat_id IN ({marks}) AND thread_root IS NOT NULL "
                f"GROUP BY chat_id, thread_root ORDER BY max(date) DESC, thread_root DESC LIMIT ?",
                (*chat_ids, limit),
            ) as cursor,
        ):
            return [tuple(int(v) for v in r) for r in await cursor.fetchall()]  # type: ignore[misc]

    async def _select(self, where: str, params: tuple) -> list[StoredMessage]:
        async with (
            self._lock,
            self._db.execute(
                f"SELECT {_COLUMNS}, max(1, (SELECT count(*) FROM message_versions v "
                f"WHERE v.chat_id = m.chat_id AND v.message_id = m.message_id)) "
                f"FROM messages m {where}",
                params,
            ) as cursor,
        ):
            return [_row(tuple(r[:12]), int(r[12])) for r in await cursor.fetchall()]

    async def count_messages(self, chat_id: int | None = None) -> int:
        sql = "SELECT count(*) FROM messages" + (" WHERE chat_id = ?" if chat_id else "")
        async with self._lock, self._db.execute(sql, (chat_id,) if chat_id else ()) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def versions(self, chat_id: int, message_id: int) -> list[str]:
        """Every wording a message has had, the original first."""
        async with (
            self._lock,
            self._db.execute(
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
