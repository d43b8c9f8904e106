"""Soak: many groups talking to the real bot for a while, with a flood now and then.

    .venv/bin/python bench/soak.py [--chats 20] [--members 10] [--minutes 10] [--every 10]

`python -m bot run` runs as its own process against the Bot API stand-in, which plays Telegram
(and answers 429 to anything beyond Telegram's flood limits). Each member of each group writes
every ``--every`` seconds on average, a realistic mix: mostly discussion (some of it replies,
some edited later), and /quote with misremembered quotes, /summary, /compare, /threads, /today,
inline queries and presses of the buttons under earlier quotes. Every ``--flood-every`` seconds
one member sends 30 commands at once. At the end the bot is stopped and its database read.

Printed: messages and replies a second, reply latency (from the member's message reaching the
stand-in to the reply reaching it), the bot's memory over time, and what must be zero: member
messages lost from the log, edits lost, commands answered twice or never, and 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mib  # noqa: E402
from bot.library import load_library  # noqa: E402
from tests.auxil.botapi import BotAPIStandIn  # noqa: E402

BOT = "@ReadingGroupBot"
TOPICS = ["imperialism", "Ukraine", "NATO", "the working class", "Wagner", "peace", "Stalin",
          "self-determination", "the left", "capitalism"]  # fmt: skip
CHATTER = ["I think the point about {w} is overstated.", "Has anyone read the part on {w}?",
           "That is exactly what the article says about {w}.", "Not sure I agree on {w}.",
           "Good point. The bit about {w} stayed with me.",
           "Where does it say that about {w}?"]  # fmt: skip
FLOOD = 30  # commands in one flood burst


@dataclass
class Ledger:
    """What the members did, to check against what the bot did."""

    messages: dict[int, set[int]] = field(default_factory=dict)  # chat -> member message ids
    edited: dict[tuple[int, int], str] = field(default_factory=dict)  # message -> last text
    commands: dict[tuple[int, int], float] = field(default_factory=dict)  # (chat, id) -> at
    flood: set[tuple[int, int]] = field(default_factory=set)  # flood commands: may be dropped
    inline: dict[str, float] = field(default_factory=dict)  # inline query id -> sent at
    presses: dict[str, float] = field(default_factory=dict)  # callback query id -> sent at
    recent: dict[int, list[dict]] = field(default_factory=dict)  # chat -> recent messages


def misremember(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 12:
        start = rng.randrange(len(words) - 10)
        words = words[start : start + rng.randint(6, 10)]
    if len(words) > 4:
        kind = rng.random()
        i = rng.randrange(1, len(words) - 1)
        if kind < 0.4:
            del words[i]
        elif kind < 0.7 and len(words[i]) > 4:
            w = words[i]
            words[i] = w[:2] + w[3] + w[2] + w[4:]
        else:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


async def member(
    api: BotAPIStandIn, ledger: Ledger, chat: int, user: int, sentences: list[str],
    every: float, deadline: float, rng: random.Random,
) -> None:  # fmt: skip
    name = f"Member{user}"
    own: list[dict] = []
    while True:
        pause = rng.expovariate(1 / every)
        if time.monotonic() + pause >= deadline:
            return
        await asyncio.sleep(pause)
        roll = rng.random()
        recent = ledger.recent.setdefault(chat, [])
        text: str | None = None
        if roll < 0.70:
            text = rng.choice(CHATTER).format(w=rng.choice(TOPICS))
        elif roll < 0.75 and own:
            target = rng.choice(own[-5:])
            target["text"] += " (edited)"
            api.edit(target, target["text"])
            ledger.edited[(chat, target["message_id"])] = target["text"]
            continue
        elif roll < 0.85:
            text = f"/quote{BOT} {misremember(rng.choice(sentences), rng)}"
        elif roll < 0.88:
            text = f"/summary{BOT} {rng.randint(1, 5)}"
        elif roll < 0.90:
            text = f"/compare{BOT} {rng.choice(TOPICS)}"
        elif roll < 0.94:
            query_id = f"iq{user}-{time.monotonic_ns()}"
            api.push_update({"inline_query": {
                "id": query_id, "query": misremember(rng.choice(sentences), rng)[:60],
                "offset": "", "chat_type": "supergroup",
                "from": {"id": user, "is_bot": False, "first_name": name}}})  # fmt: skip
            ledger.inline[query_id] = time.monotonic()
            continue
        elif roll < 0.97:
            quotes = [c for c in api.sent(chat) if c.params.get("reply_markup")]
            if not quotes:
                continue
            call = rng.choice(quotes[-5:])
            buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
            press_id = f"cb{user}-{time.monotonic_ns()}"
            data = rng.choice(buttons)["callback_data"]
            api.push_update({"callback_query": {
                "id": press_id, "chat_instance": str(chat), "data": data,
                "message": {**call.result, "chat": api._chats[chat]},
                "from": {"id": user, "is_bot": False, "first_name": name}}})  # fmt: skip
            ledger.presses[press_id] = time.monotonic()
            continue
        else:
            text = rng.choice([f"/threads{BOT}", f"/today{BOT}", f"/help{BOT}", f"/quotes{BOT}"])
        reply_to = rng.choice(recent[-10:]) if recent and rng.random() < 0.3 else None
        sent = api.send_text(text, chat_id=chat, kind="supergroup", user_id=user,
                             first_name=name, reply_to=reply_to)  # fmt: skip
        ledger.messages.setdefault(chat, set()).add(sent["message_id"])
        if text.startswith("/"):
            ledger.commands[(chat, sent["message_id"])] = time.monotonic()
        own.append(sent)
        recent.append(sent)
        del recent[:-50], own[:-20]


async def flooder(
    api: BotAPIStandIn, ledger: Ledger, chats: list[int], every: float, deadline: float,
    rng: random.Random,
) -> int:  # fmt: skip
    bursts = 0
    while time.monotonic() + every < deadline:
        await asyncio.sleep(every)
        chat = rng.choice(chats)
        for n in range(FLOOD):
            sent = api.send_text(f"/quote{BOT} stab in the back {n}", chat_id=chat,
                                 kind="supergroup", user_id=99_999, first_name="Flo")  # fmt: skip
            ledger.messages.setdefault(chat, set()).add(sent["message_id"])
            ledger.flood.add((chat, sent["message_id"]))
        bursts += 1
    return bursts


async def sample_memory(pid: int, samples: list[tuple[float, float]], started: float) -> None:
    while True:
        samples.append((time.monotonic() - started, rss_mib(pid)))
        await asyncio.sleep(5)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values or [0])[0]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between a member's")
    parser.add_argument("--flood-every", type=float, default=60.0)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/soak-bench"))
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    shutil.rmtree(options.folder, ignore_errors=True)
    options.folder.mkdir(parents=True)
    database = options.folder / "bot.sqlite3"
    (options.folder / "config.toml").write_text(
        f'[storage]\ndatabase = "{database}"\n[library]\npath = "{ROOT / "seeds"}"\n'
        "[discussion]\nlogging_default = true\nretention_days = 0\n",
        encoding="utf-8",
    )
    library = load_library(ROOT / "seeds")
    sentences = [p.text[a:b] for art in library.articles for p in art.paragraphs
                 for a, b in p.sentences if b - a > 60]  # fmt: skip

    api = BotAPIStandIn(can_read_all_group_messages=True)
    base_url = await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": "123456789:SOAK-token", "TELEGRAM_API_BASE_URL": base_url,
            "BOT_CONFIG": str(options.folder / "config.toml")}  # fmt: skip
    log = (options.folder / "bot.log").open("wb")
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stderr=log, cwd=options.folder
    )
    api.send_text("/help", chat_id=1)
    await api.wait_for_messages(1, 1, wait=120)
    await asyncio.sleep(5)  # the term index is counted a few seconds after start
    memory: list[tuple[float, float]] = []
    sampler = asyncio.create_task(sample_memory(process.pid, memory, started))

    ledger = Ledger()
    chats = [-1_000_000_000_000 - c for c in range(options.chats)]
    for chat in chats:
        api.chat(chat, "supergroup", f"Reading group {chat}")
    load_started = time.monotonic()
    deadline = load_started + options.minutes * 60
    members = [
        member(api, ledger, chat, 10_000 + c * 1000 + m, sentences, options.every, deadline,
               random.Random(rng.random()))
        for c, chat in enumerate(chats) for m in range(options.members)
    ]  # fmt: skip
    flooding = flooder(api, ledger, chats, options.flood_every, deadline, random.Random(1))
    *_, bursts = await asyncio.gather(*members, flooding)
    load_seconds = time.monotonic() - load_started

    # Let the bot finish what it was asked, then stop it as systemd would (SIGTERM).
    answered = {(int(c.params["chat_id"]), c.params["reply_parameters"]["message_id"])
                for c in api.sent() if c.params.get("reply_parameters")}  # fmt: skip
    waiting = set(ledger.commands) - ledger.flood
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < 15 and not waiting <= answered:
        before = len(api.calls)
        await asyncio.sleep(1)
        answered = {(int(c.params["chat_id"]), c.params["reply_parameters"]["message_id"])
                    for c in api.sent() if c.params.get("reply_parameters")}  # fmt: skip
        if len(api.calls) != before:
            quiet_since = time.monotonic()
    sampler.cancel()
    memory.append((time.monotonic() - started, rss_mib(process.pid)))
    process.send_signal(signal.SIGTERM)
    await process.wait()
    await api.stop()

    # What the bot did, against what the members did.
    with sqlite3.connect(database) as db:
        logged = {}
        for chat, message_id in db.execute(
            "SELECT chat_id, message_id FROM messages WHERE is_bot = 0"
        ):
            logged.setdefault(chat, set()).add(message_id)
        texts = {
            (c, m): t for c, m, t in db.execute("SELECT chat_id, message_id, text FROM messages")
        }
        undelivered = db.execute("SELECT count(*) FROM undelivered").fetchone()[0]
    edits_lost = sum(1 for key, text in ledger.edited.items() if texts.get(key) != text)
    members_sent = sum(len(ids) for ids in ledger.messages.values())
    lost = sum(len(ids - logged.get(chat, set())) for chat, ids in ledger.messages.items())
    replies: dict[tuple[int, int], list[float]] = {}
    for call in api.sent():
        target = call.params.get("reply_parameters")
        if target:
            replies.setdefault((int(call.params["chat_id"]), target["message_id"]), []).append(
                call.at
            )
    latencies = [
        replies[k][0] - at
        for k, at in ledger.commands.items()
        if k in replies and k not in ledger.flood
    ]
    unanswered = [k for k in ledger.commands if k not in ledger.flood and k not in replies]
    # A command's answer quotes it; button answers quote the bot's post, so are not counted.
    doubled = [k for k in ledger.commands if len(replies.get(k, [])) > 1]
    flood_answered = sum(1 for k in ledger.flood if k in replies)
    notices = sum(1 for c in api.sent() if "more than I can answer at once" in c.params["text"])
    inline_at = {
        c.params["inline_query_id"]: c.at
        for c in api.calls
        if c.method == "answerInlineQuery" and c.ok
    }
    inline_lat = [inline_at[q] - at for q, at in ledger.inline.items() if q in inline_at]
    press_at = {
        c.params["callback_query_id"]: c.at
        for c in api.calls
        if c.method == "answerCallbackQuery" and c.ok
    }
    press_lat = [press_at[q] - at for q, at in ledger.presses.items() if q in press_at]
    settled = [m for t, m in memory if t >= 60] or [m for _, m in memory]
    print(
        f"{options.chats} chats × {options.members} members for {load_seconds / 60:.1f} min, "
        f"a message every {options.every:.0f} s per member; {bursts} floods of {FLOOD}"
    )
    print(
        "| chats × members | minutes | member messages | msgs/s | commands answered | "
        "replies/min | reply p50 | reply p95 | inline p95 | button p95 | RSS at 1 min → end "
        "(peak) | lost | edits lost | doubled | unanswered | 429s | undelivered |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {options.chats} × {options.members} | {load_seconds / 60:.1f} | {members_sent:,} | "
        f"{members_sent / load_seconds:.1f} | {len(latencies):,} | "
        f"{len(api.sent()) / (load_seconds / 60):.0f} | {p(latencies, 50) * 1000:.0f} ms | "
        f"{p(latencies, 95) * 1000:.0f} ms | {p(inline_lat, 95) * 1000:.0f} ms | "
        f"{p(press_lat, 95) * 1000:.0f} ms | {settled[0]:.0f} → {settled[-1]:.0f} MiB "
        f"({max(m for _, m in memory):.0f}) | {lost} | {edits_lost} | "
        f"{len(doubled)} | {len(unanswered)} | {len(api.too_many())} | {undelivered} |"
    )
    print(
        f"Edited messages: {len(ledger.edited)}. Floods: {len(ledger.flood)} commands, "
        f"{flood_answered} answered, {notices} notices. "
        f"Inline queries {len(inline_lat)}/{len(ledger.inline)} answered, "
        f"button presses {len(press_lat)}/{len(ledger.presses)}."
    )
    print(
        "Memory (s: MiB): "
        + ", ".join(f"{t:.0f}: {m:.0f}" for t, m in memory[:: max(1, len(memory) // 12)])
    )


if __name__ == "__main__":
    asyncio.run(main())
