"""Handlers for daily readings and the reading plan: /daily, /plan, /next, /today."""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.ext import Application

from bot.daily import parse_time, zone
from bot.readings import plan_readings
from bot.reply import Reply, bold, code, to_html
from bot.telegram.delivery import post
from bot.telegram.group import is_admin
from bot.telegram.handlers import BotData, Context, command_args, send_reply
from bot.telegram.record import record_bot_posts
from bot.text import number

MAX_MINUTES = 60
DAILY_EXAMPLE = "/daily 07:30 Europe/London"


async def post_reading(
    application: Application, chat_id: int, topic: int | None, reply: Reply
) -> None:
    """Send a scheduled post into a chat (or its forum topic), and log it as a thread."""
    bot = application.bot
    data: BotData = application.bot_data
    sent = await post(bot, data.store, chat_id, to_html(reply), topic=topic)
    await record_bot_posts(
        sent, data.store, bot.id, data.policy, opens_thread=reply.opens_thread, refs=reply.refs
    )


async def _may_change(message: Message, context: Context) -> bool:
    """In a private chat the member decides; in a group, its admins."""
    return message.chat.type == Chat.PRIVATE or await is_admin(message, context)


async def on_daily(update: Update, context: Context) -> None:
    """/daily [HH:MM [zone] | off | pause | resume | skip]."""
    message = update.effective_message
    if message is None:
        return
    daily = context.bot_data.daily
    args = command_args(message).split()
    if not args:
        plan = await daily.store.plan(message.chat_id, daily.default_timezone)
        await send_reply(message, daily.describe(plan, daily.clock.now()), context)
        return
    if not await _may_change(message, context):
        reply = Reply().add("Only this group's admins can change its daily reading.")
        await send_reply(message, reply, context)
        return
    action = args[0].casefold()
    if action in ("off", "pause", "resume", "skip") and len(args) == 1:
        await send_reply(message, await daily.set_state(message.chat_id, action), context)
        return
    at = parse_time(args[0])
    if at is None or len(args) > 2:
        reply = Reply().add(
            f"“{args[0][:20]}” is not a time of day. Give hours and minutes, 00:00 to 23:59, "
            "and a time zone if not ",
            daily.default_timezone,
            ": ",
            code(DAILY_EXAMPLE),
            ". Or ",
            code("/daily off"),
            ", ",
            code("pause"),
            ", ",
            code("resume"),
            ", ",
            code("skip"),
            ".",
        )
        await send_reply(message, reply, context)
        return
    existing = await daily.store.plan(message.chat_id, daily.default_timezone)
    name = args[1] if len(args) == 2 else existing.timezone or daily.default_timezone
    if zone(name) is None:
        reply = Reply().add(
            f"“{name[:40]}” is not a time zone I know. Use an IANA name: ",
            code(DAILY_EXAMPLE),
            " or ",
            code("/daily 19:00 America/New_York"),
            ".",
        )
        await send_reply(message, reply, context)
        return
    topic = message.message_thread_id if message.is_topic_message else None
    await send_reply(message, await daily.subscribe(message.chat_id, at, name, topic), context)


async def on_plan(update: Update, context: Context) -> None:
    """/plan, /plan move <article> <position>, /plan minutes <n>, /plan reset."""
    message = update.effective_message
    if message is None:
        return
    data = context.bot_data
    daily, library = data.daily, data.commands.library
    args = command_args(message).split()
    plan = await daily.store.plan(message.chat_id, daily.default_timezone)
    if args:
        if not await _may_change(message, context):
            reply = Reply().add("Only this group's admins can change its reading plan.")
            await send_reply(message, reply, context)
            return
        action = args[0].casefold()
        error = None
        if action == "reset" and len(args) == 1:
            plan.order, plan.position, plan.last_reading = [], 0, None
        elif (
            action == "minutes"
            and len(args) == 2
            and 1 <= (minutes := number(args[1]) or 0) <= MAX_MINUTES
        ):
            plan.minutes = minutes
        elif action == "move" and len(args) >= 3 and (position := number(args[-1])) is not None:
            found = library.find_article(" ".join(args[1:-1]))
            if len(found) != 1:
                error = f"Which article is “{' '.join(args[1:-1])[:40]}”? Use its number in /articles or its id."  # noqa: E501
            else:
                order = plan.order or [a.id for a in library.articles]
                order += [a.id for a in library.articles if a.id not in order]
                order.remove(found[0].id)
                where = min(max(position, 1), len(order) + 1)
                order.insert(where - 1, found[0].id)
                plan.order = order
        else:
            error = "I didn't follow that."
        if error:
            reply = Reply().add(
                error, " Try ", code("/plan move 5 1"), " (article 5 first), ", code("/plan minutes 10"),  # noqa: E501
                f" (1 to {MAX_MINUTES}), or ", code("/plan reset"), ".",
            )  # fmt: skip
            await send_reply(message, reply, context)
            return
        await daily.store.save_plan(plan)
    readings = plan_readings(library, plan.order, plan.minutes)
    reply = Reply().add(
        bold("Reading plan"),
        f" · about {plan.minutes} min a reading · {min(plan.position, len(readings))} of "
        f"{len(readings)} done",
    )
    lines = []
    for index, reading in enumerate(readings):
        article = library.get(reading.article_id)
        title = article.title if article else reading.article_id
        title = title if len(title) <= 60 else title[:59] + "…"
        part = f" (part {reading.part} of {reading.parts})" if reading.parts > 1 else ""
        mark = "✓" if index < plan.position else "→" if index == plan.position else " "
        lines.append(f"{mark} {index + 1}. {title}{part}")
    reply.add("\n".join(lines))
    reply.add(
        "Admins: ", code("/plan move <article> <position>"), ", ", code("/plan minutes <n>"),
        ", ", code("/plan reset"), ". ", code("/next"), " posts the next reading now.",
    )  # fmt: skip
    await send_reply(message, reply, context)


async def on_next(update: Update, context: Context) -> None:
    """/next: the next reading of the plan, now (it moves the plan on: admins only in groups)."""
    message = update.effective_message
    if message is None:
        return
    if not await _may_change(message, context):
        reply = Reply().add(
            "Only this group's admins can move the reading plan on. ",
            code("/today"),
            " shows the current reading.",
        )
        await send_reply(message, reply, context)
        return
    await send_reply(message, await context.bot_data.daily.next_now(message.chat_id), context)


async def on_today(update: Update, context: Context) -> None:
    """/today: the latest reading again."""
    message = update.effective_message
    if message is not None:
        await send_reply(message, await context.bot_data.daily.today(message.chat_id), context)
