"""spotipy, unchanged, on the sandbox's search, catalog, playlist and library routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import spotipy

from tests.sandbox.conftest import TokenFactory
from tests.sandbox.player_support import ROAD_TRIP, ROAD_TRIP_TRACKS

SCOPES = (
    "playlist-read-private",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-library-read",
    "user-library-modify",
)
STARBOY = "spotify:track:7MXVkk9YMctZqd1Srtv4MB"
HEARTLESS = "spotify:track:57vxBYXtHMk6H1aD29V7PU"


@pytest.fixture
def spotify(sandbox_url: str, user_token: TokenFactory) -> Iterator[spotipy.Spotify]:
    client = spotipy.Spotify(
        auth=user_token(scopes=SCOPES), requests_timeout=10, retries=0, status_retries=0
    )
    client.prefix = f"{sandbox_url}/v1/"
    yield client
    client._session.close()


def test_search_and_catalog(spotify: spotipy.Spotify) -> None:
    found = spotify.search("blinding lights the weeknd", limit=10, type="track")
    track = found["tracks"]["items"][0]
    assert track["id"] == "0sf12qNH5qcw8qpgymFOqD"
    assert spotify.track(track["id"])["name"] == "Blinding Lights"
    album = spotify.album(track["album"]["id"])
    assert album["tracks"]["items"][0]["id"] == track["id"]
    artist_id = track["artists"][0]["id"]
    assert spotify.artist(artist_id)["name"] == "The Weeknd"
    assert spotify.artist_albums(artist_id, limit=10)["items"]
    # spotipy follows `next` links unchanged.
    page = spotify.search("love", limit=5, type="track")["tracks"]
    following = spotify.next(page)
    assert following is not None and following["tracks"]["offset"] == 5
    with pytest.raises(spotipy.SpotifyException) as refused:
        spotify.search("love", limit=20, type="track")
    assert refused.value.http_status == 400 and "Invalid limit" in refused.value.msg


def test_playlists(spotify: spotipy.Spotify) -> None:
    names = [p["name"] for p in spotify.current_user_playlists(limit=50)["items"] if p]
    assert names[:2] == ["Road Trip", "Dinner Jazz"]
    made = spotify.current_user_playlist_create("Spotipy Mix", public=False)
    spotify.playlist_add_items(made["id"], [STARBOY, HEARTLESS])
    spotify.playlist_reorder_items(made["id"], range_start=1, insert_before=0)
    items = spotify.playlist_items(made["id"], limit=50)["items"]
    assert [e["item"]["uri"] for e in items] == [HEARTLESS, STARBOY]
    spotify.playlist_change_details(made["id"], name="Renamed")
    assert spotify.playlist(made["id"])["name"] == "Renamed"
    spotify.playlist_remove_all_occurrences_of_items(made["id"], [STARBOY])
    spotify.playlist_replace_items(ROAD_TRIP, ROAD_TRIP_TRACKS[:2])
    assert [e["item"]["uri"] for e in spotify.playlist_items(ROAD_TRIP)["items"]] == (
        ROAD_TRIP_TRACKS[:2]
    )


def test_library(spotify: spotipy.Spotify) -> None:
    spotify.current_user_saved_tracks_add([STARBOY])
    assert spotify.current_user_saved_tracks_contains([STARBOY, HEARTLESS]) == [True, False]
    assert spotify.current_user_saved_tracks(limit=5)["items"][0]["track"]["uri"] == STARBOY
    spotify.current_user_saved_tracks_delete([STARBOY])
    assert spotify.current_user_saved_tracks_contains([STARBOY]) == [False]
