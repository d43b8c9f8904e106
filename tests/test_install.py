"""Installed as a user installs it: a fresh virtual environment, `pip install <repository>`,
and the installed `reading-group-bot` command (its own library, no checkout needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

from tests.conftest import ROOT


def test_a_fresh_virtual_environment_installs_and_runs_the_bot(tmp_path):
    # From a copy of the checkout: pip builds in the source folder, which must stay clean.
    source = tmp_path / "source"
    built_before = (ROOT / "build").exists()
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "data", "*.egg-info", ".*_cache", ".hypothesis", "__pycache__"))  # fmt: skip
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)],
        check=True, timeout=900,
    )  # fmt: skip
    command = environment / "bin" / "reading-group-bot"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    elsewhere = tmp_path / "elsewhere"  # not the checkout: the package must stand alone
    elsewhere.mkdir()

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([command, *args], input=stdin, capture_output=True, text=True,
                              cwd=elsewhere, env=clean, timeout=120, check=False)  # fmt: skip

    usage = run("--help")
    assert usage.returncode == 0
    assert "backup PATH" in usage.stdout
    check = run("check")
    assert check.returncode == 1  # no token yet: that is the one problem
    assert "FAIL  token: none set" in check.stdout
    assert "ok    library: 5 articles in " in check.stdout
    assert "site-packages/bot/seeds" in check.stdout
    console = run("console", stdin="/quote stab in the back\n")
    assert console.returncode == 0, console.stderr
    assert "putin-v-prigozhin ¶11" in console.stdout
    assert str(source) not in console.stdout + check.stdout  # nothing read from the source
    assert (ROOT / "build").exists() == built_before  # the checkout was left as it was
