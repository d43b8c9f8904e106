"""Building and running the Telegram application."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from pathlib import Path

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.commands import COMMANDS, Commands
from bot.config import Config
from bot.daily import Daily
from bot.discussion import Discussion
from bot.flood import Throttle
from bot.ingest import Librarian, apply_stored
from bot.library import Library
from bot.reader.launch import ReaderLinks
from bot.search import FuzzyIndex
from bot.storage import Store
from bot.telegram import flood, group, inline, library, readings
from bot.telegram.delivery import Pacer
from bot.telegram.handlers import BotData, on_button, on_command, on_error, on_unknown_command
from bot.telegram.intake import Intake, RawUpdates
from bot.telegram.reader import ReaderServer
from bot.telegram.record import LogPolicy
from bot.telegram.serving import Watchdog, serve
from bot.telegram.webhook import Webhook
from bot.worker import Worker

log = logging.getLogger(__name__)
PURGE_EVERY = 3600.0  # seconds between retention sweeps
INDEX_FILE = "quote-index.npz"  # beside the database
# A library this small (about two million words) has its term index counted before the bot
# takes its first update (about a second per million words); a larger one is counted while
# /quote already answers, and /summary, /compare, /next and /today wait for it
# (bot.commands.TERMS_WAIT) meanwhile. Told by characters, known without reading the texts.
SMALL_LIBRARY_CHARACTERS = 12_000_000
LIBRARY_SYNC = 10.0  # seconds between looks for articles added from the command line


def file_url(api_base_url: str) -> str:
    """Where files are downloaded from: https://api.telegram.org/file/bot for Telegram."""
    base = api_base_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"


def build_application(config: Config, commands: Commands, store: Store) -> Application:
    """The bot, with every handler registered here and nowhere else."""
    raw_updates = RawUpdates(connection_pool_size=1)
    application = (
        ApplicationBuilder()
        .token(config.token.get())
        .base_url(config.api_base_url)
        .base_file_url(file_url(config.api_base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=config.tz,
                allow_sending_without_reply=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Telegram's flood limits, per-chat pauses on 429, retries (bot/telegram/delivery.py).
        .rate_limiter(Pacer(store))
        .updater(None)  # updates come through the durable intake (bot/telegram/intake.py)
        .get_updates_request(raw_updates)
        .context_types(ContextTypes(bot_data=BotData))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data = application.bot_data
    data.commands = commands
    data.raw_updates = raw_updates
    data.store = store
    data.discussion = Discussion(store, config.tz, commands.library)
    data.policy = LogPolicy(config.logging_default)
    data.retention_days = config.retention_days
    data.admins = {}
    data.worker = Worker()
    data.worker.fork_from(commands)  # long answers in a process of their own
    commands.shelf.worker = data.worker  # changes to the library wait for answers reading it
    data.librarian = Librarian(store, commands.shelf, config.allow_networks)
    data.curators = set(config.admins)
    data.offered_links = {}
    data.reader_links = (
        ReaderLinks(config.reader_url, config.reader_app) if config.reader_url else None
    )
    data.reader = ReaderServer(application, config) if config.reader_url else None
    data.reader_url = config.reader_url
    data.throttle = Throttle()
    data.inline_throttle = Throttle(burst=30, every=0.5)
    data.daily = Daily(
        store,
        commands.library,
        lambda: commands.terms_if_ready,
        post=functools.partial(readings.post_reading, application),
        default_timezone=config.timezone,
        worker=data.worker,
        wait_for_terms=commands.wait_for_terms,
        digest=lambda chat, days, refs: data.discussion.digest(chat, days, int(time.time()), refs),
    )

    # Group 0, first match wins: the group's discussion commands (in groups), then every
    # command of the library (the discussion ones explain themselves in private chats), then
    # a catch-all for commands we do not have. Only new messages: an edited command is not
    # answered twice. Logging happens before any handler, in the intake.
    # Before all of them (group -1): members flooding the bot get one notice, then silence.
    application.add_handler(TypeHandler(Update, flood.hold_back_floods), group=-1)
    new_messages = filters.UpdateType.MESSAGE
    in_groups = new_messages & filters.ChatType.GROUPS
    application.add_handler(CommandHandler("remove", library.on_remove, filters=new_messages))
    application.add_handler(
        MessageHandler(filters.Document.ALL & new_messages, library.on_document)
    )
    application.add_handler(CommandHandler("add", library.on_add, filters=new_messages))
    application.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & new_messages,
            library.on_private_text,
        )
    )
    for name, callback in (
        ("search", group.on_search), ("digest", group.on_digest), ("unclear", group.on_unclear),
    ):  # fmt: skip
        application.add_handler(CommandHandler(name, callback, filters=in_groups))
    for name, callback in (
        ("daily", readings.on_daily),
        ("meeting", readings.on_meeting),
        ("poll", readings.on_poll),
        ("plan", readings.on_plan),
        ("next", readings.on_next),
        ("today", readings.on_today),
    ):
        application.add_handler(CommandHandler(name, callback, filters=new_messages))
    for name, callback in (
        ("quotes", group.on_quotes),
        ("thread", group.on_thread),
        ("threads", group.on_threads),
        ("export", group.on_export),
        ("logging", group.on_logging),
        ("forgetme", group.on_forgetme),
        ("privacy", group.on_privacy),
    ):
        application.add_handler(CommandHandler(name, callback, filters=in_groups))
    in_private = new_messages & filters.ChatType.PRIVATE
    application.add_handler(
        CommandHandler(
            [
                "forgetme",
                "quotes",
                "export",
                "thread",
                "threads",
                "logging",
                "search",
                "digest",
                "unclear",
            ],
            group.on_private_group_command,
            filters=in_private,
        )
    )
    application.add_handler(CommandHandler("privacy", group.on_privacy, filters=in_private))
    application.add_handler(
        CommandHandler([c.name for c in COMMANDS], on_command, filters=new_messages)
    )
    application.add_handler(MessageHandler(filters.COMMAND & new_messages, on_unknown_command))
    application.add_handler(CallbackQueryHandler(library.on_add_pressed, pattern=r"^/add "))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(inline.on_inline))
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application) -> None:
    """Register the command menu, say how the bot sees groups, start the retention sweep."""
    menu = [BotCommand(c.name, c.summary) for c in COMMANDS]
    await application.bot.set_my_commands(menu)
    await application.bot.set_my_commands(menu, scope=BotCommandScopeAllGroupChats())
    me = application.bot.bot
    log.info(
        "Started as @%s (id %s); sees all group messages: %s",
        me.username,
        me.id,
        "yes" if me.can_read_all_group_messages else "no (privacy mode: commands and replies only)",
    )
    data: BotData = application.bot_data
    data.tasks = [
        asyncio.create_task(data.daily.run(), name="daily-readings"),
        asyncio.create_task(_sync_library(data), name="library-sync"),
        asyncio.create_task(readings.close_due_polls(application), name="polls"),
    ]
    if data.retention_days:
        data.tasks.append(asyncio.create_task(_purge_forever(data), name="retention"))
    if data.reader is not None:
        # The menu button of every private chat opens the reader (the library, then a text).
        await application.bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("Read", WebAppInfo(data.reader_url))
        )
        if not data.reader.shared:
            await data.reader.start()
    for task in data.tasks:
        task.add_done_callback(functools.partial(_watch, data))


def _watch(data: BotData, task: asyncio.Task[None]) -> None:
    """A background task should run until shutdown; one that ends stops the bot with its
    reason (systemd or Docker start it again), rather than leave it half-working."""
    if task.cancelled():
        return
    error = task.exception()
    reason = f"{error!r}" if error is not None else "it ended"
    stop = getattr(data, "stop_with", None)
    if stop is not None:
        stop(f"background task {task.get_name()} stopped: {reason}")
    else:
        log.critical("Background task %s stopped: %s", task.get_name(), reason)


async def _post_shutdown(application: Application) -> None:
    reader = getattr(application.bot_data, "reader", None)
    if reader is not None:
        await reader.stop()
    for task in getattr(application.bot_data, "tasks", []):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    worker = getattr(application.bot_data, "worker", None)
    if worker is not None:
        await asyncio.to_thread(worker.close)  # answers in progress finish; none start


async def _sync_library(data: BotData) -> None:
    """Bring in articles added or removed from the command line while the bot runs."""
    while True:
        await asyncio.sleep(LIBRARY_SYNC)
        try:
            changed = await data.librarian.sync()
            if changed:
                log.info("Library: %d change(s) from the database", changed)
        except Exception:
            log.exception("Library sync failed; trying again shortly")


async def _purge_forever(data: BotData) -> None:
    """Delete what is older than the retention period, now and every hour."""
    while True:
        before = int(time.time()) - data.retention_days * 86_400
        try:
            deleted = await data.store.purge(before)
            if deleted:
                log.info(
                    "Retention: deleted %d message(s) older than %d days",
                    deleted,
                    data.retention_days,
                )
        except Exception:
            log.exception("Retention sweep failed; trying again in an hour")
        await asyncio.sleep(PURGE_EVERY)


def heartbeat_path(database: Path) -> Path:
    """The file whose time says the bot is alive (``python -m bot health``)."""
    return database.with_name(database.name + ".heartbeat")


async def check_token(config: Config) -> str:
    """The bot's @username as Telegram confirms the token; TokenUnchecked if Telegram cannot
    be reached, InvalidToken if it refuses the token."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError

    from bot.check import TokenUnchecked

    bot = Bot(config.token.get(), base_url=config.api_base_url)
    try:
        async with asyncio.timeout(15):
            me = await bot.get_me()
    except InvalidToken:
        raise InvalidToken("Telegram refused the token; check it with @BotFather") from None
    except (NetworkError, TimeoutError) as exc:
        raise TokenUnchecked(f"cannot reach {config.api_base_url} ({exc or 'timed out'})") from None
    return me.username or str(me.id)


async def run(config: Config, library: Library, *, webhook: bool = False) -> None:
    """Open the database, ready the library and its indexes, and run the bot until SIGINT or
    SIGTERM, polling Telegram or (``webhook``) taking its posts. The quote index is loaded from
    disk when it was saved for this very library, and saved again when the library changed."""
    store = await Store.open(config.database)
    watchdog = Watchdog()  # disarmed only once the database is closed
    try:
        await apply_stored(store, library)  # articles added or removed before this start
        saved = Path(config.database).parent / INDEX_FILE
        started = time.perf_counter()
        index = await asyncio.to_thread(FuzzyIndex.load, saved, library)
        fresh = index is None
        if index is None:
            index = FuzzyIndex(library)
        log.info(
            "Quote index %s in %.1f s: %d articles",
            "built" if fresh else "loaded", time.perf_counter() - started, len(library),
        )  # fmt: skip
        if fresh:
            await asyncio.to_thread(index.save, saved)
        commands = Commands(library, index, defer_terms=True)  # /quote answers at once
        application = build_application(config, commands, store)
        if sum(a.characters for a in library.articles) <= SMALL_LIBRARY_CHARACTERS:
            await commands.shelf.warm_up()  # a second or two: ready before the first update
        warm_up = asyncio.create_task(commands.shelf.warm_up(), name="term-index")
        intake = Intake(
            application,
            store,
            LogPolicy(config.logging_default),
            heartbeat=heartbeat_path(Path(config.database)),
        )
        try:
            server = Webhook(application, intake, config) if webhook else None
            await serve(application, intake, server, watchdog)
        finally:
            warm_up.cancel()
            if application.bot_data.librarian.changed:
                await asyncio.to_thread(index.save, saved)
    finally:
        await store.close()
        watchdog.disarm()
