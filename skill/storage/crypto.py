"""Encryption at rest for tokens and verifiers: AES-256-GCM with key ids.

A ciphertext reads ``v1.<key id>.<base64url(nonce | ciphertext+tag)>``. The key id is the
first 8 hex digits of SHA-256 over the key, so a value names the key that sealed it without
revealing it. Values are sealed with the newest key; any configured key opens them, so keys
rotate by putting a new one first and keeping the old ones until every row was rewritten.
Each value is bound to its place (associated data such as ``token:alice:spotify:access``):
a ciphertext copied into another row does not open.

Keys come from ``SKILL_ENCRYPTION_KEYS`` (comma-separated, newest first, each 32 random bytes
in URL-safe base64 — a Fernet key has this form). With none set, a key file is created on
first run with owner-only permissions (0600). A value that no configured key opens fails
closed with :class:`KeyMismatch`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from skill.config import Settings
from skill.errors import ConfigError, InternalError

VERSION = "v1"
NONCE_BYTES = 12
GENERATE_HINT = (
    "generate one with: python -c \"import base64, os; "
    "print(base64.urlsafe_b64encode(os.urandom(32)).decode())\""
)


class KeyMismatch(InternalError):
    """A stored value cannot be opened with the configured keys (wrong key or tampering)."""

    default_message = (
        "Stored credentials cannot be decrypted with the configured encryption keys."
    )


def generate_key() -> str:
    """A new key in the accepted format (32 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _decode_key(text: str, source: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ConfigError(
            f"{source}: an encryption key is not URL-safe base64; {GENERATE_HINT}"
        ) from exc
    if len(raw) != 32:
        raise ConfigError(
            f"{source}: an encryption key must be 32 bytes (got {len(raw)}); {GENERATE_HINT}"
        )
    return raw


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:8]


@dataclass(frozen=True)
class _Key:
    kid: str
    aead: AESGCM


class Keyring:
    """Seals with the newest key, opens with any configured key."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ConfigError("no encryption key configured")
        self._keys = [_Key(key_id(k), AESGCM(k)) for k in keys]
        self._by_id = {k.kid: k for k in reversed(self._keys)}

    @classmethod
    def from_strings(cls, keys: list[str] | tuple[str, ...], source: str) -> Keyring:
        return cls([_decode_key(k, source) for k in keys])

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Configured key ids, newest first."""
        return tuple(k.kid for k in self._keys)

    @property
    def current_key_id(self) -> str:
        return self._keys[0].kid

    def seal(self, plaintext: str, context: str) -> str:
        key = self._keys[0]
        nonce = os.urandom(NONCE_BYTES)
        body = key.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        blob = base64.urlsafe_b64encode(nonce + body).decode("ascii").rstrip("=")
        return f"{VERSION}.{key.kid}.{blob}"

    def open(self, sealed: str, context: str) -> str:
        version, kid, blob = _split(sealed)
        if version != VERSION:
            raise KeyMismatch(details={"reason": "unknown_format"})
        key = self._by_id.get(kid)
        if key is None:
            raise KeyMismatch(
                "A stored credential was encrypted with a key that is not configured; "
                "add that key to SKILL_ENCRYPTION_KEYS (after the newest one).",
                details={"key_id": kid, "configured_key_ids": list(self.key_ids)},
            )
        try:
            raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        except (binascii.Error, ValueError) as exc:
            raise KeyMismatch(details={"key_id": kid, "reason": "corrupt"}) from exc
        try:
            plain = key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise KeyMismatch(
                "A stored credential failed authentication (wrong key or tampered data).",
                details={"key_id": kid, "reason": "authentication_failed"},
            ) from exc
        return plain.decode("utf-8")


def sealed_key_id(sealed: str) -> str:
    """The key id a sealed value names (for start-up checks and re-encryption)."""
    return _split(sealed)[1]


def _split(sealed: str) -> tuple[str, str, str]:
    parts = sealed.split(".", 2)
    if len(parts) != 3:
        raise KeyMismatch(details={"reason": "unknown_format"})
    return parts[0], parts[1], parts[2]


def load_keyring(settings: Settings) -> Keyring:
    """Keys from ``SKILL_ENCRYPTION_KEYS``, or the key file (created 0600 on first run)."""
    if settings.encryption_keys:
        return Keyring.from_strings(settings.encryption_keys, "SKILL_ENCRYPTION_KEYS")
    return Keyring.from_strings(_read_or_create_key_file(settings.resolved_key_file), "key file")


def _read_or_create_key_file(path: Path) -> list[str]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        except OSError as exc:
            raise ConfigError(
                f"cannot create the key file {path}: {exc.strerror}",
                details={"setting": "SKILL_KEY_FILE"},
            ) from exc
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(generate_key() + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"the key file {path} is readable by others (mode {mode:o}); run chmod 600 on it",
            details={"setting": "SKILL_KEY_FILE"},
        )
    keys = [line.strip() for line in path.read_text(encoding="ascii").splitlines()]
    keys = [k for k in keys if k and not k.startswith("#")]
    if not keys:
        raise ConfigError(
            f"the key file {path} holds no key", details={"setting": "SKILL_KEY_FILE"}
        )
    return keys
