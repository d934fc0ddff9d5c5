"""Small shared types between the token layer and the Web API client.

The client asks a :class:`TokenSource` for a user's bearer token before each call and
tells it when Spotify answered 401; the token manager (``skill.spotify.tokens``) is the
production implementation. Keeping the seam here lets either side be built and tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class AccessToken:
    """A user's current access token and what it allows."""

    value: str = field(repr=False)
    """The bearer token itself (never logged)."""
    scopes: frozenset[str]
    """Scopes Spotify granted (from the token response's ``scope``)."""
    expires_at: float
    """Absolute expiry, seconds since the epoch."""
    account_id: str | None = None
    """Spotify's ``account_id`` of the linked account, when known."""


class TokenSource(Protocol):
    """Where the client gets bearer tokens from."""

    async def get(self, user_id: str) -> AccessToken:
        """A valid token for ``user_id`` (refreshing ahead of expiry if needed).

        Raises ``NotLinked`` or ``RelinkRequired`` (skill.errors) when there is none.
        """
        ...

    async def refresh_after_401(self, user_id: str, rejected: AccessToken) -> AccessToken:
        """Spotify refused ``rejected``: refresh once (rate-limited per user) and return
        the token to retry with (which may be one another caller already refreshed)."""
        ...
