"""The offline console: the bot's commands in a terminal, with no Telegram at all.

Interactive on a terminal; otherwise it reads one command per line from standard input and
exits at the end, so ``printf '/quote any peace\\n' | python -m bot console`` is scriptable.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import TextIO

from bot.commands import Commands
from bot.reply import Reply, code, to_plain

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(?P<args>.*))?$", re.DOTALL)


def answer(commands: Commands, line: str) -> Reply | None:
    """The reply to one console line; None for a blank line."""
    line = line.strip()
    if not line:
        return None
    m = _COMMAND.match(line)
    if not m:
        return Reply().add("Commands start with a slash: try ", code("/help"), ".")
    reply = commands.handle(m["name"], m["args"] or "")
    return reply if reply is not None else commands.unknown(m["name"])


def run_console(commands: Commands, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Read commands until end of input (or /quit) and print the answers."""
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
        reply = answer(commands, line)
        if reply is None:
            continue
        text = to_plain(reply, ansi=interactive)
        stdout.write(("\n" if interactive else "") + text + "\n" + ("" if interactive else "\n"))
        stdout.flush()
    return 0
