"""The per-upstream circuit breaker, with an injected clock."""

from __future__ import annotations

import pytest

from skill.errors import UpstreamUnavailable
from skill.spotify.breaker import Breaker, Breakers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fail(breaker: Breaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_opens_after_three_consecutive_failures(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock)
    fail(breaker, 2)
    assert breaker.state == "closed"
    fail(breaker, 1)
    assert breaker.state == "open"
    with pytest.raises(UpstreamUnavailable) as caught:
        breaker.before_call()
    assert caught.value.retry_after == pytest.approx(60.0)
    assert caught.value.details == {"upstream": "api", "breaker": "open"}


def test_a_success_resets_the_count(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock)
    fail(breaker, 2)
    breaker.before_call()
    breaker.record_success()
    fail(breaker, 2)
    assert breaker.state == "closed"
    assert breaker.snapshot()["consecutive_failures"] == 2


def test_retry_after_counts_down_with_the_clock(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock, cooldown=60)
    fail(breaker, 3)
    clock.now += 45
    with pytest.raises(UpstreamUnavailable) as caught:
        breaker.before_call()
    assert caught.value.retry_after == pytest.approx(15.0)


def test_half_open_lets_exactly_one_probe_through(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock)
    fail(breaker, 3)
    clock.now += 60
    assert breaker.state == "half_open"
    breaker.before_call()  # the probe
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable) as caught:
            breaker.before_call()
        assert caught.value.details["breaker"] == "half_open"
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.before_call()


def test_a_failed_probe_reopens_for_a_full_cooldown(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock)
    fail(breaker, 3)
    clock.now += 61
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    assert breaker.retry_after() == pytest.approx(60.0)
    clock.now += 59
    assert breaker.state == "open"
    clock.now += 1
    assert breaker.state == "half_open"


def test_a_released_probe_frees_the_slot(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock)
    fail(breaker, 3)
    clock.now += 60
    breaker.before_call()
    breaker.release()  # e.g. the caller was cancelled before an answer
    breaker.before_call()  # another probe may go
    with pytest.raises(UpstreamUnavailable):
        breaker.before_call()


def test_a_lost_probe_does_not_wedge_the_breaker(clock: Clock) -> None:
    breaker = Breaker("api", clock=clock, cooldown=60)
    fail(breaker, 3)
    clock.now += 60
    breaker.before_call()  # the probe never reports back
    with pytest.raises(UpstreamUnavailable):
        breaker.before_call()  # while it is out, nobody else gets through
    clock.now += 60
    breaker.before_call()  # a new probe is allowed after another cooldown
    assert breaker.state == "half_open"


def test_threshold_and_cooldown_are_configurable(clock: Clock) -> None:
    breaker = Breaker("accounts", clock=clock, threshold=1, cooldown=5)
    fail(breaker, 1)
    assert breaker.state == "open"
    clock.now += 5
    assert breaker.state == "half_open"
    with pytest.raises(ValueError):
        Breaker("x", threshold=0)
    with pytest.raises(ValueError):
        Breaker("x", cooldown=0)


def test_breakers_snapshot_shows_both_upstreams(clock: Clock) -> None:
    breakers = Breakers(clock=clock)
    fail(breakers.api, 3)
    snap = breakers.snapshot()
    assert snap["accounts"] == {
        "upstream": "accounts",
        "state": "closed",
        "consecutive_failures": 0,
        "retry_after": 0.0,
    }
    assert snap["api"] == {
        "upstream": "api",
        "state": "open",
        "consecutive_failures": 3,
        "retry_after": 60.0,
    }
    # the upstreams are independent
    breakers.accounts.before_call()
