"""Many callers, one refresh: single flight per user, and the refresh job's bound."""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from skill.commands import jobs as jobs_command
from skill.commands.jobs import run_refresh
from tests.web.conftest import Browser, SandboxEnv, ServiceFactory, WallClock


def test_200_concurrent_calls_inside_the_refresh_window_refresh_once(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        clock.advance(3600 - 120)  # every caller sees a token inside the refresh-ahead window
        headers = service.headers("alice")

        async def burst() -> list[httpx.Response]:
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(limits=limits, timeout=60) as http:
                return await asyncio.gather(*(
                    http.get(service.url + "/v1/music/state", headers=headers)
                    for _ in range(200)
                ))

        started = time.perf_counter()
        responses = asyncio.run(burst())
        elapsed = time.perf_counter() - started
        assert [r.status_code for r in responses] == [200] * 200, {
            r.status_code: r.text for r in responses if r.status_code != 200}
        assert sandbox_env.refreshes() == 1
        # (Concurrent reads of one user's state may be coalesced above the client.)
        assert 1 <= sandbox_env.stats()["api_requests_by_path"]["/v1/me/player"] <= 200
        assert elapsed < 30
        assert service.status("alice")["last_refresh_result"] == "ok"


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests through to the real network and counts token calls in flight."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.in_flight = 0
        self.peak = 0
        self.token_calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        token_call = request.url.path.endswith("/api/token")
        if token_call:
            self.token_calls += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            if token_call:
                self.in_flight -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


def test_refresh_job_renews_50_expiring_links_within_its_bound(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser, capsys: object
) -> None:
    users = [f"listener{i:02d}" for i in range(50)]
    sandbox_env.world({"users": [{"id": u, "display_name": u, "product": "premium"}
                                 for u in users]})
    with service_factory() as service:
        for user in users:
            service.user(user)
            assert browser.link(service, user, spotify_user=user).status_code == 200
        settings, keys = service.settings, dict(service.keys)
    assert sandbox_env.code_exchanges() == 50
    # Each token call takes a while, so the calls overlap and the bound is what limits them.
    sandbox_env.fault(path="/api/token", latency_ms=40)
    transport = CountingTransport()
    clock = WallClock()
    clock.advance(3600 - 200)  # every token expires within the 900 s horizon
    report = asyncio.run(run_refresh(settings, horizon=900, concurrency=5,
                                     transport=transport, clock=clock))
    assert report.counts()["refreshed"] == 50
    assert sandbox_env.refreshes() == 50
    assert transport.token_calls == 50
    assert 2 <= transport.peak <= 5 and report.max_in_flight == 5
    # A second run right after finds nothing to do: every token is fresh.
    again = asyncio.run(run_refresh(settings, horizon=900, concurrency=5, clock=clock))
    assert again.outcomes == [] and sandbox_env.refreshes() == 50

    # The cron entry point: prints one line per link and a summary.
    # (The job above moved the expiry to about now + 7000 s on the real clock.)
    args = argparse.Namespace(job="refresh", horizon=7300.0, concurrency=8)
    assert jobs_command.run(args, settings) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    lines = out.strip().splitlines()
    assert len(lines) == 51
    assert all(": refreshed, token valid until" in line for line in lines[:50])
    assert lines[-1].startswith("50 expiring link(s): 50 refreshed")
    assert sandbox_env.refreshes() == 100
    # The rotated tokens were stored: the service keeps working with them.
    with service_factory() as service:
        service.keys.update(keys)
        assert service.get("/v1/music/state", "listener07").status_code == 200
        assert service.status("listener07")["last_refresh_result"] == "ok"
    assert sandbox_env.refreshes() == 100


def test_the_service_and_a_cron_job_refresh_each_user_once(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    """Two processes on one database (the service and ``skill jobs refresh``): the file
    locks next to the database keep it to one refresh per user."""
    users = [f"pair{i}" for i in range(10)]
    sandbox_env.world({"users": [{"id": u, "display_name": u, "product": "premium"}
                                 for u in users]})
    clock = WallClock()
    with service_factory(clock=clock) as service:
        for user in users:
            service.user(user)
            assert browser.link(service, user, spotify_user=user).status_code == 200
        clock.advance(3600 - 100)
        sandbox_env.fault(path="/api/token", latency_ms=30)

        async def both() -> list[int]:
            async with httpx.AsyncClient(timeout=60) as http:
                calls = [http.get(service.url + "/v1/music/state", headers=service.headers(u))
                         for u in users for _ in range(3)]
                job = run_refresh(service.settings, horizon=900, concurrency=4, clock=clock)
                *responses, report = await asyncio.gather(*calls, job)
            assert {o.action for o in report.outcomes} <= {"refreshed", "fresh"}
            return [r.status_code for r in responses]

        statuses = asyncio.run(both())
        assert statuses == [200] * 30
        assert sandbox_env.refreshes() == 10
        assert all(service.status(u)["relink_required"] is False for u in users)
