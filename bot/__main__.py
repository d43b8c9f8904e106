"""Command line: ``python -m bot [start|run|console] [--config PATH]``.

``start`` (the default) runs the Telegram bot when a token is configured, and otherwise explains
how to get one and opens the offline console. ``run`` insists on a token; ``console`` never
touches Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path

from bot import logs
from bot.backup import backup, restore
from bot.check import NOBODY, run_checks
from bot.commands import Commands
from bot.config import TOKEN_ENV, TOKEN_HELP, Config, ConfigError, load_config
from bot.console import run_console
from bot.dropped import describe_dropped
from bot.history import HistoryError, import_history
from bot.ingest import SUFFIXES, IngestError, Librarian
from bot.library import Library, LibraryError, load_library
from bot.lock import AlreadyRunning, InstanceLock, is_running
from bot.search import FuzzyIndex
from bot.storage import StorageError, Store
from bot.writable import NotWritable, explain, is_disk_trouble

log = logging.getLogger("bot")
# Seconds: a running bot beats after every poll (at most every 25 s) or every 15 s (webhook),
# and only while its database takes writes; so a bot that stopped storing is unhealthy within
# a minute.
HEALTHY_WITHIN = 50.0
CLEAR = "\r\033[K"  # back to the start of the terminal line, and clear it


def setup_logging(config: Config) -> None:
    """One line per event on standard error, with the token and webhook secret kept out."""
    logs.setup_logging(config.log_level, config.log_format, _secrets(config))


class _Unindexed:
    """No search index: `add` and `remove` only change the database and exit, so building an
    index they would throw away is skipped (the bot indexes what they added)."""

    def search(self, query: str, *, article_id: str | None = None, limit: int = 3) -> list:
        return []

    def add_article(self, article: object) -> None:
        pass

    def remove_article(self, article_id: str) -> None:
        pass


def _library_commands(config: Config) -> Commands:
    """The folder's library without indexes, for `add` and `remove`."""
    return Commands(load_library(config.library), _Unindexed(), defer_terms=True)


def _library(config: Config) -> Library:
    """The folder's library; the texts of a large one are kept beside the database."""
    library = load_library(config.library)
    library.texts_folder = Path(config.database).parent
    return library


def _folder_commands(config: Config) -> Commands:
    library = _library(config)
    return Commands(library, FuzzyIndex(library))


def _commands(config: Config) -> Commands:
    """The library (the folder's articles, and those added since, if the database exists)."""
    commands = _folder_commands(config)
    if Path(config.database).exists():
        asyncio.run(_sync(config, commands))
    return commands


async def _sync(config: Config, commands: Commands) -> None:
    store = await Store.open(config.database)
    try:
        await Librarian(store, commands.shelf).sync()
    finally:
        await store.close()


def _files(paths: list[str]) -> list[Path | str]:
    """The articles named: files as given, folders searched for the kinds the bot reads
    (.txt, .md, .html, .pdf, .epub, .docx), and links (kept as strings)."""
    files: list[Path | str] = []
    for name in paths:
        if "://" in name:
            files.append(name)  # a link: fetched (and refused, if not http or https) in turn
            continue
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.exists():
            files.append(path)
        elif "." in name.split("/", 1)[0] and "/" in name:
            raise ConfigError(f"{path}: no such file; a link starts with https://")
        else:
            raise ConfigError(f"{path}: not found")
    return files


async def _add(config: Config, files: list[Path | str]) -> int:
    """`add PATH...`: files or whole folders into the library, with progress for many."""
    commands = _library_commands(config)
    store = await Store.open(config.database)
    added = present = refused = 0
    try:
        librarian = Librarian(store, commands.shelf, config.allow_networks)
        await librarian.sync()
        progress = len(files) > 1 and sys.stderr.isatty()  # a bar on a terminal, not in a log
        for number, path in enumerate(files, start=1):
            if progress:
                done = int(30 * number / len(files))
                sys.stderr.write(f"\r[{'#' * done}{' ' * (30 - done)}] {number}/{len(files)}")
                sys.stderr.flush()
            try:
                if isinstance(path, str):
                    result = await librarian.add_link(path)
                else:
                    data = await asyncio.to_thread(path.read_bytes)
                    result = await librarian.add(data, path.name)
            except IngestError as exc:
                refused += 1
                sys.stderr.write(f"{CLEAR if progress else ''}refused: {exc}\n")
                continue
            if progress:
                sys.stderr.write(CLEAR)  # the bar's line, before a result takes it
            if result.new:
                added += 1
                article = result.article
                left = describe_dropped(article)
                print(
                    f"added {article.id}: {article.title} ({article.words:,} words, "
                    f"{len(article.paragraphs)} ¶)" + (f"; left out: {left}" if left else "")
                )
            else:
                present += 1
                shown = path if isinstance(path, str) else path.name
                print(f"already there: {shown} is {result.article.id}")
    finally:
        await store.close()
    if progress:
        sys.stderr.write(CLEAR)
    print(f"{added} added, {present} already in the library, {refused} refused.")
    return 0 if not refused else 1


async def _remove(config: Config, query: str) -> int:
    """`remove ARTICLE`: out of the library for good."""
    commands = _library_commands(config)
    store = await Store.open(config.database)
    try:
        librarian = Librarian(store, commands.shelf)
        await librarian.sync()
        found = commands.library.find_article(query)
        if len(found) != 1:
            which = ", ".join(f"{a.number}. {a.id}" for a in found[:5]) or "none"
            sys.stderr.write(f"error: “{query}” must name one article (matches: {which})\n")
            return 2
        await librarian.remove(found[0])
    finally:
        await store.close()
    print(f"removed {found[0].id}: {found[0].title}")
    return 0


def _run(config: Config, *, webhook: bool = False) -> int:
    from telegram.error import (  # Telegram only when needed
        BadRequest,
        Conflict,
        InvalidToken,
        NetworkError,
    )

    from bot.telegram.app import run
    from bot.telegram.intake import Halted

    if not config.token:
        raise ConfigError(TOKEN_HELP.rstrip())
    if webhook and not config.webhook_url:
        raise ConfigError(
            f"{config.source}: --webhook needs key 'webhook.url', the public https:// address "
            "Telegram posts updates to (see config.example.toml and deploy/)"
        )
    library = _library(config)
    log.info("Library: %d articles from %s", len(library), config.library)
    try:
        with InstanceLock(Path(config.database)):
            asyncio.run(run(config, library, webhook=webhook))
    except AlreadyRunning as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except Conflict:
        sys.stderr.write(
            "error: Telegram answered 409 Conflict: another process is getting this bot's "
            "updates (another instance on some machine, or a webhook set elsewhere). Stop it; "
            "one token, one running bot.\n"
        )
        return 2
    except InvalidToken:
        raise ConfigError(
            f"Telegram refused the token (key 'telegram.token' or ${TOKEN_ENV}); "
            "check it with @BotFather"
        ) from None
    except BadRequest as exc:
        _error(config, f"Telegram refused a request at start: {exc}")
        return 1
    except NetworkError as exc:
        _error(config, f"cannot reach the Bot API at {config.api_base_url}: {exc}")
        return 1
    except Halted as exc:  # said in the log already; the last line says it again
        _error(config, str(exc))
        return 1
    return 0


def _error(config: Config, message: str) -> None:
    """An error line on standard error, with the token and webhook secret kept out of it
    (Telegram's own messages may quote a URL)."""
    sys.stderr.write(f"error: {logs.redact(message, _secrets(config))}\n")


def _secrets(config: Config) -> dict[str, str]:
    return {config.token.get(): "<token>", config.webhook_secret.get(): "<secret>"}


async def _check(config: Config) -> int:
    from bot.telegram.app import check_token

    findings = await run_checks(config, check_token)
    for finding in findings:
        print(finding.line())
    failed = [f for f in findings if not f.ok]
    running = any(f.item == "instance" and f.ok and f.detail != NOBODY for f in findings)
    print(
        f"{len(failed)} problem(s) found." if failed
        else "All in order, and a bot is running on this database already: stop it before "
        "another `run`." if running
        else "Ready to run."
    )  # fmt: skip
    return 1 if failed else 0


def _health(config: Config) -> int:
    """Exit 0 if the running bot's heartbeat is recent (for Docker's HEALTHCHECK)."""
    from bot.telegram.app import heartbeat_path

    beat = heartbeat_path(Path(config.database))
    try:
        age = time.time() - beat.stat().st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no heartbeat yet ({beat})")
        return 1
    if age > HEALTHY_WITHIN:
        print(f"unhealthy: last heartbeat {age:.0f} s ago ({beat})")
        return 1
    try:
        running = is_running(Path(config.database))
    except OSError:
        running = "unknown"  # the heartbeat alone decides
    if running is None:  # a recent heartbeat, but the bot that wrote it has stopped
        print(f"unhealthy: no bot is running on {config.database} (last heartbeat {age:.0f} s ago)")
        return 1
    print(f"healthy: last heartbeat {age:.0f} s ago")
    return 0


def _backup(config: Config, target: Path) -> int:
    size = backup(Path(config.database), target)
    print(f"Backed up {config.database} to {target} ({size / 1e6:.1f} MB).")
    return 0


def _restore(config: Config, source: Path) -> int:
    kept = restore(source, Path(config.database))
    print(f"Restored {config.database} from {source}.")
    if kept:
        print(f"The database it replaced is kept as {kept}.")
    return 0


async def _import(config: Config, path: Path, chat_id: int, bot_id: int | None) -> int:
    store = await Store.open(config.database)
    try:
        result = await import_history(store, path, chat_id, bot_id, keep_days=config.retention_days)
    finally:
        await store.close()
    there = result.messages - result.added - result.skipped - result.too_old
    print(
        f"{path}: {result.messages} messages; {result.added} added to the log of chat {chat_id}, "
        f"{there} already there, {result.skipped} service or empty messages skipped."
    )
    if result.too_old:
        print(
            f"{result.too_old} older than {config.retention_days} days were left out: the log "
            "keeps messages that long (discussion.retention_days). Raise it and import again "
            "to keep them."
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command",
        nargs="?",
        default="start",
        choices=[
            "start", "run", "console", "import-history", "add", "remove", "check", "health",
            "backup", "restore",
        ],
        help="start: the bot if a token is set, else the console (default); "
        "run: the Telegram bot; console: offline commands in the terminal; "
        "import-history: a Telegram Desktop export (result.json) into the discussion log; "
        "add: article files, folders or links into the library; remove: an article out of it; "
        "check: config, database, library and token, exit 1 on a problem; "
        "health: exit 0 if the running bot is alive; "
        "backup PATH: a consistent copy of the database, while the bot runs; "
        "restore PATH: put a backup in place (the bot must be stopped)",
    )  # fmt: skip
    parser.add_argument(
        "path",
        nargs="*",
        help="import-history: result.json; add: files, folders or links; remove: "
        "the article (number, id or title); backup, restore: the backup file",
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="run: take updates by webhook (key webhook.url) instead of polling",
    )
    parser.add_argument("--chat", type=int, help="import-history: the chat's Bot API id")
    parser.add_argument("--bot-id", type=int, help="import-history: this bot's user id")
    parser.add_argument("--config", help="config file (default: $BOT_CONFIG or ./config.toml)")
    options = parser.parse_args(argv)
    if options.command in ("add", "remove") and not options.path:
        parser.error(
            f"{options.command} needs at least one article, e.g. python -m bot "
            f"{options.command} {'articles/' if options.command == 'add' else '6'}"
        )
    if options.command in ("backup", "restore") and len(options.path) != 1:
        parser.error(f"{options.command} needs one file, e.g. python -m bot {options.command} "
                     "backups/bot-2026-11-22.sqlite3")  # fmt: skip
    if options.command == "import-history" and (len(options.path) != 1 or options.chat is None):
        parser.error(
            "import-history needs the export file and --chat, e.g. "
            "python -m bot import-history result.json --chat -1001234567890"
        )
    database: Path | None = None  # for an error that does not name its file
    try:
        config = load_config(options.config)
        database = Path(config.database)
        setup_logging(config)
        if options.command == "import-history":
            return asyncio.run(_import(config, Path(options.path[0]), options.chat, options.bot_id))
        if options.command == "add":
            return asyncio.run(_add(config, _files(options.path)))
        if options.command == "remove":
            return asyncio.run(_remove(config, " ".join(options.path)))
        if options.command == "check":
            return asyncio.run(_check(config))
        if options.command == "health":
            return _health(config)
        if options.command == "backup":
            return _backup(config, Path(options.path[0]))
        if options.command == "restore":
            return _restore(config, Path(options.path[0]))
        if options.command == "run" or (options.command == "start" and config.token):
            return _run(config, webhook=options.webhook)
        if options.command == "start":
            sys.stderr.write(TOKEN_HELP + "\nOpening the offline console instead.\n\n")
        return run_console(_commands(config), tz=config.tz, retention_days=config.retention_days)
    except NotWritable as exc:
        # 1, not 2: systemd restarts the bot, and a full disk or a read-only mount may be fixed
        # while it retries.
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except (ConfigError, LibraryError, StorageError, HistoryError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1 if isinstance(exc, StorageError) and is_disk_trouble(exc.__cause__) else 2
    except (OSError, sqlite3.Error) as exc:
        if not is_disk_trouble(exc):
            log.critical("The bot stopped on an unexpected error", exc_info=True)
            return 1
        named = exc.filename if isinstance(exc, OSError) else None
        where = Path(os.fsdecode(named)) if named else Path(database or "the database")
        sys.stderr.write(f"error: {explain(where, exc)}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the log, so the traceback is one line and carries no secret.
        log.critical("The bot stopped on an unexpected error", exc_info=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
