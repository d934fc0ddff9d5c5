"""Fixtures of the Web API client tests: a real sandbox over HTTP, real tokens from its
Accounts service, and an injected clock whose ``sleep`` advances it (so a 60 s cooldown
costs no wall time while every request still goes over the loopback network)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from skill.sandbox import create_sandbox_app
from skill.sandbox.state import Sandbox
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget
from skill.spotify.client import SpotifyClient
from skill.spotify.retry import RetryPolicy
from tests.servers import serve_app
from tests.spotify.client.sandbox_tokens import SandboxTokens


class ManualClock:
    """Monotonic time that only moves when slept through or advanced."""

    def __init__(self) -> None:
        self.now = 10_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class Control:
    """The sandbox's control plane (not Spotify's API)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def fault(self, **rule: Any) -> None:
        response = await self.http.post("/control/faults", json=rule)
        assert response.status_code == 201, response.text

    async def clear_faults(self) -> None:
        await self.http.delete("/control/faults")

    async def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = (await self.http.get("/control/stats")).json()
        return body

    async def api_requests(self, path: str | None = None) -> int:
        stats = await self.stats()
        if path is None:
            return int(stats["api_requests"])
        return int(stats["api_requests_by_path"].get(path, 0))

    async def log(self, user: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = (await self.http.get(f"/control/users/{user}/log")).json()
        return body

    async def config(self, **changes: Any) -> None:
        response = await self.http.post("/control/config", json=changes)
        assert response.status_code == 200, response.text

    async def advance_clock(self, seconds: float) -> None:
        await self.http.post("/control/clock", json={"advance_ms": int(seconds * 1000)})


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with serve_app(create_sandbox_app(sandbox=Sandbox())) as url:
        yield url


@pytest.fixture
async def control(sandbox_url: str) -> AsyncIterator[Control]:
    """A clean sandbox (world, players, logs, counters, faults) for each test; the next
    test's reset cleans up after this one."""
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as http:
        await http.post("/control/reset")
        yield Control(http)


@pytest.fixture
async def faults_only(sandbox_url: str) -> AsyncIterator[Control]:
    """A cheaper ``control`` for tests that only serve faults and count nothing: clears the
    fault rules before and after instead of resetting the whole world."""
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as http:
        await http.delete("/control/faults")
        yield Control(http)
        await http.delete("/control/faults")


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The one shared client the Spotify client is given (no base URL, no default timeout)."""
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def tokens(sandbox_url: str, http: httpx.AsyncClient) -> SandboxTokens:
    source = SandboxTokens(http, sandbox_url)
    await source.link("alice", sandbox_user="demo")
    return source


ClientFactory = Callable[..., SpotifyClient]


@pytest.fixture
def make_client(
    sandbox_url: str, http: httpx.AsyncClient, tokens: SandboxTokens, clock: ManualClock
) -> ClientFactory:
    """Build a client over the sandbox; keyword arguments override the defaults."""

    def build(**overrides: Any) -> SpotifyClient:
        options: dict[str, Any] = {
            "api_base": f"{sandbox_url}/v1",
            "breakers": Breakers(clock=clock),
            "budget": Budget(clock=clock),
            "sleep": clock.sleep,
            "retry": RetryPolicy(rng=random.Random(7)),
        }
        options.update(overrides)
        client_tokens = options.pop("tokens", tokens)
        return SpotifyClient(http, client_tokens, **options)

    return build


@pytest.fixture
def client(make_client: ClientFactory) -> SpotifyClient:
    return make_client()
