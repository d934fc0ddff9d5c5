"""OAuth state and pending-link storage: single use, expiry, survives a reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.errors import OAuthInvalidState
from skill.storage.base import OAuthState, PendingLink
from skill.storage.sqlite import SQLiteStore
from tests.storage.conftest import StoreFactory

NOW = 1_800_000_000.0


def state(value: str = "S" * 43, **changes: object) -> OAuthState:
    values: dict[str, object] = {
        "state": value,
        "user_id": "alice",
        "verifier": "V" * 64,
        "redirect_uri": "http://127.0.0.1:8000/v1/spotify/auth/callback",
        "scopes": ("user-read-playback-state",),
        "created_at": NOW,
        "expires_at": NOW + 600,
        "browser_hash": "b" * 64,
    }
    values.update(changes)
    return OAuthState(**values)  # type: ignore[arg-type]


async def test_state_is_single_use(store: SQLiteStore) -> None:
    await store.put_state(state())
    got = await store.consume_state("S" * 43, now=NOW + 1)
    assert got == state()
    with pytest.raises(OAuthInvalidState) as err:
        await store.consume_state("S" * 43, now=NOW + 2)
    assert err.value.details == {"reason": "already_used"}


async def test_unknown_and_expired_states_are_refused(store: SQLiteStore) -> None:
    await store.put_state(state())
    with pytest.raises(OAuthInvalidState) as err:
        await store.consume_state("X" * 43, now=NOW)
    assert err.value.details["reason"] == "unknown"
    with pytest.raises(OAuthInvalidState) as err:
        await store.consume_state("S" * 43, now=NOW + 600)
    assert err.value.details["reason"] == "expired"


async def test_state_survives_reopen_and_is_stored_hashed(
    store_factory: StoreFactory, tmp_path: Path
) -> None:
    first = store_factory()
    await first.put_state(state())
    first.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("skill.sqlite3*"))
    assert b"S" * 43 not in raw and b"V" * 64 not in raw
    second = store_factory()
    assert (await second.consume_state("S" * 43, now=NOW + 5)).verifier == "V" * 64


async def test_pending_link_is_taken_once_and_its_tokens_wiped(
    store: SQLiteStore, tmp_path: Path
) -> None:
    pending = PendingLink(
        user_id="alice", account_id="acct", display_name="Alice", access_token="PENDING-ACCESS",
        refresh_token="PENDING-REFRESH", expires_at=NOW + 3600, scopes=frozenset({"a"}),
        purpose="link", created_at=NOW, expires_at_pending=NOW + 600,
    )
    await store.put_pending("C" * 43, pending)
    assert await store.take_pending("C" * 43, now=NOW + 1) == pending
    with pytest.raises(OAuthInvalidState):
        await store.take_pending("C" * 43, now=NOW + 2)
    await store.put_pending("D" * 43, pending)
    with pytest.raises(OAuthInvalidState) as err:
        await store.take_pending("D" * 43, now=NOW + 601)
    assert err.value.details["reason"] == "expired"
    await store.purge_expired(now=NOW + 601)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cts = store._conn.execute("SELECT access_ct, refresh_ct FROM oauth_pending").fetchall()
    assert all(tuple(r) == ("", "") for r in cts)


async def test_purge_drops_old_tombstones(store: SQLiteStore) -> None:
    await store.put_state(state())
    await store.put_state(state("T" * 43, expires_at=NOW + 10))
    assert await store.purge_expired(now=NOW + 86_400 + 11) == 1
    with pytest.raises(OAuthInvalidState) as err:
        await store.consume_state("T" * 43, now=NOW)
    assert err.value.details["reason"] == "unknown"


async def test_a_user_has_a_bounded_number_of_open_flows(store: SQLiteStore) -> None:
    for i in range(25):
        await store.put_state(state(f"{i:02d}" + "S" * 41, created_at=NOW + i))
    await store.put_state(state("B" * 43, user_id="bob"))
    with pytest.raises(OAuthInvalidState) as err:
        await store.consume_state("04" + "S" * 41, now=NOW + 30)
    assert err.value.details["reason"] == "unknown"  # among the 5 oldest: dropped
    for i in range(5, 25):
        await store.consume_state(f"{i:02d}" + "S" * 41, now=NOW + 30)
    assert (await store.consume_state("B" * 43, now=NOW + 30)).user_id == "bob"
