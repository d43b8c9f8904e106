"""Handlers for the library itself: adding an article by sending its file or a link, /remove."""

from __future__ import annotations

import secrets

from telegram import CallbackQuery, Chat, Message, Update

from bot.dropped import describe_dropped
from bot.ingest import SUFFIXES, Added, IngestError, too_big, unsupported
from bot.library import Article, format_date
from bot.links import find_link
from bot.reply import Button, Reply, bold, code, link
from bot.telegram.admins import is_curator, may_curate
from bot.telegram.handlers import (
    Context,
    acknowledge,
    answer_words,
    command_args,
    parse_command,
    send_reply,
)


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
    if article.url:
        reply.add("From ", link(article.url, article.url))
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


ADD_USAGE = "Send me the article as a file, or its link: "
OFFERS_KEPT = 100  # links offered for adding, waiting for their button (the newest kept)


async def on_add(update: Update, context: Context) -> None:
    """/add <link>: the article a link leads to, into the library."""
    message = update.effective_message
    if message is None or message.document is not None:
        return  # a file with the caption /add is on_document's
    args = command_args(message)
    if not await may_curate(message, context):
        await send_reply(message, _refusal(context), context)
        return
    # A link of any scheme is the librarian's to refuse, with its reason.
    url = find_link(args) or (args if "://" in args and " " not in args else None)
    if url is None and _looks_like_a_site(args):
        reply = Reply().add(f"{args[:80]}: a link starts with https:// (or http://).")
        await send_reply(message, reply, context)
        return
    if url is None:
        said = "That is not a link. " if args else ""
        reply = Reply().add(said + ADD_USAGE, code("/add https://example.org/article"), ".")
        await send_reply(message, reply, context)
        return
    await send_reply(message, await _add_link(url, message.from_user, context), context)


def _looks_like_a_site(text: str) -> bool:
    """A link typed without its https://: one word with a dot in its first part."""
    head = text.split("/", 1)[0]
    return " " not in text.strip() and "." in head and not head.endswith(".") and len(head) > 3


async def _add_link(url: str, by: object, context: Context) -> Reply:
    user_id = getattr(by, "id", None)
    try:
        result: Added = await context.bot_data.librarian.add_link(url, user_id)
    except IngestError as exc:
        return Reply().add(str(exc))
    return understood(result.article, result.new)


async def on_private_text(update: Update, context: Context) -> None:
    """Text sent to the bot in a private chat: a bare link is offered for the library, any
    other text is a quote search."""
    message = update.effective_message
    if message is None or message.chat.type != Chat.PRIVATE or not message.text:
        return
    url = find_link(message.text)
    if url is None:
        await answer_words(message, message.text, context)
        return
    if not await may_curate(message, context):
        reply = Reply().add(
            "That's a link. Articles are added to the library by the bot's admins, or by a "
            "group's admins in their group with ", code("/add <link>"), ".",
        )  # fmt: skip
        await send_reply(message, reply, context)
        return
    offers = context.bot_data.offered_links
    token = secrets.token_urlsafe(6)
    offers[token] = url
    for old in list(offers)[:-OFFERS_KEPT]:
        del offers[old]
    reply = Reply().add("Add this page to the library? ", link(url, url))
    reply.buttons.append(Button("Add to the library", f"/add {token}"))
    await send_reply(message, reply, context)


async def on_add_pressed(update: Update, context: Context) -> None:
    """The button under an offered link: fetch it and add its article."""
    query: CallbackQuery | None = update.callback_query
    if query is None:
        return
    token = (query.data or "").removeprefix("/add ").strip()
    url = context.bot_data.offered_links.pop(token, None)
    message = query.message if isinstance(query.message, Message) else None
    if url is None or message is None:
        await acknowledge(query, "This button no longer works; send the link again.")
        return
    if not is_curator(query.from_user.id, context):  # offers are made in private only
        await acknowledge(query, "Only the bot's admins can add articles.", alert=True)
        return
    await acknowledge(query, "Fetching it…")
    await send_reply(message, await _add_link(url, query.from_user, context), context)


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
