"""The offline console: the bot's commands in a terminal, with no Telegram at all.

Interactive on a terminal; otherwise it reads one command per line from standard input and
exits at the end, so ``printf '/quote any peace\\n' | python -m bot console`` is scriptable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast
from zoneinfo import ZoneInfo

from bot.commands import Commands
from bot.daily import MAX_MINUTES, Daily
from bot.discussion import Discussion, days_asked, privacy_text
from bot.quotes import board_reply
from bot.readings import plan_readings
from bot.reply import Reply, code, to_plain
from bot.storage import LoggedMessage, Plan, Store
from bot.text import number

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(?P<args>.*))?$", re.DOTALL)


# What needs a group's members or Telegram's messages, which the console has none of.
_GROUP_ONLY = {
    "thread": "no threads (a thread is the replies to a post)",
    "threads": "no threads (a thread is the replies to a post)",
    "meeting": "no meetings", "logging": "no switch for its log (it keeps it in memory)",
    "poll": "no members to poll",
}  # fmt: skip

CHAT = -1  # the console's chat in its log: a basic group's kind of id (its messages have no links)
YOU = 1  # the one member of the console's chat
MAX_LINE = 4096  # characters of a line kept, as of a Telegram message
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ConsoleChat:
    """The console's own chat, kept in memory for the session: a reading plan (what /plan,
    /next and /today show) and a log of what you typed and the passages shown, which /search,
    /digest, /export, /quotes and /unclear read as a group's; a plain answer for what only a
    group has. Use it as a context manager, or call :meth:`close`."""

    def __init__(
        self, commands: Commands, retention_days: int = 365, tz: ZoneInfo | None = None,
        folder: Path | None = None,
    ) -> None:  # fmt: skip
        async def nowhere(chat: int, topic: int | None, reply: Reply) -> None:
            return None

        self.commands = commands
        # The plan's logic needs no database: the plan lives here (see bot.daily.Daily).
        self.daily = Daily(cast(Store, None), commands.library, lambda: commands.terms, nowhere)
        self.plan = Plan(0)
        self.retention_days = retention_days
        self.folder = folder if folder is not None else Path.cwd()  # where /export writes
        # The log is the bot's own, in a database in memory, on a loop of the console's.
        self._runner = asyncio.Runner()
        self.store = self._run(Store.open(":memory:"))
        self.discussion = Discussion(self.store, tz or ZoneInfo("UTC"), commands.library)
        self._last_id = 0

    def _run(self, work: Any) -> Any:
        return self._runner.run(work)

    def close(self) -> None:
        """Close the log (everything in it is gone) and the console's loop."""
        with contextlib.suppress(Exception):
            self._run(self.store.close())
        self._runner.close()

    def __enter__(self) -> ConsoleChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answer(self, line: str) -> Reply | None:
        """The reply to one line, and both kept in the console's log as a group keeps them."""
        line = line.strip()
        if not line:
            return None
        said = _CONTROL.sub("", line)[:MAX_LINE]  # as Telegram keeps a message: no controls
        self._log(LoggedMessage(CHAT, self._id(), int(time.time()), YOU, "you", said))
        try:
            reply = _answer(self.commands, line, self)
        except Exception:  # one command's fault is not the end of the session
            log.exception("Error while answering a console command")
            reply = Reply().add(
                "Sorry, something went wrong while answering that; the error is logged. "
                "Other commands still work."
            )
        if reply is not None:
            reply = _console_words(reply)
        if reply is not None and reply.refs:
            posted = self._id()
            self._log(LoggedMessage(
                CHAT, posted, int(time.time()), None, "the bot", reply.text(), is_bot=True,
                opens_thread=reply.opens_thread, refs=tuple(reply.refs),
            ))  # fmt: skip
            for ref in reply.pulled:
                self._run(self.store.record_pull(CHAT, posted, ref, YOU, "you", "quote"))
        return reply

    def _id(self) -> int:
        self._last_id += 1
        return self._last_id

    def _log(self, message: LoggedMessage) -> None:
        self._run(self.store.log_message(message))

    def handle(self, name: str, args: str) -> Reply | None:
        """The console's answer to a command of a chat's, or None for the library's commands."""
        name = name.casefold()
        if name in ("search", "digest", "export", "quotes", "unclear", "forgetme"):
            return cast(Reply, self._run(getattr(self, f"_{name}")(args.strip())))
        if name == "plan":
            return self._plan(args.split())
        if name == "next":
            return self.daily._advance(self.plan)
        if name == "today":
            return self.daily._again(self.plan)
        if name == "daily":
            if not args.strip():
                return self.daily.describe(self.plan, datetime.now(UTC))
            return Reply().add(
                "The console posts nothing on a schedule: ", code("/next"),
                " shows the plan's next reading now. In Telegram, ", code("/daily 07:30"),
                " sets a group's.",
            )  # fmt: skip
        if name == "privacy":
            return Reply().add(
                "The console keeps everything in memory and nothing on disk: its plan, and a "
                "log of what you type and the passages it shows (for /search, /digest, "
                "/export and /quotes), until you leave; /forgetme empties the log now. "
                "/export writes its two files in the folder you started me in.\n\nIn a "
                "Telegram group:\n" + privacy_text(self.retention_days)
            )
        if name in _GROUP_ONLY:
            return Reply().add(
                f"The console is not a group and has {_GROUP_ONLY[name]}. In Telegram, send ",
                code(f"/{name}"), " in the group.",
            )  # fmt: skip
        return None

    async def _search(self, args: str) -> Reply:
        return _console_words(await self.discussion.search(CHAT, args))

    async def _digest(self, args: str) -> Reply:
        days = days_asked(args, "digest")
        if isinstance(days, Reply):
            return days
        readings = plan_readings(self.commands.library, self.plan.order, self.plan.minutes)
        reply = await self.discussion.digest(
            CHAT, days, int(time.time()), {r.ref for r in readings}
        )
        return _console_words(reply)

    async def _export(self, args: str) -> Reply:
        days = days_asked(args, "export")
        if isinstance(days, Reply):
            return days
        export = await self.discussion.export_days(CHAT, days, int(time.time()))
        if not export.messages:
            return Reply().add("Nothing logged in that time.")
        written = []
        try:
            for suffix, body in (("md", export.markdown), ("html", export.html)):
                path = self.folder / export.file_name(suffix).replace(
                    "discussion-1-", "console-discussion-"
                )
                path.write_text(body, encoding="utf-8")
                written.append(str(path))
        except OSError as exc:
            return Reply().add(f"I could not write the handout in {self.folder}: {exc.strerror}.")
        return Reply().add(
            f"The handout of the console's last {days} day{'s' if days != 1 else ''}: ",
            code(written[0]), " and ", code(written[1]), ".",
        )  # fmt: skip

    async def _quotes(self, args: str) -> Reply:
        if args.casefold().startswith("remove"):  # the console's user is its chat's admin
            return await self.discussion.take_off_board(CHAT, args[len("remove") :], admin=True)
        return board_reply(self.commands.library, await self.store.board(CHAT))

    async def _unclear(self, args: str) -> Reply:
        return await self.discussion.mark_unclear(CHAT, args, YOU)

    async def _forgetme(self, args: str) -> Reply:
        gone = await self.store.forget(CHAT, YOU)
        posts = [m for m in await self.store.since([CHAT], 0) if m.is_bot]
        await self.store.close()
        # The log starts again, keeping only my posts (the readings shown), as a group keeps
        # them: what you typed, your quotes and your marks are gone, and your next line is kept.
        self.store = await Store.open(":memory:")
        self.discussion.store = self.store
        for post in posts:
            await self.store.log_message(LoggedMessage(
                CHAT, post.message_id, post.date, None, post.sender_name, post.text, is_bot=True,
                opens_thread=post.thread_root == post.message_id, refs=post.refs,
            ))  # fmt: skip
        return Reply().add(
            f"Forgotten: the {gone} line{'s' if gone != 1 else ''} you typed (this one too), "
            "and your quotes and marks of this session. The readings I showed stay in the "
            "log; your next line is kept again."
        )

    def _plan(self, args: list[str]) -> Reply:
        action = args[0].casefold() if args else ""
        if action == "reset" and len(args) == 1:
            self.plan = Plan(0, minutes=self.plan.minutes)
        elif action == "minutes" and len(args) == 2 and 1 <= (number(args[1]) or 0) <= MAX_MINUTES:
            self.plan.minutes = number(args[1]) or self.plan.minutes
        elif action == "move" and len(args) >= 3 and (position := number(args[-1])) is not None:
            error = self.daily._move(self.plan, " ".join(args[1:-1]), position)
            if error:
                return Reply().add(error)
        elif args:
            return Reply().add(
                "I didn't follow that. Try ", code("/plan move 5 1"), ", ",
                code("/plan minutes 10"), " or ", code("/plan reset"), ".",
            )  # fmt: skip
        return self.daily._plan_reply(self.plan)


# A group's words, as said of the console's chat.
_CONSOLE_WORDS = {
    "in this group": "in the console",
    "An admin sets one with ": "In Telegram, a group's admin sets one with ",
    "Reply to this message to discuss it; ": (
        "Say what you make of it on the next line. In a group, "
    ),
    " as a reply sums it up.": " as a reply sums up the thread.",
}


def _console_words(reply: Reply) -> Reply:
    """A group's answer, as said of the console's chat."""
    for n, block in enumerate(reply.blocks):
        spans = []
        for span in block.spans:
            text = span.text
            for group, console in _CONSOLE_WORDS.items():
                text = text.replace(group, console)
            spans.append(replace(span, text=text))
        reply.blocks[n] = replace(block, spans=tuple(spans))
    return reply


def answer(commands: Commands, line: str, chat: ConsoleChat | None = None) -> Reply | None:
    """The reply to one console line; None for a blank line. Words without a slash are a
    quote search, as in a private chat with the bot. With ``chat``, the line and the reply
    go in the console's log."""
    if chat is not None:
        return chat.answer(line)
    line = line.strip()
    return _answer(commands, line) if line else None


def _answer(commands: Commands, line: str, chat: ConsoleChat | None = None) -> Reply | None:
    m = _COMMAND.match(line)
    if not m:
        if line.startswith("/"):
            return Reply().add("Commands look like ", code("/help"), ".")
        return commands.handle("quote", line)
    if chat is not None and (reply := chat.handle(m["name"], m["args"] or "")) is not None:
        return reply
    reply = commands.handle(m["name"], m["args"] or "")
    return reply if reply is not None else commands.unknown(m["name"])


def run_console(
    commands: Commands, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
    tz: ZoneInfo | None = None, retention_days: int = 365,
) -> int:  # fmt: skip
    """Read commands until end of input (or /quit) and print the answers."""
    with ConsoleChat(commands, retention_days, tz) as chat:
        return _loop(chat, stdin, stdout)


def _loop(chat: ConsoleChat, stdin: TextIO, stdout: TextIO) -> int:
    commands = chat.commands
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
        stdout.write(
            f"Offline console: {len(commands.library)} articles loaded. "
            "Type /help for commands, /quit or Ctrl-D to leave.\n"
        )
    while True:
        try:
            line = input("\nyou> ") + "\n" if interactive else stdin.readline()
        except EOFError:
            line = ""
        if not line:
            break
        if line.strip() in ("/quit", "/exit"):
            break
        reply = chat.answer(line)
        if reply is None:
            continue
        text = to_plain(reply, ansi=interactive)
        stdout.write(("\n" if interactive else "") + text + "\n" + ("" if interactive else "\n"))
        stdout.flush()
    return 0
