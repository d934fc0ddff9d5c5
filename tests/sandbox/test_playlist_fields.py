"""The ``fields`` filter of the playlist endpoints."""

from __future__ import annotations

import httpx
import pytest

from skill.sandbox.fields import FieldsError, apply_fields, parse_fields
from tests.sandbox.conftest import TokenFactory
from tests.sandbox.player_support import ROAD_TRIP, ROAD_TRIP_TRACKS

PLAYLIST = {
    "name": "Road Trip",
    "uri": "spotify:playlist:x",
    "owner": {"id": "demo", "display_name": "Demo"},
    "items": {
        "total": 2,
        "items": [
            {
                "added_at": "t1",
                "added_by": {"id": "demo", "uri": "u"},
                "item": {"name": "A", "album": {"name": "AA", "href": "h1", "images": []}},
            },
            {
                "added_at": "t2",
                "added_by": {"id": "guest", "uri": "v"},
                "item": {"name": "B", "album": {"name": "BB", "href": "h2", "images": []}},
            },
        ],
    },
}


def test_top_level_keys() -> None:
    assert apply_fields(PLAYLIST, parse_fields("name,uri")) == {
        "name": "Road Trip",
        "uri": "spotify:playlist:x",
    }


def test_dots_and_parentheses_reach_into_lists() -> None:
    tree = parse_fields("items.items(added_at,added_by.id),owner.id")
    assert apply_fields(PLAYLIST, tree) == {
        "items": {
            "items": [
                {"added_at": "t1", "added_by": {"id": "demo"}},
                {"added_at": "t2", "added_by": {"id": "guest"}},
            ]
        },
        "owner": {"id": "demo"},
    }


def test_nested_parentheses_and_exclusions() -> None:
    tree = parse_fields("items.items(item(name,album(!images)))")
    first = apply_fields(PLAYLIST, tree)["items"]["items"][0]
    assert first == {"item": {"name": "A", "album": {"name": "AA", "href": "h1"}}}


@pytest.mark.parametrize("bad", ["items(name", "name)", "a..b", "(x)"])
def test_malformed_fields(bad: str) -> None:
    with pytest.raises(FieldsError):
        parse_fields(bad)


def test_fields_over_http(http: httpx.Client, user_token: TokenFactory) -> None:
    headers = {"Authorization": f"Bearer {user_token(scopes=['playlist-read-private'])}"}
    answer = http.get(
        f"/v1/playlists/{ROAD_TRIP}",
        params={"fields": "name,items.items(item(uri))"},
        headers=headers,
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "name": "Road Trip",
        "items": {"items": [{"item": {"uri": uri}} for uri in ROAD_TRIP_TRACKS]},
    }
    page = http.get(
        f"/v1/playlists/{ROAD_TRIP}/items", params={"fields": "total,next"}, headers=headers
    )
    assert page.json() == {"total": 5, "next": None}
    bad = http.get(f"/v1/playlists/{ROAD_TRIP}", params={"fields": "items("}, headers=headers)
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Invalid fields"
