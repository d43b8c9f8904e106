"""What a "Read" button carries to the reader: the group it was pressed in, the article, and
the paragraph to open at, as a Mini App start parameter (``startapp``: up to 512 of
A-Z a-z 0-9 _ -). ``r_m1001234_putin-v-prigozhin_7`` is group -1001234, ¶7 of that article.

A start parameter is the member's to make up: the group it names is only a request, granted
once Telegram confirms they are a member there (bot/telegram/reader.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.reply import Button

MAX_PARAM = 512
_PARAM = re.compile(
    r"r_(?P<chat>[mp]\d{1,20})_(?P<article>[A-Za-z0-9-]{1,200})(?:_(?P<n>\d{1,6}))?"
)


@dataclass(frozen=True)
class Launch:
    """Where the reader opens: a chat's discussion (None: the text alone), an article (""
    for the library's list) and a paragraph (None: the top)."""

    chat_id: int | None
    article_id: str
    paragraph: int | None = None


def start_param(chat_id: int, article_id: str, paragraph: int | None = None) -> str:
    """The start parameter for a Read button pressed in ``chat_id``; "" if it would not fit or
    the article's id has characters Telegram does not allow there."""
    chat = f"m{-chat_id}" if chat_id < 0 else f"p{chat_id}"
    param = f"r_{chat}_{article_id}" + (f"_{paragraph}" if paragraph else "")
    return param if len(param) <= MAX_PARAM and _PARAM.fullmatch(param) else ""


def parse_start_param(param: str) -> Launch:
    """Where a start parameter opens the reader; the library's list if it names nothing."""
    m = _PARAM.fullmatch(param or "")
    if not m:
        return Launch(None, "")
    chat = int(m["chat"][1:]) * (-1 if m["chat"][0] == "m" else 1)
    return Launch(chat, m["article"], int(m["n"]) if m["n"] else None)


_TARGET = re.compile(r"^(?P<article>[a-z0-9]+(?:-[a-z0-9]+)*)(?: ¶(?P<n>\d+))?")


@dataclass(frozen=True)
class ReaderLinks:
    """The Read buttons of a bot whose reader is switched on (``reader.url``)."""

    url: str  # the reader's public address, ending in /reader/
    app_name: str = ""  # the Mini App's short name (@BotFather's /newapp), for groups

    def button(
        self, read: str, chat_id: int, private: bool, bot_username: str | None
    ) -> Button | None:
        """The Read button under a post whose text the reader opens at ``read`` (a reference
        or an article's id): in a private chat a Mini App button; in a group, where Telegram
        allows none, a link to the Mini App that carries the group; None if there is none."""
        m = _TARGET.match(read)
        if not m or not self.url:
            return None
        article, n = m["article"], int(m["n"]) if m["n"] else None
        if private:
            query = urlencode({"a": article, **({"p": n} if n else {})})
            return Button("Read", url=f"{self.url}?{query}", app=True)
        param = start_param(chat_id, article, n)
        if not (self.app_name and bot_username and param):
            return None
        return Button("Read", url=f"https://t.me/{bot_username}/{self.app_name}?startapp={param}")
