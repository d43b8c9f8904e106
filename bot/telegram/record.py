"""Keeping the discussion: Telegram updates turned into rows of the log."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from telegram import (
    Chat,
    ChatMember,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.storage import LoggedMessage, Store

log = logging.getLogger(__name__)

_MEDIA = (
    "photo", "video", "animation", "audio", "voice", "video_note", "document", "sticker",
    "poll", "location", "venue", "contact", "dice", "story",
)  # fmt: skip


@dataclass
class LogPolicy:
    """Whether a chat is logged when it has not said: the configured default."""

    default_on: bool = True


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def visible_text(message: Message) -> str:
    """What a reader sees of a message: its text or caption, or what kind of thing it is."""
    text = message.text or message.caption or ""
    if text:
        return text
    for kind in _MEDIA:
        if getattr(message, kind, None):
            return f"[{kind.replace('_', ' ')}]"
    return ""


def sender_id(message: Message) -> int | None:
    """Who sent a message: the chat it was sent as (an anonymous admin, a channel), else the
    member."""
    if message.sender_chat is not None:
        return message.sender_chat.id
    return message.from_user.id if message.from_user else None


def sender_name(message: Message) -> str:
    if message.sender_chat is not None:
        return message.sender_chat.title or message.sender_chat.username or "anonymous"
    user = message.from_user
    return user.full_name if user else ""


def forwarded_from(message: Message) -> str | None:
    origin = message.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title or "a chat"
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title or "a channel"
    return "unknown"


def logged(message: Message, bot_id: int, **extra: object) -> LoggedMessage:
    """A Telegram message as the log keeps it."""
    target = message.reply_to_message
    return LoggedMessage(
        chat_id=message.chat_id,
        message_id=message.message_id,
        date=int(message.date.timestamp()),
        sender_id=sender_id(message),
        sender_name=sender_name(message),
        text=visible_text(message),
        is_bot=bool(message.from_user and message.from_user.is_bot),
        reply_to=target.message_id if target and not _is_topic_root(message) else None,
        topic_id=message.message_thread_id if message.is_topic_message else None,
        forward_from=forwarded_from(message),
        reply_to_bot_post=bool(target and target.from_user and target.from_user.id == bot_id),
        **extra,  # type: ignore[arg-type]
    )


def _is_topic_root(message: Message) -> bool:
    """In a forum, a message 'replies' to its topic's opening service message; not a reply."""
    target = message.reply_to_message
    return bool(
        message.is_topic_message
        and target is not None
        and target.message_id == message.message_thread_id
    )


async def logging_on(store: Store, chat_id: int, policy: LogPolicy) -> bool:
    settings = await store.chat_settings(chat_id)
    on = policy.default_on if settings.logging is None else settings.logging
    return on and settings.active


async def record_update(update: Update, store: Store, bot_id: int, policy: LogPolicy) -> None:
    """Log what an update brings: a message, an edit, a migration, the bot's own membership."""
    if update.my_chat_member is not None:
        change = update.my_chat_member
        status = change.new_chat_member.status
        gone = status in (ChatMember.LEFT, ChatMember.BANNED)
        await store.set_active(change.chat.id, not gone)
        log.info("%s chat %s", "Removed from" if gone else "Added to", change.chat.id)
        return
    message = update.message or update.edited_message
    if message is None or not is_group(message.chat):
        return
    if message.migrate_to_chat_id:
        await store.migrate_chat(message.chat_id, message.migrate_to_chat_id)
        return
    if message.migrate_from_chat_id:
        await store.migrate_chat(message.migrate_from_chat_id, message.chat_id)
        return
    await store.note_chat(message.chat_id, message.chat.type, message.chat.title or "")
    if not await logging_on(store, message.chat_id, policy):
        return
    row = logged(message, bot_id)
    if not row.text:
        return  # a service message (someone joined, a title changed): not discussion
    if message.via_bot is not None and message.via_bot.id == bot_id and update.message:
        await _record_inline_pull(message, store)
    if update.edited_message is not None and message.edit_date is not None:
        await store.log_edit(row, int(message.edit_date.timestamp()))
    else:
        await store.log_message(row)


_CITED = re.compile(r"· ([a-z0-9]+(?:-[a-z0-9]+)* ¶\d+(?:\.\d+(?:-\d+)?)?)\s*$")


async def _record_inline_pull(message: Message, store: Store) -> None:
    """A passage a member posted through inline mode goes on the group's board."""
    found = _CITED.search(message.text or "")
    user = message.from_user
    if found and user is not None:
        await store.record_pull(
            message.chat_id, message.message_id, found[1], user.id, user.full_name, "inline"
        )


async def record_bot_posts(
    sent: list[Message],
    store: Store,
    bot_id: int,
    policy: LogPolicy,
    *,
    opens_thread: bool,
    refs: list[str],
    carries: set[int] | frozenset[int] = frozenset(),
) -> None:
    """Log the bot's own posts; a post sent in several messages is one thread. ``carries``:
    the members whose words or names the post shows (redacted if they ask to be forgotten)."""
    if not sent or not is_group(sent[0].chat):
        return
    if not await logging_on(store, sent[0].chat_id, policy):
        return
    root = sent[0].message_id if opens_thread else None
    for index, message in enumerate(sent):
        await store.log_message(
            logged(
                message,
                bot_id,
                opens_thread=opens_thread and index == 0,
                refs=tuple(refs) if index == 0 else (),
                thread_root=root if index else None,
                carries=tuple(carries),
            )
        )
