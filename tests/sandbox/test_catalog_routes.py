"""Search and catalog routes over real HTTP, validated against the vendored spec."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import TokenFactory
from tests.sandbox.contract import assert_matches_spec

BLINDING_LIGHTS = "0sf12qNH5qcw8qpgymFOqD"
WEEKND = "1Xyo4u8uXC1ZmMpatF05PJ"
STARBOY_ALBUM = "2ODvWsOgouMbaA5xf0RkJe"


class Client:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        answer = self.http.get(f"/v1{path}", params=params, headers=self.headers)
        assert_matches_spec(answer)
        return answer


@pytest.fixture
def client(http: httpx.Client, user_token: TokenFactory) -> Client:
    return Client(http, user_token(scopes=["user-read-private"]))


def extended(http: httpx.Client) -> None:
    assert http.post("/control/config", json={"api_mode": "extended"}).status_code == 200


def app_token(http: httpx.Client) -> str:
    answer = http.post(
        "/api/token",
        data={"grant_type": "client_credentials"},
        auth=("skill-confidential", "sandbox-secret-change-me"),
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


# -- search --------------------------------------------------------------------------------


def test_search_tracks_development_mode(client: Client) -> None:
    answer = client.get("/search", q="blinding lights the weeknd", type="track")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    tracks = answer.json()["tracks"]
    assert tracks["limit"] == 5 and tracks["offset"] == 0
    assert tracks["items"][0]["id"] == BLINDING_LIGHTS
    assert "popularity" not in tracks["items"][0]
    assert "available_markets" not in tracks["items"][0]["album"]


def test_search_limit_is_ten_in_development_mode(client: Client) -> None:
    page = client.get("/search", q="love", type="track", limit=10).json()["tracks"]
    assert len(page["items"]) == 10
    for bad in ("11", "50", "0", "-1", "ten"):
        answer = client.get("/search", q="love", type="track", limit=bad)
        assert answer.status_code == 400
        assert answer.json() == {"error": {"status": 400, "message": "Invalid limit"}}


def test_search_paging_links_point_at_the_sandbox(client: Client, clean_sandbox: str) -> None:
    first = client.get("/search", q="love", type="track", limit=3).json()["tracks"]
    assert first["previous"] is None
    assert first["href"] == f"{clean_sandbox}/v1/search?offset=0&limit=3&query=love&type=track"
    assert first["next"] == f"{clean_sandbox}/v1/search?offset=3&limit=3&query=love&type=track"
    # The next link spells query=, as Spotify's does, and following it works.
    followed = client.http.get(first["next"], headers=client.headers)
    assert_matches_spec(followed)
    second = followed.json()
    assert second == client.get("/search", q="love", type="track", limit=3, offset=3).json()
    assert second["tracks"]["previous"] == first["href"]
    assert {t["id"] for t in second["tracks"]["items"]}.isdisjoint(t["id"] for t in first["items"])
    assert client.get("/search", q="love", type="track", offset=1001).status_code == 404
    assert client.get("/search", q="love", type="track", offset=-1).status_code == 400


def test_search_several_types_and_filters(client: Client) -> None:
    body = client.get("/search", q="artist:the weeknd", type="artist,album,track", limit=10).json()
    assert set(body) == {"artists", "albums", "tracks"}
    assert body["artists"]["items"][0]["id"] == WEEKND
    assert "followers" not in body["artists"]["items"][0]
    assert all(any(a["id"] == WEEKND for a in t["artists"]) for t in body["tracks"]["items"])
    assert body["albums"]["href"].endswith("type=album")
    years = client.get("/search", q="artist:the weeknd year:2016", type="track", limit=10).json()
    assert years["tracks"]["total"] > 0
    assert all(t["album"]["release_date"] == "2016" for t in years["tracks"]["items"])


def test_search_playlists_hide_spotify_owned_ones_as_null(client: Client) -> None:
    body = client.get("/search", q="pop", type="playlist", limit=10).json()["playlists"]
    items = body["items"]
    assert None in items, "editorial playlists come back as null entries"
    real = [p for p in items if p is not None]
    assert real and all(not p["id"].startswith("37i9dQZF") for p in real)
    assert body["total"] >= len(items)
    assert all(p["items"]["href"].endswith(f"/playlists/{p['id']}/items") for p in real)


def test_search_empty_types_and_errors(client: Client) -> None:
    shows = client.get("/search", q="podcast", type="show,episode").json()
    assert shows["shows"]["total"] == 0 and shows["episodes"]["items"] == []
    cases = {
        ("", "track"): "No search query",
        ("abba", ""): "Missing parameter type",
        ("abba", "song"): "Bad search type field song",
    }
    for (q, kind), message in cases.items():
        answer = client.get("/search", q=q, type=kind)
        assert answer.status_code == 400 and answer.json()["error"]["message"] == message


def test_search_requires_a_token(http: httpx.Client) -> None:
    answer = http.get("/v1/search", params={"q": "abba", "type": "track"})
    assert_matches_spec(answer)
    assert answer.status_code == 401


def test_search_accepts_app_tokens(http: httpx.Client) -> None:
    answer = http.get(
        "/v1/search",
        params={"q": "queen", "type": "artist"},
        headers={"Authorization": f"Bearer {app_token(http)}"},
    )
    assert_matches_spec(answer)
    assert answer.json()["artists"]["items"][0]["name"] == "Queen"


def test_extended_mode_restores_limit_and_fields(http: httpx.Client, client: Client) -> None:
    extended(http)
    body = client.get("/search", q="love", type="track,artist", limit=50).json()
    assert len(body["tracks"]["items"]) == 50
    assert body["tracks"]["items"][0]["popularity"] >= 0
    assert "followers" in body["artists"]["items"][0]
    assert client.get("/search", q="love", type="track").json()["tracks"]["limit"] == 20
    assert client.get("/search", q="love", type="track", limit=51).status_code == 400


# -- albums, artists, tracks ---------------------------------------------------------------


def test_track_by_id(client: Client) -> None:
    track = client.get(f"/tracks/{BLINDING_LIGHTS}").json()
    assert track["name"] == "Blinding Lights" and track["artists"][0]["id"] == WEEKND
    assert client.get("/tracks/0000000000000000000000").status_code == 404
    bad = client.get("/tracks/not-an-id")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "invalid id"


def test_album_and_its_tracks(client: Client) -> None:
    album = client.get(f"/albums/{STARBOY_ALBUM}").json()
    assert album["name"] == "Starboy" and album["artists"][0]["id"] == WEEKND
    assert album["tracks"]["total"] == album["total_tracks"] == 7
    page = client.get(f"/albums/{STARBOY_ALBUM}/tracks", limit=3, offset=3).json()
    assert [t["track_number"] for t in page["items"]] == [4, 5, 6]
    assert page["next"] is not None and page["previous"] is not None
    assert client.get("/albums/0000000000000000000000").status_code == 404
    assert client.get(f"/albums/{STARBOY_ALBUM}/tracks", limit=51).status_code == 400


def test_artist_and_albums(client: Client, http: httpx.Client) -> None:
    artist = client.get(f"/artists/{WEEKND}").json()
    assert artist["name"] == "The Weeknd" and "genres" not in artist
    albums = client.get(f"/artists/{WEEKND}/albums", limit=10).json()
    assert albums["total"] > 0 and len(albums["items"]) <= 10
    assert all("album_group" not in a for a in albums["items"])
    assert client.get(f"/artists/{WEEKND}/albums", limit=11).status_code == 400
    singles = client.get(f"/artists/{WEEKND}/albums", include_groups="single", limit=10).json()
    assert all(a["album_type"] == "single" for a in singles["items"])
    assert client.get(f"/artists/{WEEKND}/albums", include_groups="mixtape").status_code == 400
    assert client.get("/artists/0000000000000000000000").status_code == 404
    extended(http)
    grouped = client.get(f"/artists/{WEEKND}/albums", limit=20).json()
    assert all("album_group" in a for a in grouped["items"])
    assert client.get(f"/artists/{WEEKND}").json()["followers"]["total"] > 0


def test_removed_endpoints_are_forbidden_in_development_mode(
    client: Client, http: httpx.Client
) -> None:
    for path, params in (
        (f"/artists/{WEEKND}/top-tracks", {}),
        ("/tracks", {"ids": BLINDING_LIGHTS}),
        ("/albums", {"ids": STARBOY_ALBUM}),
        ("/artists", {"ids": WEEKND}),
    ):
        answer = client.get(path, **params)
        assert answer.status_code == 403, path
        assert answer.json() == {"error": {"status": 403, "message": "Forbidden"}}
    extended(http)
    top = client.get(f"/artists/{WEEKND}/top-tracks").json()["tracks"]
    assert top[0]["id"] == BLINDING_LIGHTS and len(top) == 10
    several = client.get("/tracks", ids=f"{BLINDING_LIGHTS},0000000000000000000000").json()
    assert several["tracks"][0]["id"] == BLINDING_LIGHTS and several["tracks"][1] is None
    assert client.get("/albums", ids=STARBOY_ALBUM).json()["albums"][0]["name"] == "Starboy"
    assert client.get("/artists", ids=WEEKND).json()["artists"][0]["popularity"] > 0
    assert client.get("/tracks", ids="x").status_code == 400
