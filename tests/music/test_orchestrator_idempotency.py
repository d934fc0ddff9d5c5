"""At most once per idempotency key, replayed from SQLite (also after a restart), with the
sandbox's log of executed calls as the witness."""

from __future__ import annotations

import asyncio
import contextlib

from skill.music.events import PlaybackChanged
from tests.music.conftest import Music, World

BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"
NEXT = "/v1/me/player/next"


def _playing_road_trip(world: World) -> None:
    road = next(p for p in world.sandbox.world.playlists.values() if p.name == "Road Trip")
    world.play_on("Kitchen Speaker", context_uri=f"spotify:playlist:{road.id}")


async def test_replayed_not_repeated_and_after_a_restart(music: Music, world: World) -> None:
    _playing_road_trip(world)
    first = await music.say("next song", idempotency_key="turn-1")
    assert first.ok and first.action == "next"
    item = world.player()["item"]["uri"]
    again = await music.say("next song", idempotency_key="turn-1")
    assert again.to_dict() == first.to_dict()
    assert again.details.get("replayed") is True
    assert len(world.calls("demo", NEXT)) == 1
    assert world.player()["item"]["uri"] == item

    restarted = music.new_orchestrator()
    after = await restarted.handle_text("demo", "next song", idempotency_key="turn-1")
    assert after.to_dict() == first.to_dict()
    assert len(world.calls("demo", NEXT)) == 1

    other = await restarted.handle_text("demo", "next song", idempotency_key="turn-2")
    assert other.ok and len(world.calls("demo", NEXT)) == 2


async def test_same_key_different_command_is_a_conflict(music: Music, world: World) -> None:
    _playing_road_trip(world)
    assert (await music.say("next song", idempotency_key="k")).ok
    clash = await music.say("previous song", idempotency_key="k")
    assert not clash.ok and clash.error is not None
    assert clash.error.code == "conflict" and clash.status == 409
    assert clash.reply == "That request ID was already used for a different command."
    assert world.calls("demo", "/v1/me/player/previous") == []


async def test_concurrent_requests_with_one_key_execute_once(
    music: Music, world: World
) -> None:
    _playing_road_trip(world)
    outcomes = await asyncio.gather(
        *(music.say("next song", idempotency_key="burst") for _ in range(5))
    )
    assert all(o.ok for o in outcomes)
    assert len({o.reply for o in outcomes}) == 1
    assert len(world.calls("demo", NEXT)) == 1


async def test_two_instances_on_one_database_execute_once(music: Music, world: World) -> None:
    """Two orchestrators (two processes' worth of state) share the SQLite file: the second
    waits on the first one's running record, then replays its outcome."""
    _playing_road_trip(world)
    other = music.new_orchestrator()
    world.fault(path="/v1/me/player/next", method="POST", latency_ms=400, count=1)
    first, second = await asyncio.gather(
        music.say("next song", idempotency_key="shared"),
        other.handle_text("demo", "next song", idempotency_key="shared"),
    )
    assert first.ok and second.ok
    assert first.reply == second.reply
    assert len(world.calls("demo", NEXT)) == 1


async def test_a_failure_that_never_acted_gives_the_key_back(
    music: Music, world: World
) -> None:
    """Nothing playing: "next" fails without sending a write, so the key is not spent; once
    the user started something in their app, the same request runs."""
    idle = await music.say("next song", idempotency_key="retry-me")
    assert idle.error is not None and idle.error.code == "not_found"
    _playing_road_trip(world)
    retried = await music.say("next song", idempotency_key="retry-me")
    assert retried.ok, retried.to_dict()
    assert len(world.calls("demo", NEXT)) == 1


async def test_a_failure_after_a_write_is_replayed(music: Music, world: World) -> None:
    """A command that may have acted is never run twice: its failure is the answer."""
    _playing_road_trip(world)
    world.fault(path="/v1/me/player/next", method="POST", status=502)
    failed = await music.say("next song", idempotency_key="maybe")
    assert failed.error is not None and failed.error.code == "upstream_unavailable"
    assert world.stats()["api_requests_by_path"].get("/v1/me/player/next", 0) >= 1
    replay = await music.say("next song", idempotency_key="maybe")
    assert replay.to_dict() == failed.to_dict()


async def test_playback_changes_are_published(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    received: list[PlaybackChanged] = []
    async with music.orchestrator.events.subscribe("demo") as subscription:
        await music.say("pause")
        await music.say("set the volume to 20")
        await music.say("what's playing")  # reads only: nothing published
        await music.say("resume")
        for _ in range(3):
            event = await asyncio.wait_for(subscription.get(), 1)
            assert event is not None
            received.append(event)
    assert [e.action for e in received] == ["pause", "volume", "resume"]
    assert received[0].device == "Kitchen Speaker" and received[0].is_playing is False
    assert received[0].playing is not None and received[0].playing.uri == BLINDING_LIGHTS
    assert received[1].volume_percent == 20
    assert received[2].to_dict()["type"] == "playback_changed"
    assert len(music.orchestrator.events) == 0  # closed on exit


async def test_cancelled_before_any_write_gives_the_key_back(
    music: Music, world: World
) -> None:
    _playing_road_trip(world)
    world.fault(path="/v1/me/player", method="GET", latency_ms=2000, count=1)
    task = asyncio.create_task(music.say("next song", idempotency_key="cut"))
    await asyncio.sleep(0.3)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    retried = await music.say("next song", idempotency_key="cut")
    assert retried.ok, retried.to_dict()
    assert len(world.calls("demo", NEXT)) == 1


async def test_cancelled_after_a_write_is_never_run_again(music: Music, world: World) -> None:
    _playing_road_trip(world)
    world.fault(path="/v1/me/player/next", method="POST", latency_ms=1500, count=1)
    task = asyncio.create_task(music.say("next song", idempotency_key="cut-late"))
    await asyncio.sleep(0.6)  # the next call is on the wire
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    impatient = music.new_orchestrator(short_budget=0.5)
    again = await impatient.handle_text("demo", "next song", idempotency_key="cut-late")
    assert again.error is not None and again.error.code == "conflict"
    assert again.error.details["reason"] in {"idempotency_in_progress", "idempotency_unfinished"}


async def test_expired_records_are_purged_on_the_way(music: Music, world: World) -> None:
    import sqlite3
    import time

    from skill.music.orchestrator import MusicOrchestrator
    from skill.music.store import IDEMPOTENCY_TTL, MusicStore

    past = MusicStore(music.db, clock=lambda: time.time() - IDEMPOTENCY_TTL - 60)
    await past.claim("demo", "ancient", "fp")
    await past.finish("demo", "ancient", {"ok": True, "reply": "Long ago."})
    past.close()
    store = MusicStore(music.db)
    try:
        fresh = MusicOrchestrator.for_spotify(music.services.client, store)
        _playing_road_trip(world)
        assert (await fresh.handle_text("demo", "pause", idempotency_key="now")).ok
    finally:
        store.close()
    with sqlite3.connect(music.db) as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM music_idempotency")}
    assert keys == {"now"}
