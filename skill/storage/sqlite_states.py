"""OAuth states and pending links in SQLite: single use, hashed keys, sealed secrets."""

from __future__ import annotations

import sqlite3

from skill.errors import OAuthInvalidState
from skill.storage.base import (
    OAuthState,
    PendingLink,
    secret_hash,
)
from skill.storage.sqlite_base import (
    SQLiteBase,
    parse_scopes,
    scopes_text,
    transaction,
)

#: Used and expired states stay this long so a replay gets "already used", not "unknown".
STATE_TOMBSTONE_SECONDS = 24 * 3600
#: Link flows one user may have open at once (the oldest are dropped beyond this).
MAX_OPEN_STATES = 20


class StateTables(SQLiteBase):
    async def put_state(self, state: OAuthState) -> None:
        state_hash = secret_hash(state.state)
        verifier_ct = self._seal(state.verifier, f"state:{state_hash}:verifier")

        def op(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                conn.execute(
                    "INSERT INTO oauth_states (state_hash, user_id, verifier_ct, key_id,"
                    " redirect_uri, scopes, purpose, browser_hash, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        state_hash, state.user_id, verifier_ct, self._keyring.current_key_id,
                        state.redirect_uri, " ".join(state.scopes), state.purpose,
                        state.browser_hash, state.created_at, state.expires_at,
                    ),
                )
                # A user has at most MAX_OPEN_STATES flows open: older ones are dropped, so
                # a client that keeps starting flows cannot grow the table.
                conn.execute(
                    "DELETE FROM oauth_states WHERE user_id = ? AND used_at IS NULL"
                    " AND state_hash NOT IN (SELECT state_hash FROM oauth_states"
                    " WHERE user_id = ? AND used_at IS NULL"
                    " ORDER BY created_at DESC, rowid DESC LIMIT ?)",
                    (state.user_id, state.user_id, MAX_OPEN_STATES),
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
                    scopes_text(pending.scopes), pending.purpose, pending.created_at,
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
            scopes=parse_scopes(row["scopes"]),
            purpose=row["purpose"],
            created_at=row["created_at"],
            expires_at_pending=row["expires_at"],
        )

    async def purge_expired(self, *, now: float) -> int:
        def op(conn: sqlite3.Connection) -> int:
            with transaction(conn):
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
