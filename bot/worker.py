"""The reading work, off the event loop: searching, summarising, comparing, planning.

The event loop only takes updates in, logs them and posts answers; anything that reads the
library for an answer runs here, in one of two threads, so no chat waits while another's
/summary of a book is worked out:

* the **quick** thread: /quote, inline queries, /context, /articles, plans: a few
  milliseconds each;
* the **long** thread: /summary and /compare, up to a second for a book.

Both read the library and its indexes under a shared lock; a change to them (an article added
or removed) takes the lock alone, so an answer never sees half an article. Changes wait for
the answers in progress, and answers asked for after a change wait for it. No Telegram
imports.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

LONG = frozenset({"summary", "compare"})  # commands answered in the long thread
SWITCH_INTERVAL = 0.0005  # seconds a thread runs before the interpreter lets another in


class SharedLock:
    """Many readers at once, or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._state = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @property
    def writer_waiting(self) -> bool:
        with self._state:
            return bool(self._writers_waiting)

    def acquire_read(self) -> None:
        with self._state:
            self._state.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1

    def release_read(self) -> None:
        with self._state:
            self._readers -= 1
            if not self._readers:
                self._state.notify_all()

    def acquire_write(self) -> None:
        with self._state:
            self._writers_waiting += 1
            self._state.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True

    def release_write(self) -> None:
        with self._state:
            self._writing = False
            self._state.notify_all()


class Worker:
    """Runs reading work in its threads and changes to the library between answers."""

    def __init__(self) -> None:
        # The two threads share one interpreter, which runs one of them at a time and lets the
        # other in every 5 ms by default: a /quote beside a book's /summary then waited up to
        # that long at every turn (its p95 4x idle). Turns of half a millisecond bring it to
        # about 2x (bench/loop.py), at a cost too small to measure here.
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._quick = ThreadPoolExecutor(1, thread_name_prefix="reading-quick")
        self._long = ThreadPoolExecutor(1, thread_name_prefix="reading-long")
        self._changes = ThreadPoolExecutor(1, thread_name_prefix="library-change")
        self.lock = SharedLock()

    async def read(
        self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:  # fmt: skip
        """``work(*args)`` in the quick thread, reading a consistent library."""
        return await self._run(self._quick, self._reading(work), *args, **kwargs)

    async def read_long(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args)`` in the long thread (summaries and comparisons)."""
        return await self._run(self._long, self._reading(work), *args, **kwargs)

    async def change(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args)`` alone: no answer reads the library meanwhile."""
        return await self._run(self._changes, self._changing(work), *args, **kwargs)

    async def command(self, command: str, work: Callable[P, T], *args: P.args,
                      **kwargs: P.kwargs) -> T:  # fmt: skip
        """A command's answer, in the thread its kind of work goes to."""
        run = self.read_long if command.casefold() in LONG else self.read
        return await run(work, *args, **kwargs)

    def close(self) -> None:
        for pool in (self._quick, self._long, self._changes):
            pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    async def _run(
        pool: ThreadPoolExecutor, work: Callable[..., T], *args: object, **kwargs: object
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(work, *args, **kwargs))

    def _reading(self, work: Callable[..., T]) -> Callable[..., T]:
        return _holding(self.lock.acquire_read, self.lock.release_read, work)

    def _changing(self, work: Callable[..., T]) -> Callable[..., T]:
        return _holding(self.lock.acquire_write, self.lock.release_write, work)


def _holding(
    acquire: Callable[[], None], release: Callable[[], None], work: Callable[..., T]
) -> Callable[..., T]:
    """``work``, run with a lock held."""

    def run(*args: object, **kwargs: object) -> T:
        acquire()
        try:
            return work(*args, **kwargs)
        finally:
            release()

    return run
