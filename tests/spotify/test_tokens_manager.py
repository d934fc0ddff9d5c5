"""The token manager against the sandbox's Accounts service (in-process ASGI transport)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from skill.errors import NotLinked, RateLimited, RelinkRequired, UpstreamUnavailable
from skill.jobs.refresh import PeriodicRefresh, refresh_expiring
from skill.sandbox.app import create_sandbox_app
from skill.sandbox.state import Sandbox, Stats
from skill.spotify.accounts import AccountsClient
from skill.spotify.breaker import Breaker
from skill.spotify.budget import Cooldown
from skill.spotify.oauth import OAuthFlow, profile_fetcher
from skill.spotify.pkce import new_nonce
from skill.spotify.tokens import TokenManager
from skill.storage.crypto import Keyring, generate_key
from skill.storage.locks import LocalLocks
from skill.storage.sqlite import SQLiteStore

BASE = "http://sandbox.test"
REDIRECT = "http://127.0.0.1:8000/v1/spotify/auth/callback"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FlakyConnect(httpx.AsyncBaseTransport):
    """Refuses the first ``failures`` connections to /api/token, then passes through."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.failures = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures and request.url.path == "/api/token":
            self.failures -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class Harness:
    sandbox: Sandbox
    http: httpx.AsyncClient
    store: SQLiteStore
    tokens: TokenManager
    flow: OAuthFlow
    clock: Clock
    mono: Clock
    breaker: Breaker
    cooldown: Cooldown
    transport: FlakyConnect
    slept: list[float]

    async def link(self, user: str, spotify_user: str = "guest") -> None:
        nonce = new_nonce()
        start = await self.flow.start(user, redirect_uri=REDIRECT, browser_nonce=nonce)
        consent = httpx.URL(start.authorize_url).copy_merge_params(
            {"sandbox_user": spotify_user, "sandbox_consent": "accept"}
        )
        location = (await self.http.get(consent)).headers["location"]
        query = dict(httpx.URL(location).params)
        await self.flow.finish(
            state=query["state"], code=query["code"], error=None, browser_nonce=nonce
        )

    def refreshes(self) -> int:
        return int(self.sandbox.stats.token_requests["refresh_token"])

    async def fault(self, **rule: Any) -> None:
        r = await self.http.post(BASE + "/control/faults", json=rule)
        assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def _sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def harness(tmp_path: Path, _sandbox: Sandbox) -> AsyncIterator[Harness]:
    # One sandbox per module (building one takes a while); each test starts with clean
    # counters and faults and links fresh, so what earlier tests did does not matter.
    sandbox = _sandbox
    sandbox.stats = Stats()
    sandbox.faults.clear()
    transport = FlakyConnect(httpx.ASGITransport(app=create_sandbox_app(sandbox=sandbox)))
    clock, mono = Clock(sandbox.clock.now()), Clock(1000.0)
    store = SQLiteStore(tmp_path / "db.sqlite3", Keyring.from_strings([generate_key()], "t"))
    breaker, cooldown = Breaker("accounts", clock=mono), Cooldown("accounts", clock=mono)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        mono.now += seconds  # time passes only on the injected clock
        slept.append(seconds)

    async with httpx.AsyncClient(transport=transport) as http:
        accounts = AccountsClient(
            http,
            base=BASE,
            client_id="skill-sandbox",
            client_secret=None,
            breaker=breaker,
            cooldown=cooldown,
            monotonic=mono,
            sleep=sleep,
        )
        tokens = TokenManager(
            store,
            accounts,
            LocalLocks(),
            refresh_ahead=300,
            relink_url=lambda u: f"https://skill.example/relink?u={u}",
            clock=clock,
        )
        flow = OAuthFlow(
            states=store,
            tokens=store,
            accounts=accounts,
            profile=profile_fetcher(http, BASE + "/v1"),
            authorize_base=BASE,
            default_scopes=["user-read-playback-state"],
            clock=clock,
        )
        yield Harness(
            sandbox, http, store, tokens, flow, clock, mono, breaker, cooldown, transport, slept
        )
    store.close()


async def test_concurrent_callers_share_one_refresh(harness: Harness) -> None:
    await harness.link("alice")
    first = await harness.tokens.get("alice")
    harness.clock.now += 3400
    got = await asyncio.gather(*(harness.tokens.get("alice") for _ in range(50)))
    assert harness.refreshes() == 1
    assert {t.value for t in got} == {got[0].value} and got[0].value != first.value
    assert got[0].account_id == harness.sandbox.world.users["guest"].account_id


async def test_the_refresh_job_and_requests_share_the_single_flight(harness: Harness) -> None:
    for user in ("a", "b", "c"):
        await harness.link(user)
    harness.clock.now += 3400
    report, *_ = await asyncio.gather(
        refresh_expiring(
            harness.tokens, harness.store, horizon=600, concurrency=2, clock=harness.clock
        ),
        *(harness.tokens.get(u) for u in ("a", "b", "c", "a", "b", "c")),
    )
    assert harness.refreshes() == 3
    assert sorted(o.user_id for o in report.outcomes) == ["a", "b", "c"]
    assert {o.action for o in report.outcomes} <= {"refreshed", "fresh"}


async def test_forced_refreshes_are_gated_per_user(harness: Harness) -> None:
    await harness.link("alice")
    old = await harness.tokens.get("alice")
    new = await harness.tokens.refresh_after_401("alice", old)
    assert new.value != old.value and harness.refreshes() == 1
    # A caller still holding the old token gets the new one, without a refresh.
    assert (await harness.tokens.refresh_after_401("alice", old)).value == new.value
    # Spotify refuses the new one too within 30 s: no second refresh (the chain is kept).
    harness.clock.now += 10
    assert (await harness.tokens.refresh_after_401("alice", new)).value == new.value
    assert harness.refreshes() == 1
    harness.clock.now += 21
    assert (await harness.tokens.refresh_after_401("alice", new)).value != new.value
    assert harness.refreshes() == 2


async def test_not_linked_and_relink_required(harness: Harness) -> None:
    with pytest.raises(NotLinked):
        await harness.tokens.get("nobody")
    await harness.link("alice")
    harness.sandbox.revoke_user_grants("guest")
    harness.clock.now += 3400
    with pytest.raises(RelinkRequired) as err:
        await harness.tokens.get("alice")
    assert err.value.details["relink_url"] == "https://skill.example/relink?u=alice"
    with pytest.raises(RelinkRequired):
        await harness.tokens.get("alice")
    assert harness.refreshes() == 1
    record = await harness.store.get_token("alice")
    assert record is not None and record.refresh_token  # kept, never deleted


async def test_breaker_opens_after_three_failures_and_recovers(harness: Harness) -> None:
    await harness.link("alice")
    harness.clock.now += 3700  # expired: a refresh is needed, no token to fall back on
    await harness.fault(path="/api/token", status=502, count=3)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            await harness.tokens.get("alice")
    served = harness.sandbox.stats.faults_served
    with pytest.raises(UpstreamUnavailable) as err:
        await harness.tokens.get("alice")
    assert err.value.details["breaker"] == "open"
    assert harness.sandbox.stats.faults_served == served  # never reached the sandbox
    record = await harness.store.get_token("alice")
    assert record is not None and record.link_state == "linked"
    assert record.last_refresh_result == "upstream_unavailable"
    harness.mono.now += 61  # half-open: one probe goes through and closes it
    assert (await harness.tokens.get("alice")).expires_at > harness.clock.now
    assert harness.breaker.state == "closed"


async def test_a_429_opens_the_accounts_cooldown(harness: Harness) -> None:
    await harness.link("alice")
    harness.clock.now += 3700
    await harness.fault(path="/api/token", status=429, retry_after=120, count=1)
    with pytest.raises(RateLimited) as err:
        await harness.tokens.get("alice")
    assert err.value.retry_after is not None and 119 < err.value.retry_after <= 121
    served = harness.sandbox.stats.faults_served
    with pytest.raises(RateLimited):
        await harness.tokens.get("alice")
    assert harness.sandbox.stats.faults_served == served
    harness.mono.now += 121
    assert await harness.tokens.get("alice")


async def test_a_short_429_is_waited_out_within_the_deadline(harness: Harness) -> None:
    await harness.link("alice")
    harness.clock.now += 3700
    await harness.fault(path="/api/token", status=429, retry_after=2, count=1)
    token = await harness.tokens.get("alice")
    assert token.expires_at > harness.clock.now
    assert harness.refreshes() == 1 and harness.sandbox.stats.faults_served == 1
    assert len(harness.slept) == 1 and 2 <= harness.slept[0] <= 3.5  # Retry-After + margin


async def test_refused_connections_are_tried_again(harness: Harness) -> None:
    await harness.link("alice")
    harness.clock.now += 3400
    harness.transport.failures = 1
    await harness.tokens.get("alice")
    assert harness.refreshes() == 1 and harness.transport.failures == 0
    assert harness.slept == [0.25]


async def test_consent_expiry_is_warned_about_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.link("alice")
    harness.clock.now += 175 * 24 * 3600
    harness.sandbox.clock.advance(175 * 24 * 3600)
    with caplog.at_level(logging.WARNING, logger="skill.spotify.tokens"):
        await harness.tokens.get("alice")
        await harness.tokens.get("alice")
    warnings = [r for r in caplog.records if "consent ends" in r.getMessage()]
    assert len(warnings) == 1


async def test_a_rotation_by_another_process_is_not_mistaken_for_a_revoked_grant(
    harness: Harness,
) -> None:
    await harness.link("alice")
    stale = await harness.store.get_token("alice")
    assert stale is not None
    accounts = harness.tokens._accounts
    # Another process (the cron job, with its own locks) refreshes and stores the rotation.
    harness.clock.now += 3400
    fresh = await TokenManager(harness.store, accounts, LocalLocks(), clock=harness.clock).get(
        "alice")

    class StaleReads:
        """Our process read the record (twice: before and under its lock) just before the
        other process wrote it; later reads see the store as it is."""

        def __init__(self) -> None:
            self.stale_reads = 2

        async def get_token(self, user_id: str, provider: str = "spotify") -> Any:
            if self.stale_reads:
                self.stale_reads -= 1
                return stale
            return await harness.store.get_token(user_id, provider)

        def __getattr__(self, name: str) -> Any:
            return getattr(harness.store, name)

    racing = TokenManager(StaleReads(), accounts, LocalLocks(), clock=harness.clock)  # type: ignore[arg-type]
    got = await racing.get("alice")  # its refresh with the spent token gets invalid_grant
    assert got.value == fresh.value
    assert harness.refreshes() == 2
    record = await harness.store.get_token("alice")
    assert record is not None and record.link_state == "linked"


async def test_the_service_runs_the_refresh_job_periodically(harness: Harness) -> None:
    await harness.link("alice")
    purged: list[int] = []

    async def purge() -> int:
        purged.append(1)
        return 0

    job = PeriodicRefresh(harness.tokens, harness.store, interval=0.02, horizon=600,
                          clock=harness.clock, purge=purge)
    job.start()
    try:
        await asyncio.sleep(0.1)
        assert harness.refreshes() == 0  # nothing expiring yet
        harness.clock.now += 3400
        for _ in range(100):
            if harness.refreshes():
                break
            await asyncio.sleep(0.02)
        assert harness.refreshes() == 1
        await asyncio.sleep(0.1)
        assert harness.refreshes() == 1  # renewed once, then fresh
    finally:
        await job.stop()
    assert job.runs >= 3 and purged

