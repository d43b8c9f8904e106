"""The reader's server: the Mini App's page and the API it calls, served by the bot itself.

In polling mode it listens on ``reader.listen``:``reader.port``; in webhook mode the webhook's
own tornado server serves it on the same port (bot/telegram/webhook.py). A reverse proxy puts
both behind the public https address ``reader.url`` (deploy/).

Every API request carries the Mini App's ``initData`` (``Authorization: tma <initData>``),
checked as Telegram specifies (bot/reader/initdata.py). The group whose discussion is shown is
the one the Read button was pressed in (the start parameter), and only once Telegram confirms
the member is in it (getChatMember, kept a minute). An action (a quote, a thread, a mark)
carries a request id, carried out once: a replayed request changes nothing. Quotes and threads
go out through the same code as the commands (:func:`bot.telegram.handlers.deliver`), so the
log, the board and the digest count them, and the flood limits hold.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import ChatMember
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.config import Config
from bot.discussion import message_link, one_line
from bot.flood import Verdict
from bot.library import Paragraph, Passage
from bot.quotes import discuss_reply, quote_reply
from bot.reader.initdata import InvalidInitData, SignIn, validate
from bot.reader.launch import Launch, parse_start_param
from bot.reader.page import Margin, Opening, article_view, counts_by_paragraph, library_view
from bot.telegram.handlers import BotData, deliver

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "reader" / "static"
MEMBER_CACHE_SECONDS = 60.0
MEMBER_CACHE_SIZE = 10_000  # (group, member) answers kept at most
RECENT_SECONDS = 300.0  # the same press on the same passage within this is not posted again
MAX_BODY = 16_384  # bytes: an action is a reference, a sentence and an id
_REQUEST = re.compile(r"[A-Za-z0-9_-]{8,64}")
MEMBERS = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
# Our own origin, and Telegram's script; no inline script at all (styles may be inline: Telegram's
# script adds a <style> in its web clients); framed only by Telegram's web clients (the apps show
# the page in a web view of their own).
CSP = (
    "default-src 'none'; script-src 'self' https://telegram.org; "
    "style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors https://web.telegram.org https://webk.telegram.org "
    "https://webz.telegram.org"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8"}  # fmt: skip


class Refused(Exception):
    """A request the reader does not carry out: an HTTP status and what to tell the member."""

    def __init__(self, status: int, said: str) -> None:
        super().__init__(said)
        self.status = status
        self.said = said


class ReaderServer:
    """The reader's routes, and a server of their own for polling mode."""

    def __init__(self, application: Application, config: Config) -> None:
        self.application = application
        self.token = config.token.get()
        self.max_age = config.reader_max_age
        self.listen = config.reader_listen
        self.port = config.reader_port
        self.shared = False  # the webhook's server serves these routes (webhook mode)
        self.members: dict[tuple[int, int], tuple[float, tuple[bool, bool]]] = {}
        self.recent: dict[tuple[int, int, str, str], float] = {}  # actions just carried out
        self._server: tornado.httpserver.HTTPServer | None = None

    @property
    def data(self) -> BotData:
        return self.application.bot_data

    def routes(self) -> list[Any]:
        return [
            (r"/reader/", _Page, {"name": "index.html"}),
            (r"/reader/static/(reader\.js|reader\.css)", _Static),
            (r"/reader/api/(open|margin|act)", _Api, {"reader": self}),
        ]

    async def start(self) -> None:
        """Listen on ``reader.listen``:``reader.port`` (polling mode)."""
        app = tornado.web.Application(self.routes())
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY, xheaders=True)
        self._server.listen(self.port, self.listen)
        log.info("Reader: listening on %s:%d/reader/", self.listen, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    # --- who asks, and for which group ------------------------------------------------------

    def sign_in(self, header: str) -> SignIn:
        scheme, _, init_data = header.partition(" ")
        if scheme.casefold() != "tma":
            raise Refused(401, "no sign-in: open the reader from Telegram")
        try:
            return validate(init_data.strip(), self.token, self.max_age)
        except InvalidInitData as exc:
            raise Refused(401, str(exc)) from None

    async def membership(self, chat_id: int, user_id: int) -> tuple[bool, bool]:
        """(in the chat, may post there) as Telegram says now, kept a minute; a member whom
        the group's admins muted reads but does not post through the reader."""
        if chat_id == user_id:
            return True, True  # their own private chat with the bot
        if chat_id > 0:
            return False, False  # someone else's private chat
        key = (chat_id, user_id)
        cached = self.members.get(key)
        if cached and time.monotonic() - cached[0] < MEMBER_CACHE_SECONDS:
            return cached[1]
        try:
            member = await self.application.bot.get_chat_member(chat_id, user_id)
        except (BadRequest, Forbidden) as exc:  # not a chat the bot is in, or no such member
            log.info("Reader: membership of %s in %s not confirmed: %s", user_id, chat_id, exc)
            answer = (False, False)
        except (NetworkError, TimedOut) as exc:  # Telegram did not answer: not a "no"
            log.info("Reader: membership of %s in %s unknown: %s", user_id, chat_id, exc)
            raise Refused(503, "Telegram did not answer; try again in a moment.") from None
        except TelegramError as exc:
            log.info("Reader: membership of %s in %s not confirmed: %s", user_id, chat_id, exc)
            answer = (False, False)
        else:
            restricted = member.status == ChatMember.RESTRICTED
            inside = member.status in MEMBERS or (
                restricted and bool(getattr(member, "is_member", 0))
            )
            posts = inside and (not restricted or bool(getattr(member, "can_send_messages", 0)))
            answer = (inside, posts)
        if len(self.members) >= MEMBER_CACHE_SIZE:
            self.members.clear()  # a minute's answers at most; asked again when needed
        self.members[key] = (time.monotonic(), answer)
        return answer

    async def launch(self, sign_in: SignIn, posting: bool = False) -> Launch:
        launch = parse_start_param(sign_in.start_param)
        if launch.chat_id == sign_in.user_id:  # their own chat with the bot: no group's
            return Launch(None, launch.article_id, launch.paragraph)
        if launch.chat_id is None:
            return launch
        inside, posts = await self.membership(launch.chat_id, sign_in.user_id)
        if not inside:
            raise Refused(403, "Only the group's members see its discussion.")
        if posting and not posts:
            raise Refused(
                403, "The group's admins have muted you there, so I post nothing for you."
            )
        return launch

    def paced(self, sign_in: SignIn) -> None:
        """Reading requests, one per tap: a burst, then held back (an action is paced as the
        commands are, in :meth:`act`)."""
        if not self.data.inline_throttle.allow(("reader", sign_in.user_id), time.monotonic()):
            raise Refused(429, "Slow down a little: try again in a moment.")

    # --- what the page asks for -------------------------------------------------------------

    async def open(self, sign_in: SignIn, body: dict[str, Any]) -> dict[str, Any]:
        """The article (with the group's counts beside each paragraph), or the library."""
        self.paced(sign_in)
        launch = await self.launch(sign_in)
        library = self.data.commands.library
        wanted = str(body.get("article") or launch.article_id or "")
        article = library.get(wanted) if wanted else None
        if article is None:
            return {"library": library_view(library), "group": launch.chat_id is not None}
        counts = None
        if launch.chat_id is not None:
            counts = counts_by_paragraph(
                await self.data.store.discussion_counts(launch.chat_id, article.id)
            )
        paragraph = launch.paragraph if article.id == launch.article_id else None
        if paragraph is None and type(body.get("paragraph")) is int:
            paragraph = body["paragraph"]
        if paragraph is not None and not 1 <= paragraph <= len(article.paragraphs):
            paragraph = None
        return {
            "article": article_view(article, counts),
            "group": launch.chat_id is not None,
            "paragraph": paragraph,
        }

    async def margin(self, sign_in: SignIn, body: dict[str, Any]) -> dict[str, Any]:
        """A paragraph's threads (with links) and who marked it unclear, in the group."""
        self.paced(sign_in)
        launch = await self.launch(sign_in)
        if launch.chat_id is None:
            raise Refused(400, "Open the reader from a group's Read button to see its discussion.")
        passage = self._passage(body)
        store = self.data.store
        rows = await store.thread_openings(launch.chat_id, passage.ref)
        names = await store.unclear_names(launch.chat_id, passage.ref)
        quoted = await store.times_quoted(launch.chat_id, passage.ref)
        margin = Margin(passage.ref, unclear_by=names, quoted=quoted)
        zone = await self.data.discussion.zone_of(launch.chat_id)
        for chat, message_id, date, text, replies in rows:
            when = datetime.fromtimestamp(date, zone).strftime("%-d %b %Y, %H:%M")
            excerpt = one_line(text, 140)
            margin.openings.append(Opening(when, replies, message_link(chat, message_id), excerpt))
        return asdict(margin)

    async def act(self, sign_in: SignIn, body: dict[str, Any]) -> dict[str, Any]:
        """Quote a passage in the chat, open a thread on it, or mark it unclear: once."""
        launch = await self.launch(sign_in, posting=True)
        action = body.get("action")
        if action not in ("quote", "discuss", "unclear"):
            raise Refused(400, "Unknown action.")
        request = body.get("request")
        if not isinstance(request, str) or not _REQUEST.fullmatch(request):
            raise Refused(400, "The request has no id.")
        passage = self._passage(body)
        chat = launch.chat_id if launch.chat_id is not None else sign_in.user_id
        if action == "unclear" and launch.chat_id is None:
            raise Refused(400, "Unclear marks are a group's: open the reader from the group.")
        data = self.data
        verdict = data.throttle.check(sign_in.user_id, time.monotonic())
        if verdict is not Verdict.ANSWER:
            raise Refused(429, "Slow down a little: try again in a minute.")
        if not await data.store.claim_request(f"{sign_in.user_id}:{request}", sign_in.user_id):
            raise Refused(409, "Already done.")  # this very request, sent again
        done_at = self.recent.get(key := (sign_in.user_id, chat, action, passage.ref))
        if action != "unclear" and done_at and time.monotonic() - done_at < RECENT_SECONDS:
            raise Refused(409, "You posted that a moment ago: it is in the chat.")
        if action == "unclear":
            if await data.store.asked_to_be_forgotten(chat, sign_in.user_id):
                return {"ok": False, "said": "You asked me to forget you in this group, so I "
                        "keep no marks of yours here."}  # fmt: skip
            new = await data.store.mark_unclear(chat, passage.ref, sign_in.user_id)
            said = "Marked as unclear: it goes in the group's digest." if new else (
                "You had already marked it unclear.")  # fmt: skip
            return {"ok": True, "said": said}
        if len(self.recent) >= MEMBER_CACHE_SIZE:
            self.recent.clear()
        self.recent[key] = time.monotonic()  # a second press of the same button posts nothing
        reply = (
            quote_reply(data.commands.library, passage) if action == "quote"
            else discuss_reply(data.commands.library, passage.ref)
        )  # fmt: skip
        # Not the member's name: the post is the group's thread, and stays one (with its
        # replies) if they ask to be forgotten; the board keeps who pulled it until then.
        reply.add("From the reader.")
        try:
            sent = await deliver(
                self.application.bot, data, chat, reply, private=launch.chat_id is None,
                puller=(sign_in.user_id, sign_in.name), source="reader",
            )  # fmt: skip
        except BadRequest:  # the chat is not one the bot may write to (no /start yet)
            sent = []
        except Exception:
            self.recent.pop(key, None)  # not posted: the member may try again
            raise
        if not sent:
            self.recent.pop(key, None)
            raise Refused(403, (
                "I can't write to you yet: send me /start in a chat with me, then try again."
                if launch.chat_id is None else "I could not post in the group just now."
            ))  # fmt: skip
        where = message_link(chat, sent[0].message_id) if sent else ""
        said = "Posted in the group." if launch.chat_id is not None else "Sent to our chat."
        return {"ok": True, "said": said, "link": where}

    def _passage(self, body: dict[str, Any]) -> Passage:
        """The passage a request names: a paragraph's reference, narrowed to the sentences
        the member selected (``start``..``end`` in its text) where it names some."""
        library = self.data.commands.library
        ref = body.get("ref")
        passage = library.resolve(ref) if isinstance(ref, str) and len(ref) <= 80 else None
        if passage is None:
            raise Refused(400, "That passage is not in the library.")
        article = library.get(passage.article_id)
        if article is None:
            return passage
        paragraph = article.paragraphs[passage.paragraph - 1]
        start, end = body.get("start"), body.get("end")  # where the member selected
        narrowed = ""
        if type(start) is int and type(end) is int and 0 <= start < end <= len(paragraph.text):
            narrowed = _sentences(paragraph, start, end)
        if narrowed and (found := library.resolve(f"{passage.article_id} ¶{narrowed}")):
            return found
        return passage


def _sentences(paragraph: Paragraph, start: int, end: int) -> str:
    """``n.s-t``: the sentences of ``paragraph`` that characters ``start``..``end`` touch (""
    if they touch none, or every one)."""
    spans = paragraph.sentences
    touched = [n for n, (a, b) in enumerate(spans, 1) if a < end and b > start]
    if not touched or len(touched) == len(spans):
        return ""
    first, last = touched[0], touched[-1]
    return f"{paragraph.number}.{first}" + (f"-{last}" if last != first else "")


class _Secured(tornado.web.RequestHandler):
    """Every answer of the reader's: its security headers, and no caching by proxies."""

    cache = "no-cache"

    def set_default_headers(self) -> None:
        for key, value in HEADERS.items():
            self.set_header(key, value)
        self.set_header("Cache-Control", self.cache)


class _Page(_Secured):
    def initialize(self, name: str) -> None:
        self.name = name

    def get(self) -> None:
        self.set_header("Content-Type", _TYPES[".html"])
        self.write((STATIC / self.name).read_bytes())


class _Static(_Secured):
    def get(self, name: str) -> None:
        path = STATIC / name
        self.set_header("Content-Type", _TYPES[path.suffix])
        self.write(path.read_bytes())


class _Api(_Secured):
    cache = "no-store"

    def initialize(self, reader: ReaderServer) -> None:
        self.reader = reader
        self.set_header("Content-Type", "application/json; charset=utf-8")

    async def post(self, what: str) -> None:
        try:
            sign_in = self.reader.sign_in(self.request.headers.get("Authorization", ""))
            if len(self.request.body) > MAX_BODY:  # the webhook's server allows more
                raise Refused(413, "The request is too large.")
            try:
                body = json.loads(self.request.body or b"{}")
            except (ValueError, RecursionError):
                raise Refused(400, "The request is not JSON.") from None
            if not isinstance(body, dict):
                raise Refused(400, "The request is not a JSON object.")
            answer = await getattr(self.reader, what)(sign_in, body)
        except Refused as refused:
            self.set_status(refused.status)
            self.finish(json.dumps({"error": refused.said}))
            return
        except Exception:
            log.exception("Reader: %s failed", what)
            self.set_status(500)
            self.finish(json.dumps({"error": "Something went wrong; try again in a moment."}))
            return
        self.finish(json.dumps(answer, ensure_ascii=False))
