"""Users of the service and their API keys (stored as SHA-256 hashes) in SQLite."""

from __future__ import annotations

import re
import secrets
import sqlite3

from skill.errors import Conflict, InvalidRequest, NotFound
from skill.storage.base import (
    ServiceUser,
    secret_hash,
)
from skill.storage.sqlite_base import (
    SQLiteBase,
)

USER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
API_KEY_PREFIX = "sk_"


def check_user_id(user_id: str) -> str:
    if not USER_ID_RE.match(user_id):
        raise InvalidRequest(
            "A user name is 1-64 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit.",
            details={"field": "name"},
        )
    return user_id


class UserTables(SQLiteBase):
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

