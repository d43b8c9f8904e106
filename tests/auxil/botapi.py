"""A Bot API stand-in on 127.0.0.1: the real HTTP client talks to it as it would to Telegram.

It serves getMe, getUpdates (long polling over a queue the test fills), setMyCommands and
sendMessage and the rest the bot uses; records every request; and refuses what Telegram
refuses: text over 4096 characters after entity parsing, HTML that Telegram's parser rejects,
callback data over 64 bytes, and posts beyond Telegram's flood limits (20 a minute into a
group, 30 a second overall), which it answers with 429 and ``retry_after`` as Telegram does.

Faults can be injected per method (and per chat): an error with its parameters, a time-out,
a dropped connection, or a response that is not JSON; and the two Telegram cannot tell the bot
about, a request it carried out whose answer is lost: answered too late, or cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
GROUP_POSTS = (20, 60.0)  # Telegram's flood limits: posts per seconds into one group
ALL_POSTS = (30, 1.0)  # and across all chats
CALLBACK_DATA_LIMIT = 64
# Who Telegram says sent a message an anonymous admin sent; its sender_chat is the group.
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                   "username": "GroupAnonymousBot"}  # fmt: skip
WAIT = 10  # seconds a test waits for the bot before failing

# Tags Telegram's HTML parse mode accepts, and the attributes it reads.
_ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "code": {"class"},
    "pre": set(),
    "a": {"href"},
    "span": {"class"},
    "tg-spoiler": set(),
    "tg-emoji": {"emoji-id"},
    "blockquote": {"expandable"},
}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


class TelegramHTMLError(ValueError):
    """What Telegram answers: 'Bad Request: can't parse entities: ...'."""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise TelegramHTMLError(f'Unsupported start tag "{tag}"')
        for name, _ in attrs:
            if name not in _ALLOWED_TAGS[tag]:
                raise TelegramHTMLError(f'Unsupported attribute "{name}" in tag "{tag}"')
        if tag == "blockquote" and "blockquote" in self.stack:
            raise TelegramHTMLError("Blockquote entities can't be nested")
        if self.stack and self.stack[-1] in ("pre", "code") and tag != "code":
            raise TelegramHTMLError(f'Tag "{tag}" is not allowed inside "{self.stack[-1]}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHTMLError(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_telegram_html(text: str) -> str:
    """The visible text of an HTML-mode message, or TelegramHTMLError as Telegram would refuse."""
    # Telegram wants every <, > and & that is not markup escaped; check before parsing,
    # because Python's parser is forgiving where Telegram is not.
    outside_tags = re.sub(r"</?[a-z][a-z-]*(?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*\s*/?>", "", text)
    for m in re.finditer(r"[<>&]", outside_tags):
        if m.group() == "&" and _ENTITY.match(outside_tags, m.start()):
            continue
        raise TelegramHTMLError(f"Unescaped '{m.group()}' at byte offset {m.start()}")
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise TelegramHTMLError(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
        )
    return "".join(parser.text)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    error: str = ""
    result: Any = None
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Fault:
    """One injected failure: an error answer (``status``, ``description``, ``parameters``), or
    ``kind`` "timeout" (no answer for ``delay`` seconds), "drop" (the connection is closed)
    or "garbage" (a 200 whose body is not JSON). Two kinds carry the request out first, as
    Telegram may: "late" (done, but answered only after ``delay`` seconds) and "cut" (done, then
    the connection is closed before the answer). ``chat_id`` limits it to one chat."""

    status: int = 500
    description: str = "Internal Server Error"
    parameters: dict[str, Any] | None = None
    kind: str = "error"
    delay: float = 0.0
    chat_id: int | None = None
    body: str = "<html><body>502 Bad Gateway</body></html>"  # what "garbage" answers


def _check_button(button: dict[str, Any], chat_type: str) -> None:
    """Refuse an inline button as Telegram does: callback data over 64 bytes, a link that is
    not http(s) or tg:, a Mini App button outside a private chat or not over https."""
    data = button.get("callback_data")
    if data is not None and len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise _Refusal("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(https?|tg)://", str(url)):
        raise _Refusal("inline keyboard button URL is invalid")
    if "web_app" in button:
        if chat_type != "private":
            raise _Refusal("BUTTON_TYPE_INVALID")
        if not str(button["web_app"].get("url", "")).startswith("https://"):
            raise _Refusal(
                "inline keyboard button Web App URL is invalid: Only HTTPS links are allowed"
            )


@dataclass
class BotAPIStandIn:
    username: str = "ReadingGroupBot"
    bot_id: int = 7_000_001
    can_read_all_group_messages: bool = False
    calls: list[Call] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _faults: dict[str, list[Fault]] = field(default_factory=dict)
    flood_limits: bool = True  # answer posts beyond Telegram's limits with 429
    group_posts: tuple[int, float] = GROUP_POSTS  # a test may shorten Telegram's minute
    _posts: dict[int, list[float]] = field(default_factory=dict)  # chat -> times of posts
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    async def start(self, port: int = 0) -> str:
        """Start serving (on ``port``, or any free one); returns the base URL to hand to
        ApplicationBuilder().base_url()."""
        self._new_update = asyncio.Event()
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        await self._runner.cleanup()

    # --- what tests do ------------------------------------------------------------------------

    def chat(self, chat_id: int, kind: str = "private", title: str = "Reading group") -> dict:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Member"
        else:
            chat["title"] = title
        self._chats[chat_id] = chat
        return chat

    def send_text(
        self,
        text: str,
        *,
        chat_id: int = 42,
        kind: str = "private",
        user_id: int = 501,
        first_name: str = "Rosa",
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        forwarded_from: str | None = None,
        date: int | None = None,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """Queue a member's message as Telegram would deliver it; returns the message.

        ``reply_to`` is a message dict (a member's, or ``call.result`` of a bot post): as in
        Telegram, the reply carries its target one level deep, without the target's own target.
        ``anonymous``: sent by an anonymous admin, as Telegram shows it (from GroupAnonymousBot,
        on behalf of the group).
        """
        chat = self._chats.get(chat_id) or self.chat(chat_id, kind)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": date or int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "text": text,
        }
        m = re.match(r"/[A-Za-z0-9_]+(?:@\w+)?", text)
        if m:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(m.group())}]
        if anonymous:
            message["from"] = ANONYMOUS_ADMIN
            message["sender_chat"] = chat
        if reply_to is not None:
            message["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
        if forwarded_from is not None:
            message["forward_origin"] = {
                "type": "hidden_user",
                "date": message["date"] - 60,
                "sender_user_name": forwarded_from,
            }
        self.push_update({"message": message})
        return message

    def send_file(
        self,
        name: str,
        data: bytes,
        *,
        chat_id: int = 42,
        kind: str = "private",
        caption: str | None = None,
        user_id: int = 501,
    ) -> dict[str, Any]:
        """Queue a member's document; the bot can fetch it with getFile and a download."""
        chat = self._chats.get(chat_id) or self.chat(chat_id, kind)
        file_id = f"file{next(self._message_ids)}"
        self.files[file_id] = data
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Rosa"},
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name,
                         "file_size": len(data)},
        }  # fmt: skip
        if caption is not None:
            message["caption"] = caption
            m = re.match(r"/[A-Za-z0-9_]+(?:@\w+)?", caption)
            if m:
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(m.group())}
                ]
        self.push_update({"message": message})
        return message

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        data = self.files.get(file_id)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    async def _api_getFile(self, params: dict) -> dict:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise _Refusal("wrong file_id or the file is temporarily unavailable")
        size = len(self.files[file_id])
        if size > 20_000_000:
            raise _Refusal("file is too big")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": size,
                "file_path": f"documents/{file_id}"}  # fmt: skip

    def edit(self, message: dict[str, Any], text: str, *, seconds_later: int = 5) -> None:
        """Queue an edit of a member's message."""
        edited = {**message, "text": text, "edit_date": message["date"] + seconds_later}
        self.push_update({"edited_message": edited})

    def bot_membership(self, chat_id: int, status: str) -> None:
        """Queue a change of the bot's own membership in a chat ("left", "kicked", "member")."""
        chat = self._chats[chat_id]
        me = {"id": self.bot_id, "is_bot": True, "first_name": "Reading Group"}
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": {"id": 501, "is_bot": False, "first_name": "Rosa"},
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": me},
                    "new_chat_member": {"status": status, "user": me}
                    | ({"until_date": 0} if status == "kicked" else {}),
                }
            }
        )

    def migrate(self, old_id: int, new_id: int) -> None:
        """Queue the two service messages of a group becoming a supergroup."""
        old = self._chats[old_id]
        new = self.chat(new_id, "supergroup", old.get("title", "Reading group"))
        who = {"id": 501, "is_bot": False, "first_name": "Rosa"}
        now = int(time.time())
        self.push_update(
            {"message": {"message_id": next(self._message_ids), "date": now, "chat": old,
                         "from": who, "migrate_to_chat_id": new_id}}
        )  # fmt: skip
        self.push_update(
            {"message": {"message_id": 1, "date": now, "chat": new, "from": who,
                         "migrate_from_chat_id": old_id}}
        )  # fmt: skip

    def push_update(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **payload})
        self._new_update.set()
        return update_id

    def press(self, call: Call, data: str, *, user_id: int = 501) -> None:
        """Queue a member's press of a button under a message the bot sent."""
        chat = self._chats[int(call.params["chat_id"])]
        self.push_update(
            {
                "callback_query": {
                    "id": str(next(self._message_ids)),
                    "from": {"id": user_id, "is_bot": False, "first_name": "Rosa"},
                    "message": {**call.result, "chat": chat},
                    "chat_instance": str(chat["id"]),
                    "data": data,
                }
            }
        )

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        times: int = 1,
        **fault: Any,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail as Telegram would (see Fault)."""
        for _ in range(times):
            self._faults.setdefault(method, []).append(Fault(status, description, **fault))

    def too_many(self) -> list[Call]:
        """Requests answered 429 Too Many Requests."""
        return [c for c in self.calls if not c.ok and c.error.startswith("Too Many Requests")]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages Telegram accepted, optionally into one chat."""
        return [
            c
            for c in self.calls
            if c.method == "sendMessage"
            and c.ok
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def refused(self) -> list[Call]:
        return [c for c in self.calls if not c.ok]

    def calls_to(self, method: str) -> list[Call]:
        """Every call of a Bot API method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for_calls(self, method: str, count: int, *, wait: float = WAIT) -> list[Call]:
        """Wait (up to ``wait`` seconds) until the bot called ``method`` ``count`` times."""
        async with asyncio.timeout(wait), self._changed:
            await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
        return self.calls_to(method)

    async def wait_for_messages(
        self, count: int, chat_id: int | None = None, *, wait: float = WAIT
    ) -> list[Call]:
        """Wait (up to ``wait`` seconds) until ``count`` messages were accepted (into
        ``chat_id``)."""
        async with asyncio.timeout(wait), self._changed:
            await self._changed.wait_for(lambda: len(self.sent(chat_id)) >= count)
        return self.sent(chat_id)

    # --- the Bot API ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an uploaded file: (name, bytes)
                params[key] = (value.filename, value.file.read())
                continue
            text = value if isinstance(value, str) else ""
            try:
                params[key] = json.loads(text) if text[:1] in "[{" else text
            except json.JSONDecodeError:
                params[key] = text
        call = Call(method, params)
        self.calls.append(call)
        try:
            fault = self._fault_for(method, params)
            if fault is not None and fault.kind not in ("late", "cut"):
                return await self._inject(request, call, fault)
            if method in ("sendMessage", "sendDocument") and self.flood_limits:
                wait = self._flood_wait(int(params.get("chat_id") or 0))
                if wait:
                    return self._error(
                        call, 429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                    )
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                return self._error(call, 404, "Not Found: method not found")
            result = await handler(params)
            call.result = result
            if self.after_post is not None and method in ("sendMessage", "sendDocument"):
                self.after_post(call)
            if fault is not None:  # carried out; the answer is lost
                return await self._lose_answer(request, fault, result)
            return web.json_response({"ok": True, "result": result})
        except _Refusal as refusal:
            return self._error(call, 400, f"Bad Request: {refusal}")
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _error(
        self, call: Call, status: int, description: str, parameters: dict | None = None
    ) -> web.Response:
        call.ok, call.error = False, description
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        faults = self._faults.get(method, [])
        for i, fault in enumerate(faults):
            if fault.chat_id is None or str(fault.chat_id) == str(params.get("chat_id")):
                return faults.pop(i)
        return None

    async def _inject(self, request: web.Request, call: Call, fault: Fault) -> web.StreamResponse:
        if fault.kind == "timeout":
            call.ok, call.error = False, "timed out"
            await asyncio.sleep(fault.delay)
            return web.json_response({"ok": False, "error_code": 504, "description": "late"})
        if fault.kind == "drop":
            call.ok, call.error = False, "connection dropped"
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if fault.kind == "garbage":
            call.ok, call.error = False, "not JSON"
            return web.Response(text=fault.body, status=200)
        return self._error(call, fault.status, fault.description, fault.parameters)

    async def _lose_answer(
        self, request: web.Request, fault: Fault, result: Any
    ) -> web.StreamResponse:
        if fault.kind == "late":
            await asyncio.sleep(fault.delay)
            return web.json_response({"ok": True, "result": result})
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    def _flood_wait(self, chat_id: int) -> int:
        """Seconds Telegram would ask to wait before this post, or 0 to accept it (and count
        it). Posts into groups count against the group; every post counts overall."""
        now = time.monotonic()
        keys = [0] + ([chat_id] if chat_id < 0 else [])
        limits = {0: ALL_POSTS, chat_id: self.group_posts}
        wait = 0.0
        for key in keys:
            limit, period = limits[key]
            times = self._posts.setdefault(key, [])
            times[:] = [t for t in times if t > now - period]
            if len(times) >= limit:
                wait = max(wait, times[0] + period - now)
        if wait:
            return max(1, int(wait + 0.999))
        for key in keys:
            self._posts[key].append(now)
        return 0

    def _me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Reading Group",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
        }

    async def _api_getMe(self, params: dict) -> dict:
        return self._me()

    async def _api_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        return True

    webhook: dict[str, Any] | None = None  # what setWebhook registered

    async def _api_setWebhook(self, params: dict) -> bool:
        url = str(params.get("url", ""))
        if not url.startswith(("https://", "http://127.0.0.1")):  # tests post over plain HTTP
            raise _Refusal("bad webhook: HTTPS url must be provided for webhook")
        secret = str(params.get("secret_token", ""))
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _Refusal("bad webhook: secret token contains unallowed characters")
        self.webhook = params
        return True

    async def _api_setMyCommands(self, params: dict) -> bool:
        commands = params.get("commands", [])
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise _Refusal("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise _Refusal("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    admins: set[int] = field(default_factory=set)  # user ids getChatMember calls admins
    polls: dict[int, dict] = field(default_factory=dict)  # message id -> the poll sent
    votes: dict[int, list[int]] = field(default_factory=dict)  # message id -> votes per option
    files: dict[str, bytes] = field(default_factory=dict)  # documents members sent

    outsiders: set[tuple[int, int]] = field(default_factory=set)  # (chat, user): not in it
    muted: set[tuple[int, int]] = field(default_factory=set)  # (chat, user): may not post
    menu_button: dict | None = None  # what setChatMenuButton set for private chats

    async def _api_setChatMenuButton(self, params: dict) -> bool:
        button = params.get("menu_button") or {}
        if button.get("type") == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not url.startswith("https://"):
                raise _Refusal("Web App URL is invalid: Only HTTPS links are allowed")
        self.menu_button = button
        return True

    async def _api_getChatMember(self, params: dict) -> dict:
        user_id = int(params["user_id"])
        chat_id = int(params["chat_id"])
        if chat_id < 0 and chat_id not in self._chats:
            raise _Refusal("chat not found")
        if (chat_id, user_id) in self.muted:
            flags = ("can_send_messages", "can_send_audios", "can_send_documents",
                     "can_send_photos", "can_send_videos", "can_send_video_notes",
                     "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
                     "can_add_web_page_previews", "can_change_info", "can_invite_users",
                     "can_pin_messages", "can_manage_topics", "can_edit_tag",
                     "can_react_to_messages")  # fmt: skip
            return {"status": "restricted", "user": {"id": user_id, "is_bot": False,
                    "first_name": "Muted"}, "is_member": True, "until_date": 0,
                    **dict.fromkeys(flags, False)}  # fmt: skip
        if chat_id > 0 and chat_id != user_id:
            raise _Refusal("PARTICIPANT_ID_INVALID")
        if (chat_id, user_id) in self.outsiders:
            return {
                "status": "left",
                "user": {"id": user_id, "is_bot": False, "first_name": "Someone"},
            }
        status = "administrator" if user_id in self.admins else "member"
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "Member"},
        }
        if status == "administrator":
            member |= {
                "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                "can_delete_messages": True, "can_manage_video_chats": True,
                "can_restrict_members": True, "can_promote_members": False,
                "can_change_info": True, "can_invite_users": True, "can_post_stories": False,
                "can_edit_stories": False, "can_delete_stories": False,
            }  # fmt: skip
        return member

    async def _api_sendDocument(self, params: dict) -> dict:
        document = params.get("document")
        if not isinstance(document, tuple):
            raise _Refusal("there is no document in the request")
        filename, content = document
        if not content:
            raise _Refusal("file must be non-empty")
        chat = self._chats.get(int(params["chat_id"]))
        if chat is None:
            raise _Refusal("chat not found")
        caption = self._caption(params)
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._me(),
            "document": {"file_id": filename, "file_unique_id": filename, "file_name": filename,
                         "file_size": len(content)},
            "caption": caption,
        }  # fmt: skip

    @staticmethod
    def _caption(params: dict) -> str:
        """A file's caption as Telegram shows it, refused as Telegram refuses it: HTML its
        parser rejects, or more than 1024 characters (UTF-16 code units) once it is parsed."""
        caption = _visible(str(params.get("caption", "")), params)
        if utf16_length(caption) > CAPTION_LIMIT:
            raise _Refusal("message caption is too long")
        return caption

    def documents(self) -> list[Call]:
        return [c for c in self.calls if c.method == "sendDocument" and c.ok]

    async def _api_answerCallbackQuery(self, params: dict) -> bool:
        if len(str(params.get("text", ""))) > 200:
            raise _Refusal("MESSAGE_TOO_LONG")
        return True

    async def _api_answerInlineQuery(self, params: dict) -> bool:
        results = params.get("results") or []
        if len(results) > 50:
            raise _Refusal("RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids):
            raise _Refusal("RESULT_ID_DUPLICATE")
        if any(not i or len(i.encode()) > 64 for i in ids):
            raise _Refusal("RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            text = content.get("message_text", "")
            try:
                visible = parse_telegram_html(text) if content.get("parse_mode") == "HTML" else text
            except TelegramHTMLError as exc:
                raise _Refusal(f"can't parse entities: {exc}") from None
            if not visible.strip() or utf16_length(visible) > TEXT_LIMIT:
                raise _Refusal("MESSAGE_TOO_LONG" if visible.strip() else "MESSAGE_EMPTY")
        if len(str(params.get("next_offset", "")).encode()) > 64:
            raise _Refusal("NEXT_OFFSET_INVALID")
        return True

    def inline_query(self, text: str, offset: str = "", user_id: int = 501) -> None:
        """Queue a member's inline query: @bot <text>."""
        self.push_update(
            {
                "inline_query": {
                    "id": str(next(self._message_ids)),
                    "from": {"id": user_id, "is_bot": False, "first_name": "Rosa"},
                    "query": text,
                    "offset": offset,
                    "chat_type": "supergroup",
                }
            }
        )

    def inline_answers(self) -> list[Call]:
        return [c for c in self.calls if c.method == "answerInlineQuery"]

    def answers(self) -> list[Call]:
        """Button presses the bot answered."""
        return [c for c in self.calls if c.method == "answerCallbackQuery" and c.ok]

    offset_hook: Any = None  # called with each confirming offset, before the updates go
    after_post: Any = None  # called with each post carried out, before it is answered

    async def _api_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        if offset and self.offset_hook is not None:
            self.offset_hook(offset)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            timeout = min(float(params.get("timeout") or 0), 1.0)
            if timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = int(params.get("limit") or 100)
        batch = self._updates[:limit]
        return batch

    async def _api_sendPoll(self, params: dict) -> dict:
        """A native poll, refused as Telegram refuses one: 2 to 12 options of 1 to 100
        characters, a question of 1 to 300."""
        question = str(params.get("question", ""))
        options = params.get("options") or []
        texts = [o["text"] if isinstance(o, dict) else str(o) for o in options]
        if not 1 <= len(question) <= 300:
            raise _Refusal("POLL_QUESTION_INVALID")
        if not 2 <= len(texts) <= 12 or not all(1 <= utf16_length(t) <= 100 for t in texts):
            raise _Refusal("POLL_OPTION_INVALID")
        chat = self._chats.get(int(params["chat_id"]))
        if chat is None:
            raise _Refusal("chat not found")
        message_id = next(self._message_ids)
        poll = {
            "id": f"poll{message_id}", "question": question,
            "options": [
                {"text": t, "voter_count": 0, "persistent_id": f"{message_id}-{n}"}
                for n, t in enumerate(texts)
            ],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
            "type": "regular", "allows_multiple_answers": False, "allows_revoting": True,
            "members_only": False,
        }  # fmt: skip
        self.polls[message_id] = poll
        return {"message_id": message_id, "date": int(time.time()), "chat": chat,
                "from": self._me(), "poll": poll}  # fmt: skip

    async def _api_stopPoll(self, params: dict) -> dict:
        """Stop a poll: its options with the votes a test gave them (``votes``)."""
        message_id = int(params["message_id"])
        poll = self.polls.get(message_id)
        if poll is None or poll["is_closed"]:
            raise _Refusal("poll has already been closed" if poll else "message to stop not found")
        counts = self.votes.get(message_id, [])
        for option, count in zip(poll["options"], counts, strict=False):
            option["voter_count"] = count
        poll["total_voter_count"] = sum(counts)
        poll["is_closed"] = True
        return poll

    async def _api_sendMessage(self, params: dict) -> dict:
        visible = _visible(str(params.get("text", "")), params)
        if not visible.strip():
            raise _Refusal("message text is empty")
        if utf16_length(visible) > TEXT_LIMIT:
            raise _Refusal("message is too long")
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _Refusal("chat not found")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                _check_button(button, chat["type"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._me(),
            "text": visible,
        }
        if markup:
            message["reply_markup"] = markup
        return message


class _Refusal(Exception):
    pass


def _visible(text: str, params: dict) -> str:
    """What a reader sees of a text or caption, in the request's parse mode; refused as
    Telegram refuses HTML its parser rejects."""
    if params.get("parse_mode") != "HTML":
        return text
    try:
        return parse_telegram_html(text)
    except TelegramHTMLError as exc:
        raise _Refusal(f"can't parse entities: {exc}") from None
