"""`python -m bot check`: each part of an installation checked, with a reason for each problem."""

from __future__ import annotations

import sqlite3

from bot.check import TokenUnchecked, run_checks
from bot.config import Config, Secret
from bot.storage import MIGRATIONS, Store
from tests.conftest import SEEDS, TOKEN


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
    assert found["database"][1].endswith(f"intact, schema {latest} of {latest}, 0 messages logged")
    assert found["library"][1] == f"5 articles in {SEEDS}"
    assert found["token"][1] == "accepted by Telegram: @ReadingGroupBot"


async def test_each_problem_is_named(tmp_path):
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"this is not SQLite" * 100)
    (tmp_path / "lib").mkdir()
    config = Config(token=Secret(TOKEN), database=database, library=tmp_path / "lib")
    found = lines(await run_checks(config, refused))
    assert found["database"] == (
        False,
        f"{database}: not a database of this bot (file is not a database)",
    )
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
