"""What the store keeps and gives back: messages, plans, settings."""

from __future__ import annotations

from dataclasses import dataclass, field

REDACTED = "[removed: it showed the words of a member who asked to be forgotten]"


@dataclass(frozen=True)
class LoggedMessage:
    """A message as the log keeps it."""

    chat_id: int
    message_id: int
    date: int  # unix time
    sender_id: int | None
    sender_name: str
    text: str
    is_bot: bool = False
    reply_to: int | None = None
    topic_id: int | None = None
    forward_from: str | None = None
    opens_thread: bool = False  # a bot post that starts a thread (a quote, a summary, a reading)
    refs: tuple[str, ...] = ()  # passage references it concerns
    reply_to_bot_post: bool = False  # its reply target is one of this bot's posts
    thread_root: int | None = None  # set for the later parts of a bot post sent in several
    carries: tuple[int, ...] = ()  # a bot post: the members whose words or names it shows


@dataclass(frozen=True)
class StoredMessage:
    """A row of the log: a message with its latest text."""

    chat_id: int
    message_id: int
    date: int
    sender_id: int | None
    sender_name: str
    is_bot: bool
    text: str
    reply_to: int | None
    topic_id: int | None
    forward_from: str | None
    thread_root: int | None
    refs: tuple[str, ...]
    versions: int = 1


@dataclass
class Plan:
    """A chat's reading plan and daily schedule."""

    chat_id: int
    order: list[str] = field(default_factory=list)  # article ids; empty: catalog order
    minutes: int = 5  # reading time of one reading
    position: int = 0  # index of the next reading
    last_reading: int | None = None  # index of the reading posted last (for /today)
    daily_time: str | None = None  # "HH:MM" local, or None when not subscribed
    timezone: str = "UTC"
    topic_id: int | None = None  # the forum topic the readings go to
    paused: bool = False
    last_date: str | None = None  # local date (ISO) of the last scheduled post, or skipped day
    weekdays: tuple[int, ...] = ()  # days of the week it posts on (0 = Monday); () every day
    meeting_time: str | None = None  # "HH:MM" local: when the group meets, or None
    meeting_days: tuple[int, ...] = ()  # the days it meets on (0 = Monday)
    meeting_last: str | None = None  # local date (ISO) of the last meeting reminder sent


@dataclass(frozen=True)
class ChatSettings:
    logging: bool | None  # None: the configured default
    active: bool


class StorageError(Exception):
    """The database cannot be opened or upgraded; the message names the file."""


_COLUMNS = (
    "m.chat_id, m.message_id, m.date, m.sender_id, m.sender_name, m.is_bot, m.text, "
    "m.reply_to, m.topic_id, m.forward_from, m.thread_root, m.refs"
)


def _row(row: tuple, versions: int = 1) -> StoredMessage:
    chat_id, message_id, date, sender_id, name, is_bot, text, reply_to, topic, forward, root = row[
        :11
    ]
    return StoredMessage(
        chat_id,
        message_id,
        date,
        sender_id,
        name,
        bool(is_bot),
        text,
        reply_to,
        topic,
        forward,
        root,
        tuple(r for r in row[11].split("\n") if r),
        versions,
    )
