"""One connection to the service's SQLite file for a component that keeps its own tables.

The music store, the HTTP idempotency table and the Rasa sender map each open the file
with the same settings (WAL, a busy timeout) and use the connection from worker threads
under a lock, so the event loop never blocks on disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from skill.errors import ConfigError

T = TypeVar("T")


class SQLiteFile:
    """A locked connection to ``path`` with ``schema`` applied; ``what`` names the owner
    in the start-up error when the file cannot be opened."""

    def __init__(self, path: Path, schema: str, *, what: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=10
            )
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.executescript(schema)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot open SKILL_DB {path} for {what}: {exc}",
                details={"setting": "SKILL_DB"},
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` with the connection in a worker thread, one caller at a time."""

        def locked() -> T:
            with self._lock:
                return fn(self._conn)

        return await asyncio.to_thread(locked)
