"""Spotify JSON objects built from the catalog and the world, as the Web API shapes them.

Every builder takes ``api`` (the sandbox's own Web API base, up to and including ``/v1``, so
``href``/``next``/``previous`` point back at the sandbox) and ``dev_mode``. Development mode
(the default of a 2026 app, BEHAVIOR.md §6) leaves out ``popularity``, ``available_markets``,
``linked_from``, artist ``followers``/``genres`` and album ``album_group``, and uses only the
2026 keys ``items``/``item`` for playlists; extended mode restores the removed fields and also
sends the deprecated ``tracks``/``track`` keys.

The catalog has no images, ISRCs, UPCs, labels or copyrights, so those come back empty
(``images: []``, ``external_ids: {}``, ``copyrights: []``, ``label: ""``) rather than invented.
Albums carry a year-precision release date (``"0000"`` when the year is unknown, as Spotify
itself does for some old releases).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from skill.sandbox.catalog import Album, Artist, Catalog, Track
from skill.sandbox.world import Playlist, PlaylistEntry, User

JSON = dict[str, Any]

#: Markets reported in extended mode (the sandbox treats every track as available everywhere).
MARKETS = (
    "AR", "AT", "AU", "BE", "BR", "CA", "CH", "CL", "CO", "DE", "DK", "ES", "FI", "FR", "GB",
    "IE", "IN", "IT", "JP", "KR", "MX", "NL", "NO", "NZ", "PL", "PT", "SE", "US",
)  # fmt: skip
OPEN = "https://open.spotify.com"


def iso_time(seconds: float) -> str:
    """``2026-11-24T01:02:03Z`` for a Unix time."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _base(kind: str, id: str, api: str, path: str | None = None) -> JSON:
    return {
        "external_urls": {"spotify": f"{OPEN}/{kind}/{id}"},
        "href": f"{api}/{path or kind + 's'}/{id}",
        "id": id,
        "type": kind,
        "uri": f"spotify:{kind}:{id}",
    }


# -- artists ------------------------------------------------------------------------------


def simplified_artist(catalog: Catalog, artist_id: str, api: str, name: str | None = None) -> JSON:
    artist = catalog.artist(artist_id)
    return {**_base("artist", artist_id, api), "name": artist.name if artist else name or ""}


def artist_object(artist: Artist, *, api: str, dev_mode: bool) -> JSON:
    obj = {**_base("artist", artist.id, api), "images": [], "name": artist.name}
    if not dev_mode:
        obj["followers"] = {"href": None, "total": artist.followers}
        obj["genres"] = list(artist.genres)
        obj["popularity"] = artist.popularity
    return obj


# -- albums -------------------------------------------------------------------------------


def album_type(catalog: Catalog, album: Album) -> str:
    """``compilation`` (several primary artists), ``single`` (≤ 3 tracks, one named like the
    album) or ``album``: a heuristic, the data has no album types."""
    tracks = [t for t in (catalog.track(tid) for tid in album.track_ids) if t is not None]
    if len({t.artist_ids[0] for t in tracks if t.artist_ids}) > 1:
        return "compilation"
    title = _core_title(album.name)
    if len(tracks) <= 3 and any(_core_title(t.name) == title for t in tracks):
        return "single"
    return "album"


def _core_title(name: str) -> str:
    for mark in (" - ", " (", " ["):
        if mark in name:
            name = name.split(mark, 1)[0]
    return name.strip().casefold()


def simplified_album(
    catalog: Catalog, album: Album, *, api: str, dev_mode: bool, group: bool = False
) -> JSON:
    """A SimplifiedAlbumObject; ``group`` adds ``album_group`` (artist discography, extended)."""
    kind = album_type(catalog, album)
    obj: JSON = {
        **_base("album", album.id, api),
        "album_type": kind,
        "artists": [simplified_artist(catalog, a, api) for a in album.artist_ids],
        "images": [],
        "name": album.name,
        "release_date": str(album.release_year) if album.release_year else "0000",
        "release_date_precision": "year",
        "total_tracks": len(album.track_ids),
    }
    if not dev_mode:
        obj["available_markets"] = list(MARKETS)
        if group:
            obj["album_group"] = kind
    return obj


def album_object(
    catalog: Catalog, album: Album, *, api: str, dev_mode: bool, limit: int = 50
) -> JSON:
    """A full AlbumObject with the first ``limit`` tracks under ``tracks``."""
    obj = simplified_album(catalog, album, api=api, dev_mode=dev_mode)
    tracks = [catalog.tracks[t] for t in album.track_ids[:limit]]
    obj["tracks"] = paging(
        f"{api}/albums/{album.id}/tracks",
        [simplified_track(catalog, t, api=api, dev_mode=dev_mode) for t in tracks],
        total=len(album.track_ids),
        limit=limit,
        offset=0,
    )
    obj["copyrights"] = []
    obj["external_ids"] = {}
    obj["genres"] = []
    obj["label"] = ""
    if not dev_mode:
        obj["popularity"] = max((catalog.tracks[t].popularity for t in album.track_ids), default=0)
    return obj


# -- tracks -------------------------------------------------------------------------------


def simplified_track(catalog: Catalog, track: Track, *, api: str, dev_mode: bool) -> JSON:
    obj: JSON = {
        **_base("track", track.id, api),
        "artists": [
            simplified_artist(catalog, aid, api, name)
            for aid, name in zip(track.artist_ids, track.artist_names, strict=True)
        ],
        "disc_number": 1,
        "duration_ms": track.duration_ms,
        "explicit": bool(track.explicit),
        "is_local": False,
        "name": track.name,
        "preview_url": None,
        "track_number": track.track_number,
    }
    if not dev_mode:
        obj["available_markets"] = list(MARKETS)
    return obj


def track_object(catalog: Catalog, track: Track, *, api: str, dev_mode: bool) -> JSON:
    """A full TrackObject (with its simplified album)."""
    obj = simplified_track(catalog, track, api=api, dev_mode=dev_mode)
    album = catalog.album(track.album_id)
    if album is not None:
        obj["album"] = simplified_album(catalog, album, api=api, dev_mode=dev_mode)
    obj["external_ids"] = {}
    if not dev_mode:
        obj["popularity"] = track.popularity
    return obj


def track_by_uri(catalog: Catalog, uri: str, *, api: str, dev_mode: bool) -> JSON | None:
    """The TrackObject of a ``spotify:track:`` URI, or None (unknown or not a track)."""
    kind, _, id = uri.removeprefix("spotify:").partition(":")
    track = catalog.track(id) if kind == "track" else None
    return track_object(catalog, track, api=api, dev_mode=dev_mode) if track else None


# -- users and playlists ------------------------------------------------------------------


def playlist_user(user_id: str, api: str, display_name: str | None = None) -> JSON:
    obj = _base("user", user_id, api)
    if display_name is not None:
        obj["display_name"] = display_name
    return obj


def _owner(playlist: Playlist, owner: User | None, api: str) -> JSON:
    return playlist_user(playlist.owner_id, api, owner.display_name if owner else None)


def simplified_playlist(
    playlist: Playlist, owner: User | None, *, api: str, dev_mode: bool
) -> JSON:
    ref = {"href": f"{api}/playlists/{playlist.id}/items", "total": len(playlist.entries)}
    obj: JSON = {
        **_base("playlist", playlist.id, api),
        "collaborative": playlist.collaborative,
        "description": playlist.description,
        "images": [],
        "items": ref,
        "name": playlist.name,
        "owner": _owner(playlist, owner, api),
        "public": playlist.public,
        "snapshot_id": playlist.snapshot_id,
    }
    if not dev_mode:
        obj["tracks"] = {"href": f"{api}/playlists/{playlist.id}/tracks", "total": ref["total"]}
    return obj


def playlist_entry(catalog: Catalog, entry: PlaylistEntry, *, api: str, dev_mode: bool) -> JSON:
    """A PlaylistTrackObject; ``item`` is null for a URI the catalog does not know."""
    item = track_by_uri(catalog, entry.uri, api=api, dev_mode=dev_mode)
    obj: JSON = {
        "added_at": iso_time(entry.added_at),
        "added_by": playlist_user(entry.added_by, api),
        "is_local": False,
        "item": item,
    }
    if not dev_mode:
        obj["track"] = item
    return obj


def playlist_items_page(
    catalog: Catalog,
    playlist: Playlist,
    *,
    api: str,
    dev_mode: bool,
    limit: int,
    offset: int,
) -> JSON:
    entries = playlist.entries[offset : offset + limit]
    return paging(
        f"{api}/playlists/{playlist.id}/items",
        [playlist_entry(catalog, e, api=api, dev_mode=dev_mode) for e in entries],
        total=len(playlist.entries),
        limit=limit,
        offset=offset,
    )


def playlist_object(
    catalog: Catalog,
    playlist: Playlist,
    owner: User | None,
    *,
    api: str,
    dev_mode: bool,
    with_items: bool,
    limit: int = 100,
) -> JSON:
    """A full PlaylistObject. ``with_items`` is False for playlists the caller neither owns
    nor collaborates on: Spotify then returns only the metadata (BEHAVIOR.md §6)."""
    obj = simplified_playlist(playlist, owner, api=api, dev_mode=dev_mode)
    obj["followers"] = {"href": None, "total": len(playlist.followers)}
    obj["items"] = (
        playlist_items_page(catalog, playlist, api=api, dev_mode=dev_mode, limit=limit, offset=0)
        if with_items
        else None
    )
    if obj["items"] is None:
        del obj["items"]
    if not dev_mode and with_items:
        obj["tracks"] = obj["items"]
    elif "tracks" in obj:
        del obj["tracks"]
    return obj


# -- paging -------------------------------------------------------------------------------


def page_url(url: str, offset: int, limit: int, extra: Sequence[tuple[str, str]] = ()) -> str:
    return f"{url}?{urlencode([('offset', offset), ('limit', limit), *extra])}"


def paging(
    url: str,
    items: Iterable[JSON | None],
    *,
    total: int,
    limit: int,
    offset: int,
    extra: Sequence[tuple[str, str]] = (),
) -> JSON:
    """A PagingObject whose ``href``/``next``/``previous`` repeat the request on ``url``."""
    return {
        "href": page_url(url, offset, limit, extra),
        "items": list(items),
        "limit": limit,
        "next": page_url(url, offset + limit, limit, extra) if offset + limit < total else None,
        "offset": offset,
        "previous": page_url(url, max(0, offset - limit), limit, extra) if offset > 0 else None,
        "total": total,
    }
