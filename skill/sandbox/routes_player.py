"""Web API: the current user's profile and the player family (``/v1/me``, ``/v1/me/player``).

Order of checks in a command: bearer token, rate limit, scope, Premium (``auth``), then the
parameters (400), the target device (404 ``Device not found`` / ``NO_ACTIVE_DEVICE``, 403 for a
restricted device), then the command itself (the state machine in ``player.py``). Every
state-changing call that reaches its handler is written to the user's log with the status
it got (``Sandbox.log``): faults served by the middleware never reach it and are not logged.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skill.sandbox.auth import Caller, authenticate, get_sandbox
from skill.sandbox.faults import route_path
from skill.sandbox.player import REPEAT_STATES, PlayerState, player_for
from skill.sandbox.player_checks import check_play_fields, restriction_violated
from skill.sandbox.player_view import (
    currently_playing,
    device_object,
    playback_state,
    queue_object,
    recently_played,
)
from skill.sandbox.responses import (
    ApiError,
    bad_request,
    command_ok,
    no_content,
    player_error,
    spotify_json,
)

READ_STATE = "user-read-playback-state"
READ_CURRENT = "user-read-currently-playing"
MODIFY = "user-modify-playback-state"
READ_RECENT = "user-read-recently-played"

Handler = Callable[[Request], Awaitable[Response]]


def api_base(request: Request) -> str:
    """The sandbox's own Web API base (``.../v1``), mounted or not."""
    return str(request.base_url).rstrip("/") + "/v1"


async def me(request: Request) -> Response:
    """``GET /me``: in development mode without country, email, product, followers."""
    caller = authenticate(request)
    user = caller.require_user()
    base = str(request.base_url).rstrip("/")
    body: dict[str, object] = {
        "id": user.id,
        "account_id": user.account_id,
        "display_name": user.display_name,
        "type": "user",
        "uri": user.uri,
        "href": f"{base}/v1/users/{user.id}",
        "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
        "images": [],
    }
    if not get_sandbox(request).config.dev_mode:
        body.update({"product": user.product, "country": "US",
                     "followers": {"href": None, "total": 0}, "explicit_content":
                     {"filter_enabled": False, "filter_locked": False}})
    return spotify_json(body)


# -- logging of state-changing calls ----------------------------------------------------------


def _token_user(request: Request) -> str | None:
    """The user a bearer token belongs to, valid or not (for the log only)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    grant = get_sandbox(request).access_tokens.get(token.strip())
    return grant.user_id if grant is not None else None


def _log_body(request: Request, raw: bytes) -> Any:
    """What the log shows as the call's body: query parameters merged with a JSON body."""
    body: dict[str, Any] = dict(request.query_params)
    if raw.strip():
        try:
            parsed = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed = None
            body["raw"] = raw.decode("utf-8", "replace")
        if isinstance(parsed, dict):
            body.update(parsed)
        elif parsed is not None:
            body["json"] = parsed
    return body


def logged(handler: Handler) -> Handler:
    """Append the call to its user's log with the status it answered, error or not."""

    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        try:
            response = await handler(request)
        except ApiError as exc:
            _write_log(request, raw, exc.status)
            raise
        _write_log(request, raw, response.status_code)
        return response

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def _write_log(request: Request, raw: bytes, status: int) -> None:
    user_id = _token_user(request)
    if user_id is not None:
        get_sandbox(request).log(
            user_id, request.method, route_path(request.scope), _log_body(request, raw), status
        )


# -- parameters --------------------------------------------------------------------------------


async def _json_object(request: Request) -> dict[str, Any]:
    """The JSON object body; empty body → ``{}``; anything else → 400 ``Malformed json``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request("Malformed json") from exc
    if not isinstance(body, dict):
        raise bad_request("Malformed json")
    return body


def _int_param(request: Request, name: str, *, low: int, high: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        raise bad_request(f"Required parameter {name} missing")
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(f"Invalid {name}") from exc
    if value < low or (high is not None and value > high):
        raise bad_request(f"Invalid {name}")
    return value


def _commander(request: Request) -> Caller:
    """Authenticate a player command: ``user-modify-playback-state`` and a Premium user."""
    return authenticate(request, scopes=[MODIFY], premium=True)


def _execute(
    request: Request, caller: Caller, action: Callable[[PlayerState, bool], None]
) -> PlayerState:
    """Run a command on its device: the named one (``device_id``, woken if idle) or the
    active one. A restricted device takes no Web API commands (403 ``Restriction
    violated``, as Spotify answers for such devices). ``action(player, moved)``.
    """
    player = player_for(get_sandbox(request), caller.require_user().id)
    named = request.query_params.get("device_id") or None
    device = player.target(named)
    if device.is_restricted:
        raise restriction_violated()
    player.run_on(device if named else None, lambda moved: action(player, moved))
    return player


def _ok(request: Request) -> Response:
    return command_ok(get_sandbox(request).config)


# -- reads -------------------------------------------------------------------------------------


async def get_state(request: Request) -> Response:
    """``GET /me/player``: 200 with the state, 204 with an empty body when nothing is active."""
    caller = authenticate(request, scopes=[READ_STATE])
    player = player_for(get_sandbox(request), caller.require_user().id)
    now = player.sync()
    device = player.active_device
    if device is None:
        return no_content()
    return spotify_json(playback_state(player, device, api=api_base(request), now=now))


async def get_devices(request: Request) -> Response:
    caller = authenticate(request, scopes=[READ_STATE])
    player = player_for(get_sandbox(request), caller.require_user().id)
    player.sync()
    active = player.active_device
    active_id = active.id if active else None
    devices = [device_object(d, active_id=active_id) for d in player.listed_devices()]
    return spotify_json({"devices": devices})


async def get_currently_playing(request: Request) -> Response:
    """204 (empty body) when nothing is loaded, no device is active, or in a private session."""
    caller = authenticate(request, scopes=[READ_CURRENT, READ_STATE], any_scope=True)
    player = player_for(get_sandbox(request), caller.require_user().id)
    now = player.sync()
    device = player.active_device
    if device is None or player.current is None or device.is_private_session:
        return no_content()
    return spotify_json(currently_playing(player, api=api_base(request), now=now))


async def get_queue(request: Request) -> Response:
    caller = authenticate(request, scopes=[READ_CURRENT, READ_STATE], any_scope=True)
    player = player_for(get_sandbox(request), caller.require_user().id)
    player.sync()
    if player.active_device is None:
        return spotify_json({"currently_playing": None, "queue": []})
    return spotify_json(queue_object(player, api=api_base(request)))


async def get_recently_played(request: Request) -> Response:
    caller = authenticate(request, scopes=[READ_RECENT])
    player = player_for(get_sandbox(request), caller.require_user().id)
    limit = 20
    if request.query_params.get("limit") is not None:
        try:
            limit = int(request.query_params["limit"])
        except ValueError as exc:
            raise bad_request("Invalid limit") from exc
        if not 1 <= limit <= 50:
            raise bad_request("Invalid limit")
    cursors: dict[str, int] = {}
    for name in ("after", "before"):
        if request.query_params.get(name) is not None:
            try:
                cursors[name] = int(request.query_params[name])
            except ValueError as exc:
                raise bad_request(f"Invalid {name} cursor") from exc
    if len(cursors) == 2:
        raise bad_request("Only one of 'after' or 'before' may be given")
    player.sync()
    body = recently_played(
        player,
        api=api_base(request),
        limit=limit,
        after=cursors.get("after"),
        before=cursors.get("before"),
    )
    return spotify_json(body)


# -- commands ----------------------------------------------------------------------------------


@logged
async def transfer(request: Request) -> Response:
    """``PUT /me/player {"device_ids": [id], "play"?}``: takes effect a moment later."""
    caller = _commander(request)
    body = await _json_object(request)
    ids = body.get("device_ids")
    if ids is None:
        raise bad_request("Required field device_ids missing")
    if not isinstance(ids, list) or len(ids) != 1 or not isinstance(ids[0], str):
        raise bad_request("Exactly one device id must be specified")
    play = body.get("play", False)
    if not isinstance(play, bool):
        raise bad_request("Invalid play value")
    sandbox = get_sandbox(request)
    player = player_for(sandbox, caller.require_user().id)
    device = player.find_device(ids[0])
    if device.is_restricted:
        raise restriction_violated()
    player.transfer(device, play=play, delay_ms=sandbox.config.transfer_delay_ms)
    return _ok(request)


@logged
async def play(request: Request) -> Response:
    """``PUT /me/player/play``: a context or ``uris`` (+ offset, position_ms), or resume."""
    caller = _commander(request)
    body = await _json_object(request)
    context_uri = body.get("context_uri")
    uris = body.get("uris")
    offset = body.get("offset")
    position_ms = body.get("position_ms")
    check_play_fields(context_uri, uris, offset, position_ms)
    _execute(request, caller, lambda player, moved: player.play(
        context_uri=context_uri, uris=uris, offset=offset, position_ms=position_ms, moved=moved
    ))
    return _ok(request)


@logged
async def pause(request: Request) -> Response:
    _execute(request, _commander(request), lambda player, _: player.pause())
    return _ok(request)


@logged
async def next_track(request: Request) -> Response:
    _execute(request, _commander(request), lambda player, _: player.next())
    return _ok(request)


@logged
async def previous_track(request: Request) -> Response:
    _execute(request, _commander(request), lambda player, _: player.previous())
    return _ok(request)


@logged
async def seek(request: Request) -> Response:
    """``PUT /me/player/seek?position_ms=``: past the end of the track → the next one."""
    caller = _commander(request)
    position_ms = _int_param(request, "position_ms", low=0)
    _execute(request, caller, lambda player, _: player.seek(position_ms))
    return _ok(request)


@logged
async def volume(request: Request) -> Response:
    """``PUT /me/player/volume?volume_percent=``: 403 ``VOLUME_CONTROL_DISALLOW`` on phones."""
    caller = _commander(request)
    percent = _int_param(request, "volume_percent", low=0, high=100)
    player = player_for(get_sandbox(request), caller.require_user().id)
    device = player.target(request.query_params.get("device_id") or None)
    if device.is_restricted:
        raise restriction_violated()
    if not device.supports_volume:
        raise player_error(403, "Cannot control device volume", "VOLUME_CONTROL_DISALLOW")
    player.set_volume(device, percent)  # a named idle device is not woken
    return _ok(request)


@logged
async def shuffle(request: Request) -> Response:
    caller = _commander(request)
    state = request.query_params.get("state")
    if state not in {"true", "false"}:
        raise bad_request("Required parameter state missing" if state is None else "Invalid state")
    _execute(request, caller, lambda player, _: player.set_shuffle(state == "true"))
    return _ok(request)


@logged
async def repeat(request: Request) -> Response:
    caller = _commander(request)
    state = request.query_params.get("state")
    choice = next((s for s in REPEAT_STATES if s == state), None)
    if choice is None:
        raise bad_request("Required parameter state missing" if state is None else "Invalid state")
    _execute(request, caller, lambda player, _: player.set_repeat(choice))
    return _ok(request)


@logged
async def add_to_queue(request: Request) -> Response:
    """``POST /me/player/queue?uri=``: a track (or episode) after the existing queue."""
    caller = _commander(request)
    uri = request.query_params.get("uri")
    if not uri:
        raise bad_request("Required parameter uri missing")
    _execute(request, caller, lambda player, _: player.add_to_queue(uri))
    return _ok(request)


async def queue(request: Request) -> Response:
    if request.method == "POST":
        return await add_to_queue(request)
    return await get_queue(request)


async def state(request: Request) -> Response:
    if request.method == "PUT":
        return await transfer(request)
    return await get_state(request)


routes = [
    Route("/v1/me", me, methods=["GET"]),
    Route("/v1/me/player", state, methods=["GET", "PUT"]),
    Route("/v1/me/player/devices", get_devices, methods=["GET"]),
    Route("/v1/me/player/currently-playing", get_currently_playing, methods=["GET"]),
    Route("/v1/me/player/recently-played", get_recently_played, methods=["GET"]),
    Route("/v1/me/player/play", play, methods=["PUT"]),
    Route("/v1/me/player/pause", pause, methods=["PUT"]),
    Route("/v1/me/player/next", next_track, methods=["POST"]),
    Route("/v1/me/player/previous", previous_track, methods=["POST"]),
    Route("/v1/me/player/seek", seek, methods=["PUT"]),
    Route("/v1/me/player/volume", volume, methods=["PUT"]),
    Route("/v1/me/player/shuffle", shuffle, methods=["PUT"]),
    Route("/v1/me/player/repeat", repeat, methods=["PUT"]),
    Route("/v1/me/player/queue", queue, methods=["GET", "POST"]),
]
