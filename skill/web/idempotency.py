"""``Idempotency-Key`` for every POST of the service: execute once, replay the first answer.

The HTTP layer's own table (``http_idempotency``, in the ``SKILL_DB`` SQLite file) maps
``(user, key)`` to a fingerprint of the request (method, path, query and the canonical JSON
body) and, once done, the response (status, JSON body, ``Retry-After``):

* a new key runs the handler and stores its answer (the record is written ``running`` first,
  in one ``BEGIN IMMEDIATE`` transaction, so two instances cannot both take it);
* the same key with the same request replays the stored answer with
  ``Idempotent-Replayed: true`` — also after a restart;
* the same key with another request is ``conflict`` (409);
* a request arriving while the first one runs waits for it (in this process on a lock, across
  instances by polling the record) and then replays it;
* a ``rate_limited`` answer is not stored (Spotify was never called, the client should retry
  after ``Retry-After``), nor is a crash: the key is released.

Keys are per user: two users never see each other's keys or answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from starlette.responses import JSONResponse, Response

from skill.errors import Conflict, InvalidRequest
from skill.storage.sqlite_file import SQLiteFile

T = TypeVar("T")

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL_SECONDS = 24 * 3600.0
"""A finished key is remembered this long."""
STALE_SECONDS = 120.0
"""A ``running`` record older than this belonged to a request that died: it may be retaken."""
WAIT_SECONDS = 30.0
"""How long a duplicate waits for the first request before answering ``conflict``."""
MAX_KEY_LENGTH = 255
NOT_STORED_STATUSES = frozenset({429})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS http_idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    headers TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX IF NOT EXISTS http_idempotency_age ON http_idempotency (updated_at);
"""


@dataclass(frozen=True)
class Stored:
    status: int
    body: Any
    headers: dict[str, str]

    def response(self) -> Response:
        headers = dict(self.headers)
        headers[REPLAYED_HEADER] = "true"
        return JSONResponse(self.body, status_code=self.status, headers=headers)


def fingerprint(method: str, path: str, query: str, body: Any) -> str:
    canonical = json.dumps(
        [method, path, query, body], sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            details={"header": "Idempotency-Key"},
        )
    return key


class IdempotencyStore:
    """The table over its own connection to the service's SQLite file."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._db = SQLiteFile(path, _SCHEMA, what="the HTTP idempotency table")
        self._local: dict[tuple[str, str], asyncio.Lock] = {}

    def close(self) -> None:
        self._db.close()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._db.run(fn)

    async def ping(self) -> None:
        await self._run(lambda conn: conn.execute("SELECT 1").fetchone())

    async def claim(self, user_id: str, key: str, print_: str) -> str | Stored:
        """``"claimed"``, ``"conflict"``, ``"running"``, or the stored answer."""
        now = self._clock()

        def op(conn: sqlite3.Connection) -> str | Stored:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT fingerprint, state, status, body, headers, updated_at "
                    "FROM http_idempotency WHERE user_id = ? AND key = ?",
                    (user_id, key),
                ).fetchone()
                expired = row is not None and (
                    (row[1] == "done" and now - row[5] > TTL_SECONDS)
                    or (row[1] == "running" and now - row[5] > STALE_SECONDS)
                )
                if row is None or expired:
                    conn.execute(
                        "INSERT OR REPLACE INTO http_idempotency (user_id, key, fingerprint, "
                        "state, status, body, headers, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'running', NULL, NULL, NULL, ?, ?)",
                        (user_id, key, print_, now, now),
                    )
                    result: str | Stored = "claimed"
                elif row[0] != print_:
                    result = "conflict"
                elif row[1] == "done":
                    result = Stored(int(row[2]), json.loads(row[3]), json.loads(row[4]))
                else:
                    result = "running"
                conn.execute("COMMIT")
                return result
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return await self._run(op)

    async def finish(self, user_id: str, key: str, stored: Stored) -> None:
        now = self._clock()
        body = json.dumps(stored.body, separators=(",", ":"))
        headers = json.dumps(stored.headers)

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE http_idempotency SET state = 'done', status = ?, body = ?, headers = ?, "
                "updated_at = ? WHERE user_id = ? AND key = ?",
                (stored.status, body, headers, now, user_id, key),
            )

        await self._run(op)

    async def release(self, user_id: str, key: str) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM http_idempotency WHERE user_id = ? AND key = ? AND state = 'running'",
                (user_id, key),
            )

        await self._run(op)

    async def purge(self) -> int:
        cutoff = self._clock() - TTL_SECONDS

        def op(conn: sqlite3.Connection) -> int:
            return int(conn.execute(
                "DELETE FROM http_idempotency WHERE updated_at < ?", (cutoff,)
            ).rowcount)

        return await self._run(op)

    def local_lock(self, user_id: str, key: str) -> asyncio.Lock:
        lock = self._local.get((user_id, key))
        if lock is None:
            lock = self._local[(user_id, key)] = asyncio.Lock()
        return lock

    def drop_local(self, user_id: str, key: str, lock: asyncio.Lock) -> None:
        if not lock.locked() and self._local.get((user_id, key)) is lock:
            del self._local[(user_id, key)]

    async def run_once(
        self,
        user_id: str,
        key: str,
        print_: str,
        execute: Callable[[], Awaitable[Response]],
        *,
        poll: float = 0.05,
        wait: float = WAIT_SECONDS,
    ) -> Response:
        """Execute ``execute`` at most once for ``(user_id, key)``; replay otherwise."""
        lock = self.local_lock(user_id, key)
        try:
            async with lock:
                deadline = time.monotonic() + wait
                while True:
                    claim = await self.claim(user_id, key, print_)
                    if isinstance(claim, Stored):
                        return claim.response()
                    if claim == "conflict":
                        raise Conflict(
                            "This Idempotency-Key was used for a different request.",
                            details={"header": "Idempotency-Key"},
                        )
                    if claim == "claimed":
                        break
                    if time.monotonic() > deadline:
                        raise Conflict(
                            "A request with this Idempotency-Key is still running; retry later.",
                            retry_after=1.0,
                            details={"header": "Idempotency-Key", "state": "running"},
                        )
                    await asyncio.sleep(poll)
                try:
                    response = await execute()
                except BaseException as exc:
                    stored = _stored_error(exc)
                    if stored is None:
                        await self.release(user_id, key)
                    else:
                        await self.finish(user_id, key, stored)
                    raise
                stored_ok = _stored_response(response)
                if stored_ok is None:
                    await self.release(user_id, key)
                else:
                    await self.finish(user_id, key, stored_ok)
                return response
        finally:
            self.drop_local(user_id, key, lock)


def _stored_response(response: Response) -> Stored | None:
    if response.status_code in NOT_STORED_STATUSES or not isinstance(response, JSONResponse):
        return None
    headers = {}
    if "retry-after" in response.headers:
        headers["Retry-After"] = response.headers["retry-after"]
    return Stored(response.status_code, json.loads(bytes(response.body)), headers)


def _stored_error(exc: BaseException) -> Stored | None:
    """A ``SkillError`` raised by the handler is an answer too (stored unless transient)."""
    from skill.errors import SkillError
    from skill.web.errors import error_response

    if not isinstance(exc, SkillError):
        return None
    return _stored_response(error_response(exc))


Endpoint = Callable[[Any], Awaitable[Response]]


def idempotent(endpoint: Endpoint) -> Endpoint:
    """Give an API-key POST route written without :func:`skill.web.inputs.post_json` the same
    ``Idempotency-Key`` handling (the link routes ``unlink`` and ``complete``)."""
    from skill.web.auth import require_user

    async def wrapped(request: Any) -> Response:
        key = check_key(request.headers.get(HEADER))
        if key is None:
            return await endpoint(request)
        user = await require_user(request)
        raw = await request.body()  # cached on the request: the endpoint reads it again
        try:
            body: Any = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = raw.hex()
        print_ = fingerprint(request.method, request.url.path, request.url.query, body)
        store: IdempotencyStore = request.app.state.runtime.idempotency
        return await store.run_once(user.user_id, key, print_, lambda: endpoint(request))

    wrapped.__name__ = getattr(endpoint, "__name__", "endpoint")
    wrapped.__doc__ = endpoint.__doc__
    return wrapped
