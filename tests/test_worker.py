"""The reading worker: no answer waits for another chat's long one, and no answer reads the
library in the middle of a change."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.worker import Worker


async def test_a_quote_is_answered_while_a_summary_still_runs(commands):
    worker = Worker()
    release = threading.Event()
    try:

        def slow_summary() -> str:
            release.wait(10)
            return commands.handle("summary", "2").text()

        summary = asyncio.ensure_future(worker.command("summary", slow_summary))
        quote = await asyncio.wait_for(
            worker.command("quote", commands.handle, "quote", "any peace is only a truce"), 10
        )
        assert "truce" in quote.text()
        assert not summary.done()  # the long answer is still being worked out
        release.set()
        assert "Summary" in await summary
    finally:
        release.set()
        worker.close()


async def test_a_change_waits_for_answers_in_progress_and_later_answers_wait_for_it():
    worker = Worker()
    reading, release = threading.Event(), threading.Event()
    order: list[str] = []
    try:

        def answer() -> None:
            reading.set()
            release.wait(10)
            order.append("answer")

        def change() -> None:
            order.append("change")

        def later() -> None:
            order.append("later")

        first = asyncio.ensure_future(worker.read_long(answer))
        await asyncio.to_thread(reading.wait, 10)
        changing = asyncio.ensure_future(worker.change(change))
        async with asyncio.timeout(10):  # until the change waits for the answer to finish
            while not worker.lock.writer_waiting:  # noqa: ASYNC110 - a thread's state
                await asyncio.sleep(0.01)
        after = asyncio.ensure_future(worker.read(later))
        await asyncio.sleep(0.05)
        assert order == []  # the later answer waits behind the waiting change
        release.set()
        await asyncio.gather(first, changing, after)
        assert order == ["answer", "change", "later"]
    finally:
        release.set()
        worker.close()


async def test_long_answers_come_from_a_forked_process_that_sees_every_change(library, tmp_path):
    import os

    from bot.commands import Commands
    from bot.library import article_from_text, load_library
    from bot.search import FuzzyIndex
    from bot.worker import FORKS
    from tests.conftest import SEEDS

    if not FORKS:
        pytest.skip("this system does not fork: long answers stay in the long thread")
    own = load_library(SEEDS)
    commands = Commands(own, FuzzyIndex(own))
    worker = Worker()
    worker.fork_from(commands)
    commands.shelf.worker = worker
    try:
        summary = await worker.command("summary", commands.handle, "summary", "2")
        assert "Summary" in summary.text()
        pids = {p.pid for p in worker._process._processes.values()}
        assert os.getpid() not in pids  # it was worked out in another process
        text = "A new pamphlet\n\n" + "\n\n".join(
            f"Paragraph {n}: the workers must organise against the war, for only they can end it."
            for n in range(12)
        )
        await commands.shelf.add(article_from_text(text, tmp_path / "new.txt", 6, {}, set()))
        summary = await worker.command("summary", commands.handle, "summary", "A new pamphlet")
        assert summary.text().startswith("A new pamphlet")  # the new process has it
    finally:
        worker.close()
