"""Health is the truth: when the database stops taking writes, the heartbeat stops, the bot
stops with one line saying why and what to do, and nothing Telegram sent is lost."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import Config, Secret
from bot.storage import Store
from bot.storage import core as storage_core
from bot.telegram.app import build_application, heartbeat_path
from bot.telegram.intake import Intake
from bot.telegram.record import LogPolicy
from tests.conftest import TOKEN, RunningBot, start_bot, stop_bot

GROUP = -100321


async def start_with_heartbeat(botapi, commands, database) -> RunningBot:
    config = Config(token=Secret(TOKEN), api_base_url=botapi.base_url, database=database)
    store = await Store.open(database)
    application = build_application(config, commands, store)
    intake = Intake(application, store, LogPolicy(True), poll_timeout=1,
                    heartbeat=heartbeat_path(database))  # fmt: skip
    await application.initialize()
    await application.post_init(application)
    await application.start()
    return RunningBot(application, intake, asyncio.create_task(intake.run()), store)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("PRAGMA max_page_count = {pages}", "the disk is full"),  # SQLite's SQLITE_FULL
        ("PRAGMA query_only = 1", "read-only"),  # SQLite's SQLITE_READONLY
    ],
    ids=["full disk", "read-only file"],
)
async def test_when_writes_fail_health_turns_and_the_bot_stops_losing_nothing(
    botapi, commands, tmp_path, monkeypatch, fault, said
):
    monkeypatch.setattr(storage_core, "WRITE_GRACE", 2.0)
    database = tmp_path / "bot.sqlite3"
    beat = heartbeat_path(database)
    botapi.chat(GROUP, "supergroup")
    bot = await start_with_heartbeat(botapi, commands, database)
    botapi.send_text("before the disk filled up", chat_id=GROUP)
    await botapi.wait_for_messages(0)
    async with asyncio.timeout(10):
        while await bot.store.count_messages(GROUP) < 1 or not beat.exists():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    async with bot.store._db.execute("PRAGMA page_count") as cursor:  # the disk, at SQLite
        (pages,) = await cursor.fetchone()
    await bot.store._db.execute(fault.format(pages=pages))
    for n in range(200):
        botapi.send_text(f"message {n} " + "words " * 300, chat_id=GROUP, user_id=600 + n % 5)
    async with asyncio.timeout(30):
        await bot.task  # the bot stops by itself
    last_beat = beat.stat().st_mtime
    assert not bot.store.healthy
    assert str(database) in bot.intake.fatal
    assert said in bot.intake.fatal
    await asyncio.sleep(1.1)
    assert beat.stat().st_mtime == last_beat  # no heartbeat while nothing could be stored
    await bot.application.stop()
    await bot.application.post_shutdown(bot.application)
    await bot.application.shutdown()
    await bot.store.close()
    # Space freed (a new connection has no such limit): the restart takes in all of it.
    bot = await start_bot(botapi, commands, database)
    try:
        async with asyncio.timeout(30):
            while await bot.store.count_messages(GROUP) < 201:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    finally:
        await stop_bot(bot)
    assert bot.store.healthy
