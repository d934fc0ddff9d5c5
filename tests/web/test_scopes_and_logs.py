"""Partial grants and incremental consent; no secret in any log line."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from skill.storage import open_store
from skill.storage.base import TokenRecord
from tests.web.conftest import (
    SCOPES_ALL,
    Browser,
    SandboxEnv,
    ServiceFactory,
    WallClock,
    query_of,
)

READ_PLAYBACK = "user-read-playback-state"


def test_partial_grant_then_incremental_consent_for_the_missing_scope(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    partial = [s for s in SCOPES_ALL if s != READ_PLAYBACK]
    with service_factory() as service:
        service.user("alice")
        callback = browser.consent(browser.login(service, "alice"), "guest", granted=partial)
        assert browser.open(callback, as_json=True).status_code == 200
        status = service.status("alice")
        assert READ_PLAYBACK not in status["scopes"] and len(status["scopes"]) == 9

        before = sandbox_env.stats()["api_requests"]
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 403
        error = r.json()["error"]
        assert error["code"] == "insufficient_scope"
        assert error["details"]["missing_scopes"] == [READ_PLAYBACK]
        assert sandbox_env.stats()["api_requests"] == before  # refused before it was sent
        consent_url = error["details"]["authorize_url"]
        asked = query_of(consent_url)["scope"].split()
        assert READ_PLAYBACK in asked and set(asked) == set(SCOPES_ALL)

        # The user opens the consent URL (from a spoken hint, on any device) and confirms.
        pending = browser.open(browser.consent(consent_url, "guest"), as_json=True)
        assert pending.status_code == 202
        body = pending.json()
        done = browser.http.post(body["confirm_url"], data={"confirm": body["confirm_token"]},
                                 headers={"Accept": "application/json"})
        assert done.status_code == 200 and done.json()["purpose"] == "incremental"
        assert READ_PLAYBACK in service.status("alice")["scopes"]
        assert service.get("/v1/music/state", "alice").status_code == 200


def test_login_with_scope_asks_for_more_from_the_same_browser(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        partial = [s for s in SCOPES_ALL if s != READ_PLAYBACK]
        callback = browser.consent(browser.login(service, "alice"), "guest", granted=partial)
        browser.open(callback)
        url = browser.login(service, "alice", scope=READ_PLAYBACK)
        assert READ_PLAYBACK in query_of(url)["scope"].split()
        linked = browser.open(browser.consent(url, "guest"), as_json=True)
        assert linked.status_code == 200 and linked.json()["purpose"] == "incremental"
        assert service.get("/v1/music/state", "alice").status_code == 200
        # Incremental consent must come from the linked Spotify account.
        url = browser.login(service, "alice", scope="user-top-read")
        other = browser.open(browser.consent(url, "demo"), as_json=True)
        assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
        assert service.status("alice")["account_id"] == sandbox_env.account_id("guest")
        bad = service.get("/v1/spotify/auth/login", "alice", params={"scope": "be-evil"})
        assert bad.status_code == 400 and bad.json()["error"]["details"]["unknown"] == [
            "be-evil"]


def _record(settings: object, user: str) -> TokenRecord:
    async def read() -> TokenRecord:
        store = open_store(settings)  # type: ignore[arg-type]
        try:
            record = await store.get_token(user)
            assert record is not None
            return record
        finally:
            store.close()

    return asyncio.run(read())


def test_no_secret_in_any_log_line(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []
    clock = WallClock()
    with service_factory(clock=clock) as service:
        secrets.append(service.user("alice"))
        authorize_url = browser.login(service, "alice")
        secrets.append(query_of(authorize_url)["state"])
        secrets.append(browser.http.cookies["skill_link"])
        callback = browser.consent(authorize_url, "guest")
        secrets.append(query_of(callback)["code"])
        assert browser.open(callback).status_code == 200
        browser.open(callback)  # a replay, logged as refused
        first = _record(service.settings, "alice")
        secrets += [first.access_token, first.refresh_token]
        clock.advance(3500)
        assert service.get("/v1/music/state", "alice").status_code == 200
        second = _record(service.settings, "alice")
        secrets += [second.access_token, second.refresh_token]
        sandbox_env.advance(3601 + 3500)
        assert service.get("/v1/music/state", "alice").status_code == 200  # a 401 refresh
        third = _record(service.settings, "alice")
        secrets += [third.access_token, third.refresh_token]
        httpx.get(service.url + "/v1/music/state", params={"token": "sk_leaky-token-value"})
        httpx.get(service.url + "/v1/spotify/auth/callback",
                  params={"code": "AQD-leaky-code", "state": "leaky-state-value"})
        secrets += ["sk_leaky-token-value", "AQD-leaky-code", "leaky-state-value"]
    lines = [r.getMessage() for r in caplog.records]
    assert any("/v1/spotify/auth/callback?" in line for line in lines)  # logged, redacted
    assert any("access token refreshed" in line for line in lines)
    for secret in secrets:
        assert len(secret) >= 10
        leaks = [line for line in lines if secret in line]
        assert leaks == [], f"secret leaked into {leaks[:2]}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/cb?code=abc&state=def&x=1", "/cb?code=[redacted]&state=[redacted]&x=1"),
        ("GET /v1/x?TOKEN=abc HTTP/1.1", "GET /v1/x?TOKEN=[redacted] HTTP/1.1"),
        ("/cb?error=access_denied&state=s1", "/cb?error=access_denied&state=[redacted]"),
        ("Authorization: Bearer BQD.abc-123", "Authorization: Bearer [redacted]"),
        ("key sk_abcdefghijklmnopqrstuvwxyz0123 used", "key [redacted] used"),
        ("(b'set-cookie', b'skill_link=n0nce; HttpOnly')",
         "(b'set-cookie', b'skill_link=[redacted]; HttpOnly')"),
        ("/cb?codec=1&mystate=2", "/cb?codec=1&mystate=2"),
    ],
)
def test_redact_url(raw: str, clean: str) -> None:
    from skill.web.redact import redact_url

    assert redact_url(raw) == clean
