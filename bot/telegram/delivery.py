"""Every request the bot makes, paced to Telegram's limits and retried where that is right.

:class:`Pacer` is python-telegram-bot's rate-limiter hook. It

- holds posts to a sliding window of 20 a minute per group and 30 a second overall, so the bot
  does not earn a 429 in the first place;
- on a 429 anyway, pauses *that chat* for the ``retry_after`` Telegram asks and then retries;
  other chats carry on (python-telegram-bot's own AIORateLimiter pauses every chat);
- retries failures that are worth it (5xx, dropped connections, time-outs) with a growing
  pause, and passes on at once what a retry cannot mend (a bad request, a bot that was
  kicked, a group that moved), for :func:`bot.telegram.handlers.send_reply` to handle.

Getting updates never passes through here (python-telegram-bot sends it directly); the intake
has its own back-off. :func:`post` sends a reply's messages and deals with what is left: a group
that moved, a reply target or topic that is gone, and failures for good, which it records.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.flood import Window
from bot.storage import Store

log = logging.getLogger(__name__)

# Posts per seconds. Each post counts until its answer came back, so network delay cannot crowd
# posts at Telegram's end; the small margins are for its clock.
GROUP_LIMIT = (20, 61.0)  # into one group
OVERALL_LIMIT = (30, 1.05)  # across all chats
MAX_RETRIES = 3  # a request is tried at most this many more times
BACKOFF = 1.0  # seconds before the first retry; doubled for each next one
MAX_RETRY_AFTER = 120.0  # a chat told to wait longer than this gives the request up
# Methods that post a message into a chat, which Telegram's flood limits count.
POSTING = ("send", "copyMessage", "copyMessages", "forwardMessage", "forwardMessages")

Result = bool | dict[str, Any] | list[dict[str, Any]]


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if isinstance(chat, str):
        try:
            return int(chat)
        except ValueError:
            return chat  # an @username: a channel or supergroup
    return chat if isinstance(chat, int) else None


class Pacer(BaseRateLimiter[None]):
    """See the module docstring."""

    def __init__(
        self,
        *,
        group_limit: tuple[int, float] = GROUP_LIMIT,
        overall_limit: tuple[int, float] = OVERALL_LIMIT,
        max_retries: int = MAX_RETRIES,
        backoff: float | None = None,
    ) -> None:
        self.group_limit = group_limit
        self.max_retries = max_retries
        self.backoff = BACKOFF if backoff is None else backoff
        self._overall = Window(*overall_limit)
        self._groups: dict[int | str, Window] = {}
        self._paused: dict[int | str | None, float] = {}  # chat -> monotonic time it may resume

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        chat = _chat_of(data)
        posts = endpoint.startswith(POSTING)
        attempt = 0
        while True:
            await self._resume(chat)
            cells = await self._slot(chat) if posts else []
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = exc.retry_after
                wait = seconds if isinstance(seconds, int | float) else seconds.total_seconds()
                if attempt >= self.max_retries or wait > MAX_RETRY_AFTER:
                    raise
                # Only this chat waits (requests with no chat, such as inline answers, wait
                # together).
                self._paused[chat] = max(self._paused.get(chat, 0.0), time.monotonic() + wait)
                log.warning(
                    "Telegram asks to wait %.0f s before %s to chat %s", wait, endpoint, chat
                )
            except BadRequest:
                raise  # the request itself is wrong: sending it again cannot help
            except NetworkError as exc:  # 5xx, a dropped connection, a time-out
                if attempt >= self.max_retries:
                    raise
                pause = self.backoff * 2**attempt
                log.warning(
                    "%s to chat %s failed (%s); retrying in %.0f s", endpoint, chat, exc, pause
                )
                await asyncio.sleep(pause)
            finally:
                done = time.monotonic()  # Telegram got it by now at the latest
                for cell in cells:
                    Window.settle(cell, done)
            attempt += 1

    async def _resume(self, chat: int | str | None) -> None:
        until = self._paused.get(chat)
        while until is not None:
            wait = until - time.monotonic()
            if wait <= 0:
                self._paused.pop(chat, None)
                return
            await asyncio.sleep(wait)
            until = self._paused.get(chat)

    async def _slot(self, chat: int | str | None) -> list[list[float]]:
        """Wait until a post into ``chat`` fits both windows, then count it (the cells are
        settled when the request is done)."""
        group = None
        if chat is not None and (isinstance(chat, str) or chat < 0):
            group = self._groups.get(chat)
            if group is None:
                self._forget_idle_groups()
                group = self._groups[chat] = Window(*self.group_limit)
        while True:
            now = time.monotonic()
            wait = max(self._overall.wait(now), group.wait(now) if group else 0.0)
            if wait <= 0:
                cells = [self._overall.take(now)]
                if group:
                    cells.append(group.take(now))
                return cells
            await asyncio.sleep(wait)

    def _forget_idle_groups(self) -> None:
        if len(self._groups) < 1024:
            return
        now = time.monotonic()
        for chat in [c for c, w in self._groups.items() if w.idle(now)]:
            del self._groups[chat]


class Undelivered(Exception):
    """A reply failed for good (after the retries); ``sent`` holds the parts that went."""

    def __init__(self, sent: list[Message], error: TelegramError) -> None:
        super().__init__(str(error))
        self.sent = sent
        self.error = error


async def post(
    bot: Bot,
    store: Store,
    chat_id: int,
    texts: list[str],
    *,
    reply_to: int | None = None,
    topic: int | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send HTML ``texts`` into a chat in order: the first quoting ``reply_to``, all in forum
    topic ``topic``, ``markup`` under the last.

    A group that became a supergroup is followed to its new id; a reply whose target is gone,
    or a topic that was deleted, is sent without them. A part that still fails is recorded
    (chat, message it answered, reason) and raised as :class:`Undelivered`.
    """
    sent: list[Message] = []
    for index, text in enumerate(texts):
        options: dict[str, Any] = {
            "message_thread_id": topic,
            "reply_markup": markup if index == len(texts) - 1 else None,
            "reply_parameters": ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and index == 0
            else None,
        }
        try:
            sent.append(await _send(bot, store, chat_id, text, options))
        except TelegramError as error:
            kind = type(error).__name__
            reason = str(error) if str(error).startswith(kind) else f"{kind}: {error}"
            log.warning(
                "Reply in chat %s to message %s not delivered: %s", chat_id, reply_to, reason
            )
            await store.record_undelivered(chat_id, reply_to, reason, text)
            raise Undelivered(sent, error) from error
        chat_id = sent[-1].chat_id  # after a migration the rest follow
    return sent


async def _send(
    bot: Bot, store: Store, chat_id: int, text: str, options: dict[str, Any]
) -> Message:
    try:
        return await bot.send_message(chat_id, text, **options)
    except ChatMigrated as moved:
        log.info("Chat %s is now supergroup %s; replying there", chat_id, moved.new_chat_id)
        await store.migrate_chat(chat_id, moved.new_chat_id)
        options = options | {"reply_parameters": None, "message_thread_id": None}
        return await bot.send_message(moved.new_chat_id, text, **options)
    except BadRequest as error:
        problem = error.message.casefold()
        if options["reply_parameters"] and "repl" in problem and "not found" in problem:
            return await bot.send_message(chat_id, text, **(options | {"reply_parameters": None}))
        if options["message_thread_id"] and "thread not found" in problem:
            return await bot.send_message(chat_id, text, **(options | {"message_thread_id": None}))
        raise
