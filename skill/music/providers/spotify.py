"""The Spotify provider: :class:`MusicProvider` over :class:`SpotifyClient`.

A thin adapter: Spotify's models become the provider-neutral value objects of
``providers.base``; every policy (deadlines, retries, rate limits, translation of failures)
stays in the client.
"""

from __future__ import annotations

from collections.abc import Sequence

from skill.errors import InvalidRequest
from skill.music.providers.base import (
    AccountInfo,
    DeviceInfo,
    ItemInfo,
    PlaybackInfo,
    PlaylistInfo,
    RepeatMode,
)
from skill.spotify.client import SpotifyClient
from skill.spotify.models import Device, Episode, PlaybackState, Playlist, Track

PLAYLIST_PAGE = 50
MAX_PLAYLIST_PAGES = 4
"""Read at most 200 of the user's playlists (voice matching needs no more)."""


def device_info(device: Device) -> DeviceInfo:
    return DeviceInfo(
        id=device.id,
        name=device.name,
        type=device.type,
        is_active=device.is_active,
        is_restricted=device.is_restricted,
        supports_volume=device.supports_volume,
        volume_percent=device.volume_percent,
    )


def item_info(item: Track | Episode) -> ItemInfo:
    if isinstance(item, Episode):
        return ItemInfo(item.uri, item.name, (), item.show_name, item.duration_ms)
    return ItemInfo(
        uri=item.uri,
        name=item.name,
        artists=tuple(a.name for a in item.artists),
        album=item.album.name if item.album is not None else None,
        duration_ms=item.duration_ms,
    )


def playback_info(state: PlaybackState) -> PlaybackInfo:
    return PlaybackInfo(
        is_playing=state.is_playing,
        item=item_info(state.item) if state.item is not None else None,
        device=device_info(state.device) if state.device is not None else None,
        context_uri=state.context.uri if state.context is not None else None,
        progress_ms=state.progress_ms,
        shuffle=state.shuffle_state,
        repeat=state.repeat_state,
    )


def playlist_info(playlist: Playlist) -> PlaylistInfo:
    return PlaylistInfo(
        id=playlist.id,
        uri=playlist.uri,
        name=playlist.name,
        owner_id=playlist.owner.id if playlist.owner is not None else None,
        collaborative=playlist.collaborative,
    )


class SpotifyProvider:
    """Spotify Connect playback, library and playlists for linked users."""

    name = "spotify"

    def __init__(self, client: SpotifyClient) -> None:
        self.client = client

    async def account(self, user_id: str) -> AccountInfo:
        me = await self.client.me(user_id)
        uri = me.uri or (f"spotify:user:{me.id}" if me.id else None)
        return AccountInfo(user_uri=uri, product=me.product, display_name=me.display_name)

    async def describe(self, user_id: str, uri: str) -> ItemInfo:
        parts = uri.split(":")
        kind, item_id = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        if kind == "track":
            return item_info(await self.client.track(user_id, item_id))
        if kind == "album":
            album = await self.client.album(user_id, item_id)
            artists = tuple(a.name for a in album.artists)
            return ItemInfo(album.uri, album.name, artists, items=album.total_tracks)
        if kind == "artist":
            artist = await self.client.artist(user_id, item_id)
            return ItemInfo(artist.uri, artist.name)
        if kind == "playlist":
            playlist = await self.client.playlist(user_id, item_id)
            return ItemInfo(playlist.uri, playlist.name, items=playlist.total_items)
        if uri.endswith(":collection"):
            return ItemInfo(uri, "Liked Songs")
        raise InvalidRequest("Spotify cannot describe that kind of URI.", details={"uri": uri})

    async def devices(self, user_id: str) -> list[DeviceInfo]:
        return [device_info(d) for d in await self.client.devices(user_id)]

    async def playback(self, user_id: str) -> PlaybackInfo | None:
        state = await self.client.get_playback_state(user_id)
        return None if state is None else playback_info(state)

    async def transfer(self, user_id: str, device_id: str, *, play: bool | None = None) -> None:
        await self.client.transfer(user_id, device_id, play=play)

    async def play(
        self,
        user_id: str,
        *,
        device_id: str | None,
        context_uri: str | None = None,
        uris: Sequence[str] | None = None,
    ) -> None:
        await self.client.play(user_id, device_id=device_id, context_uri=context_uri, uris=uris)

    async def resume(self, user_id: str, *, device_id: str | None) -> None:
        await self.client.resume(user_id, device_id=device_id)

    async def pause(self, user_id: str, *, device_id: str | None) -> None:
        await self.client.pause(user_id, device_id=device_id)

    async def next(self, user_id: str, *, device_id: str | None) -> None:
        await self.client.next(user_id, device_id=device_id)

    async def previous(self, user_id: str, *, device_id: str | None) -> None:
        await self.client.previous(user_id, device_id=device_id)

    async def seek(self, user_id: str, position_ms: int, *, device_id: str | None) -> None:
        await self.client.seek(user_id, position_ms, device_id=device_id)

    async def set_volume(self, user_id: str, percent: int, *, device_id: str | None) -> None:
        await self.client.volume(user_id, percent, device_id=device_id)

    async def set_shuffle(self, user_id: str, state: bool, *, device_id: str | None) -> None:
        await self.client.shuffle(user_id, state, device_id=device_id)

    async def set_repeat(self, user_id: str, state: RepeatMode, *, device_id: str | None) -> None:
        await self.client.repeat(user_id, state, device_id=device_id)

    async def add_to_queue(self, user_id: str, uri: str, *, device_id: str | None) -> None:
        await self.client.queue_add(user_id, uri, device_id=device_id)

    async def save(self, user_id: str, uris: Sequence[str]) -> None:
        await self.client.save_to_library(user_id, uris)

    async def remove(self, user_id: str, uris: Sequence[str]) -> None:
        await self.client.remove_from_library(user_id, uris)

    async def playlists(self, user_id: str) -> list[PlaylistInfo]:
        found: list[PlaylistInfo] = []
        for page in range(MAX_PLAYLIST_PAGES):
            paging = await self.client.my_playlists(
                user_id, limit=PLAYLIST_PAGE, offset=page * PLAYLIST_PAGE
            )
            found.extend(playlist_info(p) for p in paging.items)
            if paging.next is None or len(paging.items) < PLAYLIST_PAGE:
                break
        return found

    async def add_to_playlist(self, user_id: str, playlist_id: str, uris: Sequence[str]) -> None:
        await self.client.add_playlist_items(user_id, playlist_id, uris)

    async def create_playlist(self, user_id: str, name: str) -> PlaylistInfo:
        return playlist_info(await self.client.create_playlist(user_id, name))
