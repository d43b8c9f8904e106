"""One bot per database: an exclusive lock on the database file itself, held while the bot runs.

Two instances on one database would both poll Telegram (which answers the second with 409
Conflict) and both write the log; reached through two names of one file (a hard link), SQLite
would even keep two write-ahead logs for it, and messages would be silently lost. So the lock is
an advisory ``flock`` on the database file: it belongs to the file, not to a name, and conflicts
however the file is reached — another path, a symlink, a hard link. The kernel releases it when
the process ends, however it ends: a crash or ``kill -9`` never leaves a stale lock behind. A
missing database is created empty to be locked (an empty file is a valid empty SQLite database),
and removed again if nothing was written to it.

``<database>.lock`` beside it is only a note of who holds it (pid and start time); deleting it
changes nothing. A refused instance names the holder from ``/proc/locks`` (by the file's inode,
whatever name the holder used) or, failing that, from the note.

**The descriptor rule.** SQLite locks the database with ``fcntl()`` record locks, and closing
*any* descriptor of a file drops every ``fcntl`` lock the process holds on it. ``flock`` locks
are separate, but closing the lock's descriptor would still drop the locks of any SQLite
connection to the database open in the same process. Therefore:

- :class:`InstanceLock` is entered before any SQLite connection to the database is opened and
  left only after all are closed (``run`` and ``restore`` wrap the whole of their work in it);
- :func:`is_running` opens and closes a descriptor of the database: never call it while this
  process has the database open (``check`` closes its connections first).

Not for NFS: there Linux turns ``flock`` into an ``fcntl`` lock, which SQLite's own would
replace (and SQLite's write-ahead log needs one machine's shared memory anyway).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from bot.writable import NotWritable, explain, probe_folder

RETRY_FOR = 0.5  # seconds: `is_running` holds a shared lock for an instant; a bot holds it for good


class AlreadyRunning(Exception):
    """Another process holds the database."""


def lock_path(database: Path) -> Path:
    """The note of who holds the lock (the lock itself is on the database file)."""
    return database.with_name(database.name + ".lock")


def _refusal(database: Path, holder: str) -> AlreadyRunning:
    return AlreadyRunning(
        f"another instance is using {database} ({holder}); stop it first: Telegram lets only "
        "one bot poll a token, and one process writes the log"
    )


class InstanceLock:
    """``with InstanceLock(database):`` — raises :class:`AlreadyRunning` if it is taken, and
    :class:`~bot.writable.NotWritable` if the bot cannot write the database or its folder."""

    def __init__(self, database: Path) -> None:
        self.database = Path(database)
        self.note = lock_path(self.database)
        self._fd: int | None = None
        self._created = False

    def __enter__(self) -> InstanceLock:
        folder = self.database.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotWritable(explain(Path(os.fsdecode(exc.filename or folder)), exc)) from None
        deadline = time.monotonic() + RETRY_FOR
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() < deadline:
                    os.close(fd)
                    time.sleep(0.05)
                    continue
                holder = _holder(fd, self.database)
                os.close(fd)
                raise _refusal(self.database, holder) from None
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, self.database):
                break
            os.close(fd)  # replaced meanwhile (a restore): lock the file now at that name
        self._fd = fd
        try:
            probe_folder(folder)
            self._write_note()
        except OSError as exc:
            self._release()
            raise NotWritable(explain(folder, exc)) from None
        return self

    def _open(self) -> int:
        """The database file, read-write: a read-only file is found here, not later."""
        self._created = False
        try:
            try:
                fd = os.open(self.database, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                self._created = True
                return fd
            except FileExistsError:  # the usual case (or a symlink, whose target may be made)
                return os.open(self.database, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise NotWritable(explain(self.database, exc)) from None

    def _write_note(self) -> None:
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        self.note.write_text(f"pid {os.getpid()}, started {started}\n", encoding="utf-8")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            if self.note.read_text(encoding="utf-8").startswith(f"pid {os.getpid()},"):
                self.note.unlink()
        # A database this lock created and nothing wrote to: leave no empty file behind.
        with contextlib.suppress(OSError):
            if self._created and os.fstat(fd).st_size == 0 and _same_file(fd, self.database):
                self.database.unlink()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def is_running(database: Path) -> str | None:
    """Who holds the database's lock (the refusal a second instance would get), or None if
    nobody does. It never creates or writes anything; it opens and closes a descriptor of the
    database, so it must not be called while this process has the database open (see the
    module's docstring). Raises :class:`OSError` if the file cannot be read."""
    try:
        fd = os.open(database, os.O_RDONLY)
    except FileNotFoundError:
        return None  # no database, so nobody runs on it
    try:
        try:
            # Shared: two checks at once do not take each other for a running bot.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return str(_refusal(Path(database), _holder(fd, Path(database))))
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _holder(fd: int, database: Path) -> str:
    """Who holds the lock on ``fd``'s file, as "pid N, started …"."""
    pid = _locking_pid(fd)
    notes = [lock_path(database)]
    with contextlib.suppress(OSError, RuntimeError):
        notes.append(lock_path(database.resolve()))  # beside a symlink's target
    for note in notes:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            said = note.read_text(encoding="utf-8").strip()
            if said and (pid is None or said.startswith(f"pid {pid},")):
                return said
    if pid is None:
        return "another process"
    started = _started(pid)
    return f"pid {pid}, started {started}" if started else f"pid {pid}"


def _locking_pid(fd: int) -> int | None:
    """The pid holding an exclusive ``flock`` on ``fd``'s file, from ``/proc/locks`` (Linux),
    which lists each lock with the device (hex major:minor) and inode of its file."""
    held = os.fstat(fd)
    device = f"{os.major(held.st_dev):02x}:{os.minor(held.st_dev):02x}:{held.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                # "1: FLOCK  ADVISORY  WRITE 5087 fe:00:2146389 0 EOF"; waiters have "->"
                fields = line.split()
                if fields[1:4] == ["FLOCK", "ADVISORY", "WRITE"] and fields[5] == device:
                    pid = int(fields[4])
                    return pid if pid > 0 else None
    except (OSError, ValueError, IndexError):
        pass
    return None


def _started(pid: int) -> str | None:
    """When process ``pid`` started, local time, from ``/proc`` (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            after_name = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
        seconds = boot + int(after_name[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))
