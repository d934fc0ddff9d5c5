"""The player family over real HTTP: every route's success and error answers (BEHAVIOR.md §4)."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import (
    TokenFactory,
    advance_clock,
    player_state,
    user_log,
)
from tests.sandbox.player_support import (
    BEDROOM,
    EMPTY_PLAYLIST_URI,
    KITCHEN,
    OFFICE,
    PHONE,
    ROAD_TRIP_TRACKS,
    ROAD_TRIP_URI,
    STARBOY_ALBUM_URI,
    TOLERANCE_MS,
    TV,
    Api,
    assert_error,
    error_of,
)

NO_ACTIVE = "Player command failed: No active device found"
RESTRICTED = "Player command failed: Restriction violated"


def config(http: httpx.Client, **changes: object) -> None:
    assert http.post("/control/config", json=changes).status_code == 200


# -- reads ------------------------------------------------------------------------------------


def test_state_is_204_with_empty_body_when_nothing_is_active(api: Api) -> None:
    answer = api.get("/me/player")
    assert answer.status_code == 204
    assert answer.content == b""


def test_devices_lists_every_visible_device_none_active(api: Api) -> None:
    answer = api.get("/me/player/devices")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    devices = {d["id"]: d for d in answer.json()["devices"]}
    assert set(devices) == {KITCHEN, TV, BEDROOM, PHONE, OFFICE}
    assert devices[PHONE] == {
        "id": PHONE, "is_active": False, "is_private_session": False, "is_restricted": False,
        "name": "Alex's Phone", "type": "Smartphone", "volume_percent": 100,
        "supports_volume": False,
    }  # fmt: skip
    assert devices[OFFICE]["is_restricted"] is True


def test_state_after_play_has_every_field(api: Api) -> None:
    assert api.play(context_uri=ROAD_TRIP_URI).status_code == 204
    state = api.state()
    assert state["device"]["id"] == KITCHEN and state["device"]["is_active"] is True
    assert state["repeat_state"] == "off" and state["shuffle_state"] is False
    assert state["context"]["uri"] == ROAD_TRIP_URI
    assert state["context"]["type"] == "playlist"
    assert state["context"]["href"].endswith(f"/v1/playlists/{ROAD_TRIP_URI.rsplit(':', 1)[1]}")
    assert state["is_playing"] is True
    assert 0 <= state["progress_ms"] < TOLERANCE_MS
    assert isinstance(state["timestamp"], int) and state["timestamp"] > 1_700_000_000_000
    item = state["item"]
    assert item["uri"] == ROAD_TRIP_TRACKS[0] and item["type"] == "track"
    assert item["album"]["name"] and item["artists"][0]["name"] and item["duration_ms"] > 0
    assert state["currently_playing_type"] == "track"
    assert state["actions"] == {"disallows": {"resuming": True}}


def test_timestamp_is_the_last_change_not_the_fetch_time(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    first = api.state()["timestamp"]
    advance_clock(http, 5000)
    assert api.state()["timestamp"] == first
    api.put("/me/player/pause")
    assert api.state()["timestamp"] >= first + 5000


def test_currently_playing(api: Api, http: httpx.Client) -> None:
    answer = api.get("/me/player/currently-playing")
    assert answer.status_code == 204 and answer.content == b""
    api.play(uris=ROAD_TRIP_TRACKS[:2])
    body = api.get("/me/player/currently-playing").json()
    assert "device" not in body and "repeat_state" not in body and "shuffle_state" not in body
    assert body["item"]["uri"] == ROAD_TRIP_TRACKS[0]
    assert body["context"] is None and body["is_playing"] is True
    api.put("/me/player/pause")
    paused = api.get("/me/player/currently-playing")
    assert paused.status_code == 200 and paused.json()["is_playing"] is False
    # A private session hides what plays.
    http.post(f"/control/users/demo/devices/{KITCHEN}", json={"is_private_session": True})
    assert api.get("/me/player/currently-playing").status_code == 204


def test_reads_need_their_scopes(http: httpx.Client, user_token: TokenFactory) -> None:
    none = Api(http, user_token(scopes=["user-library-read"]))
    for path in ("/me/player", "/me/player/devices", "/me/player/currently-playing",
                 "/me/player/queue", "/me/player/recently-played"):  # fmt: skip
        assert_error(none.get(path), 403, "Insufficient client scope")
    current_only = Api(http, user_token(scopes=["user-read-currently-playing"]))
    assert current_only.get("/me/player/currently-playing").status_code == 204
    assert current_only.get("/me/player/queue").status_code == 200
    assert_error(current_only.get("/me/player"), 403, "Insufficient client scope")


def test_missing_and_bad_tokens_are_401(http: httpx.Client) -> None:
    answer = http.get("/v1/me/player")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="spotify"'
    bad = http.put("/v1/me/player/pause", headers={"Authorization": "Bearer nope"})
    assert_error(bad, 401, "Missing/invalid/expired access token")
    assert user_log(http) == []


# -- transfer ---------------------------------------------------------------------------------


def test_transfer_takes_effect_after_the_delay(api: Api, http: httpx.Client) -> None:
    config(http, transfer_delay_ms=60_000)
    api.play(context_uri=ROAD_TRIP_URI)
    answer = api.put("/me/player", json={"device_ids": [TV]})
    assert answer.status_code == 204 and answer.content == b""
    assert api.state()["device"]["id"] == KITCHEN, "reads before the delay see the old device"
    assert player_state(http)["pending_transfer"]["device_id"] == TV
    advance_clock(http, 60_000)
    state = api.state()
    assert state["device"]["id"] == TV and state["is_playing"] is True
    devices = {d["id"]: d["is_active"] for d in api.get("/me/player/devices").json()["devices"]}
    assert devices[TV] is True and devices[KITCHEN] is False


def test_transfer_with_play_resumes_and_wakes_an_idle_session(api: Api, http: httpx.Client) -> None:
    config(http, transfer_delay_ms=0)
    api.play(context_uri=ROAD_TRIP_URI)
    api.put("/me/player/pause")
    api.put("/me/player", json={"device_ids": [BEDROOM], "play": False})
    state = api.state()
    assert state["device"]["id"] == BEDROOM and state["is_playing"] is False
    api.put("/me/player", json={"device_ids": [TV], "play": True})
    state = api.state()
    assert state["device"]["id"] == TV and state["is_playing"] is True
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0]


def test_transfer_errors(api: Api, http: httpx.Client) -> None:
    assert_error(api.put("/me/player", json={"device_ids": [TV, KITCHEN]}), 400,
                 "Exactly one device id must be specified")
    assert_error(api.put("/me/player", json={}), 400, "Required field device_ids missing")
    assert_error(api.put("/me/player", json={"device_ids": ["0" * 40]}), 404, "Device not found")
    assert_error(api.put("/me/player", json={"device_ids": [OFFICE]}), 403, RESTRICTED, "UNKNOWN")
    malformed = api.client.put("/v1/me/player", content=b"{nope", headers=api.headers)
    assert_error(malformed, 400, "Malformed json")
    assert [e["status"] for e in user_log(http)] == [400, 400, 404, 403, 400]


# -- play -------------------------------------------------------------------------------------


def test_play_needs_an_active_or_named_device(api: Api) -> None:
    assert_error(api.play(device_id=None, context_uri=ROAD_TRIP_URI), 404, NO_ACTIVE,
                 "NO_ACTIVE_DEVICE")
    assert_error(api.play(device_id="f" * 40, context_uri=ROAD_TRIP_URI), 404, "Device not found")
    assert "reason" not in error_of(api.play(device_id="f" * 40))
    assert api.play(device_id=BEDROOM, uris=ROAD_TRIP_TRACKS[:1]).status_code == 204
    assert api.state()["device"]["id"] == BEDROOM
    # Now a device is active: commands without device_id go to it.
    assert api.play(device_id=None, uris=ROAD_TRIP_TRACKS[1:2]).status_code == 204
    assert api.state()["device"]["id"] == BEDROOM


def test_play_body_errors(api: Api) -> None:
    both = api.play(context_uri=ROAD_TRIP_URI, uris=ROAD_TRIP_TRACKS)
    assert_error(both, 400, 'Only one of either "context_uri" or "uris" can be specified')
    assert_error(api.play(context_uri="spotify:playlist:doesnotexist00000000000"), 400,
                 "Invalid context uri")
    assert_error(api.play(context_uri=ROAD_TRIP_TRACKS[0]), 400, "Invalid context uri")
    assert_error(api.play(context_uri="spotify:user:guest:collection"), 400, "Invalid context uri")
    assert_error(api.play(context_uri=ROAD_TRIP_URI, offset={}), 400,
                 'At least one of "uri" or "position" should be specified')
    assert_error(api.play(context_uri=ROAD_TRIP_URI, offset={"position": 5}), 400,
                 "position out of range")
    assert_error(api.play(uris=ROAD_TRIP_TRACKS, offset={"position": -1}), 400,
                 "position out of range")
    assert_error(api.play(uris=["spotify:album:x"]), 400, "Invalid track uri")
    assert_error(api.play(context_uri=ROAD_TRIP_URI, position_ms=-5), 400, "Invalid position_ms")
    malformed = api.client.put("/v1/me/player/play", content=b"[1,", headers=api.headers)
    assert_error(malformed, 400, "Malformed json")


def test_play_refusals_are_403(api: Api) -> None:
    assert_error(api.play(uris=[ROAD_TRIP_TRACKS[0], ROAD_TRIP_TRACKS[0]]), 403, RESTRICTED,
                 "UNKNOWN")
    assert_error(api.play(uris=["spotify:track:" + "0" * 22]), 403, RESTRICTED, "UNKNOWN")
    assert_error(api.play(context_uri=EMPTY_PLAYLIST_URI), 403, RESTRICTED, "UNKNOWN")
    missing = api.play(context_uri=STARBOY_ALBUM_URI, offset={"uri": ROAD_TRIP_TRACKS[0]})
    assert_error(missing, 403, "Player command failed: No specific track", "NO_SPECIFIC_TRACK")
    # Resuming with nothing loaded has nothing to resume.
    assert_error(api.play(), 403, RESTRICTED, "UNKNOWN")


def test_play_with_offset_and_position(api: Api) -> None:
    assert api.play(context_uri=ROAD_TRIP_URI, offset={"position": 2}, position_ms=60_000)
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[2]
    assert 60_000 <= state["progress_ms"] < 60_000 + TOLERANCE_MS
    api.play(context_uri=ROAD_TRIP_URI, offset={"uri": ROAD_TRIP_TRACKS[3]})
    assert api.item_uri() == ROAD_TRIP_TRACKS[3]
    # position_ms beyond the first item's length starts the next item.
    api.play(uris=ROAD_TRIP_TRACKS[:2], position_ms=10_000_000)
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[1] and state["progress_ms"] < TOLERANCE_MS


def test_resume_when_playing_and_pause_when_paused(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert_error(api.play(), 403, RESTRICTED, "UNKNOWN")
    assert api.put("/me/player/pause").status_code == 204
    assert_error(api.put("/me/player/pause"), 403, RESTRICTED, "UNKNOWN")
    config(http, specific_already_reasons=True)
    assert_error(api.put("/me/player/pause"), 403, "Player command failed: Already paused",
                 "ALREADY_PAUSED")
    assert api.play().status_code == 204
    assert_error(api.play(), 403, "Player command failed: Already playing", "ALREADY_PLAYING")


def test_resume_naming_another_device_moves_playback_there(api: Api) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert api.play(device_id=TV).status_code == 204, "not 'already playing': it moved"
    state = api.state()
    assert state["device"]["id"] == TV and state["is_playing"] is True
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[0]
    assert_error(api.play(device_id=TV), 403, RESTRICTED, "UNKNOWN")


def test_a_refused_command_does_not_move_playback(api: Api) -> None:
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 4})
    answer = api.post("/me/player/next", device_id=BEDROOM)
    assert_error(answer, 403, "Player command failed: No next track", "NO_NEXT_TRACK")
    assert api.state()["device"]["id"] == KITCHEN
    assert_error(api.play(device_id=TV, context_uri="spotify:album:" + "0" * 22), 400,
                 "Invalid context uri")
    assert api.state()["device"]["id"] == KITCHEN


def test_pause_freezes_progress_and_resume_continues(api: Api, http: httpx.Client) -> None:
    api.play(uris=ROAD_TRIP_TRACKS[3:4])  # a 354 s track
    advance_clock(http, 10_000)
    api.put("/me/player/pause")
    paused_at = api.state()["progress_ms"]
    assert 10_000 <= paused_at < 10_000 + TOLERANCE_MS
    advance_clock(http, 60_000)
    assert api.state()["progress_ms"] == paused_at
    assert api.state()["actions"]["disallows"] == {"pausing": True, "skipping_next": True}
    api.play()
    advance_clock(http, 5_000)
    assert paused_at + 5_000 <= api.state()["progress_ms"] < paused_at + 5_000 + TOLERANCE_MS


# -- next, previous, seek ---------------------------------------------------------------------


def test_next_and_previous(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert_error(api.post("/me/player/previous"), 403, "Player command failed: No previous track",
                 "NO_PREV_TRACK")
    assert api.post("/me/player/next").status_code == 204
    assert api.item_uri() == ROAD_TRIP_TRACKS[1]
    assert api.post("/me/player/previous").status_code == 204
    assert api.item_uri() == ROAD_TRIP_TRACKS[0], "within 3 s previous goes back a track"
    api.post("/me/player/next")
    advance_clock(http, 10_000)
    api.post("/me/player/previous")
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[1], "after 3 s previous restarts"
    assert state["progress_ms"] < TOLERANCE_MS
    api.play(context_uri=ROAD_TRIP_URI, offset={"position": 4})
    assert_error(api.post("/me/player/next"), 403, "Player command failed: No next track",
                 "NO_NEXT_TRACK")
    assert api.state()["actions"]["disallows"]["skipping_next"] is True


def test_commands_without_active_device(api: Api) -> None:
    for answer in (api.put("/me/player/pause"), api.post("/me/player/next"),
                   api.post("/me/player/previous"), api.put("/me/player/seek", position_ms=0),
                   api.put("/me/player/volume", volume_percent=10),
                   api.put("/me/player/shuffle", state="true"),
                   api.put("/me/player/repeat", state="off"),
                   api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[0])):  # fmt: skip
        assert_error(answer, 404, NO_ACTIVE, "NO_ACTIVE_DEVICE")


def test_seek(api: Api) -> None:
    api.play(uris=ROAD_TRIP_TRACKS[:2])
    assert_error(api.put("/me/player/seek"), 400, "Required parameter position_ms missing")
    assert_error(api.put("/me/player/seek", position_ms=-1), 400, "Invalid position_ms")
    assert_error(api.put("/me/player/seek", position_ms="soon"), 400, "Invalid position_ms")
    assert api.put("/me/player/seek", position_ms=120_000).status_code == 204
    state = api.state()
    assert 120_000 <= state["progress_ms"] < 120_000 + TOLERANCE_MS
    api.put("/me/player/seek", position_ms=state["item"]["duration_ms"] + 1)
    state = api.state()
    assert state["item"]["uri"] == ROAD_TRIP_TRACKS[1] and state["progress_ms"] < TOLERANCE_MS


# -- volume, shuffle, repeat ------------------------------------------------------------------


def test_volume(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert api.put("/me/player/volume", volume_percent=73).status_code == 204
    assert api.state()["device"]["volume_percent"] == 73
    assert player_state(http)["volume_percent"] == 73
    assert_error(api.put("/me/player/volume", volume_percent=101), 400, "Invalid volume_percent")
    assert_error(api.put("/me/player/volume"), 400, "Required parameter volume_percent missing")
    # A named idle device gets its volume without taking over playback.
    assert api.put("/me/player/volume", volume_percent=5, device_id=TV).status_code == 204
    devices = {d["id"]: d for d in api.get("/me/player/devices").json()["devices"]}
    assert devices[TV]["volume_percent"] == 5 and devices[TV]["is_active"] is False
    phone = api.put("/me/player/volume", volume_percent=50, device_id=PHONE)
    assert_error(phone, 403, "Player command failed: Cannot control device volume",
                 "VOLUME_CONTROL_DISALLOW")


def test_shuffle_and_repeat(api: Api) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert api.put("/me/player/shuffle", state="true").status_code == 204
    assert api.state()["shuffle_state"] is True
    assert_error(api.put("/me/player/shuffle", state="maybe"), 400, "Invalid state")
    assert_error(api.put("/me/player/shuffle"), 400, "Required parameter state missing")
    for state in ("track", "context", "off"):
        assert api.put("/me/player/repeat", state=state).status_code == 204
        assert api.state()["repeat_state"] == state
    assert_error(api.put("/me/player/repeat", state="all"), 400, "Invalid state")


# -- queue ------------------------------------------------------------------------------------


def test_queue(api: Api) -> None:
    empty = api.get("/me/player/queue")
    assert empty.status_code == 200 and empty.json() == {"currently_playing": None, "queue": []}
    api.play(context_uri=ROAD_TRIP_URI)
    assert api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[4]).status_code == 204
    body = api.get("/me/player/queue").json()
    assert body["currently_playing"]["uri"] == ROAD_TRIP_TRACKS[0]
    assert [t["uri"] for t in body["queue"]] == [ROAD_TRIP_TRACKS[4], *ROAD_TRIP_TRACKS[1:]]
    assert_error(api.post("/me/player/queue"), 400, "Required parameter uri missing")
    assert_error(api.post("/me/player/queue", uri="spotify:album:abc"), 400, "Invalid track uri")
    assert_error(api.post("/me/player/queue", uri="spotify:track:" + "1" * 22), 403, RESTRICTED,
                 "UNKNOWN")


def test_queue_needs_something_loaded(api: Api, http: httpx.Client) -> None:
    config(http, transfer_delay_ms=0)
    api.put("/me/player", json={"device_ids": [KITCHEN]})
    assert api.state()["item"] is None
    assert_error(api.post("/me/player/queue", uri=ROAD_TRIP_TRACKS[0]), 404, NO_ACTIVE,
                 "NO_ACTIVE_DEVICE")


# -- recently played --------------------------------------------------------------------------


def test_recently_played_pages_with_cursors(api: Api, http: httpx.Client) -> None:
    assert api.get("/me/player/recently-played").json()["items"] == []
    api.play(context_uri=ROAD_TRIP_URI)
    advance_clock(http, 295_893 + 225_280 + 301_920 + 1_000)  # three tracks end
    first = api.get("/me/player/recently-played", limit=2)
    assert first.status_code == 200
    page = first.json()
    assert [i["track"]["uri"] for i in page["items"]] == [ROAD_TRIP_TRACKS[2], ROAD_TRIP_TRACKS[1]]
    assert page["items"][0]["context"]["uri"] == ROAD_TRIP_URI
    assert page["items"][0]["played_at"].endswith("Z") and page["limit"] == 2
    assert page["next"] is not None and page["cursors"]["before"]
    older = httpx.get(page["next"], headers=api.headers).json()
    assert [i["track"]["uri"] for i in older["items"]] == [ROAD_TRIP_TRACKS[0]]
    assert older["next"] is None
    newer = api.get("/me/player/recently-played", after=older["cursors"]["after"]).json()
    assert [i["track"]["uri"] for i in newer["items"]] == [ROAD_TRIP_TRACKS[2], ROAD_TRIP_TRACKS[1]]


def test_recently_played_errors(api: Api) -> None:
    assert_error(api.get("/me/player/recently-played", limit=51), 400, "Invalid limit")
    assert_error(api.get("/me/player/recently-played", limit=0), 400, "Invalid limit")
    both = api.get("/me/player/recently-played", after=1, before=2)
    assert_error(both, 400, "Only one of 'after' or 'before' may be given")


def test_a_skipped_track_counts_only_after_30_seconds(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    advance_clock(http, 5_000)
    api.post("/me/player/next")
    advance_clock(http, 31_000)
    api.post("/me/player/next")
    played = api.get("/me/player/recently-played").json()["items"]
    assert [i["track"]["uri"] for i in played] == [ROAD_TRIP_TRACKS[1]]


# -- who may control --------------------------------------------------------------------------


def test_free_users_get_premium_required(http: httpx.Client, user_token: TokenFactory) -> None:
    free = Api(http, user_token("freeloader"))
    assert free.get("/me/player").status_code == 204
    assert free.get("/me/player/devices").status_code == 200
    laptop = free.get("/me/player/devices").json()["devices"][0]["id"]
    premium = "Player command failed: Premium required"
    assert_error(free.play(device_id=laptop, uris=ROAD_TRIP_TRACKS[:1]), 403, premium,
                 "PREMIUM_REQUIRED")
    assert_error(free.put("/me/player/pause"), 403, premium, "PREMIUM_REQUIRED")
    assert_error(free.put("/me/player", json={"device_ids": [laptop]}), 403, premium,
                 "PREMIUM_REQUIRED")
    assert [e["status"] for e in user_log(http, "freeloader")] == [403, 403, 403]


def test_commands_need_modify_scope(http: httpx.Client, user_token: TokenFactory) -> None:
    reader = Api(http, user_token(scopes=["user-read-playback-state"]))
    assert_error(reader.play(uris=ROAD_TRIP_TRACKS[:1]), 403, "Insufficient client scope")
    assert_error(reader.post("/me/player/next"), 403, "Insufficient client scope")
    partial = Api(http, user_token(granted=["user-read-playback-state"]))
    assert_error(partial.put("/me/player/volume", volume_percent=3), 403,
                 "Insufficient client scope")


def test_restricted_device_refuses_commands(api: Api, http: httpx.Client) -> None:
    assert_error(api.play(device_id=OFFICE, uris=ROAD_TRIP_TRACKS[:1]), 403, RESTRICTED,
                 "UNKNOWN")
    # The user starts playback on it from the Spotify app; the Web API can look, not touch.
    started = http.post("/control/users/demo/player",
                        json={"action": "play", "uris": ROAD_TRIP_TRACKS, "device_id": OFFICE})
    assert started.status_code == 200
    state = api.state()
    assert state["device"]["id"] == OFFICE and state["device"]["is_restricted"] is True
    assert state["actions"]["disallows"]["pausing"] is True
    for answer in (api.put("/me/player/pause"), api.post("/me/player/next"),
                   api.put("/me/player/volume", volume_percent=1)):  # fmt: skip
        assert_error(answer, 403, RESTRICTED, "UNKNOWN")
    assert player_state(http)["is_playing"] is True
    # Naming another device moves playback there.
    assert api.put("/me/player/pause", device_id=KITCHEN).status_code == 204
    assert player_state(http)["device"]["id"] == KITCHEN


def test_hidden_devices_are_gone(api: Api, http: httpx.Client) -> None:
    api.play(device_id=TV, uris=ROAD_TRIP_TRACKS[:1])
    http.post(f"/control/users/demo/devices/{BEDROOM}", json={"visible": False})
    ids = [d["id"] for d in api.get("/me/player/devices").json()["devices"]]
    assert BEDROOM not in ids and TV in ids
    assert_error(api.put("/me/player/pause", device_id=BEDROOM), 404, "Device not found")
    http.post(f"/control/users/demo/devices/{TV}", json={"visible": False})
    assert api.get("/me/player").status_code == 204, "the active device dropped out"
    assert_error(api.put("/me/player/pause"), 404, NO_ACTIVE, "NO_ACTIVE_DEVICE")


# -- success modes and the log ----------------------------------------------------------------


def test_200_text_success_mode(api: Api, http: httpx.Client) -> None:
    config(http, success_mode="200-text")
    answer = api.play(context_uri=ROAD_TRIP_URI)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert 10 <= len(answer.text) <= 60 and not answer.text.startswith("{")
    paused = api.put("/me/player/pause")
    assert paused.status_code == 200 and paused.text != answer.text
    assert api.get("/me/player").status_code == 200, "reads still answer JSON"
    assert [e["status"] for e in user_log(http)] == [200, 200]


def test_log_records_executed_commands_only(api: Api, http: httpx.Client) -> None:
    api.get("/me/player")
    api.play(context_uri=ROAD_TRIP_URI)
    api.put("/me/player/volume", volume_percent=20)
    assert_error(api.put("/me/player/volume", volume_percent=200), 400, "Invalid volume_percent")
    fault = {"path": "/v1/me/player/next", "status": 503, "count": 1}
    assert http.post("/control/faults", json=fault).status_code == 201
    assert api.post("/me/player/next").status_code == 503
    assert api.post("/me/player/next").status_code == 204
    log = user_log(http)
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("PUT", "/v1/me/player/play", 204),
        ("PUT", "/v1/me/player/volume", 204),
        ("PUT", "/v1/me/player/volume", 400),
        ("POST", "/v1/me/player/next", 204),
    ]
    assert log[0]["body"] == {"device_id": KITCHEN, "context_uri": ROAD_TRIP_URI}
    assert log[1]["body"] == {"volume_percent": "20"}
    assert all(isinstance(e["at"], float) for e in log)


def test_extended_mode_items_carry_the_removed_fields(api: Api, http: httpx.Client) -> None:
    api.play(context_uri=ROAD_TRIP_URI)
    assert "popularity" not in api.state()["item"]
    config(http, api_mode="extended")
    item = api.state()["item"]
    assert isinstance(item["popularity"], int) and item["available_markets"]
