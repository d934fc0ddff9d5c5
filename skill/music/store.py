"""What the orchestrator remembers per user, in SQLite (``SKILL_DB``), next to the token store.

Three kinds of memory, each in its own table of the same WAL file:

* **Idempotency records** (``music_idempotency``): ``(user, key)`` → the request's fingerprint
  and, once done, the outcome JSON. :meth:`MusicStore.claim` decides, atomically, whether a
  command runs (``claimed``), replays (``done``), is refused (``conflict``: same key, another
  command) or must wait (``running``: another task or instance is executing it). Records
  survive a restart; they are purged after :data:`IDEMPOTENCY_TTL`.
* **Devices** (``music_devices``): the user's default and last-used device, and the device
  last used from each room or satellite (``source``), by id *and* name (ids change).
* **Short-lived context** (``music_context``): the pending clarification behind
  ``music.choose`` and the volume to restore on unmute, each with an expiry.

Nothing here is a secret; values are plain JSON.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from skill.storage.sqlite_file import SQLiteFile

T = TypeVar("T")

IDEMPOTENCY_TTL = 24 * 3600.0
"""A key is remembered this long after its command finished."""
STALE_RUNNING = 120.0
"""A ``running`` record older than this belonged to an instance that died mid-command."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS music_idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX IF NOT EXISTS music_idempotency_age ON music_idempotency (updated_at);
CREATE TABLE IF NOT EXISTS music_devices (
    user_id TEXT NOT NULL,
    slot TEXT NOT NULL,
    device_id TEXT,
    device_name TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (user_id, slot)
);
CREATE TABLE IF NOT EXISTS music_context (
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (user_id, name)
);
"""

ClaimState = Literal["claimed", "done", "conflict", "running", "stale"]


@dataclass(frozen=True)
class Claim:
    """The answer of :meth:`MusicStore.claim`."""

    state: ClaimState
    outcome: dict[str, Any] | None = None
    """The stored outcome JSON when ``state == "done"``."""


@dataclass(frozen=True)
class RememberedDevice:
    id: str | None
    name: str
    updated_at: float


class MusicStore:
    """The orchestrator's memory over one SQLite file (its own connection and tables)."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._db = SQLiteFile(path, _SCHEMA, what="the music store")

    def close(self) -> None:
        self._db.close()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._db.run(fn)

    # ------------------------------------------------------------------ idempotency

    async def claim(self, user_id: str, key: str, fingerprint: str) -> Claim:
        """Take ``key`` for a command with ``fingerprint``, or say why not (atomic)."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> Claim:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT fingerprint, state, outcome, updated_at FROM music_idempotency "
                    "WHERE user_id = ? AND key = ?",
                    (user_id, key),
                ).fetchone()
                if row is not None and row[1] == "done" and now - row[3] > IDEMPOTENCY_TTL:
                    conn.execute(
                        "DELETE FROM music_idempotency WHERE user_id = ? AND key = ?",
                        (user_id, key),
                    )
                    row = None
                if row is None:
                    conn.execute(
                        "INSERT INTO music_idempotency (user_id, key, fingerprint, state, "
                        "outcome, created_at, updated_at) VALUES (?, ?, ?, 'running', NULL, ?, ?)",
                        (user_id, key, fingerprint, now, now),
                    )
                    result = Claim("claimed")
                elif row[0] != fingerprint:
                    result = Claim("conflict")
                elif row[1] == "done":
                    result = Claim("done", json.loads(row[2]))
                elif now - row[3] > STALE_RUNNING:
                    result = Claim("stale")
                else:
                    result = Claim("running")
                conn.execute("COMMIT")
                return result
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return await self._run(op)

    async def finish(self, user_id: str, key: str, outcome: dict[str, Any]) -> None:
        """Store the outcome of a claimed key; later claims replay it."""
        now = self._clock()
        text = json.dumps(outcome, separators=(",", ":"), sort_keys=True)

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE music_idempotency SET state = 'done', outcome = ?, updated_at = ? "
                "WHERE user_id = ? AND key = ?",
                (text, now, user_id, key),
            )

        await self._run(op)

    async def release(self, user_id: str, key: str) -> None:
        """Give a claimed key back (the command never reached Spotify): a retry runs it."""

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM music_idempotency WHERE user_id = ? AND key = ? AND state = 'running'",
                (user_id, key),
            )

        await self._run(op)

    async def purge(self) -> int:
        """Drop finished records past their TTL and expired context; returns rows removed."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> int:
            a = conn.execute(
                "DELETE FROM music_idempotency WHERE state = 'done' AND updated_at < ?",
                (now - IDEMPOTENCY_TTL,),
            ).rowcount
            b = conn.execute("DELETE FROM music_context WHERE expires_at < ?", (now,)).rowcount
            return int(a) + int(b)

        return await self._run(op)

    # ------------------------------------------------------------------ devices

    async def remember_device(
        self, user_id: str, slot: str, device_id: str | None, device_name: str
    ) -> None:
        """``slot`` is ``"default"``, ``"last"`` or ``"source:<room>"``."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO music_devices (user_id, slot, device_id, device_name, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, slot) DO UPDATE SET "
                "device_id = excluded.device_id, device_name = excluded.device_name, "
                "updated_at = excluded.updated_at",
                (user_id, slot, device_id, device_name, now),
            )

        await self._run(op)

    async def remembered_device(self, user_id: str, slot: str) -> RememberedDevice | None:
        def op(conn: sqlite3.Connection) -> RememberedDevice | None:
            row = conn.execute(
                "SELECT device_id, device_name, updated_at FROM music_devices "
                "WHERE user_id = ? AND slot = ?",
                (user_id, slot),
            ).fetchone()
            return None if row is None else RememberedDevice(row[0], row[1], row[2])

        return await self._run(op)

    async def forget_device(self, user_id: str, slot: str) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM music_devices WHERE user_id = ? AND slot = ?", (user_id, slot)
            )

        await self._run(op)

    # ------------------------------------------------------------------ short-lived context

    async def put_context(
        self, user_id: str, name: str, value: dict[str, Any], *, ttl: float
    ) -> None:
        expires = self._clock() + ttl
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO music_context (user_id, name, value, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, "
                "expires_at = excluded.expires_at",
                (user_id, name, text, expires),
            )

        await self._run(op)

    async def get_context(self, user_id: str, name: str) -> dict[str, Any] | None:
        """The value, or None when absent or expired."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> Any:
            return conn.execute(
                "SELECT value, expires_at FROM music_context WHERE user_id = ? AND name = ?",
                (user_id, name),
            ).fetchone()

        return _context_value(await self._run(op), now)

    async def take_context(self, user_id: str, name: str) -> dict[str, Any] | None:
        """Read and delete in one step (a pending choice is answered once)."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> Any:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT value, expires_at FROM music_context WHERE user_id = ? AND name = ?",
                    (user_id, name),
                ).fetchone()
                conn.execute(
                    "DELETE FROM music_context WHERE user_id = ? AND name = ?", (user_id, name)
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return row

        return _context_value(await self._run(op), now)

    async def drop_context(self, user_id: str, name: str) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM music_context WHERE user_id = ? AND name = ?", (user_id, name)
            )

        await self._run(op)


def _context_value(row: Any, now: float) -> dict[str, Any] | None:
    """A ``(value, expires_at)`` context row as its JSON object; None when missing, expired or
    not an object."""
    if row is None or row[1] < now:
        return None
    value = json.loads(str(row[0]))
    return value if isinstance(value, dict) else None
