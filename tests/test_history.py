"""Backfill from a Telegram Desktop export: same tables, nothing doubled on a second run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.history import HistoryError, flatten, import_history
from bot.storage import Store
from tests.conftest import ROOT

EXPORT = ROOT / "tests" / "data" / "telegram_export.json"
CHAT = -1001987654321
BOT = 7000001


async def test_an_export_becomes_the_same_log_the_bot_keeps(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        result = await import_history(store, EXPORT, CHAT, bot_id=BOT)
        assert (result.messages, result.added, result.skipped) == (5, 4, 1)
        thread = await store.thread(CHAT, 2)
        assert [m.message_id for m in thread] == [2, 3, 4]  # a reply to a reply is in the thread
        post, rosa, karl = thread
        assert post.is_bot
        assert post.text.startswith("Any “peace” is only a truce between two wars.\n— Trump’s")
        assert rosa.text == "So the Spark thinks no peace is possible under capitalism?"
        assert (rosa.sender_id, rosa.sender_name, rosa.date) == (501, "Rosa", 1740852300)
        assert (karl.reply_to, karl.forward_from) == (3, "Leon")
        photo = await store.message(CHAT, 5)
        assert photo.text == "[photo]"
        again = await import_history(store, EXPORT, CHAT, bot_id=BOT)
        assert again.added == 0
        assert await store.count_messages(CHAT) == 4
    finally:
        await store.close()


def test_entities_are_flattened_to_text():
    assert flatten(["a ", {"type": "link", "text": "b"}, " c"]) == "a b c"
    assert flatten("plain") == "plain"
    assert flatten(None) == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "line 1: not valid JSON"),
        (json.dumps({"chats": []}), "no 'messages' list"),
        (json.dumps({"messages": [{"type": "message"}]}), "message #1 has no numeric 'id'"),
    ],
)
async def test_a_bad_export_is_named_with_what_is_wrong(tmp_path, content, expected):
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(HistoryError, match=expected):
            await import_history(store, path, CHAT)
    finally:
        await store.close()


def test_the_command_line_import_twice_changes_nothing(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "db.sqlite3"}"\n'
                      '[discussion]\nretention_days = 36500\n', encoding="utf-8")  # fmt: skip
    command = [sys.executable, "-m", "bot", "import-history", str(EXPORT), "--chat", str(CHAT), "--config", str(config)]  # fmt: skip
    first = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    second = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert first.returncode == second.returncode == 0, first.stderr
    assert "4 added to the log of chat -1001987654321" in first.stdout
    assert "0 added" in second.stdout
    assert "4 already there" in second.stdout
    missing = subprocess.run([sys.executable, "-m", "bot", "import-history", "--chat", "1"], capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert missing.returncode == 2
    assert "needs the export file and --chat" in missing.stderr


def test_an_import_leaves_out_what_the_log_would_delete_and_says_so(tmp_path):
    config = tmp_path / "config.toml"  # the default retention: 365 days; the export is of 2025
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "db.sqlite3"}"\n', encoding="utf-8")
    command = [sys.executable, "-m", "bot", "import-history", str(EXPORT), "--chat", str(CHAT), "--config", str(config)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "0 added to the log of chat -1001987654321, 0 already there" in done.stdout
    assert "4 older than 365 days were left out" in done.stdout
    assert "discussion.retention_days" in done.stdout


async def test_an_import_into_another_chat_than_the_exports_is_refused(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(HistoryError, match=r"this export is of chat -1001987654321 \(“Left reading group”\), not 1987654321; .* --chat -1001987654321"):  # fmt: skip
            await import_history(store, EXPORT, 1987654321)
        assert await store.count_messages(1987654321) == 0
    finally:
        await store.close()
