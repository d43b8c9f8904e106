"""Handlers for the library itself: adding an article by sending its file, /remove."""

from __future__ import annotations

from telegram import Chat, Message, Update

from bot.dropped import describe_dropped
from bot.ingest import SUFFIXES, IngestError, too_big, unsupported
from bot.library import Article, format_date
from bot.reply import Reply, bold, code
from bot.telegram.group import is_admin
from bot.telegram.handlers import Context, command_args, parse_command, send_reply


async def may_curate(message: Message, context: Context) -> bool:
    """The library serves every chat: the bot's admins (telegram.admins) may change it, and
    in a group its administrators."""
    user = message.from_user
    if user is not None and user.id in context.bot_data.curators:
        return True
    return message.chat.type != Chat.PRIVATE and await is_admin(message, context)


def _refusal(context: Context) -> Reply:
    if context.bot_data.curators:
        return Reply().add(
            "Only the bot's admins, or a group's admins in their group, can change the library."
        )
    return Reply().add(
        "Only a group's admins can change the library, in their group; or add your Telegram id "
        "to ", code("telegram.admins"), " in the bot's config.",
    )  # fmt: skip


def understood(article: Article, new: bool) -> Reply:
    """What the bot made of a file: the article's details and the furniture it left out."""
    if not new:
        return Reply().add(
            "Already in the library: ", bold(article.title), " (", code(article.id), f", number {article.number}).",  # noqa: E501
        )  # fmt: skip
    reply = Reply().add(bold("Added: "), article.title)
    details = [
        ("Publication", article.publication), ("Date", format_date(article.date)),
        ("Author", article.author),
    ]  # fmt: skip
    lines = [f"{name}: {value or '—'}" for name, value in details]
    lines.append(f"{article.words:,} words in {len(article.paragraphs)} paragraphs")
    lines.append(f"Number {article.number}, id {article.id}")
    reply.add("\n".join(lines))
    dropped = describe_dropped(article)
    if dropped:
        reply.add("Left out as site furniture: ", dropped)
    reply.add(
        "Quotable now: ",
        code(f"/quote {article.number}: <words>"),
        ", ",
        code(f"/summary {article.number}"),
        ".",
    )
    return reply


async def on_document(update: Update, context: Context) -> None:
    """A file sent to the bot (in a group: with the caption /add): add its article."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    if message.chat.type != Chat.PRIVATE:
        parsed = parse_command(message)
        if parsed is None or parsed.name != "add":
            return  # a file shared in the group's discussion, not for the library
    document = message.document
    name = document.file_name or "the file"
    if not await may_curate(message, context):
        await send_reply(message, _refusal(context), context)
        return
    if not name.lower().endswith(SUFFIXES):
        await send_reply(message, Reply().add(unsupported(name)), context)
        return
    # Checked before downloading: Telegram gives bots files of up to 20 MB.
    if reason := too_big(name, document.file_size or 0):
        await send_reply(message, Reply().add(reason), context)
        return
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        result = await context.bot_data.librarian.add(
            data, name, message.from_user.id if message.from_user else None
        )
    except IngestError as exc:
        await send_reply(message, Reply().add(str(exc)), context)
        return
    await send_reply(message, understood(result.article, result.new), context)


async def on_remove(update: Update, context: Context) -> None:
    """/remove <article>: out of the library, for every chat."""
    message = update.effective_message
    if message is None:
        return
    query = command_args(message)
    if not await may_curate(message, context):
        await send_reply(message, _refusal(context), context)
        return
    library = context.bot_data.commands.library
    found = library.find_article(query) if query else []
    if len(found) != 1:
        reply = Reply().add(
            "Which article? Name one by number, id or title: ", code("/remove 6"), "."
        )
        if found:
            reply.add("It could be: " + "; ".join(f"{a.number}. {a.title}" for a in found[:5]))
        await send_reply(message, reply, context)
        return
    article = found[0]
    await context.bot_data.librarian.remove(article)
    reply = Reply().add(
        "Removed ", bold(article.title), " (", code(article.id), ") from the library."
    )
    await send_reply(message, reply, context)
