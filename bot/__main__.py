"""Command line: ``python -m bot [start|run|console] [--config PATH]``.

``start`` (the default) runs the Telegram bot when a token is configured, and otherwise explains
how to get one and opens the offline console. ``run`` insists on a token; ``console`` never
touches Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.commands import Commands
from bot.config import TOKEN_ENV, TOKEN_HELP, Config, ConfigError, load_config
from bot.console import run_console
from bot.history import HistoryError, import_history
from bot.ingest import SUFFIXES, IngestError, Librarian
from bot.library import LibraryError, load_library
from bot.search import FuzzyIndex
from bot.storage import StorageError, Store

log = logging.getLogger("bot")


class _RedactToken(logging.Filter):
    """Keep the bot token out of every log line, whatever logged it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


def setup_logging(config: Config) -> None:
    """One line per event on standard error; HTTP client chatter (with URLs) kept quiet."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactToken(config.token.get()))
    logging.basicConfig(level=config.log_level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


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


def _folder_commands(config: Config) -> Commands:
    library = load_library(config.library)
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
        await Librarian(store, commands).sync()
    finally:
        await store.close()


def _files(paths: list[str]) -> list[Path]:
    """The article files named: files as given, folders searched for .txt, .md and .html."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            raise ConfigError(f"{path}: not found")
    return files


async def _add(config: Config, files: list[Path]) -> int:
    """`add PATH...`: files or whole folders into the library, with progress for many."""
    commands = _library_commands(config)
    store = await Store.open(config.database)
    added = present = refused = 0
    try:
        librarian = Librarian(store, commands)
        await librarian.sync()
        for number, path in enumerate(files, start=1):
            if len(files) > 1:
                done = int(30 * number / len(files))
                sys.stderr.write(f"\r[{'#' * done}{' ' * (30 - done)}] {number}/{len(files)}")
            try:
                data = await asyncio.to_thread(path.read_bytes)
                result = await librarian.add(data, path.name)
            except IngestError as exc:
                refused += 1
                sys.stderr.write(f"\rrefused: {exc}\n")
                continue
            if result.new:
                added += 1
                article = result.article
                print(
                    f"added {article.id}: {article.title} ({article.words:,} words, "
                    f"{len(article.paragraphs)} ¶)"
                )
            else:
                present += 1
                print(f"already there: {path.name} is {result.article.id}")
    finally:
        await store.close()
    if len(files) > 1:
        sys.stderr.write("\n")
    print(f"{added} added, {present} already in the library, {refused} refused.")
    return 0 if not refused else 1


async def _remove(config: Config, query: str) -> int:
    """`remove ARTICLE`: out of the library for good."""
    commands = _library_commands(config)
    store = await Store.open(config.database)
    try:
        librarian = Librarian(store, commands)
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


def _run(config: Config) -> int:
    from telegram.error import InvalidToken, NetworkError  # Telegram only when needed

    from bot.telegram.app import run

    if not config.token:
        raise ConfigError(TOKEN_HELP.rstrip())
    library = load_library(config.library)
    log.info("Library: %d articles from %s", len(library), config.library)
    try:
        asyncio.run(run(config, library))
    except InvalidToken:
        raise ConfigError(
            f"Telegram refused the token (key 'telegram.token' or ${TOKEN_ENV}); "
            "check it with @BotFather"
        ) from None
    except NetworkError as exc:
        sys.stderr.write(f"error: cannot reach the Bot API at {config.api_base_url}: {exc}\n")
        return 1
    return 0


async def _import(config: Config, path: Path, chat_id: int, bot_id: int | None) -> int:
    store = await Store.open(config.database)
    try:
        result = await import_history(store, path, chat_id, bot_id)
    finally:
        await store.close()
    print(
        f"{path}: {result.messages} messages; {result.added} added to the log of chat {chat_id}, "
        f"{result.messages - result.added - result.skipped} already there, "
        f"{result.skipped} service or empty messages skipped."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command",
        nargs="?",
        default="start",
        choices=["start", "run", "console", "import-history", "add", "remove"],
        help="start: the bot if a token is set, else the console (default); "
        "run: the Telegram bot; console: offline commands in the terminal; "
        "import-history: a Telegram Desktop export (result.json) into the discussion log; "
        "add: article files or folders into the library; remove: an article out of it",
    )
    parser.add_argument(
        "path",
        nargs="*",
        help="import-history: result.json; add: files or folders; remove: "
        "the article (number, id or title)",
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
    if options.command == "import-history" and (len(options.path) != 1 or options.chat is None):
        parser.error(
            "import-history needs the export file and --chat, e.g. "
            "python -m bot import-history result.json --chat -1001234567890"
        )
    try:
        config = load_config(options.config)
        setup_logging(config)
        if options.command == "import-history":
            return asyncio.run(_import(config, Path(options.path[0]), options.chat, options.bot_id))
        if options.command == "add":
            return asyncio.run(_add(config, _files(options.path)))
        if options.command == "remove":
            return asyncio.run(_remove(config, " ".join(options.path)))
        if options.command == "run" or (options.command == "start" and config.token):
            return _run(config)
        if options.command == "start":
            sys.stderr.write(TOKEN_HELP + "\nOpening the offline console instead.\n\n")
        return run_console(_commands(config))
    except (ConfigError, LibraryError, StorageError, HistoryError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
