"""The player state machine without HTTP: lazy time is path-independent.

Two players of the same user get the same commands at the same sandbox times. One is synced
only when a command arrives (so it replays long stretches at once, jumping over whole
repeat cycles); the other is synced every 30 s of sandbox time, so it never jumps. Their
states, histories and refusals must be identical after every step.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.sandbox.clock import SandboxClock
from skill.sandbox.config import SandboxConfig
from skill.sandbox.player import PlayerState
from skill.sandbox.responses import ApiError
from skill.sandbox.state import Sandbox
from tests.sandbox.player_support import (
    KITCHEN,
    POP_REMIX_URI,
    ROAD_TRIP_TRACKS,
    ROAD_TRIP_URI,
    STARBOY_ALBUM_URI,
)

STEP_MS = 30_000
HOUR_MS = 3_600_000


class FakeTime:
    def __init__(self) -> None:
        self.seconds = 1_800_000_000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    """A sandbox of its own on a fake time source; players are made per example."""
    return Sandbox(SandboxConfig(), clock=SandboxClock(base=FakeTime()))


def snapshot(player: PlayerState) -> tuple[Any, ...]:
    now = player.sync()
    return (
        player.current, player.context_item, player.from_queue, list(player.queue),
        player.progress_at(now), player.is_playing, player.shuffle, player.repeat,
        list(player.history), player.timestamp_ms, player.device_id,
    )  # fmt: skip


def apply(player: PlayerState, op: tuple[Any, ...]) -> tuple[int, str | None] | None:
    """Run one command; a refusal is returned as (status, reason) to compare."""
    name, *args = op
    try:
        if name == "next":
            player.next()
        elif name == "previous":
            player.previous()
        elif name == "pause":
            player.pause()
        elif name == "resume":
            player.resume()
        elif name == "shuffle":
            player.set_shuffle(args[0])
        elif name == "repeat":
            player.set_repeat(args[0])
        elif name == "queue":
            player.add_to_queue(ROAD_TRIP_TRACKS[args[0]])
        elif name == "seek":
            player.seek(args[0])
    except ApiError as exc:
        return exc.status, exc.reason
    return None


commands = st.one_of(
    st.tuples(st.sampled_from(["next", "previous", "pause", "resume"])),
    st.tuples(st.just("shuffle"), st.booleans()),
    st.tuples(st.just("repeat"), st.sampled_from(["off", "track", "context"])),
    st.tuples(st.just("queue"), st.integers(0, 4)),
    st.tuples(st.just("seek"), st.integers(0, 400_000)),
    st.tuples(st.just("advance"), st.integers(0, 400_000)),
    st.tuples(st.just("advance"), st.integers(HOUR_MS, 8 * HOUR_MS)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(
    context=st.sampled_from([ROAD_TRIP_URI, STARBOY_ALBUM_URI, POP_REMIX_URI]),
    start_shuffled=st.booleans(),
    ops=st.lists(commands, min_size=1, max_size=25),
)
def test_lazy_time_is_path_independent(
    sandbox: Sandbox, context: str, start_shuffled: bool, ops: list[tuple[Any, ...]]
) -> None:
    clock = sandbox.clock
    lazy, eager = PlayerState(sandbox, "demo"), PlayerState(sandbox, "demo")
    device = sandbox.world.users["demo"].device(KITCHEN)
    assert device is not None
    for player in (lazy, eager):
        player.wake(device)
        player.set_shuffle(start_shuffled)
        player.play(context_uri=context)
    assert snapshot(lazy) == snapshot(eager)
    for op in ops:
        if op[0] == "advance":
            remaining = op[1]
            while remaining > 0:
                step = min(STEP_MS, remaining)
                clock.advance(step / 1000)
                remaining -= step
                eager.sync()
        else:
            assert apply(lazy, op) == apply(eager, op), op
        assert snapshot(lazy) == snapshot(eager), op


def test_a_thousand_cycles_of_repeat_are_cheap_and_exact(sandbox: Sandbox) -> None:
    clock = sandbox.clock
    player = PlayerState(sandbox, "demo")
    device = sandbox.world.users["demo"].device(KITCHEN)
    assert device is not None
    player.wake(device)
    player.play(context_uri=ROAD_TRIP_URI)
    player.set_repeat("context")
    cycle = sum(player.duration_ms(uri) for uri in ROAD_TRIP_TRACKS)
    clock.advance(cycle + 10)  # a thousand full cycles (ms → s) and 10 s
    now = player.sync()
    assert player.current == ROAD_TRIP_TRACKS[0]
    assert abs(player.progress_at(now) - 10_000) <= 2
    assert len(player.history) == 50
    assert [p.uri for p in player.history][-5:] == ROAD_TRIP_TRACKS
    assert abs(player.history[-1].played_at_ms - (now - 10_000)) <= 2


def test_a_month_of_a_big_shuffled_playlist_is_cheap(sandbox: Sandbox) -> None:
    track_ids = sorted(sandbox.catalog.tracks)[:3000]
    doc = {"playlists": [{"id": "big", "name": "Big", "owner": "demo", "track_ids": track_ids}]}
    sandbox.world.extend(doc, now=sandbox.clock.now())
    player = PlayerState(sandbox, "demo")
    device = sandbox.world.users["demo"].device(KITCHEN)
    assert device is not None
    player.wake(device)
    player.set_shuffle(True)
    player.play(context_uri="spotify:playlist:big")
    player.set_repeat("context")
    sandbox.clock.advance(30 * 24 * 3600)
    started = time.perf_counter()
    player.sync()
    assert time.perf_counter() - started < 2.0
    assert player.is_playing and len(player.history) == 50
    assert len({p.uri for p in player.history}) == 50, "50 distinct plays of a 3000-entry order"
