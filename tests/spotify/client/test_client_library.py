"""Playlists (2026 ``/items`` paths) and the library (``/me/library``) against the sandbox."""

from __future__ import annotations

import pytest

from skill.errors import InvalidRequest, UpstreamTimeout
from skill.spotify.client import SpotifyClient
from skill.spotify.models import Track
from tests.spotify.client.conftest import ClientFactory, Control

TRACKS = [
    "spotify:track:2374M0fQpWi3dLnB54qaLX",
    "spotify:track:2WfaOiMkCvy7F5fcp2zZ8L",
    "spotify:track:1f3yAtsJtY87CTmM8RLnxf",
]


async def test_my_playlists_and_their_items(client: SpotifyClient, control: Control) -> None:
    page = await client.my_playlists("alice", limit=20)
    names = {p.name for p in page.items}
    assert {"Road Trip", "Dinner Jazz"} <= names
    road = next(p for p in page.items if p.name == "Road Trip")
    assert road.total_items == 5 and road.owner is not None and road.owner.id == "demo"

    full = await client.playlist("alice", road.id)
    assert full.id == road.id and full.entries is not None
    items = await client.playlist_items("alice", road.id, limit=50)
    assert items.total == 5
    assert all(isinstance(entry.item, Track) for entry in items.items)
    assert items.items[0].added_at


async def test_create_fill_reorder_and_empty_a_playlist(
    client: SpotifyClient, control: Control
) -> None:
    created = await client.create_playlist("alice", "Skill Test", description="from the client")
    assert created.name == "Skill Test" and created.public is False
    snapshot = await client.add_playlist_items("alice", created.id, TRACKS)
    assert snapshot
    snapshot = await client.add_playlist_items("alice", created.id, TRACKS[:1], position=0)
    items = await client.playlist_items("alice", created.id)
    assert [e.item.uri for e in items.items if e.item] == [TRACKS[0], *TRACKS]

    snapshot = await client.reorder_playlist_items(
        "alice", created.id, range_start=0, insert_before=4, snapshot_id=snapshot
    )
    items = await client.playlist_items("alice", created.id)
    assert [e.item.uri for e in items.items if e.item] == [*TRACKS, TRACKS[0]]

    await client.remove_playlist_items("alice", created.id, [TRACKS[0]])
    items = await client.playlist_items("alice", created.id)
    assert [e.item.uri for e in items.items if e.item] == TRACKS[1:]

    await client.replace_playlist_items("alice", created.id, TRACKS[::-1])
    items = await client.playlist_items("alice", created.id)
    assert [e.item.uri for e in items.items if e.item] == TRACKS[::-1]
    await client.replace_playlist_items("alice", created.id, [])
    assert (await client.playlist_items("alice", created.id)).total == 0

    await client.change_playlist("alice", created.id, name="Renamed", description="new")
    assert (await client.playlist("alice", created.id)).name == "Renamed"


async def test_creating_a_playlist_is_never_repeated_after_a_timeout(
    make_client: ClientFactory, control: Control
) -> None:
    client = make_client(attempt_timeout=0.3)
    await control.fault(path="/v1/me/playlists", method="POST", latency_ms=1000, count=1)
    with pytest.raises(UpstreamTimeout):
        await client.create_playlist("alice", "Only Once")
    assert await control.api_requests("/v1/me/playlists") == 1


async def test_the_library(client: SpotifyClient, control: Control) -> None:
    liked = await client.saved_tracks("alice", limit=10)
    assert liked.total == 4 and all(isinstance(s.track, Track) for s in liked.items)
    new = [TRACKS[0], TRACKS[1]]
    assert await client.library_contains("alice", new) == [False, False]
    await client.save_to_library("alice", new)
    assert await client.library_contains("alice", new) == [True, True]
    await client.remove_from_library("alice", new[:1])
    assert await client.library_contains("alice", new) == [False, True]
    assert (await client.saved_tracks("alice")).total == 5


async def test_library_arguments_are_checked_before_sending(
    client: SpotifyClient, control: Control
) -> None:
    for bad in (
        [],
        [f"spotify:track:{n:022d}" for n in range(41)],
        ["not-a-uri"],
        ["spotify:video:1"],
    ):
        with pytest.raises(InvalidRequest):
            await client.save_to_library("alice", bad)
    with pytest.raises(InvalidRequest):
        await client.save_to_library("alice", "spotify:track:x")
    with pytest.raises(InvalidRequest):
        await client.add_playlist_items("alice", "p", [f"spotify:track:{n}" for n in range(101)])
    with pytest.raises(InvalidRequest):
        await client.create_playlist("alice", "  ")
    with pytest.raises(InvalidRequest):
        await client.change_playlist("alice", "p")
    assert await control.api_requests() == 0
