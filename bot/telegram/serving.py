"""Serving: the bot run until SIGINT or SIGTERM, by long polling through the durable intake
or by webhook, and a stop that always ends in bounded time (the watchdog)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading

from telegram.ext import Application

from bot.telegram.intake import SHUTDOWN_LIMIT, Halted, Intake
from bot.telegram.webhook import Webhook

log = logging.getLogger(__name__)


class Watchdog:
    """Ends the process if a stop takes over SHUTDOWN_LIMIT seconds (a hung disk, a stuck
    request): a thread, so that it fires even if the event loop is blocked. Armed when the
    stop begins, disarmed by whoever owns the process once everything is closed."""

    def __init__(self, limit: float = SHUTDOWN_LIMIT) -> None:
        self.limit = limit
        self._timer = threading.Timer(limit, self._overdue)
        self._timer.daemon = True

    def arm(self) -> None:
        if not self._timer.is_alive():
            self._timer.start()

    def disarm(self) -> None:
        self._timer.cancel()

    def _overdue(self) -> None:
        log.critical(
            "Stopping took over %.0f s; exiting now (what was not answered is answered at the "
            "next start)",
            self.limit,
        )
        logging.shutdown()
        os._exit(1)


async def serve(
    application: Application,
    intake: Intake,
    webhook: Webhook | None = None,
    watchdog: Watchdog | None = None,
) -> None:
    """Run the bot until SIGINT or SIGTERM: start, poll durably (or take updates from the
    webhook), drain, shut down."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, intake.stop)
    # However the stop goes, the process ends in bounded time (see Watchdog).
    watching = (
        asyncio.create_task(_arm_when_stopping(intake, watchdog), name="watchdog")
        if watchdog is not None
        else None
    )
    try:
        await _serve(application, intake, webhook)
    finally:
        if watching is not None:
            watching.cancel()
        if watchdog is not None:
            watchdog.arm()  # however serving ended (a stop, a 409, an error): closing is bounded
    if intake.fatal is not None:
        raise Halted(intake.fatal)


async def _arm_when_stopping(intake: Intake, watchdog: Watchdog) -> None:
    await intake.until_stopped()
    watchdog.arm()


async def _serve(application: Application, intake: Intake, webhook: Webhook | None) -> None:
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            if webhook is None:
                await intake.run()
            else:
                await intake.resume()
                await webhook.start()
                try:
                    await intake.until_stopped()
                finally:
                    await webhook.stop()  # Telegram keeps what it could not deliver meanwhile
                    await intake.drain()
        finally:
            await application.stop()
            if application.post_shutdown:
                await application.post_shutdown(application)
