"""Flood control: the bot's posting windows and the per-member throttle, on a given clock.

The throttle's clock is passed in, so hours of a member's use take no time here: a person's pace
is always answered; a flood gets its burst, one notice, then silence until it slows down."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable

from bot.flood import Throttle, Verdict, Window

ANSWER, NOTICE, IGNORE = Verdict.ANSWER, Verdict.NOTICE, Verdict.IGNORE
# The admin clicking through a /quote answer: /quote, More, More, Context, Discuss,
# /threads, /export 7, /help; seconds after the /quote, as fast as a person reads and taps.
CLICKING_THROUGH = [0.0, 1.5, 2.5, 3.5, 4.5, 7.0, 9.0, 11.0]


def test_a_window_never_lets_more_than_its_limit_into_any_period():
    window, now, posted = Window(20, 60.0), 0.0, []
    while now < 600:
        wait = window.wait(now)
        if wait:
            now += wait
            continue
        window.take(now)
        posted.append(now)
        now += 0.25
    for i, start in enumerate(posted):
        inside = [t for t in posted[i:] if t < start + 60.0]
        assert len(inside) <= 20
    assert len(posted) >= 20 * 10  # and it does use its allowance: 20 a minute for 10 minutes


def test_a_window_says_how_long_until_the_next_fits():
    window = Window(2, 10.0)
    window.take(0.0)
    window.take(1.0)
    assert window.wait(2.0) == 8.0
    assert window.wait(10.0) == 0.0
    assert not window.idle(10.0)
    assert window.idle(11.0)


def verdicts(throttle: Throttle, times: Iterable[float], member: str = "rosa") -> list[Verdict]:
    return [throttle.check(member, t) for t in times]


def at_a_persons_pace(rng: random.Random, hours: float) -> list[float]:
    """Random use never more than 12 requests in any 60 s: quick taps, reading, long pauses,
    often a dozen bunched together and then nothing for the rest of the minute."""
    times: list[float] = []
    t = 0.0
    while t < hours * 3600:
        t += rng.choice([rng.uniform(0.0, 1.0), rng.uniform(1.0, 8.0), rng.uniform(8.0, 120.0)])
        if len(times) >= 12:
            t = max(t, times[-12] + 60.0 + 1e-6)  # the 13th waits out the minute
        times.append(t)
    return times


def test_clicking_through_an_answer_is_always_answered():
    throttle = Throttle()
    assert verdicts(throttle, [0.0] * len(CLICKING_THROUGH)) == [ANSWER] * 8  # even all at once
    throttle = Throttle()
    minutes = [60.0 * m + t for m in range(120) for t in CLICKING_THROUGH]  # for two hours
    assert set(verdicts(throttle, minutes)) == {ANSWER}


def test_a_dozen_a_minute_however_bunched_is_always_answered():
    for seed in range(20):
        times = at_a_persons_pace(random.Random(seed), hours=3)
        assert set(verdicts(Throttle(), times)) == {ANSWER}, seed
    every_minute_at_once = [60.0 * m for m in range(180) for _ in range(12)]
    assert set(verdicts(Throttle(), every_minute_at_once)) == {ANSWER}


def test_a_burst_then_a_steady_dozen_a_minute_is_answered():
    # Why a token comes back faster than every 5 s: after a full burst, a member going on at
    # a dozen a minute earns their burst back instead of living on the edge of the limit.
    times = [0.0] * 12 + [5.0 * n for n in range(1, 12 * 60 * 2)]  # then for two hours
    assert set(verdicts(Throttle(), times)) == {ANSWER}


def test_a_flood_at_once_gets_its_burst_and_one_notice():
    for count in (30, 50):
        throttle = Throttle()
        got = verdicts(throttle, [n / count for n in range(count)])  # all within one second
        assert got == [ANSWER] * 12 + [NOTICE] + [IGNORE] * (count - 13)
        assert throttle.seconds_until_allowed("rosa") == 4


def test_a_script_sending_one_a_second_gets_its_burst_and_one_notice():
    got = verdicts(Throttle(), [float(t) for t in range(600)])  # for ten minutes
    assert Counter(got) == {ANSWER: 15, NOTICE: 1, IGNORE: 584}  # 12, and 3 refilled meanwhile
    assert got[15] == NOTICE
    assert set(got[16:]) == {IGNORE}  # silence for as long as it keeps going


def test_a_script_just_faster_than_the_refill_is_cut_off_too():
    # One every 3 s, 20 a minute: Telegram's whole allowance for the group. Its burst drains
    # a quarter of a token a request; once over, it never pauses long enough to be answered.
    got = verdicts(Throttle(), [3.0 * n for n in range(400)])  # twenty minutes
    answered = got.count(ANSWER)
    assert answered <= 12 + 3.0 * answered / 4.0 + 1  # its burst, and what refilled meanwhile
    assert got.count(NOTICE) == 1
    assert set(got[answered + 1 :]) == {IGNORE}


def test_a_flood_that_pauses_now_and_then_gets_one_notice():
    times = [5.0 * n + k / 10 for n in range(120) for k in range(10)]  # 10 every 5 s, 10 min
    got = verdicts(Throttle(), times)
    assert got.count(NOTICE) == 1  # not one a pause: a notice is a post in the group too
    assert got.count(ANSWER) <= 12 + 600 / 4.0


def test_however_a_member_sends_their_answers_stay_within_the_bucket():
    for seed in range(10):
        rng = random.Random(seed)
        times, t = [], 0.0
        for _ in range(5000):  # bursts, scripts and pauses, mixed
            t += rng.choice([0.0, rng.expovariate(2.0), rng.expovariate(0.2), rng.uniform(3, 6)])
            times.append(t)
        throttle = Throttle()
        answered = [t for t, v in zip(times, verdicts(throttle, times), strict=True) if v is ANSWER]
        # No run of answers from the i-th to the j-th is longer than 12 + (its span) / 4.
        lowest = float("inf")
        for j, at in enumerate(answered):
            lowest = min(lowest, j - at / throttle.every)
            assert j - at / throttle.every - lowest + 1 <= throttle.burst + 1e-9, seed


def test_a_flooder_who_slows_down_is_answered_again():
    throttle = Throttle()
    verdicts(throttle, [0.0] * 50)
    assert throttle.check("rosa", 2.0) == IGNORE  # too soon: no notice again, and the pause
    assert throttle.check("rosa", 5.9) == IGNORE  # starts again from here
    assert throttle.check("rosa", 9.9) == ANSWER  # four seconds after the last one
    steady = [9.9 + 5.0 * n for n in range(1, 12 * 60)]  # and then a dozen a minute, for an hour
    assert set(verdicts(throttle, steady)) == {ANSWER}


def test_the_notice_is_true():
    throttle = Throttle()
    verdicts(throttle, [0.0] * 13)
    seconds = throttle.seconds_until_allowed("rosa")  # what the notice says
    assert throttle.check("rosa", seconds - 0.5) == IGNORE  # "the ones before then are skipped"
    assert throttle.seconds_until_allowed("rosa") == seconds
    assert throttle.check("rosa", seconds - 0.5 + seconds) == ANSWER  # "I'll take your next"


def test_a_new_flood_after_a_calm_minute_gets_a_new_notice():
    throttle = Throttle()
    assert verdicts(throttle, [0.0] * 13)[-1] == NOTICE
    assert throttle.check("rosa", 4.0) == ANSWER
    assert set(verdicts(throttle, [5.0] * 20)) == {IGNORE}  # the same episode: told already
    assert verdicts(throttle, [70.0] * 13) == [ANSWER] * 12 + [NOTICE]  # a minute on: anew


def test_other_members_are_not_held_back_by_a_flood():
    throttle = Throttle()
    verdicts(throttle, [n / 50 for n in range(50)])
    assert verdicts(throttle, [1.0] * 8, member="karl") == [ANSWER] * 8


def test_idle_members_are_forgotten_once_nothing_about_them_matters():
    throttle = Throttle(burst=2, every=5.0)
    throttle.check("rosa", 0.0)
    throttle.forget_idle(5.0)
    assert throttle._members
    throttle.forget_idle(10.0)  # the bucket is full again
    assert not throttle._members
    verdicts(throttle, [0.0] * 3, member="flo")  # over the limit: an episode until 60 s
    throttle.forget_idle(59.0)
    assert throttle._members
    throttle.forget_idle(60.0)
    assert not throttle._members


def test_forgetting_never_changes_a_verdict():
    rng = random.Random(7)
    events, t = [], 0.0
    for _ in range(20_000):
        t += rng.choice([0.0, rng.expovariate(1.0), rng.expovariate(0.02)])
        events.append((rng.choice("abcde"), t))
    remembering, forgetting = Throttle(), Throttle()
    for n, (member, t) in enumerate(events):
        if n % 7 == 0:
            forgetting.forget_idle(t)
        assert remembering.check(member, t) == forgetting.check(member, t)


def test_inline_queries_are_a_plain_bucket():
    throttle = Throttle(burst=30, every=0.5)  # as the application sets it for inline queries
    assert [throttle.allow("rosa", 0.0) for _ in range(31)] == [True] * 30 + [False]
    assert not throttle.allow("rosa", 0.25)
    assert throttle.allow("rosa", 0.5)  # a query held back does not push the next one back


def test_a_slow_post_counts_from_when_its_answer_came_back():
    window = Window(1, 10.0)
    slow = window.take(0.0)
    Window.settle(slow, 3.0)  # Telegram may have received it as late as 3.0
    assert window.wait(10.0) == 3.0  # so the next waits until 13.0, not 10.0
    assert window.wait(13.0) == 0.0
