"""The in-process lock provider: one holder per key, no leftovers."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from skill.storage.locks import FileLocks, LocalLocks, StackedLocks


async def test_one_holder_per_key_and_independent_keys() -> None:
    locks = LocalLocks()
    inside: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}

    async def work(key: str) -> None:
        async with locks.hold(key):
            inside[key] += 1
            peak[key] = max(peak[key], inside[key])
            await asyncio.sleep(0.001)
            inside[key] -= 1

    await asyncio.gather(*(work("a") for _ in range(20)), *(work("b") for _ in range(20)))
    assert peak == {"a": 1, "b": 1}
    assert len(locks) == 0


async def test_cancelled_waiter_releases_its_entry() -> None:
    locks = LocalLocks()
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("k"):
            held.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await held.wait()

    async def waiter() -> None:
        async with locks.hold("k"):
            pass

    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    await task
    assert waiting.cancelled()
    assert len(locks) == 0


async def test_file_locks_exclude_other_processes(tmp_path: Path) -> None:
    # Two providers with their own file descriptors behave like two processes.
    one, two = FileLocks(tmp_path / "locks"), FileLocks(tmp_path / "locks")
    order: list[str] = []
    inside = asyncio.Event()

    async def first() -> None:
        async with one.hold("refresh:spotify:alice"):
            inside.set()
            order.append("first in")
            await asyncio.sleep(0.1)
            order.append("first out")

    async def second() -> None:
        await inside.wait()
        async with two.hold("refresh:spotify:alice"):
            order.append("second in")

    await asyncio.gather(first(), second())
    assert order == ["first in", "first out", "second in"]
    assert len(list((tmp_path / "locks").iterdir())) == 1
    assert stat.S_IMODE((tmp_path / "locks").stat().st_mode) == 0o700


async def test_cancelled_file_lock_waiter_leaves_the_lock_free(tmp_path: Path) -> None:
    one, two = FileLocks(tmp_path), FileLocks(tmp_path)
    async with one.hold("k"):
        waiter = asyncio.create_task(_enter(two, "k"))
        await asyncio.sleep(0.05)
        assert not waiter.done()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    await asyncio.wait_for(_enter(two, "k"), 1)


async def _enter(locks: FileLocks, key: str) -> None:
    async with locks.hold(key):
        pass


async def test_stacked_locks_hold_every_provider(tmp_path: Path) -> None:
    local = LocalLocks()
    files = FileLocks(tmp_path)
    stacked = StackedLocks(local, files)
    other = FileLocks(tmp_path)
    async with stacked.hold("k"):
        assert len(local) == 1
        blocked = asyncio.create_task(_enter(other, "k"))
        await asyncio.sleep(0.05)
        assert not blocked.done()
    await asyncio.wait_for(blocked, 1)
    assert len(local) == 0
