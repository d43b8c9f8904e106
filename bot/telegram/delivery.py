"""Every request the bot makes, paced to Telegram's limits and retried where that is right.

:class:`Pacer` is python-telegram-bot's rate-limiter hook. It

- holds posts to a sliding window of 20 a minute per group and 30 a second overall, so the bot
  does not earn a 429 in the first place;
- on a 429 anyway, pauses *that chat* for the ``retry_after`` Telegram asks and then retries;
  other chats carry on (python-telegram-bot's own AIORateLimiter pauses every chat);
- retries failures that are worth it (5xx, dropped connections, time-outs) with a growing
  pause, and passes on at once what a retry cannot mend (a bad request, a bot that was
  kicked, a group that moved), for :func:`bot.telegram.handlers.send_reply` to handle.

A post is sent again only when Telegram surely never got it: the connection could not be made,
or Telegram answered with an error. When the request went out but no answer came back (a read
time-out, a connection dropped mid-request, an answer that is not JSON), Telegram may well have
posted it, and sending it again would post it twice: it is recorded as *uncertain* instead.

Every post is written to the outbox before it is sent and again when Telegram answers, each
committed at once. That record serves twice. After a crash, the update being answered is
answered again, and its posts that went out are not sent again but taken from the outbox, in
the order they were made (see :class:`Answering`); one that was in flight when the bot died is
uncertain, and not sent. And pacing starts from the posts of the last minute, so a restarted bot
never posts into a group that is already at its limit.

Getting updates never passes through here (python-telegram-bot sends it directly); the intake
has its own back-off. :func:`post` sends a reply's messages and deals with what is left: a group
that moved, a reply target or topic that is gone, and failures for good, which it records.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
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


@dataclass
class Answering:
    """The update being answered, and how many posts answering it has made so far: the n-th
    post of an update is the same post however often the update is answered."""

    update_id: int
    posts: int = 0

    def next(self) -> int:
        self.posts += 1
        return self.posts - 1


# Set by the intake while it answers an update (handlers run in its task, so they see it).
ANSWERING: contextvars.ContextVar[Answering | None] = contextvars.ContextVar(
    "answering", default=None
)


class Uncertain(TelegramError):
    """A post went out but its answer never came back: Telegram may have posted it. It is not
    sent again (that could post it twice)."""


# Connections that failed before a byte of the request was sent.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _kept(result: Result) -> Result:
    """What the outbox keeps of Telegram's answer to a post: the post itself, with the message
    it replied to cut down to its ids (Telegram echoes that message whole, member's words
    included, and a replay needs only which one it was)."""
    if not isinstance(result, dict):
        return result
    # A document's caption (an export's quotes the thread's opening) is not needed to replay it.
    dropped = ("quote", "external_reply", "caption", "caption_entities")
    kept = {k: v for k, v in result.items() if k not in dropped}
    target = result.get("reply_to_message")
    if isinstance(target, dict):
        kept["reply_to_message"] = {
            k: target[k] for k in ("message_id", "date", "chat") if k in target
        }
    return kept


def _digest(endpoint: str, data: dict[str, Any]) -> str:
    """What tells one post from another: where it goes and what it says."""
    said = str(data.get("text") or data.get("caption") or "")
    return hashlib.sha256(f"{endpoint}\n{data.get('chat_id')}\n{said}".encode()).hexdigest()[:16]


def _outcome(error: TelegramError) -> Literal["retry", "uncertain", "final"]:
    """What a failed request means: worth sending again (Telegram surely did not act on it),
    uncertain (it may have), or final (Telegram refused it)."""
    cause = error.__cause__
    if isinstance(error, RetryAfter):
        return "retry"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest | ChatMigrated):
        if isinstance(cause, _NEVER_SENT):
            return "retry"
        if cause is not None and not isinstance(cause, httpx.HTTPError | TelegramError):
            return "retry"  # the client itself failed (e.g. closed at shutdown): nothing went
        if cause is None and not isinstance(error, TimedOut):
            return "retry"  # Telegram answered with an error (5xx): it did not post
        return "uncertain"  # sent; the answer timed out, was cut off or could not be read
    if cause is not None and isinstance(cause, ValueError):
        return "uncertain"  # a 200 whose body is not JSON: it may have posted
    return "final"


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if isinstance(chat, str):
        try:
            return int(chat)
        except ValueError:
            return chat  # an @username: a channel or supergroup
    return chat if isinstance(chat, int) else None


class Pacer(BaseRateLimiter[None]):
    """See the module docstring. Without a store nothing is recorded (for tools and tests
    that only send)."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        group_limit: tuple[int, float] | None = None,
        overall_limit: tuple[int, float] = OVERALL_LIMIT,
        max_retries: int = MAX_RETRIES,
        backoff: float | None = None,
    ) -> None:
        self.store = store
        self.group_limit = GROUP_LIMIT if group_limit is None else group_limit
        self.max_retries = max_retries
        self.backoff = BACKOFF if backoff is None else backoff
        self._overall = Window(*overall_limit)
        self._groups: dict[int | str, Window] = {}
        self._paused: dict[int | str | None, float] = {}  # chat -> monotonic time it may resume

    async def initialize(self) -> None:
        """Count the posts of the last minute, as stored by this run or the one before."""
        if self.store is None:
            return
        period = max(self.group_limit[1], self._overall.period)
        wall, mono = time.time(), time.monotonic()
        for chat, at in await self.store.recent_posts(wall - period):
            when = mono - (wall - at)
            self._overall.take(when)
            if chat is not None and chat < 0:
                self._group(chat).take(when)

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
        posts = endpoint.startswith(POSTING) and endpoint != "sendChatAction"
        answering = ANSWERING.get() if posts else None
        seq = answering.next() if answering is not None else None
        digest = _digest(endpoint, data) if posts else ""
        if answering is not None and seq is not None and self.store is not None:
            before = await self.store.sent_before(answering.update_id, seq)
            if before is not None:
                was, earlier = before
                if was != digest:
                    # The answer came out differently this time (a throttle reset, a part more):
                    # what went before cannot be told apart, so nothing is sent rather than
                    # risk a double.
                    raise Uncertain("a different post was made at this point before the restart")
                if earlier is None:
                    raise Uncertain("in flight when the bot stopped; it may have been posted")
                log.info(
                    "Post %d answering update %s went out before the restart; not sent again",
                    seq, answering.update_id,
                )  # fmt: skip
                replayed: Result = json.loads(earlier)
                return replayed
        attempt = 0
        while True:
            await self._resume(chat)
            cells = await self._slot(chat) if posts else []
            record = None
            if posts and self.store is not None:
                record = await self.store.begin_post(
                    answering.update_id if answering else None,
                    seq,
                    chat if isinstance(chat, int) else None,
                    digest,
                )
            try:
                result = await callback(*args, **kwargs)
            except TelegramError as exc:
                outcome = _outcome(exc)
                if outcome == "uncertain":
                    if posts:  # kept in the outbox, unanswered: counts for pacing, never resent
                        raise Uncertain(f"{type(exc).__name__}: {exc}") from exc
                    # Asking again is harmless for what posts nothing, unless the answer was
                    # not JSON: that would only come again.
                    outcome = "retry" if isinstance(exc, NetworkError) else "final"
                if record is not None and self.store is not None:
                    await self.store.end_post(record, None)
                if outcome == "final" or attempt >= self.max_retries:
                    raise
                if isinstance(exc, RetryAfter):
                    seconds = exc.retry_after
                    wait = seconds if isinstance(seconds, int | float) else seconds.total_seconds()
                    if wait > MAX_RETRY_AFTER:
                        raise
                    # Only this chat waits (requests with no chat, such as inline answers, wait
                    # together).
                    self._paused[chat] = max(self._paused.get(chat, 0.0), time.monotonic() + wait)
                    log.warning(
                        "Telegram asks to wait %.0f s before %s to chat %s", wait, endpoint, chat
                    )
                else:
                    pause = self.backoff * 2**attempt
                    log.warning(
                        "%s to chat %s failed (%s); retrying in %.0f s", endpoint, chat, exc, pause
                    )
                    await asyncio.sleep(pause)
            else:
                if record is not None and self.store is not None:
                    await self.store.end_post(record, json.dumps(_kept(result), ensure_ascii=False))
                return result
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
            group = self._group(chat)
        while True:
            now = time.monotonic()
            wait = max(self._overall.wait(now), group.wait(now) if group else 0.0)
            if wait <= 0:
                cells = [self._overall.take(now)]
                if group:
                    cells.append(group.take(now))
                return cells
            await asyncio.sleep(wait)

    def _group(self, chat: int | str) -> Window:
        group = self._groups.get(chat)
        if group is None:
            self._forget_idle_groups()
            group = self._groups[chat] = Window(*self.group_limit)
        return group

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
    carries: set[int] | frozenset[int] = frozenset(),
) -> list[Message]:
    """Send HTML ``texts`` into a chat in order: the first quoting ``reply_to``, all in forum
    topic ``topic``, ``markup`` under the last.

    A group that became a supergroup is followed to its new id; a reply whose target is gone,
    or a topic that was deleted, is sent without them. A part that still fails is recorded
    (chat, message it answered, reason) and raised as :class:`Undelivered`. A part that may
    have been posted (:class:`Uncertain`) is recorded as such and not sent again; the rest
    follow it.
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
        except Uncertain as error:
            log.warning(
                "Reply in chat %s to message %s may have been posted (%s); not sent again",
                chat_id, reply_to, error,
            )  # fmt: skip
            await store.record_undelivered(
                chat_id, reply_to, str(error), text, uncertain=True, carries=carries
            )
            continue
        except TelegramError as error:
            kind = type(error).__name__
            reason = str(error) if str(error).startswith(kind) else f"{kind}: {error}"
            log.warning(
                "Reply in chat %s to message %s not delivered: %s", chat_id, reply_to, reason
            )
            await store.record_undelivered(chat_id, reply_to, reason, text, carries=carries)
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
