"""Contract: each player route answers, in success and in error, as the Spotify OpenAPI says
(with the spec's known gaps handled in ``tests/sandbox/contract.py``)."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import TokenFactory, advance_clock
from tests.sandbox.contract import assert_matches_spec
from tests.sandbox.player_support import (
    KITCHEN,
    PHONE,
    ROAD_TRIP_TRACKS,
    ROAD_TRIP_URI,
    TV,
    Api,
)


def check(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert_matches_spec(response)


def test_reads_match_the_spec(api: Api, http: httpx.Client) -> None:
    check(api.get("/me"), 200)
    check(api.get("/me/player"), 204)
    check(api.get("/me/player/currently-playing"), 204)
    check(api.get("/me/player/devices"), 200)
    check(api.get("/me/player/queue"), 200)
    check(api.get("/me/player/recently-played"), 200)
    api.play(context_uri=ROAD_TRIP_URI)
    api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[3])
    advance_clock(http, 300_000)
    check(api.get("/me/player"), 200)
    check(api.get("/me/player/currently-playing"), 200)
    check(api.get("/me/player/queue"), 200)
    check(api.get("/me/player/recently-played", limit=1), 200)
    api.play(uris=ROAD_TRIP_TRACKS[:2])
    check(api.get("/me/player"), 200)  # context null


def test_read_errors_match_the_spec(http: httpx.Client, user_token: TokenFactory) -> None:
    no_scope = Api(http, user_token(scopes=["user-library-read"]))
    for path in ("/me/player", "/me/player/devices", "/me/player/currently-playing",
                 "/me/player/queue", "/me/player/recently-played"):  # fmt: skip
        check(no_scope.get(path), 403)
    check(http.get("/v1/me"), 401)
    check(Api(http, user_token()).get("/me/player/recently-played", limit=99), 400)


@pytest.mark.parametrize("mode", ["204", "200-text"])
def test_commands_match_the_spec(api: Api, http: httpx.Client, mode: str) -> None:
    http.post("/control/config", json={"success_mode": mode, "transfer_delay_ms": 0})
    status = 204 if mode == "204" else 200
    check(api.play(context_uri=ROAD_TRIP_URI), status)
    check(api.put("/me/player/pause"), status)
    check(api.play(), status)
    check(api.post("/me/player/next"), status)
    check(api.post("/me/player/previous"), status)
    check(api.put("/me/player/seek", position_ms=1000), status)
    check(api.put("/me/player/volume", volume_percent=10), status)
    check(api.put("/me/player/shuffle", state="true"), status)
    check(api.put("/me/player/repeat", state="context"), status)
    check(api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[1]), status)
    check(api.put("/me/player", json={"device_ids": [TV]}), status)


def test_command_errors_match_the_spec(api: Api, http: httpx.Client,
                                       user_token: TokenFactory) -> None:
    check(api.put("/me/player/pause"), 404)  # NO_ACTIVE_DEVICE
    check(api.post("/me/player/next"), 404)
    check(api.post("/me/player/previous"), 404)
    check(api.put("/me/player", json={"device_ids": ["0" * 40]}), 404)
    check(api.play(device_id="0" * 40), 404)
    check(api.play(context_uri=ROAD_TRIP_URI, offset={}), 400)
    api.play(device_id=PHONE, context_uri=ROAD_TRIP_URI)
    check(api.play(device_id=None), 403)  # Restriction violated
    check(api.put("/me/player/volume", volume_percent=20), 403)  # VOLUME_CONTROL_DISALLOW
    check(api.put("/me/player/seek"), 400)
    check(api.put("/me/player/shuffle", state="on"), 400)
    check(api.put("/me/player/repeat", state="all"), 400)
    check(api.post("/me/player/queue", uri="nope"), 400)
    check(api.put("/me/player", json={"device_ids": [KITCHEN, TV]}), 400)
    free = Api(http, user_token("freeloader"))
    check(free.put("/me/player/pause"), 403)  # PREMIUM_REQUIRED
