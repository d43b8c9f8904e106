"""One bot per database: a second one is refused, and a killed one leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bot.lock import AlreadyRunning, InstanceLock, is_running


def test_a_second_instance_is_refused_with_who_holds_it(tmp_path):
    database = tmp_path / "bot.sqlite3"
    with InstanceLock(database):
        with pytest.raises(AlreadyRunning) as refused, InstanceLock(database):
            pass
        assert f"pid {os.getpid()}" in str(refused.value)
        assert is_running(database)
    assert is_running(database) is None  # released on the way out


def test_a_killed_instance_leaves_the_lock_free(tmp_path):
    database = tmp_path / "bot.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from bot.lock import InstanceLock\n"
         f"with InstanceLock(__import__('pathlib').Path({str(database)!r})):\n"
         "    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout
    assert holder.stdout.readline().strip() == "locked"
    assert is_running(database)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert is_running(database) is None
