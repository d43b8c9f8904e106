"""Who may do what: every admin check of the Telegram layer, in one place.

* A group's **administrators** (and an anonymous admin posting as the group) may change the
  group's own settings: logging, its quote board, its daily reading and plan.
* In a **private chat** the member decides their own daily reading and plan.
* The **library** serves every chat: the bot's admins (``telegram.admins``) may change it from
  any chat, and a group's administrators from their group.

Administrators are asked of Telegram (getChatMember) and the answer is kept a minute.
"""

from __future__ import annotations

import time

from telegram import Chat, ChatMember, Message

from bot.telegram.handlers import Context

ADMIN_CACHE_SECONDS = 60.0


async def is_admin(message: Message, context: Context) -> bool:
    """Whether the sender administers the chat: its real administrators, checked with
    Telegram (cached briefly); an anonymous admin posting as the group counts."""
    chat = message.chat
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if message.from_user is None:
        return False
    key = (chat.id, message.from_user.id)
    cached = context.bot_data.admins.get(key)
    if cached and time.monotonic() - cached[0] < ADMIN_CACHE_SECONDS:
        return cached[1]
    member = await context.bot.get_chat_member(chat.id, message.from_user.id)
    admin = member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    context.bot_data.admins[key] = (time.monotonic(), admin)
    return admin


async def may_change_chat(message: Message, context: Context) -> bool:
    """A chat's own readings and plan: in a private chat the member, in a group its admins."""
    return message.chat.type == Chat.PRIVATE or await is_admin(message, context)


async def may_curate(message: Message, context: Context) -> bool:
    """The library: the bot's admins anywhere, and a group's administrators in their group."""
    user = message.from_user
    if user is not None and user.id in context.bot_data.curators:
        return True
    return message.chat.type != Chat.PRIVATE and await is_admin(message, context)


def is_curator(user_id: int, context: Context) -> bool:
    """One of the bot's admins (``telegram.admins``)."""
    return user_id in context.bot_data.curators
