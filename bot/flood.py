"""Flood control, both ways: how fast the bot may post, and how fast a member may ask.

Telegram allows a bot about 20 messages a minute into one group and 30 a second overall, and
answers more with 429 Too Many Requests. :class:`Window` counts posts in a sliding window, so a
bot that waits for it never crosses those lines (a leaky bucket would let a burst of 20 be
followed by a 21st inside the same minute).

Members are held to :class:`Throttle`: a burst of commands is answered, a flood gets one polite
notice and then silence until the member slows down. Everything they send is still logged; only
the answers are held back. Neither class imports Telegram; the clock is passed in.
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
    NOTICE = "notice"  # over the limit: tell the member once
    IGNORE = "ignore"  # over the limit, already told


@dataclass
class _Member:
    tokens: float
    at: float
    told: bool = False


@dataclass
class Throttle:
    """A token bucket per member: ``burst`` commands at once, then one every ``every`` seconds.

    The first command over the limit gets :attr:`Verdict.NOTICE`, the rest
    :attr:`Verdict.IGNORE` until the member may ask again.
    """

    burst: int = 6
    every: float = 5.0
    _members: dict[Hashable, _Member] = field(default_factory=dict)

    def check(self, member: Hashable, now: float) -> Verdict:
        state = self._members.get(member)
        if state is None:
            if len(self._members) >= FORGET_AT:
                self.forget_idle(now)
            state = self._members[member] = _Member(float(self.burst), now)
        state.tokens = min(float(self.burst), state.tokens + (now - state.at) / self.every)
        state.at = now
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            state.told = False
            return Verdict.ANSWER
        if state.told:
            return Verdict.IGNORE
        state.told = True
        return Verdict.NOTICE

    def seconds_until_allowed(self, member: Hashable) -> int:
        """Whole seconds until ``member`` may ask again (after a check)."""
        state = self._members.get(member)
        if state is None or state.tokens >= 1.0:
            return 0
        return math.ceil((1.0 - state.tokens) * self.every)

    def forget_idle(self, now: float) -> None:
        """Drop members whose bucket is full again: the table stays as small as the flood."""
        full = self.burst * self.every
        for member in [m for m, s in self._members.items() if now - s.at >= full]:
            del self._members[member]
