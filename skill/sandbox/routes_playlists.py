"""Web API: playlists in their 2026 shapes (BEHAVIOR.md §6).

``/me/playlists`` GET/POST, ``/playlists/{id}`` GET/PUT and ``/playlists/{id}/items``
GET/POST/PUT/DELETE work on the world's playlists, so every change is seen by later calls
and by the player (a playlist context plays the entries as they are when it starts). The
deprecated paths (``/playlists/{id}/tracks``, ``/users/{id}/playlists``,
``/playlists/{id}/followers``, ``GET /users/{id}``) answer 403 ``Forbidden`` in development
mode and work, with the legacy keys, in extended mode. Spotify-owned (editorial) playlists
are hidden from development-mode apps: 404 by id, ``null`` in lists.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skill.sandbox import objects
from skill.sandbox.auth import Caller, authenticate, get_sandbox
from skill.sandbox.fields import FieldsError, apply_fields, parse_fields
from skill.sandbox.ids import base62_id
from skill.sandbox.params import (
    api_base,
    forbidden,
    is_spotify_owned,
    json_body,
    not_found,
    paging_params,
    parse_uri,
)
from skill.sandbox.responses import ApiError, bad_request, spotify_json
from skill.sandbox.state import Sandbox
from skill.sandbox.world import Playlist, PlaylistEntry, User

MAX_ITEMS_PER_REQUEST = 100
_ITEM_KINDS = frozenset({"track", "episode"})


def _insufficient_scope() -> ApiError:
    return ApiError(403, "Insufficient client scope")


def playlist_for(sandbox: Sandbox, playlist_id: str) -> Playlist:
    """The playlist, or 404 (unknown, or Spotify-owned and hidden in development mode)."""
    playlist = sandbox.world.playlists.get(playlist_id)
    if playlist is None or (sandbox.config.dev_mode and is_spotify_owned(playlist_id)):
        raise not_found()
    return playlist


def can_edit(user: User | None, playlist: Playlist) -> bool:
    """The owner, or a follower of a collaborative playlist (a collaborator)."""
    if user is None:
        return False
    return playlist.owner_id == user.id or (
        playlist.collaborative and user.id in playlist.followers
    )


def require_modify_scope(caller: Caller, *, public: bool, collaborative: bool = False) -> None:
    """``playlist-modify-public`` for public playlists, ``-private`` for private ones (and
    both for collaborative ones)."""
    needed = {"playlist-modify-public" if public else "playlist-modify-private"}
    if collaborative:
        needed |= {"playlist-modify-public", "playlist-modify-private"}
    if not needed <= caller.grant.scopes:
        raise _insufficient_scope()


def _editable(request: Request, playlist_id: str) -> tuple[Sandbox, Caller, User, Playlist]:
    caller = authenticate(request)
    user = caller.require_user()
    sandbox = get_sandbox(request)
    playlist = playlist_for(sandbox, playlist_id)
    require_modify_scope(caller, public=playlist.public)
    if not can_edit(user, playlist):
        raise ApiError(403, "You cannot modify a playlist you don't own.")
    return sandbox, caller, user, playlist


def _listed(sandbox: Sandbox, playlist: Playlist, api: str) -> dict[str, Any] | None:
    if sandbox.config.dev_mode and is_spotify_owned(playlist.id):
        return None
    owner = sandbox.world.users.get(playlist.owner_id)
    return objects.simplified_playlist(playlist, owner, api=api, dev_mode=sandbox.config.dev_mode)


# -- /me/playlists ---------------------------------------------------------------------------


async def my_playlists(request: Request) -> Response:
    if request.method == "POST":
        return await create_playlist(request, for_user=None)
    caller = authenticate(request, scopes=["playlist-read-private"])
    user = caller.require_user()
    return _list_playlists(request, caller, user, owned_and_followed=True)


def _list_playlists(
    request: Request, caller: Caller, user: User, *, owned_and_followed: bool
) -> Response:
    sandbox = get_sandbox(request)
    limit, offset = paging_params(request, default=20, maximum=50, max_offset=100_000)
    playlists = sandbox.world.owned_and_followed(user.id)
    me = caller.user
    if not owned_and_followed:  # someone else's profile: public ones only
        playlists = [p for p in playlists if p.public or (me is not None and me.id == user.id)]
    if "playlist-read-collaborative" not in caller.grant.scopes:
        playlists = [p for p in playlists if not p.collaborative or p.owner_id == user.id]
    api = api_base(request)
    path = "me/playlists" if owned_and_followed else f"users/{user.id}/playlists"
    return spotify_json(
        objects.paging(
            f"{api}/{path}",
            [_listed(sandbox, p, api) for p in playlists[offset : offset + limit]],
            total=len(playlists),
            limit=limit,
            offset=offset,
        )
    )


async def create_playlist(request: Request, *, for_user: str | None) -> Response:
    """``POST /me/playlists``: 201 with the new (empty) playlist."""
    caller = authenticate(request)
    user = caller.require_user()
    if for_user is not None and for_user != user.id:
        raise ApiError(403, "You cannot create a playlist for another user.")
    body = await json_body(request, required=True)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Missing required field: name")
    public = body.get("public", True)
    collaborative = body.get("collaborative", False)
    description = body.get("description", "")
    if not isinstance(public, bool) or not isinstance(collaborative, bool):
        raise bad_request("Malformed json")
    if not isinstance(description, str):
        raise bad_request("Malformed json")
    if collaborative and public:
        raise bad_request("Collaborative playlists can't be public")
    require_modify_scope(caller, public=public, collaborative=collaborative)
    sandbox = get_sandbox(request)
    world = sandbox.world
    playlist_id = base62_id(
        f"playlist:{user.id}:{name}:{sandbox.clock.now()}:{len(world.playlists)}"
    )
    playlist = Playlist(
        id=playlist_id,
        name=name,
        owner_id=user.id,
        public=public,
        collaborative=collaborative,
        description=description,
    )
    world.playlists[playlist.id] = playlist
    body_out = objects.playlist_object(
        sandbox.catalog,
        playlist,
        user,
        api=api_base(request),
        dev_mode=sandbox.config.dev_mode,
        with_items=True,
    )
    return spotify_json(body_out, 201)


# -- /playlists/{id} -------------------------------------------------------------------------


async def playlist(request: Request) -> Response:
    if request.method == "PUT":
        return await change_details(request)
    caller = authenticate(request, user=False)
    sandbox = get_sandbox(request)
    found = playlist_for(sandbox, str(request.path_params["playlist_id"]))
    owner = sandbox.world.users.get(found.owner_id)
    body = objects.playlist_object(
        sandbox.catalog,
        found,
        owner,
        api=api_base(request),
        dev_mode=sandbox.config.dev_mode,
        with_items=can_edit(caller.user, found),
    )
    return spotify_json(_filtered(request, body))


def _filtered(request: Request, body: dict[str, Any]) -> Any:
    """``body`` reduced to the ``fields`` parameter, when there is one."""
    raw = request.query_params.get("fields")
    if not raw:
        return body
    try:
        return apply_fields(body, parse_fields(raw))
    except FieldsError as exc:
        raise bad_request("Invalid fields") from exc


async def change_details(request: Request) -> Response:
    """``PUT /playlists/{id}``: rename, (un)publish, describe; 200 with an empty body."""
    sandbox, caller, user, found = _editable(request, str(request.path_params["playlist_id"]))
    if found.owner_id != user.id:
        raise ApiError(403, "You cannot modify a playlist you don't own.")
    body = await json_body(request, required=True)
    name = body.get("name", found.name)
    public = body.get("public", found.public)
    collaborative = body.get("collaborative", found.collaborative)
    description = body.get("description", found.description)
    if not isinstance(name, str) or not name.strip() or not isinstance(description, str):
        raise bad_request("Malformed json")
    if not isinstance(public, bool) or not isinstance(collaborative, bool):
        raise bad_request("Malformed json")
    if collaborative and public:
        raise bad_request("Collaborative playlists can't be public")
    require_modify_scope(caller, public=public, collaborative=collaborative)
    found.name, found.public, found.description = name, public, description
    found.collaborative = collaborative
    found.touch()
    return Response(status_code=200)


# -- /playlists/{id}/items -------------------------------------------------------------------


async def items(request: Request) -> Response:
    return await _items(request, legacy=False)


async def legacy_tracks(request: Request) -> Response:
    """``/playlists/{id}/tracks``: 403 ``Forbidden`` for development-mode apps since
    2026-03-09; the legacy behaviour in extended mode."""
    authenticate(request)
    if get_sandbox(request).config.dev_mode:
        raise forbidden()
    return await _items(request, legacy=True)


async def _items(request: Request, *, legacy: bool) -> Response:
    handler = {
        "GET": _get_items,
        "POST": _add_items,
        "PUT": _replace_or_reorder,
        "DELETE": _remove_items,
    }[request.method]
    return await handler(request, legacy)


async def _get_items(request: Request, legacy: bool) -> Response:
    caller = authenticate(request, scopes=["playlist-read-private"])
    sandbox = get_sandbox(request)
    found = playlist_for(sandbox, str(request.path_params["playlist_id"]))
    if not can_edit(caller.user, found):
        raise forbidden()
    limit, offset = paging_params(
        request, default=20 if not legacy else 100, maximum=50 if not legacy else 100
    )
    page = objects.playlist_items_page(
        sandbox.catalog,
        found,
        api=api_base(request),
        dev_mode=sandbox.config.dev_mode,
        limit=limit,
        offset=offset,
    )
    return spotify_json(_filtered(request, page))


def _checked_uris(sandbox: Sandbox, uris: Any) -> list[str]:
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise bad_request("Malformed json")
    if len(uris) > MAX_ITEMS_PER_REQUEST:
        raise bad_request("You can add a maximum of 100 tracks per request.")
    checked = []
    for uri in uris:
        kind, item_id = parse_uri(uri, _ITEM_KINDS)
        if kind != "track" or sandbox.catalog.track(item_id) is None:
            raise bad_request("Payload contains a non-existing ID")
        checked.append(f"spotify:track:{item_id}")
    return checked


def _query_uris(request: Request) -> list[str] | None:
    raw = request.query_params.get("uris")
    return None if raw is None else [u.strip() for u in raw.split(",") if u.strip()]


async def _add_items(request: Request, legacy: bool) -> Response:
    """``POST``: 201 ``{"snapshot_id"}``; ``uris`` and ``position`` from the query string
    (which wins) or the body; a bare JSON array body is the list of URIs (Spotify accepts
    it, and spotipy sends it)."""
    sandbox, _, user, found = _editable(request, str(request.path_params["playlist_id"]))
    body = await json_body(request, allow_list=True)
    raw_uris = _query_uris(request)
    uris = _checked_uris(sandbox, raw_uris if raw_uris is not None else body.get("uris"))
    if not uris:
        raise bad_request("No uris provided")
    position: Any = request.query_params.get("position", body.get("position"))
    if position is None:
        index = len(found.entries)
    else:
        try:
            index = int(position)
        except (TypeError, ValueError) as exc:
            raise bad_request("Invalid position") from exc
        if not 0 <= index <= len(found.entries):
            raise bad_request("Index out of bounds")
    now = sandbox.clock.now()
    found.entries[index:index] = [PlaylistEntry(u, now, user.id) for u in uris]
    found.touch()
    return spotify_json({"snapshot_id": found.snapshot_id}, 201)


async def _replace_or_reorder(request: Request, legacy: bool) -> Response:
    """``PUT``: replace with ``uris`` or reorder with ``range_start``/``insert_before``/
    ``range_length``, never both; 200 ``{"snapshot_id"}``."""
    sandbox, _, user, found = _editable(request, str(request.path_params["playlist_id"]))
    body = await json_body(request)
    raw_uris = _query_uris(request)
    replacing = raw_uris is not None or "uris" in body
    reordering = "range_start" in body or "insert_before" in body
    if replacing and reordering:
        raise bad_request("Can't replace and reorder items in the same request")
    if replacing:
        uris = _checked_uris(sandbox, raw_uris if raw_uris is not None else body.get("uris"))
        now = sandbox.clock.now()
        found.entries = [PlaylistEntry(u, now, user.id) for u in uris]
    elif reordering:
        _reorder(found, body)
    else:
        raise bad_request("Missing required field: uris or range_start and insert_before")
    found.touch()
    return spotify_json({"snapshot_id": found.snapshot_id})


def _reorder(found: Playlist, body: dict[str, Any]) -> None:
    start, before, length = (
        body.get("range_start"),
        body.get("insert_before"),
        body.get("range_length", 1),
    )
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, before, length)):
        raise bad_request("Malformed json")
    assert isinstance(start, int) and isinstance(before, int) and isinstance(length, int)
    size = len(found.entries)
    if length < 1 or not 0 <= start < size or start + length > size or not 0 <= before <= size:
        raise bad_request("Index out of bounds")
    block = found.entries[start : start + length]
    rest = found.entries[:start] + found.entries[start + length :]
    if start <= before <= start + length:
        at = start  # inside (or at either edge of) the moved range: nothing moves
    else:
        at = before if before < start else before - length
    found.entries = rest[:at] + block + rest[at:]


async def _remove_items(request: Request, legacy: bool) -> Response:
    """``DELETE`` body ``{"items": [{"uri", "positions"?}], "snapshot_id"?}`` (``tracks``
    on the legacy path): every occurrence, or only the given positions; 200."""
    sandbox, _, _, found = _editable(request, str(request.path_params["playlist_id"]))
    body = await json_body(request, required=True)
    key = "tracks" if legacy else "items"
    wanted = body.get(key)
    if not isinstance(wanted, list) or not wanted:
        raise bad_request(f"Missing required field: {key}")
    if len(wanted) > MAX_ITEMS_PER_REQUEST:
        raise bad_request("You can remove a maximum of 100 tracks per request.")
    everywhere: set[str] = set()
    at_positions: set[int] = set()
    for entry in wanted:
        if not isinstance(entry, dict) or not isinstance(entry.get("uri"), str):
            raise bad_request("Malformed json")
        kind, item_id = parse_uri(entry["uri"], _ITEM_KINDS)
        uri = f"spotify:{kind}:{item_id}"
        positions = entry.get("positions")
        if positions is None:
            everywhere.add(uri)
            continue
        if not isinstance(positions, list) or not all(isinstance(p, int) for p in positions):
            raise bad_request("Malformed json")
        for position in positions:
            if not 0 <= position < len(found.entries) or found.entries[position].uri != uri:
                raise bad_request(f"Invalid position {position} for {uri}")
            at_positions.add(position)
    found.entries = [
        e for i, e in enumerate(found.entries) if e.uri not in everywhere and i not in at_positions
    ]
    found.touch()
    return spotify_json({"snapshot_id": found.snapshot_id})


# -- deprecated: other users' playlists and follows ------------------------------------------


async def user_playlists(request: Request) -> Response:
    """``GET``/``POST /users/{id}/playlists``: 403 in development mode."""
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user_id = str(request.path_params["user_id"])
    if request.method == "POST":
        return await create_playlist(request, for_user=user_id)
    if "playlist-read-private" not in caller.grant.scopes:
        raise _insufficient_scope()
    user = sandbox.world.users.get(user_id)
    if user is None:
        raise not_found()
    return _list_playlists(request, caller, user, owned_and_followed=False)


async def user_profile(request: Request) -> Response:
    """``GET /users/{id}``: removed for development-mode apps (403); extended mode: the
    public profile."""
    authenticate(request, user=False)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = sandbox.world.users.get(str(request.path_params["user_id"]))
    if user is None:
        raise not_found()
    followers = sum(1 for u in sandbox.world.users.values() if user.uri in u.library)
    body = objects.playlist_user(user.id, api_base(request), user.display_name)
    body.update({"images": [], "followers": {"href": None, "total": followers}})
    return spotify_json(body)


async def followers(request: Request) -> Response:
    """``PUT``/``DELETE /playlists/{id}/followers``: 403 in development mode (use
    ``/me/library`` with playlist URIs); follow/unfollow in extended mode."""
    caller = authenticate(request)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    user = caller.require_user()
    found = playlist_for(sandbox, str(request.path_params["playlist_id"]))
    require_modify_scope(caller, public=found.public)
    follow(user, found, request.method == "PUT")
    return Response(status_code=200)


async def followers_contains(request: Request) -> Response:
    authenticate(request, user=False)
    sandbox = get_sandbox(request)
    if sandbox.config.dev_mode:
        raise forbidden()
    found = playlist_for(sandbox, str(request.path_params["playlist_id"]))
    ids = [i.strip() for i in request.query_params.get("ids", "").split(",") if i.strip()]
    if not ids:
        raise bad_request("Missing required parameter: ids")
    return spotify_json([i in found.followers or i == found.owner_id for i in ids])


def follow(user: User, playlist: Playlist, on: bool) -> None:
    """Follow (or unfollow) a playlist; the owner always counts as following it."""
    if on:
        playlist.followers.add(user.id)
        if playlist.id not in user.followed_playlists:
            user.followed_playlists.append(playlist.id)
    else:
        playlist.followers.discard(user.id)
        if playlist.id in user.followed_playlists:
            user.followed_playlists.remove(playlist.id)


routes = [
    Route("/v1/me/playlists", my_playlists, methods=["GET", "POST"]),
    Route("/v1/playlists/{playlist_id}", playlist, methods=["GET", "PUT"]),
    Route("/v1/playlists/{playlist_id}/items", items, methods=["GET", "POST", "PUT", "DELETE"]),
    Route(
        "/v1/playlists/{playlist_id}/tracks",
        legacy_tracks,
        methods=["GET", "POST", "PUT", "DELETE"],
    ),
    Route("/v1/playlists/{playlist_id}/followers", followers, methods=["PUT", "DELETE"]),
    Route("/v1/playlists/{playlist_id}/followers/contains", followers_contains, methods=["GET"]),
    Route("/v1/users/{user_id}", user_profile, methods=["GET"]),
    Route("/v1/users/{user_id}/playlists", user_playlists, methods=["GET", "POST"]),
]
