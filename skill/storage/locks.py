"""Per-key mutual exclusion: the single-flight seam of token refresh.

* :class:`LocalLocks` serialises holders of one key inside this process (asyncio). Entries
  exist only while someone holds or waits for the key, so the table never grows with the
  number of users.
* :class:`FileLocks` serialises processes on one machine (``skill serve`` and a cron
  ``skill jobs refresh`` sharing one SQLite file) with ``flock`` on a few lock files next
  to the database. Waiting polls with a non-blocking ``flock``, so a cancelled waiter leaves
  nothing behind.
* :class:`StackedLocks` takes several providers in order (local first, so one task per
  process contends for the file lock). A Redis provider for shared mode stacks the same way.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from skill.storage.base import LockProvider

__all__ = ["FileLocks", "LocalLocks", "LockProvider", "StackedLocks"]


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


class FileLocks:
    """Cross-process locks on this machine: ``flock`` on one of ``buckets`` lock files.

    Keys hash into a fixed number of files (the directory never grows); two keys sharing a
    bucket merely wait for each other. A holder must not hold two keys at once.
    """

    def __init__(self, directory: Path, *, buckets: int = 256, poll: float = 0.01) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._dir = directory
        self._buckets = buckets
        self._poll = poll

    def path_for(self, key: str) -> Path:
        bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % self._buckets
        return self._dir / f"{bucket:03d}.lock"

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        fd = os.open(self.path_for(key), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            delay = self._poll
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.1)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class StackedLocks:
    """Holds the key in every provider, in order, and releases in reverse."""

    def __init__(self, *providers: LockProvider) -> None:
        self._providers = providers

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for provider in self._providers:
                await stack.enter_async_context(provider.hold(key))
            yield
