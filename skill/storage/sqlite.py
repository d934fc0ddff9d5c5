"""The SQLite store: tokens, OAuth states, pending links and users in one WAL file.

One connection per process, used from worker threads under a lock, so the event loop never
blocks on disk. Every multi-value write is one transaction: a rotated refresh token and its
access token land together or not at all. Tokens and verifiers are sealed with the keyring
(``skill.storage.crypto``); OAuth states, confirmation tokens and API keys are stored only
as SHA-256 hashes.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from skill.errors import ConfigError, Conflict, InvalidRequest, OAuthInvalidState
from skill.storage.base import (
    LINKED,
    RELINK_REQUIRED,
    SPOTIFY,
    OAuthState,
    PendingLink,
    ServiceUser,
    TokenRecord,
    TokenUpdate,
    secret_hash,
)
from skill.storage.crypto import Keyring

T = TypeVar("T")

SCHEMA_VERSION = "1"
#: Used and expired states stay this long so a replay gets "already used", not "unknown".
STATE_TOMBSTONE_SECONDS = 24 * 3600
USER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
API_KEY_PREFIX = "sk_"

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

_TOKEN_COLUMNS = (
    "user_id, provider, account_id, display_name, access_ct, refresh_ct, expires_at, scopes, "
    "consented_at, created_at, updated_at, last_refresh_at, last_refresh_result, link_state, "
    "version"
)


def check_user_id(user_id: str) -> str:
    if not USER_ID_RE.match(user_id):
        raise InvalidRequest(
            "A user name is 1-64 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit.",
            details={"field": "name"},
        )
    return user_id


def _scopes_text(scopes: frozenset[str] | tuple[str, ...]) -> str:
    return " ".join(sorted(set(scopes)))


def _scopes(text: str) -> frozenset[str]:
    return frozenset(text.split())


class SQLiteStore:
    """TokenStore, OAuthStateStore and UserStore over one SQLite file."""

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

    @staticmethod
    def _token_context(user_id: str, provider: str, which: str) -> str:
        return f"token:{provider}:{user_id}:{which}"

    def _record(self, row: sqlite3.Row) -> TokenRecord:
        user_id, provider = row["user_id"], row["provider"]
        return TokenRecord(
            user_id=user_id,
            provider=provider,
            account_id=row["account_id"],
            display_name=row["display_name"],
            access_token=self._open(
                row["access_ct"], self._token_context(user_id, provider, "access")
            ),
            refresh_token=self._open(
                row["refresh_ct"], self._token_context(user_id, provider, "refresh")
            ),
            expires_at=row["expires_at"],
            scopes=_scopes(row["scopes"]),
            consented_at=row["consented_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            last_refresh_at=row["last_refresh_at"],
            last_refresh_result=row["last_refresh_result"],
            link_state=LINKED if row["link_state"] == LINKED else RELINK_REQUIRED,
            version=row["version"],
        )

    async def get_token(self, user_id: str, provider: str = SPOTIFY) -> TokenRecord | None:
        def op(conn: sqlite3.Connection) -> sqlite3.Row | None:
            row: sqlite3.Row | None = conn.execute(
                f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE user_id = ? AND provider = ?",
                (user_id, provider),
            ).fetchone()
            return row

        row = await self._run(op)
        return None if row is None else self._record(row)

    async def save_link(self, record: TokenRecord) -> TokenRecord:
        uid, provider = record.user_id, record.provider
        access_ct = self._seal(record.access_token, self._token_context(uid, provider, "access"))
        refresh_ct = self._seal(
            record.refresh_token, self._token_context(uid, provider, "refresh")
        )

        def op(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                row = conn.execute(
                    "SELECT version, created_at FROM tokens WHERE user_id = ? AND provider = ?",
                    (uid, provider),
                ).fetchone()
                version = 1 if row is None else row["version"] + 1
                created = record.created_at if row is None else row["created_at"]
                conn.execute(
                    "INSERT OR REPLACE INTO tokens (user_id, provider, account_id, display_name,"
                    " access_ct, refresh_ct, key_id, expires_at, scopes, consented_at,"
                    " created_at, updated_at, last_refresh_at, last_refresh_result, link_state,"
                    " version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        uid, provider, record.account_id, record.display_name, access_ct,
                        refresh_ct, self._keyring.current_key_id, record.expires_at,
                        _scopes_text(record.scopes), record.consented_at, created,
                        record.updated_at, record.last_refresh_at, record.last_refresh_result,
                        LINKED, version,
                    ),
                )
                return version

        await self._run(op)
        stored = await self.get_token(uid, provider)
        assert stored is not None
        return stored

    async def save_refresh(
        self,
        user_id: str,
        update: TokenUpdate,
        *,
        expected_version: int,
        at: float,
        provider: str = SPOTIFY,
    ) -> TokenRecord | None:
        access_ct = self._seal(
            update.access_token, self._token_context(user_id, provider, "access")
        )
        refresh_context = self._token_context(user_id, provider, "refresh")
        new_refresh_ct = None
        if update.refresh_token is not None:
            new_refresh_ct = self._seal(update.refresh_token, refresh_context)

        def op(conn: sqlite3.Connection) -> bool:
            with _transaction(conn):
                row = conn.execute(
                    "SELECT version, refresh_ct FROM tokens WHERE user_id = ? AND provider = ?",
                    (user_id, provider),
                ).fetchone()
                if row is None or row["version"] != expected_version:
                    return False
                refresh_ct = new_refresh_ct
                if refresh_ct is None:
                    # Keep the old refresh token, re-sealed under the newest key.
                    refresh_ct = self._seal(self._open(row["refresh_ct"], refresh_context),
                                            refresh_context)
                conn.execute(
                    "UPDATE tokens SET access_ct = ?, refresh_ct = ?, key_id = ?, expires_at = ?,"
                    " scopes = ?, updated_at = ?, last_refresh_at = ?, last_refresh_result = 'ok',"
                    " link_state = ?, version = version + 1 WHERE user_id = ? AND provider = ?",
                    (
                        access_ct, refresh_ct, self._keyring.current_key_id, update.expires_at,
                        _scopes_text(update.scopes), at, at, LINKED, user_id, provider,
                    ),
                )
                return True

        if not await self._run(op):
            return None
        return await self.get_token(user_id, provider)

    async def record_refresh_failure(
        self, user_id: str, result: str, *, at: float, relink: bool, provider: str = SPOTIFY
    ) -> None:
        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE tokens SET last_refresh_at = ?, last_refresh_result = ?, updated_at = ?,"
                " link_state = CASE WHEN ? THEN ? ELSE link_state END, version = version + 1"
                " WHERE user_id = ? AND provider = ?",
                (at, result, at, relink, RELINK_REQUIRED, user_id, provider),
            )

        await self._run(op)

    async def delete_token(self, user_id: str, provider: str = SPOTIFY) -> bool:
        def op(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "DELETE FROM tokens WHERE user_id = ? AND provider = ?", (user_id, provider)
            )
            return cur.rowcount > 0

        return await self._run(op)

    async def expiring_links(self, before: float, provider: str = SPOTIFY) -> list[str]:
        def op(conn: sqlite3.Connection) -> list[str]:
            rows = conn.execute(
                "SELECT user_id FROM tokens WHERE provider = ? AND link_state = ? AND"
                " expires_at < ? ORDER BY expires_at",
                (provider, LINKED, before),
            ).fetchall()
            return [r[0] for r in rows]

        return await self._run(op)

    # ------------------------------------------------------------------ OAuth states

    async def put_state(self, state: OAuthState) -> None:
        state_hash = secret_hash(state.state)
        verifier_ct = self._seal(state.verifier, f"state:{state_hash}:verifier")

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO oauth_states (state_hash, user_id, verifier_ct, key_id, redirect_uri,"
                " scopes, purpose, browser_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state_hash, state.user_id, verifier_ct, self._keyring.current_key_id,
                    state.redirect_uri, " ".join(state.scopes), state.purpose,
                    state.browser_hash, state.created_at, state.expires_at,
                ),
            )

        await self._run(op)

    async def consume_state(self, state: str, *, now: float) -> OAuthState:
        state_hash = secret_hash(state)

        def op(conn: sqlite3.Connection) -> sqlite3.Row:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM oauth_states WHERE state_hash = ?", (state_hash,)
            ).fetchone()
            if row is None:
                raise OAuthInvalidState(
                    "This link attempt is unknown; start the link again.",
                    details={"reason": "unknown"},
                )
            if row["used_at"] is not None:
                raise OAuthInvalidState(
                    "This link attempt was already used; start the link again.",
                    details={"reason": "already_used"},
                )
            if row["expires_at"] <= now:
                raise OAuthInvalidState(
                    "This link attempt expired (they last 10 minutes); start the link again.",
                    details={"reason": "expired"},
                )
            cur = conn.execute(
                "UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
                (now, state_hash),
            )
            if cur.rowcount != 1:
                raise OAuthInvalidState(
                    "This link attempt was already used; start the link again.",
                    details={"reason": "already_used"},
                )
            return row

        row = await self._run(op)
        return OAuthState(
            state=state,
            user_id=row["user_id"],
            verifier=self._open(row["verifier_ct"], f"state:{state_hash}:verifier"),
            redirect_uri=row["redirect_uri"],
            scopes=tuple(row["scopes"].split()),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            purpose=row["purpose"],
            browser_hash=row["browser_hash"],
        )

    async def put_pending(self, confirm_token: str, pending: PendingLink) -> None:
        confirm_hash = secret_hash(confirm_token)
        access_ct = self._seal(pending.access_token, f"pending:{confirm_hash}:access")
        refresh_ct = self._seal(pending.refresh_token, f"pending:{confirm_hash}:refresh")

        def op(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO oauth_pending (confirm_hash, user_id, account_id, display_name,"
                " access_ct, refresh_ct, key_id, token_expires_at, scopes, purpose, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    confirm_hash, pending.user_id, pending.account_id, pending.display_name,
                    access_ct, refresh_ct, self._keyring.current_key_id, pending.expires_at,
                    _scopes_text(pending.scopes), pending.purpose, pending.created_at,
                    pending.expires_at_pending,
                ),
            )

        await self._run(op)

    async def take_pending(self, confirm_token: str, *, now: float) -> PendingLink:
        confirm_hash = secret_hash(confirm_token)

        def op(conn: sqlite3.Connection) -> sqlite3.Row:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM oauth_pending WHERE confirm_hash = ?", (confirm_hash,)
            ).fetchone()
            if row is None or row["used_at"] is not None or row["expires_at"] <= now:
                reason = "unknown" if row is None else (
                    "already_used" if row["used_at"] is not None else "expired"
                )
                raise OAuthInvalidState(
                    "This confirmation is not valid any more; start the link again.",
                    details={"reason": reason},
                )
            cur = conn.execute(
                "UPDATE oauth_pending SET used_at = ?, access_ct = '', refresh_ct = ''"
                " WHERE confirm_hash = ? AND used_at IS NULL",
                (now, confirm_hash),
            )
            if cur.rowcount != 1:
                raise OAuthInvalidState(
                    "This confirmation was already used.", details={"reason": "already_used"}
                )
            return row

        row = await self._run(op)
        return PendingLink(
            user_id=row["user_id"],
            account_id=row["account_id"],
            display_name=row["display_name"],
            access_token=self._open(row["access_ct"], f"pending:{confirm_hash}:access"),
            refresh_token=self._open(row["refresh_ct"], f"pending:{confirm_hash}:refresh"),
            expires_at=row["token_expires_at"],
            scopes=_scopes(row["scopes"]),
            purpose=row["purpose"],
            created_at=row["created_at"],
            expires_at_pending=row["expires_at"],
        )

    async def purge_expired(self, *, now: float) -> int:
        def op(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                a = conn.execute(
                    "DELETE FROM oauth_states WHERE expires_at < ?",
                    (now - STATE_TOMBSTONE_SECONDS,),
                ).rowcount
                # Expired or used pending links lose their sealed tokens at once.
                conn.execute(
                    "UPDATE oauth_pending SET access_ct = '', refresh_ct = ''"
                    " WHERE expires_at <= ? AND access_ct != ''",
                    (now,),
                )
                b = conn.execute(
                    "DELETE FROM oauth_pending WHERE expires_at < ?",
                    (now - STATE_TOMBSTONE_SECONDS,),
                ).rowcount
                return int(a + b)

        return await self._run(op)

    # ------------------------------------------------------------------ users

    async def create_user(self, user_id: str, *, at: float) -> tuple[ServiceUser, str]:
        check_user_id(user_id)
        key = _new_api_key()

        def op(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(
                    "INSERT INTO users (user_id, key_hash, key_prefix, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (user_id, secret_hash(key), key[:10], at),
                )
            except sqlite3.IntegrityError as exc:
                raise Conflict(
                    f"A user named {user_id!r} already exists.", details={"user": user_id}
                ) from exc

        await self._run(op)
        return ServiceUser(user_id=user_id, key_prefix=key[:10], created_at=at), key

    async def rotate_key(self, user_id: str, *, at: float) -> str:
        key = _new_api_key()

        def op(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "UPDATE users SET key_hash = ?, key_prefix = ?, revoked_at = NULL"
                " WHERE user_id = ?",
                (secret_hash(key), key[:10], user_id),
            ).rowcount

        if not await self._run(op):
            from skill.errors import NotFound

            raise NotFound(f"No user named {user_id!r}.", details={"user": user_id})
        return key

    async def authenticate(self, api_key: str) -> ServiceUser | None:
        if not api_key.startswith(API_KEY_PREFIX):
            return None
        key_hash = secret_hash(api_key)

        def op(conn: sqlite3.Connection) -> sqlite3.Row | None:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM users WHERE key_hash = ? AND revoked_at IS NULL", (key_hash,)
            ).fetchone()
            return row

        row = await self._run(op)
        return None if row is None else _user(row)

    async def get_user(self, user_id: str) -> ServiceUser | None:
        def op(conn: sqlite3.Connection) -> sqlite3.Row | None:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM users WHERE user_id = ?", (user_id,)
            ).fetchone()
            return row

        row = await self._run(op)
        return None if row is None else _user(row)

    async def list_users(self) -> list[ServiceUser]:
        def op(conn: sqlite3.Connection) -> list[sqlite3.Row]:
            return conn.execute("SELECT * FROM users ORDER BY user_id").fetchall()

        return [_user(r) for r in await self._run(op)]

    async def revoke_user(self, user_id: str, *, at: float) -> bool:
        def op(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "UPDATE users SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (at, user_id),
            )
            return cur.rowcount > 0

        return await self._run(op)


def _new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def _user(row: sqlite3.Row) -> ServiceUser:
    return ServiceUser(
        user_id=row["user_id"],
        key_prefix=row["key_prefix"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


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


class _transaction:
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
