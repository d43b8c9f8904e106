"""Handlers for a group's discussion: threads, exports, logging, and members' control."""

from __future__ import annotations

import time

from telegram import InputFile, Update

from bot.discussion import days_asked, privacy_text
from bot.quotes import board_reply
from bot.readings import plan_readings
from bot.reply import Reply, code
from bot.telegram.admins import is_admin
from bot.telegram.delivery import Uncertain
from bot.telegram.handlers import Context, command_args, parse_command, send_reply
from bot.telegram.record import logging_on, sender_id


async def on_thread(update: Update, context: Context) -> None:
    """/thread as a reply: what that thread is."""
    message = update.effective_message
    if message is None:
        return
    target = message.reply_to_message
    reply = await context.bot_data.discussion.describe(
        message.chat_id, target.message_id if target else None
    )
    await send_reply(message, reply, context)


async def on_search(update: Update, context: Context) -> None:
    """/search <words> in a group: its own messages that say them, with links."""
    message = update.effective_message
    if message is not None:
        reply = await context.bot_data.discussion.search(message.chat_id, command_args(message))
        await send_reply(message, reply, context)


async def on_digest(update: Update, context: Context) -> None:
    """/digest [days] in a group: what it read and discussed lately, for its meeting."""
    message = update.effective_message
    if message is None:
        return
    days = days_asked(command_args(message), "digest")
    if isinstance(days, Reply):
        await send_reply(message, days, context)
        return
    data = context.bot_data
    plan = await data.store.plan(message.chat_id)
    readings = await data.worker.read(
        plan_readings, data.commands.library, plan.order, plan.minutes
    )
    reply = await data.discussion.digest(
        message.chat_id, days, int(time.time()), {r.ref for r in readings}
    )
    await send_reply(message, reply, context)


async def on_unclear(update: Update, context: Context) -> None:
    """/unclear <reference> in a group: mark a passage as unclear for its digest."""
    message = update.effective_message
    if message is None or message.from_user is None:
        return
    reply = await context.bot_data.discussion.mark_unclear(
        message.chat_id, command_args(message), message.from_user.id
    )
    await send_reply(message, reply, context)


async def on_threads(update: Update, context: Context) -> None:
    """/threads: the chat's recent threads."""
    message = update.effective_message
    if message is not None:
        await send_reply(
            message, await context.bot_data.discussion.recent(message.chat_id), context
        )


async def on_export(update: Update, context: Context) -> None:
    """/export as a reply (that thread) or /export <days>: Markdown and HTML files."""
    message = update.effective_message
    if message is None:
        return
    discussion = context.bot_data.discussion
    args = command_args(message)
    if args:
        days = days_asked(args, "export")
        if isinstance(days, Reply):
            await send_reply(
                message, days.add("Or reply /export to a message of a thread."), context
            )
            return
        export = await discussion.export_days(message.chat_id, days, int(time.time()))
    elif message.reply_to_message is not None:
        found = await discussion.export_thread(message.chat_id, message.reply_to_message.message_id)
        if found is None:
            reply = Reply().add("That message is not part of a thread I have logged.")
            await send_reply(message, reply, context)
            return
        export = found
    else:
        reply = Reply().add(
            "Reply /export to a message of a thread, or give days: ", code("/export 7"), "."
        )
        await send_reply(message, reply, context)
        return
    if not export.messages:
        await send_reply(message, Reply().add("Nothing logged in that time."), context)
        return
    # The caption is read in the bot's default HTML parse mode (bot/telegram/app.py): the
    # title quotes the thread's opening message, so Export.caption escapes it and cuts it.
    for suffix, body in (("md", export.markdown), ("html", export.html)):
        try:
            await message.reply_document(
                InputFile(body.encode(), filename=export.file_name(suffix)),
                caption=export.caption,
            )
        except Uncertain as error:  # it may have gone: not sent again, noted as such
            await context.bot_data.store.record_undelivered(
                message.chat_id, message.message_id, str(error), export.file_name(suffix),
                uncertain=True,
            )  # fmt: skip


async def on_logging(update: Update, context: Context) -> None:
    """/logging on|off (admins): keep this group's discussion or stop."""
    message = update.effective_message
    if message is None:
        return
    data = context.bot_data
    choice = command_args(message).casefold()
    if choice not in ("on", "off"):
        on = await logging_on(data.store, message.chat_id, data.policy)
        reply = Reply().add(
            f"Logging is {'on' if on else 'off'} here. Admins switch it with ",
            code("/logging on"),
            " or ",
            code("/logging off"),
            ".",
        )
        await send_reply(message, reply, context)
        return
    if not await is_admin(message, context):
        reply = Reply().add("Only this group's admins can switch logging on or off.")
        await send_reply(message, reply, context)
        return
    await data.store.set_logging(message.chat_id, choice == "on")
    reply = Reply().add(f"Logging is {choice} for this group.")
    if choice == "on" and not context.bot.can_read_all_group_messages:
        reply.add(
            "Telegram's privacy mode is on for me, so I only see commands and replies to my "
            "posts. To keep the whole discussion, turn it off with @BotFather (/setprivacy → "
            "this bot → Disable), then remove me from the group and add me again — or make me "
            "an admin here."
        )
    await send_reply(message, reply, context)


async def on_forgetme(update: Update, context: Context) -> None:
    """/forgetme: delete the member's logged messages here and stop logging them."""
    message = update.effective_message
    sender = sender_id(message) if message is not None else None
    if message is None or sender is None:
        return
    deleted = await context.bot_data.store.forget(message.chat_id, sender)
    reply = Reply().add(
        f"Done: I deleted {deleted} message{'s' if deleted != 1 else ''} of yours from this "
        "group's log, with your /quote words and pulls, removed your words from my posts there "
        "that showed them, and will not keep your messages here any more."
    )
    await send_reply(message, reply, context)


async def on_private_group_command(update: Update, context: Context) -> None:
    """A group's command sent in a private chat: what it can do there, or exactly why not."""
    message = update.effective_message
    parsed = parse_command(message) if message is not None else None
    if message is None or parsed is None or message.from_user is None:
        return
    store = context.bot_data.store
    if parsed.name == "forgetme":  # every group the bot has kept anything of theirs in
        chats: list[int] = []
        covered: set[int] = set()
        for chat in await store.chats_of(message.from_user.id):
            if chat not in covered:  # a group that became a supergroup is one group
                chats.append(chat)
                covered.update(await store.chat_ids(chat))
        deleted = 0
        for chat in chats:
            deleted += await store.forget(chat, message.from_user.id)
        if chats:
            text = (
                f"Done: I deleted {deleted} message{'s' if deleted != 1 else ''} of yours from "
                f"the logs of {len(chats)} group{'s' if len(chats) != 1 else ''}, with your "
                "/quote words and pulls, removed your words from my posts there, and will not "
                "keep your messages in those groups any more. In another group, send /forgetme "
                "there."
            )
        else:
            text = (
                "I keep nothing of yours: no group's log holds a message of yours. I keep no "
                "log of private chats. In a group, /forgetme there also stops me keeping your "
                "messages from now on."
            )
        await send_reply(message, Reply().add(text), context)
        return
    reasons = {
        "quotes": "The quote board belongs to a group: send /quotes there to see its most "
        "pulled passages.",
        "export": "I keep no log of private chats, so there is nothing to export here. In a "
        "group, /export 7 sends its last 7 days, or /export as a reply sends that thread.",
        "thread": "Threads are a group's: send /thread there as a reply to a message.",
        "threads": "Threads are a group's: send /threads there to see its recent ones.",
        "logging": "Logging is a group's setting: its admins send /logging on or off there. "
        "Private chats are never logged.",
        "search": "I keep no log of private chats, so there is nothing to search here. In a "
        "group, /search <words> finds what its members said. To find a passage of the "
        "library, send me the words you remember.",
        "digest": "A digest is of a group's discussion, and I keep no log of private chats: "
        "send /digest in the group.",
        "unclear": "Unclear passages are gathered for a group's meeting: send /unclear "
        "putin-v-prigozhin 7 in the group.",
    }
    await send_reply(message, Reply().add(reasons.get(parsed.name, "")), context)


async def on_privacy(update: Update, context: Context) -> None:
    """/privacy: what is kept, where, for how long."""
    message = update.effective_message
    if message is not None:
        text = privacy_text(context.bot_data.retention_days)
        await send_reply(message, Reply().add(text), context)


async def on_quotes(update: Update, context: Context) -> None:
    """/quotes: the group's most-pulled passages; /quotes remove <reference> (admins)."""
    message = update.effective_message
    if message is None:
        return
    data = context.bot_data
    args = command_args(message)
    if args.casefold().startswith("remove"):
        reply = await data.discussion.take_off_board(
            message.chat_id, args[len("remove") :], admin=await is_admin(message, context)
        )
        await send_reply(message, reply, context)
        return
    rows = await data.store.board(message.chat_id)
    reply = await data.worker.read(board_reply, data.commands.library, rows)
    await send_reply(message, reply, context)
