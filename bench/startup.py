"""Start-up of the real bot on a large library: seconds from process start to the first answer.

    .venv/bin/python bench/startup.py [--speeches 4750] [--folder /tmp/startup-bench]

Adds N UN General Debate speeches (../shared/corpus/) to a fresh database through the same
code `python -m bot add` uses (binary entries in the corpus are refused, as they would be), then
starts `python -m bot run` twice against the Bot API stand-in: the first start builds and saves
the quote index, the second loads it. Each time it sends /quote and times the first answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.summary_compare import CORPUS, documents  # noqa: E402
from bot.commands import Commands  # noqa: E402
from bot.ingest import IngestError, Librarian  # noqa: E402
from bot.library import load_library  # noqa: E402
from bot.storage import Store  # noqa: E402
from tests.auxil.botapi import BotAPIStandIn  # noqa: E402


async def fill(database: Path, speeches: int) -> tuple[int, int]:
    store = await Store.open(database)
    librarian = Librarian(store, Commands(load_library(ROOT / "seeds")).shelf)
    added = refused = 0
    try:
        for title, paragraphs in documents(CORPUS / "un_general_debates_1946_2024.txt.xz"):
            text = title + "\n\n" + "\n\n".join(paragraphs)
            try:
                await librarian.add(text.encode(), f"speech-{added + refused}.txt")
                added += 1
            except IngestError:
                refused += 1
            if added == speeches:
                break
    finally:
        await store.close()
    return added, refused


async def first_answer(env: dict[str, str], api: BotAPIStandIn) -> float:
    api.calls.clear()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    api.send_text("/quote the general assembly")
    while not api.sent():  # noqa: ASYNC110  (the bot is a separate process)
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    process.send_signal(signal.SIGINT)
    await process.wait()
    api._updates.clear()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speeches", type=int, default=4750)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/startup-bench"))
    options = parser.parse_args()
    shutil.rmtree(options.folder, ignore_errors=True)
    options.folder.mkdir(parents=True)
    database = options.folder / "bot.sqlite3"
    added, refused = await fill(database, options.speeches)
    (options.folder / "config.toml").write_text(
        f'[storage]\ndatabase = "{database}"\n[library]\npath = "{ROOT / "seeds"}"\n',
        encoding="utf-8",
    )
    api = BotAPIStandIn()
    base_url = await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": "123456789:BENCH-token", "TELEGRAM_API_BASE_URL": base_url,
            "BOT_CONFIG": str(options.folder / "config.toml")}  # fmt: skip
    try:
        building = await first_answer(env, api)
        loading = await first_answer(env, api)
    finally:
        await api.stop()
    print(
        f"{added} speeches added ({refused} refused); first /quote answered {building:.1f} s "
        f"after start while building the index, {loading:.1f} s with it saved"
    )


if __name__ == "__main__":
    asyncio.run(main())
