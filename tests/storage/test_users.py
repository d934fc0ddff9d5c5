"""Users of the service and their API keys (stored hashed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.errors import Conflict, InvalidRequest, NotFound
from skill.storage.sqlite import SQLiteStore


async def test_create_authenticate_revoke_rotate(store: SQLiteStore, tmp_path: Path) -> None:
    user, key = await store.create_user("alice", at=1.0)
    assert key.startswith("sk_") and len(key) > 40
    assert user.key_prefix == key[:10]
    assert await store.authenticate(key) == user
    assert await store.authenticate(key + "x") is None
    assert await store.authenticate("") is None
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("skill.sqlite3*"))
    assert key.encode() not in raw

    assert await store.revoke_user("alice", at=2.0) is True
    assert await store.revoke_user("alice", at=3.0) is False
    assert await store.authenticate(key) is None
    listed = await store.list_users()
    assert [(u.user_id, u.active) for u in listed] == [("alice", False)]

    new_key = await store.rotate_key("alice", at=4.0)
    assert await store.authenticate(key) is None
    got = await store.authenticate(new_key)
    assert got is not None and got.active


async def test_names_are_unique_and_checked(store: SQLiteStore) -> None:
    await store.create_user("alice", at=1.0)
    with pytest.raises(Conflict):
        await store.create_user("alice", at=1.0)
    for bad in ["", "-x", "a b", "a:b", "x" * 65]:
        with pytest.raises(InvalidRequest):
            await store.create_user(bad, at=1.0)
    with pytest.raises(NotFound):
        await store.rotate_key("nobody", at=1.0)
