"""Webhook mode: Telegram posts updates to the bot; only with the secret, and each one is in
the database before Telegram hears 200."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
import time

import aiohttp
import pytest

from bot.config import Config, Secret
from bot.storage import Store
from bot.telegram.app import build_application, heartbeat_path
from bot.telegram.intake import Intake
from bot.telegram.record import LogPolicy
from bot.telegram.webhook import Webhook
from tests.conftest import TOKEN

GROUP = -100555
SECRET = "s3cret_token-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def hooked(botapi, commands, tmp_path):
    port = free_port()
    database = tmp_path / "bot.sqlite3"
    config = Config(token=Secret(TOKEN), api_base_url=botapi.base_url, database=database,
                    webhook_url=f"http://127.0.0.1:{port}/telegram-updates",
                    webhook_port=port, webhook_secret=Secret(SECRET))  # fmt: skip
    store = await Store.open(database)
    application = build_application(config, commands, store)
    intake = Intake(application, store, LogPolicy(True), heartbeat=heartbeat_path(database))
    await application.initialize()
    await application.post_init(application)
    await application.start()
    webhook = Webhook(application, intake, config)
    await intake.resume()
    await webhook.start()
    yield config.webhook_url, database
    await webhook.stop()
    await intake.drain()
    await application.stop()
    await application.post_shutdown(application)
    await application.shutdown()
    await store.close()


def update(update_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": GROUP, "type": "supergroup", "title": "Readers"},
        "from": {"id": 501, "is_bot": False, "first_name": "Rosa"},
        **({"entities": [{"type": "bot_command", "offset": 0, "length": text.index(" ")}]}
           if text.startswith("/") else {})}}  # fmt: skip


async def post(url: str, body: object, secret: str | None = SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as r,
    ):
        return r.status


async def test_the_webhook_is_registered_with_its_secret(botapi, hooked):
    url, _ = hooked
    assert botapi.webhook["url"] == url
    assert botapi.webhook["secret_token"] == SECRET
    assert "message" in botapi.webhook["allowed_updates"]


async def test_an_update_is_stored_before_telegram_gets_its_200_and_then_answered(botapi, hooked):
    url, database = hooked
    botapi.chat(GROUP, "supergroup", "Readers")
    assert await post(url, update(1, "the first message, posted to the webhook")) == 200
    with sqlite3.connect(database) as db:  # straight after the 200, from another connection
        stored = db.execute("SELECT payload FROM inbox WHERE update_id = 1").fetchall()
        logged = db.execute("SELECT text FROM messages WHERE message_id = 1").fetchall()
    # Committed: in the inbox as Telegram sent it, or already logged and taken out of it.
    assert [json.loads(p)["message"]["text"] for (p,) in stored] + [t for (t,) in logged] in (
        ["the first message, posted to the webhook"],
        ["the first message, posted to the webhook"] * 2,
    )
    assert await post(url, update(2, "/quote@ReadingGroupBot no war but the class war")) == 200
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert "<b>No War but the Class War</b>" in reply.params["text"]
    await asyncio.sleep(0.2)
    with sqlite3.connect(database) as db:
        texts = [
            r[0]
            for r in db.execute("SELECT text FROM messages WHERE is_bot = 0 ORDER BY message_id")
        ]
    assert texts == [
        "the first message, posted to the webhook",
        "/quote@ReadingGroupBot no war but the class war",
    ]


@pytest.mark.parametrize(
    "secret", [None, "", "wrong", SECRET + "x"], ids=["none", "empty", "wrong", "longer"]
)
async def test_without_the_secret_nothing_is_stored(botapi, hooked, secret):
    url, database = hooked
    assert await post(url, update(7, "/quote forged"), secret) == 403
    await asyncio.sleep(0.2)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM inbox").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert not botapi.sent()


@pytest.mark.parametrize("body", [[1, 2], {"no": "update id"}, {"update_id": "7"}, "text"])
async def test_a_malformed_post_is_refused(hooked, body):
    url, _ = hooked
    assert await post(url, body) == 400


async def test_health_answers_and_the_heartbeat_beats(hooked):
    url, database = hooked
    async with (
        aiohttp.ClientSession() as session,
        session.get(url.rsplit("/", 1)[0] + "/healthz") as r,
    ):
        assert r.status == 200
        assert (await r.json()) == {"ok": True}
    assert heartbeat_path(database).exists()


async def test_kill_9_in_webhook_mode_loses_no_update_telegram_was_told_of(botapi, tmp_path):
    """A real `run --webhook` process killed mid-stream: every update answered 200 is in the
    log after the restart; the rest Telegram sends again (as this test does)."""
    port = free_port()
    database = tmp_path / "bot.sqlite3"
    url = f"http://127.0.0.1:{port}/hook"
    (tmp_path / "config.toml").write_text(
        f'[storage]\ndatabase = "{database}"\n[webhook]\nurl = "{url}"\nport = {port}\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": botapi.base_url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET, "BOT_CONFIG": str(tmp_path / "config.toml")}  # fmt: skip
    botapi.chat(GROUP, "supergroup", "Readers")
    updates = [update(n, f"message {n} of the discussion") for n in range(1, 301)]
    acknowledged: set[int] = set()

    async def start() -> asyncio.subprocess.Process:
        botapi.webhook = None
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--webhook", env=env,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        while botapi.webhook is None:  # noqa: ASYNC110  (the bot registers when it is up)
            await asyncio.sleep(0.05)
        return process

    async def deliver(session: aiohttp.ClientSession, body: dict) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            async with session.post(url, json=body, headers=headers) as response:
                if response.status == 200:
                    acknowledged.add(body["update_id"])
        except aiohttp.ClientError:
            pass  # no 200: Telegram keeps the update and sends it again

    process = await start()
    async with aiohttp.ClientSession() as session:
        sending = [asyncio.create_task(deliver(session, u)) for u in updates]
        while len(acknowledged) < 100:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        await asyncio.gather(*sending)
        killed_with = len(acknowledged)
        process = await start()
        for body in updates:  # Telegram's redelivery of what it was not told of
            if body["update_id"] not in acknowledged:
                await deliver(session, body)
    await asyncio.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), 60)

    assert killed_with < len(updates)  # the kill came mid-stream
    assert acknowledged == {u["update_id"] for u in updates}
    with sqlite3.connect(database) as db:
        logged = [r[0] for r in db.execute(
            "SELECT message_id FROM messages WHERE is_bot = 0 ORDER BY message_id")]  # fmt: skip
    assert logged == list(range(1, 301))  # every one, once
