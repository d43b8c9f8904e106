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


def _commands(config: Config) -> Commands:
    library = load_library(config.library)
    return Commands(library, FuzzyIndex(library))


def _run(config: Config) -> int:
    from telegram.error import InvalidToken, NetworkError  # Telegram only when needed

    from bot.telegram.app import run

    if not config.token:
        raise ConfigError(TOKEN_HELP.rstrip())
    commands = _commands(config)
    log.info("Library: %d articles from %s", len(commands.library), config.library)
    try:
        asyncio.run(run(config, commands))
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
        choices=["start", "run", "console", "import-history"],
        help="start: the bot if a token is set, else the console (default); "
        "run: the Telegram bot; console: offline commands in the terminal; "
        "import-history: a Telegram Desktop export (result.json) into the discussion log",
    )
    parser.add_argument("path", nargs="?", help="import-history: the export's result.json")
    parser.add_argument("--chat", type=int, help="import-history: the chat's Bot API id")
    parser.add_argument("--bot-id", type=int, help="import-history: this bot's user id")
    parser.add_argument("--config", help="config file (default: $BOT_CONFIG or ./config.toml)")
    options = parser.parse_args(argv)
    if options.command == "import-history" and (not options.path or options.chat is None):
        parser.error(
            "import-history needs the export file and --chat, e.g. "
            "python -m bot import-history result.json --chat -1001234567890"
        )
    try:
        config = load_config(options.config)
        setup_logging(config)
        if options.command == "import-history":
            return asyncio.run(_import(config, Path(options.path), options.chat, options.bot_id))
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
