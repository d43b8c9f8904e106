"""The reading work, off the event loop: searching, summarising, comparing, planning.

The event loop only takes updates in, logs them and posts answers; anything that reads the
library for an answer runs here, in one of two threads, so no chat waits while another's
/summary of a book is worked out:

* the **quick** thread: /quote, inline queries, /context, /articles, plans: a few
  milliseconds each;
* the **long** thread: /summary and /compare, up to a second or two for a book.

Both read the library and its indexes under a shared lock; a change to them (an article added
or removed) takes the lock alone, so an answer never sees half an article. Changes wait for
the answers in progress, and answers asked for after a change wait for it.

Where the system forks (Linux), the long commands run in a **process** of their own, forked
from the bot with the library as it is (:meth:`Worker.fork_from`): two threads share one
interpreter lock, so a /quote beside a book's /summary waited for it at every turn (its p95 two
to five times idle, bench/loop.py); a process shares nothing. It is forked again after the
library changes, under the shared lock, so it never sees half a change. No Telegram imports.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

LONG = frozenset({"summary", "compare"})  # commands answered in the long thread
SWITCH_INTERVAL = 0.0005  # seconds a thread runs before the interpreter lets another in
FORKS = "fork" in multiprocessing.get_all_start_methods()
log = logging.getLogger(__name__)

# What a forked process answers with: the bot's commands as they were when it was forked.
_FORKED: Any = None


def _answer_in_fork(*args: Any, **kwargs: Any) -> Any:
    return _FORKED.handle(*args, **kwargs)


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
        self._commands: Any = None  # whose long answers a forked process gives (fork_from)
        self._process: ProcessPoolExecutor | None = None
        self._version = 0  # changes to the library so far
        self._forked_at = -1  # the version the process was forked at

    def fork_from(self, commands: Any) -> None:
        """Answer ``commands``' long commands in a process forked from this one, where the
        system forks."""
        self._commands = commands if FORKS else None

    def stale(self) -> None:
        """The next long answer forks a new process (after a change; benchmarks)."""
        self._version += 1

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
        if command.casefold() not in LONG:
            return await self.read(work, *args, **kwargs)
        if self._commands is not None and work == self._commands.handle:
            answer: T = await self.read_long(self._in_process, work, *args, **kwargs)
            return answer
        return await self.read_long(work, *args, **kwargs)

    def _in_process(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """In the long thread, holding the shared lock: the answer from the forked process
        (forked now if the library changed since); in this thread if the process broke."""
        global _FORKED
        if self._process is None or self._forked_at != self._version:
            if self._process is not None:
                self._process.shutdown(wait=False, cancel_futures=True)
            _FORKED = self._commands
            self._process = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._forked_at = self._version
        try:
            # The fork happens at this first submit, in this thread, with the lock held.
            return self._process.submit(_answer_in_fork, *args, **kwargs).result()
        except BrokenProcessPool:
            log.warning("The long answers' process ended; answering in a thread meanwhile")
            self._process = None
            return work(*args, **kwargs)

    def close(self) -> None:
        for pool in (self._quick, self._long, self._changes):
            pool.shutdown(wait=True, cancel_futures=True)
        if self._process is not None:
            self._process.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    async def _run(
        pool: ThreadPoolExecutor, work: Callable[..., T], *args: object, **kwargs: object
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(work, *args, **kwargs))

    def _reading(self, work: Callable[..., T]) -> Callable[..., T]:
        return _holding(self.lock.acquire_read, self.lock.release_read, work)

    def _changing(self, work: Callable[..., T]) -> Callable[..., T]:
        def change(*args: object, **kwargs: object) -> T:
            try:
                return work(*args, **kwargs)
            finally:
                self._version += 1  # the forked process has the library as it was

        return _holding(self.lock.acquire_write, self.lock.release_write, change)


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
