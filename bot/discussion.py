"""The group's discussion as the log keeps it: threads, their summaries and exports.

A thread is a bot post (a quote, a summary, a comparison, a daily reading) with every reply and
reply-to-reply under it, or a forum topic. Telegram tells a bot only the message a reply answers
directly, so longer chains are followed through the stored rows. Everything here is read one
chat at a time: nothing from one chat ever appears in another. No Telegram imports.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.library import Library
from bot.quotes import context_reply, typed
from bot.reply import Reply, Span, bold, code, italic, link, reference
from bot.storage import Store, StoredMessage
from bot.terms import content_words
from bot.text import normalise, number

LATEST_LINES = 5
LINE_CHARS = 160
MAX_DAYS = 366  # the most days a /digest or /export takes
CAPTION_LIMIT = 1024  # Telegram's limit on a caption's visible text, in UTF-16 code units
FILE_NAME_CHARS = 64
_REF = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)*\s?¶\d+(?:\.\d+(?:-\d+)?)?")


SEARCH_SHOWN = 8  # messages a /search shows
_ZONE: ContextVar[ZoneInfo | None] = ContextVar("zone", default=None)  # this answer's chat's
SEARCH_FLOOR = 70.0  # rapidfuzz score (0-100) a message needs to count as saying the words


def message_link(chat_id: int, message_id: int) -> str:
    """A link to a message that members of the chat can open: supergroups and channels only
    (their ids are -100…); "" for a basic group, whose messages have no links."""
    text = str(chat_id)
    return f"https://t.me/c/{text[4:]}/{message_id}" if text.startswith("-100") else ""


def _ranked(query: str, messages: list[StoredMessage]) -> list[StoredMessage]:
    """The messages that say the query's words, typos allowed, best first, then newest."""
    wanted = normalise(query)
    words = content_words(query) or wanted.split()
    scored = []
    for message in messages:
        text = normalise(message.text)
        score = fuzz.partial_ratio(wanted, text) if len(wanted) <= len(text) else fuzz.ratio(
            wanted, text
        )  # fmt: skip
        score = max(score, fuzz.token_set_ratio(wanted, text), _word_by_word(words, text))
        if score >= SEARCH_FLOOR:
            scored.append((score, message))
    scored.sort(key=lambda sm: (-sm[0], -sm[1].date, -sm[1].message_id))
    return [m for _, m in scored]


def _word_by_word(words: list[str], text: str) -> float:
    """How well each word searched for is said somewhere in ``text``, typos allowed, on
    average (words said apart, "peace … truce", count as much as words said together)."""
    said = text.split()
    if not words or not said or len(words) > 12:
        return 0.0
    best = [process.extractOne(w, said, scorer=fuzz.ratio) for w in words]
    return sum(b[1] for b in best if b is not None) / len(words)


def _excerpt(text: str, wanted: list[str]) -> str:
    """A message cut to about LINE_CHARS around the first word searched for."""
    one_line = " ".join(text.split())
    if len(one_line) <= LINE_CHARS:
        return one_line
    lowered = normalise(one_line)
    at = min((i for w in wanted if (i := lowered.find(w[:4])) >= 0), default=0)
    start = max(0, at - LINE_CHARS // 3)
    piece = one_line[start : start + LINE_CHARS]
    return ("…" if start else "") + piece + ("…" if start + LINE_CHARS < len(one_line) else "")


@dataclass(frozen=True)
class Thread:
    """The messages of one thread, opening post first."""

    chat_id: int
    kind: str  # "post" or "topic"
    key: int  # the opening post's message id, or the topic id
    messages: list[StoredMessage]

    @property
    def opening(self) -> StoredMessage:
        return self.messages[0]

    @property
    def participants(self) -> Counter[str]:
        return Counter(m.sender_name or "someone" for m in self.messages if not m.is_bot)


@dataclass(frozen=True)
class Export:
    """A discussion written out as Markdown and as HTML."""

    name: str  # a file name without extension
    title: str
    markdown: str
    html: str
    messages: int

    def file_name(self, suffix: str) -> str:
        """The name the file is sent under: only letters, digits, ``.``, ``_`` and ``-`` (no
        path, no control characters, nothing a member's device could read as a folder), short,
        never empty."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.name).strip("-.")[:FILE_NAME_CHARS]
        return f"{stem or 'discussion'}.{suffix}"

    @property
    def caption(self) -> str:
        """The caption sent with the files, as Telegram HTML (see :func:`caption_html`)."""
        return caption_html(
            self.title, f" ({self.messages} message{'s' if self.messages != 1 else ''})"
        )


def caption_html(text: str, note: str = "", limit: int = CAPTION_LIMIT) -> str:
    """``text`` and then ``note`` as a caption in Telegram's HTML parse mode: escaped, since a
    member's ``<`` or ``&`` would otherwise be read as markup (and refused), and cut with "…" so
    the visible text fits ``limit`` as Telegram counts it (UTF-16 code units, after entities are
    parsed). ``text`` is cut before it is escaped, so no escape sequence is ever cut in half,
    and between characters, so no surrogate pair either; ``note`` is kept whole."""
    room = limit - _utf16(note)
    if _utf16(text) > room:
        cut, used = [], _utf16("…")
        for char in text:
            used += _utf16(char)
            if used > room:
                break
            cut.append(char)
        text = "".join(cut) + "…"
    return html.escape(text + note, quote=False)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~|])")
_MD_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+(?=[.)]))", re.MULTILINE)


def markdown_literal(text: str) -> str:
    """Text as Markdown shows it, literally: every character that Markdown would read as markup
    (emphasis, code, links, raw HTML such as ``<script>``, entities such as ``&amp;``, and
    headings or lists at a line's start) escaped with a backslash, which renders as nothing."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
        text,
    )


def one_line(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;: ") + "…"


def days_asked(args: str, command: str) -> int | Reply:
    """The days a /digest or /export asks for (7 if none), or the answer saying which."""
    days = number(args) if args.strip() else 7
    if days is None or not 1 <= days <= MAX_DAYS:
        return Reply().add(
            f"Give a number of days from 1 to {MAX_DAYS}, e.g. ", code(f"/{command} 7"), "."
        )
    return days


def open_questions(messages: list[StoredMessage]) -> list[StoredMessage]:
    """Members' questions (a message ending in "?") that no other member has replied to."""
    members = [m for m in messages if not m.is_bot]
    sender_of = {(m.chat_id, m.message_id): m.sender_id for m in members}
    answered = {
        (r.chat_id, r.reply_to)
        for r in members
        if r.reply_to is not None and sender_of.get((r.chat_id, r.reply_to)) != r.sender_id
    }
    return [
        m
        for m in members
        if m.text.rstrip().endswith("?") and (m.chat_id, m.message_id) not in answered
    ]


def _join_refs(refs: list[str]) -> list[str | Span]:
    """References as code, comma-separated."""
    parts: list[str | Span] = []
    for n, ref in enumerate(refs):
        parts += [", "] if n else []
        parts.append(reference(ref))
    return parts


def refs_of(message: StoredMessage, library: Library | None = None) -> list[str]:
    """Passage references a message concerns: those it quotes, and those it names that are
    passages of ``library`` (a member's "the point of ¶9" names none: "of" is no article)."""
    found = list(message.refs)
    for ref in _REF.findall(message.text):
        ref = re.sub(r"\s?¶", " ¶", ref)
        if library is not None and library.resolve(ref) is None:
            continue
        if ref not in found:
            found.append(ref)
    return found


class Discussion:
    """Threads and exports of the discussion log."""

    def __init__(self, store: Store, tz: ZoneInfo, library: Library | None = None) -> None:
        self.store = store
        self.tz = tz
        self.library = library  # references in messages count only where they name a passage

    async def zone_of(self, chat_id: int) -> ZoneInfo:
        """A chat's own time zone: the one its plan set (/daily, /meeting), else the bot's
        (``bot.timezone``)."""
        plan = await self.store.plan(chat_id, self.tz.key)
        try:
            return ZoneInfo(plan.timezone)
        except (ValueError, KeyError):
            return self.tz

    async def _in_zone(self, chat_id: int) -> None:
        """Times of this answer in the chat's own zone."""
        _ZONE.set(await self.zone_of(chat_id))

    async def take_off_board(self, chat_id: int, reference: str, *, admin: bool) -> Reply:
        """/quotes remove <reference>: an admin takes a passage off the group's quote board
        (named however members type references: "trumps 6" is trumps-world-order ¶6)."""
        if not admin:
            return Reply().add("Only this group's admins can take a quote off the board.")
        reference = reference.strip()
        if not reference:
            return Reply().add("Which one? ", code("/quotes remove putin-v-prigozhin ¶7"))
        found = self.library.find_passage(typed(reference)) if self.library is not None else None
        ref = found.ref if found is not None else reference
        if await self.store.hide_from_board(chat_id, ref):
            return Reply().add("Taken off the board: ", code(ref), ".")
        return Reply().add(code(ref[:60]), " is not on this group's board.")

    async def mark_unclear(self, chat_id: int, reference: str, user_id: int) -> Reply:
        """/unclear <reference>: a member marks a passage unclear for the group's digest."""
        library = self.library
        passage = library.find_passage(typed(reference)) if library is not None else None
        if passage is None and reference.strip() and library is not None:
            return context_reply(library, reference)  # what is wrong with the reference
        if passage is None:
            return Reply().add(
                "Which passage? Name it: ", code("/unclear putin-v-prigozhin 7"), " or ",
                code("/unclear 2:7"), ".",
            )  # fmt: skip
        new = await self.store.mark_unclear(chat_id, passage.ref, user_id)
        return Reply().add(
            "Marked as unclear: " if new else "Already marked as unclear: ",
            code(passage.ref), ". It goes in the next digest.",
        )  # fmt: skip

    @property
    def _zone(self) -> ZoneInfo:
        return _ZONE.get() or self.tz

    def _time(self, timestamp: int, with_date: bool = True) -> str:
        moment = datetime.fromtimestamp(timestamp, UTC).astimezone(self._zone)
        return moment.strftime("%-d %b %Y, %H:%M" if with_date else "%H:%M")

    async def thread_of(self, chat_id: int, message_id: int) -> Thread | None:
        """The thread a message belongs to, if the log has it in one."""
        for chat in await self.store.chat_ids(chat_id):
            stored = await self.store.message(chat, message_id)
            if stored is None:
                continue
            if stored.thread_root is not None:
                messages = await self.store.thread(chat, stored.thread_root)
                return Thread(chat, "post", stored.thread_root, messages)
            if stored.topic_id is not None:
                ids = await self.store.chat_ids(chat_id)
                messages = await self.store.topic(ids, stored.topic_id)
                return Thread(chat, "topic", stored.topic_id, messages)
            return None
        return None

    async def search(self, chat_id: int, query: str) -> Reply:
        """/search <words>: the group's own messages that say them, typos allowed, best first,
        each with a link to the message where Telegram has one (supergroups)."""
        await self._in_zone(chat_id)
        wanted = content_words(query)
        if not wanted:
            return Reply().add(
                "What should I look for in this group's discussion? Give me words: ",
                code("/search truce"), ".",
            )  # fmt: skip
        # The first letters of each word (and the end of a long one, for a typo near its start) must
        # be in a message for it to be weighed; the ranking then allows typos anywhere.
        fragments = sorted({w[:3] for w in wanted} | {w[-4:] for w in wanted if len(w) >= 7})
        found = await self.store.matching(await self.store.chat_ids(chat_id), fragments)
        ranked = await asyncio.to_thread(_ranked, query, found)
        shown = query.strip() if len(query.strip()) <= 60 else query.strip()[:60] + "…"
        if not ranked:
            return Reply().add(f"Nothing in this group's discussion says “{shown}”.")
        reply = Reply().add(
            bold(f"“{shown}” in this group's discussion"),
            f": {len(ranked)} message{'s' if len(ranked) != 1 else ''}"
            + (f", the best {SEARCH_SHOWN}" if len(ranked) > SEARCH_SHOWN else "")
            + ", best match first.",
        )
        for message in ranked[:SEARCH_SHOWN]:
            where = message_link(message.chat_id, message.message_id)
            excerpt = _excerpt(message.text, wanted)
            parts: list[str | Span] = [
                bold(message.sender_name or "someone"), f" · {self._time(message.date)}\n",
                excerpt,
            ]  # fmt: skip
            if where:
                parts += [" · ", link("open", where)]
            reply.add(*parts)
        reply.carries.update(m.sender_id for m in ranked[:SEARCH_SHOWN] if m.sender_id)
        return reply

    async def digest(
        self, chat_id: int, days: int, now: int, readings: set[str] | None = None
    ) -> Reply:
        """/digest [days]: what the group read and discussed, for its meeting: the readings
        posted (``readings``: the references of the plan's readings), the most-discussed
        threads, the questions no other member answered, and the quotes pulled. Nobody is
        ranked or counted by name."""
        since = now - days * 86_400
        ids = await self.store.chat_ids(chat_id)
        messages = await self.store.since(ids, since)
        pulled = await self.store.pulled_since(ids, since)
        period = f"the last {days} days" if days != 1 else "the last day"
        if not messages and not pulled and not await self.store.unclear_since(ids, since):
            return Reply().add(f"Nothing was logged in this group in {period}.")
        reply = Reply().add(bold(f"Digest of {period}"))
        bot_posts = [m for m in messages if m.is_bot]
        posted = [r for m in bot_posts for r in m.refs if readings and r in readings]
        if posted:
            reply.add(bold("Read: "), *_join_refs(list(dict.fromkeys(posted))))
        members = [m for m in messages if not m.is_bot and not m.text.startswith("/")]
        by_root = Counter(m.thread_root for m in members if m.thread_root is not None)
        openings = {m.message_id: m for m in bot_posts}
        threads = [(root, n) for root, n in by_root.most_common() if root in openings][:5]
        if threads:
            lines = []
            for root, count in threads:
                opening = openings[root]
                refs = ", ".join(opening.refs[:2])
                lines.append(f"{one_line(opening.text, 70)} ({refs}) · {count} repl"
                             f"{'ies' if count != 1 else 'y'}")  # fmt: skip
            reply.add(bold("Most discussed"), "\n" + "\n".join(lines))
        questions = open_questions(members)[-5:]
        if questions:
            reply.add(bold("Open questions"), " (no other member has replied yet):")
            for question in questions:
                where = message_link(question.chat_id, question.message_id)
                parts: list[str | Span] = ["– ", one_line(question.text, 140)]
                if where:
                    parts += [" · ", link("open", where)]
                reply.add(*parts)
                if question.sender_id:
                    reply.carries.add(question.sender_id)
        unclear = await self.store.unclear_since(ids, since)
        if unclear:
            marked: list[str | Span] = [bold("Marked unclear: ")]
            for n, (ref, members_marking) in enumerate(unclear[:8]):
                marked += [", "] if n else []
                marked += [reference(ref), f" ({members_marking})" if members_marking > 1 else ""]
            reply.add(*marked)
        if pulled:
            # pulls, not passages: a passage pulled twice is listed once ("4 listed, 5 in all"
            # read as one missing)
            total = sum(n for _, n in pulled)
            reply.add(
                bold("Passages pulled (by /quote or /discuss): "),
                *_join_refs([ref for ref, _ in pulled[:8]]),
                f" ({total} pull{'s' if total != 1 else ''} in all)",
            )
        if not (posted or threads or questions or unclear or pulled):  # only the bot spoke
            reply.add(f"Nothing read, asked, marked or pulled in {period}.")
        return reply

    async def describe(self, chat_id: int, message_id: int | None) -> Reply:
        """/thread: the opening post, participants, size, time span and latest lines."""
        await self._in_zone(chat_id)
        if message_id is None:
            return Reply().add(
                "Send /thread as a reply to any message of a thread (a quote, a summary, a "
                "reading, or a reply under one). ",
                code("/threads"),
                " lists the recent ones.",
            )
        thread = await self.thread_of(chat_id, message_id)
        if thread is None:
            return Reply().add(
                "That message is not part of a thread I have logged. Threads start at my posts "
                "(quotes, summaries, readings) or forum topics; ",
                code("/threads"),
                " lists them.",
            )
        first, last = thread.messages[0], thread.messages[-1]
        people = thread.participants
        reply = Reply().add(bold("Thread: "), one_line(first.text, 120))
        span = self._time(first.date)
        if last.date != first.date:
            span += " – " + self._time(last.date, with_date=last.date - first.date > 86_400)
        refs = [r for m in thread.messages for r in refs_of(m, self.library)]
        reply.add(
            f"{len(thread.messages)} messages · {len(people)} participants · {span}",
            "\nPassages: " + ", ".join(dict.fromkeys(refs)) if refs else "",
        )
        if people:
            reply.add(
                bold("Participants: "),
                ", ".join(f"{name} ({count})" for name, count in people.most_common(10)),
            )
        latest = thread.messages[-LATEST_LINES:]
        lines = [
            f"{m.sender_name or 'someone'}, {self._time(m.date, False)}: {one_line(m.text)}"
            for m in latest
        ]
        reply.add(bold("Latest"), "\n" + "\n".join(lines))
        reply.add("Export it: reply to it with ", code("/export"), ".")
        reply.carries = {m.sender_id for m in thread.messages if m.sender_id and not m.is_bot}
        return reply

    async def recent(self, chat_id: int, limit: int = 10) -> Reply:
        """/threads: the chat's recent threads, with counts and last activity."""
        await self._in_zone(chat_id)
        ids = await self.store.chat_ids(chat_id)
        rows = await self.store.recent_threads(ids, limit)
        if not rows:
            return Reply().add(
                "No threads yet. A thread starts at one of my posts — try ",
                code("/quote"),
                " or ",
                code("/summary"),
                " — and grows with your replies to it.",
            )
        reply = Reply().add(bold("Recent threads"))
        for n, (chat, root, count, last) in enumerate(rows, start=1):
            opening = await self.store.message(chat, root)
            title = one_line(opening.text, 80) if opening else f"message {root}"
            if opening and opening.sender_id and not opening.is_bot:
                reply.carries.add(opening.sender_id)
            reply.add(
                f"{n}. ",
                italic(title),
                f"\n{count} message{'s' if count != 1 else ''} · last {self._time(last)}",
            )
        reply.add("Reply /thread to a post for its details, /export to keep it.")
        return reply

    async def export_thread(self, chat_id: int, message_id: int) -> Export | None:
        await self._in_zone(chat_id)
        thread = await self.thread_of(chat_id, message_id)
        if thread is None:
            return None
        title = f"Thread: {one_line(thread.opening.text, 80)}"
        return self._export(f"thread-{abs(thread.chat_id)}-{thread.key}", title, thread.messages)

    async def export_days(self, chat_id: int, days: int, now: int) -> Export:
        await self._in_zone(chat_id)
        ids = await self.store.chat_ids(chat_id)
        messages = await self.store.since(ids, now - days * 86_400)
        title = f"The last {days} days of discussion" if days != 1 else "The last day of discussion"
        return self._export(f"discussion-{abs(chat_id)}-{days}d", title, messages)

    def _export(self, name: str, title: str, messages: list[StoredMessage]) -> Export:
        """A handout for the meeting: open questions first, then each thread under its opening
        post (a quote, a reading: its passages cited), then what was said outside threads;
        commands and the bot's own chatter left out."""
        # A post of mine is kept when it cites passages (a quote, a reading), and so are its
        # later parts (a long reading in several messages); my other answers are chatter.
        cited = {m.message_id for m in messages if m.is_bot and m.refs}
        kept = [
            m for m in messages
            if not m.text.lstrip().startswith("/")
            and (not m.is_bot or m.refs or (m.reply_to is None and m.thread_root in cited))
        ]  # fmt: skip
        by_id = {m.message_id: m for m in kept}

        def depth(message: StoredMessage) -> int:
            level, seen = 0, set()
            while message.reply_to in by_id and message.reply_to not in seen and level < 8:
                seen.add(message.reply_to)
                message = by_id[message.reply_to]
                level += 1
            return level

        sections: dict[int | None, list[StoredMessage]] = {}
        first_post: dict[tuple[str, tuple[str, ...]], int] = {}  # (first line, refs) -> root
        merged: dict[int, int] = {}  # a post repeated (/today again) -> the first one
        for message in kept:
            root = message.thread_root
            if message.is_bot and root in (None, message.message_id):
                root = message.message_id  # a post of mine opens its thread
                again = (message.text.split("\n", 1)[0], tuple(message.refs))
                if message.refs and again in first_post:
                    merged[root] = first_post[again]  # the same reading posted again
                    continue
                first_post.setdefault(again, root)
            if message.is_bot and root in merged and message.reply_to is None:
                continue  # a later part of a post repeated: the first one has it
            root = merged.get(root, root) if root is not None else None
            sections.setdefault(root if root in by_id else None, []).append(message)
        if None in sections:  # what was said outside threads comes last
            sections[None] = sections.pop(None)
        questions = open_questions(kept)
        written = sum(len(thread) for thread in sections.values())  # a repeated post once
        count = f"{written} message{'s' if written != 1 else ''}"
        md = [f"# {markdown_literal(title)}", ""]
        md += [f"{count}, times in {markdown_literal(self._zone.key)}.", ""]
        page = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:sans-serif;max-width:48em;margin:auto;padding:0 .8em}"
            ".m{margin:.6em 0;padding-left:.6em;border-left:3px solid #ccc}"
            ".who{font-weight:bold}.meta{color:#666;font-size:.9em}"
            "blockquote{margin:.3em 0}@media print{.m{break-inside:avoid}}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(count)}, times in {html.escape(self._zone.key)}.</p>",
        ]
        if questions:
            md += ["## Open questions", ""]
            page.append("<h2>Open questions</h2><ul>")
            for question in questions:
                line = one_line(question.text, 200)
                md.append(f"- {markdown_literal(line)} (#{question.message_id})")
                page.append(f'<li><a href="#m{question.message_id}">{html.escape(line)}</a></li>')
            md.append("")
            page.append("</ul>")
        for root, thread in sections.items():
            if len(sections) > 1 or questions:
                heading = "Outside threads" if root is None else self._heading(by_id[root])
                md += [f"## {markdown_literal(heading)}", ""]
                page.append(f"<h2>{html.escape(heading)}</h2>")
            for message in thread:
                self._write(message, depth(message), md, page)
        page.append("</body></html>")
        return Export(name, title, "\n".join(md) + "\n", "\n".join(page) + "\n", written)

    def _heading(self, opening: StoredMessage) -> str:
        """A thread's heading in the handout: a post's first line (a quote's words, or
        "Reading 2 of 5" with the article's title), and the passages it cites."""
        # A post of mine names what it posted (not the passages its prompts point to).
        refs = (
            list(opening.refs)
            if opening.is_bot and opening.refs
            else refs_of(opening, self.library)
        )
        first = opening.text.split("\n", 1)[0].strip()
        article = self.library.get(refs[0].split(" ¶")[0]) if self.library and refs else None
        if article is not None and len(first) <= 40 and article.title not in first:
            first = f"{first}: {article.title}"  # "Reading 1 of 5: The twisted logic of…"
        cited = ", ".join(refs)
        return one_line(first, 90) + (f" ({cited})" if cited else "")

    def _write(self, message: StoredMessage, level: int, md: list[str], page: list[str]) -> None:
        """One message of a handout, in Markdown and in HTML."""
        who = message.sender_name or "someone"
        when = self._time(message.date)
        notes = []
        if message.reply_to is not None:
            notes.append(f"reply to #{message.reply_to}")
        if message.forward_from:
            notes.append(f"forwarded from {message.forward_from}")
        if message.versions > 1:
            notes.append(f"edited {message.versions - 1}×")
        refs = refs_of(message, self.library)
        if refs:
            notes.append("passages: " + ", ".join(refs))
        meta = f" · {' · '.join(notes)}" if notes else ""
        indent = "  " * level
        md.append(
            f"{indent}- **{markdown_literal(who)}** ({when}) #{message.message_id}"
            + markdown_literal(meta)
        )
        for line in message.text.splitlines() or [""]:
            md.append(f"{indent}  > {markdown_literal(line)}")
        md.append("")
        page.append(
            f'<div class="m" id="m{message.message_id}" style="margin-left:{level * 1.5}em">'
            f'<span class="who">{html.escape(who)}</span> '
            f'<span class="meta">{html.escape(when)} · #{message.message_id}'
            f"{html.escape(meta)}</span>"
            f"<blockquote>{html.escape(message.text).replace(chr(10), '<br>')}</blockquote>"
            "</div>"
        )


PRIVACY = (
    "What I keep, in this chat only:\n"
    "• with logging on (an admin decides: /logging on or off), every message I receive here: "
    "its text or caption, who sent it (id and display name), when, what it replies to, its "
    "forum topic and where it was forwarded from; edits as new versions, the original kept; "
    "and my own posts;\n"
    "• with Telegram's privacy mode on, I receive only commands, replies to my posts and "
    "messages that mention me, so only those are kept.\n"
    "Where: one SQLite database on the server that runs me, never shared with other chats.\n"
    "How long: {retention}, then deleted.\n"
    "Also kept: the passages pulled onto the quote board and those marked unclear, with who "
    "did it, for the board and the digest.\n"
    "/forgetme deletes everything you sent here (your messages and their edits, your /quote "
    "words, your quote-board pulls, your unclear marks) and your words in my posts that showed "
    "them, and stops keeping your messages in this chat; sent to me in a private chat, it does "
    "so in every group. The messages I posted in Telegram stay in the chat."
)


def privacy_text(retention_days: int) -> str:
    retention = f"{retention_days} days" if retention_days else "until an admin deletes it"
    return PRIVACY.format(retention=retention)
