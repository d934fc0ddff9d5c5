"""``/v1/music/*`` routes of this first slice: the playback state."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.spotify.models import PlaybackState
from skill.web.auth import require_user, services_of


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples and frozensets as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def state_body(state: PlaybackState | None) -> dict[str, Any]:
    """The playback state; nothing active is ``is_playing: false`` with ``item: null``."""
    if state is None:
        return {
            "is_playing": False,
            "item": None,
            "device": None,
            "context": None,
            "progress_ms": None,
            "repeat_state": None,
            "shuffle_state": None,
        }
    body: dict[str, Any] = jsonable(state)
    return body


async def music_state(request: Request) -> Response:
    user = await require_user(request)
    state = await services_of(request).client.get_playback_state(user.user_id)
    return JSONResponse(state_body(state), headers={"Cache-Control": "no-store"})


routes = [Route("/v1/music/state", music_state, methods=["GET"])]
