"""The offline console: the bot's commands in a terminal, with no Telegram at all.

Interactive on a terminal; otherwise it reads one command per line from standard input and
exits at the end, so ``printf '/quote any peace\\n' | python -m bot console`` is scriptable.
"""

from __future__ import annotations

import contextlib
import re
import sys
from datetime import UTC, datetime
from typing import TextIO, cast

from bot.commands import Commands
from bot.daily import MAX_MINUTES, Daily
from bot.discussion import privacy_text
from bot.reply import Reply, code, to_plain
from bot.storage import Plan, Store
from bot.text import number

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(?P<args>.*))?$", re.DOTALL)


# What needs a group's discussion, which the console has none of.
_GROUP_ONLY = {
    "thread": "no threads", "threads": "no threads", "search": "no discussion to search",
    "digest": "no discussion to digest", "export": "no discussion to export",
    "quotes": "no quote board", "unclear": "no digest to mark passages for",
    "meeting": "no meetings", "logging": "no log", "forgetme": "nothing of yours to forget",
    "poll": "no members to poll",
}  # fmt: skip


class ConsoleChat:
    """The console's own chat: a reading plan kept in memory for the session (what /plan,
    /next and /today show), and a plain answer for what only a group has."""

    def __init__(self, commands: Commands, retention_days: int = 365) -> None:
        async def nowhere(chat: int, topic: int | None, reply: Reply) -> None:
            return None

        # The plan's logic needs no database: nothing here is stored (see bot.daily.Daily).
        self.daily = Daily(cast(Store, None), commands.library, lambda: commands.terms, nowhere)
        self.plan = Plan(0)
        self.retention_days = retention_days

    def handle(self, name: str, args: str) -> Reply | None:
        """The console's answer to a command of a chat's, or None for the library's commands."""
        name = name.casefold()
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
                "The console keeps nothing: its plan lasts until you leave. In Telegram:\n"
                + privacy_text(self.retention_days)
            )
        if name in _GROUP_ONLY:
            return Reply().add(
                f"The console is not a group and has {_GROUP_ONLY[name]}. In Telegram, send ",
                code(f"/{name}"), " in the group.",
            )  # fmt: skip
        return None

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


def answer(commands: Commands, line: str, chat: ConsoleChat | None = None) -> Reply | None:
    """The reply to one console line; None for a blank line. Words without a slash are a
    quote search, as in a private chat with the bot."""
    line = line.strip()
    if not line:
        return None
    m = _COMMAND.match(line)
    if not m:
        if line.startswith("/"):
            return Reply().add("Commands look like ", code("/help"), ".")
        return commands.handle("quote", line)
    if chat is not None and (reply := chat.handle(m["name"], m["args"] or "")) is not None:
        return reply
    reply = commands.handle(m["name"], m["args"] or "")
    return reply if reply is not None else commands.unknown(m["name"])


def run_console(commands: Commands, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Read commands until end of input (or /quit) and print the answers."""
    interactive = stdin.isatty() and stdout.isatty()
    chat = ConsoleChat(commands)
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
        reply = answer(commands, line, chat)
        if reply is None:
            continue
        text = to_plain(reply, ansi=interactive)
        stdout.write(("\n" if interactive else "") + text + "\n" + ("" if interactive else "\n"))
        stdout.flush()
    return 0
