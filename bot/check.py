"""``python -m bot check``: is this installation ready to run?

Each check gives a line: the configuration, the database (sound, a schema this version reads,
and writable: a test row committed), the library, whether a bot is running on the database, and
the token (asked of Telegram with getMe when the network allows; that one lives in the Telegram
layer and is passed in). The command exits non-zero when any check fails, saying why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Config
from bot.library import ARTICLE_SUFFIXES, CATALOG_NAME, LibraryError, load_library
from bot.lock import is_running
from bot.storage import MIGRATIONS
from bot.writable import explain, probe_folder

STATE_SINCE = 4  # the migration that made the state table the write probe writes to


@dataclass(frozen=True)
class Finding:
    ok: bool
    item: str
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.item}: {self.detail}"


NOBODY = "no bot is running on this database"


class TokenUnchecked(Exception):
    """Telegram could not be reached: the token is neither confirmed nor refused."""


def check_database(database: Path) -> Finding:
    """Sound, of a schema this version reads, and writable: the file opens for writing, its
    folder takes a file (written, flushed, deleted), and the database commits a row. A
    read-only file or folder, a full disk or a damaged database fail here, with what to do,
    rather than at the bot's first message. Every descriptor and connection is closed on
    return, so :func:`~bot.lock.is_running` may follow."""
    if not database.exists():
        existing = next(p for p in database.absolute().parents if p.exists())
        if not existing.is_dir():  # "/etc/passwd/bot.sqlite3": a file where a folder must be
            return Finding(False, "database", explain(database, NotADirectoryError(
                errno.ENOTDIR, "Not a directory", str(existing))))  # fmt: skip
        folder = existing
        try:
            probe_folder(folder)  # `run` creates the folders below it and the file
        except OSError as exc:
            return Finding(False, "database", explain(folder, exc))
        return Finding(True, "database", f"{database} does not exist yet; `run` creates it")
    try:
        # Before any SQLite connection: closing this descriptor while one is open would drop
        # the connection's locks (see bot.lock).
        os.close(os.open(database, os.O_RDWR))
    except OSError as exc:
        return Finding(False, "database", explain(database, exc))
    try:
        probe_folder(database.parent)  # SQLite makes its -wal and -shm files there
    except OSError as exc:
        return Finding(False, "database", explain(database.parent, exc))
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=5, isolation_level=None)) as db:
            return _check_contents(database, db)
    except (OSError, sqlite3.Error) as exc:
        return Finding(False, "database", explain(database, exc))


def _check_contents(database: Path, db: sqlite3.Connection) -> Finding:
    # quick_check: the structure of every page, in time proportional to the file (the full
    # integrity_check a restore runs also matches each index to its table, much slower).
    [(result,)] = db.execute("PRAGMA quick_check(1)").fetchall()
    if result != "ok":
        damaged = explain(database, sqlite3.DatabaseError("database disk image is malformed"))
        return Finding(False, "database", f"{damaged} (quick_check: {' '.join(result.split())})")
    if database.stat().st_size == 0:
        return Finding(True, "database", f"{database}: empty, writable; `run` creates the tables")
    known = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()[0]
    if not known:
        return Finding(
            False, "database", f"{database}: not a database of this bot (it has no table "
            "schema_migrations) — check storage.database",
        )  # fmt: skip
    version = int(db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)
    latest = MIGRATIONS[-1][0]
    if version > latest:
        return Finding(
            False, "database", f"{database}: made by a newer version of the bot (schema "
            f"{version}, this one knows {latest}); upgrade the bot first",
        )  # fmt: skip
    messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    # The write probe: what the bot does with each update, a write transaction committed.
    db.execute("BEGIN IMMEDIATE")
    try:
        if version >= STATE_SINCE:
            db.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('check_probe', ?)",
                (int(time.time()),),
            )
        db.execute("COMMIT")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
    wrote = (
        "a test row written and committed"
        if version >= STATE_SINCE
        else f"write lock taken, no test row (schema {version} has no state table yet)"
    )
    pending = (
        f"; {latest - version} migration(s) will be applied at start" if version < latest else ""
    )
    return Finding(
        True, "database", f"{database}: intact, schema {version} of {latest}{pending}, "
        f"{messages:,} messages logged; writable: {wrote}",
    )  # fmt: skip


def check_library(config: Config) -> Finding:
    """The library folder loads; with the articles added to the database and those removed
    from it, what the bot will serve."""
    try:
        library = load_library(config.library)
    except LibraryError as exc:
        return Finding(False, "library", str(exc))
    added, removed = _library_changes(config.database, {a.id for a in library.articles})
    served = len(library) - removed + added
    said = f"{len(library)} articles in {config.library}"
    if added or removed:
        said = f"{served} articles: {said}, {added} added and {removed} of them removed"
    if left := _left_out(Path(config.library)):
        shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
        said += (
            f"; not read from the folder ({'/'.join(ARTICLE_SUFFIXES)} are): {shown}; add such "
            "files with `python -m bot add`"
        )
    return Finding(True, "library", said)


def _left_out(folder: Path) -> list[str]:
    """Files in the library folder that it does not load (a PDF, an EPUB, a web page)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.name != CATALOG_NAME
        and p.suffix.lower() not in ARTICLE_SUFFIXES
    )


def _library_changes(database: Path, folder_ids: set[str]) -> tuple[int, int]:
    """(articles added, folder articles removed) as the database records them; (0, 0) when
    there is no database yet or it cannot be read (the database check says why)."""
    if not database.exists():
        return 0, 0
    try:
        uri = f"{database.absolute().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
            added = db.execute("SELECT count(*) FROM library_articles").fetchone()[0]
            gone = {r[0] for r in db.execute("SELECT id FROM library_removed")}
    except (OSError, sqlite3.Error):
        return 0, 0
    return int(added), len(gone & folder_ids)


async def run_checks(
    config: Config, token_check: Callable[[Config], Awaitable[str]]
) -> list[Finding]:
    """Every check, in order; ``token_check`` returns the bot's @username, raises
    :class:`TokenUnchecked` when Telegram cannot be reached, or another error when the token
    is refused."""
    findings = [Finding(True, "config", config.source)]
    findings.append(check_database(config.database))
    findings.append(check_library(config))
    # After check_database has closed its connections (see bot.lock on descriptors).
    try:
        running = is_running(config.database)
    except OSError as exc:
        findings.append(Finding(False, "instance", explain(config.database, exc)))
    else:
        findings.append(Finding(True, "instance", running or NOBODY))
    if not config.token:
        findings.append(Finding(False, "token", "none set: put it in $TELEGRAM_BOT_TOKEN"))
    else:
        try:
            findings.append(
                Finding(True, "token", f"accepted by Telegram: @{await token_check(config)}")
            )
        except TokenUnchecked as exc:
            findings.append(Finding(True, "token", f"not checked: {exc}"))
        except Exception as exc:
            findings.append(Finding(False, "token", str(exc)))
    return findings
