"""Playback over controlled time: track ends, context ends, repeat, shuffle, queue, edits."""

from __future__ import annotations

import time

import httpx

from tests.sandbox.conftest import TokenFactory, advance_clock, player_state
from tests.sandbox.player_support import (
    POP_REMIX_URI,
    ROAD_TRIP,
    ROAD_TRIP_TRACKS,
    ROAD_TRIP_URI,
    STARBOY_ALBUM_URI,
    TOLERANCE_MS,
    WEEKND_ARTIST_URI,
    Api,
    assert_error,
)


def remaining_ms(api: Api) -> int:
    state = api.state()
    left: int = state["item"]["duration_ms"] - state["progress_ms"]
    return left


def finish_track(api: Api, http: httpx.Client, extra_ms: int = 1_000) -> None:
    """Let the current track play to its end, plus ``extra_ms`` of the next one."""
    advance_clock(http, remaining_ms(api) + extra_ms)


def play_order(api: Api) -> list[str]:
    """Skip through the whole context with ``next``; the items in the order they played."""
    order = [api.item_uri()]
    while api.post("/me/player/next").status_code == 204:
        order.append(api.item_uri())
    return order


def replace_road_trip(http: httpx.Client, track_uris: list[str]) -> None:
    """Another client edits the playlist (the world's copy is what the player resolves)."""
    doc = {"playlists": [{"id": ROAD_TRIP, "name": "Road Trip", "owner": "demo",
                          "track_ids": [u.rsplit(":", 1)[1] for u in track_uris]}]}
    assert http.post("/control/world", json=doc).status_code == 200


def test_a_track_ending_moves_to_the_next(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    started = api.state()["timestamp"]
    duration = api.state()["item"]["duration_ms"]
    finish_track(api, http, extra_ms=4_000)
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[1] and state["is_playing"] is True
    assert 4_000 <= state["progress_ms"] < 4_000 + TOLERANCE_MS
    # The change happened when the first track ended, not when we looked.
    assert abs(state["timestamp"] - (started + duration)) <= TOLERANCE_MS


def test_the_end_of_the_context_stops_playback(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 4})
    finish_track(api, http, extra_ms=30_000)
    state = api.state()
    assert state["is_playing"] is False
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0], "back at the start, paused"
    assert state["progress_ms"] == 0
    advance_clock(http, 60_000)
    assert api.state()["progress_ms"] == 0
    assert api.play().status_code == 204, "resume starts the context again"


def test_repeat_track_replays_the_same_track(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    api.put("/me/player/repeat", state="track")
    finish_track(api, http, extra_ms=2_000)
    finish_track(api, http, extra_ms=2_000)
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0] and state["is_playing"] is True
    # next still skips (and wraps) while repeating a track.
    api.post("/me/player/next")
    assert api.item_uri() == ROAD_TRIP_TRACKS[1]


def test_repeat_context_wraps_around(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 4})
    api.put("/me/player/repeat", state="context")
    finish_track(api, http)
    assert api.item_uri() == ROAD_TRIP_TRACKS[0] and api.state()["is_playing"] is True
    api.post("/me/player/previous")
    assert api.item_uri() == ROAD_TRIP_TRACKS[4], "previous wraps back as well"
    upcoming = [t["uri"] for t in api.get("/me/player/queue").json()["queue"]]
    assert upcoming[:6] == [*ROAD_TRIP_TRACKS, ROAD_TRIP_TRACKS[0]]
    assert len(upcoming) == 20


def test_shuffle_order_is_complete_stable_and_starts_with_the_current(
    api: Api, http: httpx.Client
) -> None:
    api.play(context_uri=POP_REMIX_URI)
    natural = [t["uri"] for t in api.get("/me/player/queue").json()["queue"]]
    first = api.item_uri()
    api.put("/me/player/shuffle", state="true")
    preview = [t["uri"] for t in api.get("/me/player/queue").json()["queue"]]
    assert preview == [t["uri"] for t in api.get("/me/player/queue").json()["queue"]]
    assert preview != natural
    order = play_order(api)
    assert order[0] == first
    assert len(order) == 70 and len(set(order)) == 70, "every entry exactly once"
    assert order[1:21] == preview, "the queue view shows what really plays next"
    # The same actions give the same order: it is seeded, not random.
    assert http.post("/control/reset").status_code == 204
    api.play(context_uri=POP_REMIX_URI)
    api.put("/me/player/shuffle", state="true")
    assert play_order(api) == order


def test_shuffle_off_continues_in_context_order(api: Api) -> None:
    api.play(context_uri=STARBOY_ALBUM_URI)
    natural = [api.item_uri()] + [t["uri"] for t in api.get("/me/player/queue").json()["queue"]]
    api.put("/me/player/shuffle", state="true")
    api.post("/me/player/next")
    here = api.item_uri()
    api.put("/me/player/shuffle", state="false")
    api.post("/me/player/next")
    position = natural.index(here)
    if position + 1 < len(natural):
        assert api.item_uri() == natural[position + 1]
    else:
        assert_error(api.post("/me/player/next"), 403, "Player command failed: No next track",
                     "NO_NEXT_TRACK")


def test_play_with_offset_under_shuffle_plays_that_track_first(api: Api) -> None:
    api.play(context_uri=POP_REMIX_URI)
    api.put("/me/player/shuffle", state="true")
    api.play(context_uri=ROAD_TRIP_URI, offset={"uri": ROAD_TRIP_TRACKS[3]})
    order = play_order(api)
    assert order[0] == ROAD_TRIP_TRACKS[3] and sorted(order) == sorted(ROAD_TRIP_TRACKS)


def test_queue_plays_before_the_context_continues(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[4])
    api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[3])
    assert player_state(http)["queue"] == [ROAD_TRIP_TRACKS[4], ROAD_TRIP_TRACKS[3]]
    finish_track(api, http)
    assert api.item_uri() == ROAD_TRIP_TRACKS[4]
    assert api.state()["context"]["uri"] == ROAD_TRIP_URI, "a queued track keeps the context"
    api.post("/me/player/next")
    assert api.item_uri() == ROAD_TRIP_TRACKS[3]
    finish_track(api, http)
    assert api.item_uri() == ROAD_TRIP_TRACKS[1], "then the context goes on after its track"
    assert player_state(http)["queue"] == []


def test_previous_from_a_queued_track_returns_to_the_context(api: Api) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 1})
    api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[4])
    api.post("/me/player/next")
    assert api.item_uri() == ROAD_TRIP_TRACKS[4]
    api.post("/me/player/previous")
    assert api.item_uri() == ROAD_TRIP_TRACKS[1]


def test_playlist_edits_show_in_what_plays_next(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 1})
    inserted = "spotify:track:4aebBr4JAihzJQR0CiIZJv"
    replace_road_trip(http, [*ROAD_TRIP_TRACKS[:2], inserted, *ROAD_TRIP_TRACKS[2:]])
    finish_track(api, http)
    assert api.item_uri() == inserted
    # The playing entry (and one more) is removed: playback goes on with what took its place.
    replace_road_trip(http, [t for t in ROAD_TRIP_TRACKS if t != ROAD_TRIP_TRACKS[2]])
    api.post("/me/player/next")
    assert api.item_uri() == ROAD_TRIP_TRACKS[3]


def test_removing_the_playing_entry_continues_from_its_place(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 1})
    replace_road_trip(http, [t for t in ROAD_TRIP_TRACKS if t != ROAD_TRIP_TRACKS[1]])
    assert api.item_uri() == ROAD_TRIP_TRACKS[1], "the playing track plays on"
    finish_track(api, http)
    assert api.item_uri() == ROAD_TRIP_TRACKS[2]


def test_album_artist_and_liked_songs_contexts(api: Api) -> None:
    api.play(context_uri=STARBOY_ALBUM_URI)
    state = api.state()
    assert state["context"]["type"] == "album" and state["item"]["album"]["name"] == "Starboy"
    api.play(context_uri=WEEKND_ARTIST_URI)
    state = api.state()
    assert state["context"]["type"] == "artist"
    assert any(a["uri"] == WEEKND_ARTIST_URI for a in state["item"]["artists"])
    api.play(context_uri="spotify:user:demo:collection")
    state = api.state()
    assert state["context"]["type"] == "collection"
    assert state["item"]["uri"] == "spotify:track:0sf12qNH5qcw8qpgymFOqD", "newest like first"


def test_days_of_repeat_context_are_simulated_quickly(
    api: Api, http: httpx.Client, user_token: TokenFactory
) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    api.put("/me/player/repeat", state="context")
    advance_clock(http, 10 * 24 * 3600 * 1000)
    api = Api(http, user_token())  # the first token expired meanwhile
    started = time.monotonic()
    state = api.state()
    assert time.monotonic() - started < 5
    assert state["is_playing"] is True and state["item"]["uri"] in ROAD_TRIP_TRACKS
    played = api.get("/me/player/recently-played", limit=50).json()["items"]
    assert len(played) == 50
    uris = [p["track"]["uri"] for p in played]
    for newer, older in zip(uris, uris[1:], strict=False):
        assert ROAD_TRIP_TRACKS.index(older) == (ROAD_TRIP_TRACKS.index(newer) - 1) % 5
