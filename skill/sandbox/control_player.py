"""Control plane for the player (not Spotify's): the true state, "the Spotify app", devices.

* ``GET /control/users/{id}/player``: the user's playback as the sandbox holds it.
* ``POST /control/users/{id}/player {"action": ...}``: change it as the user's own Spotify
  app would (no scopes, Premium or device restrictions, transfers take effect at once, nothing
  is written to the user's Web API log), so a client can be tested against changes made
  outside it. Actions: ``play`` (``context_uri`` | ``uris``, ``offset``, ``position_ms``,
  ``device_id``), ``resume``, ``pause``, ``next``, ``previous``, ``seek`` (``position_ms``),
  ``volume`` (``volume_percent``, ``device_id``), ``shuffle`` / ``repeat`` (``state``),
  ``queue`` (``uri``), ``transfer`` (``device_id``, ``play``) and ``disconnect`` (the active
  device goes away). Answers with the new state.
* ``GET /control/users/{id}/devices``: every device, hidden ones included (``visible``).
* ``POST /control/users/{id}/devices/{device_id}``: change a device: ``visible`` (idle devices
  drop out of the list; hiding the active one ends its session), ``volume_percent``,
  ``is_restricted``, ``supports_volume``, ``is_private_session``.

Errors use the control plane's ``{"error": {"status", "message"}}``; a command Spotify would
refuse in the current state answers 409 with the player's message and ``reason``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.sandbox.auth import get_sandbox
from skill.sandbox.player import REPEAT_STATES, PlayerState, player_for
from skill.sandbox.player_checks import check_play_fields, no_active_device
from skill.sandbox.responses import ApiError

_DEVICE_FLAGS = ("visible", "is_restricted", "supports_volume", "is_private_session")


class ControlError(Exception):
    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason

    def response(self) -> Response:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.reason:
            body["reason"] = self.reason
        return JSONResponse({"error": body}, self.status)


def control_state(player: PlayerState) -> dict[str, Any]:
    """The documented shape of ``GET /control/users/{id}/player`` (plus timing details)."""
    now = player.sync()
    device = player.active_device
    item: dict[str, Any] | None = None
    if player.current is not None:
        track_id = player.current.rsplit(":", 1)[1]
        track = player.sandbox.catalog.track(track_id)
        album = player.sandbox.catalog.album(track.album_id) if track else None
        item = {
            "uri": player.current,
            "name": track.name if track else None,
            "artists": list(track.artist_names) if track else [],
            "album": album.name if album else None,
            "duration_ms": player.duration_ms(player.current),
        }
    pending = player.pending
    return {
        "is_playing": player.is_playing,
        "device": {"id": device.id, "name": device.name} if device else None,
        "item": item,
        "context_uri": player.context_uri,
        "progress_ms": player.progress_at(now) if player.current is not None else None,
        "queue": list(player.queue),
        "volume_percent": device.volume_percent if device else None,
        "shuffle": player.shuffle,
        "repeat": player.repeat,
        "timestamp": player.timestamp_ms,
        "pending_transfer": (
            {"device_id": pending.device_id, "play": pending.play, "at_ms": pending.at_ms}
            if pending else None
        ),
    }


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ControlError(400, f"body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _player(request: Request) -> PlayerState:
    sandbox = get_sandbox(request)
    user_id = request.path_params["user_id"]
    if user_id not in sandbox.world.users:
        raise ControlError(404, f"unknown user {user_id}")
    return player_for(sandbox, user_id)


def _int(body: dict[str, Any], key: str, low: int, high: int | None = None) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (
        high is not None and value > high
    ):
        bound = f"{low}-{high}" if high is not None else f">= {low}"
        raise ControlError(400, f"'{key}' must be an integer {bound}")
    return value


_ACTIONS = frozenset({"play", "transfer", "volume", "disconnect", "resume", "pause", "next",
                      "previous", "seek", "shuffle", "repeat", "queue"})  # fmt: skip


def _apply(player: PlayerState, body: dict[str, Any]) -> None:
    action = body.get("action")
    if action not in _ACTIONS:
        raise ControlError(400, f"unknown action {action!r}; one of {sorted(_ACTIONS)}")
    device_id = body.get("device_id")
    if device_id is not None and not isinstance(device_id, str):
        raise ControlError(400, "'device_id' must be a string")
    device = player.find_device(device_id) if device_id else None
    if action == "play":
        target = device or player.active_device
        if target is None:
            raise no_active_device()
        context_uri, uris = body.get("context_uri"), body.get("uris")
        offset, position_ms = body.get("offset"), body.get("position_ms")
        check_play_fields(context_uri, uris, offset, position_ms)
        player.run_on(target, lambda moved: player.play(
            context_uri=context_uri, uris=uris, offset=offset, position_ms=position_ms,
            moved=moved,
        ))
    elif action == "transfer":
        if device is None:
            raise ControlError(400, "'device_id' is required")
        play = body.get("play", False)
        if not isinstance(play, bool):
            raise ControlError(400, "'play' must be true or false")
        player.transfer(device, play=play, delay_ms=0)
    elif action == "volume":
        target = device or player.active_device
        if target is None:
            raise no_active_device()
        player.set_volume(target, _int(body, "volume_percent", 0, 100))
    elif action == "disconnect":
        player.disconnect()
    else:
        _simple(player, action, body, device)


def _simple(player: PlayerState, action: Any, body: dict[str, Any], device: Any) -> None:
    if device is None and player.active_device is None:
        raise no_active_device()
    player.run_on(device, lambda _: _simple_action(player, action, body))


def _simple_action(player: PlayerState, action: Any, body: dict[str, Any]) -> None:
    if action == "resume":
        player.resume()
    elif action == "pause":
        player.pause()
    elif action == "next":
        player.next()
    elif action == "previous":
        player.previous()
    elif action == "seek":
        player.seek(_int(body, "position_ms", 0))
    elif action == "shuffle":
        if not isinstance(body.get("state"), bool):
            raise ControlError(400, "'state' must be true or false")
        player.set_shuffle(body["state"])
    elif action == "repeat":
        state = next((s for s in REPEAT_STATES if s == body.get("state")), None)
        if state is None:
            raise ControlError(400, "'state' must be one of track, context, off")
        player.set_repeat(state)
    elif action == "queue":
        uri = body.get("uri")
        if not isinstance(uri, str):
            raise ControlError(400, "'uri' must be a string")
        player.add_to_queue(uri)


async def user_player(request: Request) -> Response:
    try:
        player = _player(request)
        if request.method == "POST":
            body = await _body(request)
            try:
                _apply(player, body)
            except ApiError as exc:
                status = exc.status if exc.status == 400 or exc.reason is None else 409
                raise ControlError(status, exc.message, exc.reason) from exc
    except ControlError as exc:
        return exc.response()
    return JSONResponse(control_state(player))


def _device_json(device: Any, active_id: str | None) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "volume_percent": device.volume_percent,
        "is_active": device.id == active_id,
        **{flag: getattr(device, flag) for flag in _DEVICE_FLAGS},
    }


async def user_devices(request: Request) -> Response:
    try:
        player = _player(request)
    except ControlError as exc:
        return exc.response()
    player.sync()
    active = player.device_id if player.active_device else None
    return JSONResponse({"devices": [_device_json(d, active) for d in player.user.devices]})


async def user_device(request: Request) -> Response:
    try:
        player = _player(request)
        device = player.user.device(request.path_params["device_id"])
        if device is None:
            raise ControlError(404, "unknown device")
        body = await _body(request)
        unknown = set(body) - {*_DEVICE_FLAGS, "volume_percent"}
        if unknown:
            raise ControlError(400, f"unknown field(s) {sorted(unknown)}")
        for flag in _DEVICE_FLAGS:
            if flag in body and not isinstance(body[flag], bool):
                raise ControlError(400, f"'{flag}' must be true or false")
        if "volume_percent" in body and body["volume_percent"] is not None:
            _int(body, "volume_percent", 0, 100)
    except ControlError as exc:
        return exc.response()
    if "volume_percent" in body:
        device.volume_percent = body["volume_percent"]
    for flag in ("is_restricted", "supports_volume", "is_private_session"):
        if flag in body:
            setattr(device, flag, body[flag])
    if "visible" in body:
        player.set_device_visible(device, body["visible"])
    active = player.device_id if player.active_device else None
    return JSONResponse(_device_json(device, active))


routes = [
    Route("/control/users/{user_id}/player", user_player, methods=["GET", "POST"]),
    Route("/control/users/{user_id}/devices", user_devices, methods=["GET"]),
    Route("/control/users/{user_id}/devices/{device_id}", user_device, methods=["POST"]),
]
