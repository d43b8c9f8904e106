"""Telegram handlers: parse an update, ask :mod:`bot.commands`, send the rendered reply."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
    WebAppInfo,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.commands import COMMANDS, GROUP_COMMANDS, Commands
from bot.daily import Daily
from bot.discussion import Discussion, message_link
from bot.flood import Throttle
from bot.ingest import Librarian
from bot.library import ref_payload
from bot.quotes import more_reply
from bot.reader.launch import ReaderLinks
from bot.reply import Button, Reply, Span, code, link, to_html
from bot.storage import Store
from bot.telegram.delivery import Uncertain, Undelivered, post
from bot.telegram.intake import RawUpdates
from bot.telegram.record import LogPolicy, is_group, record_bot_posts, sender_id
from bot.text import number
from bot.worker import LONG, Worker
from bot.writable import is_disk_trouble

if TYPE_CHECKING:
    from bot.telegram.reader import ReaderServer

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
    offered_links: dict[str, str]  # a link's button -> the link (bot/telegram/library.py)
    worker: Worker  # the reading work, off the event loop (bot/worker.py)
    tasks: list[asyncio.Task[None]]  # background work started at start-up
    throttle: Throttle  # members' requests: a burst, then one notice and silence
    inline_throttle: Throttle  # inline queries (one per keystroke): held back silently
    raw_updates: RawUpdates  # getUpdates answers as Telegram sent them, for the intake
    stop_with: Callable[[str], None]  # stops the bot with a reason (set by the intake)
    reader_links: ReaderLinks | None  # the Read buttons, when the reader is on (reader.url)
    reader: ReaderServer | None  # the reader's server (bot/telegram/reader.py), when it is on
    reader_url: str  # reader.url


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
    """Buttons whose callback data is the command they stand for (or that open a link, or a
    page inside Telegram): short labels three to a row.

    A button whose command would not fit Telegram's 64 bytes is left out, never sent broken.
    """
    fitting = [b for b in buttons if b.url or len(b.command.encode()) <= CALLBACK_DATA_LIMIT]
    if not fitting:
        return None
    per_row = 3 if all(len(b.label) <= 16 for b in fitting) else 1
    rows = [fitting[i : i + per_row] for i in range(0, len(fitting), per_row)]
    return InlineKeyboardMarkup([[_button(b) for b in row] for row in rows])


def _button(button: Button) -> InlineKeyboardButton:
    if button.url and button.app:
        return InlineKeyboardButton(button.label, web_app=WebAppInfo(button.url))
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    return InlineKeyboardButton(button.label, callback_data=button.command)


def ref_link(username: str | None) -> Callable[[str], str] | None:
    """How a cited reference leads to its context: the bot's private chat, opened with the
    ``/start`` payload that shows it (one tap, in a group too); None without a username."""
    if not username:
        return None

    def link(ref: str) -> str:
        payload = ref_payload(ref)
        return f"https://t.me/{username}?start={payload}" if payload else ""

    return link


async def send_reply(
    message: Message, reply: Reply, context: Context, puller: User | None = None
) -> list[Message]:
    """Send a reply as HTML messages within Telegram's limits; in groups the first one quotes;
    buttons go under the last. The posts are logged where the group's discussion is, and a
    quote goes on the group's board under the member who pulled it. A reply that fails for good
    is recorded (see :func:`bot.telegram.delivery.post`); unless the bot may no longer write
    to the chat, the error goes on to the error handler, which apologises."""
    data = context.bot_data
    asked = command_args(message)
    if len(asked) >= 3 and asked[:12] in reply.text() and (asker := sender_id(message)):
        reply.carries.add(asker)  # it repeats the member's words ("No article matches …")
    puller = puller or message.from_user
    return await deliver(
        context.bot, data, message.chat_id, reply,
        reply_to=message.message_id if is_group(message.chat) else None,
        topic=message.message_thread_id if message.is_topic_message else None,
        private=message.chat.type == Chat.PRIVATE,
        puller=(puller.id, puller.full_name) if puller is not None else None,
    )  # fmt: skip


async def deliver(
    bot: ExtBot[None], data: BotData, chat_id: int, reply: Reply, *,
    reply_to: int | None = None, topic: int | None = None, private: bool = False,
    puller: tuple[int, str] | None = None, source: str = "quote",
) -> list[Message]:  # fmt: skip
    """Send a reply into a chat and log it as :func:`send_reply` says; ``puller``: the member
    (id, name) a quote in it goes on the board under; ``source``: how they pulled it."""
    if reply.read and data.reader_links is not None:
        read = data.reader_links.button(reply.read, chat_id, private, bot.username)
        if read is not None:
            reply.buttons.append(read)
    failed: Undelivered | None = None
    try:
        sent = await post(
            bot,
            data.store,
            chat_id,
            to_html(reply, ref_link=ref_link(bot.username)),
            reply_to=reply_to,
            topic=topic,
            markup=keyboard(reply.buttons),
            carries=reply.carries,
        )
    except Undelivered as undelivered:
        sent, failed = undelivered.sent, undelivered
    await record_bot_posts(
        sent,
        data.store,
        bot.id,
        data.policy,
        opens_thread=reply.opens_thread,
        refs=reply.refs,
        carries=reply.carries,
    )
    if reply.pulled and sent and is_group(sent[0].chat) and puller is not None:
        for ref in reply.pulled:
            await data.store.record_pull(
                chat_id, sent[0].message_id, ref, puller[0], puller[1], source
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
    data = context.bot_data
    if parsed.name in LONG:  # just after a start, wait a moment for the term index
        await data.commands.wait_for_terms()
    reply = await data.worker.command(
        parsed.name, data.commands.handle, parsed.name, parsed.args, bot_username=username,
        replied_text=replied,
    )  # fmt: skip
    if reply is None:
        return
    if replied and target is not None and (author := sender_id(target)) is not None:
        reply.carries.add(author)  # a quotation check shows the replied-to member's words
    if parsed.name == "context" and is_group(message.chat):
        await add_discussed(reply, message.chat_id, parsed.args, context)
    if parsed.name == "quote" and parsed.args and reply.pulled and message.from_user:
        await add_quote_buttons(reply, message.chat_id, message.from_user.id, parsed.args, context)
    await send_reply(message, reply, context)


async def answer_words(message: Message, text: str, context: Context) -> None:
    """Text sent to the bot in a private chat: a quote search, as /quote with those words."""
    data = context.bot_data
    reply = await data.worker.command("quote", data.commands.handle, "quote", text)
    if reply is None:
        return
    if reply.pulled and message.from_user:
        await add_quote_buttons(reply, message.chat_id, message.from_user.id, text, context)
    await send_reply(message, reply, context)


async def add_discussed(reply: Reply, chat_id: int, ref: str, context: Context) -> None:
    """/context in a group: how much the group has discussed that paragraph, with links."""
    passage = context.bot_data.commands.library.find_passage(ref)
    if passage is None:
        return
    store = context.bot_data.store
    threads = await store.threads_on(
        await store.chat_ids(chat_id), passage.article_id, passage.paragraph
    )
    if not threads:
        reply.add("Not discussed here yet: ", code(f"/discuss {passage.ref}"), " opens a thread.")
        return
    replies = sum(n for _, _, n in threads)
    parts: list[str | Span] = [
        f"Discussed here: {len(threads)} thread{'s' if len(threads) != 1 else ''}, "
        f"{replies} repl{'ies' if replies != 1 else 'y'}"
    ]
    links = [(n, message_link(chat, root)) for n, (chat, root, _) in enumerate(threads[-5:], 1)]
    for n, where in links:
        if where:
            parts += [" · " if n > 1 else ": ", link(f"thread {n}", where)]
    reply.add(*parts, ".")


async def add_quote_buttons(
    reply: Reply, chat_id: int, user_id: int, query: str, context: Context
) -> None:
    """Buttons under a quote: More (the asker's next matches), Context and Discuss."""
    request = await context.bot_data.store.save_request(chat_id, user_id, query)
    ref = reply.pulled[0]
    if request is not None:  # not for a member who asked to be forgotten: their words go
        reply.buttons.append(Button("More", f"/more {request} 1"))
    reply.buttons += [Button("Context", f"/context {ref}"), Button("Discuss", f"/discuss {ref}")]
    if chat_id < 0:  # in a group: a passage a member finds unclear goes in the digest
        reply.buttons.append(Button("Unclear", f"/unclear {ref}"))


async def on_button(update: Update, context: Context) -> None:
    """A button was pressed: answer as if its command had been sent, under the same message."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    name, _, args = data.removeprefix("/").partition(" ")
    message = query.message if isinstance(query.message, Message) else None
    commands = context.bot_data.commands
    if name == "unclear" and data.startswith("/") and message is not None:
        passage = context.bot_data.commands.library.find_passage(args)
        if passage is None or message.chat.type == "private":
            await acknowledge(query, "This button no longer works.")
            return
        store = context.bot_data.store
        new = await store.mark_unclear(message.chat_id, passage.ref, query.from_user.id)
        await acknowledge(
            query,
            "Marked as unclear: it goes in the group's next digest." if new else "Already marked.",
        )
        return
    if name == "more" and data.startswith("/"):
        reply = await _more(query.from_user.id, args, context)
        if isinstance(reply, str):
            await acknowledge(query, reply, alert=True)
            return
    elif data.startswith("/"):
        if name in LONG:
            await commands.wait_for_terms()
        reply = await context.bot_data.worker.command(name, commands.handle, name, args)
    else:
        reply = None
    if reply is None or message is None:
        await acknowledge(query, "This button no longer works; send the command again.")
        return
    await acknowledge(query)
    await send_reply(message, reply, context, puller=query.from_user)


async def acknowledge(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press; one Telegram no longer takes (answered again after a restart, too
    old) is let go, and the press is still answered in the chat."""
    try:
        await query.answer(text, show_alert=True) if alert else await query.answer(text)
    except BadRequest as exc:
        log.info("Button press %s could not be acknowledged: %s", query.id, exc)


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
    return await context.bot_data.worker.read(
        more_reply, commands.index, commands.library, query, page, request
    )


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


_KINDS = {"callback_query": "button press"}  # the rest: the update's field, spaced out
# The command names a log line may show: ours. Any other is a member's word like the rest (a
# button's data, too, is the client's to send).
_KNOWN = frozenset({c.name for c in COMMANDS} | GROUP_COMMANDS | {"add", "more"})
_CONTENT = ("document", "photo", "video", "animation", "audio", "voice", "video_note",
            "sticker", "poll", "location", "contact")  # fmt: skip


def _kind(update: Update) -> str:
    for field in Update.ALL_TYPES:
        if getattr(update, field, None) is not None:
            return _KINDS.get(field, field.replace("_", " "))
    return "update"


def _command(update: Update) -> str | None:
    """The command an update carries, as ``/name``: from the message's ``bot_command`` entity
    or a button's data, never its arguments; None if there is none."""
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        name = data[1:].split(" ", 1)[0].casefold() if data.startswith("/") else ""
    elif update.message is not None or update.edited_message is not None:
        parsed = parse_command(update.message or update.edited_message)  # type: ignore[arg-type]
        name = parsed.name if parsed else ""
    else:
        return None
    if not name:
        return None
    return f"/{name}" if name in _KNOWN else "/(not a command of ours)"


def _describe(update: object) -> str:
    """The update an error line is about, by ids and kinds only: its id, what kind it is, the
    command it carries (never its arguments), the chat and the sender. What a member wrote
    (text, captions, inline queries, file names) stays out: a log outlives /forgetme, and its
    lines go wherever the journal goes; those words are logged only at DEBUG (:func:`_words`).
    """
    if not isinstance(update, Update):
        return "no update" if update is None else f"a {type(update).__name__}, not an update"
    parts = [f"update {update.update_id}", _kind(update)]
    command = _command(update)
    message = update.effective_message
    if command:
        parts.append(command)
    elif message is not None and update.callback_query is None:
        content = "text" if message.text else next(
            (name for name in _CONTENT if getattr(message, name, None)), None
        )  # fmt: skip
        if content:
            parts.append(f"({content})")
    if update.effective_chat:
        parts.append(f"chat {update.effective_chat.id} ({update.effective_chat.type})")
    if message is not None:
        parts.append(f"message {message.message_id}")
    if update.effective_user:
        parts.append(f"user {update.effective_user.id}")
    return ", ".join(parts)


def _words(update: Update) -> str | None:
    """What a member wrote in an update, for DEBUG lines only: text or caption, a file's name,
    an inline query, a button's data."""
    if update.inline_query is not None:
        return update.inline_query.query
    if update.chosen_inline_result is not None:
        return update.chosen_inline_result.query
    if update.callback_query is not None:
        return update.callback_query.data
    message = update.effective_message
    if message is None:
        return None
    words = message.text or message.caption or ""
    if message.document is not None and message.document.file_name:
        words += f" [file {message.document.file_name}]"
    return words or None


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its context and apologise to the member instead of going silent.

    The error line names the update by ids and command only (see :func:`_describe`); the
    member's words go on a separate DEBUG line, kept out of the journal at the usual INFO."""
    described = _describe(update)
    if is_disk_trouble(context.error):  # said once by the store; the update stays queued
        log.warning("Handling %s: the database takes no writes; answered at the next start",
                    described)  # fmt: skip
        return
    if isinstance(context.error, Uncertain):  # it may have been posted: no apology after it
        log.warning("Handling %s: a post may have gone (%s); not sent again", described,
                    context.error)  # fmt: skip
        return
    log.error("Error while handling %s", described, exc_info=context.error)
    if not isinstance(update, Update):
        return
    words = _words(update)
    if words is not None:
        log.debug("Update %s carried %r", update.update_id, words)
    if update.effective_message is None:
        return
    try:
        await update.effective_message.reply_html(html.escape(APOLOGY))
    except TelegramError as exc:
        log.warning("Could not send the apology for %s: %s", described, exc)
