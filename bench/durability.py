"""Durability: the real bot flooded by several groups while it is killed and Telegram misbehaves.

    .venv/bin/python bench/durability.py [--groups 4] [--members 5] [--seconds 150] [--kills 8]
                                         [--seed 13] [--rev COMMIT] [--label TEXT]

`python -m bot run` runs as its own process (as in bench/soak.py) against the Bot API stand-in
served from this process. Members of several supergroups write at a high rate: discussion
(some of it replies, some edited later), and commands the bot answers (/quote with words of a
seed passage, /help, /summary 2, /threads) and presses of the buttons under earlier answers.
Now and then a member sends /forgetme followed at once, in the same getUpdates batch, by more
messages (one of them a /quote) each carrying a unique token. Meanwhile:

- sendMessage fails now and then: 429 with retry_after, 502, a time-out, a dropped connection,
  and the two where Telegram *did* post the message but the answer is lost: "late" (answered
  after the client's 5 s read time-out) and "cut" (the connection closed before the answer);
- the bot is SIGKILLed ``--kills`` times and restarted at once: a third of the kills in the
  stand-in's handler the moment it accepted a reply to a command (before the answer leaves),
  a third 2 to 20 ms after such an answer left, a third at a random moment.

At the end the bot is given time to answer what is left, stopped with SIGTERM (timed), and its
SQLite file read directly, with the stand-in's records. One table is printed (and written to
bench/RESULTS.md, section "Durability: kills and faults"); every column is explained there.
``--rev`` runs the bot of a given commit (exported with ``git archive``) instead of the
working tree. The stand-in's records and the ledger are kept in ``<folder>/records.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import logging
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak import BOT, CHATTER, TOPICS, misremember  # noqa: E402
from bot.library import load_library  # noqa: E402
from tests.auxil.botapi import BotAPIStandIn, Call, Fault  # noqa: E402

SECTION = "Durability: kills and faults (`bench/durability.py`)"
APOLOGY = "Sorry, something went wrong"  # the start of the bot's apology (bot/telegram/handlers)
NOTICE = "more than I can answer at once"  # the per-member throttle's notice
LOST_ANSWER_DELAY = 7.0  # seconds "late" and "timeout" hold the answer: beyond the 5 s read
TOKEN = re.compile(r"tok[0-9a-f]{10}")
TOKEN_BYTES = re.compile(rb"tok[0-9a-f]{10}")
FAULTS = [("late", 3), ("cut", 3), ("429", 1), ("502", 1), ("timeout", 1), ("drop", 1)]
KILL_MODES = ("on-accept", "after-answer", "random")


def fault_name(fault: Fault) -> str:
    return str(fault.status) if fault.kind == "error" else fault.kind


@dataclass
class StandIn(BotAPIStandIn):
    """The stand-in, noting which requests got an injected fault and calling ``on_accept``
    the moment it accepted a post (before the answer is written)."""

    injected: dict[int, str] = field(default_factory=dict)  # id(call.params) -> fault
    on_accept: Callable[[dict[str, Any], dict[str, Any]], None] | None = None

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        fault = super()._fault_for(method, params)
        if fault is not None:
            self.injected[id(params)] = fault_name(fault)
        return fault

    async def _api_sendMessage(self, params: dict) -> dict:
        result = await super()._api_sendMessage(params)
        if self.on_accept is not None:
            self.on_accept(params, result)
        return result

    def fault_of(self, call: Call) -> str | None:
        return self.injected.get(id(call.params))


@dataclass
class Sent:
    """One member message as the member sent it."""

    chat: int
    message_id: int
    user: int
    text: str
    at: float
    command: bool
    token: str | None = None
    after_forgetme: bool = False


@dataclass
class Ledger:
    messages: dict[tuple[int, int], Sent] = field(default_factory=dict)
    edits: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # texts, in order
    forgotten: dict[tuple[int, int], float] = field(default_factory=dict)  # (chat, user) -> at
    forgotten_wall: dict[tuple[int, int], float] = field(default_factory=dict)  # time.time()
    forgetme: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # -> its msg
    presses: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # id -> chat, post
    recent: dict[int, list[dict]] = field(default_factory=dict)  # chat -> messages to reply to


def sleep_until(at: float) -> Any:
    return asyncio.sleep(max(0.0, at - time.monotonic()))


class Run:
    def __init__(self, options: argparse.Namespace, code: Path) -> None:
        self.o = options
        self.code = code
        self.rng = random.Random(options.seed)
        self.api = StandIn(can_read_all_group_messages=True)
        self.ledger = Ledger()
        self.proc: asyncio.subprocess.Process | None = None
        self.starts: list[float] = []  # when each bot process was started
        self.ready: list[float] = []  # its first getUpdates
        self.kills: list[dict[str, Any]] = []
        self.exits: list[int] = []  # each process's exit code (-9: killed by us)
        self.faults: Counter[str] = Counter()
        self.killed = asyncio.Event()
        self.tokens: set[str] = set()
        self.database = options.folder / "bot.sqlite3"
        library = load_library(code / "seeds")
        self.sentences = [p.text[a:b] for art in library.articles for p in art.paragraphs
                          for a, b in p.sentences if b - a > 60]  # fmt: skip
        self.chats = [-1_001_000_000_000 - c for c in range(options.groups)]
        self.t0 = time.monotonic()
        self.deadline = 0.0

    # --- the bot process ----------------------------------------------------------------

    async def start_bot(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env |= {"TELEGRAM_BOT_TOKEN": "123456789:DURABILITY-token",
                "TELEGRAM_API_BASE_URL": self.base_url,
                "BOT_CONFIG": str(self.o.folder / "config.toml"),
                "PYTHONPATH": str(self.code)}  # fmt: skip
        with (self.o.folder / "bot.log").open("ab") as log:
            log.write(f"=== start {len(self.starts) + 1} at {self.now():.2f} s ===\n".encode())
            log.flush()
            seen = len(self.api.calls)
            self.starts.append(time.monotonic())
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, stdout=log, stderr=log,
                cwd=self.o.folder,
            )  # fmt: skip
        while not any(c.method == "getUpdates" for c in self.api.calls[seen:]):
            if self.proc.returncode is not None:
                raise SystemExit(f"the bot exited ({self.proc.returncode}); see bot.log")
            await asyncio.sleep(0.02)
        self.ready.append(time.monotonic())

    def now(self) -> float:
        return time.monotonic() - self.t0

    def kill_now(self, mode: str, params: dict[str, Any] | None = None) -> None:
        if self.proc is None or self.proc.returncode is not None or self.killed.is_set():
            return
        os.kill(self.proc.pid, signal.SIGKILL)
        target = (params or {}).get("reply_parameters") or {}
        self.kills.append({"at": time.monotonic(), "mode": mode,
                           "chat": int(params["chat_id"]) if params else None,
                           "reply_to": target.get("message_id")})  # fmt: skip
        self.killed.set()

    async def killer(self, start: float) -> None:
        span = self.o.seconds / max(1, self.o.kills)
        times = [start + span * (i + 0.5 + self.rng.uniform(-0.3, 0.3))
                 for i in range(self.o.kills)]  # fmt: skip
        loop = asyncio.get_running_loop()
        for i, at in enumerate(times):
            await sleep_until(max(at, self.ready[-1] + 3.0))
            if time.monotonic() >= self.deadline:
                break
            mode = KILL_MODES[i % len(KILL_MODES)]
            self.killed.clear()
            if mode == "random":
                self.kill_now(mode)
            else:

                def armed(params: dict[str, Any], result: dict[str, Any], mode: str = mode) -> None:
                    if int(params["chat_id"]) >= 0 or not params.get("reply_parameters"):
                        return
                    if mode == "after-answer" and id(params) in self.api.injected:
                        return  # its answer is held back or cut: not "after the answer"
                    self.api.on_accept = None
                    if mode == "on-accept":
                        self.kill_now(mode, params)
                    else:
                        delay = self.rng.uniform(0.002, 0.020)
                        loop.call_later(delay, self.kill_now, mode, params)

                self.api.on_accept = armed
                try:
                    await asyncio.wait_for(self.killed.wait(), 10)
                except TimeoutError:  # no reply went out for 10 s: kill now anyway
                    self.api.on_accept = None
                    self.kill_now("random (no reply to catch)")
            assert self.proc is not None
            self.exits.append(await self.proc.wait())
            await self.start_bot()
            self.kills[-1]["down"] = self.ready[-1] - self.kills[-1]["at"]

    # --- faults -----------------------------------------------------------------------------

    async def injector(self) -> None:
        kinds = [k for k, _ in FAULTS]
        weights = [w for _, w in FAULTS]
        while True:
            pause = self.rng.expovariate(1 / self.o.fault_every)
            if time.monotonic() + pause >= self.deadline:
                return
            await asyncio.sleep(pause)
            if self.api._faults.get("sendMessage"):
                continue  # the last one has not struck yet
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "429":
                self.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3",
                                   parameters={"retry_after": 3})  # fmt: skip
            elif kind == "502":
                self.api.fail_next("sendMessage", 502, "Bad Gateway")
            elif kind in ("timeout", "late"):
                self.api.fail_next("sendMessage", kind=kind, delay=LOST_ANSWER_DELAY)
            else:
                self.api.fail_next("sendMessage", kind=kind)
            self.faults[kind] += 1

    # --- members ----------------------------------------------------------------------------

    def token(self, rng: random.Random) -> str:
        while True:
            token = f"tok{rng.getrandbits(40):010x}"
            if token not in self.tokens:
                self.tokens.add(token)
                return token

    def say(
        self, chat: int, user: int, text: str, rng: random.Random, *, reply: bool = True,
        token: str | None = None,
    ) -> dict:  # fmt: skip
        recent = self.ledger.recent.setdefault(chat, [])
        target = rng.choice(recent[-10:]) if reply and recent and rng.random() < 0.3 else None
        sent = self.api.send_text(text, chat_id=chat, kind="supergroup", user_id=user,
                                  first_name=f"Member{user}", reply_to=target)  # fmt: skip
        key = (chat, sent["message_id"])
        self.ledger.messages[key] = Sent(
            chat,
            sent["message_id"],
            user,
            text,
            time.monotonic(),
            text.startswith("/"),
            token,
            (chat, user) in self.ledger.forgotten,
        )
        recent.append(sent)
        del recent[:-50]
        return sent

    def chatter(self, chat: int, user: int, rng: random.Random) -> dict:
        token = self.token(rng)
        text = rng.choice(CHATTER).format(w=rng.choice(TOPICS)) + f" [{token}]"
        return self.say(chat, user, text, rng, token=token)

    def quote_words(self, rng: random.Random) -> str:
        sentence = rng.choice(self.sentences)
        return misremember(sentence, rng) if rng.random() < 0.7 else " ".join(sentence.split()[:9])

    async def member(self, chat: int, user: int, rng: random.Random) -> None:
        own: list[dict] = []
        per_minute = self.o.members * 60 / self.o.every
        asks = min(0.5, self.o.posts_per_minute / per_minute)  # commands and presses
        while True:
            pause = rng.expovariate(1 / self.o.every)
            if time.monotonic() + pause >= self.deadline:
                return
            await asyncio.sleep(pause)
            roll = rng.random()
            if roll < 0.07 and own:
                target = rng.choice(own[-5:])
                key = (chat, target["message_id"])
                texts = self.ledger.edits.setdefault(key, [])
                text = f"{target['text']} (edited {len(texts) + 1})"
                self.api.edit(target, text, seconds_later=len(texts) + 1)
                texts.append(text)
                continue
            roll = rng.random()
            if roll >= asks:
                own.append(self.chatter(chat, user, rng))
                del own[:-20]
                continue
            kind = rng.random()
            if kind < 0.45:
                self.say(chat, user, f"/quote{BOT} {self.quote_words(rng)}", rng)
            elif kind < 0.58:
                self.say(chat, user, f"/help{BOT}", rng, reply=False)
            elif kind < 0.71:
                self.say(chat, user, f"/summary{BOT} 2", rng, reply=False)
            elif kind < 0.84:
                self.say(chat, user, f"/threads{BOT}", rng, reply=False)
            else:
                self.press(chat, user, rng)

    def press(self, chat: int, user: int, rng: random.Random) -> None:
        posts = [c for c in self.api.sent(chat)[-40:] if c.params.get("reply_markup")]
        if not posts:
            return
        call = rng.choice(posts[-8:])
        buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
        data = rng.choice(buttons)["callback_data"]
        press_id = f"cb{user}-{time.monotonic_ns()}"
        self.api.push_update({"callback_query": {
            "id": press_id, "chat_instance": str(chat), "data": data,
            "message": {**call.result, "chat": self.api._chats[chat]},
            "from": {"id": user, "is_bot": False, "first_name": f"Member{user}"}}})  # fmt: skip
        self.ledger.presses[press_id] = (chat, call.result["message_id"], data)

    async def forgetter(self, start: float, members: dict[int, list[int]]) -> None:
        """Now and then a member sends /forgetme and, in the same batch, three more messages
        with a token each (the last a /quote)."""
        for i in range(self.o.forgets):
            await sleep_until(start + self.o.seconds * (i + 0.4 + self.rng.uniform(0, 0.3))
                              / self.o.forgets)  # fmt: skip
            chat = self.chats[i % len(self.chats)]
            left = [u for u in members[chat] if (chat, u) not in self.ledger.forgotten]
            if len(left) < 2:
                continue
            user = self.rng.choice(left)
            rng = random.Random(self.rng.random())
            sent = self.say(chat, user, f"/forgetme{BOT}", rng, reply=False)
            self.ledger.forgotten[(chat, user)] = time.monotonic()
            self.ledger.forgotten_wall[(chat, user)] = time.time()
            self.ledger.forgetme[(chat, user)] = (chat, sent["message_id"])
            self.chatter(chat, user, rng)
            self.chatter(chat, user, rng)
            token = self.token(rng)
            self.say(chat, user, f"/quote{BOT} {self.quote_words(rng)} {token}", rng, token=token)

    # --- the run ------------------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        self.base_url = await self.api.start()
        for chat in self.chats:
            self.api.chat(chat, "supergroup", f"Reading group {chat}")
        await self.start_bot()
        await asyncio.sleep(4)  # the term index behind /summary is counted after start
        start = time.monotonic()
        self.deadline = start + self.o.seconds
        members = {chat: [10_000 + c * 100 + m for m in range(self.o.members)]
                   for c, chat in enumerate(self.chats)}  # fmt: skip
        tasks = [self.member(chat, user, random.Random(self.rng.random()))
                 for chat in self.chats for user in members[chat]]  # fmt: skip
        await asyncio.gather(*tasks, self.forgetter(start, members), self.killer(start),
                             self.injector())  # fmt: skip
        self.api.on_accept = None
        self.api._faults.clear()  # a fault not yet struck must not strike the last answers
        load_seconds = time.monotonic() - start

        # Let the bot answer what it was asked, then stop it as systemd would.
        settle_start = quiet = time.monotonic()
        posts = len(self.api.sent())
        commands = {k for k, s in self.ledger.messages.items() if s.command}
        while time.monotonic() - settle_start < self.o.settle:
            if commands <= set(self.replies()):
                break
            if len(self.api.sent()) != posts:
                posts, quiet = len(self.api.sent()), time.monotonic()
            elif time.monotonic() - quiet > 20:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1)  # the last answers logged and committed
        settle_seconds = time.monotonic() - settle_start
        assert self.proc is not None
        if self.proc.returncode is not None:
            raise SystemExit(f"the bot exited by itself ({self.proc.returncode}); see bot.log")
        term_at = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), self.o.sigterm_bound)
            sigterm: float | None = time.monotonic() - term_at
        except TimeoutError:
            sigterm = None
            self.proc.kill()
        exit_code = await self.proc.wait()
        self.exits.append(exit_code)
        await self.api.stop()
        return {"load_seconds": load_seconds, "settle_seconds": settle_seconds,
                "sigterm": sigterm, "exit_code": exit_code, "exits": self.exits}  # fmt: skip

    def replies(self) -> dict[tuple[int, int], list[Call]]:
        """Accepted sendMessage calls by the message they quote (reply_parameters)."""
        found: dict[tuple[int, int], list[Call]] = {}
        for call in self.api.sent():
            target = call.params.get("reply_parameters")
            if isinstance(target, dict) and "message_id" in target:
                key = (int(call.params["chat_id"]), int(target["message_id"]))
                found.setdefault(key, []).append(call)
        return found


# --- what the bot did, against what the members did ---------------------------------------


def analyse(run: Run, outcome: dict[str, Any]) -> dict[str, Any]:
    ledger, api = run.ledger, run.api
    database = run.database
    # The files' bytes first: opening the database could checkpoint and remove its -wal file.
    raw = b""
    files = []
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            raw += path.read_bytes()
            files.append(f"{path.name} {path.stat().st_size / 1e6:.1f} MB")
    in_bytes = {m.decode() for m in TOKEN_BYTES.findall(raw)}

    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    member_rows = {(c, m): (s, t) for c, m, s, t in db.execute(
        "SELECT chat_id, message_id, sender_id, text FROM messages WHERE is_bot = 0")}  # fmt: skip
    bot_rows = {(c, m) for c, m in db.execute("SELECT chat_id, message_id FROM messages "
                                              "WHERE is_bot = 1")}  # fmt: skip
    duplicate_rows = db.execute("SELECT count(*) FROM (SELECT 1 FROM messages GROUP BY chat_id, "
                                "message_id HAVING count(*) > 1)").fetchone()[0]  # fmt: skip
    versions: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for c, m, edit_date, text in db.execute(
        "SELECT chat_id, message_id, edit_date, text FROM message_versions ORDER BY version"
    ):
        versions.setdefault((c, m), []).append((edit_date, text))
    # Every text column of every table, for tokens still kept in a row.
    in_rows: dict[str, set[str]] = {}
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"'):
            for value in row:
                if isinstance(value, str) and "tok" in value:
                    for token in TOKEN.findall(value):
                        in_rows.setdefault(token, set()).add(table)
    requests: Counter[tuple[int, int]] = Counter()
    requests_before: Counter[tuple[int, int]] = Counter()  # made before that /forgetme
    request_words: Counter[tuple[int, int, str]] = Counter()
    for c, u, q, at in db.execute("SELECT chat_id, user_id, query, at FROM quote_requests"):
        requests[(c, u)] += 1
        request_words[(c, u, q)] += 1
        if at < int(ledger.forgotten_wall.get((c, u), 0)):
            requests_before[(c, u)] += 1
    pulls = Counter((c, u) for c, u in db.execute("SELECT chat_id, user_id FROM pulls"))
    undelivered = db.execute("SELECT count(*) FROM undelivered").fetchone()[0]
    inbox_left = db.execute("SELECT count(*) FROM inbox WHERE done = 0").fetchone()[0]
    forgotten_in_db = {(c, u) for c, u in db.execute("SELECT chat_id, user_id FROM forgotten")}
    db.close()

    forgotten = set(ledger.forgotten)
    sent = ledger.messages
    # A control for the token search: the tokens of everyone else, logged, must all be found.
    control = {s.token for k, s in sent.items() if s.token and k in member_rows
               and (s.chat, s.user) not in forgotten}  # fmt: skip
    repeated_requests = sum(n - 1 for n in request_words.values() if n > 1)
    logged = [k for k in sent if k in member_rows]
    lost = [k for k, s in sent.items()
            if (s.chat, s.user) not in forgotten and k not in member_rows]  # fmt: skip
    kept = [k for k, s in sent.items() if (s.chat, s.user) in forgotten and k in member_rows]
    kept_after = [k for k in kept if sent[k].after_forgetme]
    kept_versions = sum(len(versions.get(k, [])) for k, s in sent.items()
                        if (s.chat, s.user) in forgotten)  # fmt: skip
    versions_doubled = sum(len(v) - len(set(v)) for v in versions.values())
    versions_beyond = sum(max(0, len(versions.get(k, [])) - (1 + len(set(texts))))
                          for k, texts in ledger.edits.items())  # fmt: skip
    edits_lost = [k for k, texts in ledger.edits.items()
                  if (k[0], sent[k].user) not in forgotten
                  and member_rows.get(k, (0, ""))[1] != texts[-1]]  # fmt: skip
    tokens_of_forgotten = {s.token: s for s in sent.values()
                           if s.token and (s.chat, s.user) in forgotten}  # fmt: skip
    after_tokens = {t for t, s in tokens_of_forgotten.items() if s.after_forgetme}
    before_tokens = set(tokens_of_forgotten) - after_tokens
    rows_with = Counter(table for t in tokens_of_forgotten for table in in_rows.get(t, ()))

    replies = run.replies()
    commands = {k: s for k, s in sent.items() if s.command}
    twice = {k: replies[k] for k in commands if len(replies.get(k, [])) > 1}
    twice_apology = sum(1 for calls in twice.values()
                        if any(c.params["text"].startswith(APOLOGY) for c in calls))  # fmt: skip
    twice_same = sum(1 for calls in twice.values()
                     if len({c.params["text"] for c in calls}) < len(calls))  # fmt: skip
    never = [k for k in commands if k not in replies]
    apologies = [c for c in api.sent() if c.params["text"].startswith(APOLOGY)]
    notices = [c for c in api.sent() if NOTICE in c.params["text"]]

    # Button presses: answers quoting a pressed post beyond the presses of it (a lower bound).
    presses = Counter((chat, post) for chat, post, _ in ledger.presses.values())
    press_doubled = sum(max(0, len(replies.get(k, [])) - n) for k, n in presses.items())
    press_answered = {c.params.get("callback_query_id") for c in api.calls
                      if c.method == "answerCallbackQuery" and c.ok}  # fmt: skip

    kill_times = [k["at"] for k in run.kills]
    group_posts = [c for c in api.sent() if int(c.params["chat_id"]) < 0]
    missing = [c for c in group_posts if (int(c.params["chat_id"]), c.result["message_id"])
               not in bot_rows]  # fmt: skip

    def why_missing(call: Call) -> str:
        if call.params["text"].startswith(APOLOGY):
            return "apology"
        if api.fault_of(call) in ("late", "cut"):
            return "late/cut"
        if any(0 <= t - call.at < 2.0 for t in kill_times):
            return "killed"
        return "other"

    missing_why = Counter(why_missing(c) for c in missing)
    too_many = api.too_many()
    injected_429 = [c for c in too_many if api.fault_of(c) == "429"]
    pacing_429 = [c for c in too_many if api.fault_of(c) != "429"]
    after_restart = [c for c in pacing_429 if any(0 <= c.at - s < 61 for s in run.starts[1:])]
    faults_struck = Counter(v for v in api.injected.values())
    # Direct evidence for the kills that caught a reply: was that command answered again?
    for kill in run.kills:
        if kill.get("reply_to") is not None:
            answers = replies.get((kill["chat"], kill["reply_to"]), [])
            kill["replies_after"] = sum(1 for c in answers if c.at > kill["at"])
    return {
        "sent": len(sent),
        "logged": len(logged),
        "lost": len(lost),
        "doubled": duplicate_rows,
        "versions_doubled": versions_doubled,
        "versions_beyond": versions_beyond,
        "edited": len(ledger.edits),
        "edits_lost": len(edits_lost),
        "forgotten": len(forgotten),
        "forgotten_in_db": len(forgotten & forgotten_in_db),
        "kept_rows": len(kept),
        "kept_rows_after": len(kept_after),
        "kept_versions": kept_versions,
        "kept_requests": sum(n for k, n in requests.items() if k in forgotten),
        "kept_requests_before": sum(requests_before.values()),
        "kept_pulls": sum(n for k, n in pulls.items() if k in forgotten),
        "tokens_after": len(after_tokens),
        "after_in_rows": len([t for t in after_tokens if t in in_rows]),
        "after_in_bytes": len(after_tokens & in_bytes),
        "tokens_before": len(before_tokens),
        "before_in_rows": len([t for t in before_tokens if t in in_rows]),
        "before_in_bytes": len(before_tokens & in_bytes),
        "token_tables": dict(rows_with),
        "files": files,
        "control": len(control),
        "control_in_rows": len([t for t in control if t in in_rows]),
        "control_in_bytes": len(control & in_bytes),
        "repeated_requests": repeated_requests,
        "commands": len(commands),
        "twice": len(twice),
        "twice_apology": twice_apology,
        "twice_same_text": twice_same,
        "never": len(never),
        "never_list": [f"{c}/{m} {sent[(c, m)].text[:30]!r}" for c, m in never[:10]],
        "twice_list": [
            f"{c}/{m} {sent[(c, m)].text[:30]!r}: {len(twice[(c, m)])} "
            f"({', '.join(api.fault_of(x) or '-' for x in twice[(c, m)])})"
            for c, m in list(twice)[:12]
        ],
        "apologies": len(apologies),
        "notices": len(notices),
        "presses": len(ledger.presses),
        "presses_answered": len(set(ledger.presses) & press_answered),
        "press_doubled": press_doubled,
        "posts": len(group_posts),
        "missing": len(missing),
        "missing_why": dict(missing_why),
        "too_many": len(too_many),
        "injected_429": len(injected_429),
        "pacing_429": len(pacing_429),
        "pacing_429_after_restart": len(after_restart),
        "pacing_429_chats": dict(Counter(int(c.params["chat_id"]) for c in pacing_429)),
        "faults_injected": dict(run.faults),
        "faults_struck": dict(faults_struck),
        "undelivered": undelivered,
        "inbox_left": inbox_left,
        "kills": [
            {
                k: round(v - run.t0 if k == "at" else v, 2) if isinstance(v, float) else v
                for k, v in kill.items()
            }
            for kill in run.kills
        ],
        **outcome,
    }


def dump_records(run: Run, path: Path) -> None:
    """The stand-in's records and the ledger, for checking counts by hand."""
    calls = [{"i": i, "method": c.method, "at": round(c.at - run.t0, 3), "ok": c.ok,
              "error": c.error, "fault": run.api.fault_of(c),
              "chat": c.params.get("chat_id"),
              "reply_to": (c.params.get("reply_parameters") or {}).get("message_id")
              if isinstance(c.params.get("reply_parameters"), dict) else None,
              "text": str(c.params.get("text", ""))[:80],
              "message_id": c.result.get("message_id") if isinstance(c.result, dict) else None}
             for i, c in enumerate(run.api.calls) if c.method != "getUpdates"]  # fmt: skip
    ledger = {
        "messages": [{"chat": s.chat, "id": s.message_id, "user": s.user, "text": s.text,
                      "at": round(s.at - run.t0, 3), "command": s.command, "token": s.token,
                      "after_forgetme": s.after_forgetme} for s in run.ledger.messages.values()],
        "edits": [{"chat": c, "id": m, "texts": t} for (c, m), t in run.ledger.edits.items()],
        "forgotten": [{"chat": c, "user": u, "at": round(t - run.t0, 3)}
                      for (c, u), t in run.ledger.forgotten.items()],
        "presses": [{"id": i, "chat": c, "post": p, "data": d}
                    for i, (c, p, d) in run.ledger.presses.items()],
        "starts": [round(s - run.t0, 3) for s in run.starts],
        "ready": [round(s - run.t0, 3) for s in run.ready],
    }  # fmt: skip
    path.write_text(json.dumps({"calls": calls, "ledger": ledger}, indent=1), encoding="utf-8")


# --- the table ---------------------------------------------------------------------------

HEADER = ("| run | member messages sent | logged | lost | doubled (rows / edit versions) | "
          "forgotten-but-kept (rows / versions / quote requests / tokens in rows / tokens in "
          "file bytes) | commands | answered twice | never answered | bot posts missing from "
          "the log | 429s (pacing / injected) | SIGTERM to exit |")  # fmt: skip


def row(label: str, r: dict[str, Any]) -> str:
    tokens = r["tokens_after"] + r["tokens_before"]
    sigterm = f"{r['sigterm']:.1f} s" if r["sigterm"] is not None else "did not end (killed)"
    return (
        f"| {label} | {r['sent']:,} | {r['logged']:,} | {r['lost']} | "
        f"{r['doubled']} / {r['versions_doubled'] + r['versions_beyond']} | "
        f"{r['kept_rows']} / {r['kept_versions']} / {r['kept_requests']} / "
        f"{r['after_in_rows'] + r['before_in_rows']} of {tokens} / "
        f"{r['after_in_bytes'] + r['before_in_bytes']} of {tokens} | "
        f"{r['commands']} | {r['twice']} | {r['never']} | {r['missing']} of {r['posts']} | "
        f"{r['too_many']} ({r['pacing_429']} / {r['injected_429']}) | {sigterm} |"
    )


def counts(found: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(found.items())) or "none"


def details(label: str, r: dict[str, Any], o: argparse.Namespace, when: str, commit: str) -> str:
    downs = [k.get("down", 0) for k in r["kills"]]
    caught = [k for k in r["kills"] if k.get("reply_to") is not None]
    again = sum(1 for k in caught if k.get("replies_after", 0) > 0)
    parts = [
        f"- **{label}** — {when}, commit `{commit}`, `bench/durability.py --groups {o.groups} "
        f"--members {o.members} --seconds {o.seconds:g} --kills {o.kills} --seed {o.seed}"
        f"{' --rev ' + o.rev if o.rev else ''}` "
        f"(a message every {o.every:g} s per member, {o.posts_per_minute:g} requests a minute "
        f"per group, {o.forgets} /forgetme, a fault every {o.fault_every:g} s on average).",
        f"Load {r['load_seconds']:.0f} s, then {r['settle_seconds']:.0f} s to answer the rest "
        f"(the whole run {r['whole_seconds']:.0f} s).",
        f"Kills: {counts(Counter(k['mode'] for k in r['kills']))}; down "
        f"{min(downs, default=0):.1f}–{max(downs, default=0):.1f} s each; of the {len(caught)} "
        f"kills that caught a reply, {again} commands were answered again after the restart.",
        f"Faults injected: {counts(r['faults_injected'])}.",
        f"Answered twice: {r['twice_same_text']} with the same text twice, "
        f"{r['twice_apology']} with an apology among the answers.",
        f"Posts missing from the log: {counts(r['missing_why'])}.",
        f"Pacing 429s within 61 s of a restart: {r['pacing_429_after_restart']} of "
        f"{r['pacing_429']}.",
        f"Edit versions: {r['versions_doubled']} duplicated, {r['versions_beyond']} beyond the "
        f"edits sent; edits lost {r['edits_lost']} of {r['edited']}.",
        f"Forgotten: {r['forgotten']} members ({r['forgotten_in_db']} in the `forgotten` "
        f"table); rows kept {r['kept_rows']} ({r['kept_rows_after']} sent after /forgetme), "
        f"quote requests kept {r['kept_requests']} ({r['kept_requests_before']} made before "
        f"/forgetme), pulls kept {r['kept_pulls']}; tokens sent after /forgetme found in rows "
        f"{r['after_in_rows']} of {r['tokens_after']}, in the file bytes "
        f"{r['after_in_bytes']}; tokens of their earlier messages in rows "
        f"{r['before_in_rows']} of {r['tokens_before']}, in the file bytes "
        f"{r['before_in_bytes']} (rows by table: {counts(r['token_tables'])}).",
        f"Control: the other members' logged tokens were found in rows for "
        f"{r['control_in_rows']} of {r['control']}, in the file bytes for "
        f"{r['control_in_bytes']}.",
        f"/quote requests stored again for the same member and words: {r['repeated_requests']}.",
        f"Apologies {r['apologies']}, throttle notices {r['notices']}, undelivered rows "
        f"{r['undelivered']}, updates left in the inbox {r['inbox_left']}; button presses "
        f"{r['presses']} ({r['presses_answered']} answered, {r['press_doubled']} answers "
        f"beyond the presses).",
    ]
    return " ".join(parts)


INTRO = """\
The real bot as its own process (`python -m bot run`) against the Bot API stand-in in the
benchmark's process, while several supergroups write to it at a high rate: discussion with a
unique token in each message (30% replies, some edited, once or twice), and requests the bot
answers — `/quote` with words of a seed passage (mostly misremembered), `/help`, `/summary 2`,
`/threads` and presses of the buttons under earlier quotes — held to about 14 a minute per
group (Telegram lets a bot post 20 a minute into a group). Now and then a member sends
`/forgetme` and, pushed back to back so they come in the same getUpdates batch, two messages
and a `/quote`, each with a token. About every 4 s a fault is armed for the next sendMessage:
a 429 (retry after 3 s), a 502, a time-out or a dropped connection (Telegram did not post), or
"late" (posted, answered after 7 s: beyond the client's 5 s read time-out) or "cut" (posted,
connection closed before the answer), late and cut three times as often as each of the others.
The bot is SIGKILLed `--kills` times and restarted at once: a third of the kills in the
stand-in's handler the instant it accepted a reply to a command (before its answer is written),
a third 2–20 ms after such an answer went out, a third at a random moment. At the end the bot
gets up to 120 s to answer what is left (until every command has an answer or nothing is posted
for 20 s), is stopped with SIGTERM, and its SQLite file is read directly."""

COLUMNS = """\
Columns:

- **member messages sent**: messages the members sent (discussion and commands; edits and
  button presses are not messages). **logged**: how many of them are rows of `messages`.
- **lost**: sent by a member who did not ask to be forgotten (all groups are logged) and not in
  `messages`.
- **doubled**: rows of `messages` with the same (chat, message) — impossible by the primary key,
  so always 0 — and after the slash, edit versions doubled: rows of `message_versions` repeating
  an (edit time, text) of the same message, plus versions beyond the original and the distinct
  edits the member sent.
- **forgotten-but-kept**, for the members who sent `/forgetme`, in that chat: their rows in
  `messages` (sent before or after it), their rows in `message_versions`, their rows in
  `quote_requests`; then their unique tokens (those of their earlier discussion and those sent
  right after `/forgetme`) still in any text column of any table, and found as bytes anywhere in
  the database file or its `-wal` (where SQLite does not overwrite deleted rows, they linger
  in free pages).
- **commands**: member messages starting with `/` (including `/forgetme`). **answered twice**:
  commands with more than one accepted sendMessage whose `reply_parameters.message_id` is the
  command (a reply in several parts quotes it only in its first; an apology quotes it too).
  **never answered**: commands with no such sendMessage (no floods are sent, so none may be
  skipped by the per-member throttle; its notices are counted in the details).
- **bot posts missing from the log**: sendMessage calls the stand-in accepted (posted) into the
  groups, all logged, whose message is not a bot row of `messages`, of all accepted there.
- **429s**: every 429 the stand-in answered (`api.too_many()`); in brackets those of its flood
  limits (20 posts in 60 s into a group, 30 a second overall: the bot's pacing let a post
  through that Telegram would refuse) and those injected by the benchmark.
- **SIGTERM to exit**: seconds from SIGTERM to the process's exit (bounded at 40 s; the README
  promises 20 s).

The details line of each run splits these figures up: why posts are missing from the log
(answers lost by "late"/"cut", posts accepted within 2 s before a kill, apologies, other),
whether the commands whose reply a kill caught were answered again, the pacing 429s within 61 s
of a restart, and more."""


def write_results(
    path: Path, label: str, r: dict[str, Any], o: argparse.Namespace, when: str, commit: str
) -> None:
    text = path.read_text(encoding="utf-8")
    heading = f"## {SECTION}"
    before, found, rest = text.partition(heading)
    rows: dict[str, str] = {}
    runs: dict[str, str] = {}
    notes = ""
    after = ""
    if found:
        body, sep, after = rest.partition("\n## ")
        after = sep.lstrip("\n") + after if sep else ""
        body, has_notes, notes = body.partition("\n### Notes")
        notes = "### Notes" + notes if has_notes else ""
        table, _, listed = body.partition("\nRuns:\n")
        for line in table.splitlines():
            if line.startswith("| ") and not line.startswith("| run |"):
                rows[line.split(" | ")[0][2:]] = line
        for line in listed.splitlines():
            if line.startswith("- **"):
                runs[line[4:].split("**")[0]] = line
    rows[label] = row(label, r)
    runs[label] = details(label, r, o, when, commit)
    section = "\n\n".join([
        heading, INTRO,
        "\n".join([HEADER, "|" + "---|" * (HEADER.count("|") - 1), *rows.values()]),
        COLUMNS, "Runs:\n\n" + "\n".join(runs.values()),
    ]) + "\n"  # fmt: skip
    if notes:
        section += "\n" + notes.strip("\n") + "\n"
    text = before.rstrip("\n") + "\n\n" + section + (("\n" + after) if after else "")
    path.write_text(text, encoding="utf-8")


def describe_commit(rev: str | None) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    if rev:
        return git("rev-parse", "--short", rev).strip()
    commit = git("rev-parse", "--short", "HEAD").strip()
    dirty = git("status", "--porcelain", "--", "bot", "seeds").strip()
    return commit + (" + uncommitted changes to bot/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--members", type=int, default=5, help="per group")
    parser.add_argument("--seconds", type=float, default=150, help="of load")
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a member's")
    parser.add_argument("--posts-per-minute", type=float, default=14,
                        help="commands and presses a minute per group")  # fmt: skip
    parser.add_argument("--forgets", type=int, default=4, help="members sending /forgetme")
    parser.add_argument("--fault-every", type=float, default=4.0, help="seconds, on average")
    parser.add_argument("--settle", type=float, default=120.0)
    parser.add_argument("--sigterm-bound", type=float, default=40.0)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/durability-bench"))
    parser.add_argument("--rev", help="run the bot of this commit (git archive) instead")
    parser.add_argument("--label", default="latest run", help="the row's name in RESULTS.md")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    o = parser.parse_args()
    # The stand-in's server complains of every request a killed bot left half sent.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    shutil.rmtree(o.folder, ignore_errors=True)
    o.folder.mkdir(parents=True)
    code = ROOT
    if o.rev:
        code = o.folder / "code"
        code.mkdir()
        archive = subprocess.run(["git", "archive", o.rev], cwd=ROOT, capture_output=True,
                                 check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    database = o.folder / "bot.sqlite3"
    (o.folder / "config.toml").write_text(
        f'[storage]\ndatabase = "{database}"\n[library]\npath = "{code / "seeds"}"\n'
        "[discussion]\nlogging_default = true\nretention_days = 0\n",
        encoding="utf-8",
    )
    commit = describe_commit(o.rev)
    when = datetime.datetime.now(datetime.UTC).date().isoformat()
    started = time.monotonic()
    run = Run(o, code)
    outcome = asyncio.run(run.run())
    results = analyse(run, outcome)
    results["whole_seconds"] = time.monotonic() - started
    dump_records(run, o.folder / "records.json")
    label = o.label
    print(f"{o.groups} groups × {o.members} members, {results['load_seconds']:.0f} s of load, "
          f"{len(run.kills)} kills; code {commit} ({code}); "
          f"whole run {time.monotonic() - started:.0f} s")  # fmt: skip
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    print(row(label, results))
    print(details(label, results, o, when, commit))
    print("Answered twice (chat/message, text: answers (fault on each)):",
          *results["twice_list"], sep="\n  ")  # fmt: skip
    print("Never answered:", *results["never_list"], sep="\n  ")
    print("Kills:", *results["kills"], sep="\n  ")
    print(f"Pacing 429s by chat: {results['pacing_429_chats']}; faults struck: "
          f"{results['faults_struck']}; files: {', '.join(results['files'])}; exit codes "
          f"{results['exits']}")  # fmt: skip
    if not o.no_results:
        write_results(o.results, label, results, o, when, commit)
        print(f"Written to {o.results}")


if __name__ == "__main__":
    main()
