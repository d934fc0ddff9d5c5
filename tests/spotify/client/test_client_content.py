"""Search and catalog endpoints against the sandbox's real catalog."""

from __future__ import annotations

import pytest

from skill.errors import InvalidRequest, NotFound
from skill.spotify.client import SpotifyClient
from tests.spotify.client.conftest import ClientFactory, Control


async def test_search_and_follow_the_catalog(client: SpotifyClient, control: Control) -> None:
    result = await client.search("alice", "abba", ["track", "artist", "album", "playlist"])
    assert result.tracks is not None and 0 < len(result.tracks.items) <= 10
    assert result.tracks.limit == 10
    assert result.artists is not None and result.albums is not None
    assert result.playlists is not None
    assert all(item is not None for item in result.playlists.items)

    track = result.tracks.items[0]
    assert track.uri.startswith("spotify:track:") and track.duration_ms > 0
    again = await client.track("alice", track.id)
    assert again.uri == track.uri and again.album is not None

    album = await client.album("alice", again.album.id)
    assert album.id == again.album.id and album.name
    album_tracks = await client.album_tracks("alice", album.id, limit=10)
    assert track.id in [t.id for t in album_tracks.items] or album_tracks.total > 10

    artist = await client.artist("alice", track.artists[0].id)
    assert artist.name == track.artists[0].name
    albums = await client.artist_albums("alice", artist.id, limit=10)
    assert 0 < len(albums.items) <= 10


async def test_search_field_filters(client: SpotifyClient, control: Control) -> None:
    result = await client.search("alice", 'track:"Dancing Queen" artist:ABBA', ["track"], limit=5)
    assert result.tracks is not None and len(result.tracks.items) <= 5
    assert result.artists is None


async def test_limits_are_checked_before_sending(client: SpotifyClient, control: Control) -> None:
    with pytest.raises(InvalidRequest):
        await client.search("alice", "abba", ["track"], limit=11)
    with pytest.raises(InvalidRequest):
        await client.search("alice", "abba", ["video"])
    with pytest.raises(InvalidRequest):
        await client.search("alice", "   ")
    with pytest.raises(InvalidRequest):
        await client.artist_albums("alice", "x", limit=20)
    assert await control.api_requests() == 0


async def test_extended_quota_apps_may_ask_for_more(
    make_client: ClientFactory, control: Control
) -> None:
    await control.config(api_mode="extended")
    client = make_client(search_limit_max=50)
    result = await client.search("alice", "love", ["track"], limit=50)
    assert result.tracks is not None and result.tracks.limit == 50


async def test_unknown_ids_are_not_found(client: SpotifyClient, control: Control) -> None:
    with pytest.raises(NotFound):
        await client.track("alice", "0000000000000000000000")
