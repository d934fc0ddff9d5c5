"""What the service stores, and the small protocols every store backend implements.

SQLite (``skill.storage.sqlite``) is the single-machine default; a Redis backend can implement
the same protocols for shared mode. Records hold secrets in plain text only in memory: the
backends encrypt tokens and verifiers at rest (``skill.storage.crypto``) and keep OAuth states
and API keys only as hashes.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Literal, Protocol

LinkState = Literal["linked", "relink_required"]
LINKED: LinkState = "linked"
RELINK_REQUIRED: LinkState = "relink_required"

SPOTIFY = "spotify"

#: Spotify refresh tokens die six months after the user's consent (BEHAVIOR.md §1.4).
CONSENT_LIFETIME_SECONDS = 182 * 24 * 3600


def secret_hash(value: str) -> str:
    """SHA-256 hex of a high-entropy secret (API keys, OAuth states, browser nonces).

    These values are random 256-bit strings, so a plain hash cannot be brute-forced and lets
    the store look them up without ever holding them.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """One user's link to a provider account."""

    user_id: str
    """The user of this service who owns the link."""
    account_id: str | None
    """Spotify's ``account_id`` (the link key Spotify recommends), when known."""
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    """Absolute expiry of the access token, seconds since the epoch."""
    scopes: frozenset[str]
    """What Spotify actually granted."""
    consented_at: float
    """When the user last went through consent (the six-month refresh-token clock)."""
    created_at: float
    updated_at: float
    provider: str = SPOTIFY
    display_name: str | None = None
    last_refresh_at: float | None = None
    last_refresh_result: str | None = None
    """``"ok"`` or the error code of the last refresh attempt."""
    link_state: LinkState = LINKED
    version: int = 1
    """Bumped on every write; refresh writes are conditional on it."""

    @property
    def consent_expires_at(self) -> float:
        return self.consented_at + CONSENT_LIFETIME_SECONDS


@dataclass(frozen=True)
class TokenUpdate:
    """The result of one successful refresh, written atomically."""

    access_token: str = field(repr=False)
    expires_at: float
    scopes: frozenset[str]
    refresh_token: str | None = field(default=None, repr=False)
    """A rotated refresh token, or None to keep the stored one (confidential clients)."""


@dataclass(frozen=True)
class OAuthState:
    """A link flow in progress, kept server-side until its callback (single use)."""

    state: str = field(repr=False)
    user_id: str
    verifier: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]
    created_at: float
    expires_at: float
    purpose: str = "link"
    """``"link"``, ``"relink"`` or ``"incremental"`` (asking only for missing scopes)."""
    browser_hash: str | None = None
    """Hash of the browser-binding cookie when the flow was started from a browser."""


@dataclass(frozen=True)
class PendingLink:
    """A completed code exchange waiting for the user's explicit confirmation.

    Callbacks that arrive without the browser cookie of the flow (another browser, a phone,
    or a login-CSRF attempt) never link silently: the tokens wait here until confirmed.
    """

    user_id: str
    account_id: str | None
    display_name: str | None
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    scopes: frozenset[str]
    purpose: str
    created_at: float
    expires_at_pending: float


@dataclass(frozen=True)
class ServiceUser:
    """A user of this service (authenticates with an API key)."""

    user_id: str
    key_prefix: str
    """The first characters of the key, enough to tell keys apart in a listing."""
    created_at: float
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenStore(Protocol):
    async def get_token(self, user_id: str, provider: str = SPOTIFY) -> TokenRecord | None:
        """The stored link, or None."""
        ...

    async def save_link(self, record: TokenRecord) -> TokenRecord:
        """Create or replace a link after a consent (new tokens, new consent time)."""
        ...

    async def save_refresh(
        self,
        user_id: str,
        update: TokenUpdate,
        *,
        expected_version: int,
        at: float,
        provider: str = SPOTIFY,
    ) -> TokenRecord | None:
        """Store a refresh result atomically (access and rotated refresh token together).

        Returns the new record, or None when the record changed since ``expected_version``
        (another writer won; the caller re-reads).
        """
        ...

    async def record_refresh_failure(
        self, user_id: str, result: str, *, at: float, relink: bool, provider: str = SPOTIFY
    ) -> None:
        """Note a failed refresh; ``relink`` marks the link ``relink_required``. Tokens are
        never deleted here: a transient failure must not lose a still-valid token."""
        ...

    async def delete_token(self, user_id: str, provider: str = SPOTIFY) -> bool:
        ...

    async def expiring_links(self, before: float, provider: str = SPOTIFY) -> list[str]:
        """Users whose linked access token expires before ``before``."""
        ...


class OAuthStateStore(Protocol):
    async def put_state(self, state: OAuthState) -> None:
        ...

    async def consume_state(self, state: str, *, now: float) -> OAuthState:
        """Take a state exactly once; raises ``OAuthInvalidState`` when it is unknown,
        already used or expired (the reason is in ``details``)."""
        ...

    async def put_pending(self, confirm_token: str, pending: PendingLink) -> None:
        ...

    async def take_pending(self, confirm_token: str, *, now: float) -> PendingLink:
        """Take a pending link exactly once; raises ``OAuthInvalidState`` otherwise."""
        ...

    async def purge_expired(self, *, now: float) -> int:
        ...


class UserStore(Protocol):
    async def create_user(self, user_id: str, *, at: float) -> tuple[ServiceUser, str]:
        """Create a user; returns it and its API key (shown once, stored hashed)."""
        ...

    async def rotate_key(self, user_id: str, *, at: float) -> str:
        """Issue a new API key (the old one stops working); reactivates a revoked user."""
        ...

    async def authenticate(self, api_key: str) -> ServiceUser | None:
        ...

    async def get_user(self, user_id: str) -> ServiceUser | None:
        ...

    async def list_users(self) -> list[ServiceUser]:
        ...

    async def revoke_user(self, user_id: str, *, at: float) -> bool:
        ...


class LockProvider(Protocol):
    """Mutual exclusion by key: one holder at a time (per process here; a Redis provider
    extends it across instances)."""

    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        ...
