"""The control plane (not Spotify's): counters, faults, clock, world, logs, settings.

For tests, benchmarks and the demo. Its errors use a plain ``{"error": {"status",
"message"}}`` body.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.sandbox.auth import get_sandbox
from skill.sandbox.faults import FaultError, FaultRule
from skill.sandbox.state import Stats
from skill.sandbox.world import WorldError

_MUTABLE_CONFIG = {
    "rate_limit": int,
    "token_ttl": int,
    "code_ttl": int,
    "refresh_token_lifetime": int,
    "transfer_delay_ms": int,
    "api_mode": str,
    "success_mode": str,
    "legacy_401_messages": bool,
    "specific_already_reasons": bool,
}
_CHOICES = {"api_mode": {"development", "extended"}, "success_mode": {"204", "200-text"}}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status)


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"body is not valid JSON: {exc}") from exc


async def stats(request: Request) -> Response:
    return JSONResponse(get_sandbox(request).stats.to_dict())


async def faults(request: Request) -> Response:
    sandbox = get_sandbox(request)
    if request.method == "DELETE":
        sandbox.faults.clear()
        return Response(status_code=204)
    if request.method == "GET":
        return JSONResponse({"rules": [r.to_dict() for r in sandbox.faults.rules]})
    try:
        body = await _json(request)
        raws = body.get("rules") if isinstance(body, dict) and "rules" in body else [body]
        if not isinstance(raws, list):
            raise FaultError("'rules' must be a list")
        rules = [FaultRule.parse(raw) for raw in raws]
    except (ValueError, FaultError) as exc:
        return _error(400, str(exc))
    for rule in rules:
        sandbox.faults.add(rule)
    return JSONResponse({"rules": [r.to_dict() for r in sandbox.faults.rules]}, 201)


async def clock(request: Request) -> Response:
    sandbox = get_sandbox(request)
    if request.method == "POST":
        try:
            body = await _json(request)
        except ValueError as exc:
            return _error(400, str(exc))
        advance = body.get("advance_ms") if isinstance(body, dict) else None
        if not isinstance(advance, int) or isinstance(advance, bool) or advance < 0:
            return _error(400, "'advance_ms' must be a non-negative integer")
        sandbox.clock.advance(advance / 1000)
    return JSONResponse(
        {"now_ms": sandbox.clock.now_ms(), "offset_ms": int(sandbox.clock.offset * 1000)}
    )


async def world(request: Request) -> Response:
    """Extend the world (default) or replace it: ``{"mode": "replace", "users": [...]}``."""
    sandbox = get_sandbox(request)
    try:
        body = await _json(request)
        if not isinstance(body, dict):
            raise WorldError("the body must be a world object")
        doc = dict(body)
        mode = doc.pop("mode", "extend")
        tracks = doc.pop("tracks", None)
        if mode not in {"extend", "replace"}:
            raise WorldError("'mode' must be 'extend' or 'replace'")
        if tracks is not None:
            if not isinstance(tracks, list) or not all(isinstance(t, dict) for t in tracks):
                raise WorldError("'tracks' must be a list of catalog rows")
            sandbox.extend_catalog(tracks)
        if mode == "replace":
            sandbox.reset_world(doc)
        else:
            sandbox.world.extend(doc, now=sandbox.clock.now())
    except (ValueError, WorldError) as exc:
        return _error(400, str(exc))
    return JSONResponse(
        {
            "clients": sorted(sandbox.world.clients),
            "users": sorted(sandbox.world.users),
            "playlists": len(sandbox.world.playlists),
            "tracks": len(sandbox.catalog.tracks),
        }
    )


async def config(request: Request) -> Response:
    sandbox = get_sandbox(request)
    if request.method == "POST":
        try:
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("the body must be an object")
            changes: dict[str, Any] = {}
            for key, value in body.items():
                kind = _MUTABLE_CONFIG.get(key)
                if kind is None:
                    raise ValueError(f"'{key}' cannot be changed at run time")
                if type(value) is not kind:
                    raise ValueError(f"'{key}' must be of type {kind.__name__}")
                if key in _CHOICES and value not in _CHOICES[key]:
                    raise ValueError(f"'{key}' must be one of {sorted(_CHOICES[key])}")
                if isinstance(value, int) and value < 0:
                    raise ValueError(f"'{key}' must not be negative")
                changes[key] = value
        except ValueError as exc:
            return _error(400, str(exc))
        sandbox.config = dataclasses.replace(sandbox.config, **changes)
        sandbox.limiter.limit = sandbox.config.rate_limit
    current = {k: getattr(sandbox.config, k) for k in _MUTABLE_CONFIG}
    return JSONResponse(current)


async def reset(request: Request) -> Response:
    """Back to the loaded world: faults, limiter, counters, players and logs cleared.

    Issued tokens stay valid, so fixtures that hold a token survive a reset.
    """
    sandbox = get_sandbox(request)
    sandbox.faults.clear()
    sandbox.limiter.reset()
    sandbox.stats = Stats()
    sandbox.logs.clear()
    sandbox.reset_world()
    return Response(status_code=204)


async def user_log(request: Request) -> Response:
    sandbox = get_sandbox(request)
    user_id = request.path_params["user_id"]
    if user_id not in sandbox.world.users:
        return _error(404, f"unknown user {user_id}")
    return JSONResponse([entry.to_dict() for entry in sandbox.logs.get(user_id, [])])


async def user_revoke(request: Request) -> Response:
    """The user removes the app's access in their account settings."""
    sandbox = get_sandbox(request)
    user_id = request.path_params["user_id"]
    if user_id not in sandbox.world.users:
        return _error(404, f"unknown user {user_id}")
    return JSONResponse({"revoked_refresh_tokens": sandbox.revoke_user_grants(user_id)})


routes = [
    Route("/control/stats", stats, methods=["GET"]),
    Route("/control/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/control/clock", clock, methods=["GET", "POST"]),
    Route("/control/world", world, methods=["POST"]),
    Route("/control/config", config, methods=["GET", "POST"]),
    Route("/control/reset", reset, methods=["POST"]),
    Route("/control/users/{user_id}/log", user_log, methods=["GET"]),
    Route("/control/users/{user_id}/revoke", user_revoke, methods=["POST"]),
]
