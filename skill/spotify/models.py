"""Typed, tolerant models of the Web API objects the skill reads.

Every parser takes the decoded JSON, ignores fields it does not know, treats deprecated or
removed fields (``popularity``, ``genres``, ``available_markets``, ``country``, ``product`` …)
as optional, and reads both the 2026 names and the old ones (``items``/``tracks`` on
playlists, ``item``/``track`` on playlist entries). ``null`` entries in lists (hidden
Spotify-owned playlists in search results) are dropped. A malformed field becomes its
default rather than an exception: Spotify adds and removes fields without notice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
JSON = Mapping[str, Any]


def _str(data: JSON, key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) else default


def _opt_str(data: JSON, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: JSON, key: str, default: int = 0) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _opt_int(data: JSON, key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(data: JSON, key: str, default: bool = False) -> bool:
    value = data.get(key)
    return value if isinstance(value, bool) else default


def _obj(data: JSON, key: str) -> JSON | None:
    value = data.get(key)
    return value if isinstance(value, Mapping) else None


def _list(data: JSON, key: str) -> list[JSON]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _strings(data: JSON, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


@dataclass(frozen=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_json(cls, data: JSON) -> Image:
        return cls(
            url=_str(data, "url"), width=_opt_int(data, "width"), height=_opt_int(data, "height")
        )


def _images(data: JSON) -> tuple[Image, ...]:
    return tuple(Image.from_json(item) for item in _list(data, "images"))


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
            id=_str(data, "id"),
            name=_str(data, "name"),
            uri=_str(data, "uri"),
            genres=_strings(data, "genres"),
            popularity=_opt_int(data, "popularity"),
            images=_images(data),
        )


def _artists(data: JSON) -> tuple[Artist, ...]:
    return tuple(Artist.from_json(item) for item in _list(data, "artists"))


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
            id=_str(data, "id"),
            name=_str(data, "name"),
            uri=_str(data, "uri"),
            album_type=_str(data, "album_type"),
            artists=_artists(data),
            release_date=_opt_str(data, "release_date"),
            total_tracks=_opt_int(data, "total_tracks"),
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
        album = _obj(data, "album")
        external_ids = _obj(data, "external_ids") or {}
        playable = data.get("is_playable")
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            uri=_str(data, "uri"),
            duration_ms=_int(data, "duration_ms"),
            artists=_artists(data),
            album=Album.from_json(album) if album is not None else None,
            explicit=_bool(data, "explicit"),
            is_local=_bool(data, "is_local"),
            is_playable=playable if isinstance(playable, bool) else None,
            track_number=_opt_int(data, "track_number"),
            disc_number=_opt_int(data, "disc_number"),
            popularity=_opt_int(data, "popularity"),
            isrc=_opt_str(external_ids, "isrc"),
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
        show = _obj(data, "show") or {}
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            uri=_str(data, "uri"),
            duration_ms=_int(data, "duration_ms"),
            show_name=_opt_str(show, "name"),
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
        parsed = (parse(item) for item in _list(data, "items"))
        items = tuple(item for item in parsed if item is not None)
        return cls(
            items=items,
            total=_int(data, "total", len(items)),
            limit=_int(data, "limit"),
            offset=_int(data, "offset"),
            next=_opt_str(data, "next"),
            previous=_opt_str(data, "previous"),
            href=_opt_str(data, "href"),
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
            id=_str(data, "id"),
            display_name=_opt_str(data, "display_name"),
            uri=_str(data, "uri"),
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
            id=_str(data, "id"),
            display_name=_opt_str(data, "display_name"),
            uri=_str(data, "uri"),
            account_id=_opt_str(data, "account_id"),
            country=_opt_str(data, "country"),
            product=_opt_str(data, "product"),
            email=_opt_str(data, "email"),
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
        item = _obj(data, "item") or _obj(data, "track")
        added_by = _obj(data, "added_by") or {}
        return cls(
            item=parse_playable(item),
            added_at=_opt_str(data, "added_at"),
            added_by=_opt_str(added_by, "id"),
            is_local=_bool(data, "is_local"),
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
        items = _obj(data, "items") or _obj(data, "tracks")
        owner = _obj(data, "owner")
        public = data.get("public")
        entries = None
        if items is not None and isinstance(items.get("items"), list):
            entries = Paging.from_json(items, PlaylistEntry.from_json)
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            uri=_str(data, "uri"),
            owner=User.from_json(owner) if owner is not None else None,
            public=public if isinstance(public, bool) else None,
            collaborative=_bool(data, "collaborative"),
            description=_opt_str(data, "description"),
            snapshot_id=_opt_str(data, "snapshot_id"),
            total_items=_opt_int(items, "total") if items is not None else None,
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
        track = _obj(data, "track") or _obj(data, "item")
        if track is None:
            return None
        return cls(track=Track.from_json(track), added_at=_opt_str(data, "added_at"))


@dataclass(frozen=True)
class Device:
    """A Spotify Connect device. ``id`` and ``volume_percent`` may be null; ``type`` is an
    open-ended string (``Computer``, ``Smartphone``, ``Speaker``, ``CastAudio`` …)."""

    id: str | None
    name: str
    type: str = "Unknown"
    is_active: bool = False
    is_private_session: bool = False
    is_restricted: bool = False
    volume_percent: int | None = None
    supports_volume: bool = False

    @classmethod
    def from_json(cls, data: JSON) -> Device:
        return cls(
            id=_opt_str(data, "id"),
            name=_str(data, "name"),
            type=_str(data, "type", "Unknown"),
            is_active=_bool(data, "is_active"),
            is_private_session=_bool(data, "is_private_session"),
            is_restricted=_bool(data, "is_restricted"),
            volume_percent=_opt_int(data, "volume_percent"),
            supports_volume=_bool(data, "supports_volume"),
        )


@dataclass(frozen=True)
class Context:
    """What is being played from (album, artist, playlist, show)."""

    type: str
    uri: str

    @classmethod
    def from_json(cls, data: JSON) -> Context:
        return cls(type=_str(data, "type"), uri=_str(data, "uri"))


@dataclass(frozen=True)
class PlaybackState:
    """``GET /me/player`` or ``/me/player/currently-playing`` (the latter has no device,
    repeat or shuffle). ``disallows`` holds the actions flagged true in
    ``actions.disallows`` (read flat ``actions`` too, as the OpenAPI draws it)."""

    is_playing: bool
    item: Playable | None = None
    device: Device | None = None
    context: Context | None = None
    progress_ms: int | None = None
    timestamp: int | None = None
    repeat_state: str = "off"
    shuffle_state: bool = False
    currently_playing_type: str = "unknown"
    disallows: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_json(cls, data: JSON) -> PlaybackState:
        device = _obj(data, "device")
        context = _obj(data, "context")
        actions = _obj(data, "actions") or {}
        flags = _obj(actions, "disallows") or actions
        return cls(
            is_playing=_bool(data, "is_playing"),
            item=parse_playable(_obj(data, "item")),
            device=Device.from_json(device) if device is not None else None,
            context=Context.from_json(context) if context is not None else None,
            progress_ms=_opt_int(data, "progress_ms"),
            timestamp=_opt_int(data, "timestamp"),
            repeat_state=_str(data, "repeat_state", "off"),
            shuffle_state=_bool(data, "shuffle_state"),
            currently_playing_type=_str(data, "currently_playing_type", "unknown"),
            disallows=frozenset(key for key, value in flags.items() if value is True),
        )


@dataclass(frozen=True)
class Queue:
    """``GET /me/player/queue``: the current item and what comes next (about 20)."""

    currently_playing: Playable | None
    queue: tuple[Playable, ...] = ()

    @classmethod
    def from_json(cls, data: JSON) -> Queue:
        parsed = (parse_playable(item) for item in _list(data, "queue"))
        return cls(
            currently_playing=parse_playable(_obj(data, "currently_playing")),
            queue=tuple(item for item in parsed if item is not None),
        )


@dataclass(frozen=True)
class PlayHistory:
    """An entry of ``GET /me/player/recently-played``."""

    track: Track
    played_at: str | None = None
    context: Context | None = None

    @classmethod
    def from_json(cls, data: JSON) -> PlayHistory | None:
        track = _obj(data, "track") or _obj(data, "item")
        if track is None:
            return None
        context = _obj(data, "context")
        return cls(
            track=Track.from_json(track),
            played_at=_opt_str(data, "played_at"),
            context=Context.from_json(context) if context is not None else None,
        )


@dataclass(frozen=True)
class RecentlyPlayed:
    """Cursor-paged play history (``cursors.after``/``before`` instead of offsets)."""

    items: tuple[PlayHistory, ...]
    next: str | None = None
    after: str | None = None
    before: str | None = None
    limit: int = 0

    @classmethod
    def from_json(cls, data: JSON) -> RecentlyPlayed:
        cursors = _obj(data, "cursors") or {}
        parsed = (PlayHistory.from_json(item) for item in _list(data, "items"))
        return cls(
            items=tuple(item for item in parsed if item is not None),
            next=_opt_str(data, "next"),
            after=_opt_str(cursors, "after"),
            before=_opt_str(cursors, "before"),
            limit=_int(data, "limit"),
        )


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
            body = _obj(data, key)
            return Paging.from_json(body, parse) if body is not None else None

        return cls(
            tracks=page("tracks", Track.from_json),
            artists=page("artists", Artist.from_json),
            albums=page("albums", Album.from_json),
            playlists=page("playlists", Playlist.from_json),
        )
