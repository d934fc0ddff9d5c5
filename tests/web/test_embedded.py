"""Without SPOTIFY_CLIENT_ID: the sandbox is mounted at /sandbox and a demo user is linked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from skill.config import Settings
from skill.storage import open_store
from skill.storage.crypto import generate_key
from skill.web import create_app
from tests.servers import serve_app
from tests.web.conftest import query_of


@dataclass
class Embedded:
    url: str
    settings: Settings

    def key(self, user: str, *, create: bool = False) -> str:
        async def issue() -> str:
            store = open_store(self.settings)
            try:
                if create:
                    return (await store.create_user(user, at=0.0))[1]
                return await store.rotate_key(user, at=0.0)
            finally:
                store.close()

        return asyncio.run(issue())


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Embedded]:
    settings = Settings(db_path=tmp_path / "skill.sqlite3", encryption_keys=(generate_key(),),
                        refresh_interval_seconds=0)
    assert settings.sandbox and settings.spotify_client_id is None
    with serve_app(create_app(settings)) as url:
        yield Embedded(url, settings)


def test_demo_user_is_linked_at_start(embedded: Embedded) -> None:
    headers = {"Authorization": f"Bearer {embedded.key('demo')}"}
    status = httpx.get(embedded.url + "/v1/integrations/spotify/status", headers=headers).json()
    assert status["linked"] is True and status["mode"] == "sandbox"
    assert status["display_name"] == "Demo Household"
    r = httpx.get(embedded.url + "/v1/music/state", headers=headers)
    assert r.status_code == 200
    assert r.json()["item"] is None  # nothing playing: 200 with item null
    health = httpx.get(embedded.url + "/healthz").json()
    assert health["status"] == "ok" and health["mode"] == "sandbox"
    stats = httpx.get(embedded.url + "/sandbox/control/stats").json()
    assert stats["token_requests"]["authorization_code"] == 1


def test_a_user_links_through_the_mounted_sandbox(embedded: Embedded) -> None:
    key = embedded.key("bob", create=True)
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        start = browser.get(embedded.url + "/v1/spotify/auth/login",
                            headers={"Authorization": f"Bearer {key}"}).json()
        authorize = start["authorize_url"]
        assert authorize.startswith(embedded.url + "/sandbox/authorize?")
        assert query_of(authorize)["redirect_uri"] == (
            embedded.url + "/v1/spotify/auth/callback")
        consent_page = browser.get(authorize)
        assert consent_page.status_code == 200 and "Sandbox Spotify" in consent_page.text
        callback = browser.get(httpx.URL(authorize).copy_merge_params(
            {"sandbox_user": "guest", "sandbox_consent": "accept"})).headers["location"]
        page = browser.get(callback)
        assert page.status_code == 200 and "<strong>bob</strong>" in page.text
    r = httpx.get(embedded.url + "/v1/music/state", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200


def test_every_failure_has_the_envelope(embedded: Embedded) -> None:
    for method, path, code in [
        ("GET", "/nowhere", "not_found"),
        ("DELETE", "/healthz", "method_not_allowed"),
        ("GET", "/v1/music/state", "unauthorized"),
        ("POST", "/v1/spotify/auth/unlink", "unauthorized"),
    ]:
        r = httpx.request(method, embedded.url + path)
        body = r.json()
        assert set(body) == {"error"}
        assert body["error"]["code"] == code and body["error"]["status"] == r.status_code
        assert set(body["error"]) == {"code", "message", "status", "retry_after", "details"}
    r = httpx.get(embedded.url + "/v1/music/state", headers={"X-API-Key": "sk_" + "x" * 40})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")


def test_a_dropped_connection_in_the_embedded_sandbox_is_a_clean_503(embedded: Embedded) -> None:
    headers = {"Authorization": f"Bearer {embedded.key('demo')}"}
    fault = {"path": "/v1/me/player", "drop": True, "count": 10}
    assert httpx.post(embedded.url + "/sandbox/control/faults", json=fault).status_code == 201
    r = httpx.get(embedded.url + "/v1/music/state", headers=headers, timeout=60)
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "upstream_unavailable"
    assert httpx.delete(embedded.url + "/sandbox/control/faults").status_code == 204
