"""Who a Rasa conversation acts for, in a multi-user assistant: the sender table.

Rasa's action endpoint sends one static token for every conversation. That token is the API
key of a *gateway* user of this service (the assistant's own account). By default every
conversation acts as the gateway user. An administrator may map a conversation's
``sender_id`` to another user of the service (``skill rasa-senders map GATEWAY SENDER USER``):
calls that carry the gateway's token and that ``sender_id`` then act as that user — their
Spotify link, devices and library. Mappings are per gateway (another assistant's token cannot
use them) and are made only on the server, never through the webhook.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from skill.storage.sqlite_file import SQLiteFile

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rasa_senders (
    gateway_user TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (gateway_user, sender_id)
);
"""


@dataclass(frozen=True)
class SenderMapping:
    gateway_user: str
    sender_id: str
    user_id: str
    created_at: float


class SenderMap:
    """The ``rasa_senders`` table in the service's SQLite file."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._db = SQLiteFile(path, _SCHEMA, what="the Rasa sender map")

    def close(self) -> None:
        self._db.close()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._db.run(fn)

    async def map(self, gateway_user: str, sender_id: str, user_id: str) -> None:
        now = self._clock()
        await self._run(lambda c: c.execute(
            "INSERT INTO rasa_senders (gateway_user, sender_id, user_id, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (gateway_user, sender_id) DO UPDATE SET "
            "user_id = excluded.user_id, created_at = excluded.created_at",
            (gateway_user, sender_id, user_id, now)))

    async def unmap(self, gateway_user: str, sender_id: str) -> bool:
        count = await self._run(lambda c: c.execute(
            "DELETE FROM rasa_senders WHERE gateway_user = ? AND sender_id = ?",
            (gateway_user, sender_id)).rowcount)
        return bool(count)

    async def user_for(self, gateway_user: str, sender_id: str) -> str | None:
        row = await self._run(lambda c: c.execute(
            "SELECT user_id FROM rasa_senders WHERE gateway_user = ? AND sender_id = ?",
            (gateway_user, sender_id)).fetchone())
        return None if row is None else str(row[0])

    async def list(self, gateway_user: str | None = None) -> list[SenderMapping]:
        def op(c: sqlite3.Connection) -> list[SenderMapping]:
            sql = "SELECT gateway_user, sender_id, user_id, created_at FROM rasa_senders"
            args: tuple[str, ...] = ()
            if gateway_user is not None:
                sql += " WHERE gateway_user = ?"
                args = (gateway_user,)
            rows = c.execute(sql + " ORDER BY gateway_user, sender_id", args).fetchall()
            return [SenderMapping(str(a), str(b), str(d), float(e)) for a, b, d, e in rows]

        return await self._run(op)
