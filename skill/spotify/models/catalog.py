"""Catalog, profile, playlist and library objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from skill.spotify.models._read import (
    JSON,
    read_bool,
    read_int,
    read_list,
    read_obj,
    read_opt_int,
    read_opt_str,
    read_str,
    read_strings,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_json(cls, data: JSON) -> Image:
        return cls(
            url=read_str(data, "url"),
            width=read_opt_int(data, "width"),
            height=read_opt_int(data, "height"),
        )


def _images(data: JSON) -> tuple[Image, ...]:
    return tuple(Image.from_json(item) for item in read_list(data, "images"))


@dataclass(frozen=True)
class Artist:
    """A simplified or full artist (``genres``/``popularity`` only on full, often removed)."""

    id: str
    name: str
    uri: str
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    images: tuple[Image, ...] = ()

    @classmethod
    def from_json(cls, data: JSON) -> Artist:
        return cls(
            id=read_str(data, "id"),
            name=read_str(data, "name"),
            uri=read_str(data, "uri"),
            genres=read_strings(data, "genres"),
            popularity=read_opt_int(data, "popularity"),
            images=_images(data),
        )


def _artists(data: JSON) -> tuple[Artist, ...]:
    return tuple(Artist.from_json(item) for item in read_list(data, "artists"))


@dataclass(frozen=True)
class Album:
    """A simplified album (as nested in tracks and search results)."""

    id: str
    name: str
    uri: str
    album_type: str = ""
    artists: tuple[Artist, ...] = ()
    release_date: str | None = None
    total_tracks: int | None = None
    images: tuple[Image, ...] = ()

    @classmethod
    def from_json(cls, data: JSON) -> Album:
        return cls(
            id=read_str(data, "id"),
            name=read_str(data, "name"),
            uri=read_str(data, "uri"),
            album_type=read_str(data, "album_type"),
            artists=_artists(data),
            release_date=read_opt_str(data, "release_date"),
            total_tracks=read_opt_int(data, "total_tracks"),
            images=_images(data),
        )


@dataclass(frozen=True)
class Track:
    """A track (simplified tracks of an album carry no ``album``)."""

    id: str
    name: str
    uri: str
    duration_ms: int = 0
    artists: tuple[Artist, ...] = ()
    album: Album | None = None
    explicit: bool = False
    is_local: bool = False
    is_playable: bool | None = None
    track_number: int | None = None
    disc_number: int | None = None
    popularity: int | None = None
    isrc: str | None = None
    type: str = "track"

    @classmethod
    def from_json(cls, data: JSON) -> Track:
        album = read_obj(data, "album")
        external_ids = read_obj(data, "external_ids") or {}
        playable = data.get("is_playable")
        return cls(
            id=read_str(data, "id"),
            name=read_str(data, "name"),
            uri=read_str(data, "uri"),
            duration_ms=read_int(data, "duration_ms"),
            artists=_artists(data),
            album=Album.from_json(album) if album is not None else None,
            explicit=read_bool(data, "explicit"),
            is_local=read_bool(data, "is_local"),
            is_playable=playable if isinstance(playable, bool) else None,
            track_number=read_opt_int(data, "track_number"),
            disc_number=read_opt_int(data, "disc_number"),
            popularity=read_opt_int(data, "popularity"),
            isrc=read_opt_str(external_ids, "isrc"),
        )


@dataclass(frozen=True)
class Episode:
    """A podcast episode (what ``item`` holds when ``currently_playing_type`` is episode)."""

    id: str
    name: str
    uri: str
    duration_ms: int = 0
    show_name: str | None = None
    type: str = "episode"

    @classmethod
    def from_json(cls, data: JSON) -> Episode:
        show = read_obj(data, "show") or {}
        return cls(
            id=read_str(data, "id"),
            name=read_str(data, "name"),
            uri=read_str(data, "uri"),
            duration_ms=read_int(data, "duration_ms"),
            show_name=read_opt_str(show, "name"),
        )


Playable = Track | Episode


def parse_playable(data: JSON | None) -> Playable | None:
    """A track or an episode by its ``type`` (None for null or an unknown kind)."""
    if data is None:
        return None
    kind = data.get("type", "track")
    if kind == "episode":
        return Episode.from_json(data)
    if kind == "track":
        return Track.from_json(data)
    return None


@dataclass(frozen=True)
class Paging(Generic[T]):
    """An offset-paged list; ``total`` still counts ``null`` entries that were dropped."""

    items: tuple[T, ...]
    total: int = 0
    limit: int = 0
    offset: int = 0
    next: str | None = None
    previous: str | None = None
    href: str | None = None

    @classmethod
    def from_json(cls, data: JSON, parse: Callable[[JSON], T | None]) -> Paging[T]:
        parsed = (parse(item) for item in read_list(data, "items"))
        items = tuple(item for item in parsed if item is not None)
        return cls(
            items=items,
            total=read_int(data, "total", len(items)),
            limit=read_int(data, "limit"),
            offset=read_int(data, "offset"),
            next=read_opt_str(data, "next"),
            previous=read_opt_str(data, "previous"),
            href=read_opt_str(data, "href"),
        )


@dataclass(frozen=True)
class User:
    """A public user (playlist owner, ``added_by``)."""

    id: str
    display_name: str | None = None
    uri: str = ""

    @classmethod
    def from_json(cls, data: JSON) -> User:
        return cls(
            id=read_str(data, "id"),
            display_name=read_opt_str(data, "display_name"),
            uri=read_str(data, "uri"),
        )


@dataclass(frozen=True)
class Me(User):
    """``GET /me``. ``account_id`` (May 2026) is the link key; ``country``, ``product`` and
    ``email`` are gone for development-mode apps, so Premium cannot be pre-checked."""

    account_id: str | None = None
    country: str | None = None
    product: str | None = None
    email: str | None = None

    @classmethod
    def from_json(cls, data: JSON) -> Me:
        return cls(
            id=read_str(data, "id"),
            display_name=read_opt_str(data, "display_name"),
            uri=read_str(data, "uri"),
            account_id=read_opt_str(data, "account_id"),
            country=read_opt_str(data, "country"),
            product=read_opt_str(data, "product"),
            email=read_opt_str(data, "email"),
        )


@dataclass(frozen=True)
class PlaylistEntry:
    """One entry of a playlist: ``item`` (2026) or the deprecated ``track``; None when the
    track is unavailable."""

    item: Playable | None
    added_at: str | None = None
    added_by: str | None = None
    is_local: bool = False

    @classmethod
    def from_json(cls, data: JSON) -> PlaylistEntry:
        item = read_obj(data, "item") or read_obj(data, "track")
        added_by = read_obj(data, "added_by") or {}
        return cls(
            item=parse_playable(item),
            added_at=read_opt_str(data, "added_at"),
            added_by=read_opt_str(added_by, "id"),
            is_local=read_bool(data, "is_local"),
        )


@dataclass(frozen=True)
class Playlist:
    """A simplified or full playlist. ``entries`` is set only on ``GET /playlists/{id}``
    for playlists the user owns or collaborates on; ``total_items`` comes from ``items``
    (2026) or the deprecated ``tracks`` reference."""

    id: str
    name: str
    uri: str
    owner: User | None = None
    public: bool | None = None
    collaborative: bool = False
    description: str | None = None
    snapshot_id: str | None = None
    total_items: int | None = None
    images: tuple[Image, ...] = ()
    entries: Paging[PlaylistEntry] | None = None

    @classmethod
    def from_json(cls, data: JSON) -> Playlist:
        items = read_obj(data, "items") or read_obj(data, "tracks")
        owner = read_obj(data, "owner")
        public = data.get("public")
        entries = None
        if items is not None and isinstance(items.get("items"), list):
            entries = Paging.from_json(items, PlaylistEntry.from_json)
        return cls(
            id=read_str(data, "id"),
            name=read_str(data, "name"),
            uri=read_str(data, "uri"),
            owner=User.from_json(owner) if owner is not None else None,
            public=public if isinstance(public, bool) else None,
            collaborative=read_bool(data, "collaborative"),
            description=read_opt_str(data, "description"),
            snapshot_id=read_opt_str(data, "snapshot_id"),
            total_items=read_opt_int(items, "total") if items is not None else None,
            images=_images(data),
            entries=entries,
        )


@dataclass(frozen=True)
class SavedTrack:
    """An entry of ``GET /me/tracks``."""

    track: Track
    added_at: str | None = None

    @classmethod
    def from_json(cls, data: JSON) -> SavedTrack | None:
        track = read_obj(data, "track") or read_obj(data, "item")
        if track is None:
            return None
        return cls(track=Track.from_json(track), added_at=read_opt_str(data, "added_at"))


@dataclass(frozen=True)
class SearchResult:
    """One paging object per requested type; the others are None."""

    tracks: Paging[Track] | None = None
    artists: Paging[Artist] | None = None
    albums: Paging[Album] | None = None
    playlists: Paging[Playlist] | None = None

    @classmethod
    def from_json(cls, data: JSON) -> SearchResult:
        def page(key: str, parse: Callable[[JSON], T]) -> Paging[T] | None:
            body = read_obj(data, key)
            return Paging.from_json(body, parse) if body is not None else None

        return cls(
            tracks=page("tracks", Track.from_json),
            artists=page("artists", Artist.from_json),
            albums=page("albums", Album.from_json),
            playlists=page("playlists", Playlist.from_json),
        )
