"""Breaker, timeouts, dropped and refused connections, 401 refresh, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest

from skill.errors import (
    RelinkRequired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget
from skill.spotify.retry import RetryPolicy
from skill.spotify.seams import AccessToken
from tests.servers import free_port
from tests.spotify.client.conftest import ClientFactory, Control, ManualClock
from tests.spotify.client.sandbox_tokens import SandboxTokens

ME = "/v1/me"


async def test_three_502s_open_the_breaker_and_the_fourth_call_is_not_sent(
    make_client: ClientFactory, control: Control
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, status=502)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable) as caught:
            await client.me("alice")
        assert caught.value.details["upstream_status"] == 502
    assert client.breakers.api.state == "open"
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.me("alice")
    assert caught.value.details == {"upstream": "api", "breaker": "open"}
    assert caught.value.retry_after == pytest.approx(60)
    assert await control.api_requests(ME) == 3
    snap = client.status()["breakers"]["api"]  # type: ignore[index]
    assert snap == {
        "upstream": "api",
        "state": "open",
        "consecutive_failures": 3,
        "retry_after": 60.0,
    }


async def test_retries_of_a_read_count_towards_the_breaker(
    control: Control, clock: ManualClock, make_client: ClientFactory
) -> None:
    client = make_client()
    await control.fault(path=ME, status=502)
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.me("alice")
    assert caught.value.details["breaker"] == "open"
    assert await control.api_requests(ME) == 3
    assert len(clock.sleeps) == 2  # two jittered backoffs, then the breaker refused the third
    assert 0.5 <= clock.sleeps[0] <= 1 and 1 <= clock.sleeps[1] <= 2


async def test_half_open_probe_recovers_and_closes(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, status=503, count=3)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await client.me("alice")
    clock.advance(59)
    with pytest.raises(UpstreamUnavailable):
        await client.me("alice")
    assert await control.api_requests(ME) == 3
    clock.advance(1)
    assert client.breakers.api.state == "half_open"
    assert (await client.me("alice")).id == "demo"
    assert client.breakers.api.state == "closed"
    assert await control.api_requests(ME) == 4


async def test_half_open_lets_one_probe_through_and_others_fail_fast(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, status=500, count=3)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await client.me("alice")
    clock.advance(60)
    await control.fault(path=ME, latency_ms=300, count=1)  # keep the probe in flight
    results = await asyncio.gather(  # three different reads: identical ones would be shared
        client.me("alice"),
        client.devices("alice"),
        client.get_queue("alice"),
        return_exceptions=True,
    )
    succeeded = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, UpstreamUnavailable)]
    assert len(succeeded) == 1 and len(refused) == 2
    assert all(r.details["breaker"] == "half_open" for r in refused)
    assert client.breakers.api.state == "closed"
    assert await control.api_requests() == 4


async def test_a_failed_probe_opens_the_breaker_again(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, status=502, count=4)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await client.me("alice")
    clock.advance(60)
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.me("alice")  # the probe, answered 502
    assert caught.value.details["upstream_status"] == 502
    assert client.breakers.api.state == "open"
    with pytest.raises(UpstreamUnavailable):
        await client.me("alice")
    assert await control.api_requests(ME) == 4


async def test_4xx_never_opens_the_breaker(make_client: ClientFactory, control: Control) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, status=404, count=5)
    for _ in range(5):
        with pytest.raises(Exception) as caught:
            await client.me("alice")
        assert getattr(caught.value, "code", None) == "not_found"
    assert client.breakers.api.state == "closed"
    assert (await client.me("alice")).id == "demo"


async def test_a_slow_read_times_out_and_is_retried(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(attempt_timeout=0.2)
    await control.fault(path=ME, latency_ms=1500, count=1)
    assert (await client.me("alice")).id == "demo"
    assert len(clock.sleeps) == 1
    assert client.breakers.api.snapshot()["consecutive_failures"] == 0


async def test_a_timeout_without_retries_is_upstream_timeout(
    make_client: ClientFactory, control: Control
) -> None:
    client = make_client(attempt_timeout=0.2, retry=RetryPolicy(max_attempts=1))
    await control.fault(path=ME, latency_ms=1500, count=1)
    with pytest.raises(UpstreamTimeout) as caught:
        await client.me("alice")
    assert caught.value.status == 504
    assert client.breakers.api.snapshot()["consecutive_failures"] == 1


async def test_the_deadline_bounds_wall_time(make_client: ClientFactory, control: Control) -> None:
    """Real clock, a 0.5 s budget, Spotify taking 3 s: the caller hears back in ~0.5 s."""
    client = make_client(
        budget=Budget(default_deadline=0.5),
        clock=time.monotonic,
        sleep=asyncio.sleep,
        breakers=Breakers(),
    )
    await control.fault(path=ME, latency_ms=3000)
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout):
        await client.me("alice")
    assert time.monotonic() - started < 1.0


async def test_a_dropped_connection_on_a_read_is_retried(
    make_client: ClientFactory, control: Control
) -> None:
    client = make_client()
    await control.fault(path=ME, drop=True, count=2)
    assert (await client.me("alice")).id == "demo"
    assert await control.api_requests(ME) == 3


async def test_a_refused_connection_is_upstream_unavailable(
    make_client: ClientFactory, clock: ManualClock
) -> None:
    client = make_client(api_base=f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.me("alice")
    # retried until three connection failures opened the breaker
    assert caught.value.details["breaker"] == "open"
    assert len(clock.sleeps) == 2


async def test_401_refreshes_once_and_retries(
    make_client: ClientFactory, control: Control, tokens: SandboxTokens
) -> None:
    client = make_client()
    tokens.spoil("alice")
    assert (await client.me("alice")).id == "demo"
    assert tokens.refreshes == 1
    stats = await control.stats()
    assert stats["token_requests"]["refresh_token"] == 1
    assert stats["api_requests_by_path"][ME] == 2


async def test_a_second_401_after_a_refresh_needs_a_relink(
    make_client: ClientFactory, control: Control, tokens: SandboxTokens
) -> None:
    client = make_client()
    await control.fault(path=ME, status=401, count=2)
    with pytest.raises(RelinkRequired) as caught:
        await client.me("alice")
    assert caught.value.details["upstream_status"] == 401
    assert tokens.refreshes == 1
    assert await control.api_requests(ME) == 2
    assert client.breakers.api.state == "closed"


async def test_a_revoked_grant_surfaces_relink_required(
    make_client: ClientFactory, control: Control, tokens: SandboxTokens
) -> None:
    client = make_client()
    revoked = await control.http.post("/control/users/demo/revoke")
    assert revoked.status_code == 200
    with pytest.raises(RelinkRequired):
        await client.me("alice")
    assert await control.api_requests(ME) == 1


async def test_one_log_line_per_attempt_and_no_token_anywhere(
    make_client: ClientFactory,
    control: Control,
    tokens: SandboxTokens,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2))
    secret = (await tokens.get("alice")).value
    await control.fault(path=ME, retry_after=1, count=1)
    caplog.set_level(logging.INFO, logger="skill.spotify")
    await client.me("alice")
    lines = [r.getMessage() for r in caplog.records if r.name == "skill.spotify.client"]
    assert len(lines) == 2
    assert lines[0].startswith("spotify GET /me -> 429 in ") and "retry_after=1" in lines[0]
    assert lines[1].startswith("spotify GET /me -> 200 in ")
    await control.fault(path=ME, status=500, body="token " + secret)
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.me("alice")
    everything = " ".join(r.getMessage() for r in caplog.records) + repr(caught.value.to_dict())
    assert secret not in everything


async def test_the_shared_http_client_is_not_closed(
    make_client: ClientFactory, http: httpx.AsyncClient
) -> None:
    make_client()
    assert not http.is_closed


async def test_a_deadline_spent_waiting_sends_nothing_and_spares_the_breaker(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    async def slow_sleep(seconds: float) -> None:  # the wait overruns (a busy event loop)
        await clock.sleep(seconds + 30)

    client = make_client(sleep=slow_sleep)
    await control.fault(path=ME, retry_after=2, count=1)
    with pytest.raises(UpstreamTimeout):
        await client.me("alice")
    assert await control.api_requests(ME) == 1
    assert client.breakers.api.snapshot()["consecutive_failures"] == 0


class GatedTokens(SandboxTokens):
    """The token layer's forced-refresh gate: a 401 within the gate gets the same token."""

    async def refresh_after_401(self, user_id: str, rejected: AccessToken) -> AccessToken:
        return await self.get(user_id)


async def test_a_401_inside_the_refresh_gate_is_repeated_after_a_pause(
    make_client: ClientFactory,
    control: Control,
    clock: ManualClock,
    sandbox_url: str,
    http: httpx.AsyncClient,
) -> None:
    gated = GatedTokens(http, sandbox_url)
    await gated.link("alice")
    client = make_client(tokens=gated)
    await control.fault(path=ME, status=401, count=1)  # Spotify's transient 401 glitch
    assert (await client.me("alice")).id == "demo"
    assert clock.sleeps == [0.5]
    assert gated.refreshes == 0
    assert await control.api_requests(ME) == 2
