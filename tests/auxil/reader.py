"""The reader's tests' common parts: a member's signed sign-in, the running bot with its reader
on, and a week of discussion in the group."""

from __future__ import annotations

import json
import socket
import time

import aiohttp
import pytest

from bot.reader.initdata import sign
from tests.conftest import TOKEN, start_bot, stop_bot

GROUP = -100777
ELSEWHERE = -100888  # a group the bot is in, and Rosa is not
ROSA, KARL = 501, 502
READER_URL = "https://reader.example.org/reader/"
ARTICLE = "putin-v-prigozhin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def init_data(user_id: int = ROSA, param: str = "", *, age: int = 0, token: str = TOKEN) -> str:
    fields = {
        "user": json.dumps({"id": user_id, "first_name": "Rosa" if user_id == ROSA else "Karl"}),
        "auth_date": str(int(time.time()) - age),
        "chat_instance": "-4242",
        "chat_type": "supergroup",
    }
    if param:
        fields["start_param"] = param
    return sign(fields, token)


@pytest.fixture
async def reader(botapi, commands, tmp_path):
    port = free_port()
    bot = await start_bot(
        botapi, commands, tmp_path / "bot.sqlite3", reader_url=READER_URL, reader_app="read",
        reader_port=port,
    )  # fmt: skip
    botapi.chat(GROUP, "supergroup")
    botapi.chat(ELSEWHERE, "supergroup", title="Another group")
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        yield bot, http
    await stop_bot(bot)


async def call(http, what: str, data: str, body: dict | None = None) -> tuple[int, dict]:
    async with http.post(
        f"/reader/api/{what}", json=body or {}, headers={"Authorization": f"tma {data}"}
    ) as response:
        return response.status, await response.json()


async def discussed(botapi, bot) -> None:
    """A week in the group: a thread on ¶7 with a reply, a quote of ¶11, ¶7 marked unclear."""
    botapi.send_text(f"/discuss@ReadingGroupBot {ARTICLE} 7", chat_id=GROUP, kind="supergroup")
    (opening,) = await botapi.wait_for_messages(1, GROUP)
    botapi.send_text("He means the mutiny was a symptom", chat_id=GROUP, user_id=KARL,
                     first_name="Karl", reply_to=opening.result)  # fmt: skip
    botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP)
    botapi.send_text(f"/unclear@ReadingGroupBot {ARTICLE} 7", chat_id=GROUP)
    await botapi.wait_for_messages(3, GROUP)
    await bot.intake.drain()
