"""The reader's page for a 20,000-word article, from the bot (issue 18).

    .venv/bin/python bench/reader.py [--words 20000] [--messages 200000] [--runs 40]

The real bot (its Application and the reader's tornado server) against the Bot API stand-in
on 127.0.0.1, with a database whose group has discussed the article (a thread on every
paragraph, replies, quotes, unclear marks) among M logged messages of other chats. A page load is
what the Mini App asks of the bot when it opens: the page, its script and style, and the
article with the group's counts (``api/open``, initData checked, membership confirmed). Timed
on the client over loopback, so it includes the server's whole time; the first open asks
Telegram (the stand-in) for the membership, later ones find it cached. The baseline, in the same
run, is the floor: the same article JSON pre-rendered and served as a static file by tornado.
Also: the counts query alone (one indexed query) and its plan.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import lzma
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import tornado.httpserver  # noqa: E402
import tornado.web  # noqa: E402

from bot.commands import Commands  # noqa: E402
from bot.library import article_from_text, load_library  # noqa: E402
from bot.reader.initdata import sign  # noqa: E402
from bot.reader.launch import start_param  # noqa: E402
from bot.reader.page import article_view, counts_by_paragraph  # noqa: E402
from bot.storage import LoggedMessage  # noqa: E402
from tests.auxil.botapi import BotAPIStandIn  # noqa: E402
from tests.conftest import TOKEN, start_bot, stop_bot  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
GROUP = -100123


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def long_article(words: int) -> tuple[Commands, str]:
    with lzma.open(CORPUS / "kropotkin_works.txt.xz", "rt", encoding="utf-8") as corpus:
        lines = [
            ln
            for ln in corpus.read(4_000_000).split("\n")
            if ln.strip() and not ln.startswith("@@")
        ]
    body, count = [], 0
    for line in lines:
        body.append(line)
        count += len(line.split())
        if count >= words:
            break
    library = load_library(ROOT / "seeds")
    article = article_from_text(
        "A long reading\n\n" + "\n\n".join(body), Path("long.txt"), 6, {}, set()
    )
    library.add(article)
    return Commands(library), article.id


async def fill(store, article_id: str, paragraphs: int, messages: int) -> None:
    rng = random.Random(7)
    message_id = 1
    rows = []
    for n in range(1, paragraphs + 1):  # a thread on every paragraph, some replies
        root = message_id
        rows.append(
            LoggedMessage(
                GROUP,
                root,
                1_700_000_000 + n,
                None,
                "bot",
                "post",
                is_bot=True,
                opens_thread=True,
                refs=(f"{article_id} ¶{n}",),
            )
        )
        message_id += 1
        for _ in range(rng.randint(0, 6)):
            rows.append(
                LoggedMessage(
                    GROUP,
                    message_id,
                    1_700_000_000 + n,
                    500 + rng.randint(0, 30),
                    "member",
                    "a reply",
                    reply_to=root,
                )
            )
            message_id += 1
    for i in range(messages):  # other chats' discussion
        rows.append(LoggedMessage(-100000 - i % 50, message_id, 1_700_000_000 + i, 600, "m", "x"))
        message_id += 1
    for row in rows:
        await store.log_message(row)
    for n in range(1, paragraphs + 1, 3):
        await store.record_pull(GROUP, 10_000_000 + n, f"{article_id} ¶{n}", 501, "Rosa", "quote")
        await store.mark_unclear(GROUP, f"{article_id} ¶{n}", 502)
    await store.commit()


async def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--words", type=int, default=20_000)
    options.add_argument("--messages", type=int, default=200_000)
    options.add_argument("--runs", type=int, default=40)
    args = options.parse_args()
    commands, article_id = long_article(args.words)
    article = commands.library.get(article_id)
    assert article is not None
    botapi = BotAPIStandIn()
    botapi.base_url = await botapi.start()
    botapi.chat(GROUP, "supergroup")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        bot = await start_bot(
            botapi,
            commands,
            Path(folder) / "bot.sqlite3",
            reader_url="https://reader.example.org/reader/",
            reader_port=port,
        )
        started = time.perf_counter()
        await fill(bot.store, article_id, len(article.paragraphs), args.messages)
        filled = time.perf_counter() - started
        data = sign(
            {
                "user": json.dumps({"id": 501, "first_name": "Rosa"}),
                "auth_date": str(int(time.time())),
                "start_param": start_param(GROUP, article_id),
            },
            TOKEN,
        )
        static_folder = Path(folder) / "static"
        static_folder.mkdir()
        view = article_view(
            article, counts_by_paragraph(await bot.store.discussion_counts(GROUP, article_id))
        )
        (static_folder / "article.json").write_text(json.dumps(view, ensure_ascii=False))
        floor_port = free_port()
        floor = tornado.httpserver.HTTPServer(
            tornado.web.Application(
                [(r"/(.*)", tornado.web.StaticFileHandler, {"path": str(static_folder)})]
            )
        )
        floor.listen(floor_port, "127.0.0.1")
        headers = {"Authorization": f"tma {data}"}
        loads, floors, counts_times, sizes = [], [], [], 0
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{port}/reader/"

            async def load() -> float:
                nonlocal sizes
                begun = time.perf_counter()
                for path in ("", "static/reader.js", "static/reader.css"):
                    async with http.get(base + path) as response:
                        await response.read()
                async with http.post(base + "api/open", json={}, headers=headers) as response:
                    body = await response.read()
                    assert response.status == 200, body[:200]
                    sizes = len(body)
                return time.perf_counter() - begun

            first = await load()
            for _ in range(args.runs):
                loads.append(await load())
                begun = time.perf_counter()
                async with http.get(f"http://127.0.0.1:{floor_port}/article.json") as response:
                    await response.read()
                floors.append(time.perf_counter() - begun)
                begun = time.perf_counter()
                await bot.store.discussion_counts(GROUP, article_id)
                counts_times.append(time.perf_counter() - begun)
        async with (
            bot.store._read() as db,
            db.execute(
                "EXPLAIN QUERY PLAN SELECT ref, count(*) FROM post_refs WHERE chat_id IN (?) "
                "AND ref >= ? AND ref < ? GROUP BY ref",
                (GROUP, f"{article_id} ¶", f"{article_id} ·"),
            ) as cursor,
        ):
            plan = " / ".join(str(r[-1]) for r in await cursor.fetchall())
        floor.stop()
        await stop_bot(bot)
    await botapi.stop()
    ms = 1000
    print(
        f"Article: {article.words:,} words in {len(article.paragraphs)} paragraphs; log filled "
        f"with {args.messages:,} other messages in {filled:.1f} s; "
        f"api/open answer {sizes / 1024:.0f} KiB"
    )
    print("| what | runs | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    print(f"| first page load (membership asked of Telegram) | 1 | {first * ms:.1f} ms | | |")
    for name, values in (
        ("page load, membership cached (page, script, style, api/open)", loads),
        ("baseline: the same article JSON as a static file", floors),
        ("the counts query alone", counts_times),
    ):
        print(
            f"| {name} | {len(values)} | {statistics.median(values) * ms:.1f} ms | "
            f"{p95(values) * ms:.1f} ms | {max(values) * ms:.1f} ms |"
        )
    print(f"\nRatio of p95 page load to the static floor: {p95(loads) / p95(floors):.1f}x")
    print(f"Counts query plan (threads part): {plan}")


if __name__ == "__main__":
    asyncio.run(main())
