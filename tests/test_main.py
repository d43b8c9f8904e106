"""The command line as a user runs it: `python -m bot ...` in a real process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.auxil.botapi import BotAPIStandIn
from tests.conftest import TOKEN

UNREACHABLE = "http://127.0.0.1:9/bot"  # the discard port: nothing listens


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return {**base, **extra}


def run_bot(
    *args: str, stdin: str = "", cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or tempfile.mkdtemp(),  # by default a folder without config.toml
        env=env(**extra),
        timeout=60,
        check=False,
    )


def test_console_is_scriptable_from_standard_input():
    result = run_bot("console", stdin="/quote any peace\n")
    assert result.returncode == 0
    assert "*Any “peace*”" in result.stdout
    assert "trumps-world-order ¶6" in result.stdout


def test_start_without_a_token_explains_botfather_and_opens_the_console():
    result = run_bot(stdin="/articles\n")
    assert result.returncode == 0
    assert "@BotFather" in result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Opening the offline console instead" in result.stderr
    assert "The library: 5 articles" in result.stdout


def test_run_without_a_token_refuses_before_starting():
    result = run_bot("run")
    assert result.returncode == 2
    assert "key 'telegram.token'" in result.stderr
    assert "@BotFather" in result.stderr


def test_bad_config_is_reported_with_its_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[bot]\nlog_level = "chatty"\n', encoding="utf-8")
    result = run_bot("console", "--config", str(config))
    assert result.returncode == 2
    assert f"error: {config}: key 'bot.log_level' = 'CHATTY'" in result.stderr


def test_a_broken_library_stops_start_up_with_the_file_named(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.txt").write_bytes(b"\xff\xfe broken")
    config = tmp_path / "c.toml"
    config.write_text('[library]\npath = "lib"\n', encoding="utf-8")
    result = run_bot("console", "--config", str(config), stdin="/articles\n")
    assert result.returncode == 2
    assert "a.txt: line 1: not valid UTF-8" in result.stderr
    assert result.stdout == ""


async def test_run_answers_a_group_through_the_bot_api_and_never_logs_the_token(tmp_path):
    api = BotAPIStandIn()
    base_url = await api.start()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,  # the database goes to ./data/bot.sqlite3 by default
        env=env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, PYTHONUNBUFFERED="1"),
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        api.chat(-1001, "supergroup")
        api.send_text("/quote@ReadingGroupBot no war but the class war", chat_id=-1001)
        [reply] = await api.wait_for_messages(1, -1001)
        assert "<b>No War but the Class War</b>" in reply.params["text"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await api.stop()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Started as @ReadingGroupBot" in log
    assert "privacy mode" in log
    assert TOKEN.split(":")[1] not in log
    assert (tmp_path / "data" / "bot.sqlite3").exists()
    assert "Quote index built" in log
    assert (tmp_path / "data" / "quote-index.npz").exists()  # the next start loads it


def test_run_with_an_unreachable_bot_api_says_so():
    result = run_bot("run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=UNREACHABLE)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: cannot reach the Bot API at http://127.0.0.1:9/bot")
    assert TOKEN.split(":")[1] not in result.stderr


async def test_a_restart_loads_the_saved_quote_index(tmp_path):
    api = BotAPIStandIn()
    base_url = await api.start()
    logs = []
    try:
        for _ in range(2):
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
                env=env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, PYTHONUNBUFFERED="1"),
            )  # fmt: skip
            while not any(c.method == "getUpdates" for c in api.calls[-3:]):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
            logs.append(stderr.decode())
            api.calls.clear()
    finally:
        await api.stop()
    assert "Quote index built" in logs[0]
    assert "Quote index loaded" in logs[1]


async def start_process(tmp_path, base_url: str, *args: str, **extra: str):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
        env=env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, PYTHONUNBUFFERED="1", **extra),
    )  # fmt: skip
    return process


async def test_a_second_instance_on_the_same_database_refuses_to_start(tmp_path):
    api = BotAPIStandIn()
    base_url = await api.start()
    (tmp_path / "config.toml").write_text('[bot]\nlog_format = "json"\n', encoding="utf-8")
    first = await start_process(tmp_path, base_url)
    try:
        while not any(c.method == "getUpdates" for c in api.calls):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        health = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "health", cwd=tmp_path, env=env(),
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        said, _ = await asyncio.wait_for(health.communicate(), 30)
        assert health.returncode == 0, said
        assert said.decode().startswith("healthy: last heartbeat")
        second = await start_process(tmp_path, base_url)
        _, refusal = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 2
        assert "error: another instance is using" in refusal.decode()
        assert "pid" in refusal.decode()
        checked = await asyncio.to_thread(run_bot, "check", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                                          TELEGRAM_API_BASE_URL=base_url)  # fmt: skip
        assert checked.stdout.strip().endswith(
            "All in order, and a bot is running on this database already: stop it before "
            "another `run`."
        )
    finally:
        first.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(first.communicate(), 30)
        await api.stop()
    assert first.returncode == 0
    stopped = await asyncio.to_thread(run_bot, "health", cwd=tmp_path)
    assert stopped.returncode == 1  # at once, though its last heartbeat is seconds old
    assert stopped.stdout.startswith("unhealthy: no bot is running on ")
    lines = stderr.decode().splitlines()
    events = [json.loads(line) for line in lines]  # structured: one JSON object per line
    assert any(e["message"].startswith("Started as @ReadingGroupBot") for e in events)
    assert TOKEN.split(":")[1] not in stderr.decode()


async def test_telegram_errors_and_crashes_never_show_the_token(tmp_path):
    """Telegram's answer quoting the token's URL: once as a refusal, once as a body that is
    not JSON (python-telegram-bot logs it, then the bot stops on the unexpected error)."""
    api = BotAPIStandIn()
    base_url = await api.start()
    logs = []
    try:
        api.fail_next("getMe", 400, f"Bad Request: bot{TOKEN} is not welcome here")
        api.fail_next("getMe", kind="garbage", body=f"<html>no bot{TOKEN} here</html>")
        for _ in range(2):
            process = await start_process(tmp_path, base_url)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
            logs.append((process.returncode, stderr.decode()))
    finally:
        await api.stop()
    (refused_code, refused), (crash_code, crash) = logs
    assert refused_code == 1
    assert "error: Telegram refused a request at start: Bot<token> is not welcome here" in refused
    assert crash_code == 1
    assert "CRITICAL bot: The bot stopped on an unexpected error" in crash
    assert "no bot<token> here" in crash  # python-telegram-bot's own log line, redacted
    for _, log in logs:
        assert TOKEN.split(":")[1].casefold() not in log.casefold()  # in no letter case
        assert all(line[:4].isdigit() or line.startswith("error: ") for line in log.splitlines())


def test_webhook_mode_needs_its_url():
    result = run_bot("run", "--webhook", TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert "--webhook needs key 'webhook.url'" in result.stderr


async def test_check_reports_each_part_and_the_token(tmp_path):
    api = BotAPIStandIn()
    base_url = await api.start()
    try:
        result = await asyncio.to_thread(
            run_bot, "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url
        )
    finally:
        await api.stop()
    assert result.returncode == 0, result.stdout
    assert "ok    token: accepted by Telegram: @ReadingGroupBot" in result.stdout
    assert "ok    library: 5 articles" in result.stdout
    assert result.stdout.strip().endswith("Ready to run.")
    offline = run_bot("check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=UNREACHABLE)
    assert offline.returncode == 0
    assert "ok    token: not checked: cannot reach http://127.0.0.1:9/bot" in offline.stdout
    missing = run_bot("check")
    assert missing.returncode == 1
    assert "FAIL  token: none set" in missing.stdout


def test_backup_and_restore_from_the_command_line(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[storage]\ndatabase = "data/bot.sqlite3"\n', encoding="utf-8")
    assert run_bot("console", "--config", str(config), stdin="/help\n").returncode == 0
    assert run_bot("backup", "--config", str(config)).returncode == 2  # needs a file
    import sqlite3

    from bot.storage import Store

    async def seed() -> None:
        store = await Store.open(tmp_path / "data" / "bot.sqlite3")
        await store.close()

    asyncio.run(seed())
    made = run_bot("backup", str(tmp_path / "copy.sqlite3"), "--config", str(config))
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout
    back = run_bot("restore", str(tmp_path / "copy.sqlite3"), "--config", str(config))
    assert back.returncode == 0, back.stderr
    assert "bot.sqlite3.before-restore" in back.stdout
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    bad = run_bot("restore", str(config), "--config", str(config))
    assert bad.returncode == 2
    assert "not a database of this bot" in bad.stderr


def test_run_through_a_hard_link_to_a_held_database_stops_at_once(tmp_path):
    """One database, one bot, whatever name it is reached by: the lock is on the file."""
    from tests.test_lock import held

    database = tmp_path / "data" / "bot.sqlite3"
    (tmp_path / "elsewhere").mkdir()
    linked = tmp_path / "elsewhere" / "bot.sqlite3"
    config = tmp_path / "c.toml"
    config.write_text(f'[storage]\ndatabase = "{linked}"\n', encoding="utf-8")
    with held(database) as holder:
        os.link(database, linked)
        result = run_bot(
            "run",
            "--config",
            str(config),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=UNREACHABLE,
        )
    assert result.returncode == 2, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"error: another instance is using {linked} (pid {holder.pid}, ")
    assert "cannot reach the Bot API" not in result.stderr  # stopped before Telegram


async def test_run_and_backup_on_a_read_only_folder_say_so_in_one_line():
    """Exit 1, not 2: systemd retries, and the mount or the permissions may be fixed meanwhile."""
    from bot.storage import Store
    from tests.test_writable import shared_folder, unprivileged

    with shared_folder() as folder:
        database = folder / "data" / "bot.sqlite3"
        await (await Store.open(database)).close()
        if os.geteuid() != 0:  # as root, all of it is root's and the test runs as nobody
            for path, mode in [(database, 0o444), (database.parent, 0o555), (folder, 0o555)]:
                path.chmod(mode)
        config, new = folder / "c.toml", folder / "new.toml"
        config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
        new.write_text(f'[storage]\ndatabase = "{folder}/new/bot.sqlite3"\n', encoding="utf-8")
        extra = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": UNREACHABLE}
        results = [
            (unprivileged([sys.executable, "-m", "bot", *args], cwd=folder, env=env(**extra)), path)
            for args, path in [
                (["run", "--config", str(config)], database),
                (["run", "--config", str(new)], folder / "new"),
                (["backup", str(folder / "backups" / "copy.sqlite3"), "--config", str(config)],
                 folder / "backups"),
            ]
        ]  # fmt: skip
    for result, path in results:
        assert result.returncode == 1, result.stderr
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith(f"error: {path}: permission denied to "), result.stderr
        assert "chown or chmod" in last_line
        assert "Traceback" not in result.stderr
        assert "unexpected error" not in result.stderr
