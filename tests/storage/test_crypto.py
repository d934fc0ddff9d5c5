"""Encryption at rest: rotation, binding, the key file, failing closed on a wrong key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from skill.config import Settings
from skill.errors import ConfigError
from skill.storage.crypto import KeyMismatch, Keyring, generate_key, load_keyring
from tests.storage.conftest import StoreFactory
from tests.storage.test_token_store import record


def test_seal_open_and_rotation() -> None:
    old, new = generate_key(), generate_key()
    before = Keyring.from_strings([old], "t")
    sealed = before.seal("secret-value", "ctx")
    assert "secret-value" not in sealed
    after = Keyring.from_strings([new, old], "t")
    assert after.open(sealed, "ctx") == "secret-value"
    assert after.seal("x", "ctx").split(".")[1] == after.current_key_id != before.current_key_id
    with pytest.raises(KeyMismatch) as err:
        Keyring.from_strings([new], "t").open(sealed, "ctx")
    assert err.value.details["key_id"] == before.current_key_id


def test_a_value_is_bound_to_its_place() -> None:
    ring = Keyring.from_strings([generate_key()], "t")
    sealed = ring.seal("secret-value", "token:spotify:alice:access")
    with pytest.raises(KeyMismatch) as err:
        ring.open(sealed, "token:spotify:bob:access")
    assert err.value.details["reason"] == "authentication_failed"
    assert "secret-value" not in str(err.value)


def test_corrupt_values_fail_closed() -> None:
    ring = Keyring.from_strings([generate_key()], "t")
    sealed = ring.seal("secret-value", "ctx")
    for broken in (sealed[:-4], sealed.replace(".", "", 1), "v2." + sealed[3:], sealed + "!!"):
        with pytest.raises(KeyMismatch):
            ring.open(broken, "ctx")


def test_bad_keys_are_refused_with_a_hint() -> None:
    with pytest.raises(ConfigError, match="32 bytes"):
        Keyring.from_strings(["c2hvcnQ="], "SKILL_ENCRYPTION_KEYS")
    with pytest.raises(ConfigError, match="base64"):
        Keyring.from_strings(["not base64 at all!"], "SKILL_ENCRYPTION_KEYS")


def test_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "db" / "skill.sqlite3")
    ring = load_keyring(settings)
    key_file = tmp_path / "db" / "skill.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_keyring(settings).current_key_id == ring.current_key_id
    key_file.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_keyring(settings)


def test_configured_keys_win_over_the_key_file(tmp_path: Path) -> None:
    key = generate_key()
    settings = Settings(db_path=tmp_path / "skill.sqlite3", encryption_keys=(key,))
    assert load_keyring(settings).key_ids == Keyring.from_strings([key], "t").key_ids
    assert not (tmp_path / "skill.key").exists()


async def test_store_with_the_wrong_key_fails_closed(
    store_factory: StoreFactory, tmp_path: Path
) -> None:
    first = store_factory()
    await first.save_link(record())
    first.close()
    before = (tmp_path / "skill.sqlite3").read_bytes()
    with pytest.raises(ConfigError, match="not configured") as err:
        store_factory([generate_key()])
    assert err.value.details["missing_key_ids"]
    assert (tmp_path / "skill.sqlite3").read_bytes() == before


async def test_rotated_keys_open_old_rows_and_new_writes_use_the_new_key(
    store_factory: StoreFactory, key: str
) -> None:
    first = store_factory()
    await first.save_link(record())
    first.close()
    newer = generate_key()
    second = store_factory([newer, key])
    got = await second.get_token("alice")
    assert got is not None and got.refresh_token == "REFRESH-alice-0001"
