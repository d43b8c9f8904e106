"""Webhook mode: Telegram posts each update to us over HTTPS instead of being polled.

``python -m bot run --webhook`` listens on ``webhook.listen``:``webhook.port`` (behind a reverse
proxy that terminates TLS; see deploy/) and registers ``webhook.url`` with Telegram together
with a secret token. Every request must carry that secret in the
``X-Telegram-Bot-Api-Secret-Token`` header, or it is refused with 403 and nothing is stored.

An update is committed to the database *before* Telegram gets its 200, exactly as the polling
intake does before it confirms an offset: a crash after the 200 loses nothing, and a failure
before it gets a 500, so Telegram sends the update again. ``GET /healthz`` answers 200 while
the bot runs. The server is tornado, which python-telegram-bot's ``webhooks`` extra installs.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.config import Config
from bot.telegram.intake import Intake, is_update

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes: an update is a few kilobytes
HEARTBEAT = 15.0  # seconds between heartbeats while the server runs


class _Updates(tornado.web.RequestHandler):
    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Webhook request from %s without the secret token", self.request.remote_ip)
            self.set_status(403)
            return
        try:
            raw = json.loads(self.request.body)
        except ValueError:
            self.set_status(400)
            return
        if not is_update(raw):
            self.set_status(400)
            return
        try:
            await self.intake.receive(raw)
        except Exception:
            log.exception(
                "Could not store update %s; Telegram will send it again", raw["update_id"]
            )
            self.set_status(500)
            return
        self.set_status(200)


class _Health(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"ok": True})


class Webhook:
    """The HTTP server Telegram posts updates to, and its registration with Telegram."""

    def __init__(self, application: Application, intake: Intake, config: Config) -> None:
        self.application = application
        self.intake = intake
        self.url = config.webhook_url
        self.listen = config.webhook_listen
        self.port = config.webhook_port
        # A secret from the config, else a fresh one each start (it is registered each start).
        self.secret = config.webhook_secret.get() or secrets.token_urlsafe(32)
        self.path = urlsplit(self.url).path or "/"
        self.reader = getattr(application.bot_data, "reader", None)
        if self.reader is not None:
            self.reader.shared = True  # this server serves the reader too, on the same port
        self._server: tornado.httpserver.HTTPServer | None = None
        self._beating: asyncio.Task[None] | None = None

    def routes(self) -> list[Any]:
        return [
            (self.path, _Updates, {"intake": self.intake, "secret": self.secret}),
            ("/healthz", _Health),
            *(self.reader.routes() if self.reader is not None else []),
        ]

    async def start(self) -> None:
        app = tornado.web.Application(self.routes())
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY, xheaders=True)
        self._server.listen(self.port, self.listen)
        await self.application.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )
        await self.intake.beat()
        self._beating = asyncio.create_task(self._beat(), name="heartbeat")
        log.info(
            "Webhook mode: listening on %s:%d%s for %s", self.listen, self.port, self.path, self.url
        )

    async def stop(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            await self.intake.beat()
