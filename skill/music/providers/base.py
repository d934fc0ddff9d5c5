"""The small protocol the orchestrator drives: what a music provider must be able to do.

Spotify (``providers.spotify``) is the first provider; a Home Assistant media-player provider
comes later and implements the same operations. The types here are provider-neutral value
objects: the orchestrator never sees a Spotify model.

Every method takes the service user first and raises ``skill.errors`` classes only.
Write operations (everything that changes the player, the library or a playlist) are listed
in :data:`WRITE_OPERATIONS`; the orchestrator notes when one was sent, which decides whether
a failed idempotent command may run again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

RepeatMode = Literal["off", "track", "context"]

WRITE_OPERATIONS = frozenset({
    "transfer", "play", "resume", "pause", "next", "previous", "seek", "set_volume",
    "set_shuffle", "set_repeat", "add_to_queue", "save", "remove", "add_to_playlist",
    "create_playlist",
})


@dataclass(frozen=True)
class DeviceInfo:
    """A place to play: a speaker, a TV, a phone."""

    id: str | None
    name: str
    type: str = "Unknown"
    is_active: bool = False
    is_restricted: bool = False
    """Accepts no remote commands at all."""
    supports_volume: bool = True
    volume_percent: int | None = None


@dataclass(frozen=True)
class ItemInfo:
    """A playable item (track or episode), or a context described by its URI."""

    uri: str
    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    duration_ms: int = 0
    items: int | None = None
    """For an album or a playlist: the tracks it holds (None: not said)."""


@dataclass(frozen=True)
class PlaybackInfo:
    """The player as the provider reports it."""

    is_playing: bool
    item: ItemInfo | None = None
    device: DeviceInfo | None = None
    context_uri: str | None = None
    progress_ms: int | None = None
    shuffle: bool = False
    repeat: str = "off"


@dataclass(frozen=True)
class PlaylistInfo:
    id: str
    uri: str
    name: str
    owner_id: str | None = None
    collaborative: bool = False


@dataclass(frozen=True)
class AccountInfo:
    """The linked account: who it is and what it may do."""

    user_uri: str | None
    """The account's own URI (``spotify:user:<id>``), used for the liked-songs context."""
    product: str | None
    """``premium``, ``free``, ... or None when the provider does not say."""
    display_name: str | None = None

    @property
    def can_control_playback(self) -> bool:
        return self.product is None or self.product == "premium"


class MusicProvider(Protocol):
    """The operations of a provider, as the orchestrator needs them."""

    name: str

    async def account(self, user_id: str) -> AccountInfo: ...

    async def describe(self, user_id: str, uri: str) -> ItemInfo:
        """The name (and artists, album; for an album or playlist the tracks it holds) of a
        track, album, artist or playlist URI."""
        ...

    async def devices(self, user_id: str) -> list[DeviceInfo]: ...

    async def playback(self, user_id: str) -> PlaybackInfo | None:
        """None when nothing is active."""
        ...

    async def transfer(self, user_id: str, device_id: str, *, play: bool | None = None) -> None: ...

    async def play(
        self,
        user_id: str,
        *,
        device_id: str | None,
        context_uri: str | None = None,
        uris: Sequence[str] | None = None,
    ) -> None: ...

    async def resume(self, user_id: str, *, device_id: str | None) -> None: ...

    async def pause(self, user_id: str, *, device_id: str | None) -> None: ...

    async def next(self, user_id: str, *, device_id: str | None) -> None: ...

    async def previous(self, user_id: str, *, device_id: str | None) -> None: ...

    async def seek(self, user_id: str, position_ms: int, *, device_id: str | None) -> None: ...

    async def set_volume(self, user_id: str, percent: int, *, device_id: str | None) -> None: ...

    async def set_shuffle(self, user_id: str, state: bool, *, device_id: str | None) -> None: ...

    async def set_repeat(
        self, user_id: str, state: RepeatMode, *, device_id: str | None
    ) -> None: ...

    async def add_to_queue(self, user_id: str, uri: str, *, device_id: str | None) -> None: ...

    async def save(self, user_id: str, uris: Sequence[str]) -> None:
        """Like (save to the library)."""
        ...

    async def remove(self, user_id: str, uris: Sequence[str]) -> None:
        """Unlike (remove from the library)."""
        ...

    async def playlists(self, user_id: str) -> list[PlaylistInfo]:
        """The user's own and followed playlists."""
        ...

    async def add_to_playlist(self, user_id: str, playlist_id: str, uris: Sequence[str]) -> None:
        ...

    async def create_playlist(self, user_id: str, name: str) -> PlaylistInfo: ...
