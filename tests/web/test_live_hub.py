"""The live hub alone: poll cadence, what counts as a change, one watcher per listened user,
no polling without listeners. The state source is an injected function."""

from __future__ import annotations

import asyncio
from typing import Any

from skill.errors import NotLinked
from skill.music.events import EventBus, PlaybackChanged
from skill.web.live import LiveHub, LivePolicy, signature


def _state(playing: bool = True, uri: str = "spotify:track:a", progress: int = 1000,
           duration: int = 200_000, volume: int = 40) -> dict[str, Any]:
    return {"is_playing": playing, "item": {"uri": uri, "duration_ms": duration},
            "device": {"id": "d1", "volume_percent": volume}, "context": None,
            "progress_ms": progress, "repeat_state": "off", "shuffle_state": False}


def test_interval_is_fast_while_playing_sooner_near_the_end_slow_when_idle() -> None:
    policy = LivePolicy(active=2.0, idle=10.0, end_margin=0.3, minimum=0.25)
    assert policy.interval(_state()) == 2.0
    assert policy.interval(_state(progress=199_000)) == 1.3
    assert policy.interval(_state(progress=200_000)) == 0.3
    assert policy.interval(_state(progress=250_000)) == 0.25
    assert policy.interval(_state(playing=False)) == 10.0
    assert policy.interval(None) == 10.0


def test_signature_ignores_progress_but_not_item_device_volume() -> None:
    assert signature(_state(progress=1)) == signature(_state(progress=90_000))
    assert signature(_state()) != signature(_state(uri="spotify:track:b"))
    assert signature(_state()) != signature(_state(volume=41))
    assert signature(_state()) != signature(_state(playing=False))
    assert signature(None) == signature({})


def test_watcher_pushes_changes_events_and_errors_and_stops_without_listeners() -> None:
    async def scenario() -> None:
        states: list[Any] = [_state(), _state(), _state(volume=10), NotLinked()]
        calls: list[str] = []

        async def fetch(user_id: str) -> dict[str, Any]:
            calls.append(user_id)
            value = states[min(len(calls) - 1, len(states) - 1)]
            if isinstance(value, Exception):
                raise value
            return value  # type: ignore[no-any-return]

        bus = EventBus()
        hub = LiveHub(fetch, events=bus, policy=LivePolicy(active=0.05, idle=0.05,
                                                            minimum=0.01))
        listener = hub.listen("u1")
        other = hub.listen("u2")
        first = await asyncio.wait_for(listener.queue.get(), 1)
        assert first["cause"] == "initial" and first["state"]["is_playing"]
        changed = await asyncio.wait_for(listener.queue.get(), 1)
        assert changed["cause"] == "poll" and changed["state"]["device"]["volume_percent"] == 10
        error = await asyncio.wait_for(listener.queue.get(), 1)
        assert error == {"type": "error", "error": NotLinked().to_dict()}
        # the same error is not repeated on every poll
        await asyncio.sleep(0.2)
        assert listener.queue.empty()
        # an event of our own command is passed on at once
        bus.publish(PlaybackChanged(user_id="u1", action="pause", is_playing=False))
        event = await asyncio.wait_for(listener.queue.get(), 1)
        assert event["type"] == "command" and event["event"]["action"] == "pause"
        assert "user_id" not in event["event"]
        await hub.leave(listener)
        await hub.leave(other)
        assert len(hub) == 0 and len(bus) == 0
        polled = len(calls)
        await asyncio.sleep(0.2)
        assert len(calls) == polled  # nobody listens: no polling

    asyncio.run(scenario())
