"""Deterministic Spotify-style identifiers and random secrets."""

from __future__ import annotations

import hashlib
import secrets

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_id(seed: str, length: int = 22) -> str:
    """A stable 22-character base62 id derived from ``seed`` (same seed, same id)."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        number, rem = divmod(number, 62)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def is_base62_id(value: str) -> bool:
    return len(value) == 22 and all(c in _ALPHABET for c in value)


def opaque_token(prefix: str, nbytes: int = 48) -> str:
    """A random token in Spotify's style (``BQD…`` access, ``AQC…`` refresh, ``AQD…`` code)."""
    return prefix + secrets.token_urlsafe(nbytes)
