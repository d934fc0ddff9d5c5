"""Persistence: token, OAuth-state and user stores behind small protocols; encryption at rest."""

from __future__ import annotations

from pathlib import Path

from skill.config import Settings
from skill.storage.crypto import load_keyring
from skill.storage.sqlite import SQLiteStore


def open_store(settings: Settings, *, path: Path | None = None) -> SQLiteStore:
    """The configured store (SQLite at ``SKILL_DB``), with its keyring; fails closed on a key
    that cannot open what is stored."""
    return SQLiteStore(path or settings.db_path, load_keyring(settings))


__all__ = ["SQLiteStore", "open_store"]
