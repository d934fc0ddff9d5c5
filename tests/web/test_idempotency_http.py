"""Idempotency-Key over real HTTP: replay, conflict, concurrency, per-user keys, restart."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import httpx
import pytest

from skill.storage.crypto import generate_key
from tests.web.service_support import start_service


def _player(svc_url: str) -> dict[str, object]:
    return httpx.get(svc_url + "/sandbox/control/users/demo/player", timeout=30).json()  # type: ignore[no-any-return]


@pytest.mark.timeout(120)
def test_replay_conflict_concurrency_and_restart(tmp_path: Path) -> None:
    db, key = tmp_path / "skill.sqlite3", generate_key()
    with start_service(db, key) as svc:
        listed = svc.call("GET", "/v1/music/playlists").json()["items"]
        road_trip = next(p["uri"] for p in listed if p["name"] == "Road Trip")
        played = svc.call("POST", "/v1/music/play",
                          json={"uri": road_trip, "device": "Kitchen Speaker"})
        assert played.status_code == 200, played.text
        # a command: the first answer is stored, the repeat replays it without acting again
        headers = {"Idempotency-Key": "vol-1"}
        first = svc.call("POST", "/v1/music/volume", json={"level": 22}, headers=headers)
        assert first.status_code == 200 and first.json()["action"] == "volume", first.text
        svc.sandbox("POST", "/control/users/demo/player",
                    json={"action": "volume", "volume_percent": 60})
        again = svc.call("POST", "/v1/music/volume", json={"level": 22}, headers=headers)
        assert again.status_code == 200, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["reply"] == first.json()["reply"]
        assert _player(svc.url)["volume_percent"] == 60  # not executed a second time
        # the same key with another body is a conflict
        other = svc.call("POST", "/v1/music/volume", json={"level": 23}, headers=headers)
        assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
        # keys are per user: bob's "vol-1" is his own
        bob = svc.call("POST", "/v1/music/pause", "bob", json={}, headers=headers)
        assert bob.status_code == 200 and "idempotent-replayed" not in bob.headers, bob.text

        # concurrent requests with one key execute once (a library write, HTTP-level store)
        found = svc.call("GET", "/v1/music/search", params={"q": "queen", "limit": 3}).json()
        uris = [t["uri"] for t in found["tracks"]["items"]]
        made = svc.call("POST", "/v1/music/playlists", json={"name": "Once"},
                        headers={"Idempotency-Key": "pl-1"})
        assert made.status_code == 201, made.text
        pid = made.json()["id"]
        replay = svc.call("POST", "/v1/music/playlists", json={"name": "Once"},
                          headers={"Idempotency-Key": "pl-1"})
        assert replay.status_code == 201 and replay.json()["id"] == pid
        assert replay.headers["idempotent-replayed"] == "true"
        conflict = svc.call("POST", "/v1/music/playlists", json={"name": "Twice"},
                            headers={"Idempotency-Key": "pl-1"})
        assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"

        def add() -> httpx.Response:
            return svc.call("POST", f"/v1/music/playlists/{pid}/items", json={"uris": uris},
                            headers={"Idempotency-Key": "add-1"})

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: add(), range(6)))
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.json()["snapshot_id"] for a in answers}) == 1
        assert sum(1 for a in answers if "idempotent-replayed" not in a.headers) == 1
        items = svc.call("GET", f"/v1/music/playlists/{pid}/items").json()
        assert len(items["items"]) == len(uris)  # added once, not six times

        # concurrent player commands with one key: one execution
        svc.sandbox("POST", "/control/users/demo/player", json={"action": "pause"})

        def resume() -> httpx.Response:
            return svc.call("POST", "/v1/music/resume", json={},
                            headers={"Idempotency-Key": "res-1"})

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            resumed = list(pool.map(lambda _: resume(), range(4)))
        assert {r.status_code for r in resumed} == {200}, [r.text for r in resumed]
        assert sum(1 for r in resumed if "idempotent-replayed" not in r.headers) == 1

        # the link routes with an API key take the header too
        unlinked = svc.call("POST", "/v1/spotify/auth/unlink", "bob",
                            headers={"Idempotency-Key": "unlink-1"})
        assert unlinked.status_code == 200 and unlinked.json()["unlinked"] is True
        again_unlinked = svc.call("POST", "/v1/spotify/auth/unlink", "bob",
                                  headers={"Idempotency-Key": "unlink-1"})
        assert again_unlinked.json()["unlinked"] is True  # the first answer, replayed
        assert again_unlinked.headers["idempotent-replayed"] == "true"
        fresh = svc.call("POST", "/v1/spotify/auth/unlink", "bob")
        assert fresh.json()["unlinked"] is False

        bad = svc.call("POST", "/v1/music/pause", json={},
                       headers={"Idempotency-Key": "x" * 300})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"

    # a new app over the same SQLite file replays both kinds of stored answers
    with start_service(db, key, users=False) as svc2:
        svc2.keys.update(svc.keys)
        replay = svc2.call("POST", "/v1/music/playlists", json={"name": "Once"},
                           headers={"Idempotency-Key": "pl-1"})
        assert replay.status_code == 201 and replay.json()["id"] == pid, replay.text
        assert replay.headers["idempotent-replayed"] == "true"
        again = svc2.call("POST", "/v1/music/volume", json={"level": 22},
                          headers={"Idempotency-Key": "vol-1"})
        assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
        assert again.json()["reply"] == first.json()["reply"]
        conflict = svc2.call("POST", "/v1/music/volume", json={"level": 99},
                             headers={"Idempotency-Key": "vol-1"})
        assert conflict.status_code == 409
