"""Deadlines, the app-wide cooldown and per-user budgets, with an injected clock and sleep."""

from __future__ import annotations

import asyncio

import pytest

from skill.errors import RateLimited
from skill.spotify.budget import (
    Budget,
    Cooldown,
    Deadline,
    UserBudgets,
    backoff_delay,
    budget_mode,
    current_mode,
)


class Clock:
    """A manual clock whose ``sleep`` advances it and records every wait."""

    def __init__(self) -> None:
        self.now = 5000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_backoff_doubles_and_caps() -> None:
    assert [backoff_delay(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_deadline_counts_down(clock: Clock) -> None:
    deadline = Deadline.after(10, clock)
    clock.now += 4
    assert deadline.remaining() == pytest.approx(6)
    assert deadline.fits(5)
    assert not deadline.fits(5.8)  # leaves no time to send
    clock.now += 7
    assert deadline.expired
    assert deadline.remaining() == 0


def test_budget_mode_is_per_task(clock: Clock) -> None:
    budget = Budget(clock=clock)
    assert budget.deadline().seconds == 30
    with budget_mode("short"):
        assert current_mode() == "short"
        assert budget.deadline().seconds == 10
    assert budget.deadline().seconds == 30
    assert budget.deadline("short").seconds == 10
    with pytest.raises(ValueError), budget_mode("long"):  # type: ignore[arg-type]
        pass


async def test_budget_mode_does_not_leak_between_tasks(clock: Clock) -> None:
    budget = Budget(clock=clock)

    async def short() -> float:
        with budget_mode("short"):
            await asyncio.sleep(0)
            return budget.deadline().seconds

    async def normal() -> float:
        await asyncio.sleep(0)
        return budget.deadline().seconds

    results = await asyncio.gather(short(), normal())
    assert list(results) == [10.0, 30.0]


def test_cooldown_uses_retry_after_plus_margin(clock: Clock) -> None:
    cooldown = Cooldown(clock=clock, margin=0.25)  # explicit margin
    assert cooldown.remaining() == 0
    cooldown.open(3)
    assert cooldown.remaining() == pytest.approx(3.25)
    # a later, shorter answer never shrinks it
    cooldown.open(1)
    assert cooldown.remaining() == pytest.approx(3.25)
    clock.now += 3.25
    assert cooldown.remaining() == 0


def test_cooldown_without_retry_after_backs_off_exponentially(clock: Clock) -> None:
    cooldown = Cooldown(clock=clock)
    waits = []
    for _ in range(8):
        waits.append(cooldown.open(None))
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    cooldown.record_success()
    assert cooldown.open(None) == 1
    snap = cooldown.snapshot()
    assert snap["active"] is True and snap["opened_total"] == 9


async def test_admit_waits_for_a_cooldown_that_fits(clock: Clock) -> None:
    budget = Budget(clock=clock)
    budget.api_cooldown.open(2)
    deadline = budget.deadline()
    await budget.admit("u", deadline, sleep=clock.sleep)
    assert clock.sleeps == [pytest.approx(3.0)]


@pytest.mark.parametrize("retry_after", [9.8, 3600, 86400])
async def test_admit_fails_at_once_when_the_cooldown_cannot_fit(
    clock: Clock, retry_after: float
) -> None:
    budget = Budget(clock=clock)
    budget.api_cooldown.open(retry_after)
    deadline = budget.deadline("short")
    with pytest.raises(RateLimited) as caught:
        await budget.admit("u", deadline, sleep=clock.sleep)
    assert clock.sleeps == []
    assert caught.value.retry_after == pytest.approx(retry_after + 1.0)
    assert caught.value.details == {"limit": "app", "upstream": "api"}


async def test_admit_rechecks_a_cooldown_extended_while_waiting(clock: Clock) -> None:
    budget = Budget(clock=clock)
    budget.api_cooldown.open(2)

    async def sleep_and_extend(seconds: float) -> None:
        await clock.sleep(seconds)
        budget.api_cooldown.open(100)  # another call met a long 429 meanwhile

    with pytest.raises(RateLimited):
        await budget.admit("u", budget.deadline(), sleep=sleep_and_extend)
    assert sum(clock.sleeps) < 30


async def test_admit_never_sleeps_past_the_deadline(clock: Clock) -> None:
    budget = Budget(clock=clock)
    deadline = budget.deadline("short")
    for retry_after in (1, 2, 3, 4, 5):
        budget.api_cooldown.open(retry_after)
        try:
            await budget.admit("u", deadline, sleep=clock.sleep)
        except RateLimited:
            break
    assert clock.now <= deadline.at


def test_user_budget_allows_a_burst_then_paces(clock: Clock) -> None:
    users = UserBudgets(clock=clock, rate=2, burst=3)
    deadline = Deadline.after(30, clock)
    waits = [users.reserve("alice", deadline) for _ in range(5)]
    assert waits == [0, 0, 0, pytest.approx(0.5), pytest.approx(1.0)]
    # others are not affected by alice's burst
    assert users.reserve("bob", deadline) == 0


def test_user_budget_refuses_a_wait_past_the_deadline(clock: Clock) -> None:
    users = UserBudgets(clock=clock, rate=1, burst=1)
    deadline = Deadline.after(3, clock)
    assert users.reserve("alice", deadline) == 0
    assert users.reserve("alice", deadline) == pytest.approx(1)
    assert users.reserve("alice", deadline) == pytest.approx(2)
    with pytest.raises(RateLimited) as caught:
        users.reserve("alice", deadline)
    assert caught.value.details == {"limit": "user"}
    assert caught.value.retry_after == pytest.approx(3)
    users.refund("alice")
    assert users.reserve("alice", deadline) == pytest.approx(2)


def test_user_budget_refills_with_time(clock: Clock) -> None:
    users = UserBudgets(clock=clock, rate=1, burst=2)
    deadline = Deadline.after(1000, clock)
    users.reserve("alice", deadline)
    users.reserve("alice", deadline)
    clock.now += 10  # refills to burst, not beyond
    assert [users.reserve("alice", deadline) for _ in range(3)] == [0, 0, pytest.approx(1)]


def test_user_table_is_bounded_by_lru(clock: Clock) -> None:
    users = UserBudgets(clock=clock, max_users=100, idle_ttl=10_000)
    deadline = Deadline.after(30, clock)
    for n in range(1000):
        users.reserve(f"user-{n}", deadline)
    assert len(users) == 100


def test_idle_users_expire(clock: Clock) -> None:
    users = UserBudgets(clock=clock, idle_ttl=60)
    deadline = Deadline.after(30, clock)
    for n in range(50):
        users.reserve(f"user-{n}", deadline)
    clock.now += 30
    users.reserve("fresh", Deadline.after(30, clock))
    assert len(users) == 51
    clock.now += 31
    assert len(users) == 1


async def test_one_busy_user_does_not_starve_another(clock: Clock) -> None:
    budget = Budget(clock=clock, users=UserBudgets(clock=clock, rate=1, burst=5))
    # many calls of one user queued at the same moment (concurrent requests)
    with pytest.raises(RateLimited):
        for _ in range(100):
            budget.users.reserve("greedy", budget.deadline("short"))
    with pytest.raises(RateLimited):
        await budget.admit("greedy", budget.deadline("short"), sleep=clock.sleep)
    before = clock.now
    await budget.admit("quiet", budget.deadline("short"), sleep=clock.sleep)
    assert clock.now == before


async def test_accounts_cooldown_is_separate(clock: Clock) -> None:
    budget = Budget(clock=clock)
    budget.accounts_cooldown.open(3600)
    await budget.admit("u", budget.deadline(), sleep=clock.sleep)  # API unaffected
    with pytest.raises(RateLimited) as caught:
        await budget.admit_accounts(budget.deadline(), sleep=clock.sleep)
    assert caught.value.details["upstream"] == "accounts"
    budget.accounts_cooldown.open(None)
    snap = budget.snapshot()
    assert snap["accounts"]["active"] is True  # type: ignore[index]
    assert snap["api"]["active"] is False  # type: ignore[index]
