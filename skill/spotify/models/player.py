"""Player (Spotify Connect) objects: devices, playback state, queue, history."""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.spotify.models._read import (
    JSON,
    read_bool,
    read_int,
    read_list,
    read_obj,
    read_opt_int,
    read_opt_str,
    read_str,
)
from skill.spotify.models.catalog import Playable, Track, parse_playable


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
            id=read_opt_str(data, "id"),
            name=read_str(data, "name"),
            type=read_str(data, "type", "Unknown"),
            is_active=read_bool(data, "is_active"),
            is_private_session=read_bool(data, "is_private_session"),
            is_restricted=read_bool(data, "is_restricted"),
            volume_percent=read_opt_int(data, "volume_percent"),
            supports_volume=read_bool(data, "supports_volume"),
        )


@dataclass(frozen=True)
class Context:
    """What is being played from (album, artist, playlist, show)."""

    type: str
    uri: str

    @classmethod
    def from_json(cls, data: JSON) -> Context:
        return cls(type=read_str(data, "type"), uri=read_str(data, "uri"))


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
        device = read_obj(data, "device")
        context = read_obj(data, "context")
        actions = read_obj(data, "actions") or {}
        flags = read_obj(actions, "disallows") or actions
        return cls(
            is_playing=read_bool(data, "is_playing"),
            item=parse_playable(read_obj(data, "item")),
            device=Device.from_json(device) if device is not None else None,
            context=Context.from_json(context) if context is not None else None,
            progress_ms=read_opt_int(data, "progress_ms"),
            timestamp=read_opt_int(data, "timestamp"),
            repeat_state=read_str(data, "repeat_state", "off"),
            shuffle_state=read_bool(data, "shuffle_state"),
            currently_playing_type=read_str(data, "currently_playing_type", "unknown"),
            disallows=frozenset(key for key, value in flags.items() if value is True),
        )


@dataclass(frozen=True)
class Queue:
    """``GET /me/player/queue``: the current item and what comes next (about 20)."""

    currently_playing: Playable | None
    queue: tuple[Playable, ...] = ()

    @classmethod
    def from_json(cls, data: JSON) -> Queue:
        parsed = (parse_playable(item) for item in read_list(data, "queue"))
        return cls(
            currently_playing=parse_playable(read_obj(data, "currently_playing")),
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
        track = read_obj(data, "track") or read_obj(data, "item")
        if track is None:
            return None
        context = read_obj(data, "context")
        return cls(
            track=Track.from_json(track),
            played_at=read_opt_str(data, "played_at"),
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
        cursors = read_obj(data, "cursors") or {}
        parsed = (PlayHistory.from_json(item) for item in read_list(data, "items"))
        return cls(
            items=tuple(item for item in parsed if item is not None),
            next=read_opt_str(data, "next"),
            after=read_opt_str(cursors, "after"),
            before=read_opt_str(cursors, "before"),
            limit=read_int(data, "limit"),
        )
