"""The Rasa webhook against rasa-sdk's own server (its Sanic app) on the same actions and
payloads: the same statuses and bodies. Payloads from ``fixtures/`` (see SOURCES.md).

Both apps run in one uvicorn server so the music actions, run by either, use the same
orchestrator: ``/sdk/...`` is rasa-sdk's Sanic app (with the token turned into the action
context the same way), everything else is the service.
"""

from __future__ import annotations

import asyncio
import copy
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic
from starlette.types import Message, Receive, Scope, Send

from skill.rasa import context
from skill.rasa.server import build_executor
from skill.storage.crypto import generate_key
from tests.web.service_support import Svc, start_service

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())  # type: ignore[no-any-return]


class MyAction(Action):  # type: ignore[misc]
    """The action of rasa3_remote_action_request.json."""

    def name(self) -> str:
        return "my_action"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"hello {tracker.sender_id}")
        return [{"event": "slot", "name": "name", "value": "x"}, {"no_event_key": 1}]


class Both:
    """One ASGI app: ``/sdk/*`` → rasa-sdk's Sanic app, the rest → the service."""

    def __init__(self, ours: Any, sdk: Any) -> None:
        self.ours = ours
        self.sdk = sdk

    async def _sdk_lifespan(self) -> tuple[asyncio.Queue[Message], asyncio.Task[None]]:
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        outbox: asyncio.Queue[Message] = asyncio.Queue()
        task = asyncio.create_task(self.sdk({"type": "lifespan", "asgi": {"version": "3.0"}},
                                            inbox.get, outbox.put))
        await inbox.put({"type": "lifespan.startup"})
        await outbox.get()
        return inbox, task

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            inbox, task = await self._sdk_lifespan()
            try:
                await self.ours(scope, receive, send)
            finally:
                await inbox.put({"type": "lifespan.shutdown"})
                await asyncio.wait_for(task, 5)
            return
        path = scope.get("path", "")
        if not path.startswith("/sdk/"):
            await self.ours(scope, receive, send)
            return
        inner = dict(scope, path=path[4:], raw_path=path[4:].encode())
        runtime = self.ours.state.runtime
        token = httpx.QueryParams(scope.get("query_string", b"").decode()).get("token", "")
        user = await runtime.services.store.authenticate(token) if token else None
        entered = context.enter(context.RasaCall(user_id=user.user_id if user else "?",
                                                 runtime=runtime))
        try:
            await self.sdk(inner, receive, send)
        finally:
            context.leave(entered)


def _rasa_service(path: Path) -> Iterator[Svc]:
    Sanic.test_mode = True
    sdk = create_sdk_app(build_executor([MyAction], ["tests.rasa.dev_actions"]))
    holder: dict[str, Any] = {}

    def wrap(app: Any) -> Any:
        holder["app"] = app
        return Both(app, sdk)

    with start_service(path, generate_key(), rasa_actions=[MyAction],
                       rasa_packages=["tests.rasa.dev_actions"], wrap=wrap) as service:
        yield service


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Svc]:
    yield from _rasa_service(tmp_path_factory.mktemp("rasa") / "skill.sqlite3")


@pytest.fixture
def fresh_svc(tmp_path: Path) -> Iterator[Svc]:
    """A service of its own: no device remembered from other tests."""
    yield from _rasa_service(tmp_path / "skill.sqlite3")


def _both(svc: Svc, content: bytes, headers: dict[str, str] | None = None,
          user: str = "demo") -> tuple[httpx.Response, httpx.Response]:
    params = {"token": svc.keys[user]}
    sent = {"Content-Type": "application/json", **(headers or {})}
    ours = httpx.post(svc.url + "/webhook", params=params, content=content, headers=sent,
                      timeout=60)
    theirs = httpx.post(svc.url + "/sdk/webhook", params=params, content=content, headers=sent,
                        timeout=60)
    return ours, theirs


def _same(ours: httpx.Response, theirs: httpx.Response) -> Any:
    assert ours.status_code == theirs.status_code, (ours.text, theirs.text)
    assert ours.json() == theirs.json()
    return ours.json()


def _payloads() -> dict[str, bytes]:
    weather = fixture("docs_weather_request.json")
    remote = fixture("rasa3_remote_action_request.json")
    no_domain = copy.deepcopy(remote)
    del no_domain["domain"]
    no_domain["domain_digest"] = "unknown-digest"
    no_action = copy.deepcopy(remote)
    del no_action["next_action"]
    no_tracker = {"next_action": "my_action", "version": "3.6.0"}
    return {
        "weather": json.dumps(weather).encode(),
        "remote": json.dumps(remote).encode(),
        "unknown": json.dumps(fixture("sdk_test_unknown_action_request.json")).encode(),
        "no_domain": json.dumps(no_domain).encode(),
        "no_action": json.dumps(no_action).encode(),
        "no_tracker": json.dumps(no_tracker).encode(),
        "empty": b"",
        "null": b"null",
        "malformed": b"{not json",
        "list": b"[1, 2]",
        "string": b'"hello"',
    }


@pytest.mark.parametrize("name", list(_payloads()))
def test_same_answers_as_rasa_sdk(svc: Svc, name: str) -> None:
    ours, theirs = _both(svc, _payloads()[name])
    body = _same(ours, theirs)
    expected = {"weather": 200, "remote": 200, "unknown": 404, "no_domain": 449,
                "no_action": 200, "no_tracker": 500, "empty": 400, "null": 400,
                "malformed": 400, "list": 500, "string": 500}[name]
    assert ours.status_code == expected
    if name == "weather":
        documented = fixture("docs_weather_response.json")
        assert body["events"] == documented["events"]
        assert [r["text"] for r in body["responses"]] == [documented["responses"][0]["text"]]
    if name == "remote":
        assert body["events"] == [{"event": "slot", "name": "name", "value": "x"}]
    if name == "unknown":
        assert body["action_name"] == "non_existing_action"


def test_deflated_bodies_and_lists_of_actions(svc: Svc) -> None:
    raw = json.dumps(fixture("rasa3_remote_action_request.json")).encode()
    _same(*_both(svc, zlib.compress(raw), {"Content-Encoding": "deflate"}))
    params = {"token": svc.keys["demo"]}
    ours = httpx.get(svc.url + "/actions", params=params)
    theirs = httpx.get(svc.url + "/sdk/actions", params=params)
    names = [a["name"] for a in _same(ours, theirs)]
    assert names[:8] == ["action_play_music", "action_pause", "action_resume", "action_next",
                         "action_previous", "action_volume", "action_now_playing",
                         "action_music_command"]
    assert {"my_action", "action_tell_weather", "action_who_am_i"} <= set(names)
    _same(httpx.get(svc.url + "/health"), httpx.get(svc.url + "/sdk/health"))


def test_music_play_action_same_answer_and_a_retry_does_not_play_twice(svc: Svc) -> None:
    payload = fixture("authored_music_play_request.json")
    payload["tracker"]["latest_message"]["message_id"] = "turn-play-1"
    ours, theirs = _both(svc, json.dumps(payload).encode())
    body = _same(ours, theirs)  # rasa-sdk's server ran second: the turn's outcome replayed
    assert ours.status_code == 200 and body["events"] == []
    [message] = body["responses"]
    outcome = message["custom"]
    assert message["text"] == outcome["reply"] and outcome["intent"]["name"] == "music.play"
    assert outcome["intent"]["slots"] == {"track": "bohemian rhapsody"}


def test_a_missing_song_plays_its_artist_and_the_action_says_so(svc: Svc) -> None:
    payload = fixture("authored_music_play_request.json")
    payload["tracker"]["latest_message"]["message_id"] = "turn-play-fallback"
    payload["tracker"]["slots"].update({"song": "i want you", "artist": "marvin gaye"})
    r = httpx.post(svc.url + "/webhook", params={"token": svc.keys["demo"]}, json=payload,
                   timeout=60)
    assert r.status_code == 200, r.text
    [message] = r.json()["responses"]
    outcome = message["custom"]
    assert outcome["ok"] and outcome["action"] == "play_fallback", outcome
    assert message["text"] == outcome["reply"] == (
        "I couldn't find I Want You by Marvin Gaye, so here's Marvin Gaye on Kitchen Speaker."
    )
    assert outcome["playing"]["uri"].startswith("spotify:artist:")


def test_what_cannot_play_is_answered_before_which_device(fresh_svc: Svc) -> None:
    """No device named and none remembered: a song not in the catalog is answered at once
    (not "Which device should I use?" first); one that can play asks for the device."""
    payload = fixture("authored_music_play_request.json")
    del payload["tracker"]["slots"]["device"]
    message = payload["tracker"]["latest_message"]
    message["entities"] = [e for e in message["entities"] if e["entity"] != "device"]
    message["text"] = "play it"

    def play(turn: str, song: str) -> dict[str, Any]:
        payload["tracker"]["latest_message"]["message_id"] = turn
        payload["tracker"]["slots"].update({"song": song})
        r = httpx.post(fresh_svc.url + "/webhook", params={"token": fresh_svc.keys["demo"]},
                       json=payload, timeout=60)
        assert r.status_code == 200, r.text
        [message] = r.json()["responses"]
        assert message["text"] == message["custom"]["reply"]
        return message["custom"]  # type: ignore[no-any-return]

    missing = play("turn-missing", "zqxjv wplkh")
    assert missing["error"]["code"] == "not_found", missing
    assert missing["reply"] == "I couldn't find zqxjv wplkh on Spotify."
    found = play("turn-found", "bohemian rhapsody")
    assert found["error"] is not None and found["error"]["code"] == "no_active_device", found
    assert found["reply"].startswith("Which device should I use?")


def test_actions_act_as_the_token_user_and_refuse_missing_tokens(svc: Svc) -> None:
    call = fixture("rasa3_remote_action_request.json")
    call["next_action"] = "action_who_am_i"
    for user in ("demo", "bob"):
        r = httpx.post(svc.url + "/webhook", params={"token": svc.keys[user]}, json=call)
        assert r.status_code == 200, r.text
        assert r.json()["responses"][0]["text"] == f"You are {user}."
    for params in ({}, {"token": "sk_wrong"}):
        r = httpx.post(svc.url + "/webhook", params=params, json=call)
        assert r.status_code == 401 and "token" in r.json()["error"]
        assert httpx.get(svc.url + "/actions", params=params).status_code == 401
    # the pause action pauses bob's player, not demo's
    svc.sandbox("POST", "/control/users/guest/player",
                json={"action": "play", "uris": [_a_track(svc)]})
    call["next_action"] = "action_pause"
    call["tracker"]["latest_message"]["message_id"] = "turn-pause-bob"
    r = httpx.post(svc.url + "/webhook", params={"token": svc.keys["bob"]}, json=call)
    assert r.status_code == 200, r.text
    assert svc.sandbox("GET", "/control/users/guest/player").json()["is_playing"] is False


def _a_track(svc: Svc) -> str:
    found = svc.call("GET", "/v1/music/search", params={"q": "queen", "limit": 1}).json()
    return str(found["tracks"]["items"][0]["uri"])


def test_sender_mapping_for_a_multi_user_assistant(svc: Svc,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from argparse import Namespace

    from skill.rasa import cli

    call = fixture("rasa3_remote_action_request.json")
    call["next_action"] = "action_who_am_i"
    call["sender_id"] = call["tracker"]["sender_id"] = "tablet-of-bob"

    def who(user: str = "demo") -> httpx.Response:
        return httpx.post(svc.url + "/webhook", params={"token": svc.keys[user]}, json=call)

    assert who().json()["responses"][0]["text"] == "You are demo."  # unmapped: the gateway
    assert cli.run(Namespace(action="map", gateway="demo", sender="tablet-of-bob",
                             user="bob"), svc.settings) == 0
    assert who().json()["responses"][0]["text"] == "You are bob."
    # the mapping belongs to demo's token: bob's own token still acts as bob, and a mapping
    # never lets another gateway borrow it
    assert who("bob").json()["responses"][0]["text"] == "You are bob."
    assert cli.run(Namespace(action="map", gateway="demo", sender="tablet-of-bob",
                             user="nobody"), svc.settings) == 1
    assert cli.run(Namespace(action="list", gateway=None), svc.settings) == 0
    assert "tablet-of-bob" in capsys.readouterr().out
    # a mapped user whose key was revoked is refused
    assert cli.run(Namespace(action="map", gateway="demo", sender="tablet-of-bob",
                             user="eve"), svc.settings) == 0
    from tests.web.service_support import revoke

    revoke(svc.settings, "eve")
    assert who().status_code == 401
    assert cli.run(Namespace(action="unmap", gateway="demo", sender="tablet-of-bob"),
                   svc.settings) == 0
    assert who().json()["responses"][0]["text"] == "You are demo."
