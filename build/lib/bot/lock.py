"""One bot per database: an exclusive lock on a file beside it, held while the bot runs.

Two instances on one database would both poll Telegram (which answers the second with 409
Conflict) and both write the log. The lock is an advisory ``flock`` on ``<database>.lock``, so
it is released by the kernel when the process ends, however it ends: a crash or ``kill -9``
never leaves a stale lock behind. The file records who holds it, for the message the next
instance shows.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class AlreadyRunning(Exception):
    """Another process holds the database."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class InstanceLock:
    """``with InstanceLock(database):`` — raises :class:`AlreadyRunning` if it is taken."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    def __enter__(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise AlreadyRunning(
                f"another instance is using {self.path.with_suffix('')} ({holder}); stop it "
                "first: Telegram lets only one bot poll a token, and one process writes the log"
            ) from None
        os.ftruncate(fd, 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.write(fd, f"pid {os.getpid()}, started {started}\n".encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_running(database: Path) -> str | None:
    """Who holds the database's lock, or None if nobody does."""
    try:
        with InstanceLock(database):
            return None
    except AlreadyRunning as exc:
        return str(exc)
