"""`python -m bot check`: each part of an installation checked, with a reason for each problem."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest

from bot.check import TokenUnchecked, check_database, run_checks
from bot.config import Config, Secret
from bot.storage import MIGRATIONS, LoggedMessage, Store
from tests.conftest import SEEDS, TOKEN
from tests.test_writable import give_to_nobody, shared_folder, unprivileged


async def username(config: Config) -> str:
    return "ReadingGroupBot"


async def unreachable(config: Config) -> str:
    raise TokenUnchecked("cannot reach https://api.telegram.org/bot (timed out)")


async def refused(config: Config) -> str:
    raise ValueError("Telegram refused the token; check it with @BotFather")


def lines(findings) -> dict[str, tuple[bool, str]]:
    return {f.item: (f.ok, f.detail) for f in findings}


async def test_a_ready_installation_passes_every_check(tmp_path):
    database = tmp_path / "bot.sqlite3"
    await (await Store.open(database)).close()
    config = Config(token=Secret(TOKEN), database=database, library=SEEDS)
    found = lines(await run_checks(config, username))
    assert all(ok for ok, _ in found.values()), found
    latest = MIGRATIONS[-1][0]
    assert found["database"][1] == (
        f"{database}: intact, schema {latest} of {latest}, 0 messages logged; "
        "writable: a test row written and committed"
    )
    with sqlite3.connect(database) as db:  # the write probe's row, committed
        assert db.execute("SELECT count(*) FROM state WHERE key = 'check_probe'").fetchone() == (1,)
    assert found["library"][1] == f"5 articles in {SEEDS}"
    assert found["token"][1] == "accepted by Telegram: @ReadingGroupBot"


async def test_each_problem_is_named(tmp_path):
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"this is not SQLite" * 100)
    (tmp_path / "lib").mkdir()
    config = Config(token=Secret(TOKEN), database=database, library=tmp_path / "lib")
    found = lines(await run_checks(config, refused))
    ok, said = found["database"]
    assert not ok
    assert said.startswith(f"{database}: this is not an SQLite database (damaged, or another file)")
    assert not found["library"][0]
    assert found["token"] == (False, "Telegram refused the token; check it with @BotFather")


async def test_no_network_leaves_the_token_unchecked_but_not_failed(tmp_path):
    config = Config(token=Secret(TOKEN), database=tmp_path / "new.sqlite3", library=SEEDS)
    found = lines(await run_checks(config, unreachable))
    assert found["token"] == (
        True,
        "not checked: cannot reach https://api.telegram.org/bot (timed out)",
    )
    assert found["database"][1].endswith("does not exist yet; `run` creates it")


async def test_no_token_fails_and_an_old_schema_is_reported(tmp_path):
    database = tmp_path / "bot.sqlite3"
    await (await Store.open(database, upto=7)).close()
    found = lines(await run_checks(Config(database=database, library=SEEDS), username))
    assert found["token"] == (False, "none set: put it in $TELEGRAM_BOT_TOKEN")
    latest = MIGRATIONS[-1][0]
    assert (
        f"schema 7 of {latest}; {latest - 7} migration(s) will be applied" in found["database"][1]
    )
    with sqlite3.connect(database) as db:  # the check changed nothing
        assert db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 7


async def test_an_old_schema_without_the_state_table_is_probed_without_a_row(tmp_path):
    database = tmp_path / "bot.sqlite3"
    await (await Store.open(database, upto=3)).close()
    finding = check_database(database)
    assert finding.ok
    assert finding.detail.endswith(
        "writable: write lock taken, no test row (schema 3 has no state table yet)"
    )


async def logged(database, messages: int = 300) -> None:
    store = await Store.open(database)
    for n in range(messages):
        await store.log_message(
            LoggedMessage(-100, n, 1_700_000_000 + n, 501, "Rosa", f"message {n}")
        )
    await store.close()


async def test_a_damaged_index_page_fails_with_the_file_named(tmp_path):
    database = tmp_path / "bot.sqlite3"
    await logged(database)
    with sqlite3.connect(database) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        [page] = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'messages_date'"
        ).fetchone()
    with database.open("r+b") as file:  # the index's root page: its header overwritten
        file.seek((page - 1) * page_size)
        file.write(b"\xff" * 64)
    finding = check_database(database)
    assert not finding.ok
    assert finding.detail.startswith(f"{database}: the database is damaged — ")
    assert "python -m bot restore" in finding.detail
    assert "quick_check:" in finding.detail


async def test_a_truncated_database_fails_with_the_file_named(tmp_path):
    database = tmp_path / "bot.sqlite3"
    await logged(database)
    with database.open("r+b") as file:
        file.truncate(database.stat().st_size // 2)
    finding = check_database(database)
    assert not finding.ok
    assert finding.detail.startswith(f"{database}: the database is damaged — "), finding.detail


def check_unprivileged(folder, database):
    """`python -m bot check` on ``database``, run as a user who does not own it (as root, the
    tests' own files are root's)."""
    config = folder / "c.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    return unprivileged(
        [sys.executable, "-m", "bot", "check", "--config", str(config)],
        cwd=folder,
        env={k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))},
    )


@pytest.mark.parametrize("read_only", ["file", "folder"])
async def test_a_read_only_database_or_folder_fails_the_check(read_only):
    """As a user who may not write there: root ignores permission bits, so as root the check
    runs as nobody."""
    with shared_folder() as folder:
        data = folder / "data"
        data.mkdir()
        database = data / "bot.sqlite3"
        await logged(database, 3)
        if read_only == "file":  # the folder is the user's, the file root's (or read-only)
            give_to_nobody(data)
            database.chmod(0o444)
        else:  # the file is the user's, the folder root's (or read-only)
            give_to_nobody(database)
            data.chmod(0o555)
        result = check_unprivileged(folder, database)
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
        [line] = [line for line in result.stdout.splitlines() if "database:" in line]
        where = database if read_only == "file" else data
        assert line.startswith(f"FAIL  database: {where}: permission denied to "), line
        assert "chown or chmod" in line
        assert "ok    instance: no bot is running on this database" in result.stdout
        assert sqlite3.connect(database).execute("SELECT count(*) FROM messages").fetchone() == (3,)


def test_a_missing_database_in_a_folder_it_may_not_write_fails():
    with shared_folder() as folder:
        if os.geteuid() != 0:
            folder.chmod(0o555)
        result = check_unprivileged(folder, folder / "data" / "bot.sqlite3")
        assert result.returncode == 1
        assert f"FAIL  database: {folder}: permission denied to " in result.stdout, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        assert not (folder / "data").exists()  # the check makes nothing


async def test_the_library_line_counts_what_the_bot_will_serve(tmp_path):
    database = tmp_path / "bot.sqlite3"
    store = await Store.open(database)
    await store.save_article("an-added-one", "a.txt", "Text.", "f1", ("A", "", "", ""), None)
    await store.delete_article("pro-putin-left")  # a folder article, hidden
    await store.close()
    config = Config(token=Secret(TOKEN), database=database, library=SEEDS)
    found = lines(await run_checks(config, username))
    assert found["library"] == (
        True,
        f"5 articles: 5 articles in {SEEDS}, 1 added and 1 of them removed",
    )


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("file/bot.sqlite3", "is a file, not a folder — set storage.database to a path in a folder"),
        ("folder", "it is a folder — storage.database names the database file itself, e.g. "),
    ],
)  # fmt: skip
async def test_a_database_path_through_a_file_or_at_a_folder_is_named(tmp_path, where, said):
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "folder").mkdir()
    config = Config(token=Secret(TOKEN), database=tmp_path / where, library=SEEDS)
    ok, detail = lines(await run_checks(config, username))["database"]
    assert not ok
    assert said in detail


async def test_files_in_the_library_folder_it_does_not_read_are_named(tmp_path):
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(SEEDS, folder)
    (folder / "war.pdf").write_bytes(b"%PDF-1.4 a book")
    (folder / "page.html").write_text("<p>a page</p>")
    (folder / ".DS_Store").write_bytes(b"\0")
    config = Config(token=Secret(TOKEN), database=tmp_path / "bot.sqlite3", library=folder)
    ok, said = lines(await run_checks(config, username))["library"]
    assert ok
    assert said == (
        f"5 articles in {folder}; not read from the folder (.txt/.md/.muse are): page.html, "
        "war.pdf; add such files with `python -m bot add`"
    )
