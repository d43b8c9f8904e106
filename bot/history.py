"""Backfill: a chat's history from a Telegram Desktop export (``result.json``) into the log.

Telegram Desktop (Settings → Advanced → Export Telegram data, or a chat's ⋮ → Export chat
history, format JSON) writes one ``result.json`` with the chat's messages. Each becomes a row of
the same tables the bot fills live: text with its entities flattened to plain text, author,
time, reply target, forwarded-from, and the time of its last edit. Rows are keyed like live
ones, so importing twice, or importing a stretch the bot already logged, changes nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage import LoggedMessage, Store
from bot.text import number

_MEDIA = ("photo", "file", "sticker_emoji", "media_type", "poll", "location_information")


class HistoryError(Exception):
    """The export cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    messages: int  # messages in the export
    added: int  # new rows in the log
    skipped: int  # service messages and empty ones
    too_old: int = 0  # older than the log keeps messages (retention): left out


def flatten(text: object) -> str:
    """An export's text field (a string, or a list of strings and entity objects) as text."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in text
            if isinstance(part, str | dict)
        )
    return ""


def _sender_id(value: object) -> int | None:
    """``"user501"`` → 501; ``"channel777"`` → -100777 (as the Bot API numbers chats)."""
    if not isinstance(value, str):
        return None
    for prefix, sign in (("user", ""), ("channel", "-100"), ("chat", "-")):
        found = number(value[len(prefix) :], digits=18) if value.startswith(prefix) else None
        if found is not None:
            return int(sign + str(found))
    return None


def _time(message: dict, key: str) -> int:
    unix = message.get(f"{key}_unixtime")
    if isinstance(unix, str) and number(unix, digits=12) is not None:
        return int(unix)
    if isinstance(unix, int):
        return unix
    return 0


def read_export(
    path: Path, chat_id: int, bot_id: int | None = None
) -> tuple[list[tuple[LoggedMessage, int]], int]:
    """The export's messages as log rows with their last edit time, and how many were skipped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise HistoryError(f"{path}: not UTF-8 text; is this Telegram's result.json?") from None
    except json.JSONDecodeError as exc:
        raise HistoryError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise HistoryError(
            f"{path}: no 'messages' list; export one chat's history as JSON from Telegram Desktop"
        )
    own = bot_api_id(data)
    if own is not None and own != chat_id:
        raise HistoryError(
            f"{path}: this export is of chat {own} (“{str(data.get('name', ''))[:60]}”), not "
            f"{chat_id}; the bot knows a group by its Bot API id: --chat {own}"
        )
    rows: list[tuple[LoggedMessage, int]] = []
    skipped = 0
    for index, message in enumerate(data["messages"]):
        if not isinstance(message, dict) or not isinstance(message.get("id"), int):
            raise HistoryError(f"{path}: message #{index + 1} has no numeric 'id'")
        if message.get("type") != "message":
            skipped += 1
            continue
        text = flatten(message.get("text"))
        if not text:
            kind = next((k for k in _MEDIA if message.get(k)), None)
            if kind is None:
                skipped += 1
                continue
            text = f"[{message.get('media_type') or kind}]".replace("_", " ")
        sender = _sender_id(message.get("from_id"))
        reply_to = message.get("reply_to_message_id")
        rows.append(
            (
                LoggedMessage(
                    chat_id=chat_id,
                    message_id=message["id"],
                    date=_time(message, "date"),
                    sender_id=sender,
                    sender_name=str(message.get("from") or ""),
                    text=text,
                    is_bot=bot_id is not None and sender == bot_id,
                    reply_to=reply_to if isinstance(reply_to, int) else None,
                    forward_from=message.get("forwarded_from") or None,
                    opens_thread=bot_id is not None and sender == bot_id and reply_to is None,
                ),
                _time(message, "edited"),
            )
        )
    rows.sort(key=lambda row: row[0].message_id)  # reply targets before their replies
    return rows, skipped


def bot_api_id(export: dict) -> int | None:
    """The Bot API id of the chat an export is of: Telegram Desktop writes a supergroup's or
    channel's id without its ``-100`` and a basic group's without its ``-``."""
    found = export.get("id")
    if not isinstance(found, int) or isinstance(found, bool):
        return None
    kind = str(export.get("type", ""))
    if kind.endswith(("supergroup", "channel")):
        return int(f"-100{abs(found)}")
    if kind == "private_group":
        return -abs(found)
    return found


async def import_history(
    store: Store, path: Path, chat_id: int, bot_id: int | None = None, *, keep_days: int = 0
) -> Imported:
    """Add an export's messages to the log; idempotent. ``keep_days``: how long the log keeps
    messages (``discussion.retention_days``); older ones are left out rather than added and
    deleted at the next start (0: all are added)."""
    rows, skipped = read_export(path, chat_id, bot_id)
    too_old = 0
    if keep_days:
        since = int(time.time()) - keep_days * 86_400
        kept = [(m, e) for m, e in rows if m.date >= since]
        too_old, rows = len(rows) - len(kept), kept
    added = 0
    for message, edited in rows:
        if await store.log_message(message):
            added += 1
            if edited:
                await store.mark_edited(message.chat_id, message.message_id, edited)
    await store.commit()
    return Imported(len(rows) + skipped + too_old, added, skipped, too_old)
