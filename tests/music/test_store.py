"""The orchestrator's SQLite memory: idempotency claims, devices, short-lived context."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.music.store import IDEMPOTENCY_TTL, STALE_RUNNING, MusicStore


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[MusicStore]:
    opened = MusicStore(tmp_path / "skill.sqlite3", clock=clock)
    yield opened
    opened.close()


async def test_claim_finish_replay_conflict(store: MusicStore) -> None:
    assert (await store.claim("u", "k", "fp1")).state == "claimed"
    assert (await store.claim("u", "k", "fp1")).state == "running"
    assert (await store.claim("u", "k", "fp2")).state == "conflict"
    await store.finish("u", "k", {"ok": True, "reply": "Paused."})
    done = await store.claim("u", "k", "fp1")
    assert done.state == "done" and done.outcome == {"ok": True, "reply": "Paused."}
    assert (await store.claim("u", "k", "fp2")).state == "conflict"
    # keys are per user
    assert (await store.claim("v", "k", "fp2")).state == "claimed"


async def test_release_gives_the_key_back(store: MusicStore) -> None:
    assert (await store.claim("u", "k", "fp")).state == "claimed"
    await store.release("u", "k")
    assert (await store.claim("u", "k", "other")).state == "claimed"


async def test_records_survive_reopening(tmp_path: Path, clock: Clock) -> None:
    first = MusicStore(tmp_path / "db.sqlite3", clock=clock)
    await first.claim("u", "k", "fp")
    await first.finish("u", "k", {"ok": True, "reply": "Done."})
    await first.remember_device("u", "last", "dev-1", "Kitchen Speaker")
    first.close()
    second = MusicStore(tmp_path / "db.sqlite3", clock=clock)
    try:
        claim = await second.claim("u", "k", "fp")
        assert claim.state == "done" and claim.outcome == {"ok": True, "reply": "Done."}
        remembered = await second.remembered_device("u", "last")
        assert remembered is not None and remembered.name == "Kitchen Speaker"
    finally:
        second.close()


async def test_stale_running_and_expired_done(store: MusicStore, clock: Clock) -> None:
    await store.claim("u", "crashed", "fp")
    clock.now += STALE_RUNNING + 1
    assert (await store.claim("u", "crashed", "fp")).state == "stale"
    await store.claim("u", "old", "fp")
    await store.finish("u", "old", {"ok": True, "reply": "x"})
    clock.now += IDEMPOTENCY_TTL + 1
    assert (await store.claim("u", "old", "fp-new")).state == "claimed"
    await store.claim("u", "gone", "fp")
    await store.finish("u", "gone", {"ok": True, "reply": "x"})
    clock.now += IDEMPOTENCY_TTL + 1
    assert await store.purge() >= 1


async def test_concurrent_claims_have_one_winner(tmp_path: Path, clock: Clock) -> None:
    """Two stores (two processes) on one file race for a key: exactly one claims it."""
    stores = [MusicStore(tmp_path / "race.sqlite3", clock=clock) for _ in range(4)]
    try:
        claims = await asyncio.gather(*(s.claim("u", "k", "fp") for s in stores for _ in range(5)))
        assert sorted(c.state for c in claims).count("claimed") == 1
        assert {c.state for c in claims} == {"claimed", "running"}
    finally:
        for s in stores:
            s.close()


async def test_context_expires_and_is_taken_once(store: MusicStore, clock: Clock) -> None:
    await store.put_context("u", "choice", {"a": 1}, ttl=60)
    assert await store.get_context("u", "choice") == {"a": 1}
    assert await store.get_context("v", "choice") is None
    assert await store.take_context("u", "choice") == {"a": 1}
    assert await store.take_context("u", "choice") is None
    await store.put_context("u", "choice", {"a": 2}, ttl=60)
    clock.now += 61
    assert await store.get_context("u", "choice") is None
    assert await store.take_context("u", "choice") is None


async def test_devices_by_slot(store: MusicStore) -> None:
    await store.remember_device("u", "default", None, "Living Room TV")
    await store.remember_device("u", "source:kitchen", "id-1", "Kitchen Speaker")
    await store.remember_device("u", "source:kitchen", "id-2", "Kitchen Speaker")
    kitchen = await store.remembered_device("u", "source:kitchen")
    assert kitchen is not None and kitchen.id == "id-2"
    await store.forget_device("u", "source:kitchen")
    assert await store.remembered_device("u", "source:kitchen") is None
    default = await store.remembered_device("u", "default")
    assert default is not None and default.id is None


async def test_own_tables_next_to_the_token_store(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "skill.sqlite3"
    MusicStore(path, clock=clock).close()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"music_idempotency", "music_devices", "music_context"} <= tables
