"""Durable intake: fetch updates, store them, log them, then answer them.

python-telegram-bot's own updater confirms updates to Telegram (the next getUpdates offset)
before its handlers have run, so a crash loses what was in flight. Here every batch of updates
is committed to the database *before* the offset that confirms it is sent; each update is then
logged at once, in arrival order, and marked done only after it has been answered. After a
crash (even ``kill -9``) the updates not marked done are logged and answered again at start-up;
since every log write is idempotent, each message is logged exactly once.

Answers are given one at a time and in order within a chat, different chats side by side: a
group waiting on Telegram's per-group rate limit holds up only its own answers, never the log
and never another chat. An update answered again after a crash does not post again what it
posted before (see :mod:`bot.telegram.delivery`).

The heartbeat file is touched only while the database takes writes, so ``health`` means
"updates are being stored and logged". If the store gives up (writes failing for good) or a
background task dies, the bot stops with a one-line reason, and whatever was not finished is
handled at the next start; a stop always ends within SHUTDOWN_LIMIT seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.storage import Store
from bot.telegram.delivery import ANSWERING, Answering
from bot.telegram.record import LogPolicy, record_update
from bot.writable import is_disk_trouble

log = logging.getLogger(__name__)

IDLE_WORKER = 30.0  # seconds a chat's worker waits for more before it ends
MAX_BACKOFF = 30.0
DRAIN = 20.0  # seconds a stop waits for updates in hand to be answered
SHUTDOWN_LIMIT = 35.0  # seconds after a stop begins when the process exits, done or not
BEAT_EVERY = 5.0  # seconds: the heartbeat (a write, then the file) at most this often


class Halted(Exception):
    """The bot stopped because it could not go on (the database refused writes for good, or a
    background task died); the message says why. A supervisor (systemd, Docker) starts it
    again, and the next start handles what was left."""


def _chat_key(update: Update) -> Hashable:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return "other"


def is_update(value: object) -> bool:
    """Whether a JSON value is an update at all: an object with a numeric update id."""
    return isinstance(value, dict) and isinstance(value.get("update_id"), int)


class RawUpdates(HTTPXRequest):
    """The connection that gets updates, keeping them as Telegram sent them.

    python-telegram-bot reads a whole getUpdates answer into objects at once, so a single update
    it cannot read (say, a shape newer than this version knows) would fail them all, again at
    every poll: the bot would stop for good. Here each getUpdates answer is handed on empty and
    its updates are kept for :meth:`take`; the intake stores them exactly as sent and reads
    them one by one.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kept: list[dict[str, Any]] = []

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        try:
            answer = json.loads(payload)
        except ValueError:
            return code, payload  # python-telegram-bot reports it as an invalid response
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, list):
            return code, payload
        updates = [u for u in result if is_update(u)]
        if len(updates) < len(result):
            log.warning("Skipped %d update(s) without an update id", len(result) - len(updates))
        self._kept = sorted(updates, key=lambda u: u["update_id"])
        return code, json.dumps({**answer, "result": []}).encode()

    def take(self) -> list[dict[str, Any]]:
        """The updates of the last getUpdates answer (once)."""
        kept, self._kept = self._kept, []
        return kept


class Intake:
    """The bot's update loop; see the module docstring."""

    def __init__(
        self,
        application: Application,
        store: Store,
        policy: LogPolicy,
        *,
        poll_timeout: float = 10.0,
        heartbeat: Path | None = None,
    ) -> None:
        self.application = application
        self.store = store
        self.policy = policy
        self.poll_timeout = poll_timeout
        self.heartbeat = heartbeat
        self.raw: RawUpdates = application.bot_data.raw_updates
        self._queues: dict[Hashable, asyncio.Queue[tuple[int, Update]]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()
        self._unlogged: set[int] = set()  # updates whose logging failed: not to be marked done
        self.fatal: str | None = None  # why the bot must stop, if it must
        self._beaten = -BEAT_EVERY  # monotonic time of the last heartbeat
        store.on_fatal = self.fail
        application.bot_data.stop_with = self.fail
        if store.fatal is not None:  # it gave up before there was a bot to stop
            self.fail(store.fatal)

    def stop(self) -> None:
        self._stopping.set()

    def fail(self, reason: str) -> None:
        """Stop the bot because it cannot go on (the reason ends up as its last line)."""
        if self.fatal is None:
            self.fatal = reason
            log.critical("Stopping: %s", reason)
        self.stop()

    async def resume(self) -> None:
        """Log and answer what a previous run stored but did not finish."""
        pending = await self.store.pending_updates(limit=1_000_000)
        if pending:
            log.info("Handling %d update(s) stored before the last stop", len(pending))
        for update_id, payload in pending:
            await self._accept(update_id, json.loads(payload))

    async def receive(self, raw: dict[str, Any]) -> None:
        """One update pushed to us (webhook mode): stored durably when this returns, then
        logged and handed to its chat's worker."""
        await self.store.save_updates(
            [(raw["update_id"], json.dumps(raw, ensure_ascii=False))], self.application.bot.id
        )
        await self._accept(raw["update_id"], raw)

    async def until_stopped(self) -> None:
        await self._stopping.wait()

    async def beat(self) -> None:
        """Mark the bot alive for ``python -m bot health`` (the heartbeat file's time), but only
        if the database takes a write: alive means updates are being stored and logged."""
        if self.heartbeat is None:
            return
        now = time.monotonic()
        if now - self._beaten < BEAT_EVERY:
            return
        self._beaten = now
        with contextlib.suppress(Exception):  # a failure is noted (and said) by the store
            await self.store.touch()
        if not self.store.healthy:
            return
        try:
            self.heartbeat.touch()
        except OSError as exc:
            log.warning("Cannot touch the heartbeat file %s: %s", self.heartbeat, exc)

    async def run(self) -> None:
        """Handle what a previous run left, then poll until :meth:`stop`."""
        bot = self.application.bot
        await self.resume()
        # A webhook left from webhook mode would make Telegram refuse getUpdates; its pending
        # updates stay with Telegram and come by polling instead.
        with contextlib.suppress(TelegramError):
            await bot.delete_webhook(drop_pending_updates=False)
        last = await self.store.last_update_id(bot.id)
        offset = last + 1 if last is not None else None
        try:
            await self._poll(offset)
        finally:
            # However polling ended (a stop, or 409 Conflict), the updates in hand are answered
            # while the connection to Telegram is still open.
            self.stop()
            await self.drain()

    async def _poll(self, offset: int | None) -> None:
        backoff = 1.0
        await self.beat()
        while not self._stopping.is_set():
            try:
                updates = await self._fetch(offset)
            except (InvalidToken, Conflict):
                raise  # a wrong token, or another instance polling: stopping is right
            except RetryAfter as exc:
                wait = exc.retry_after
                await self._sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
                continue
            except TimedOut:
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("Fetching updates failed (%s); retrying in %.0f s", exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            await self.beat()
            if not updates:
                backoff = 1.0
                continue
            try:
                await self.store.save_updates(
                    ((u["update_id"], json.dumps(u, ensure_ascii=False)) for u in updates),
                    self.application.bot.id,
                )
            except Exception as exc:
                # Not confirmed to Telegram, so it sends the same updates again: nothing lost.
                log.warning(
                    "Could not store %d update(s) (%s); fetching them again in %.0f s",
                    len(updates), self.store.failure or exc, backoff,
                )  # fmt: skip
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            offset = updates[-1]["update_id"] + 1
            for raw in updates:
                await self._accept(raw["update_id"], raw)
        await self._confirm(offset)

    async def _fetch(self, offset: int | None) -> list[dict[str, Any]]:
        """The next updates as Telegram sent them (not yet read into python-telegram-bot's
        objects: one it cannot read must not stop the others, or the bot)."""
        fetch = asyncio.ensure_future(
            self.application.bot.get_updates(
                offset=offset,
                timeout=self.poll_timeout,
                allowed_updates=Update.ALL_TYPES,
                read_timeout=self.poll_timeout * 2 + 1,
            )
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return []
        stopping.cancel()
        fetch.result()  # raises what went wrong
        return self.raw.take()

    async def _accept(self, update_id: int, raw: dict[str, Any]) -> None:
        """A stored update: read it, log it, and hand it to its chat's worker. One that cannot be
        read (a shape newer than this version knows) is kept aside in the inbox, not retried."""
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception as exc:
            log.warning(
                "Update %s (%s) cannot be read by this version (%s); kept aside in the inbox",
                update_id,
                ", ".join(k for k in raw if k != "update_id"),
                exc,
            )
            await self.store.set_aside(update_id)
            return
        await self._log(update_id, update)
        self._dispatch(update_id, update)

    async def _confirm(self, offset: int | None) -> None:
        """Tell Telegram what is stored, so it is not sent again (it would be ignored anyway)."""
        if offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self.application.bot.get_updates(offset=offset, timeout=0, limit=1)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _dispatch(self, update_id: int, update: Update) -> None:
        key = _chat_key(update)
        queue = self._queues.setdefault(key, asyncio.Queue())
        queue.put_nowait((update_id, update))
        worker = self._workers.get(key)
        if worker is None or worker.done():
            self._workers[key] = asyncio.create_task(self._work(key), name=f"chat-{key}")

    async def _work(self, key: Hashable) -> None:
        queue = self._queues[key]
        while True:
            try:
                update_id, update = await asyncio.wait_for(queue.get(), IDLE_WORKER)
            except TimeoutError:
                if queue.empty():
                    self._workers.pop(key, None)
                    self._queues.pop(key, None)
                    return
                continue
            try:
                await self._handle(update_id, update)
            except Exception:
                # Left unmarked, it is handled again at the next start; this chat goes on.
                log.exception("Update %s could not be finished", update_id)
            finally:
                queue.task_done()

    async def _log(self, update_id: int, update: Update) -> None:
        try:
            await record_update(update, self.store, self.application.bot.id, self.policy)
        except Exception as exc:
            # Not to be marked done: it is logged again (idempotently) at the next start.
            if is_disk_trouble(exc):  # the store has said what is wrong, once
                log.warning("Could not log update %s; it stays queued", update_id)
            else:
                log.exception("Could not log update %s; it stays queued", update_id)
            self._unlogged.add(update_id)

    async def _handle(self, update_id: int, update: Update) -> None:
        answering = ANSWERING.set(Answering(update_id))
        try:
            await self.application.process_update(update)
        finally:
            ANSWERING.reset(answering)
        if update_id in self._unlogged:
            self._unlogged.discard(update_id)
        else:
            await self.store.mark_done(update_id)

    async def drain(self) -> None:
        """Wait (up to DRAIN seconds) for the updates already dispatched to be handled."""
        queues = list(self._queues.values())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in queues)), DRAIN)
        for worker in list(self._workers.values()):
            worker.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        self._workers.clear()
        self._queues.clear()
        try:
            await self.store.commit()
        except Exception as exc:  # said by the store; the inbox keeps what was not finished
            log.warning("Could not commit after draining: %s", self.store.failure or exc)
