"""The token store contract, over a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from skill.storage.base import RELINK_REQUIRED, TokenRecord, TokenUpdate
from skill.storage.sqlite import SQLiteStore
from tests.storage.conftest import StoreFactory

NOW = 1_800_000_000.0


def record(user: str = "alice", **changes: object) -> TokenRecord:
    values: dict[str, object] = {
        "user_id": user,
        "account_id": f"acct-{user}",
        "access_token": f"ACCESS-{user}-0001",
        "refresh_token": f"REFRESH-{user}-0001",
        "expires_at": NOW + 3600,
        "scopes": frozenset({"user-read-playback-state", "user-modify-playback-state"}),
        "consented_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return TokenRecord(**values)  # type: ignore[arg-type]


async def test_link_round_trip(store: SQLiteStore) -> None:
    saved = await store.save_link(record())
    got = await store.get_token("alice")
    assert got == saved
    assert got.access_token == "ACCESS-alice-0001"
    assert got.refresh_token == "REFRESH-alice-0001"
    assert got.scopes == {"user-read-playback-state", "user-modify-playback-state"}
    assert got.link_state == "linked" and got.version == 1
    assert await store.get_token("bob") is None


async def test_raw_database_holds_no_token_text(store: SQLiteStore, tmp_path: Path) -> None:
    await store.save_link(record())
    raw = (tmp_path / "skill.sqlite3").read_bytes()
    wal = tmp_path / "skill.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"ACCESS-alice" not in raw and b"REFRESH-alice" not in raw
    assert b"acct-alice" in raw  # the account id is not a secret: the check above is real
    conn = sqlite3.connect(tmp_path / "skill.sqlite3")
    (access_ct, refresh_ct) = conn.execute("SELECT access_ct, refresh_ct FROM tokens").fetchone()
    conn.close()
    assert access_ct.startswith("v1.") and "ACCESS" not in access_ct
    assert refresh_ct.startswith("v1.") and "REFRESH" not in refresh_ct


async def test_rotated_refresh_token_is_stored_with_its_access_token(store: SQLiteStore) -> None:
    old = await store.save_link(record())
    update = TokenUpdate(
        access_token="ACCESS-2", refresh_token="REFRESH-2", expires_at=NOW + 7200,
        scopes=old.scopes,
    )
    new = await store.save_refresh("alice", update, expected_version=old.version, at=NOW + 10)
    assert new is not None
    assert (new.access_token, new.refresh_token) == ("ACCESS-2", "REFRESH-2")
    assert new.version == old.version + 1
    assert new.last_refresh_result == "ok" and new.last_refresh_at == NOW + 10
    assert new.consented_at == NOW  # refreshing does not restart the consent clock


async def test_refresh_without_new_refresh_token_keeps_the_old_one(store: SQLiteStore) -> None:
    old = await store.save_link(record())
    update = TokenUpdate(access_token="ACCESS-2", expires_at=NOW + 7200, scopes=old.scopes)
    new = await store.save_refresh("alice", update, expected_version=old.version, at=NOW)
    assert new is not None
    assert new.access_token == "ACCESS-2"
    assert new.refresh_token == "REFRESH-alice-0001"


async def test_stale_version_writes_nothing(store: SQLiteStore) -> None:
    old = await store.save_link(record())
    first = TokenUpdate(
        access_token="A2", refresh_token="R2", expires_at=NOW + 1, scopes=old.scopes
    )
    second = TokenUpdate(
        access_token="A3", refresh_token="R3", expires_at=NOW + 2, scopes=old.scopes
    )
    assert await store.save_refresh("alice", first, expected_version=old.version, at=NOW)
    assert await store.save_refresh("alice", second, expected_version=old.version, at=NOW) is None
    got = await store.get_token("alice")
    assert got is not None and (got.access_token, got.refresh_token) == ("A2", "R2")


async def test_failed_write_leaves_both_tokens_as_they_were(
    store: SQLiteStore, tmp_path: Path
) -> None:
    old = await store.save_link(record())
    # Another process holds the write lock: the refresh write must fail as a whole.
    other = sqlite3.connect(tmp_path / "skill.sqlite3", isolation_level=None, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")
    store._conn.execute("PRAGMA busy_timeout = 100")
    update = TokenUpdate(
        access_token="A2", refresh_token="R2", expires_at=NOW + 1, scopes=old.scopes
    )
    with pytest.raises(sqlite3.OperationalError):
        await store.save_refresh("alice", update, expected_version=old.version, at=NOW)
    other.execute("ROLLBACK")
    other.close()
    got = await store.get_token("alice")
    assert got is not None
    assert (got.access_token, got.refresh_token, got.version) == (
        "ACCESS-alice-0001", "REFRESH-alice-0001", old.version,
    )


async def test_refresh_failure_never_deletes_tokens(store: SQLiteStore) -> None:
    await store.save_link(record())
    await store.record_refresh_failure("alice", "upstream_unavailable", at=NOW, relink=False)
    got = await store.get_token("alice")
    assert got is not None and got.link_state == "linked"
    assert got.last_refresh_result == "upstream_unavailable"
    assert got.refresh_token == "REFRESH-alice-0001"
    await store.record_refresh_failure("alice", "invalid_grant", at=NOW, relink=True)
    got = await store.get_token("alice")
    assert got is not None and got.link_state == RELINK_REQUIRED
    assert got.refresh_token == "REFRESH-alice-0001"


async def test_relink_restores_linked_state_and_keeps_created_at(store: SQLiteStore) -> None:
    await store.save_link(record())
    await store.record_refresh_failure("alice", "invalid_grant", at=NOW, relink=True)
    again = await store.save_link(
        record(access_token="A9", refresh_token="R9", consented_at=NOW + 50, created_at=NOW + 50)
    )
    assert again.link_state == "linked" and again.created_at == NOW
    assert again.consented_at == NOW + 50


async def test_expiring_links_lists_only_linked_tokens_before_the_horizon(
    store: SQLiteStore,
) -> None:
    await store.save_link(record("a", expires_at=NOW + 100))
    await store.save_link(record("b", expires_at=NOW + 5000))
    await store.save_link(record("c", expires_at=NOW + 50))
    await store.record_refresh_failure("c", "invalid_grant", at=NOW, relink=True)
    assert await store.expiring_links(NOW + 600) == ["a"]
    assert await store.delete_token("a") is True
    assert await store.delete_token("a") is False
    assert await store.expiring_links(NOW + 600) == []


async def test_concurrent_writers_never_mix_halves(store_factory: StoreFactory) -> None:
    """Two store instances (two processes' connections) race refreshes of one record."""
    one, two = store_factory(), store_factory()
    base = await one.save_link(record())

    async def write(store: SQLiteStore, tag: str) -> TokenRecord | None:
        update = TokenUpdate(access_token=f"A-{tag}", refresh_token=f"R-{tag}",
                             expires_at=NOW + 1, scopes=base.scopes)
        return await store.save_refresh("alice", update, expected_version=base.version, at=NOW)

    results = await asyncio.gather(*(write(s, str(i)) for i, s in enumerate([one, two] * 5)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    got = await one.get_token("alice")
    assert got is not None
    assert got.access_token[2:] == got.refresh_token[2:]
