"""Helpers for the player tests: the demo user's devices and playlists, an authorised client."""

from __future__ import annotations

from typing import Any

import httpx

from skill.sandbox.ids import base62_id
from skill.sandbox.world import device_id

KITCHEN = device_id("demo", "Kitchen Speaker")
TV = device_id("demo", "Living Room TV")
BEDROOM = device_id("demo", "Bedroom Speaker")
PHONE = device_id("demo", "Alex's Phone")
OFFICE = device_id("demo", "Office Display")  # is_restricted
ROAD_TRIP = base62_id("playlist:demo:Road Trip")
ROAD_TRIP_URI = f"spotify:playlist:{ROAD_TRIP}"
ROAD_TRIP_TRACKS = [
    "spotify:track:2374M0fQpWi3dLnB54qaLX",
    "spotify:track:2WfaOiMkCvy7F5fcp2zZ8L",
    "spotify:track:1f3yAtsJtY87CTmM8RLnxf",
    "spotify:track:4u7EnebtmKWzUH433cf5Qv",
    "spotify:track:0sf12qNH5qcw8qpgymFOqD",
]
EMPTY_PLAYLIST_URI = f"spotify:playlist:{base62_id('playlist:demo:Dinner Jazz')}"
POP_REMIX_URI = "spotify:playlist:37i9dQZF1DXcZDD7cfEKhW"  # a catalog playlist, 70 tracks
STARBOY_ALBUM_URI = "spotify:album:2ODvWsOgouMbaA5xf0RkJe"  # 7 tracks
WEEKND_ARTIST_URI = "spotify:artist:1Xyo4u8uXC1ZmMpatF05PJ"
TOLERANCE_MS = 2000
"""Wall time passes between calls; progress checks allow this much drift."""


class Api:
    """A Web API client for one token; returns raw responses so tests see statuses."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(f"/v1{path}", params=params, headers=self.headers)

    def put(self, path: str, json: Any = None, **params: Any) -> httpx.Response:
        return self.client.put(f"/v1{path}", params=params, json=json, headers=self.headers)

    def post(self, path: str, **params: Any) -> httpx.Response:
        return self.client.post(f"/v1{path}", params=params, headers=self.headers)

    def play(self, device_id: str | None = KITCHEN, **body: Any) -> httpx.Response:
        params = {"device_id": device_id} if device_id else {}
        return self.put("/me/player/play", json=body or None, **params)

    def state(self) -> dict[str, Any]:
        answer = self.get("/me/player")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def item_uri(self) -> str:
        uri: str = self.state()["item"]["uri"]
        return uri


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of a Web API error response."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == response.status_code
    return body


def assert_error(
    response: httpx.Response, status: int, message: str, reason: str | None = None
) -> None:
    error = error_of(response)
    assert response.status_code == status, response.text
    assert error["message"] == message
    assert error.get("reason") == reason
