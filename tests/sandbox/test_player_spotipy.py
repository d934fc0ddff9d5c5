"""spotipy, a popular third-party Spotify client, works against the sandbox unchanged.

Only its base URLs change: ``Spotify.prefix`` (the Web API) and the auth managers'
``OAUTH_AUTHORIZE_URL`` / ``OAUTH_TOKEN_URL`` (the Accounts service).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from tests.sandbox.conftest import PLAYER_SCOPES, TokenFactory, advance_clock, user_log
from tests.sandbox.player_support import KITCHEN, PHONE, ROAD_TRIP_TRACKS, ROAD_TRIP_URI, TV


@pytest.fixture
def spotify(sandbox_url: str, user_token: TokenFactory) -> Iterator[spotipy.Spotify]:
    """spotipy on the (reset) sandbox with a demo user token."""
    client = spotipy.Spotify(auth=user_token(), requests_timeout=10, retries=0,
                             status_retries=0)
    client.prefix = f"{sandbox_url}/v1/"
    yield client
    client._session.close()


def test_spotipy_drives_the_player(spotify: spotipy.Spotify, http: httpx.Client) -> None:
    assert spotify.me()["id"] == "demo"
    assert spotify.current_playback() is None, "204 → None"
    devices = {d["name"]: d for d in spotify.devices()["devices"]}
    assert devices["Kitchen Speaker"]["id"] == KITCHEN
    spotify.start_playback(device_id=KITCHEN, context_uri=ROAD_TRIP_URI)
    playback = spotify.current_playback()
    assert playback["item"]["uri"] == ROAD_TRIP_TRACKS[0] and playback["is_playing"] is True
    spotify.next_track()
    assert spotify.currently_playing()["item"]["uri"] == ROAD_TRIP_TRACKS[1]
    spotify.previous_track()
    assert spotify.current_playback()["item"]["uri"] == ROAD_TRIP_TRACKS[0]
    spotify.volume(35)
    spotify.shuffle(True)
    spotify.repeat("context")
    playback = spotify.current_playback()
    assert playback["device"]["volume_percent"] == 35
    assert playback["shuffle_state"] is True and playback["repeat_state"] == "context"
    spotify.add_to_queue(ROAD_TRIP_TRACKS[4])
    assert spotify.queue()["queue"][0]["uri"] == ROAD_TRIP_TRACKS[4]
    spotify.seek_track(90_000)
    spotify.pause_playback()
    assert spotify.current_playback()["is_playing"] is False
    spotify.start_playback(uris=ROAD_TRIP_TRACKS[2:4], offset={"position": 1})
    assert spotify.current_playback()["item"]["uri"] == ROAD_TRIP_TRACKS[3]
    spotify.transfer_playback(TV, force_play=True)
    advance_clock(http, 400_000)
    played = spotify.current_user_recently_played(limit=5)
    assert played["items"][0]["track"]["uri"] == ROAD_TRIP_TRACKS[3]
    assert spotify.current_playback()["device"]["id"] == TV
    log = user_log(http)
    assert [e["path"].rsplit("/", 1)[1] for e in log] == [
        "play", "next", "previous", "volume", "shuffle", "repeat", "queue", "seek", "pause",
        "play", "player",
    ]  # fmt: skip
    assert {e["status"] for e in log} == {204}


def test_spotipy_sees_spotify_errors(spotify: spotipy.Spotify) -> None:
    with pytest.raises(spotipy.SpotifyException) as no_device:
        spotify.pause_playback()
    assert no_device.value.http_status == 404 and no_device.value.reason == "NO_ACTIVE_DEVICE"
    spotify.start_playback(device_id=PHONE, uris=ROAD_TRIP_TRACKS[:1])
    with pytest.raises(spotipy.SpotifyException) as volume:
        spotify.volume(10)
    assert volume.value.http_status == 403 and volume.value.reason == "VOLUME_CONTROL_DISALLOW"
    with pytest.raises(spotipy.SpotifyException) as playing:
        spotify.start_playback()
    assert playing.value.http_status == 403 and playing.value.reason == "UNKNOWN"
    assert "Restriction violated" in playing.value.msg


def test_spotipy_accepts_200_with_text(spotify: spotipy.Spotify, http: httpx.Client) -> None:
    http.post("/control/config", json={"success_mode": "200-text"})
    assert spotify.start_playback(device_id=KITCHEN, uris=ROAD_TRIP_TRACKS) is None
    spotify.next_track()
    assert spotify.current_playback()["item"]["uri"] == ROAD_TRIP_TRACKS[1]


def _login(manager: SpotifyOAuth | SpotifyPKCE, base_url: str) -> str:
    """Follow spotipy's own authorize URL with the sandbox's scripted consent."""
    manager.OAUTH_AUTHORIZE_URL = f"{base_url}/authorize"
    manager.OAUTH_TOKEN_URL = f"{base_url}/api/token"
    url = manager.get_authorize_url() + "&sandbox_user=demo&sandbox_consent=accept"
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    code: str = manager.parse_response_code(answer.headers["location"])
    return code


def test_spotipy_pkce_login_and_refresh(clean_sandbox: str) -> None:
    manager = SpotifyPKCE(client_id="skill-sandbox", redirect_uri="http://127.0.0.1:8123/callback",
                          scope=" ".join(PLAYER_SCOPES), cache_handler=MemoryCacheHandler(),
                          open_browser=False)
    code = _login(manager, clean_sandbox)
    access = manager.get_access_token(code, check_cache=False)
    info = manager.cache_handler.get_cached_token()
    assert info["access_token"] == access and set(info["scope"].split()) == set(PLAYER_SCOPES)
    client = spotipy.Spotify(auth_manager=manager, retries=0, status_retries=0)
    client.prefix = f"{clean_sandbox}/v1/"
    assert client.me()["id"] == "demo"
    refreshed = manager.refresh_access_token(info["refresh_token"])
    assert refreshed["refresh_token"] != info["refresh_token"], "PKCE refresh tokens rotate"
    assert client.devices()["devices"]
    client._session.close()


def test_spotipy_confidential_client_login(clean_sandbox: str) -> None:
    manager = SpotifyOAuth(client_id="skill-confidential", client_secret="sandbox-secret-change-me",
                           redirect_uri="http://127.0.0.1/callback",
                           scope="user-read-playback-state", cache_handler=MemoryCacheHandler(),
                           open_browser=False)
    code = _login(manager, clean_sandbox)
    token = manager.get_access_token(code, as_dict=False, check_cache=False)
    client = spotipy.Spotify(auth=token, retries=0, status_retries=0)
    client.prefix = f"{clean_sandbox}/v1/"
    assert client.current_playback() is None
    assert len(client.devices()["devices"]) == 5
    client._session.close()
