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


def test_words_without_a_slash_are_a_quote_search_as_in_a_private_chat(commands):
    assert "trumps-world-order ¶6" in answer(commands, "any peace is only a truce").text()
    assert "Nothing in the library comes close" in answer(commands, "hello bot").text()
    assert "I don't know /nope" in answer(commands, "/nope").text()
    assert answer(commands, "   ") is None


def test_the_console_has_a_plan_of_its_own_and_says_what_only_a_group_has(commands):
    from bot.console import ConsoleChat

    chat = ConsoleChat(commands)
    assert answer(commands, "/plan", chat).text().startswith("Reading plan · about 5 min a reading · 0 of 5 done")  # fmt: skip
    assert answer(commands, "/next", chat).text().startswith("Reading 1 of 5")
    assert "1 of 5 done" in answer(commands, "/plan", chat).text()
    assert answer(commands, "/today", chat).text().startswith("Reading 1 of 5")
    assert answer(commands, "/daily", chat).text().startswith("No daily reading here yet")
    assert "The console keeps nothing" in answer(commands, "/privacy", chat).text()
    for name in ("search", "digest", "export", "threads", "quotes", "forgetme", "meeting"):
        said = answer(commands, f"/{name} x", chat).text()
        assert said.startswith("The console is not a group and has "), name
        assert "works in Telegram" not in said


def test_console_stops_at_quit(commands):
    output = run(commands, "/quit\n/articles\n")
    assert output == ""
