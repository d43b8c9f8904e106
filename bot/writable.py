"""Whether the bot can write where it must, and what to say when it cannot.

A read-only mount, a file or folder the bot's user may not write, a full disk or a damaged
database are not the bot's bugs: the person running it can fix each one, so each gets one line
that names the path, says what happened and what to do — never a traceback. The same words are
used wherever the trouble is met: at start (the lock, the database), by ``check``, and while the
bot runs (:mod:`bot.storage`).

This module knows the operating system's and SQLite's errors, not the bot's tables or Telegram.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pwd
import secrets
import sqlite3
from pathlib import Path

PROBE_BYTES = 4096  # a block: enough that a full disk refuses it

_NOTHING_LOST = "nothing was lost: Telegram keeps updates the bot has not confirmed for 24 hours"
_DISK_FULL = (
    f"the disk is full — free some space on it (the bot needs room for its log); {_NOTHING_LOST}"
)


def _restore(path: Path) -> str:
    # Moved aside first: a restore keeps the database it replaces by copying it with SQLite,
    # which a damaged file may refuse.
    return (
        f"stop the bot, move the file aside (`mv {path} {path}.damaged`), and put a backup in "
        "place with `python -m bot restore BACKUP.sqlite3`"
    )


# SQLite's result codes (the low byte is the primary code; see sqlite.org/rescode.html).
_SQLITE_BUSY = 5
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
_SQLITE_READONLY_DBMOVED = 1032
_SQLITE_READONLY_DIRECTORY = 1544

# When a Python without sqlite_errorcode (or a wrapper) gives only the message.
_SQLITE_MESSAGES = (
    ("attempt to write a readonly database", _SQLITE_READONLY),
    ("database or disk is full", _SQLITE_FULL),
    ("disk i/o error", _SQLITE_IOERR),
    ("database disk image is malformed", _SQLITE_CORRUPT),
    ("file is not a database", _SQLITE_NOTADB),
    ("unable to open database file", _SQLITE_CANTOPEN),
    ("database is locked", _SQLITE_BUSY),
)

_OS_TROUBLE = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT, errno.EIO}


class NotWritable(Exception):
    """The bot cannot write where it must; the message is :func:`explain`'s line."""


def _user() -> str:
    uid = os.geteuid()
    try:
        return f"user {pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:  # a container's arbitrary uid has no name
        return f"uid {uid}"


def _sqlite_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code
    message = str(error).lower()
    return next((code for text, code in _SQLITE_MESSAGES if text in message), None)


def is_disk_trouble(error: BaseException | None) -> bool:
    """Whether ``error`` is the file's, the folder's or the disk's trouble, one that
    :func:`explain` has specific words for (rather than a bug to show with its traceback)."""
    if isinstance(error, NotWritable):
        return True
    if isinstance(error, OSError):
        return error.errno in _OS_TROUBLE or (
            error.errno == errno.ENOENT and _missing_folder(None, error) is not None
        )
    if isinstance(error, sqlite3.Error):
        code = _sqlite_code(error)
        return code is not None and code & 0xFF in {
            _SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL,
            _SQLITE_CANTOPEN, _SQLITE_NOTADB,
        }  # fmt: skip
    return False


def _missing_folder(path: Path | None, error: OSError) -> Path | None:
    """The folder that does not exist, when that is why ``error`` says "no such file"."""
    name = Path(os.fsdecode(error.filename)) if error.filename else path
    if name is None or name.parent.is_dir():
        return None
    return name.parent


def explain(path: Path, error: BaseException) -> str:
    """One line, ``PATH: what happened — what to do``, for an error met writing or reading
    ``path``. Errors it has no specific words for are given as they are."""
    if isinstance(error, NotWritable):
        return str(error)
    if isinstance(error, OSError):
        what = _os_words(path, error)
    elif isinstance(error, sqlite3.Error):
        what = _sqlite_words(path, error)
    else:
        what = None
    return f"{path}: {what or str(error) or type(error).__name__}"


def _os_words(path: Path, error: OSError) -> str | None:
    code = error.errno
    if code == errno.EROFS:
        return (
            "the file system is read-only — mount it read-write, or set storage.database to a "
            "folder the bot may write (systemd: ReadWritePaths=; Docker: a volume without :ro)"
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied to {_user()} — give that user write access to it (chown or "
            "chmod), or set storage.database to a folder it may write"
        )
    if code == errno.ENOSPC:
        return _DISK_FULL
    if code == errno.EDQUOT:
        return (
            f"the disk quota of {_user()} is used up — free some of its space or raise the "
            f"quota; {_NOTHING_LOST}"
        )
    if code == errno.EIO:
        return (
            "the disk failed to read or write (input/output error) — check the disk "
            "(`dmesg`, `smartctl`), then run `python -m bot check`"
        )
    if code == errno.ENOTDIR or (code == errno.EEXIST and path.exists() and not path.is_dir()):
        file = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), path)
        return (
            f"{file} is a file, not a folder — set storage.database to a path in a folder "
            "(e.g. data/bot.sqlite3)"
        )
    if code == errno.EISDIR:
        return (
            "it is a folder — storage.database names the database file itself, e.g. "
            f"{path / 'bot.sqlite3'}"
        )
    if code == errno.ENOENT:
        folder = _missing_folder(path, error)
        if folder:
            return (
                f"the folder {folder} does not exist — create it (`mkdir -p {folder}`), or set "
                "storage.database to a path in a folder that exists"
            )
        if path.is_dir():  # it exists, yet a file cannot be made in it (/proc, /sys)
            return (
                "files cannot be made in this folder (a system folder such as /proc?) — set "
                "storage.database to a path in an ordinary folder"
            )
        return "no such file — check the path"
    return None


def _sqlite_words(path: Path, error: sqlite3.Error) -> str | None:
    code = _sqlite_code(error)
    if code is None:
        return None
    if code == _SQLITE_READONLY_DIRECTORY:
        return (
            "its folder is read-only, and SQLite must create the -wal and -shm files beside "
            f"the database — let {_user()} write the folder, or mount it read-write"
        )
    if code == _SQLITE_READONLY_DBMOVED:
        return "the file was moved or deleted while the bot had it open — put it back, restart"
    primary = code & 0xFF
    if primary == _SQLITE_READONLY:
        return (
            f"the database is read-only to {_user()} — let that user write the file and its "
            "folder (chown or chmod), or mount it read-write"
        )
    if primary == _SQLITE_FULL:
        return _DISK_FULL
    if primary == _SQLITE_IOERR:
        return (
            "the disk failed to read or write (disk I/O error) — check that it is not full and "
            "that it is sound (`dmesg`), then run `python -m bot check`"
        )
    if primary == _SQLITE_CORRUPT:
        return f"the database is damaged — {_restore(path)}"
    if primary == _SQLITE_NOTADB:
        return (
            "this is not an SQLite database (damaged, or another file) — check storage.database; "
            f"if it is the bot's, {_restore(path)}"
        )
    if primary == _SQLITE_CANTOPEN:
        return (
            "SQLite cannot open it — check that its folder exists and that "
            f"{_user()} may read and write the file and the folder"
        )
    if primary == _SQLITE_BUSY:
        return (
            "another process held the database locked for more than 5 s — find it "
            f"(`fuser {path}`: a stuck backup or an open sqlite3 shell) and stop it"
        )
    return None


def probe_folder(folder: Path) -> None:
    """Raises :class:`OSError` unless a file can be created in ``folder``, written (a block,
    flushed to the disk) and deleted: a read-only mount, a folder the user may not write and a
    full disk are all found before anything is committed there."""
    probe = folder / f".write-probe-{os.getpid()}-{secrets.token_hex(4)}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            data = memoryview(os.urandom(PROBE_BYTES))  # random: no file system compresses it
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(probe)
        raise
    os.unlink(probe)
