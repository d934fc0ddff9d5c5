"""PKCE (RFC 7636) and OAuth state values, all from ``secrets``."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string

VERIFIER_ALPHABET = string.ascii_letters + string.digits + "-._~"
VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def new_verifier(length: int = 64) -> str:
    """A code verifier: ``length`` (43–128) characters of the unreserved set."""
    if not 43 <= length <= 128:
        raise ValueError("a PKCE verifier is 43 to 128 characters long")
    return "".join(secrets.choice(VERIFIER_ALPHABET) for _ in range(length))


def s256_challenge(verifier: str) -> str:
    """base64url(SHA-256(ASCII verifier)) without padding (the only method Spotify documents)."""
    if not VERIFIER_RE.match(verifier):
        raise ValueError("not a valid PKCE verifier")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """An OAuth ``state``: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    """A browser-binding or confirmation nonce: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)
