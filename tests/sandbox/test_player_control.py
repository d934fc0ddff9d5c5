"""The player's control plane: the true state, changes made "in the Spotify app", devices."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.conftest import advance_clock, player_state, user_log
from tests.sandbox.player_support import (
    BEDROOM,
    KITCHEN,
    OFFICE,
    PHONE,
    ROAD_TRIP_TRACKS,
    ROAD_TRIP_URI,
    TOLERANCE_MS,
    TV,
    Api,
)


def app_action(http: httpx.Client, **body: Any) -> httpx.Response:
    return http.post("/control/users/demo/player", json=body)


def test_idle_state_shape(http: httpx.Client) -> None:
    assert player_state(http) == {
        "is_playing": False, "device": None, "item": None, "context_uri": None,
        "progress_ms": None, "queue": [], "volume_percent": None, "shuffle": False,
        "repeat": "off", "timestamp": player_state(http)["timestamp"], "pending_transfer": None,
    }  # fmt: skip


def test_state_mirrors_the_web_api(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[3])
    api.put("/me/player/volume", volume_percent=64)
    api.put("/me/player/repeat", state="context")
    advance_clock(http, 12_000)
    state = player_state(http)
    assert state["is_playing"] is True
    assert state["device"] == {"id": KITCHEN, "name": "Kitchen Speaker"}
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0]
    assert state["item"]["name"] == "Africa" and state["item"]["artists"] == ["TOTO"]
    assert state["item"]["album"] == "Toto IV"
    assert state["context_uri"] == ROAD_TRIP_URI
    assert 12_000 <= state["progress_ms"] < 12_000 + TOLERANCE_MS
    assert state["queue"] == [ROAD_TRIP_TRACKS[3]]
    assert state["volume_percent"] == 64 and state["repeat"] == "context"


def test_app_actions_change_what_the_web_api_sees(api: Api, http: httpx.Client) -> None:
    answer = app_action(http, action="play", uris=ROAD_TRIP_TRACKS, device_id=TV)
    assert answer.status_code == 200 and answer.json()["device"]["id"] == TV
    assert api.state()["device"]["id"] == TV
    app_action(http, action="next")
    assert api.item_uri() == ROAD_TRIP_TRACKS[1]
    app_action(http, action="pause")
    assert api.state()["is_playing"] is False
    app_action(http, action="resume")
    app_action(http, action="seek", position_ms=42_000)
    assert 42_000 <= api.state()["progress_ms"] < 42_000 + TOLERANCE_MS
    app_action(http, action="volume", volume_percent=12)
    assert api.state()["device"]["volume_percent"] == 12
    app_action(http, action="shuffle", state=True)
    app_action(http, action="repeat", state="track")
    state = api.state()
    assert state["shuffle_state"] is True and state["repeat_state"] == "track"
    app_action(http, action="queue", uri=ROAD_TRIP_TRACKS[4])
    assert api.get("/me/player/queue").json()["queue"][0]["uri"] == ROAD_TRIP_TRACKS[4]
    app_action(http, action="previous")
    moved = app_action(http, action="transfer", device_id=BEDROOM)
    assert moved.json()["device"]["id"] == BEDROOM, "the app's transfers are immediate"
    assert api.state()["device"]["id"] == BEDROOM
    app_action(http, action="disconnect")
    assert api.get("/me/player").status_code == 204
    assert user_log(http) == [], "the app's actions are not Web API calls"


def test_app_may_play_on_restricted_devices(http: httpx.Client) -> None:
    answer = app_action(http, action="play", context_uri=ROAD_TRIP_URI, device_id=OFFICE)
    assert answer.status_code == 200 and answer.json()["device"]["id"] == OFFICE


def test_control_errors(http: httpx.Client) -> None:
    unknown_user = http.post("/control/users/nobody/player", json={"action": "pause"})
    assert unknown_user.status_code == 404
    assert http.get("/control/users/nobody/player").status_code == 404
    no_device = app_action(http, action="pause")
    assert no_device.status_code == 409
    assert no_device.json()["error"]["reason"] == "NO_ACTIVE_DEVICE"
    assert app_action(http, action="dance").status_code == 400
    bad_json = http.post("/control/users/demo/player", content=b"{")
    assert bad_json.status_code == 400
    missing_device = app_action(http, action="play", uris=ROAD_TRIP_TRACKS, device_id="f" * 40)
    assert missing_device.status_code == 404
    assert missing_device.json()["error"]["message"] == "Device not found"
    app_action(http, action="play", uris=ROAD_TRIP_TRACKS[:1], device_id=TV)
    last = app_action(http, action="next")
    assert last.status_code == 409 and last.json()["error"]["reason"] == "NO_NEXT_TRACK"
    assert app_action(http, action="play", uris=[], device_id=TV).status_code == 400
    assert app_action(http, action="volume", volume_percent=300).status_code == 400
    assert app_action(http, action="shuffle", state="yes").status_code == 400
    assert app_action(http, action="repeat", state="always").status_code == 400
    assert app_action(http, action="transfer", device_id=TV, play="yes").status_code == 400
    assert app_action(http, action="transfer").status_code == 400


def test_devices_can_drop_out_and_come_back(api: Api, http: httpx.Client) -> None:
    everything = http.get("/control/users/demo/devices").json()["devices"]
    assert {d["id"] for d in everything} == {KITCHEN, TV, BEDROOM, PHONE, OFFICE}
    hidden = http.post(f"/control/users/demo/devices/{PHONE}", json={"visible": False})
    assert hidden.status_code == 200 and hidden.json()["visible"] is False
    listed = [d["id"] for d in api.get("/me/player/devices").json()["devices"]]
    assert PHONE not in listed
    assert len(http.get("/control/users/demo/devices").json()["devices"]) == 5
    http.post(f"/control/users/demo/devices/{PHONE}", json={"visible": True})
    assert PHONE in [d["id"] for d in api.get("/me/player/devices").json()["devices"]]


def test_device_settings(api: Api, http: httpx.Client) -> None:
    changed = http.post(f"/control/users/demo/devices/{PHONE}",
                        json={"supports_volume": True, "volume_percent": 15})
    assert changed.status_code == 200
    assert api.put("/me/player/volume", volume_percent=30, device_id=PHONE).status_code == 204
    assert http.post(f"/control/users/demo/devices/{PHONE}", json={"color": "red"}).status_code \
        == 400
    assert http.post(f"/control/users/demo/devices/{PHONE}",
                     json={"visible": "no"}).status_code == 400
    assert http.post("/control/users/demo/devices/nope", json={}).status_code == 404


def test_hiding_the_active_device_ends_the_session(api: Api, http: httpx.Client) -> None:
    api.play(device_id=TV, uris=ROAD_TRIP_TRACKS)
    http.post(f"/control/users/demo/devices/{TV}", json={"visible": False})
    state = player_state(http)
    assert state["device"] is None and state["is_playing"] is False
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0], "what was loaded stays loaded"
    http.post(f"/control/users/demo/devices/{TV}", json={"visible": True})
    assert api.get("/me/player").status_code == 204, "coming back does not reactivate it"
    assert api.play(device_id=TV).status_code == 204, "resume on a named device"
    assert api.state()["item"]["uri"] == ROAD_TRIP_TRACKS[0]


def test_reset_clears_the_players(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    api.put("/me/player/volume", volume_percent=99)
    assert http.post("/control/reset").status_code == 204
    assert player_state(http)["device"] is None
    volumes = {d["id"]: d["volume_percent"]
               for d in api.get("/me/player/devices").json()["devices"]}
    assert volumes[KITCHEN] == 40
