"""The offline console: same commands, same answers, as plain text."""

from __future__ import annotations

import io
import re

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

    with ConsoleChat(commands) as chat:
        assert answer(commands, "/plan", chat).text().startswith("Reading plan · about 5 min a reading · 0 of 5 done")  # fmt: skip
        assert answer(commands, "/next", chat).text().startswith("Reading 1 of 5")
        assert "1 of 5 done" in answer(commands, "/plan", chat).text()
        assert answer(commands, "/today", chat).text().startswith("Reading 1 of 5")
        assert answer(commands, "/daily", chat).text().startswith("No daily reading here yet")
        privacy = answer(commands, "/privacy", chat).text()
        assert "The console keeps everything in memory and nothing on disk" in privacy
        for name in ("threads", "meeting", "poll"):
            said = answer(commands, f"/{name} x", chat).text()
            assert said.startswith("The console is not a group and has "), name
            assert "works in Telegram" not in said


def test_the_console_searches_digests_and_exports_its_own_chat(commands, tmp_path):
    from bot.console import ConsoleChat

    with ConsoleChat(commands, folder=tmp_path) as chat:
        assert answer(commands, "/next", chat).text().startswith("Reading 1 of 5")
        answer(commands, "/quote any peace is only a truce between two wars", chat)
        answer(commands, "what does he mean by a truce between two wars?", chat)
        answer(commands, "/unclear 2:7", chat)

        found = answer(commands, "/search truse", chat).text()  # a typo
        assert found.startswith("“truse” in the console's discussion: 1 message")
        assert "what does he mean by a truce" in found
        assert "/search" not in found.split("\n", 1)[1]  # commands are not discussion

        digest = answer(commands, "/digest", chat).text()
        assert digest.startswith("Digest of the last 7 days")
        assert "Read: " in digest
        assert "Open questions" in digest
        assert "what does he mean by a truce" in digest
        assert "Marked unclear: putin-v-prigozhin ¶7" in digest
        assert "Passages pulled (by /quote or /discuss): trumps-world-order ¶6" in digest
        assert answer(commands, "/digest 1", chat).text().startswith("Digest of the last day\n")
        assert "¶6.5 (2 pulls in all)" in digest  # pulls: a passage pulled twice is listed once
        assert "trumps-world-order ¶6" in answer(commands, "/quotes", chat).text()

        answer(commands, "/quote any peace is only a truce between two wars", chat)  # again
        said = answer(commands, "/export", chat).text()
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == ["console-discussion-7d.html", "console-discussion-7d.md"]
        assert str(tmp_path / files[1]) in said
        handout = (tmp_path / files[1]).read_text()
        assert "what does he mean by a truce between two wars?" in handout
        # the count is of the messages written out (the quote answered twice is written once)
        count = re.search(r"^(\d+) messages?, times in", handout, re.M)
        assert count is not None, handout
        assert int(count[1]) == len(re.findall(r"^\s*- \*\*", handout, re.M)), handout
        assert "/quote" not in handout
        assert "/unclear" not in handout

        assert (
            "Give a number of days from 1 to 366" in answer(commands, "/digest lots", chat).text()
        )
        assert "Give a number of days" in answer(commands, "/export 0", chat).text()
        assert "Which passage?" in answer(commands, "/unclear", chat).text()
        assert "Give me words" in answer(commands, "/search", chat).text()

        forgotten = answer(commands, "/forgetme", chat).text()
        assert forgotten.startswith("Forgotten: the 15 lines you typed (this one too)")
        assert (
            "Nothing in the console's discussion says"
            in answer(commands, "/search truce", chat).text()
        )
        assert answer(commands, "/quotes", chat).text().startswith("No quotes pulled here yet")


def test_an_export_the_console_cannot_write_says_where(commands, tmp_path):
    from bot.console import ConsoleChat

    missing = tmp_path / "gone"
    with ConsoleChat(commands, folder=missing) as chat:
        answer(commands, "a line to export", chat)
        said = answer(commands, "/export 1", chat).text()
    assert said.startswith(f"I could not write the handout in {missing}")


def test_the_console_script_keeps_its_log_for_the_session(commands, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = run(commands, "the stab in the back\n/search stab\n")
    assert "putin-v-prigozhin ¶11" in output
    assert "*“stab” in the console's discussion*: 1 message" in output
    assert list(tmp_path.iterdir()) == []  # nothing written unless /export is asked for


def test_console_stops_at_quit(commands):
    output = run(commands, "/quit\n/articles\n")
    assert output == ""


def test_the_console_handout_names_each_reading_once_and_forgetme_keeps_the_readings(
    commands, tmp_path
):
    from bot.console import ConsoleChat

    with ConsoleChat(commands, folder=tmp_path) as chat:
        answer(commands, "/next", chat)
        answer(commands, "why is the war in Iraq a turning point?", chat)
        answer(commands, "/today", chat)  # the same reading again
        answer(commands, "/export 1", chat)
        handout = (tmp_path / "console-discussion-1d.md").read_text()
        heading = "## Reading 1 of 5: The twisted logic of the pro-Putin left (pro-putin-left ¶1)"
        assert handout.count(heading) == 1
        assert handout.count("American-sponsored globalisation is in rapid decline") == 1

        answer(commands, "a line with a bell\x07 and an escape\x1b[31m", chat)
        assert "\x07" not in answer(commands, "/search bell", chat).text()
        answer(commands, "/forgetme", chat)
        digest = answer(commands, "/digest", chat).text()
        assert "Read: pro-putin-left ¶1" in digest  # the readings shown stay
        assert "why is the war" not in digest
        answer(commands, "a line after forgetting", chat)
        assert "1 message" in answer(commands, "/search forgetting", chat).text()


def test_the_console_says_what_is_wrong_with_a_reference(commands):
    from bot.console import ConsoleChat

    with ConsoleChat(commands) as chat:
        said = answer(commands, "/unclear 2:999", chat).text()
    assert "has 19 paragraphs" in said


def test_a_command_that_fails_is_apologised_for_and_the_session_goes_on(
    library, monkeypatch, caplog
):
    from bot.commands import Commands

    commands = Commands(library)

    def broken(*_: object) -> None:
        raise RuntimeError("a fault in one command")

    monkeypatch.setattr(commands, "summary", broken)  # a fault injected, not a stand-in
    output = run(commands, "/summary 2\n/quote stab in the back\n")
    assert output.startswith("Sorry, something went wrong while answering that")
    assert "putin-v-prigozhin ¶11" in output  # the next command is answered
    assert "a fault in one command" in caplog.text


def test_the_console_takes_a_quote_off_its_board_as_a_groups_admin_would(commands):
    output = run(commands, "/quote stab in the back\n/quotes remove prigozhin 11.1\n/quotes\n")
    assert "Taken off the board: putin-v-prigozhin ¶11.1." in output
    assert output.rstrip().endswith("No quotes pulled here yet: /quote <words> pulls one.")
