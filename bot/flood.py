"""Flood control, both ways: how fast the bot may post, and how fast a member may ask.

Telegram allows a bot about 20 messages a minute into one group and 30 a second overall, and
answers more with 429 Too Many Requests. :class:`Window` counts posts in a sliding window, so a
bot that waits for it never crosses those lines (a leaky bucket would let a burst of 20 be
followed by a 21st inside the same minute).

Members are held to :class:`Throttle`: a member asking at a person's pace, bursts of clicks
included, is always answered; a flood gets one polite notice and then silence until the member
slows down. Everything they send is still logged; only the answers are held back. Neither class
imports Telegram; the clock is passed in.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Hashable
from dataclasses import dataclass, field

FORGET_AT = 10_000  # members a throttle remembers before it drops those who are idle


class Window:
    """At most ``limit`` events in any ``period`` seconds.

    An event may be moved later once it is known to have happened later: a post counts from
    when Telegram may have received it, which is up to when its answer came back (see
    :meth:`settle`), so a slow request never lets the next ones crowd into its period.
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: list[list[float]] = []  # one cell per event, so it can be settled later

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 if it fits now)."""
        self._times = [t for t in self._times if t[0] > now - self.period]
        if len(self._times) < self.limit:
            return 0.0
        return min(t[0] for t in self._times) + self.period - now

    def take(self, now: float) -> list[float]:
        """Count an event at ``now``; returns its cell for :meth:`settle`."""
        cell = [now]
        self._times.append(cell)
        return cell

    @staticmethod
    def settle(cell: list[float], now: float) -> None:
        """The event happened as late as ``now``."""
        cell[0] = max(cell[0], now)

    def idle(self, now: float) -> bool:
        """Whether the window has forgotten every event (so it may be dropped)."""
        return all(t[0] <= now - self.period for t in self._times)


class Verdict(enum.Enum):
    ANSWER = "answer"
    NOTICE = "notice"  # over the limit, first time this episode: tell the member once
    IGNORE = "ignore"  # over the limit, already told this episode: say nothing


@dataclass
class _Member:
    tokens: float
    at: float  # when ``tokens`` was last brought up to date
    over_at: float | None = None  # the member's latest request over the limit


@dataclass
class Throttle:
    """A token bucket per member, ``burst`` requests at once and one more every ``every``
    seconds, that a flood cannot drain a drop at a time.

    What counts is one request: a command meant for this bot or a press of one of its buttons
    (inline queries have their own, looser bucket; see :meth:`allow`). The numbers are for
    people, measured against Telegram's 20 posts a minute into a group:

    - ``burst = 12``: a dozen requests may come at once. Clicking through an answer (/quote,
      More, More, Context, Discuss, then /threads, /export 7 and one more command) is eight;
      a dozen is what "a dozen a minute" can mean when the minute's requests all come together.
      Twelve answers (most are one post) and a notice are fewer than the group's 20 posts a
      minute, so even a flood's burst leaves room for other members' answers that minute.
    - ``every = 4.0`` (15 a minute): faster than a dozen a minute, so a member who used their
      burst and goes on at a dozen a minute gets their burst back instead of living on the
      edge; slower than the group's 20 a minute, so one member alone cannot take a whole
      group's posts for as long as they like.

    Together: a member who never sends more than 12 requests in any 60 seconds is always
    answered, however the 12 are bunched, for as long as they keep it up (the bucket allows
    12 + L/4 in any L seconds, and 12 in a minute, 24 in two, … never exceed that). Their
    answers may still come later than asked: in a busy group the bot's posts wait their turn
    under Telegram's limit (bot/telegram/delivery.py) but are never dropped. The throttle itself
    does not hold requests back to answer them later: answers of a chat are given one at a time
    in order, so waiting for one member's token would hold up everyone else in the chat.

    Over the limit, a flood gets one notice and then silence until the member slows down:

    - A request over the limit also spends what the bucket had refilled since the last one,
      so the next answer comes only after a pause of ``every`` seconds. 50 requests at once
      get the burst answered; a script sending one a second gets the burst and what refilled
      while it lasted (15 in all), then nothing for as long as it keeps going. A member who
      pauses is answered again, then at most one request every ``every`` seconds until their
      bucket has refilled.
    - An episode is a run of requests over the limit less than ``episode`` seconds apart. Only
      its first gets :attr:`Verdict.NOTICE`; the rest get :attr:`Verdict.IGNORE`, even after
      an answer in between, so a flood that pauses now and then does not earn a notice each
      time (a notice is itself a post into the group). A member within their limit for a
      minute is told again next time.

    However a member sends, their answers in any T seconds are at most ``burst + T / every``.
    """

    burst: int = 12
    every: float = 4.0
    episode: float = 60.0
    _members: dict[Hashable, _Member] = field(default_factory=dict)

    def check(self, member: Hashable, now: float) -> Verdict:
        """A command or button press from ``member`` at ``now``: answer it or not."""
        state = self._refilled(member, now)
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            return Verdict.ANSWER
        state.tokens = 0.0  # the partial token goes too: only a pause earns the next answer
        new_episode = state.over_at is None or now - state.over_at >= self.episode
        state.over_at = now
        return Verdict.NOTICE if new_episode else Verdict.IGNORE

    def allow(self, member: Hashable, now: float) -> bool:
        """The plain bucket, for requests held back silently (inline queries, one per
        keystroke): a request over the limit costs nothing, so the query a member is still
        typing is answered as soon as a token is back."""
        state = self._refilled(member, now)
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            return True
        return False

    def seconds_until_allowed(self, member: Hashable) -> int:
        """Whole seconds of pause before ``member`` is answered again (after a check)."""
        state = self._members.get(member)
        if state is None or state.tokens >= 1.0:
            return 0
        return math.ceil((1.0 - state.tokens) * self.every)

    def forget_idle(self, now: float) -> None:
        """Drop members whose bucket is full again and whose episode is over: they would be
        treated as newcomers anyway, so the table stays as small as the flood."""
        full = self.burst * self.every
        for member in [
            m
            for m, s in self._members.items()
            if now - s.at >= full and (s.over_at is None or now - s.over_at >= self.episode)
        ]:
            del self._members[member]

    def _refilled(self, member: Hashable, now: float) -> _Member:
        state = self._members.get(member)
        if state is None:
            if len(self._members) >= FORGET_AT:
                self.forget_idle(now)
            state = self._members[member] = _Member(float(self.burst), now)
        state.tokens = min(float(self.burst), state.tokens + (now - state.at) / self.every)
        state.at = now
        return state
