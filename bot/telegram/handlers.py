"""Telegram handlers: parse an update, ask :mod:`bot.commands`, send the rendered reply."""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.commands import Commands
from bot.daily import Daily
from bot.discussion import Discussion
from bot.flood import Throttle
from bot.ingest import Librarian
from bot.quotes import more_reply
from bot.reply import Button, Reply, to_html
from bot.storage import Store
from bot.telegram.delivery import Undelivered, post
from bot.telegram.intake import RawUpdates
from bot.telegram.record import LogPolicy, is_group, record_bot_posts
from bot.text import number

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while answering that. Please try again in a moment."


class BotData:
    """What every handler needs, opened once when the application is built."""

    commands: Commands
    store: Store
    discussion: Discussion
    policy: LogPolicy
    retention_days: int
    admins: dict[tuple[int, int], tuple[float, bool]]  # (chat, user) -> (checked at, admin?)
    daily: Daily
    librarian: Librarian
    curators: set[int]  # telegram.admins: may change the library from any chat
    tasks: list[asyncio.Task[None]]  # background work started at start-up
    throttle: Throttle  # members' requests: a burst, then one notice and silence
    inline_throttle: Throttle  # inline queries (one per keystroke): held back silently
    raw_updates: RawUpdates  # getUpdates answers as Telegram sent them, for the intake


Context = CallbackContext[ExtBot[None], dict, dict, BotData]


@dataclass(frozen=True)
class ParsedCommand:
    """A command message taken apart: ``/name@bot args``."""

    name: str
    addressee: str | None  # the @BotName it was addressed to, if any
    args: str


def parse_command(message: Message) -> ParsedCommand | None:
    """The command a message (or a file's caption) starts with, from its ``bot_command``
    entity; None if none."""
    text = message.text or message.caption or ""
    entities = message.entities if message.text else message.caption_entities
    for entity in entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            # Entity offsets count UTF-16 code units; the command itself is ASCII, so the
            # prefix of the text up to it has the same length in both counts.
            command = text[: entity.length]
            name, _, addressee = command[1:].partition("@")
            args = text[len(command) :]
            return ParsedCommand(name.casefold(), addressee or None, args.strip())
    return None


def command_args(message: Message) -> str:
    """The text after a message's command, or "" if it has none."""
    parsed = parse_command(message)
    return parsed.args if parsed else ""


CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
MAX_MORE_PAGES = 30  # "More" pages through at most this many pages of matches


def keyboard(buttons: list[Button]) -> InlineKeyboardMarkup | None:
    """Buttons whose callback data is the command they stand for: short labels three to a row.

    A button whose command would not fit Telegram's 64 bytes is left out, never sent broken.
    """
    fitting = [b for b in buttons if len(b.command.encode()) <= CALLBACK_DATA_LIMIT]
    if not fitting:
        return None
    per_row = 3 if all(len(b.label) <= 16 for b in fitting) else 1
    rows = [fitting[i : i + per_row] for i in range(0, len(fitting), per_row)]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.command) for b in row] for row in rows]
    )


async def send_reply(
    message: Message, reply: Reply, context: Context, puller: User | None = None
) -> list[Message]:
    """Send a reply as HTML messages within Telegram's limits; in groups the first one quotes;
    buttons go under the last. The posts are logged where the group's discussion is, and a
    quote goes on the group's board under the member who pulled it. A reply that fails for good
    is recorded (see :func:`bot.telegram.delivery.post`); unless the bot may no longer write
    to the chat, the error goes on to the error handler, which apologises."""
    data = context.bot_data
    failed: Undelivered | None = None
    try:
        sent = await post(
            context.bot,
            data.store,
            message.chat_id,
            to_html(reply),
            reply_to=message.message_id if is_group(message.chat) else None,
            topic=message.message_thread_id if message.is_topic_message else None,
            markup=keyboard(reply.buttons),
        )
    except Undelivered as undelivered:
        sent, failed = undelivered.sent, undelivered
    await record_bot_posts(
        sent,
        data.store,
        context.bot.id,
        data.policy,
        opens_thread=reply.opens_thread,
        refs=reply.refs,
    )
    puller = puller or message.from_user
    if reply.pulled and sent and is_group(message.chat) and puller is not None:
        for ref in reply.pulled:
            await data.store.record_pull(
                message.chat_id, sent[0].message_id, ref, puller.id, puller.full_name, "quote"
            )
    if failed is not None and not isinstance(failed.error, Forbidden):
        raise failed.error  # the error handler logs it and apologises, if it can
    return sent


async def on_command(update: Update, context: Context) -> None:
    """Answer one of our commands."""
    message = update.effective_message
    parsed = parse_command(message) if message else None
    if message is None or parsed is None:
        return
    username = context.bot.username if is_group(message.chat) else None
    target = message.reply_to_message
    replied = (target.text or target.caption) if target is not None else None
    reply = context.bot_data.commands.handle(
        parsed.name, parsed.args, bot_username=username, replied_text=replied
    )
    if reply is None:
        return
    if parsed.name == "quote" and parsed.args and reply.pulled and message.from_user:
        await add_quote_buttons(reply, message.chat_id, message.from_user.id, parsed.args, context)
    await send_reply(message, reply, context)


async def add_quote_buttons(
    reply: Reply, chat_id: int, user_id: int, query: str, context: Context
) -> None:
    """Buttons under a quote: More (the asker's next matches), Context and Discuss."""
    request = await context.bot_data.store.save_request(chat_id, user_id, query)
    ref = reply.pulled[0]
    reply.buttons += [
        Button("More", f"/more {request} 1"),
        Button("Context", f"/context {ref}"),
        Button("Discuss", f"/discuss {ref}"),
    ]


async def on_button(update: Update, context: Context) -> None:
    """A button was pressed: answer as if its command had been sent, under the same message."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    name, _, args = data.removeprefix("/").partition(" ")
    message = query.message if isinstance(query.message, Message) else None
    commands = context.bot_data.commands
    if name == "more" and data.startswith("/"):
        reply = await _more(query.from_user.id, args, context)
        if isinstance(reply, str):
            await query.answer(reply, show_alert=True)
            return
    else:
        reply = commands.handle(name, args) if data.startswith("/") else None
    if reply is None or message is None:
        await query.answer("This button no longer works; send the command again.")
        return
    await query.answer()
    await send_reply(message, reply, context, puller=query.from_user)


async def _more(presser: int, args: str, context: Context) -> Reply | str | None:
    """The next page of a /quote's matches; a refusal (str) for anyone but the asker."""
    parts = args.split()
    request, page = (number(p, digits=18) for p in parts) if len(parts) == 2 else (None, None)
    if request is None or page is None:
        return None
    found = await context.bot_data.store.request(request)
    if found is None:
        return None
    _, asker, query = found
    if presser != asker:
        return "Only the member who asked can page these results; send your own /quote."
    commands = context.bot_data.commands
    page = min(max(1, page), MAX_MORE_PAGES)
    return more_reply(commands.index, commands.library, query, page, request)


async def on_unknown_command(update: Update, context: Context) -> None:
    """Say so when a command meant for us is not one we know; leave other bots' alone."""
    message = update.effective_message
    parsed = parse_command(message) if message else None
    if message is None or parsed is None:
        return
    addressed_to_us = (parsed.addressee or "").casefold() == (context.bot.username or "").casefold()
    if is_group(message.chat) and not addressed_to_us:
        return  # in a group, a bare unknown command may belong to another bot
    if parsed.addressee and not addressed_to_us:
        return
    await send_reply(message, context.bot_data.commands.unknown(parsed.name), context)


def _describe(update: object) -> str:
    """A short, token-free description of an update for the error log."""
    if not isinstance(update, Update):
        return repr(update)[:200]
    parts = [f"update {update.update_id}"]
    if update.effective_chat:
        parts.append(f"chat {update.effective_chat.id} ({update.effective_chat.type})")
    if update.effective_user:
        parts.append(f"user {update.effective_user.id}")
    if update.effective_message and update.effective_message.text:
        parts.append(f"text {update.effective_message.text[:200]!r}")
    return ", ".join(parts)


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its context and apologise to the member instead of going silent."""
    log.error("Error while handling %s", _describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    try:
        await update.effective_message.reply_html(html.escape(APOLOGY))
    except TelegramError as exc:
        log.warning("Could not send the apology for %s: %s", _describe(update), exc)
