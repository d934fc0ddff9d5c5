"""429s and the app-wide cooldown over real HTTP: waits that fit, fail-fast that does not,
and no request reaching the sandbox inside the cooldown (``/control/stats``)."""

from __future__ import annotations

import asyncio
import time

import pytest

from skill.errors import RateLimited
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget, UserBudgets, budget_mode
from skill.spotify.client import SpotifyClient
from tests.spotify.client.conftest import ClientFactory, Control, ManualClock
from tests.spotify.client.sandbox_tokens import SandboxTokens

ME = "/v1/me"


async def test_short_retry_after_waits_then_sends(
    client: SpotifyClient, control: Control, clock: ManualClock
) -> None:
    await control.fault(path=ME, retry_after=2, count=1)
    me = await client.me("alice")
    assert me.id == "demo"
    assert clock.sleeps == [pytest.approx(3.0)]  # Retry-After plus the 1 s safety margin
    assert await control.api_requests(ME) == 2


@pytest.mark.parametrize("retry_after", [3600, 86400])
async def test_huge_retry_after_fails_at_once_and_nothing_is_sent_inside_it(
    client: SpotifyClient, control: Control, clock: ManualClock, retry_after: int
) -> None:
    await control.fault(path=ME, retry_after=retry_after, count=1)
    with pytest.raises(RateLimited) as caught:
        await client.me("alice")
    assert caught.value.retry_after == pytest.approx(retry_after + 1.0)
    assert caught.value.details["limit"] == "app"
    assert clock.sleeps == []
    # every later call, of any user and endpoint, fails fast without reaching Spotify
    for _ in range(5):
        with pytest.raises(RateLimited):
            await client.me("alice")
        with pytest.raises(RateLimited):
            await client.devices("alice")
    assert await control.api_requests() == 1
    assert clock.sleeps == []
    assert client.status()["budget"]["api"]["active"] is True  # type: ignore[index]
    clock.advance(retry_after + 1)
    assert (await client.me("alice")).id == "demo"
    assert await control.api_requests() == 2


async def test_short_budget_refuses_a_wait_the_normal_budget_accepts(
    client: SpotifyClient, control: Control, clock: ManualClock
) -> None:
    await control.fault(path=ME, retry_after=12, count=1)
    with budget_mode("short"), pytest.raises(RateLimited):
        await client.me("alice")  # 13 s cannot fit a 10 s budget
    assert clock.sleeps == []
    await client.me("alice")  # 30 s budget: waits out the rest of the cooldown
    assert clock.sleeps == [pytest.approx(13.0)]
    assert await control.api_requests(ME) == 2


async def test_missing_retry_after_backs_off_exponentially(
    client: SpotifyClient, control: Control, clock: ManualClock
) -> None:
    await control.fault(path=ME, status=429, count=3)
    await client.me("alice")
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert await control.api_requests(ME) == 4


async def test_a_429_storm_never_sleeps_past_the_deadline(
    client: SpotifyClient, control: Control, clock: ManualClock
) -> None:
    await control.fault(path=ME, retry_after=3)  # every request, forever
    start = clock.now
    with budget_mode("short"), pytest.raises(RateLimited) as caught:
        await client.me("alice")
    assert clock.now - start <= 10
    assert sum(clock.sleeps) <= 10
    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    sent = await control.api_requests(ME)
    assert 2 <= sent <= 4


async def test_a_real_wait_in_real_time(make_client: ClientFactory, control: Control) -> None:
    """The default clock and sleep: a 1 s Retry-After costs about 2 s of wall time."""
    client = make_client(
        budget=Budget(), clock=time.monotonic, sleep=asyncio.sleep, breakers=Breakers()
    )
    await control.fault(path=ME, retry_after=1, count=1)
    started = time.monotonic()
    await client.me("alice")
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 6
    assert await control.api_requests(ME) == 2


async def test_one_user_cannot_starve_another(
    make_client: ClientFactory, control: Control, clock: ManualClock, tokens: SandboxTokens
) -> None:
    await tokens.link("bob", sandbox_user="guest")
    client = make_client(
        budget=Budget(clock=clock, users=UserBudgets(clock=clock, rate=0.1, burst=3))
    )
    greedy = [
        client.me("alice"),
        client.devices("alice"),
        client.get_queue("alice"),
        client.currently_playing("alice"),
        client.get_playback_state("alice"),
    ]
    with budget_mode("short"):
        results = await asyncio.gather(*greedy, return_exceptions=True)
        limited = [r for r in results if isinstance(r, RateLimited)]
        assert len(limited) == 2
        assert all(r.details == {"limit": "user"} for r in limited)
        assert (await client.me("bob")).id == "guest"  # bob is not held up by alice
    assert clock.sleeps == []
    assert await control.api_requests() == 4
