"""The SQLite store: intake of updates, the discussion log, and each chat's settings.

One database file, WAL mode, one long-lived connection that does all the writing. The schema is
built and upgraded by numbered migrations at start-up, each applied together with its
bookkeeping row in one transaction. Writes are idempotent: a message is keyed on (chat, message
id), an edit on (chat, message id, edit time), an update on its update id, so replaying anything
after a crash changes nothing. Nothing here knows about Telegram.
"""

from __future__ import annotations

from bot.storage.articles import Articles
from bot.storage.chats import Chats
from bot.storage.core import (
    COMMIT_INTERVAL,
    OUTBOX_KEEP,
    RECOVERY,
    SCRUB_EVERY,
    SCRUB_FOR,
    WRITE_GRACE,
)
from bot.storage.inbox import Inbox
from bot.storage.log import Log
from bot.storage.margins import Margins
from bot.storage.migrations import MIGRATIONS
from bot.storage.outbox import Outbox
from bot.storage.plans import Plans
from bot.storage.quotes import Quotes
from bot.storage.records import (
    REDACTED,
    ChatSettings,
    LoggedMessage,
    Plan,
    StorageError,
    StoredMessage,
)

__all__ = [
    "COMMIT_INTERVAL",
    "MIGRATIONS",
    "OUTBOX_KEEP",
    "RECOVERY",
    "REDACTED",
    "SCRUB_EVERY",
    "SCRUB_FOR",
    "WRITE_GRACE",
    "ChatSettings",
    "LoggedMessage",
    "Plan",
    "StorageError",
    "Store",
    "StoredMessage",
]


class Store(Log, Margins, Outbox, Quotes, Articles, Plans, Chats, Inbox):
    """The bot's database. Open with :meth:`open`, close with :meth:`close`."""
