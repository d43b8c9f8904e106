"""Shared fixtures: the seed library, a Bot API stand-in, and the real bot polling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.commands import Commands
from bot.config import Config, Secret
from bot.ingest import Librarian
from bot.library import Library, load_library
from bot.search import FuzzyIndex
from bot.storage import Store
from bot.telegram.app import build_application
from bot.telegram.intake import Intake
from bot.telegram.record import LogPolicy
from tests.auxil.botapi import BotAPIStandIn

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TOKEN = "123456789:TEST-token-never-real"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(SEEDS)


@pytest.fixture(scope="session")
def commands(library: Library) -> Commands:
    return Commands(library, FuzzyIndex(library))


@pytest.fixture
async def botapi() -> AsyncIterator[BotAPIStandIn]:
    api = BotAPIStandIn()
    api.base_url = await api.start()
    yield api
    await api.stop()


@dataclass
class RunningBot:
    """The real Application, its durable intake polling the stand-in, and its database."""

    application: Application
    intake: Intake
    task: asyncio.Task[None]
    store: Store


async def start_bot(
    botapi: BotAPIStandIn, commands: Commands, database: Path, **settings: object
) -> RunningBot:
    config = Config(token=Secret(TOKEN), api_base_url=botapi.base_url, database=database)
    for key, value in settings.items():
        setattr(config, key, value)
    store = await Store.open(database)
    await Librarian(store, commands.shelf).sync()  # as `run` does: articles added before this start
    application = build_application(config, commands, store)
    intake = Intake(application, store, LogPolicy(config.logging_default), poll_timeout=1)
    await application.initialize()
    await application.post_init(application)
    await application.start()
    return RunningBot(application, intake, asyncio.create_task(intake.run()), store)


async def stop_bot(bot: RunningBot) -> None:
    bot.intake.stop()
    await bot.task
    await bot.application.stop()
    await bot.application.post_shutdown(bot.application)
    await bot.application.shutdown()
    await bot.store.close()


@pytest.fixture
async def running_bot(
    botapi: BotAPIStandIn, commands: Commands, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    bot = await start_bot(botapi, commands, tmp_path / "bot.sqlite3")
    yield bot
    await stop_bot(bot)
