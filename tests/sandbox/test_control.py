"""The control plane, fault injection and the rate limiter, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from skill.sandbox import create_sandbox_app
from skill.sandbox.state import Sandbox
from tests.sandbox.accounts_flow import user_tokens
from tests.sandbox.contract import assert_matches_spec
from tests.servers import serve_app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_app(create_sandbox_app(sandbox=Sandbox())) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.post("/control/reset")
        yield client
        client.post("/control/reset")


@pytest.fixture
def auth(http: httpx.Client) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_tokens(http)['access_token']}"}


def test_healthz(http: httpx.Client) -> None:
    body = http.get("/healthz").json()
    assert body["status"] == "ok" and body["tracks"] > 1000 and "demo" not in body


def test_stats_count_api_requests_by_path(http: httpx.Client, auth: dict[str, str]) -> None:
    http.get("/v1/me", headers=auth)
    http.get("/v1/me", headers=auth)
    http.get("/v1/nothing-here", headers=auth)
    stats = http.get("/control/stats").json()
    assert stats["api_requests"] == 3
    assert stats["api_requests_by_path"] == {"/v1/me": 2, "/v1/nothing-here": 1}
    assert stats["token_requests"]["authorization_code"] == 1
    assert set(stats) >= {"token_requests", "api_requests", "api_requests_by_path",
                          "rate_limited", "faults_served"}


def test_unknown_web_api_route_uses_spotify_envelope(http: httpx.Client) -> None:
    r = http.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"error": {"status": 404, "message": "Service not found"}}
    r = http.delete("/v1/me")
    assert r.status_code == 405


# -- faults ----------------------------------------------------------------------------------


def test_status_fault_with_count(http: httpx.Client, auth: dict[str, str]) -> None:
    r = http.post("/control/faults", json={"path": "/v1/me", "status": 502, "count": 2})
    assert r.status_code == 201
    statuses = [http.get("/v1/me", headers=auth).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    faulted = http.post("/control/faults", json={"path": "/v1/me", "status": 503, "count": 1})
    assert faulted.status_code == 201
    r = http.get("/v1/me", headers=auth)
    assert r.json() == {"error": {"status": 503, "message": "Service unavailable"}}
    assert_matches_spec(r)
    stats = http.get("/control/stats").json()
    assert stats["faults_served"] == 3
    assert stats["api_requests"] == 4  # faulted requests reached the sandbox too


def test_retry_after_fault_is_a_429(http: httpx.Client, auth: dict[str, str]) -> None:
    http.post("/control/faults", json={"path": "/v1/", "retry_after": 13749, "count": 1})
    r = http.get("/v1/me", headers=auth)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "13749"
    assert r.json()["error"]["message"] == "API rate limit exceeded"


def test_latency_fault_delays_then_answers(http: httpx.Client, auth: dict[str, str]) -> None:
    http.post("/control/faults", json={"path": "/v1/me", "latency_ms": 300, "count": 1})
    started = time.perf_counter()
    r = http.get("/v1/me", headers=auth)
    assert r.status_code == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    http.get("/v1/me", headers=auth)
    assert time.perf_counter() - started < 0.3


def test_drop_fault_closes_the_connection(http: httpx.Client, auth: dict[str, str]) -> None:
    http.post("/control/faults", json={"path": "/v1/me", "drop": True, "count": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/me", headers=auth)
    assert http.get("/v1/me", headers=auth).status_code == 200


def test_fault_body_method_and_probability(http: httpx.Client, auth: dict[str, str]) -> None:
    http.post("/control/faults", json={
        "rules": [
            {"path": "/v1/me", "method": "POST", "status": 500},
            {"path": "/v1/me", "status": 403, "probability": 0},
            {"path": "/v1/me", "status": 403, "count": 1,
             "body": "User not registered in the Developer Dashboard"},
        ]
    })
    rules = http.get("/control/faults").json()["rules"]
    assert len(rules) == 3
    assert rules[1] == {"path": "/v1/me", "status": 403, "probability": 0.0}
    r = http.get("/v1/me", headers=auth)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == "User not registered in the Developer Dashboard"
    assert_matches_spec(r)
    assert http.get("/v1/me", headers=auth).status_code == 200  # GET, probability 0
    assert http.delete("/control/faults").status_code == 204
    assert http.get("/control/faults").json() == {"rules": []}


def test_faults_on_the_token_endpoint(http: httpx.Client) -> None:
    http.post("/control/faults", json={"path": "/api/token", "status": 500, "count": 1})
    r = http.post("/api/token", data={"grant_type": "client_credentials"})
    assert r.status_code == 500
    assert http.get("/control/stats").json()["token_requests"]["client_credentials"] == 0


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 500},
        {"path": "v1/me", "status": 500},
        {"path": "/v1/me"},
        {"path": "/v1/me", "status": 99},
        {"path": "/v1/me", "status": 500, "count": 1, "probability": 0.5},
        {"path": "/v1/me", "status": 500, "count": 0},
        {"path": "/v1/me", "status": 500, "probability": 2},
        {"path": "/v1/me", "latency_ms": -1},
        {"path": "/v1/me", "status": 500, "colour": "red"},
        {"path": "/v1/me", "drop": "yes"},
        [1, 2],
    ],
)
def test_bad_fault_rules_are_refused(http: httpx.Client, rule: object) -> None:
    r = http.post("/control/faults", json=rule)
    assert r.status_code == 400
    assert r.json()["error"]["message"]
    assert http.get("/control/faults").json() == {"rules": []}


def test_malformed_control_json(http: httpx.Client) -> None:
    r = http.post("/control/faults", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400


# -- clock, config, world, reset -------------------------------------------------------------


def test_clock_moves_forward_only(http: httpx.Client) -> None:
    before = http.get("/control/clock").json()["now_ms"]
    after = http.post("/control/clock", json={"advance_ms": 90_000}).json()["now_ms"]
    assert after - before >= 90_000
    assert http.post("/control/clock", json={"advance_ms": -1}).status_code == 400
    assert http.post("/control/clock", json={"advance_ms": "soon"}).status_code == 400


def test_rate_limit_rolling_window(http: httpx.Client, auth: dict[str, str]) -> None:
    # The window counts every request of the client id: the token exchange made by the
    # `auth` fixture is the first of four.
    assert http.post("/control/config", json={"rate_limit": 4}).json()["rate_limit"] == 4
    try:
        codes = [http.get("/v1/me", headers=auth).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = http.get("/v1/me", headers=auth)
        retry_after = int(limited.headers["retry-after"])
        assert 1 <= retry_after <= 30
        assert_matches_spec(limited)
        assert http.get("/control/stats").json()["rate_limited"] == 2
        http.post("/control/clock", json={"advance_ms": 31_000})
        assert http.get("/v1/me", headers=auth).status_code == 200
    finally:
        http.post("/control/config", json={"rate_limit": 1000})


@pytest.mark.parametrize(
    "change",
    [{"rate_limit": -1}, {"rate_limit": "many"}, {"api_mode": "turbo"}, {"catalog": "x"},
     {"legacy_401_messages": 1}],
)
def test_bad_config_changes_are_refused(http: httpx.Client, change: dict[str, object]) -> None:
    assert http.post("/control/config", json=change).status_code == 400


def test_world_extend_and_replace(http: httpx.Client) -> None:
    r = http.post("/control/world", json={
        "clients": [{"id": "other-app", "secret": "s3", "redirect_uris": ["https://x.example/cb"]}],
        "users": [{"id": "carol", "product": "free",
                   "devices": [{"name": "Carol's Laptop", "type": "Computer"}]}],
        "tracks": [{"track_id": "1234567890123456789012", "track_name": "Test Song",
                    "artist_ids": "", "artist_names": "Test Artist", "album_id": "",
                    "album_name": "Test Album", "release_year": "2020", "duration_ms": "1000",
                    "popularity": "5", "explicit": "false", "genres": "pop"}],
    })
    assert r.status_code == 200
    body = r.json()
    assert "carol" in body["users"] and "demo" in body["users"] and "other-app" in body["clients"]
    tokens = user_tokens(http, user="carol")
    assert http.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()[
        "id"] == "carol"
    r = http.post("/control/world", json={"mode": "replace", "users": [{"id": "solo"}]})
    assert r.json()["users"] == ["playlist-curator", "solo"]
    assert "skill-sandbox" in r.json()["clients"]
    http.post("/control/reset")
    assert "demo" in http.post("/control/world", json={}).json()["users"]


@pytest.mark.parametrize(
    "doc",
    [
        {"users": [{"id": "x", "product": "gold"}]},
        {"users": [{"name": "no id"}]},
        {"clients": [{"id": "c", "redirect_uris": ["http://localhost:1/cb"]}]},
        {"users": [{"id": "x", "devices": [{"name": "d", "volume_percent": 300}]}]},
        {"mode": "merge"},
        {"tracks": "nope"},
        {"planets": []},
    ],
)
def test_bad_world_documents_are_refused(http: httpx.Client, doc: dict[str, object]) -> None:
    r = http.post("/control/world", json=doc)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"]


def test_control_user_routes_404_for_unknown_users(http: httpx.Client) -> None:
    assert http.get("/control/users/ghost/log").status_code == 404
    assert http.post("/control/users/ghost/revoke").status_code == 404
    assert http.get("/control/users/demo/log").json() == []


def test_mounted_under_a_prefix() -> None:
    sandbox = Sandbox()
    outer = Starlette(routes=[Mount("/sandbox", app=create_sandbox_app(sandbox=sandbox))])
    with serve_app(outer) as url, httpx.Client(base_url=url + "/sandbox") as http:
        tokens = user_tokens(http)
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = http.get("/v1/me", headers=auth)
        assert me.status_code == 200
        assert me.json()["href"] == f"{url}/sandbox/v1/users/demo"
        # Fault paths are relative to the sandbox root, wherever it is mounted.
        http.post("/control/faults", json={"path": "/v1/me", "status": 502, "count": 1})
        assert http.get("/v1/me", headers=auth).status_code == 502
        assert http.get("/control/stats").json()["api_requests_by_path"] == {"/v1/me": 2}


def test_a_request_abandoned_during_latency_is_still_executed(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    """Spotify acts on what it received even when the client gave up waiting."""
    devices = http.get("/v1/me/player/devices", headers=auth).json()["devices"]
    kitchen = next(d["id"] for d in devices if d["name"] == "Kitchen Speaker")
    http.post("/control/faults", json={"path": "/v1/me/player", "method": "PUT",
                                       "latency_ms": 400, "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        http.put("/v1/me/player", json={"device_ids": [kitchen]}, headers=auth, timeout=0.1)
    deadline = time.monotonic() + 5
    log: list[dict[str, object]] = []
    while time.monotonic() < deadline and not log:
        time.sleep(0.05)
        log = http.get("/control/users/demo/log").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("PUT", "/v1/me/player", 204)
    ]


def test_reset_goes_back_to_the_world_the_sandbox_started_with() -> None:
    sandbox = Sandbox(world_doc={"users": [{"id": "solo", "devices": [{"name": "Desk"}]}]})
    with serve_app(create_sandbox_app(sandbox=sandbox)) as url, httpx.Client(base_url=url) as http:
        http.post("/control/world", json={"users": [{"id": "visitor"}]})
        assert "visitor" in sandbox.world.users
        assert http.post("/control/reset").status_code == 204
        assert sorted(sandbox.world.users) == ["playlist-curator", "solo"]
