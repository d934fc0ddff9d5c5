"""Per-key mutual exclusion: the single-flight seam of token refresh.

:class:`LocalLocks` serialises holders of one key inside this process. Entries exist only
while someone holds or waits for the key, so the table never grows with the number of users.
A Redis provider (shared mode) implements the same ``hold(key)`` to exclude other instances.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from skill.storage.base import LockProvider

__all__ = ["LocalLocks", "LockProvider"]


class LocalLocks:
    """In-process locks by key (asyncio; one event loop)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            _, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
