"""Handlers for daily readings and the reading plan: /daily, /plan, /next, /today."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.reply import Reply, code, to_html
from bot.telegram.admins import may_change_chat
from bot.telegram.delivery import post
from bot.telegram.handlers import (
    BotData,
    Context,
    command_args,
    keyboard,
    ref_link,
    send_reply,
)
from bot.telegram.record import record_bot_posts

log = logging.getLogger(__name__)


async def post_reading(
    application: Application, chat_id: int, topic: int | None, reply: Reply
) -> None:
    """Send a scheduled post into a chat (or its forum topic), and log it as a thread."""
    bot = application.bot
    data: BotData = application.bot_data
    html = to_html(reply, ref_link=ref_link(bot.username))
    read = (
        data.reader_links.button(with_reader(reply).read, chat_id, chat_id > 0, bot.username)
        if data.reader_links is not None
        else None
    )
    markup = keyboard([read]) if read is not None else None
    sent = await post(bot, data.store, chat_id, html, topic=topic, markup=markup)
    await record_bot_posts(
        sent, data.store, bot.id, data.policy, opens_thread=reply.opens_thread, refs=reply.refs
    )


def with_reader(reply: Reply) -> Reply:
    """A reading opens in the reader at its first paragraph (its Read button)."""
    if reply.opens_thread and reply.refs:
        reply.read = reply.refs[0]
    return reply


async def allowed(message: Message, context: Context, what: str) -> bool:
    """Whether the sender may change the chat's readings; if not, they are told who may."""
    if await may_change_chat(message, context):
        return True
    await send_reply(message, Reply().add(f"Only this group's admins can {what}."), context)
    return False


async def _readings_command(
    update: Update,
    context: Context,
    show: Callable[[int], Awaitable[Reply]],
    change: Callable[[int, list[str]], Awaitable[Reply]],
    what: str,
) -> None:
    """A command that shows a chat's setting alone and changes it with arguments (admins
    only in groups): /daily, /meeting, /plan."""
    message = update.effective_message
    if message is None:
        return
    args = command_args(message).split()
    if not args:
        reply = await show(message.chat_id)
    elif await allowed(message, context, what):
        reply = await change(message.chat_id, args)
    else:
        return
    await send_reply(message, reply, context)


async def on_daily(update: Update, context: Context) -> None:
    """/daily [days] [HH:MM [zone] | off | pause | resume | skip]."""
    message = update.effective_message
    daily = context.bot_data.daily
    topic = message.message_thread_id if message and message.is_topic_message else None

    async def change(chat_id: int, args: list[str]) -> Reply:
        return await daily.change_daily(chat_id, args, topic)

    await _readings_command(update, context, daily.schedule, change, "change its daily reading")


async def on_meeting(update: Update, context: Context) -> None:
    """/meeting <days> HH:MM [zone], /meeting off, /meeting (what is set)."""
    daily = context.bot_data.daily
    await _readings_command(
        update, context, daily.meetings, daily.change_meeting, "set its meetings"
    )


POLL_HOURS = 24  # a poll on the next reading closes this long after it is posted


async def on_poll(update: Update, context: Context) -> None:
    """/poll [articles]: a poll on the next reading; /poll close: count it now."""
    message = update.effective_message
    if message is None:
        return
    if not await allowed(message, context, "poll on the next reading"):
        return
    data = context.bot_data
    args = command_args(message)
    if args.strip().casefold() == "close":
        polls = await data.store.open_polls(message.chat_id)
        if not polls:
            await send_reply(message, Reply().add("There is no open poll here."), context)
            return
        for chat, poll_message, articles, _ in polls:
            await close_poll(context.application, chat, poll_message, articles)
        return
    names = [n.strip() for n in args.split(",") if n.strip()]
    chosen = await data.daily.poll_candidates(message.chat_id, names)
    if isinstance(chosen, str):
        await send_reply(message, Reply().add(chosen), context)
        return
    titles = []
    for article_id in chosen:
        article = data.commands.library.get(article_id)
        title = article.title if article else article_id
        titles.append(title if len(title) <= 100 else title[:99] + "…")
    sent = await context.bot.send_poll(
        message.chat_id, "Which reading next?", titles, is_anonymous=True,
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
    )  # fmt: skip
    closes = int(time.time()) + POLL_HOURS * 3600
    await data.store.save_poll(message.chat_id, sent.message_id, chosen, closes)


async def close_poll(
    application: Application, chat_id: int, message_id: int, articles: list[str]
) -> None:
    """Count a poll (stopping it in Telegram), once: the winner becomes the next reading."""
    data: BotData = application.bot_data
    try:
        poll = await application.bot.stop_poll(chat_id, message_id)
        counts = [option.voter_count for option in poll.options]
    except TelegramError as exc:  # deleted, or already stopped by hand: counted as it stands
        log.info("Poll %s in chat %s could not be stopped: %s", message_id, chat_id, exc)
        counts = []
    if not await data.store.close_poll(chat_id, message_id):
        return  # counted already
    if not counts or max(counts) == 0:
        reply = Reply().add("The poll on the next reading closed with no votes; the plan stays.")
    else:
        winner = articles[counts.index(max(counts))]  # a tie goes to the first offered
        reply = await data.daily.read_next(chat_id, winner)
    await post_reading(application, chat_id, None, reply)


async def close_due_polls(application: Application) -> None:
    """Close the polls whose time is up, every minute (after a restart too: they are stored)."""
    data: BotData = application.bot_data
    while True:
        try:
            now = int(time.time())
            for chat, message, articles, closes in await data.store.open_polls():
                if closes <= now:
                    await close_poll(application, chat, message, articles)
        except Exception:
            log.exception("Closing due polls failed; trying again in a minute")
        await asyncio.sleep(60)


async def on_plan(update: Update, context: Context) -> None:
    """/plan, /plan move <article> <position>, /plan minutes <n>, /plan reset."""
    daily = context.bot_data.daily
    await _readings_command(
        update, context, daily.show_plan, daily.change_plan, "change its reading plan"
    )


async def on_next(update: Update, context: Context) -> None:
    """/next: the next reading of the plan, now (it moves the plan on: admins only in groups)."""
    message = update.effective_message
    if message is None:
        return
    if not await may_change_chat(message, context):
        reply = Reply().add(
            "Only this group's admins can move the reading plan on. ",
            code("/today"),
            " shows the current reading.",
        )
        await send_reply(message, reply, context)
        return
    reply = with_reader(await context.bot_data.daily.next_now(message.chat_id))
    await send_reply(message, reply, context)


async def on_today(update: Update, context: Context) -> None:
    """/today: the latest reading again."""
    message = update.effective_message
    if message is not None:
        reply = with_reader(await context.bot_data.daily.today(message.chat_id))
        await send_reply(message, reply, context)
