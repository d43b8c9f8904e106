"""Flood control: the bot's posting windows and the per-member throttle, on a given clock."""

from __future__ import annotations

from bot.flood import Throttle, Verdict, Window


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


def test_a_flooding_member_gets_one_notice_then_silence():
    throttle = Throttle(burst=6, every=5.0)
    verdicts = [throttle.check("rosa", i / 50) for i in range(50)]  # 50 in one second
    assert verdicts[:6] == [Verdict.ANSWER] * 6
    assert verdicts[6] == Verdict.NOTICE
    assert set(verdicts[7:]) == {Verdict.IGNORE}
    assert throttle.seconds_until_allowed("rosa") in (4, 5)


def test_other_members_are_not_held_back_by_a_flood():
    throttle = Throttle(burst=6, every=5.0)
    for i in range(50):
        throttle.check("rosa", i / 50)
    assert throttle.check("karl", 1.0) == Verdict.ANSWER


def test_a_member_who_slows_down_is_answered_again_and_told_again_next_time():
    throttle = Throttle(burst=2, every=5.0)
    assert [throttle.check("rosa", 0.0) for _ in range(4)] == [
        Verdict.ANSWER, Verdict.ANSWER, Verdict.NOTICE, Verdict.IGNORE,
    ]  # fmt: skip
    assert throttle.check("rosa", 5.0) == Verdict.ANSWER
    assert throttle.check("rosa", 5.1) == Verdict.NOTICE  # a new flood, a new notice


def test_a_steady_member_is_never_throttled():
    throttle = Throttle(burst=6, every=5.0)
    assert all(throttle.check("rosa", t * 5.0) == Verdict.ANSWER for t in range(100))


def test_idle_members_are_forgotten():
    throttle = Throttle(burst=2, every=5.0)
    throttle.check("rosa", 0.0)
    throttle.forget_idle(5.0)
    assert throttle._members
    throttle.forget_idle(10.0)
    assert not throttle._members


def test_a_slow_post_counts_from_when_its_answer_came_back():
    window = Window(1, 10.0)
    slow = window.take(0.0)
    Window.settle(slow, 3.0)  # Telegram may have received it as late as 3.0
    assert window.wait(10.0) == 3.0  # so the next waits until 13.0, not 10.0
    assert window.wait(13.0) == 0.0
