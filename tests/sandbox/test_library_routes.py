"""Library routes over real HTTP: /me/library, /me/tracks, the deprecated per-type endpoints,
and liked songs as a playable collection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import PLAYER_SCOPES, TokenFactory
from tests.sandbox.contract import assert_matches_spec
from tests.sandbox.player_support import KITCHEN, ROAD_TRIP

LIBRARY_SCOPES = (
    "user-library-read",
    "user-library-modify",
    "user-follow-read",
    "user-follow-modify",
    "playlist-read-private",
    "playlist-modify-public",
)
DEMO_LIKED = [  # data/world.yaml, most recent first
    "spotify:track:0sf12qNH5qcw8qpgymFOqD",
    "spotify:track:4aebBr4JAihzJQR0CiIZJv",
    "spotify:track:4NtUY5IGzHCaqfZemmAu56",
    "spotify:track:0FE9t6xYkqWXU2ahLh6D8X",
]
STARBOY = "spotify:track:7MXVkk9YMctZqd1Srtv4MB"
HEARTLESS = "spotify:track:57vxBYXtHMk6H1aD29V7PU"
STARBOY_ALBUM = "spotify:album:2ODvWsOgouMbaA5xf0RkJe"
WEEKND = "spotify:artist:1Xyo4u8uXC1ZmMpatF05PJ"
# "Dance Pop Tunes": a catalog playlist the demo user does not follow yet.
DANCE_POP = "spotify:playlist:4SdfG4cPG3skmTiQLozZGh"


class Client:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, json: Any = None, **params: Any) -> httpx.Response:
        answer = self.http.request(
            method, f"/v1{path}", params=params, json=json, headers=self.headers
        )
        assert_matches_spec(answer)
        return answer

    def liked(self) -> list[str]:
        page = self.call("GET", "/me/tracks", limit=50)
        assert page.status_code == 200, page.text
        return [e["track"]["uri"] for e in page.json()["items"]]

    def contains(self, *uris: str) -> list[bool]:
        answer = self.call("GET", "/me/library/contains", uris=",".join(uris))
        assert answer.status_code == 200, answer.text
        found: list[bool] = answer.json()
        return found


@pytest.fixture
def demo(http: httpx.Client, user_token: TokenFactory) -> Client:
    return Client(http, user_token(scopes=LIBRARY_SCOPES + PLAYER_SCOPES))


def extended(http: httpx.Client) -> None:
    assert http.post("/control/config", json={"api_mode": "extended"}).status_code == 200


def test_saved_tracks_most_recent_first(demo: Client) -> None:
    page = demo.call("GET", "/me/tracks").json()
    assert [e["track"]["uri"] for e in page["items"]] == DEMO_LIKED
    assert page["total"] == 4 and page["limit"] == 20
    assert page["items"][0]["added_at"].endswith("Z")
    assert demo.call("GET", "/me/tracks", limit=51).status_code == 400


def test_save_and_remove_tracks_albums_artists_playlists(demo: Client, http: httpx.Client) -> None:
    uris = [STARBOY, STARBOY_ALBUM, WEEKND, DANCE_POP]
    assert demo.contains(*uris) == [False] * 4
    saved = demo.call("PUT", "/me/library", uris=",".join(uris))
    assert saved.status_code == 200 and saved.content == b""
    assert demo.contains(*uris, HEARTLESS) == [True, True, True, True, False]
    assert demo.liked()[0] == STARBOY
    albums = demo.call("GET", "/me/albums").json()
    assert albums["items"][0]["album"]["uri"] == STARBOY_ALBUM
    followed = [p["id"] if p else None for p in demo.call("GET", "/me/playlists").json()["items"]]
    assert DANCE_POP.rsplit(":", 1)[1] in followed
    removed = demo.call("DELETE", "/me/library", uris=",".join(uris))
    assert removed.status_code == 200
    assert demo.contains(*uris) == [False] * 4
    assert demo.liked() == DEMO_LIKED


def test_saving_twice_keeps_the_first_date(demo: Client) -> None:
    demo.call("PUT", "/me/library", uris=STARBOY)
    first = demo.call("GET", "/me/tracks").json()["items"][0]
    demo.call("PUT", "/me/library", uris=STARBOY)
    assert demo.call("GET", "/me/tracks").json()["items"][0] == first


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        ("", "Missing required parameter: uris"),
        ("spotify:track:bad", "Invalid base62 id: spotify:track:bad"),
        (
            "spotify:tune:7MXVkk9YMctZqd1Srtv4MB",
            "Unsupported URL / URI: spotify:tune:7MXVkk9YMctZqd1Srtv4MB",
        ),
        ("spotify:track:0000000000000000000000", "Payload contains a non-existing ID"),
        (",".join([STARBOY] * 41), "Too many ids requested"),
    ],
)
def test_library_errors(demo: Client, uris: str, message: str) -> None:
    answer = demo.call("PUT", "/me/library", uris=uris)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == message
    assert demo.liked() == DEMO_LIKED


def test_library_scopes_depend_on_the_uri_kind(
    http: httpx.Client, user_token: TokenFactory
) -> None:
    tracks_only = Client(http, user_token(scopes=["user-library-modify", "user-library-read"]))
    assert tracks_only.call("PUT", "/me/library", uris=STARBOY).status_code == 200
    for uri in (WEEKND, DANCE_POP):
        answer = tracks_only.call("PUT", "/me/library", uris=f"{STARBOY},{uri}")
        assert answer.status_code == 403
        assert answer.json()["error"]["message"] == "Insufficient client scope"
    assert tracks_only.call("GET", "/me/library/contains", uris=WEEKND).status_code == 403
    nothing = Client(http, user_token(scopes=["playlist-read-private"]))
    assert nothing.call("GET", "/me/tracks").status_code == 403


def test_deprecated_per_type_endpoints(demo: Client, http: httpx.Client) -> None:
    ids = STARBOY.rsplit(":", 1)[1]
    for method, path, params in (
        ("PUT", "/me/tracks", {"ids": ids}),
        ("DELETE", "/me/tracks", {"ids": ids}),
        ("GET", "/me/tracks/contains", {"ids": ids}),
        ("PUT", "/me/albums", {"ids": STARBOY_ALBUM.rsplit(":", 1)[1]}),
        ("GET", "/me/albums/contains", {"ids": STARBOY_ALBUM.rsplit(":", 1)[1]}),
        ("PUT", "/me/following", {"type": "artist", "ids": WEEKND.rsplit(":", 1)[1]}),
        ("GET", "/me/following/contains", {"type": "artist", "ids": WEEKND.rsplit(":", 1)[1]}),
    ):
        answer = demo.call(method, path, **params)
        assert answer.status_code == 403, (method, path)
        assert answer.json() == {"error": {"status": 403, "message": "Forbidden"}}
    assert demo.liked() == DEMO_LIKED
    extended(http)
    assert demo.call("PUT", "/me/tracks", ids=ids).status_code == 200
    assert demo.call("GET", "/me/tracks/contains", ids=ids).json() == [True]
    assert demo.call("DELETE", "/me/tracks", json={"ids": [ids]}).status_code == 200
    assert demo.call("GET", "/me/tracks/contains", ids=ids).json() == [False]
    weeknd = WEEKND.rsplit(":", 1)[1]
    assert demo.call("PUT", "/me/following", type="artist", ids=weeknd).status_code == 204
    assert demo.call("GET", "/me/following/contains", type="artist", ids=weeknd).json() == [True]
    assert demo.contains(WEEKND) == [True]
    assert demo.call("PUT", "/me/tracks", ids="nope").status_code == 400


def test_liked_songs_play_as_a_collection(demo: Client) -> None:
    demo.call("PUT", "/me/library", uris=STARBOY)
    played = demo.call(
        "PUT",
        "/me/player/play",
        json={"context_uri": "spotify:user:demo:collection"},
        device_id=KITCHEN,
    )
    assert played.status_code == 204
    order = [demo.call("GET", "/me/player").json()["item"]["uri"]]
    while demo.call("POST", "/me/player/next").status_code == 204:
        order.append(demo.call("GET", "/me/player").json()["item"]["uri"])
    assert order == [STARBOY, *DEMO_LIKED]


def test_owner_counts_as_following_their_playlist(demo: Client) -> None:
    assert demo.contains(f"spotify:playlist:{ROAD_TRIP}") == [True]


def test_saved_albums_and_their_errors(demo: Client, http: httpx.Client) -> None:
    assert demo.call("GET", "/me/albums", limit=0).status_code == 400
    assert demo.call("DELETE", "/me/albums", ids="x").status_code == 403  # dev mode: removed
    demo.call("PUT", "/me/library", uris=STARBOY_ALBUM)
    page = demo.call("GET", "/me/albums").json()
    assert page["total"] == 1 and page["items"][0]["album"]["name"] == "Starboy"
    extended(http)
    album_id = STARBOY_ALBUM.rsplit(":", 1)[1]
    assert demo.call("GET", "/me/albums/contains", ids=album_id).json() == [True]
    assert demo.call("DELETE", "/me/albums", ids=album_id).status_code == 200
    assert demo.call("GET", "/me/albums/contains", ids=album_id).json() == [False]
    assert demo.call("GET", "/me/albums/contains").status_code == 400


def test_followed_artists_with_cursor_paging(demo: Client, http: httpx.Client) -> None:
    empty = demo.call("GET", "/me/following", type="artist").json()["artists"]
    assert empty["items"] == [] and empty["total"] == 0 and empty["next"] is None
    daft_punk = "spotify:artist:4tZwfgrHOc3mvqYlEYSvVi"
    demo.call("PUT", "/me/library", uris=f"{WEEKND},{daft_punk}")
    first = demo.call("GET", "/me/following", type="artist", limit=1).json()["artists"]
    assert first["total"] == 2 and len(first["items"]) == 1
    assert first["next"].endswith(f"after={first['cursors']['after']}")
    rest = demo.http.get(first["next"], headers=demo.headers)
    assert_matches_spec(rest)
    second = rest.json()["artists"]
    assert {first["items"][0]["uri"], second["items"][0]["uri"]} == {WEEKND, daft_punk}
    assert second["next"] is None
    assert demo.call("GET", "/me/following", type="user").status_code == 400
    extended(http)
    weeknd = WEEKND.rsplit(":", 1)[1]
    assert demo.call("DELETE", "/me/following", type="artist", ids=weeknd).status_code == 204
    assert demo.call("GET", "/me/following", type="artist").json()["artists"]["total"] == 1
