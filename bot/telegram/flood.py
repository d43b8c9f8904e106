"""Members who flood the bot with commands or button presses: one polite notice, then their
requests go unanswered until they slow down (see :class:`bot.flood.Throttle` for the numbers,
which a person clicking through the bot's answers never reaches).

This runs before every other handler. What members write is logged before it runs, in the
intake, so a throttled member loses nothing from the discussion log; only answers are held
back, and other members and other chats are answered as usual. Each command meant for this bot
and each button press counts once; inline queries (one per keystroke) have a looser bucket of
their own and are held back without a word.
"""

from __future__ import annotations

from time import monotonic

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.flood import Verdict
from bot.reply import Reply
from bot.telegram.handlers import Context, acknowledge, parse_command, send_reply
from bot.telegram.record import sender_id, sender_name


def _sender(update: Update) -> tuple[int, str] | None:
    """Who is asking and their name: a member, or the chat an anonymous admin posts as."""
    if update.message is not None:
        member = sender_id(update.message)
        return (member, sender_name(update.message)) if member is not None else None
    user = update.effective_user
    return (user.id, user.first_name) if user is not None else None


def _asks_us(update: Update, username: str | None) -> bool:
    """A command meant for this bot, a text sent to it in private, a button press, or an
    inline query."""
    if update.callback_query is not None or update.inline_query is not None:
        return True
    message = update.message
    parsed = parse_command(message) if message is not None else None
    if message is not None and parsed is None:
        # In a private chat every text is for the bot: a quote search, or a link to add.
        return message.chat.type == "private" and bool(message.text)
    if parsed is None or message is None:
        return False
    return not parsed.addressee or parsed.addressee.casefold() == (username or "").casefold()


NEVER_HELD_BACK = frozenset({"forgetme", "privacy"})


def notice(name: str, seconds: int) -> str:
    """What a member over the limit is told, once an episode. A request sent during the pause
    starts it again (see :class:`bot.flood.Throttle`), hence "after a pause", not "in"."""
    return (
        f"{name}, that is more than I can answer at once. I'll take your next request after a "
        f"pause of about {seconds} s; the ones before then are skipped."
    )


async def hold_back_floods(update: Update, context: Context) -> None:
    """Stop handling a request from a member over their limit; tell them once a flood."""
    sender = _sender(update)
    if sender is None or not _asks_us(update, context.bot.username):
        return
    member, name = sender
    parsed = parse_command(update.message) if update.message is not None else None
    if parsed is not None and parsed.name in NEVER_HELD_BACK:
        return  # a member asking to be forgotten is always heard, however much they sent
    now = monotonic()  # when the chat's worker gets to it; a test may stop the clock
    if update.inline_query is not None:
        if context.bot_data.inline_throttle.allow(member, now):
            return
        raise ApplicationHandlerStop
    throttle = context.bot_data.throttle
    verdict = throttle.check(member, now)
    if verdict is Verdict.ANSWER:
        return
    if verdict is Verdict.NOTICE:
        text = notice(name, throttle.seconds_until_allowed(member))
        query = update.callback_query
        if query is not None:
            await acknowledge(query, text[:200], alert=True)
        elif update.effective_message is not None:
            await send_reply(update.effective_message, Reply().add(text), context)
    elif update.callback_query is not None:
        await acknowledge(update.callback_query)  # stop the button's spinner, say nothing
    raise ApplicationHandlerStop
