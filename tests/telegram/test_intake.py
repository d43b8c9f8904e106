"""Durable intake: nothing lost or doubled across crashes, and chats never hold each other up."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys

from tests.auxil.botapi import BotAPIStandIn
from tests.conftest import TOKEN

GROUP = -100777


async def test_a_group_at_its_rate_limit_does_not_hold_up_a_private_chat(botapi, running_bot):
    # Telegram's minute, shortened to 4 s on both sides so the test need not wait a minute.
    botapi.group_posts = (20, 4.0)
    running_bot.application.bot.rate_limiter.group_limit = (20, 4.0)
    botapi.chat(GROUP, "supergroup")
    for n in range(21):  # one over Telegram's ~20 messages a minute into a group
        botapi.send_text(
            f"/quote@ReadingGroupBot stab in the back {n}", chat_id=GROUP, user_id=1000 + n
        )  # members of a busy group, none of them flooding
    await botapi.wait_for_messages(20, GROUP)
    botapi.send_text("/help")  # a private chat, while the group's 21st reply waits its turn
    await botapi.wait_for_messages(1, 42)
    assert len(botapi.sent(GROUP)) == 20  # answered before the group's delayed 21st reply
    await botapi.wait_for_messages(21, GROUP)  # the group's last reply still arrives
    asked = [c.params["reply_parameters"]["message_id"] for c in botapi.sent(GROUP)]
    assert asked == sorted(asked)  # and in the order the group asked
    assert not botapi.too_many()  # the bot waited its turn rather than earn a 429


async def test_updates_are_stored_before_telegram_is_told_they_arrived(
    botapi, running_bot, tmp_path
):
    """Each getUpdates offset confirms updates already committed to the database."""
    database = tmp_path / "bot.sqlite3"
    checks: list[tuple[int, list[int]]] = []

    def check(offset: int) -> None:  # runs inside the stand-in as the bot confirms
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            stored = [r[0] for r in db.execute("SELECT update_id FROM inbox")]
            kept = db.execute("SELECT max(value) FROM state").fetchone()[0]
        checks.append((offset, [kept, *stored]))

    botapi.offset_hook = check
    botapi.chat(GROUP, "supergroup")
    for n in range(30):
        botapi.send_text(f"message {n}", chat_id=GROUP)
    while len(checks) < 2 or checks[-1][0] <= 30:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for offset, known in checks:
        assert max(known) >= offset - 1  # everything before the offset is in the database


def _bot_process(env: dict[str, str]) -> asyncio.subprocess.Process:
    return asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=env["BOT_CONFIG"].rsplit("/", 1)[0], env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_kill_9_mid_flood_loses_nothing_and_doubles_nothing(tmp_path):
    """A real bot process, killed with SIGKILL twice while members flood the group."""
    api = BotAPIStandIn()
    base_url = await api.start()
    database = tmp_path / "bot.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url, "BOT_CONFIG": str(config)}  # fmt: skip
    api.chat(GROUP, "supergroup")
    rng = random.Random(11)
    expected: list[int] = []

    def flood(count: int) -> None:
        for _ in range(count):
            n = len(expected)
            text = (
                f"/quote@ReadingGroupBot stab in the back {n}" if n % 400 == 0 else f"message {n}"
            )
            expected.append(api.send_text(text, chat_id=GROUP, user_id=500 + n % 7)["message_id"])

    def served() -> int:
        return sum(1 for c in api.calls if c.method == "getUpdates")

    def logged() -> tuple[int, int]:
        """(messages logged, updates stored) as the bot's database shows them right now."""
        if not database.exists():
            return 0, 0
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            try:
                counts = db.execute(
                    "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM inbox)"
                ).fetchone()
            except sqlite3.OperationalError:  # the schema is still being made
                return 0, 0
        return counts

    in_flight = []
    try:
        for _round in range(2):  # flood, then kill -9 while the bot is half-way through; twice
            process = await _bot_process(env)
            start = logged()[0]
            flood(1000)
            target = start + rng.randint(50, 600)
            while logged()[0] < target:  # noqa: ASYNC110  (polling another process's database)
                await asyncio.sleep(0.005)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            in_flight.append((logged(), len(expected)))
        process = await _bot_process(env)  # the last run finishes the work
        flood(50)
        last_update = max(u["update_id"] for u in api._updates) if api._updates else 0
        for _ in range(600):
            offsets = [int(c.params.get("offset") or 0) for c in api.calls if c.method == "getUpdates"]  # fmt: skip
            if max(offsets, default=0) > last_update:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()[-2000:]
    finally:
        await api.stop()

    with sqlite3.connect(database) as db:
        member_ids = [r[0] for r in db.execute(
            "SELECT message_id FROM messages WHERE chat_id = ? AND is_bot = 0 ORDER BY message_id",
            (GROUP,),
        )]  # fmt: skip
        pending = db.execute("SELECT count(*) FROM inbox WHERE done = 0").fetchone()[0]
        versions = db.execute("SELECT count(*) FROM message_versions").fetchone()[0]
        messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    # Each kill came with work in flight: messages sent but not yet logged.
    assert all(messages < sent for (messages, _), sent in in_flight), in_flight
    assert len(expected) == 2050
    assert member_ids == sorted(expected)  # every message logged, none twice
    assert pending == 0
    assert versions == 0  # replays never pass for edits
    commands = len(range(0, len(expected), 400))
    assert messages - len(expected) >= commands  # every /quote answered (a reply in flight at a
    # kill may be sent again after the restart: answers are at least once, the log exactly once)
