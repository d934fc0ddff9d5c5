"""The in-process lock provider: one holder per key, no leftovers."""

from __future__ import annotations

import asyncio

from skill.storage.locks import LocalLocks


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
