"""The event loop under load: a book's /summary beside other chats' /quote, and periodic work
on a large database.

    .venv/bin/python bench/loop.py [--articles 3000] [--messages 1000000] [--folder /tmp/loop-bench]
        [--part one|terms|two|both] [--speeches 3000]

Part 1, no chat waits on another: the seeds plus a 2 MB text (Kropotkin's works from
../shared/corpus/, read in place) as one article. Its /summary is timed, with the memory it adds
(peak RSS before and after). Then /quote answers through the worker (bot/worker.py), as the
Telegram layer sends them, are timed on the event loop: idle, and while /summary of the book
runs again and again in the worker's long thread. The baseline is the same work on the event
loop's own thread, as before the worker: a /quote waits for the whole summary.

Part "terms", the term index counted in the background after a start (as Shelf.warm_up does:
a thread, beside the worker's): a library of N UN General Debate speeches (their first 8
paragraphs each); /quote answers through the worker, timed idle and while the term index is
built again and again in its thread; and the longest the build kept another thread waiting for
the interpreter (a thread asking for it every millisecond: how late it got it), against the
same probe with nothing else running (the machine's own noise).

Part 2, periodic work: a database with N added articles and M logged messages. Timed: the
10-second library sync when nothing changed (against reading every article, as it did), a
member's recent chat (inline suggestions), the hourly retention sweep when nothing is due,
the reading plan at N articles (against the plan as it was counted), the CPU an idle minute
costs, and the p95 of logging a message while the sync runs.
"""

from __future__ import annotations

import argparse
import asyncio
import lzma
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.commands import Commands  # noqa: E402
from bot.ingest import Librarian, stored_changes  # noqa: E402
from bot.library import Article, Library, Paragraph, article_from_text, load_library  # noqa: E402
from bot.readings import plan_readings, split_article  # noqa: E402
from bot.storage import LoggedMessage, Store  # noqa: E402
from bot.terms import TermIndex  # noqa: E402
from bot.text import sentence_spans  # noqa: E402
from bot.worker import Worker  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
QUOTES = [
    "any peace is only a truce between two wars",
    "the stab in the back",
    "russia was an imperialist power in its own right",
    "only class war can end this madness",
    "the world is reverting to multi polarity",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def book_commands() -> tuple[Commands, str]:
    with lzma.open(CORPUS / "kropotkin_works.txt.xz", "rt", encoding="utf-8") as corpus:
        text = corpus.read()
    body = "\n\n".join(
        line for line in text.split("\n") if line.strip() and not line.startswith("@@")
    )[:2_000_000]
    library = load_library(ROOT / "seeds")
    book = article_from_text("Collected works\n\n" + body, Path("book.txt"), 6, {}, set())
    library.add(book)
    return Commands(library), book.id


async def part_one() -> list[str]:
    commands, book = book_commands()
    before = peak_mb()
    started = time.perf_counter()
    commands.handle("summary", book)
    summary_s = time.perf_counter() - started
    extra = peak_mb() - before

    async def under_load(worker: Worker, forked: bool) -> tuple[list[float], list[float], int]:
        async def quotes(count: int) -> list[float]:
            times = []
            for n in range(count):
                started = time.perf_counter()
                await worker.command("quote", commands.handle, "quote", QUOTES[n % len(QUOTES)])
                times.append((time.perf_counter() - started) * 1000)
            return times

        idle = await quotes(200)
        stop = asyncio.Event()

        async def summaries() -> int:
            done = 0
            while not stop.is_set():
                # Each one ranked afresh, as for another book (a summary asked again is kept):
                # in the thread, its kept ranking dropped; forked, a new process each time.
                commands.terms.ranks.pop(book, None)
                if forked:
                    worker.stale()
                await worker.command("summary", commands.handle, "summary", book)
                done += 1
            return done

        running = asyncio.create_task(summaries())
        await asyncio.sleep(0.05)
        busy = await quotes(200)
        stop.set()
        ran = await running
        worker.close()
        return idle, busy, ran

    rows = []
    for forked in (False, True):
        worker = Worker()
        if forked:
            worker.fork_from(commands)
        idle, busy, ran = await under_load(worker, forked)
        where = "a forked process (the bot's way)" if forked else "the long thread (before)"
        rows += [
            f"| /quote p50 / p95, idle, through the worker | {statistics.median(idle):.1f} / "
            f"{p95(idle):.1f} ms |",
            f"| /quote p50 / p95 while /summary of the book runs in {where} ({ran} summaries) "
            f"| {statistics.median(busy):.1f} / {p95(busy):.1f} ms |",
            f"| ratio of the p95s, summary in {where} | {p95(busy) / p95(idle):.2f} |",
        ]
    # Baseline: the summary on the loop's own thread, a quote asked meanwhile waits for it.
    commands.terms.ranks.pop(book, None)
    started = time.perf_counter()
    commands.handle("summary", book)
    commands.handle("quote", QUOTES[0])
    inline_wait = (time.perf_counter() - started) * 1000
    return [
        "| measure | value |",
        "|---|---|",
        f"| /summary of the 2 MB book (12,299 sentences) | {summary_s:.2f} s |",
        f"| memory it adds (peak RSS) | {extra:.0f} MB |",
        *rows,
        f"| baseline: a /quote asked during the summary on the loop's thread | "
        f"{inline_wait:.0f} ms |",
    ]


def speeches(count: int) -> Library:
    """The first ``count`` UN General Debate speeches, their first 8 paragraphs each."""
    found: list[Article] = []
    title, paragraphs = "", list[str]()

    def add() -> None:
        article = Article(f"s{len(found) + 1}", len(found) + 1, CORPUS, title)
        article.paragraphs = [
            Paragraph(n, text, tuple(sentence_spans(text)))
            for n, text in enumerate(paragraphs[:8], 1)
        ]
        found.append(article)

    with lzma.open(CORPUS / "un_general_debates_1946_2024.txt.xz", "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("@@DOC "):
                if paragraphs:
                    add()
                    if len(found) == count:
                        break
                title, paragraphs = line[6:].partition("\t")[2], []
            elif line:
                paragraphs.append(line)
    return Library(found, CORPUS)


def waits_for_the_interpreter(seconds: float, busy: threading.Event | None = None) -> list[float]:
    """How late a thread that asks for the interpreter every millisecond gets it (ms), for
    ``seconds`` or while ``busy`` is set: the longest is the longest another thread held it."""
    late = []
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends if busy is None else busy.is_set():
        started = time.perf_counter()
        time.sleep(0.001)
        late.append((time.perf_counter() - started - 0.001) * 1000)
    return late


async def part_terms(count: int) -> list[str]:
    rng = random.Random(7)
    library = speeches(count)
    started = time.perf_counter()
    commands = Commands(library, defer_terms=True)  # as the bot starts: /quote at once
    index_s = time.perf_counter() - started
    sentences = [
        p.text[a:b]
        for article in rng.sample(library.articles, 200)
        for p in article.paragraphs[:1]
        for a, b in p.sentences[:1]
    ]
    asked = []
    for text in sentences:  # misremembered: a word dropped, eight to twelve words
        words = text.split()[: rng.randint(8, 12)]
        if len(words) > 4:
            del words[rng.randrange(len(words))]
        asked.append(" ".join(words))
    worker = Worker()  # (sets the interpreter's switch interval, as in the bot)

    async def quotes() -> list[float]:
        times = []
        for text in asked:
            started = time.perf_counter()
            await worker.command("quote", commands.handle, "quote", text)
            times.append((time.perf_counter() - started) * 1000)
        return times

    await quotes()  # warm
    idle = await quotes()
    building = threading.Event()
    builds: list[tuple[float, float]] = []
    kept: list[TermIndex] = []  # as the bot keeps its index (one dropped is freed at once)

    def build() -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        kept.append(TermIndex(Library(list(library.articles), library.folder)))
        builds.append((time.perf_counter() - wall, time.thread_time() - cpu))

    async def build_while(done: asyncio.Event) -> None:
        building.set()
        while not done.is_set():
            await asyncio.to_thread(build)
        building.clear()

    done = asyncio.Event()
    running = asyncio.create_task(build_while(done))
    await asyncio.sleep(0.5)
    busy = await quotes()
    done.set()
    await running
    # The probe alone, then beside one build (no quotes asked meanwhile).
    alone = await asyncio.to_thread(waits_for_the_interpreter, 10.0)
    building.set()
    probe = asyncio.create_task(asyncio.to_thread(waits_for_the_interpreter, 0, building))
    await asyncio.to_thread(build)
    building.clear()
    beside = await probe
    worker.close()
    kept.clear()
    wall, cpu = builds[-1]

    def q(values: list[float], share: float) -> float:
        return sorted(values)[int(share * (len(values) - 1))]

    return [
        f"Library: {count:,} speeches ({sum(len(a.paragraphs) for a in library.articles):,} "
        f"paragraphs); quote index built in {index_s:.1f} s; the term index in {wall:.1f} s "
        f"({cpu:.1f} s of its thread's CPU), {len(builds)} builds while the quotes ran.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| /quote p50 / p95, idle, through the worker | {statistics.median(idle):.1f} / "
        f"{p95(idle):.1f} ms |",
        f"| /quote p50 / p95 while the term index builds in its thread | "
        f"{statistics.median(busy):.1f} / {p95(busy):.1f} ms |",
        f"| ratio of the p95s | {p95(busy) / p95(idle):.2f} |",
        f"| a thread's wait for the interpreter, p99 / longest, nothing else running | "
        f"{q(alone, 0.99):.1f} / {max(alone):.1f} ms |",
        f"| the same beside the build ({len(beside):,} waits) | {q(beside, 0.99):.1f} / "
        f"{max(beside):.1f} ms |",
    ]


async def fill(folder: Path, articles: int, messages: int) -> Path:
    database = folder / "bot.sqlite3"
    store = await Store.open(database)
    words = "the workers of the world unite against war and for the common good of all".split()
    rng = random.Random(7)
    for n in range(articles):
        paragraphs = [" ".join(rng.choices(words, k=60)) + "." for _ in range(20)]
        text = f"Article {n}\n\n" + "\n\n".join(paragraphs)
        await store.save_article(f"article-{n}", f"a{n}.txt", text, f"print{n}",
                                 (f"Article {n}", "", "", ""), None)  # fmt: skip
    await store.close()
    db = sqlite3.connect(database)
    now = int(time.time())
    rows = (
        (-1000 - n % 40, n, now - 86400 * 30 + n, 5000 + n % 500, "Member", "a message " * 8)
        for n in range(messages)
    )
    db.executemany(
        "INSERT INTO messages (chat_id, message_id, date, sender_id, sender_name, text) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    db.close()
    return database


async def part_two(folder: Path, articles: int, messages: int) -> list[str]:
    started = time.perf_counter()
    database = await fill(folder, articles, messages)
    filled = time.perf_counter() - started
    store = await Store.open(database)
    commands = Commands(load_library(ROOT / "seeds"))
    librarian = Librarian(store, commands.shelf)
    await librarian.sync()  # the first look reads them all (as at every start)
    library = commands.library

    async def timed(work, repeat: int = 5) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            await work()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    sync_ms = await timed(librarian.sync, 20)
    full_ms = await timed(lambda: stored_changes(store, library))
    recent_ms = await timed(lambda: store.recent_chat_of(5123), 20)
    sweep_ms = await timed(lambda: store.purge(int(time.time()) - 365 * 86400))
    order = [a.id for a in library.articles]

    async def plan() -> None:
        plan_readings(library, order, 5)

    async def plan_before() -> None:  # as it was: the order scanned per article, sizes recounted
        ids = [a for a in order if library.get(a)]
        ids += [a.id for a in library.articles if a.id not in ids]
        for article_id in ids:
            article = library.get(article_id)
            assert article is not None
            article.__dict__.pop("sizes", None)
            split_article(article, 5)

    plan_ms = await timed(plan)
    plan_before_ms = await timed(plan_before)
    cpu = time.process_time()
    for _ in range(6):  # a minute of syncs; the retention sweep runs once an hour
        await librarian.sync()
    idle_cpu_ms = (time.process_time() - cpu) * 1000
    logged: list[float] = []

    async def syncing() -> None:
        for _ in range(50):
            await librarian.sync()
            await asyncio.sleep(0)

    background = asyncio.create_task(syncing())
    for n in range(300):
        started = time.perf_counter()
        await store.log_message(
            LoggedMessage(-1001, 10_000_000 + n, int(time.time()), 5001, "Member", "hello")
        )
        logged.append((time.perf_counter() - started) * 1000)
    await background
    await store.close()
    recent_before, sweep_before = without_indexes(database, folder / "before.sqlite3")
    return [
        f"Database: {articles:,} added articles, {messages:,} logged messages (filled in "
        f"{filled:.0f} s).",
        "",
        "| periodic work | now | before |",
        "|---|---|---|",
        f"| library sync, nothing changed | {sync_ms:.2f} ms | {full_ms:.0f} ms (every article "
        "read) |",
        f"| a member's recent chat (inline) | {recent_ms:.2f} ms | {recent_before:.0f} ms |",
        f"| retention sweep, nothing due | {sweep_ms:.1f} ms | {sweep_before:.0f} ms (its "
        "messages query) |",
        f"| reading plan of {articles + 5:,} articles | {plan_ms:.0f} ms | "
        f"{plan_before_ms:.0f} ms |",
        f"| CPU of an idle minute (6 syncs) | {idle_cpu_ms:.1f} ms | |",
        f"| logging a message, p95, while syncs run | {p95(logged):.2f} ms | |",
    ]


def without_indexes(database: Path, copy: Path) -> tuple[float, float]:
    """The old queries on a copy without migration 13's indexes (ms, median of 5)."""
    shutil.copy(database, copy)
    db = sqlite3.connect(copy)
    for index in ("messages_by_sender", "messages_by_age", "pulls_by_user"):
        db.execute(f"DROP INDEX {index}")

    def timed(sql: str, arguments: tuple) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            db.execute(sql, arguments).fetchall()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    recent = timed(
        "SELECT chat_id FROM (SELECT chat_id, date AS at FROM messages WHERE sender_id = ? "
        "UNION ALL SELECT chat_id, at FROM pulls WHERE user_id = ?) ORDER BY at DESC LIMIT 1",
        (5123, 5123),
    )
    sweep = timed(
        "SELECT chat_id, message_id FROM messages WHERE date < ?",
        (int(time.time()) - 365 * 86400,),
    )
    db.close()
    return recent, sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--folder", default="/tmp/loop-bench")
    parser.add_argument("--part", choices=["one", "terms", "two", "both"], default="both")
    parser.add_argument("--speeches", type=int, default=3000)
    options = parser.parse_args()
    folder = Path(options.folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = []
    if options.part in ("one", "both"):
        lines += ["### No chat waits on another", "", *asyncio.run(part_one()), ""]
    if options.part in ("terms", "both"):
        counted = asyncio.run(part_terms(options.speeches))
        lines += ["### The term index counted beside /quote", "", *counted, ""]
    if options.part in ("two", "both"):
        periodic = asyncio.run(part_two(folder, options.articles, options.messages))
        lines += ["### Periodic work", "", *periodic]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
