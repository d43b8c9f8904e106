"""The offline console: same commands, same answers, as plain text."""

from __future__ import annotations

import io

from bot.console import answer, run_console
from bot.reply import to_plain


def run(commands, text: str) -> str:
    out = io.StringIO()
    assert run_console(commands, io.StringIO(text), out) == 0
    return out.getvalue()


def test_console_gives_the_same_answer_as_the_command(commands):
    output = run(commands, "/quote any peace is only a truce between two wars\n")
    expected = to_plain(commands.quote("any peace is only a truce between two wars"))
    assert output == expected + "\n\n"
    assert "*Any “peace” is only a truce between two wars*" in output
    assert "trumps-world-order ¶6" in output


def test_console_reads_one_command_per_line_until_the_end(commands):
    output = run(commands, "/articles\n\n/help\n/quote@ReadingGroupBot stab in the back\n")
    assert output.index("The library: 5 articles") < output.index("*Commands*")
    assert "putin-v-prigozhin ¶11" in output


def test_console_explains_lines_that_are_not_commands(commands):
    assert "Commands start with a slash" in answer(commands, "hello bot").text()
    assert "I don't know /nope" in answer(commands, "/nope").text()
    assert answer(commands, "   ") is None


def test_console_stops_at_quit(commands):
    output = run(commands, "/quit\n/articles\n")
    assert output == ""
