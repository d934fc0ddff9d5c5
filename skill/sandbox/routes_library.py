"""Web API: the user's library (BEHAVIOR.md §6).

``PUT``/``DELETE /me/library?uris=`` save and remove tracks, albums and episodes, follow and
unfollow artists, users and playlists (at most 40 URIs, 400 on a bad one);
``GET /me/library/contains`` answers booleans in request order; ``GET /me/tracks`` and
``/me/albums`` list what is saved, most recent first. Liked songs are the saved tracks, and
the player plays them as the ``spotify:user:<id>:collection`` context.

The per-type endpoints (``PUT``/``DELETE /me/tracks``, ``/me/albums``, ``/me/following`` and
their ``/contains``) answer 403 ``Forbidden`` in development mode and work in extended mode.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skill.sandbox import objects
from skill.sandbox.auth import Caller, authenticate, get_sandbox
from skill.sandbox.ids import is_base62_id
from skill.sandbox.params import (
    api_base,
    forbidden,
    is_spotify_owned,
    json_body,
    paging_params,
    parse_uri,
    uri_list,
)
from skill.sandbox.responses import ApiError, bad_request, spotify_json
from skill.sandbox.routes_playlists import follow
from skill.sandbox.state import Sandbox
from skill.sandbox.world import User

MAX_LIBRARY_URIS = 40
_MODIFY_SCOPE = {
    "track": "user-library-modify",
    "album": "user-library-modify",
    "episode": "user-library-modify",
    "show": "user-library-modify",
    "audiobook": "user-library-modify",
    "artist": "user-follow-modify",
    "user": "user-follow-modify",
    "playlist": "playlist-modify-public",
}
_READ_SCOPE = {
    **{kind: "user-library-read" for kind in ("track", "album", "episode", "show", "audiobook")},
    "artist": "user-follow-read",
    "user": "user-follow-read",
    "playlist": "playlist-read-private",
}


def _require(caller: Caller, scopes: Iterable[str]) -> None:
    if not set(scopes) <= caller.grant.scopes:
        raise ApiError(403, "Insufficient client scope")


def _exists(sandbox: Sandbox, kind: str, item_id: str) -> bool:
    catalog, world = sandbox.catalog, sandbox.world
    if kind == "track":
        return catalog.track(item_id) is not None
    if kind == "album":
        return catalog.album(item_id) is not None
    if kind == "artist":
        return catalog.artist(item_id) is not None
    if kind == "user":
        return item_id in world.users
    if kind == "playlist":
        hidden = sandbox.config.dev_mode and is_spotify_owned(item_id)
        return item_id in world.playlists and not hidden
    return False  # episodes, shows, audiobooks: the sandbox has none


def _saved(sandbox: Sandbox, user: User, kind: str, item_id: str) -> bool:
    if kind == "playlist":
        playlist = sandbox.world.playlists.get(item_id)
        return playlist is not None and (
            user.id in playlist.followers or playlist.owner_id == user.id
        )
    return f"spotify:{kind}:{item_id}" in user.library


def _change(sandbox: Sandbox, user: User, items: list[tuple[str, str]], save: bool) -> None:
    """Save or remove ``(kind, id)`` items; saving keeps the first ``added_at``."""
    for kind, item_id in items:
        if not _exists(sandbox, kind, item_id):
            raise bad_request("Payload contains a non-existing ID")
    now = sandbox.clock.now()
    for kind, item_id in items:
        if kind == "playlist":
            follow(user, sandbox.world.playlists[item_id], save)
            continue
        uri = f"spotify:{kind}:{item_id}"
        if save:
            user.library.setdefault(uri, now)
        else:
            user.library.pop(uri, None)


# -- /me/library -------------------------------------------------------------------------------


async def library(request: Request) -> Response:
    """``PUT``/``DELETE /me/library?uris=``: 200 with an empty body."""
    caller = authenticate(request)
    user = caller.require_user()
    items = [parse_uri(u) for u in uri_list(request, maximum=MAX_LIBRARY_URIS)]
    _require(caller, {_MODIFY_SCOPE[kind] for kind, _ in items})
    _change(get_sandbox(request), user, items, request.method == "PUT")
    return Response(status_code=200)


async def library_contains(request: Request) -> Response:
    caller = authenticate(request)
    user = caller.require_user()
    items = [parse_uri(u) for u in uri_list(request, maximum=MAX_LIBRARY_URIS)]
    _require(caller, {_READ_SCOPE[kind] for kind, _ in items})
    sandbox = get_sandbox(request)
    return spotify_json([_saved(sandbox, user, kind, item_id) for kind, item_id in items])


# -- saved tracks and albums -------------------------------------------------------------------


def _saved_ids(user: User, kind: str) -> list[tuple[str, float]]:
    prefix = f"spotify:{kind}:"
    entries = [
        (uri[len(prefix) :], at) for uri, at in user.library.items() if uri.startswith(prefix)
    ]
    entries.sort(key=lambda e: e[1], reverse=True)
    return entries


async def saved_tracks(request: Request) -> Response:
    """``GET /me/tracks``: liked songs, most recently saved first (``PUT``/``DELETE``:
    the deprecated per-type save, extended mode only)."""
    if request.method != "GET":
        return await _per_type_change(request, "track")
    return _saved_page(request, "track")


async def saved_albums(request: Request) -> Response:
    if request.method != "GET":
        return await _per_type_change(request, "album")
    return _saved_page(request, "album")


def _saved_page(request: Request, kind: str) -> Response:
    caller = authenticate(request, scopes=["user-library-read"])
    user = caller.require_user()
    sandbox = get_sandbox(request)
    limit, offset = paging_params(request, default=20, maximum=50)
    catalog, dev, api = sandbox.catalog, sandbox.config.dev_mode, api_base(request)
    saved = [
        (i, at)
        for i, at in _saved_ids(user, kind)
        if (catalog.track(i) if kind == "track" else catalog.album(i)) is not None
    ]
    page: list[dict[str, Any]] = []
    for item_id, at in saved[offset : offset + limit]:
        if kind == "track":
            obj = objects.track_object(catalog, catalog.tracks[item_id], api=api, dev_mode=dev)
        else:
            obj = objects.album_object(catalog, catalog.albums[item_id], api=api, dev_mode=dev)
        page.append({"added_at": objects.iso_time(at), kind: obj})
    return spotify_json(
        objects.paging(f"{api}/me/{kind}s", page, total=len(saved), limit=limit, offset=offset)
    )


# -- deprecated per-type endpoints ---------------------------------------------------------------


async def _ids_from(request: Request) -> list[str]:
    raw = request.query_params.get("ids")
    if raw is not None:
        ids = [i.strip() for i in raw.split(",") if i.strip()]
    else:
        body = await json_body(request)
        ids = body.get("ids") or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise bad_request("Malformed json")
    if not ids:
        raise bad_request("Missing required parameter: ids")
    if len(ids) > 50:
        raise bad_request("Too many ids requested")
    for item_id in ids:
        if not is_base62_id(item_id):
            raise bad_request("invalid id")
    return ids


async def _per_type_change(request: Request, kind: str) -> Response:
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = caller.require_user()
    _require(caller, {"user-library-modify"})
    ids = await _ids_from(request)
    _change(sandbox, user, [(kind, i) for i in ids], request.method == "PUT")
    return Response(status_code=200)


async def per_type_contains(request: Request) -> Response:
    """``GET /me/tracks/contains`` and ``/me/albums/contains``: extended mode only."""
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = caller.require_user()
    _require(caller, {"user-library-read"})
    kind = request.url.path.rstrip("/").split("/")[-2][:-1]
    ids = await _ids_from(request)
    return spotify_json([_saved(sandbox, user, kind, i) for i in ids])


def _follow_type(request: Request) -> str:
    kind = request.query_params.get("type", "")
    if kind not in ("artist", "user"):
        raise bad_request("Invalid type")
    return kind


async def following(request: Request) -> Response:
    """``GET /me/following?type=artist``: followed artists, most recent first, with cursor
    paging (``after`` = the last artist id of the previous page). ``PUT``/``DELETE`` (follow
    by ids): extended mode only (204)."""
    if request.method == "GET":
        return _followed_artists(request)
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = caller.require_user()
    _require(caller, {"user-follow-modify"})
    kind = _follow_type(request)
    raw = request.query_params.get("ids")
    if raw is None:
        body = await json_body(request)
        ids = body.get("ids") or []
    else:
        ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not ids or not isinstance(ids, list) or len(ids) > 50:
        raise bad_request(
            "Missing required parameter: ids" if not ids else "Too many ids requested"
        )
    _change(sandbox, user, [(kind, str(i)) for i in ids], request.method == "PUT")
    return Response(status_code=204)


def _followed_artists(request: Request) -> Response:
    caller = authenticate(request, scopes=["user-follow-read"])
    user = caller.require_user()
    if request.query_params.get("type") != "artist":
        raise bad_request("Invalid type")
    limit, _ = paging_params(request, default=20, maximum=50)
    sandbox = get_sandbox(request)
    ids = [i for i, _ in _saved_ids(user, "artist") if sandbox.catalog.artist(i) is not None]
    after = request.query_params.get("after")
    start = ids.index(after) + 1 if after in ids else 0
    if after and after not in ids:
        raise bad_request("Invalid after")
    page = ids[start : start + limit]
    api, dev = api_base(request), sandbox.config.dev_mode
    url = f"{api}/me/following?type=artist&limit={limit}"
    more = start + limit < len(ids)
    return spotify_json(
        {
            "artists": {
                "href": url + (f"&after={after}" if after else ""),
                "items": [
                    objects.artist_object(sandbox.catalog.artists[i], api=api, dev_mode=dev)
                    for i in page
                ],
                "limit": limit,
                "next": f"{url}&after={page[-1]}" if more and page else None,
                "cursors": {"after": page[-1]} if page else None,
                "total": len(ids),
            }
        }
    )


async def following_contains(request: Request) -> Response:
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = caller.require_user()
    _require(caller, {"user-follow-read"})
    kind = _follow_type(request)
    ids = [i.strip() for i in request.query_params.get("ids", "").split(",") if i.strip()]
    if not ids:
        raise bad_request("Missing required parameter: ids")
    return spotify_json([_saved(sandbox, user, kind, i) for i in ids])


routes = [
    Route("/v1/me/library", library, methods=["PUT", "DELETE"]),
    Route("/v1/me/library/contains", library_contains, methods=["GET"]),
    Route("/v1/me/tracks", saved_tracks, methods=["GET", "PUT", "DELETE"]),
    Route("/v1/me/tracks/contains", per_type_contains, methods=["GET"]),
    Route("/v1/me/albums", saved_albums, methods=["GET", "PUT", "DELETE"]),
    Route("/v1/me/albums/contains", per_type_contains, methods=["GET"]),
    Route("/v1/me/following", following, methods=["GET", "PUT", "DELETE"]),
    Route("/v1/me/following/contains", following_contains, methods=["GET"]),
]
