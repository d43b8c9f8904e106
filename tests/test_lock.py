"""One bot per database, however the file is reached; a killed one leaves no stale lock."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.lock import AlreadyRunning, InstanceLock, is_running, lock_path
from bot.writable import NotWritable
from tests.test_writable import give_to_nobody, shared_folder, unprivileged

HOLD = """import pathlib, sys, time
from bot.lock import InstanceLock
with InstanceLock(pathlib.Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


@contextlib.contextmanager
def held(database: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock on ``database``, killed with SIGKILL at the end."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()


def test_a_second_instance_is_refused_with_who_holds_it(tmp_path):
    database = tmp_path / "bot.sqlite3"
    with InstanceLock(database):
        with pytest.raises(AlreadyRunning) as refused, InstanceLock(database):
            pass
        assert f"another instance is using {database} (pid {os.getpid()}, started " in str(
            refused.value
        )
        assert lock_path(database).read_text().startswith(f"pid {os.getpid()}, started ")
        assert is_running(database) == str(refused.value)
    assert is_running(database) is None  # released on the way out
    assert not lock_path(database).exists()


def reach(database: Path, way: str) -> Path:
    """Another way to the same database file."""
    elsewhere = database.parent / "elsewhere"
    elsewhere.mkdir()
    if way == "hard link":
        os.link(database, elsewhere / "linked.sqlite3")
        return elsewhere / "linked.sqlite3"
    if way == "symlink":
        (elsewhere / "bot.sqlite3").symlink_to(database)
        return elsewhere / "bot.sqlite3"
    if way == "another spelling":
        return elsewhere / ".." / database.name
    assert way == "its note deleted"
    lock_path(database).unlink()
    return database


@pytest.mark.parametrize("way", ["hard link", "symlink", "another spelling", "its note deleted"])
def test_the_database_is_locked_however_it_is_reached(tmp_path, way):
    database = tmp_path / "bot.sqlite3"
    with held(database) as holder:
        other = reach(database, way)
        with pytest.raises(AlreadyRunning) as refused, InstanceLock(other):
            pass
        said = str(refused.value)
        assert said.startswith(f"another instance is using {other} (pid {holder.pid}, started ")
        running = is_running(other)
        assert running
        assert f"(pid {holder.pid}, started " in running
        with pytest.raises(AlreadyRunning):  # and the name the holder used stays refused
            InstanceLock(database).__enter__()


def test_a_killed_instance_leaves_the_lock_free(tmp_path):
    database = tmp_path / "bot.sqlite3"
    with held(database) as holder:
        assert is_running(database)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert is_running(database) is None
        os.link(database, tmp_path / "linked.sqlite3")
        with InstanceLock(tmp_path / "linked.sqlite3"):  # free, whatever the name
            assert is_running(database)


def test_is_running_creates_nothing(tmp_path):
    assert is_running(tmp_path / "bot.sqlite3") is None
    assert list(tmp_path.iterdir()) == []


def test_the_lock_makes_the_database_and_keeps_it_only_if_written(tmp_path):
    database = tmp_path / "bot.sqlite3"
    with InstanceLock(database):
        assert database.exists()  # the lock is on this file: it is made first
    assert list(tmp_path.iterdir()) == []  # nothing written: nothing left
    with InstanceLock(database):
        db = sqlite3.connect(database)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
    assert sqlite3.connect(database).execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_why_the_lock_is_taken_first_and_left_last(tmp_path):
    """The descriptor rule, shown: closing any descriptor of the database drops the locks of
    this process's SQLite connections to it, and other processes may then read or write what
    it is writing. Held for the whole of a connection, the lock's own descriptor leaves them
    alone; another one opened and closed meanwhile does not."""
    database = tmp_path / "bot.sqlite3"

    def locked_out() -> bool:  # as another process sees it
        read = f"import sqlite3; sqlite3.connect({str(database)!r}, timeout=0).execute('SELECT * FROM t')"
        result = subprocess.run([sys.executable, "-c", read], capture_output=True, text=True)
        assert result.returncode == 0 or "database is locked" in result.stderr, result.stderr
        return result.returncode != 0

    with InstanceLock(database):
        writer = sqlite3.connect(database, isolation_level=None)
        writer.execute("CREATE TABLE t (x)")
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("INSERT INTO t VALUES (1)")
        assert locked_out()
        os.close(os.open(database, os.O_RDONLY))  # what is_running() would do
        assert not locked_out()  # the writer's lock is gone, unknown to SQLite
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_only_database_is_named_not_a_traceback():
    with shared_folder() as folder:
        database = folder / "bot.sqlite3"
        database.write_bytes(b"")
        give_to_nobody(folder)  # the folder may be written, the file (root's, or 444) not
        database.chmod(0o444)
        take = (
            "import pathlib; from bot.lock import InstanceLock; from bot.writable import "
            f"NotWritable\ntry:\n    InstanceLock(pathlib.Path({str(database)!r})).__enter__()\n"
            "except NotWritable as exc:\n    print(exc)"
        )
        result = unprivileged([sys.executable, "-c", take], cwd=folder)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{database}: permission denied to "), result.stdout
        assert NotWritable.__name__ not in result.stderr
