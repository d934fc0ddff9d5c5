"""Search, playlists and the library, straight through the Web API client.

* ``GET /v1/music/search?q=&type=&limit=&offset=``
* ``GET|POST /v1/music/playlists``; ``PUT /v1/music/playlists/{playlist_id}``
* ``GET|POST|DELETE /v1/music/playlists/{playlist_id}/items``
* ``GET|POST|DELETE /v1/music/library`` (``GET`` with ``uris=`` checks, without lists saved
  tracks)

A playlist that is not the caller's own — another user's, a private one, or an id that does
not exist — is ``not_found`` (404): the service never tells one from the other. Every call
writes one audit line (user, action, outcome, latency).
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.errors import Forbidden, InvalidRequest, NotFound, SkillError
from skill.spotify.content import SEARCH_TYPES
from skill.spotify.models import Paging
from skill.storage.base import ServiceUser
from skill.web import schemas
from skill.web.audit import audit
from skill.web.auth import require_user
from skill.web.inputs import post_json
from skill.web.routes_music import jsonable
from skill.web.runtime import runtime_of

T = TypeVar("T")

_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_URI = re.compile(r"^(?:" + schemas.LIBRARY_URI + r")$")
SEARCH_LIMIT_MAX = 10
PAGE_LIMIT_MAX = 50


async def _call(user: ServiceUser, action: str, call: Awaitable[T],
                *, playlist: bool = False) -> T:
    """Run one client call with its audit line; a foreign playlist becomes ``not_found``."""
    started = time.perf_counter()
    try:
        result = await call
    except SkillError as exc:
        audit(user.user_id, action, exc.code, started)
        if playlist and isinstance(exc, Forbidden | NotFound) and exc.code in (
            "forbidden", "not_found"
        ):
            raise NotFound("No such playlist among yours.",
                           details={"resource": "playlist"}) from None
        raise
    audit(user.user_id, action, "ok", started)
    return result


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"'{name}' must be an integer.", details={"param": name}) from None
    if not low <= value <= high:
        raise InvalidRequest(f"'{name}' must be between {low} and {high}.",
                             details={"param": name, "min": low, "max": high})
    return value


def _playlist_id(request: Request) -> str:
    value = str(request.path_params["playlist_id"])
    if not _ID.match(value):
        raise NotFound("No such playlist among yours.", details={"resource": "playlist"})
    return value


def _page(page: Paging[Any]) -> dict[str, Any]:
    return {"items": [jsonable(i) for i in page.items], "total": page.total,
            "limit": page.limit, "offset": page.offset}


def _json(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


async def search(request: Request) -> Response:
    user = await require_user(request)
    query = (request.query_params.get("q") or "").strip()
    if not query or len(query) > 300:
        raise InvalidRequest("'q' must be 1 to 300 characters.", details={"param": "q"})
    types = [t for t in (request.query_params.get("type") or "track").split(",") if t]
    if not types or not set(types) <= SEARCH_TYPES:
        raise InvalidRequest("'type' must list search types separated by commas.",
                             details={"param": "type", "allowed": sorted(SEARCH_TYPES)})
    limit = _int_param(request, "limit", 10, 1, SEARCH_LIMIT_MAX)
    offset = _int_param(request, "offset", 0, 0, 1000)
    client = runtime_of(request).services.client
    result = await _call(user, "search",
                         client.search(user.user_id, query, types, limit=limit, offset=offset))
    body = {kind: (None if page is None else _page(page)) for kind, page in (
        ("tracks", result.tracks), ("artists", result.artists), ("albums", result.albums),
        ("playlists", result.playlists),
    )}
    return _json(body)


async def playlists(request: Request) -> Response:
    client = runtime_of(request).services.client
    if request.method == "POST":
        async def create(user: ServiceUser, body: dict[str, Any]) -> Response:
            made = await _call(user, "create_playlist", client.create_playlist(
                user.user_id, body["name"], public=bool(body.get("public", False)),
                collaborative=bool(body.get("collaborative", False)),
                description=body.get("description"),
            ))
            return _json(jsonable(made), 201)

        return await post_json(request, schemas.PLAYLIST_CREATE, create)
    user = await require_user(request)
    limit = _int_param(request, "limit", 20, 1, PAGE_LIMIT_MAX)
    offset = _int_param(request, "offset", 0, 0, 100000)
    page = await _call(user, "list_playlists",
                       client.my_playlists(user.user_id, limit=limit, offset=offset))
    return _json(_page(page))


async def playlist_change(request: Request) -> Response:
    user = await require_user(request)
    playlist_id = _playlist_id(request)
    body = await _read(request, schemas.PLAYLIST_CHANGE)
    if not body:
        raise InvalidRequest("Nothing to change.", status=422, details={"fields": []})
    client = runtime_of(request).services.client
    await _call(user, "change_playlist", client.change_playlist(
        user.user_id, playlist_id, name=body.get("name"), public=body.get("public"),
        collaborative=body.get("collaborative"), description=body.get("description"),
    ), playlist=True)
    return _json({"id": playlist_id, "changed": sorted(body)})


async def _read(request: Request, schema: schemas.Body) -> dict[str, Any]:
    from skill.web.inputs import read_body

    return await read_body(request, schema)


async def playlist_items(request: Request) -> Response:
    client = runtime_of(request).services.client
    playlist_id = _playlist_id(request) if request.method != "POST" else None
    if request.method == "POST":
        async def add(user: ServiceUser, body: dict[str, Any]) -> Response:
            target = _playlist_id(request)
            snapshot = await _call(user, "add_playlist_items", client.add_playlist_items(
                user.user_id, target, body["uris"], position=body.get("position"),
            ), playlist=True)
            return _json({"snapshot_id": snapshot, "added": len(body["uris"])}, 201)

        return await post_json(request, schemas.PLAYLIST_ADD, add)
    user = await require_user(request)
    assert playlist_id is not None
    if request.method == "DELETE":
        body = await _read(request, schemas.PLAYLIST_REMOVE)
        snapshot = await _call(user, "remove_playlist_items",
                               client.remove_playlist_items(
                                   user.user_id, playlist_id, body["uris"],
                                   snapshot_id=body.get("snapshot_id")),
                               playlist=True)
        return _json({"snapshot_id": snapshot, "removed": len(body["uris"])})
    limit = _int_param(request, "limit", 50, 1, PAGE_LIMIT_MAX)
    offset = _int_param(request, "offset", 0, 0, 100000)
    page = await _call(user, "playlist_items", client.playlist_items(
        user.user_id, playlist_id, limit=limit, offset=offset), playlist=True)
    return _json(_page(page))


def _uris_param(request: Request) -> list[str] | None:
    raw = request.query_params.get("uris")
    if raw is None:
        return None
    uris = [u for u in raw.split(",") if u]
    if not 1 <= len(uris) <= 40 or not all(_URI.match(u) for u in uris):
        raise InvalidRequest("'uris' must be 1 to 40 Spotify URIs separated by commas.",
                             details={"param": "uris"})
    return uris


async def library(request: Request) -> Response:
    client = runtime_of(request).services.client
    if request.method == "POST":
        async def save(user: ServiceUser, body: dict[str, Any]) -> Response:
            await _call(user, "save_to_library",
                        client.save_to_library(user.user_id, body["uris"]))
            return _json({"saved": body["uris"]})

        return await post_json(request, schemas.LIBRARY_CHANGE, save)
    user = await require_user(request)
    if request.method == "DELETE":
        body = await _read(request, schemas.LIBRARY_CHANGE)
        await _call(user, "remove_from_library",
                    client.remove_from_library(user.user_id, body["uris"]))
        return _json({"removed": body["uris"]})
    uris = _uris_param(request)
    if uris is not None:
        flags = await _call(user, "library_contains",
                            client.library_contains(user.user_id, uris))
        return _json({"contains": dict(zip(uris, flags, strict=True))})
    limit = _int_param(request, "limit", 20, 1, PAGE_LIMIT_MAX)
    offset = _int_param(request, "offset", 0, 0, 100000)
    page = await _call(user, "saved_tracks",
                       client.saved_tracks(user.user_id, limit=limit, offset=offset))
    return _json(_page(page))


routes = [
    Route("/v1/music/search", search, methods=["GET"]),
    Route("/v1/music/playlists", playlists, methods=["GET", "POST"]),
    Route("/v1/music/playlists/{playlist_id}", playlist_change, methods=["PUT"]),
    Route("/v1/music/playlists/{playlist_id}/items", playlist_items,
          methods=["GET", "POST", "DELETE"]),
    Route("/v1/music/library", library, methods=["GET", "POST", "DELETE"]),
]
