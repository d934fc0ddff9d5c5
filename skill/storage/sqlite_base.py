"""SQLite plumbing shared by the store's tables: one WAL file, one connection per process.

The connection is used from worker threads under a lock, so the event loop never blocks on
disk; multi-statement writes run in ``BEGIN IMMEDIATE`` transactions.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from skill.errors import ConfigError
from skill.storage.crypto import Keyring

T = TypeVar("T")

SCHEMA_VERSION = "1"
#: Used and expired states stay this long so a replay gets "already used", not "unknown".

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS tokens (
    user_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    account_id TEXT,
    display_name TEXT,
    access_ct TEXT NOT NULL,
    refresh_ct TEXT NOT NULL,
    key_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    scopes TEXT NOT NULL,
    consented_at REAL NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_refresh_at REAL,
    last_refresh_result TEXT,
    link_state TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (user_id, provider)
);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens (provider, link_state, expires_at);
CREATE TABLE IF NOT EXISTS oauth_states (
    state_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    verifier_ct TEXT NOT NULL,
    key_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    purpose TEXT NOT NULL,
    browser_hash TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
);
CREATE TABLE IF NOT EXISTS oauth_pending (
    confirm_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    account_id TEXT,
    display_name TEXT,
    access_ct TEXT NOT NULL,
    refresh_ct TEXT NOT NULL,
    key_id TEXT NOT NULL,
    token_expires_at REAL NOT NULL,
    scopes TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
);
"""

def scopes_text(scopes: frozenset[str] | tuple[str, ...]) -> str:
    return " ".join(sorted(set(scopes)))


def parse_scopes(text: str) -> frozenset[str]:
    return frozenset(text.split())


class SQLiteBase:
    """The connection, the schema, the keyring and the start-up key check."""


    def __init__(self, path: Path, keyring: Keyring) -> None:
        self.path = path
        self._keyring = keyring
        self._lock = threading.Lock()
        self._conn = _connect(path)
        self._prepare()

    # ------------------------------------------------------------------ plumbing

    def _prepare(self) -> None:
        try:
            with self._lock:
                self._conn.executescript(_SCHEMA)
                self._conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (SCHEMA_VERSION,),
                )
        except sqlite3.OperationalError as exc:
            raise ConfigError(
                f"SKILL_DB {self.path} is not writable ({exc})", details={"setting": "SKILL_DB"}
            ) from exc
        self._check_keys()

    def _check_keys(self) -> None:
        """Fail closed at start-up when stored secrets name a key that is not configured."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT key_id FROM tokens UNION SELECT key_id FROM oauth_states "
                "WHERE used_at IS NULL UNION SELECT key_id FROM oauth_pending WHERE used_at IS NULL"
            ).fetchall()
        missing = sorted({r[0] for r in rows} - set(self._keyring.key_ids))
        if missing:
            raise ConfigError(
                f"SKILL_DB {self.path} holds credentials encrypted with key id(s) "
                f"{', '.join(missing)}, which are not configured (configured: "
                f"{', '.join(self._keyring.key_ids)}). Set SKILL_ENCRYPTION_KEYS to the keys "
                "used before (newest first) or point SKILL_DB at another file; nothing is "
                "decrypted or overwritten until then.",
                details={"setting": "SKILL_ENCRYPTION_KEYS", "missing_key_ids": missing},
            )

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                return fn(self._conn)

        return await asyncio.to_thread(locked)

    async def ping(self) -> None:
        """Raise if the database cannot be read (health checks)."""
        await self._run(lambda conn: conn.execute("SELECT 1").fetchone())

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _seal(self, value: str, context: str) -> str:
        return self._keyring.seal(value, context)

    def _open(self, value: str, context: str) -> str:
        return self._keyring.open(value, context)

    # ------------------------------------------------------------------ tokens

def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Owner-only from the first byte: the file holds (sealed) credentials.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 10000")
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(
            f"cannot open SKILL_DB {path}: {exc}", details={"setting": "SKILL_DB"}
        ) from exc
    return conn


class transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")
