"""Logs: one line per event, text or JSON, and never a secret, wherever it hides."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import setup_logging
from tests.conftest import TOKEN

SECRET = "hook-secret-123"


@pytest.fixture
def logged():
    stream = io.StringIO()
    yield lambda style: (
        setup_logging("INFO", style, {TOKEN: "<token>", SECRET: "<secret>"}, stream),
        stream,
    )[1]
    logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def events(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def log_everything() -> None:
    log = logging.getLogger("bot.test")
    log.info("Calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("Bot%s is not welcome", TOKEN.lower())  # as a capitalised error message has it
    log.warning("webhook secret is %s", SECRET)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        log.exception("Sending failed")


@pytest.mark.parametrize("style", ["text", "json"])
def test_no_secret_reaches_the_log_in_messages_errors_or_tracebacks(logged, style):
    stream = logged(style)
    log_everything()
    text = stream.getvalue()
    assert TOKEN.split(":")[1].casefold() not in text.casefold()
    assert SECRET not in text
    assert "bot<token>/getMe" in text
    assert "<secret>" in text
    assert len(events(stream)) == 4  # the traceback stays on its event's line


def test_json_lines_carry_level_logger_message_and_the_error(logged):
    stream = logged("json")
    log_everything()
    first, _, second, third = (json.loads(line) for line in events(stream))
    assert (first["level"], first["logger"]) == ("INFO", "bot.test")
    assert first["message"] == "Calling https://api.telegram.org/bot<token>/getMe"
    assert first["time"].endswith("Z")
    assert second["level"] == "WARNING"
    assert third["message"] == "Sending failed"
    assert "Traceback" in third["error"]
    assert "RuntimeError" in third["error"]


def test_text_lines_keep_a_traceback_on_one_line(logged):
    stream = logged("text")
    log_everything()
    last = events(stream)[-1]
    assert "ERROR bot.test: Sending failed\\nTraceback" in last
