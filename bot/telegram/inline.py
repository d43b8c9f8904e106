"""Inline mode: `@bot <words>` in any chat lists passages; choosing one posts it, cited."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.quotes import INLINE_PAGE, InlineItem, featured, inline_results
from bot.readings import plan_readings
from bot.reply import to_html
from bot.telegram.handlers import Context
from bot.text import number

CACHE_SECONDS = 30


async def on_inline(update: Update, context: Context) -> None:
    """Answer an inline query with a page of passages (or, with no words, suggestions)."""
    query = update.inline_query
    if query is None:
        return
    data = context.bot_data
    commands = data.commands
    text = query.query.strip()
    offset = number(query.offset) or 0
    if text:
        items, next_offset = await data.worker.read(
            inline_results, commands.index, commands.library, text, offset
        )
    else:
        suggested = await _suggested(query.from_user.id, context)
        items, next_offset = await data.worker.read(featured, commands.library, suggested), None
    results = [_result(item) for item in items[:INLINE_PAGE]]
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=not text,
        next_offset=str(next_offset) if next_offset else "",
    )


async def _suggested(user_id: int, context: Context) -> list[str]:
    """The member's group's current reading and most-pulled quotes; else each article's opening."""
    data = context.bot_data
    library = data.commands.library
    refs: list[str] = []
    chat = await data.store.recent_chat_of(user_id)
    if chat is not None:
        plan = await data.store.plan(chat)
        readings = await data.worker.read(plan_readings, library, plan.order, plan.minutes)
        if plan.last_reading is not None and plan.last_reading < len(readings):
            reading = readings[plan.last_reading]
            refs.append(f"{reading.article_id} ¶{reading.first}")
        refs += [ref for ref, _, _ in await data.store.board(chat, limit=10)]
    if not refs:
        refs = [f"{a.id} ¶1" for a in library.articles[:INLINE_PAGE]]
    return refs


def _result(item: InlineItem) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=item.id,
        title=item.title,
        description=item.description,
        input_message_content=InputTextMessageContent(to_html(item.reply)[0]),
    )
