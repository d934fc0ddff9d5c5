"""The SQLite store: tokens, OAuth states, pending links and users in one WAL file.

One connection per process, used from worker threads under a lock, so the event loop never
blocks on disk. Every multi-value write is one transaction: a rotated refresh token and its
access token land together or not at all. Tokens and verifiers are sealed with the keyring
(``skill.storage.crypto``); OAuth states, confirmation tokens and API keys are stored only
as SHA-256 hashes.
"""

from __future__ import annotations

import sqlite3

from skill.storage.base import (
    LINKED,
    RELINK_REQUIRED,
    SPOTIFY,
    TokenRecord,
    TokenUpdate,
)
from skill.storage.sqlite_base import (
    parse_scopes,
    scopes_text,
    transaction,
)
from skill.storage.sqlite_states import StateTables
from skill.storage.sqlite_users import UserTables, check_user_id

__all__ = ["SQLiteStore", "check_user_id"]

_TOKEN_COLUMNS = (
    "user_id, provider, account_id, display_name, access_ct, refresh_ct, expires_at, scopes, "
    "consented_at, created_at, updated_at, last_refresh_at, last_refresh_result, link_state, "
    "version"
)


class SQLiteStore(StateTables, UserTables):
    """TokenStore, OAuthStateStore and UserStore over one SQLite file."""

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
            scopes=parse_scopes(row["scopes"]),
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
            with transaction(conn):
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
                        scopes_text(record.scopes), record.consented_at, created,
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
            with transaction(conn):
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
                        scopes_text(update.scopes), at, at, LINKED, user_id, provider,
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
