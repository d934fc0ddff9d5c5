"""Playlist routes over real HTTP: 2026 shapes, ownership, scopes, edits seen by the player."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import PLAYER_SCOPES, TokenFactory
from tests.sandbox.contract import assert_matches_spec
from tests.sandbox.player_support import (
    KITCHEN,
    POP_REMIX_URI,
    ROAD_TRIP,
    ROAD_TRIP_TRACKS,
)

PLAYLIST_SCOPES = (
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
)
EDITORIAL = POP_REMIX_URI.rsplit(":", 1)[1]
CURATED = "0B2HdP15IucgE0vk3sluJR"  # "Dance Pop": a catalog playlist, not editorial
BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"
STARBOY = "spotify:track:7MXVkk9YMctZqd1Srtv4MB"
HEARTLESS = "spotify:track:57vxBYXtHMk6H1aD29V7PU"


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

    def uris(self, playlist_id: str) -> list[str]:
        page = self.call("GET", f"/playlists/{playlist_id}/items", limit=50)
        assert page.status_code == 200, page.text
        return [e["item"]["uri"] for e in page.json()["items"]]


@pytest.fixture
def demo(http: httpx.Client, user_token: TokenFactory) -> Client:
    return Client(http, user_token(scopes=PLAYLIST_SCOPES + PLAYER_SCOPES))


@pytest.fixture
def guest(http: httpx.Client, user_token: TokenFactory) -> Client:
    return Client(http, user_token("guest", scopes=PLAYLIST_SCOPES))


def extended(http: httpx.Client) -> None:
    assert http.post("/control/config", json={"api_mode": "extended"}).status_code == 200


def create(client: Client, name: str = "Mix", **extra: Any) -> dict[str, Any]:
    answer = client.call("POST", "/me/playlists", json={"name": name, **extra})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


# -- listing and reading ---------------------------------------------------------------------


def test_my_playlists_owned_then_followed_with_editorial_as_null(
    demo: Client, http: httpx.Client
) -> None:
    page = demo.call("GET", "/me/playlists").json()
    names = [p["name"] if p else None for p in page["items"]]
    # Owned first, then followed; Pop Remix is Spotify's own, hidden in development mode.
    assert names == ["Road Trip", "Dinner Jazz", None, "Dance Pop", "90s Dance Hits"]
    road_trip = page["items"][0]
    assert road_trip["items"]["total"] == 5 and "tracks" not in road_trip
    assert road_trip["owner"]["id"] == "demo"
    extended(http)
    page = demo.call("GET", "/me/playlists").json()
    assert page["items"][2]["id"] == EDITORIAL
    assert page["items"][0]["tracks"]["total"] == 5


def test_my_playlists_needs_the_read_scope(http: httpx.Client, user_token: TokenFactory) -> None:
    client = Client(http, user_token(scopes=["playlist-modify-public"]))
    answer = client.call("GET", "/me/playlists")
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Insufficient client scope"
    assert client.call("GET", "/me/playlists", limit=51).status_code == 403


def test_paging_and_limit_errors(demo: Client) -> None:
    page = demo.call("GET", "/me/playlists", limit=1, offset=1).json()
    assert page["total"] == 5 and len(page["items"]) == 1
    assert page["next"].endswith("/v1/me/playlists?offset=2&limit=1")
    assert demo.call("GET", "/me/playlists", limit=51).status_code == 400


def test_owned_playlist_has_items_others_only_metadata(demo: Client) -> None:
    own = demo.call("GET", f"/playlists/{ROAD_TRIP}").json()
    assert [e["item"]["uri"] for e in own["items"]["items"]] == ROAD_TRIP_TRACKS
    assert own["items"]["items"][0]["added_by"]["id"] == "demo"
    other = demo.call("GET", f"/playlists/{CURATED}")
    assert other.status_code == 200
    assert "items" not in other.json() and other.json()["owner"]["id"] == "playlist-curator"
    forbidden = demo.call("GET", f"/playlists/{CURATED}/items")
    assert forbidden.status_code == 403


def test_editorial_and_unknown_playlists_are_not_found(demo: Client, http: httpx.Client) -> None:
    assert demo.call("GET", f"/playlists/{EDITORIAL}").status_code == 404
    assert demo.call("GET", "/playlists/0000000000000000000000").status_code == 404
    extended(http)
    assert demo.call("GET", f"/playlists/{EDITORIAL}").status_code == 200


# -- creating and changing -------------------------------------------------------------------


def test_create_rename_and_list(demo: Client) -> None:
    made = create(demo, "Workout", public=False, description="loud")
    assert made["public"] is False and made["items"]["total"] == 0
    assert made["owner"]["id"] == "demo" and made["description"] == "loud"
    listed = demo.call("GET", "/me/playlists").json()["items"]
    assert listed[2]["id"] == made["id"]  # owned ones come before followed ones
    answer = demo.call("PUT", f"/playlists/{made['id']}", json={"name": "Gym", "public": True})
    assert answer.status_code == 200 and answer.content == b""
    again = demo.call("GET", f"/playlists/{made['id']}").json()
    assert again["name"] == "Gym" and again["public"] is True
    assert again["snapshot_id"] != made["snapshot_id"]


def test_create_errors(demo: Client, http: httpx.Client, user_token: TokenFactory) -> None:
    for body in ({}, {"name": ""}, {"name": 3}):
        answer = demo.call("POST", "/me/playlists", json=body)
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "Missing required field: name"
    bad = demo.http.post(
        "/v1/me/playlists",
        content=b"{nope",
        headers={**demo.headers, "Content-Type": "application/json"},
    )
    assert_matches_spec(bad)
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Malformed json"
    public_only = Client(http, user_token(scopes=["playlist-modify-public"]))
    assert public_only.call("POST", "/me/playlists", json={"name": "x"}).status_code == 201
    refused = public_only.call("POST", "/me/playlists", json={"name": "x", "public": False})
    assert refused.status_code == 403
    collab = demo.call("POST", "/me/playlists", json={"name": "x", "collaborative": True})
    assert collab.status_code == 400  # collaborative playlists must be private


def test_only_the_owner_changes_details(demo: Client, guest: Client) -> None:
    answer = guest.call("PUT", f"/playlists/{ROAD_TRIP}", json={"name": "Mine now"})
    assert answer.status_code == 403
    assert demo.call("GET", f"/playlists/{ROAD_TRIP}").json()["name"] == "Road Trip"


# -- items -----------------------------------------------------------------------------------


def test_add_items_at_the_end_and_at_a_position(demo: Client) -> None:
    made = create(demo)
    added = demo.call("POST", f"/playlists/{made['id']}/items", json={"uris": [BLINDING_LIGHTS]})
    assert added.status_code == 201 and added.json()["snapshot_id"] != made["snapshot_id"]
    demo.call("POST", f"/playlists/{made['id']}/items", json={"uris": [STARBOY]})
    demo.call("POST", f"/playlists/{made['id']}/items", uris=HEARTLESS, position=1)
    assert demo.uris(made["id"]) == [BLINDING_LIGHTS, HEARTLESS, STARBOY]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"uris": ["spotify:track:nope"]}, "Invalid base62 id: spotify:track:nope"),
        (
            {"uris": ["spotify:album:2ODvWsOgouMbaA5xf0RkJe"]},
            "Unsupported URL / URI: spotify:album:2ODvWsOgouMbaA5xf0RkJe",
        ),
        ({"uris": ["spotify:track:0000000000000000000000"]}, "Payload contains a non-existing ID"),
        ({"uris": [BLINDING_LIGHTS] * 101}, "You can add a maximum of 100 tracks per request."),
        ({"uris": [BLINDING_LIGHTS], "position": 9}, "Index out of bounds"),
        ({"uris": []}, "No uris provided"),
    ],
)
def test_add_items_errors(demo: Client, body: dict[str, Any], message: str) -> None:
    answer = demo.call("POST", f"/playlists/{ROAD_TRIP}/items", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == message
    assert demo.uris(ROAD_TRIP) == ROAD_TRIP_TRACKS


def test_others_cannot_add_items(guest: Client) -> None:
    answer = guest.call("POST", f"/playlists/{ROAD_TRIP}/items", json={"uris": [STARBOY]})
    assert answer.status_code == 403


def test_reorder_replace_and_remove(demo: Client) -> None:
    moved = demo.call(
        "PUT", f"/playlists/{ROAD_TRIP}/items", json={"range_start": 0, "insert_before": 5}
    )
    assert moved.status_code == 200 and "snapshot_id" in moved.json()
    assert demo.uris(ROAD_TRIP) == ROAD_TRIP_TRACKS[1:] + ROAD_TRIP_TRACKS[:1]
    demo.call(
        "PUT",
        f"/playlists/{ROAD_TRIP}/items",
        json={"range_start": 3, "range_length": 2, "insert_before": 0},
    )
    assert demo.uris(ROAD_TRIP) == [
        ROAD_TRIP_TRACKS[4],
        ROAD_TRIP_TRACKS[0],
        ROAD_TRIP_TRACKS[1],
        ROAD_TRIP_TRACKS[2],
        ROAD_TRIP_TRACKS[3],
    ]
    demo.call("PUT", f"/playlists/{ROAD_TRIP}/items", json={"uris": [STARBOY, HEARTLESS, STARBOY]})
    assert demo.uris(ROAD_TRIP) == [STARBOY, HEARTLESS, STARBOY]
    removed = demo.call(
        "DELETE", f"/playlists/{ROAD_TRIP}/items", json={"items": [{"uri": STARBOY}]}
    )
    assert removed.status_code == 200
    assert demo.uris(ROAD_TRIP) == [HEARTLESS]


def test_reorder_and_remove_errors(demo: Client) -> None:
    path = f"/playlists/{ROAD_TRIP}/items"
    cases = [
        ("PUT", {"range_start": 7, "insert_before": 0}, "Index out of bounds"),
        (
            "PUT",
            {"range_start": 0, "insert_before": 1, "uris": [STARBOY]},
            "Can't replace and reorder items in the same request",
        ),
        ("PUT", {}, "Missing required field: uris or range_start and insert_before"),
        ("DELETE", {"tracks": [{"uri": STARBOY}]}, "Missing required field: items"),
        (
            "DELETE",
            {"items": [{"uri": STARBOY, "positions": [0]}]},
            f"Invalid position 0 for {STARBOY}",
        ),
    ]
    for method, body, message in cases:
        answer = demo.call(method, path, json=body)
        assert answer.status_code == 400, (method, body)
        assert answer.json()["error"]["message"] == message
    assert demo.uris(ROAD_TRIP) == ROAD_TRIP_TRACKS


def test_items_page_with_unavailable_entries(demo: Client, http: httpx.Client) -> None:
    doc = {
        "playlists": [
            {
                "id": ROAD_TRIP,
                "name": "Road Trip",
                "owner": "demo",
                "track_ids": ["0sf12qNH5qcw8qpgymFOqD", "0000000000000000000000"],
            }
        ]
    }
    assert http.post("/control/world", json=doc).status_code == 200
    page = demo.call("GET", f"/playlists/{ROAD_TRIP}/items").json()
    assert page["total"] == 2 and page["items"][1]["item"] is None


# -- deprecated paths ------------------------------------------------------------------------


def test_deprecated_paths_are_forbidden_in_development_mode(demo: Client) -> None:
    for method, path, body in (
        ("GET", f"/playlists/{ROAD_TRIP}/tracks", None),
        ("POST", f"/playlists/{ROAD_TRIP}/tracks", {"uris": [STARBOY]}),
        ("DELETE", f"/playlists/{ROAD_TRIP}/tracks", {"tracks": [{"uri": STARBOY}]}),
        ("GET", "/users/demo/playlists", None),
        ("POST", "/users/demo/playlists", {"name": "old way"}),
        ("PUT", f"/playlists/{ROAD_TRIP}/followers", None),
        ("GET", f"/playlists/{ROAD_TRIP}/followers/contains", None),
        ("GET", "/users/guest", None),
    ):
        answer = demo.call(method, path, json=body)
        assert answer.status_code == 403, (method, path)
        assert answer.json() == {"error": {"status": 403, "message": "Forbidden"}}
    assert demo.uris(ROAD_TRIP) == ROAD_TRIP_TRACKS


def test_deprecated_paths_work_in_extended_mode(
    demo: Client, guest: Client, http: httpx.Client
) -> None:
    extended(http)
    legacy = demo.call("GET", f"/playlists/{ROAD_TRIP}/tracks").json()
    assert legacy["limit"] == 100 and legacy["items"][0]["track"]["uri"] == ROAD_TRIP_TRACKS[0]
    demo.call(
        "DELETE", f"/playlists/{ROAD_TRIP}/tracks", json={"tracks": [{"uri": ROAD_TRIP_TRACKS[0]}]}
    )
    assert demo.uris(ROAD_TRIP) == ROAD_TRIP_TRACKS[1:]
    made = demo.call("POST", "/users/demo/playlists", json={"name": "old way"})
    assert made.status_code == 201
    assert demo.call("POST", "/users/guest/playlists", json={"name": "x"}).status_code == 403
    assert guest.call("PUT", f"/playlists/{ROAD_TRIP}/followers").status_code == 200
    followers = guest.call("GET", f"/playlists/{ROAD_TRIP}/followers/contains", ids="guest,demo")
    assert followers.json() == [True, True]
    assert guest.call("DELETE", f"/playlists/{ROAD_TRIP}/followers").status_code == 200
    followers = guest.call("GET", f"/playlists/{ROAD_TRIP}/followers/contains", ids="guest")
    assert followers.json() == [False]
    profile = guest.call("GET", "/users/demo").json()
    assert profile["display_name"] == "Demo Household" and profile["uri"] == "spotify:user:demo"
    assert guest.call("GET", "/users/nobody").status_code == 404
    theirs = guest.call("GET", "/users/demo/playlists").json()
    assert "Dinner Jazz" not in [p["name"] for p in theirs["items"]]  # private: not shown


# -- the player sees every change ------------------------------------------------------------


def play_order(client: Client) -> list[str]:
    def current() -> str:
        state = client.call("GET", "/me/player").json()
        uri: str = state["item"]["uri"]
        return uri

    order = [current()]
    while client.call("POST", "/me/player/next").status_code == 204:
        order.append(current())
    return order


def test_playing_an_edited_playlist_follows_its_items(demo: Client) -> None:
    made = create(demo, "Set list")
    demo.call(
        "POST",
        f"/playlists/{made['id']}/items",
        json={"uris": [STARBOY, BLINDING_LIGHTS, HEARTLESS]},
    )
    demo.call("PUT", f"/playlists/{made['id']}/items", json={"range_start": 2, "insert_before": 0})
    context = f"spotify:playlist:{made['id']}"
    played = demo.call("PUT", "/me/player/play", json={"context_uri": context}, device_id=KITCHEN)
    assert played.status_code == 204
    assert play_order(demo) == [HEARTLESS, STARBOY, BLINDING_LIGHTS]
    demo.call("PUT", "/me/player/shuffle", state="true", device_id=KITCHEN)
    demo.call("PUT", "/me/player/play", json={"context_uri": context}, device_id=KITCHEN)
    shuffled = play_order(demo)
    assert sorted(shuffled) == sorted([HEARTLESS, STARBOY, BLINDING_LIGHTS])
