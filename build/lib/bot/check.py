"""``python -m bot check``: is this installation ready to run?

Each check gives a line: the configuration, the database (integrity and schema), the library,
whether a bot is running on the database, and the token (asked of Telegram with getMe when the
network allows; that one lives in the Telegram layer and is passed in). The command exits
non-zero when any check fails, saying why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.backup import verify
from bot.config import Config
from bot.library import LibraryError, load_library
from bot.lock import is_running
from bot.storage import MIGRATIONS, StorageError


@dataclass(frozen=True)
class Finding:
    ok: bool
    item: str
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.item}: {self.detail}"


class TokenUnchecked(Exception):
    """Telegram could not be reached: the token is neither confirmed nor refused."""


def check_database(database: Path) -> Finding:
    if not database.exists():
        return Finding(True, "database", f"{database} does not exist yet; `run` creates it")
    try:
        version = verify(database)
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            messages = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    except (StorageError, sqlite3.Error) as exc:
        return Finding(False, "database", str(exc))
    latest = MIGRATIONS[-1][0]
    pending = (
        f"; {latest - version} migration(s) will be applied at start" if version < latest else ""
    )
    return Finding(
        True, "database", f"{database}: intact, schema {version} of {latest}{pending}, "
        f"{messages:,} messages logged",
    )  # fmt: skip


def check_library(config: Config) -> Finding:
    try:
        library = load_library(config.library)
    except LibraryError as exc:
        return Finding(False, "library", str(exc))
    return Finding(True, "library", f"{len(library)} articles in {config.library}")


async def run_checks(
    config: Config, token_check: Callable[[Config], Awaitable[str]]
) -> list[Finding]:
    """Every check, in order; ``token_check`` returns the bot's @username, raises
    :class:`TokenUnchecked` when Telegram cannot be reached, or another error when the token
    is refused."""
    findings = [Finding(True, "config", config.source)]
    findings.append(check_database(config.database))
    findings.append(check_library(config))
    running = is_running(config.database)
    findings.append(Finding(True, "instance", running or "no bot is running on this database"))
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
