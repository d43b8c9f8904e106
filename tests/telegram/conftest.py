"""Fixtures of the Telegram layer's tests."""

from tests.auxil.reader import reader  # noqa: F401  (the running bot with its reader on)
