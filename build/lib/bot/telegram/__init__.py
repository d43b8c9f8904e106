"""The Telegram layer: parse updates, call the reading logic in :mod:`bot`, render replies."""

import os

# Durations from python-telegram-bot (such as RetryAfter.retry_after) as timedelta, the type
# its next major version uses; without this opt-in every 429 also raises a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")
