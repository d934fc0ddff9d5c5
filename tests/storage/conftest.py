"""Store fixtures: a SQLite file in a tmp dir with a fresh key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from skill.storage.crypto import Keyring, generate_key
from skill.storage.sqlite import SQLiteStore

StoreFactory = Callable[..., SQLiteStore]


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def store_factory(tmp_path: Path, key: str) -> Iterator[StoreFactory]:
    opened: list[SQLiteStore] = []

    def make(keys: list[str] | None = None, path: Path | None = None) -> SQLiteStore:
        store = SQLiteStore(path or tmp_path / "skill.sqlite3",
                            Keyring.from_strings(keys or [key], "test"))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> SQLiteStore:
    return store_factory()
