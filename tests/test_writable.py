"""What the bot says when it cannot write: one line, the path, what happened, what to do."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.writable import explain, is_disk_trouble, probe_folder

DATABASE = Path("data/bot.sqlite3")


def os_error(code: int, path: Path = DATABASE) -> OSError:
    return OSError(code, os.strerror(code), str(path))


@pytest.mark.parametrize(
    ("code", "said", "to_do"),
    [(errno.EROFS, "the file system is read-only", "mount it read-write"),
     (errno.EACCES, "permission denied to", "chown or chmod"),
     (errno.EPERM, "permission denied to", "chown or chmod"),
     (errno.ENOSPC, "the disk is full", "free some space on it"),
     (errno.EDQUOT, "disk quota", "raise the quota"),
     (errno.EIO, "input/output error", "python -m bot check")],
    ids=["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT", "EIO"],
)  # fmt: skip
def test_each_os_error_gets_one_line_with_what_to_do(code, said, to_do):
    line = explain(DATABASE, os_error(code))
    assert line.startswith(f"{DATABASE}: ")
    assert said in line
    assert " — " in line
    assert to_do in line.split(" — ", 1)[1]
    assert "\n" not in line
    assert is_disk_trouble(os_error(code))


def test_a_full_disk_says_nothing_was_lost():
    assert explain(DATABASE, os_error(errno.ENOSPC)) == (
        "data/bot.sqlite3: the disk is full — free some space on it (the bot needs room for its "
        "log); nothing was lost: Telegram keeps updates the bot has not confirmed for 24 hours"
    )


def test_a_missing_folder_is_named(tmp_path):
    database = tmp_path / "nowhere" / "bot.sqlite3"
    line = explain(database, os_error(errno.ENOENT, database))
    assert line == (
        f"{database}: the folder {tmp_path / 'nowhere'} does not exist — create it "
        f"(`mkdir -p {tmp_path / 'nowhere'}`), or set storage.database to a path in a folder "
        "that exists"
    )
    assert is_disk_trouble(os_error(errno.ENOENT, database))
    assert not is_disk_trouble(os_error(errno.ENOENT, tmp_path / "missing.txt"))  # just a file


def sqlite_error(run) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        run()
    return raised.value


def test_sqlite_full_is_the_full_disk_line(tmp_path):
    """A real "database or disk is full" from SQLite: the connection may not grow the file."""
    db = sqlite3.connect(tmp_path / "small.sqlite3")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    error = sqlite_error(lambda: db.execute("INSERT INTO t VALUES (randomblob(100000))"))
    db.close()
    assert str(error) == "database or disk is full"
    assert explain(DATABASE, error) == explain(DATABASE, os_error(errno.ENOSPC))
    assert is_disk_trouble(error)


def test_not_a_database_and_a_damaged_one_point_to_restore(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_bytes(b"not SQLite at all " * 300)
    db = sqlite3.connect(text)
    error = sqlite_error(lambda: db.execute("SELECT * FROM sqlite_master").fetchall())
    db.close()
    line = explain(text, error)
    assert line.startswith(f"{text}: this is not an SQLite database")
    assert "python -m bot restore" in line
    damaged = explain(DATABASE, sqlite3.DatabaseError("database disk image is malformed"))
    assert damaged.startswith("data/bot.sqlite3: the database is damaged — ")
    assert "python -m bot restore" in damaged


@pytest.mark.parametrize(
    ("message", "said"),
    [("attempt to write a readonly database", "the database is read-only"),
     ("disk I/O error", "disk I/O error"),
     ("unable to open database file", "SQLite cannot open it"),
     ("database is locked", "locked for more than 5 s")],
)  # fmt: skip
def test_sqlite_errors_are_known_by_their_message(message, said):
    error = sqlite3.OperationalError(message)
    assert said in explain(DATABASE, error)
    assert is_disk_trouble(error)


def test_other_errors_are_given_as_they_are():
    assert explain(DATABASE, ValueError("odd")) == "data/bot.sqlite3: odd"
    assert explain(DATABASE, sqlite3.OperationalError("no such table: x")) == (
        "data/bot.sqlite3: no such table: x"
    )
    assert not is_disk_trouble(ValueError("odd"))
    assert not is_disk_trouble(sqlite3.OperationalError("no such table: x"))
    assert not is_disk_trouble(os_error(errno.ECONNREFUSED))


def test_probe_folder_leaves_nothing_behind(tmp_path):
    probe_folder(tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        probe_folder(tmp_path / "missing")


# --- running as a user who cannot write what it does not own ----------------------------------

NOBODY = 65534
ROOT = Path(__file__).resolve().parent.parent


def _reachable(path: Path) -> bool:
    """Whether any user may reach and read ``path`` (every folder above it searchable)."""
    return all(p.stat().st_mode & 0o001 for p in path.parents) and bool(path.stat().st_mode & 0o004)


def unprivileged(args: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``args`` so that file permissions hold. Root ignores them (a file chmod'ed 444 is
    still writable by root), so as root the command runs as nobody (uid 65534); as anyone else,
    as it is. When the interpreter lives where nobody may not look (e.g. under /root, mode
    700), nobody keeps only the right to read and search everything (setpriv's ambient
    CAP_DAC_READ_SEARCH): it still may not write what it does not own."""
    options = {"capture_output": True, "text": True, "timeout": 60, "check": False, **options}
    if os.geteuid() != 0:
        return subprocess.run(args, **options)
    if _reachable(Path(sys.executable).resolve()) and _reachable(ROOT):
        return subprocess.run(args, user=NOBODY, group=NOBODY, extra_groups=[], **options)
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root, the interpreter is out of nobody's reach, and no setpriv")
    return subprocess.run(
        [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--", *args],
        **options,
    )  # fmt: skip


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder under /tmp that the unprivileged user may read but not write (pytest's own
    tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="bot-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def give_to_nobody(path: Path) -> None:
    """Make ``path`` the unprivileged user's own (as root; otherwise it already is)."""
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


def test_probe_folder_refuses_a_folder_it_may_not_write():
    with shared_folder() as folder:
        if os.geteuid() != 0:
            folder.chmod(0o555)
        probe = f"from pathlib import Path; from bot.writable import probe_folder; probe_folder(Path({str(folder)!r}))"
        result = unprivileged([sys.executable, "-c", probe], cwd=folder)
        assert result.returncode == 1
        assert "PermissionError: [Errno 13] Permission denied" in result.stderr
        assert list(folder.iterdir()) == []
