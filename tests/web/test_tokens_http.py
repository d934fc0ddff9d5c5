"""Token life over real HTTP: refresh ahead, 401, rotation, confidential clients, relink."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from skill.config import Settings
from skill.errors import ConfigError
from skill.storage import open_store
from skill.storage.base import TokenRecord
from skill.storage.crypto import generate_key
from skill.web.services import open_services
from tests.web.conftest import Browser, SandboxEnv, ServiceFactory, WallClock

SIX_MONTHS = 183 * 24 * 3600


def stored(settings: Settings, user: str) -> TokenRecord:
    async def read() -> TokenRecord:
        store = open_store(settings)
        try:
            record = await store.get_token(user)
            assert record is not None
            return record
        finally:
            store.close()

    return asyncio.run(read())


def test_refresh_ahead_of_expiry_happens_once(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        first = stored(service.settings, "alice")
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert sandbox_env.refreshes() == 0
        clock.advance(3600 - 299)  # inside the 300 s refresh-ahead window
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert sandbox_env.refreshes() == 1
        second = stored(service.settings, "alice")
        assert second.access_token != first.access_token
        assert second.refresh_token != first.refresh_token  # PKCE rotation, stored together
        assert second.consented_at == first.consented_at
        status = service.status("alice")
        assert status["last_refresh_result"] == "ok" and status["expires_in"] > 3500


def test_rotation_spends_the_old_refresh_token(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        old = stored(service.settings, "alice").refresh_token
        clock.advance(3500)
        assert service.get("/v1/music/state", "alice").status_code == 200
        new = stored(service.settings, "alice").refresh_token
        assert new != old
        reuse = httpx.post(sandbox_env.url + "/api/token", data={
            "grant_type": "refresh_token", "refresh_token": old, "client_id": "skill-sandbox"})
        assert reuse.json() == {"error": "invalid_grant",
                                "error_description": "Refresh token revoked"}


def test_a_401_refreshes_once_and_the_call_succeeds(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        browser.link(service, "alice")
        sandbox_env.advance(3601)  # Spotify's clock says the token expired; ours does not
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 200, r.text
        assert sandbox_env.refreshes() == 1
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert sandbox_env.refreshes() == 1


def test_a_burst_of_401s_forces_at_most_one_refresh_per_30_seconds(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        browser.link(service, "alice")
        # Spotify refuses every token for a while (a glitch, BEHAVIOR.md §3.2).
        sandbox_env.fault(path="/v1/me/player", status=401, count=6)
        results = [service.get("/v1/music/state", "alice") for _ in range(3)]
        assert sandbox_env.refreshes() == 1  # not one per 401: the chain is not burnt
        assert all(r.status_code in (200, 409) for r in results)
        assert stored(service.settings, "alice").link_state == "linked"


def test_confidential_client_refresh_keeps_its_refresh_token(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    sandbox_env.world({"clients": [{
        "id": "home-hub", "secret": "s3cret-value",
        "redirect_uris": ["http://127.0.0.1/v1/spotify/auth/callback"],
    }]})
    clock = WallClock()
    with service_factory(clock=clock, spotify_client_id="home-hub",
                         spotify_client_secret="s3cret-value") as service:
        service.user("alice")
        assert browser.link(service, "alice").status_code == 200
        first = stored(service.settings, "alice")
        clock.advance(3400)
        assert service.get("/v1/music/state", "alice").status_code == 200
        second = stored(service.settings, "alice")
        assert sandbox_env.refreshes() == 1
        assert second.access_token != first.access_token
        assert second.refresh_token == first.refresh_token  # no rotation: the old one is kept
        clock.advance(3400)
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert sandbox_env.refreshes() == 2


def test_revoked_grant_means_relink_required_and_no_more_retries(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        assert sandbox_env.http.post("/control/users/guest/revoke").status_code == 200
        clock.advance(3400)
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 409
        error = r.json()["error"]
        assert error["code"] == "relink_required"
        assert error["details"]["relink_url"].startswith(service.url + "/v1/spotify/auth/login")
        refreshes = sandbox_env.refreshes()
        assert refreshes == 1
        for _ in range(3):
            assert service.get("/v1/music/state", "alice").json()["error"]["code"] == (
                "relink_required"
            )
        assert sandbox_env.refreshes() == refreshes  # stopped retrying
        status = service.status("alice")
        assert status["relink_required"] is True and status["linked"] is False
        assert status["last_refresh_result"] == "invalid_grant"
        assert "relink_url" in status
        # Relinking restores the link.
        assert browser.link(service, "alice", purpose="relink").status_code == 200
        assert service.get("/v1/music/state", "alice").status_code == 200


def test_six_months_after_consent_the_link_needs_a_relink(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        clock.advance(170 * 24 * 3600)
        sandbox_env.advance(170 * 24 * 3600)
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 200, r.text  # still inside the six months: refreshed
        status = service.status("alice")
        assert status["consent_expiring_soon"] is True and "relink_url" in status
        assert 11 < status["consent_expires_in_days"] < 13
        clock.advance(SIX_MONTHS - 170 * 24 * 3600)
        sandbox_env.advance(SIX_MONTHS - 170 * 24 * 3600)
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 409 and r.json()["error"]["code"] == "relink_required"
        assert service.status("alice")["relink_required"] is True


def test_transient_accounts_failure_keeps_the_still_valid_token(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        before = stored(service.settings, "alice")
        sandbox_env.fault(path="/api/token", status=503, count=1)
        clock.advance(3400)  # due for a refresh, still valid for 200 s
        r = service.get("/v1/music/state", "alice")
        assert r.status_code == 200, r.text
        after = stored(service.settings, "alice")
        assert (after.access_token, after.refresh_token) == (
            before.access_token, before.refresh_token)
        assert after.link_state == "linked"
        assert service.status("alice")["last_refresh_result"] == "upstream_unavailable"
        assert service.get("/v1/music/state", "alice").status_code == 200  # retried: works
        assert service.status("alice")["last_refresh_result"] == "ok"


def test_dropped_connections_and_timeouts_at_the_token_endpoint_keep_the_link(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock, timeout_seconds=1.0) as service:
        service.user("alice")
        browser.link(service, "alice")
        before = stored(service.settings, "alice")
        clock.advance(3400)  # due for a refresh, still valid
        sandbox_env.fault(path="/api/token", drop=True, count=1)
        assert service.get("/v1/music/state", "alice").status_code == 200
        assert service.status("alice")["last_refresh_result"] == "upstream_unavailable"
        clock.advance(300)  # expired on our clock too: the failure surfaces
        sandbox_env.fault(path="/api/token", latency_ms=3000, count=1)
        r = service.get("/v1/music/state", "alice")
        assert r.status_code in (503, 504), r.text
        assert r.json()["error"]["code"] in ("upstream_timeout", "upstream_unavailable")
        after = stored(service.settings, "alice")
        assert after.link_state == "linked" and after.refresh_token == before.refresh_token
        assert service.get("/v1/music/state", "alice").status_code == 200  # recovers
        assert service.status("alice")["last_refresh_result"] == "ok"


def test_raw_database_holds_no_token_text(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser,
    tmp_path: Path,
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        browser.link(service, "alice")
        clock.advance(3500)
        assert service.get("/v1/music/state", "alice").status_code == 200
        record = stored(service.settings, "alice")
        key = service.keys["alice"]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("skill.sqlite3*"))
    assert raw  # the files exist and were read
    for secret in (record.access_token, record.refresh_token, key):
        assert secret.encode() not in raw
    assert record.account_id is not None and record.account_id.encode() in raw


def test_a_wrong_key_fails_closed(
    service_factory: ServiceFactory, browser: Browser, tmp_path: Path
) -> None:
    with service_factory() as service:
        service.user("alice")
        browser.link(service, "alice")
        settings = service.settings
    before = (tmp_path / "skill.sqlite3").read_bytes()

    async def open_with(keys: tuple[str, ...]) -> str | None:
        async with open_services(settings.with_overrides(encryption_keys=keys)) as services:
            return (await services.tokens.get("alice")).account_id

    with pytest.raises(ConfigError, match="not configured"):
        asyncio.run(open_with((generate_key(),)))
    assert (tmp_path / "skill.sqlite3").read_bytes() == before
    # A rotated key list (new key first, the old one kept) still opens everything.
    assert asyncio.run(open_with((generate_key(), *settings.encryption_keys))) is not None
