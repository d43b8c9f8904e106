"""A Mini App's ``initData``: the sign-in Telegram gives the page, checked as Telegram specifies
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).

The data-check string is every field but ``hash``, sorted by key, as ``key=value`` lines; its
HMAC-SHA-256 under the key HMAC-SHA-256("WebAppData", bot token) must be ``hash``, and
``auth_date`` no older than the bot allows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

MAX_INIT_DATA = 8192  # characters: Telegram's is well under a kilobyte or two
CLOCK_SKEW = 300  # seconds an auth_date may lie in the future (clocks differ)


class InvalidInitData(ValueError):
    """The sign-in is missing, forged, expired or malformed (the message says which)."""


@dataclass(frozen=True)
class SignIn:
    """Who opened the reader, as Telegram signed it."""

    user_id: int
    name: str
    auth_date: int
    start_param: str  # what the link that opened it carried ("" if none)
    signature: str  # the hash: the same for every request of one opening of the page


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def validate(init_data: str, token: str, max_age: int, now: float | None = None) -> SignIn:
    """The member the sign-in names; InvalidInitData unless Telegram signed it with this
    bot's token within ``max_age`` seconds."""
    if not init_data:
        raise InvalidInitData("no sign-in: open the reader from Telegram")
    if len(init_data) > MAX_INIT_DATA:
        raise InvalidInitData("the sign-in is too long")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InvalidInitData(f"the sign-in has {key!r} twice")
        fields[key] = value
    given = fields.get("hash", "")
    expected = hmac.new(_secret(token), _check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InvalidInitData("the sign-in's signature is wrong")
    try:
        auth_date = int(fields.get("auth_date", ""))
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError):
        raise InvalidInitData("the sign-in names no member") from None
    now = time.time() if now is None else now
    if auth_date < now - max_age:
        raise InvalidInitData("the sign-in has expired: open the reader again from the chat")
    if auth_date > now + CLOCK_SKEW:
        raise InvalidInitData("the sign-in is dated in the future")
    name = " ".join(str(user.get(k) or "") for k in ("first_name", "last_name")).strip()
    return SignIn(user_id, name or "a member", auth_date, fields.get("start_param", ""), given)


def sign(fields: dict[str, str], token: str) -> str:
    """``fields`` as initData signed with ``token``, as Telegram makes it (for tests and
    benchmarks, which play Telegram's part)."""
    fields = {k: v for k, v in fields.items() if k != "hash"}
    digest = hmac.new(_secret(token), _check_string(fields).encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})
