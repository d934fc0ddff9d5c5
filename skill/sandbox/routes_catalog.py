"""Web API: search and the catalog (``/v1/search``, ``/v1/albums``, ``/v1/artists``,
``/v1/tracks``).

Development mode (the default, BEHAVIOR.md §5, §8): search ``limit`` 1-10 (default 5), the
same cap on an artist's albums, no popularity fields, and the batch endpoints (``GET
/tracks?ids=``, ``/albums?ids=``, ``/artists?ids=``) and artist top tracks answer 403
``Forbidden``. ``--api-mode extended`` restores limit 50, the fields and those endpoints.
Catalog reads accept any valid token, client-credentials ones included.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skill.sandbox import objects
from skill.sandbox.auth import authenticate, get_sandbox
from skill.sandbox.params import (
    api_base,
    forbidden,
    id_list,
    is_spotify_owned,
    not_found,
    paging_params,
    path_id,
)
from skill.sandbox.responses import ApiError, bad_request, spotify_json
from skill.sandbox.search import Doc, Kind, SearchIndex, TextIndex
from skill.sandbox.search_query import parse_query
from skill.sandbox.state import Sandbox
from skill.sandbox.world import World

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
SEARCH_MAX_OFFSET = 1000
ALBUM_GROUPS = frozenset({"album", "single", "appears_on", "compilation"})


def _dev(request: Request) -> bool:
    return get_sandbox(request).config.dev_mode


# -- search --------------------------------------------------------------------------------

_playlist_index_cache: dict[tuple[Any, ...], TextIndex] = {}


def _playlist_index(world: World) -> TextIndex:
    """Public playlists of the world, re-indexed only when one is added, renamed, hidden or
    gains followers (the key is their current state, so any world with the same playlists
    shares one index)."""
    key = tuple((p.id, p.name, p.public, len(p.followers)) for p in world.playlists.values())
    index = _playlist_index_cache.get(key)
    if index is None:
        docs = [
            Doc(p.id, len(p.followers), {"name": p.name})
            for p in world.playlists.values()
            if p.public
        ]
        index = TextIndex(docs, free_fields=("name",))
        _playlist_index_cache.clear()
        _playlist_index_cache[key] = index
    return index


async def search(request: Request) -> Response:
    """``GET /search``: one paging object per requested type; Spotify-owned playlists come
    back as ``null`` entries in development mode (still counted in ``total``)."""
    authenticate(request, user=False)
    sandbox = get_sandbox(request)
    # Spotify's own paging links spell the query ``query=``, and following them works.
    q = request.query_params.get("q") or request.query_params.get("query") or ""
    if not q.strip():
        raise bad_request("No search query")
    raw_types = request.query_params.get("type", "")
    if not raw_types.strip():
        raise bad_request("Missing parameter type")
    types = [t.strip() for t in raw_types.split(",") if t.strip()]
    for kind in types:
        if kind not in SEARCH_TYPES:
            raise bad_request(f"Bad search type field {kind}")
    config = sandbox.config
    limit, offset = paging_params(
        request, default=5 if config.dev_mode else 20, maximum=config.max_search_limit
    )
    if offset > SEARCH_MAX_OFFSET:
        raise ApiError(404, "Not found.")
    query = parse_query(q)
    api = api_base(request)
    body: dict[str, Any] = {}
    for kind in dict.fromkeys(types):
        items, total = _search_kind(sandbox, kind, query, api=api, limit=limit, offset=offset)
        body[f"{kind}s"] = objects.paging(
            f"{api}/search",
            items,
            total=total,
            limit=limit,
            offset=offset,
            extra=[("query", q), ("type", kind)],
        )
    return spotify_json(body)


def _search_kind(
    sandbox: Sandbox, kind: str, query: Any, *, api: str, limit: int, offset: int
) -> tuple[list[dict[str, Any] | None], int]:
    dev = sandbox.config.dev_mode
    catalog = sandbox.catalog
    if kind in ("track", "artist", "album"):
        index_kind: Kind = kind  # type: ignore[assignment]
        hits = SearchIndex.for_catalog(catalog).search(
            query, index_kind, limit=limit, offset=offset
        )
        if kind == "track":
            items = [
                objects.track_object(catalog, catalog.tracks[i], api=api, dev_mode=dev)
                for i in hits.ids
            ]
        elif kind == "artist":
            items = [
                objects.artist_object(catalog.artists[i], api=api, dev_mode=dev) for i in hits.ids
            ]
        else:
            items = [
                objects.simplified_album(catalog, catalog.albums[i], api=api, dev_mode=dev)
                for i in hits.ids
            ]
        return list(items), hits.total
    if kind == "playlist":
        world = sandbox.world
        hits = _playlist_index(world).search(query, limit=limit, offset=offset)
        found: list[dict[str, Any] | None] = []
        for playlist_id in hits.ids:
            playlist = world.playlists[playlist_id]
            if dev and is_spotify_owned(playlist_id):
                found.append(None)
                continue
            owner = world.users.get(playlist.owner_id)
            found.append(objects.simplified_playlist(playlist, owner, api=api, dev_mode=dev))
        return found, hits.total
    return [], 0  # shows, episodes, audiobooks: the sandbox has no podcasts or books


# -- albums, artists, tracks ---------------------------------------------------------------


async def get_album(request: Request) -> Response:
    authenticate(request, user=False)
    catalog = get_sandbox(request).catalog
    album = catalog.album(path_id(request))
    if album is None:
        raise not_found()
    return spotify_json(
        objects.album_object(catalog, album, api=api_base(request), dev_mode=_dev(request))
    )


async def get_album_tracks(request: Request) -> Response:
    authenticate(request, user=False)
    catalog = get_sandbox(request).catalog
    album = catalog.album(path_id(request))
    if album is None:
        raise not_found()
    limit, offset = paging_params(request, default=20, maximum=50)
    api, dev = api_base(request), _dev(request)
    page = [catalog.tracks[t] for t in album.track_ids[offset : offset + limit]]
    return spotify_json(
        objects.paging(
            f"{api}/albums/{album.id}/tracks",
            [objects.simplified_track(catalog, t, api=api, dev_mode=dev) for t in page],
            total=len(album.track_ids),
            limit=limit,
            offset=offset,
        )
    )


async def get_artist(request: Request) -> Response:
    authenticate(request, user=False)
    artist = get_sandbox(request).catalog.artist(path_id(request))
    if artist is None:
        raise not_found()
    return spotify_json(
        objects.artist_object(artist, api=api_base(request), dev_mode=_dev(request))
    )


async def get_artist_albums(request: Request) -> Response:
    """``GET /artists/{id}/albums``: the artist's albums, singles and compilations (newest
    first), then the albums the artist only appears on; ``include_groups`` filters."""
    authenticate(request, user=False)
    sandbox = get_sandbox(request)
    catalog = sandbox.catalog
    artist_id = path_id(request)
    if catalog.artist(artist_id) is None:
        raise not_found()
    dev = sandbox.config.dev_mode
    limit, offset = paging_params(request, default=5 if dev else 20, maximum=10 if dev else 50)
    raw_groups = request.query_params.get("include_groups", "")
    groups = {g.strip() for g in raw_groups.split(",") if g.strip()} or set(ALBUM_GROUPS)
    if not groups <= ALBUM_GROUPS:
        raise bad_request("Invalid include_groups")
    own = catalog.artist_album_ids(artist_id)
    own_set = set(own)
    appears = [
        a
        for a in dict.fromkeys(
            catalog.tracks[t].album_id for t in catalog.artist_track_ids(artist_id)
        )
        if a not in own_set
    ]
    appears.sort(key=lambda a: (-(catalog.albums[a].release_year or 0), a))
    selected: list[tuple[str, str]] = []
    for album_id in own:
        group = objects.album_type(catalog, catalog.albums[album_id])
        if group in groups:
            selected.append((album_id, group))
    if "appears_on" in groups:
        selected.extend((a, "appears_on") for a in appears)
    api = api_base(request)
    items = []
    for album_id, group in selected[offset : offset + limit]:
        item = objects.simplified_album(catalog, catalog.albums[album_id], api=api, dev_mode=dev)
        if not dev:
            item["album_group"] = group
        items.append(item)
    extra = [("include_groups", raw_groups)] if raw_groups else []
    return spotify_json(
        objects.paging(
            f"{api}/artists/{artist_id}/albums",
            items,
            total=len(selected),
            limit=limit,
            offset=offset,
            extra=extra,
        )
    )


async def get_artist_top_tracks(request: Request) -> Response:
    """Removed for development-mode apps (403 ``Forbidden``); extended: the ten most popular."""
    authenticate(request, user=False)
    if _dev(request):
        raise forbidden()
    catalog = get_sandbox(request).catalog
    artist_id = path_id(request)
    if catalog.artist(artist_id) is None:
        raise not_found()
    api = api_base(request)
    tracks = [
        objects.track_object(catalog, catalog.tracks[t], api=api, dev_mode=False)
        for t in catalog.artist_track_ids(artist_id)[:10]
    ]
    return spotify_json({"tracks": tracks})


async def get_track(request: Request) -> Response:
    authenticate(request, user=False)
    catalog = get_sandbox(request).catalog
    track = catalog.track(path_id(request))
    if track is None:
        raise not_found()
    return spotify_json(
        objects.track_object(catalog, track, api=api_base(request), dev_mode=_dev(request))
    )


async def get_several(request: Request) -> Response:
    """Batch ``GET /tracks|albums|artists?ids=``: removed for development mode (403);
    extended: objects in request order, ``null`` for unknown ids."""
    authenticate(request, user=False)
    if _dev(request):
        raise forbidden()
    catalog = get_sandbox(request).catalog
    api = api_base(request)
    kind = request.url.path.rstrip("/").rsplit("/", 1)[1]
    ids = id_list(request, maximum=20 if kind == "albums" else 50)
    found: list[dict[str, Any] | None] = []
    for item_id in ids:
        if kind == "tracks":
            track = catalog.track(item_id)
            found.append(
                objects.track_object(catalog, track, api=api, dev_mode=False) if track else None
            )
        elif kind == "albums":
            album = catalog.album(item_id)
            found.append(
                objects.album_object(catalog, album, api=api, dev_mode=False) if album else None
            )
        else:
            artist = catalog.artist(item_id)
            found.append(objects.artist_object(artist, api=api, dev_mode=False) if artist else None)
    return spotify_json({kind: found})


routes = [
    Route("/v1/search", search, methods=["GET"]),
    Route("/v1/albums", get_several, methods=["GET"]),
    Route("/v1/albums/{id}", get_album, methods=["GET"]),
    Route("/v1/albums/{id}/tracks", get_album_tracks, methods=["GET"]),
    Route("/v1/artists", get_several, methods=["GET"]),
    Route("/v1/artists/{id}", get_artist, methods=["GET"]),
    Route("/v1/artists/{id}/albums", get_artist_albums, methods=["GET"]),
    Route("/v1/artists/{id}/top-tracks", get_artist_top_tracks, methods=["GET"]),
    Route("/v1/tracks", get_several, methods=["GET"]),
    Route("/v1/tracks/{id}", get_track, methods=["GET"]),
]
