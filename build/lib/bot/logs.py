"""Logging: one line per event on standard error, as text or JSON, never with a secret in it.

Text lines read ``2026-11-22 04:00:00,123 INFO bot.telegram.app: Started as @Bot``; a traceback
stays on its line, its line breaks written as ``\\n``. JSON lines carry ``time``, ``level``,
``logger``, ``message`` and, for a failure, ``error`` (the traceback), for a log collector to
index. Secrets (the bot token, the webhook secret) are replaced by ``<token>`` and ``<secret>``
in the finished line, whatever logged it and wherever in the line they appear (a message, an
exception's text, a URL inside a traceback), in any letter case.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import TextIO

QUIET = ("httpx", "httpcore")  # HTTP client chatter: URLs that carry the token


class OneLineFormatter(logging.Formatter):
    """A log record as one line of text or JSON, secrets removed."""

    def __init__(self, style: str = "text", secrets: dict[str, str] | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.style = style
        self.secrets = secrets or {}

    def format(self, record: logging.LogRecord) -> str:
        if self.style == "json":
            entry = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                + f".{int(record.msecs):03d}Z",
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            }
            if record.exc_info:
                entry["error"] = self.formatException(record.exc_info)
            line = json.dumps(entry, ensure_ascii=False)
        else:
            line = super().format(record).replace("\r", "").replace("\n", "\\n")
        return redact(line, self.secrets)


def redact(text: str, secrets: dict[str, str]) -> str:
    """``text`` with each secret replaced by its stand-in, in any letter case (some errors
    arrive capitalised: python-telegram-bot lower-cases all but an error's first letter)."""
    for secret, shown in secrets.items():
        if secret:
            text = re.sub(re.escape(secret), shown, text, flags=re.IGNORECASE)
    return text


def setup_logging(
    level: str, style: str, secrets: dict[str, str], stream: TextIO | None = None
) -> None:
    """Send every logger's records to standard error through :class:`OneLineFormatter`.
    ``secrets`` maps each secret to what is shown instead."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(OneLineFormatter(style, secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
