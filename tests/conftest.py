"""Shared fixtures: the seed library, a Bot API stand-in, and the real bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.commands import Commands
from bot.config import Config, Secret
from bot.library import Library, load_library
from bot.search import FuzzyIndex
from bot.telegram.app import build_application
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


async def start_bot(botapi: BotAPIStandIn, commands: Commands) -> Application:
    """The real Application, long polling the stand-in."""
    config = Config(token=Secret(TOKEN), api_base_url=botapi.base_url)
    application = build_application(config, commands)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


async def stop_bot(application: Application) -> None:
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


@pytest.fixture
async def running_bot(botapi: BotAPIStandIn, commands: Commands) -> AsyncIterator[Application]:
    application = await start_bot(botapi, commands)
    yield application
    await stop_bot(application)
