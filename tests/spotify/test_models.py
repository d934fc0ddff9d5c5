"""The tolerant Web API models: unknown fields ignored, deprecated ones optional, both the
2026 and the old names read, null entries dropped."""

from __future__ import annotations

from typing import Any

from skill.spotify.models import (
    Device,
    Episode,
    Me,
    Paging,
    PlaybackState,
    Playlist,
    PlaylistEntry,
    Queue,
    RecentlyPlayed,
    SavedTrack,
    SearchResult,
    Track,
)

TRACK: dict[str, Any] = {
    "type": "track",
    "id": "4iV5W9uYEdYUVa79Axb7Rh",
    "uri": "spotify:track:4iV5W9uYEdYUVa79Axb7Rh",
    "name": "Doxy",
    "duration_ms": 215000,
    "artists": [{"id": "a1", "name": "Miles Davis", "uri": "spotify:artist:a1"}],
    "album": {
        "id": "al1",
        "name": "Bags' Groove",
        "uri": "spotify:album:al1",
        "album_type": "album",
        "release_date": "1957",
        "brand_new_field": {"x": 1},
    },
    "is_local": False,
    "external_ids": {"isrc": "USPR37300012"},
    "some_2027_field": [1, 2, 3],
}


def test_track_reads_known_fields_and_ignores_the_rest() -> None:
    track = Track.from_json(TRACK)
    assert track.name == "Doxy" and track.duration_ms == 215000
    assert track.artists[0].name == "Miles Davis"
    assert track.album is not None and track.album.release_date == "1957"
    assert track.isrc == "USPR37300012"
    assert track.popularity is None  # removed for development mode


def test_track_survives_missing_and_mistyped_fields() -> None:
    track = Track.from_json({"id": "x", "name": None, "duration_ms": "long", "artists": [None, 3]})
    assert track.id == "x" and track.name == "" and track.duration_ms == 0
    assert track.artists == () and track.album is None


def test_playback_state_with_disallows_wrapper_and_flat_actions() -> None:
    body = {
        "device": {
            "id": None,
            "name": "Kitchen",
            "type": "Speaker",
            "is_active": True,
            "volume_percent": None,
            "supports_volume": True,
        },
        "repeat_state": "context",
        "shuffle_state": True,
        "context": {"type": "playlist", "uri": "spotify:playlist:p"},
        "timestamp": 1767225600000,
        "progress_ms": 42000,
        "is_playing": True,
        "item": TRACK,
        "currently_playing_type": "track",
        "actions": {"disallows": {"resuming": True, "pausing": False}, "smart_shuffle": False},
    }
    state = PlaybackState.from_json(body)
    assert state.device is not None and state.device.id is None
    assert state.device.volume_percent is None
    assert isinstance(state.item, Track) and state.item.name == "Doxy"
    assert state.disallows == frozenset({"resuming"})
    assert state.context is not None and state.context.type == "playlist"
    flat = PlaybackState.from_json({"is_playing": False, "actions": {"seeking": True}})
    assert flat.disallows == frozenset({"seeking"}) and flat.item is None


def test_playback_state_with_an_episode_and_an_ad() -> None:
    episode = {
        "type": "episode",
        "id": "e",
        "uri": "spotify:episode:e",
        "name": "Ep",
        "show": {"name": "Show"},
        "duration_ms": 10,
    }
    state = PlaybackState.from_json(
        {"is_playing": True, "item": episode, "currently_playing_type": "episode"}
    )
    assert isinstance(state.item, Episode) and state.item.show_name == "Show"
    ad = PlaybackState.from_json(
        {"is_playing": True, "item": {"type": "ad"}, "currently_playing_type": "ad"}
    )
    assert ad.item is None


def test_device_types_are_open_ended() -> None:
    device = Device.from_json({"id": "d", "name": "Car", "type": "Automobile", "new": 1})
    assert device.type == "Automobile" and not device.is_restricted
    assert Device.from_json({"name": "?"}).type == "Unknown"


def test_paging_drops_null_items_but_keeps_total() -> None:
    page = Paging.from_json(
        {
            "items": [None, {"id": "p", "name": "Mine", "uri": "spotify:playlist:p"}, None],
            "total": 3,
            "limit": 10,
            "offset": 0,
            "next": None,
        },
        Playlist.from_json,
    )
    assert [p.name for p in page.items] == ["Mine"]
    assert page.total == 3 and page.limit == 10


def test_playlist_reads_items_or_the_deprecated_tracks() -> None:
    new = Playlist.from_json(
        {"id": "p", "name": "N", "uri": "u", "items": {"href": "h", "total": 7}}
    )
    old = Playlist.from_json(
        {"id": "p", "name": "N", "uri": "u", "tracks": {"href": "h", "total": 5}}
    )
    assert new.total_items == 7 and new.entries is None
    assert old.total_items == 5
    full = Playlist.from_json(
        {
            "id": "p",
            "name": "N",
            "uri": "u",
            "public": False,
            "owner": {"id": "demo", "display_name": "Demo"},
            "items": {
                "total": 2,
                "items": [
                    {"added_at": "2026-01-01T00:00:00Z", "item": TRACK},
                    {"track": TRACK, "is_local": False},
                ],
            },
        }
    )
    assert full.entries is not None and full.entries.total == 2
    assert all(isinstance(e.item, Track) for e in full.entries.items)
    assert full.owner is not None and full.owner.id == "demo" and full.public is False


def test_playlist_entry_with_an_unavailable_track() -> None:
    entry = PlaylistEntry.from_json({"added_at": "x", "item": None, "track": None})
    assert entry.item is None


def test_me_with_account_id_and_without_removed_fields() -> None:
    me = Me.from_json({"id": "demo", "account_id": "acc-1", "display_name": "Demo"})
    assert me.account_id == "acc-1" and me.product is None and me.country is None
    legacy = Me.from_json({"id": "demo", "product": "premium", "country": "SE"})
    assert legacy.account_id is None and legacy.product == "premium"


def test_search_result_only_has_the_requested_types() -> None:
    result = SearchResult.from_json(
        {
            "tracks": {"items": [TRACK], "total": 1},
            "playlists": {"items": [None, None], "total": 2},
        }
    )
    assert result.tracks is not None and result.tracks.items[0].name == "Doxy"
    assert result.playlists is not None and result.playlists.items == ()
    assert result.albums is None and result.artists is None


def test_queue_recently_played_and_saved_tracks() -> None:
    queue = Queue.from_json({"currently_playing": TRACK, "queue": [TRACK, None, {"type": "ad"}]})
    assert isinstance(queue.currently_playing, Track) and len(queue.queue) == 1
    recent = RecentlyPlayed.from_json(
        {
            "items": [{"track": TRACK, "played_at": "2026-01-01T00:00:00Z"}, {"track": None}],
            "cursors": {"after": "1", "before": "0"},
            "limit": 20,
        }
    )
    assert len(recent.items) == 1 and recent.after == "1"
    saved = SavedTrack.from_json({"added_at": "t", "track": TRACK})
    assert saved is not None and saved.track.id == TRACK["id"]
    assert SavedTrack.from_json({"added_at": "t"}) is None


def test_the_package_exports_every_model() -> None:
    import inspect

    import skill.spotify.models as models
    from skill.spotify.models import catalog, player

    defined = {
        name
        for module in (catalog, player)
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
    }
    assert defined <= set(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)
