"""The live-state WebSocket (tickets, first-message auth, pushes after our commands and after
changes made straight on the sandbox, other users see nothing) and the metrics moving with
the traffic, plus /readyz and /openapi.json coverage of every route."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from starlette.routing import Mount, Route, WebSocketRoute

from skill.storage.crypto import generate_key
from skill.web.openapi import documented
from tests.web.service_support import Svc, start_service


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Svc]:
    path: Path = tmp_path_factory.mktemp("live") / "skill.sqlite3"
    with start_service(path, generate_key()) as service:
        yield service


def _ws_url(svc: Svc, query: str = "") -> str:
    return svc.url.replace("http://", "ws://") + "/v1/music/ws" + query


async def _until(ws: Any, predicate: Any, timeout: float) -> dict[str, Any]:
    """The first message matching ``predicate`` within ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if predicate(message):
                return message  # type: ignore[no-any-return]


async def _quiet(ws: Any, seconds: float) -> list[dict[str, Any]]:
    """Every state/command message received within ``seconds``."""
    seen: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] in ("state", "command"):
                    seen.append(message)
    except TimeoutError:
        return seen


def _road_trip(svc: Svc) -> str:
    listed = svc.call("GET", "/v1/music/playlists").json()["items"]
    return next(p["uri"] for p in listed if p["name"] == "Road Trip")


def test_pushes_after_http_commands_and_sandbox_changes_only_to_the_owner(svc: Svc) -> None:
    road_trip = _road_trip(svc)
    played = svc.call("POST", "/v1/music/play", json={"uri": road_trip,
                                                     "device": "Kitchen Speaker"})
    assert played.status_code == 200, played.text

    async def scenario() -> None:
        ticket = svc.call("POST", "/v1/music/ws-ticket").json()["ticket"]
        async with websockets.connect(_ws_url(svc, f"?ticket={ticket}")) as demo, \
                websockets.connect(_ws_url(svc)) as bob:
            await bob.send(json.dumps({"type": "auth", "api_key": svc.keys["bob"]}))
            assert (await _until(bob, lambda m: m["type"] == "ready", 5))["user"] == "bob"
            assert (await _until(demo, lambda m: m["type"] == "ready", 5))["user"] == "demo"
            initial = await _until(demo, lambda m: m["type"] == "state", 5)
            assert initial["state"]["is_playing"] is True
            await _until(bob, lambda m: m["type"] == "state", 5)  # bob's own (idle) state

            # 1. a command sent over HTTP
            started = time.monotonic()
            r = await asyncio.to_thread(svc.call, "POST", "/v1/music/pause", json={})
            assert r.status_code == 200, r.text
            command = await _until(demo, lambda m: m["type"] == "command", 2.5)
            assert command["event"]["action"] == "pause"
            paused = await _until(
                demo, lambda m: m["type"] == "state" and not m["state"]["is_playing"], 2.5)
            assert paused["cause"] in ("command", "poll")
            assert time.monotonic() - started < 2.5

            # 2. a change made straight on the sandbox (the "Spotify app")
            started = time.monotonic()
            r = await asyncio.to_thread(svc.sandbox, "POST", "/control/users/demo/player",
                                        json={"action": "resume"})
            assert r.status_code == 200, r.text
            resumed = await _until(
                demo, lambda m: m["type"] == "state" and m["state"]["is_playing"], 2.5)
            assert resumed["cause"] == "poll"
            assert time.monotonic() - started < 2.5

            # ping/pong keeps working
            await demo.send(json.dumps({"type": "ping"}))
            await _until(demo, lambda m: m["type"] == "pong", 2)

            # bob saw none of demo's changes
            assert await _quiet(bob, 0.8) == []

    asyncio.run(scenario())


def test_websocket_refuses_bad_tickets_keys_and_reused_tickets(svc: Svc) -> None:
    async def scenario() -> None:
        for query, first in [("?ticket=wst_forged", None),
                             ("", {"type": "auth", "api_key": "sk_wrong"}),
                             ("", {"type": "hello"})]:
            async with websockets.connect(_ws_url(svc, query)) as ws:
                if first is not None:
                    await ws.send(json.dumps(first))
                message = json.loads(await ws.recv())
                assert message["type"] == "error"
                assert message["error"]["code"] == "unauthorized"
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await ws.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        ticket = svc.call("POST", "/v1/music/ws-ticket").json()["ticket"]
        async with websockets.connect(_ws_url(svc, f"?ticket={ticket}")) as ws:
            assert json.loads(await ws.recv())["type"] == "ready"
        async with websockets.connect(_ws_url(svc, f"?ticket={ticket}")) as ws:
            assert json.loads(await ws.recv())["type"] == "error"  # single use
        # clients that can send headers may use the API key directly
        headers = {"Authorization": f"Bearer {svc.keys['bob']}"}
        async with websockets.connect(_ws_url(svc), additional_headers=headers) as ws:
            ready = json.loads(await ws.recv())
            assert ready == {"type": "ready", "user": "bob"}

    asyncio.run(scenario())


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_move_with_traffic_and_carry_no_secrets(svc: Svc) -> None:
    before = svc.call("GET", "/metrics", None).text
    for _ in range(3):
        assert svc.call("GET", "/v1/music/state").status_code == 200
    svc.call("POST", "/v1/music/volume", json={"level": 200})  # 422
    svc.call("POST", "/v1/skill/command", json={"text": "set the volume to 20"})
    svc.call("GET", "/v1/music/devices")
    svc.call("GET", "/v1/spotify/auth/login", "eve")
    after = svc.call("GET", "/metrics", None)
    assert after.status_code == 200 and after.headers["content-type"].startswith("text/plain")
    text = after.text
    name = "skill_http_requests_total"
    assert _metric(text, name, route="/v1/music/state", status="200") - _metric(
        before, name, route="/v1/music/state", status="200") == 3
    assert _metric(text, name, route="/v1/music/volume", status="422") >= 1
    upstream = "skill_upstream_calls_total"
    assert _metric(text, upstream, endpoint="playback_state") > _metric(
        before, upstream, endpoint="playback_state")
    cmds = "skill_playback_commands_total"
    assert _metric(text, cmds, action="volume", outcome="ok", entrance="text") > _metric(
        before, cmds, action="volume", outcome="ok", entrance="text")
    assert _metric(text, "skill_device_list_duration_seconds_count") > _metric(
        before, "skill_device_list_duration_seconds_count")
    assert _metric(text, "skill_oauth_flow_starts_total") > _metric(
        before, "skill_oauth_flow_starts_total")
    assert _metric(text, "skill_oauth_flow_completions_total", result="linked") >= 1
    assert _metric(text, "skill_oauth_code_exchanges_total", outcome="ok") >= 1
    assert _metric(text, "skill_breaker_state", upstream="api", state="closed") == 1
    for secret in svc.keys.values():
        assert secret not in text
    assert "demo" not in text and "bob" not in text  # no user ids in labels
    assert not re.search(r'route="/v1/music/playlists/[A-Za-z0-9]{10,}', text)


def test_readyz_and_every_route_documented(svc: Svc) -> None:
    r = svc.call("GET", "/readyz", None)
    assert r.status_code == 200 and r.json()["status"] == "ready", r.text
    spec = svc.call("GET", "/openapi.json", None).json()
    assert spec["openapi"].startswith("3.")
    docs = documented()
    for route in svc.app.routes:
        if isinstance(route, Mount):
            continue
        if isinstance(route, WebSocketRoute):
            assert ("GET", route.path) in docs
            continue
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method == "HEAD":
                continue
            assert (method, route.path) in docs, (method, route.path)
    assert httpx.get(svc.url + "/healthz").status_code == 200


def test_audit_lines_for_every_spotify_operation(svc: Svc,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="skill.audit"):
        r = svc.call("POST", "/v1/skill/command", json={"text": "set the volume to 21"})
        assert r.status_code == 200, r.text
        svc.call("GET", "/v1/music/search", "bob", params={"q": "queen"})
        svc.call("GET", "/v1/music/state", "bob")
        time.sleep(0.2)
    lines = [json.loads(rec.getMessage()) for rec in caplog.records
             if rec.name == "skill.audit"]
    ops = [line for line in lines if line["event"] == "spotify_operation"]
    calls = [line for line in lines if line["event"] == "spotify_call"]
    assert {"user": "demo", "action": "volume", "outcome": "ok"}.items() <= next(
        op for op in ops if op["action"] == "volume").items()
    assert any(op["user"] == "bob" and op["action"] == "search" for op in ops)
    assert any(c["user"] == "demo" and c["action"] == "volume" and c["status"] in (200, 202, 204)
               for c in calls)
    assert any(c["user"] == "bob" and c["action"] == "playback_state" for c in calls)
    assert all(isinstance(line["latency_ms"], float | int) for line in lines)
    text = "\n".join(rec.getMessage() for rec in caplog.records)
    for secret in svc.keys.values():
        assert secret not in text
    assert "Bearer" not in text and "access_token" not in text


def test_rate_limit_waits_and_429s_are_counted(svc: Svc) -> None:
    before = svc.call("GET", "/metrics", None).text
    r = svc.sandbox("POST", "/control/faults", json={
        "path": "/v1/me/player", "method": "GET", "status": 429, "retry_after": 0, "count": 1})
    assert r.status_code == 201, r.text
    started = time.monotonic()
    r = svc.call("GET", "/v1/music/state", "bob")
    assert r.status_code == 200, r.text  # waited out the cooldown, then resent
    assert time.monotonic() - started >= 0.9
    text = svc.call("GET", "/metrics", None).text
    assert _metric(text, "skill_rate_limit_waits_total") >= _metric(
        before, "skill_rate_limit_waits_total") + 1
    assert _metric(text, "skill_rate_limit_wait_seconds_total") >= _metric(
        before, "skill_rate_limit_wait_seconds_total") + 0.9
    assert _metric(text, "skill_upstream_rate_limited_total", upstream="api") == _metric(
        before, "skill_upstream_rate_limited_total", upstream="api") + 1


def test_refreshes_are_counted_by_outcome(svc: Svc) -> None:
    """Last in the module: it moves the sandbox clock and revokes bob's grant."""
    before = svc.call("GET", "/metrics", None).text
    # the sandbox's clock passes the access tokens' hour: a 401, one refresh, a retry
    assert svc.sandbox("POST", "/control/clock", json={"advance_ms": 2 * 3600 * 1000}).is_success
    assert svc.call("GET", "/v1/music/state").status_code == 200
    # bob removed the app's access in his Spotify account: his refresh is refused
    assert svc.sandbox("POST", "/control/users/guest/revoke").is_success
    r = svc.call("GET", "/v1/music/state", "bob")
    assert r.status_code == 409 and r.json()["error"]["code"] == "relink_required", r.text
    text = svc.call("GET", "/metrics", None).text
    refreshes = "skill_token_refreshes_total"
    assert _metric(text, refreshes, outcome="ok") == _metric(before, refreshes, outcome="ok") + 1
    assert _metric(text, refreshes, outcome="refused") == _metric(
        before, refreshes, outcome="refused") + 1


def test_readyz_is_503_while_the_breaker_is_open(svc: Svc) -> None:
    """Last in the module: the API breaker stays open for a minute."""
    r = svc.sandbox("POST", "/control/faults", json={"path": "/v1/me/player", "status": 503,
                                                     "count": 10})
    assert r.status_code == 201, r.text
    for _ in range(3):
        svc.call("GET", "/v1/music/state")
    r = svc.call("GET", "/readyz", None)
    assert r.status_code == 503, r.text
    assert r.json()["checks"]["breakers"]["api"] == "open"
    text = svc.call("GET", "/metrics", None).text
    assert _metric(text, "skill_breaker_state", upstream="api", state="open") == 1
    r = svc.call("GET", "/v1/music/state")
    assert r.status_code == 503 and r.json()["error"]["code"] == "upstream_unavailable"
