"""End-to-end intake benchmark: messages logged per second through the real bot.

    .venv/bin/python bench/intake.py [--messages 20000] [--chats 20]

Starts a Bot API stand-in on 127.0.0.1 (the one the tests use) and the real bot as a separate
process (`python -m bot run`, its own database in a temporary folder), queues N group messages
across C chats at once, and times until every one is in the database. Prints messages per
second, lost and doubled counts (must be 0), and the database's size per million messages.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.auxil.botapi import BotAPIStandIn  # noqa: E402

TOKEN = "123456789:BENCH-token-never-real"
WORDS = (
    "Any peace is only a truce between two wars, says the Spark; the Socialist Worker answers "
    "that the working class must fight on both fronts, and Rosa is not convinced at all."
).split()


def counts(database: Path) -> tuple[int, int]:
    if not database.exists():
        return 0, 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            row = db.execute(
                "SELECT count(*), count(DISTINCT chat_id || ':' || message_id) FROM messages"
            ).fetchone()
    except sqlite3.OperationalError:
        return 0, 0
    return int(row[0]), int(row[1])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--chats", type=int, default=20)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    database = folder / "bot.sqlite3"
    (folder / "config.toml").write_text(
        f'[storage]\ndatabase = "{database}"\n[bot]\nlog_level = "WARNING"\n', encoding="utf-8"
    )
    api = BotAPIStandIn()
    base_url = await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
            "BOT_CONFIG": str(folder / "config.toml")}  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=folder, env=env, stderr=asyncio.subprocess.PIPE
    )
    chats = [-1_000_000_000 - n for n in range(options.chats)]
    for chat in chats:
        api.chat(chat, "supergroup")
    while not any(c.method == "getUpdates" for c in api.calls):  # the bot is up  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    started = time.perf_counter()
    for n in range(options.messages):
        text = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(12))
        api.send_text(f"{text} {n}", chat_id=chats[n % len(chats)], user_id=500 + n % 50)
    queued = time.perf_counter() - started
    logged = 0
    while logged < options.messages:
        await asyncio.sleep(0.05)
        logged, _ = counts(database)
        if time.perf_counter() - started > 600:
            break
    elapsed = time.perf_counter() - started
    process.send_signal(signal.SIGTERM)
    await process.communicate()
    await api.stop()
    total, distinct = counts(database)
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
    size = database.stat().st_size
    columns = "messages|chats|logged in|messages/s|lost|doubled|DB size per million messages"
    print("| " + " | ".join(columns.split("|")) + " |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {options.messages:,} | {options.chats} | {elapsed:.1f} s | "
        f"{options.messages / elapsed:,.0f} | {options.messages - distinct} | {total - distinct} | "
        f"{size / total * 1e6 / 2**20:,.0f} MiB |"
    )
    print(f"\n(queueing the updates in the stand-in took {queued:.1f} s of that)")


if __name__ == "__main__":
    asyncio.run(main())
