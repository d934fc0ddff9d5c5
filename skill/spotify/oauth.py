"""Linking a Spotify account: OAuth 2.0 authorization code with PKCE.

The flow, and the promises it keeps:

1. :meth:`OAuthFlow.start` makes a verifier (``secrets``), its S256 challenge and a random
   ``state``, stores them server-side (single use, 10 minutes, bound to the user of this
   service who started it, surviving a restart) and returns the authorize URL. A flow
   started from a browser is also bound to that browser (the hash of an HttpOnly cookie).
2. :meth:`OAuthFlow.finish` takes the state exactly once (replayed, expired and unknown
   states are refused and nothing is stored), maps Spotify's error answers, exchanges the
   code, and reads ``/me`` for ``account_id`` (the link key Spotify recommends).
3. When the callback arrives in the browser that started the flow, the link is stored. When
   it does not (another browser, a phone, or a login-CSRF attempt: someone else's authorize
   URL opened by a victim), nothing is linked silently: the tokens wait, sealed, for an
   explicit confirmation that names both accounts (:meth:`OAuthFlow.confirm`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from skill.errors import (
    Conflict,
    OAuthDenied,
    OAuthInvalidClient,
    OAuthInvalidGrant,
    OAuthInvalidRedirect,
    OAuthInvalidState,
    SkillError,
)
from skill.spotify.accounts import AccountsClient, TokenResponse
from skill.spotify.pkce import new_nonce, new_state, new_verifier, s256_challenge
from skill.spotify.profile import Profile, ProfileFetcher, profile_fetcher
from skill.storage.base import (
    SPOTIFY,
    OAuthState,
    OAuthStateStore,
    PendingLink,
    TokenRecord,
    TokenStore,
    secret_hash,
)

log = logging.getLogger(__name__)

STATE_TTL = 600.0
PENDING_TTL = 600.0
PURPOSES = ("link", "relink", "incremental")

#: ``error`` values of the authorize redirect (RFC 6749 §4.1.2.1) → our errors.
_AUTHORIZE_ERRORS: dict[str, type[SkillError]] = {
    "access_denied": OAuthDenied,
    "invalid_request": OAuthInvalidGrant,
    "unauthorized_client": OAuthInvalidClient,
    "unsupported_response_type": OAuthInvalidGrant,
    "invalid_scope": OAuthInvalidGrant,
    "server_error": OAuthInvalidGrant,
    "temporarily_unavailable": OAuthInvalidGrant,
}


@dataclass(frozen=True)
class AuthorizeStart:
    """A started flow: where to send the user, until when."""

    authorize_url: str = field(repr=False)
    expires_at: float
    scopes: tuple[str, ...]
    purpose: str


@dataclass(frozen=True)
class Linked:
    """The link is stored."""

    user_id: str
    account_id: str | None
    display_name: str | None
    scopes: frozenset[str]
    purpose: str


@dataclass(frozen=True)
class NeedsConfirmation:
    """The callback came from another browser: the user must confirm explicitly."""

    confirm_token: str = field(repr=False)
    user_id: str
    account_id: str | None
    display_name: str | None
    scopes: frozenset[str]
    expires_at: float


class OAuthFlow:
    """Start, finish and confirm links; the state lives in the store, not in memory."""

    def __init__(
        self,
        *,
        states: OAuthStateStore,
        tokens: TokenStore,
        accounts: AccountsClient,
        profile: ProfileFetcher,
        authorize_base: str,
        default_scopes: Iterable[str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._states = states
        self._tokens = tokens
        self._accounts = accounts
        self._profile = profile
        self._authorize_base = authorize_base.rstrip("/")
        self.default_scopes = tuple(default_scopes)
        self._clock = clock

    # ------------------------------------------------------------------ start

    async def start(
        self,
        user_id: str,
        *,
        redirect_uri: str,
        scopes: Iterable[str] | None = None,
        purpose: str = "link",
        browser_nonce: str | None = None,
        authorize_base: str | None = None,
    ) -> AuthorizeStart:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        wanted = tuple(sorted(set(self.default_scopes if scopes is None else scopes)))
        state, verifier = new_state(), new_verifier()
        now = self._clock()
        await self._states.put_state(
            OAuthState(
                state=state,
                user_id=user_id,
                verifier=verifier,
                redirect_uri=redirect_uri,
                scopes=wanted,
                created_at=now,
                expires_at=now + STATE_TTL,
                purpose=purpose,
                browser_hash=secret_hash(browser_nonce) if browser_nonce else None,
            )
        )
        query = {
            "client_id": self._accounts.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
        }
        if not self._accounts.confidential:
            # Public clients prove the code is theirs with PKCE. A client with a secret uses
            # Spotify's documented authorization-code flow (secret, non-rotating refresh).
            query["code_challenge_method"] = "S256"
            query["code_challenge"] = s256_challenge(verifier)
        if wanted:
            query["scope"] = " ".join(wanted)
        base = (authorize_base or self._authorize_base).rstrip("/")
        url = f"{base}/authorize?{urlencode(query, quote_via=quote)}"
        log.info("user %s: link flow started (%s, %d scopes)", user_id, purpose, len(wanted))
        return AuthorizeStart(url, now + STATE_TTL, wanted, purpose)

    async def start_incremental(
        self, user_id: str, missing: Iterable[str], **kwargs: Any
    ) -> AuthorizeStart:
        """Ask for ``missing`` scopes on top of what the link has.

        Spotify's consent screen only asks the user about what is new, but the token it
        issues carries only the scopes of this request; so the request names the granted
        scopes too, or the new link would lose them.
        """
        record = await self._tokens.get_token(user_id, SPOTIFY)
        granted = record.scopes if record is not None else frozenset(self.default_scopes)
        return await self.start(
            user_id, scopes=set(granted) | set(missing), purpose="incremental", **kwargs
        )

    # ------------------------------------------------------------------ finish

    async def finish(
        self,
        *,
        state: str | None,
        code: str | None,
        error: str | None,
        browser_nonce: str | None,
        expected_user: str | None = None,
    ) -> Linked | NeedsConfirmation:
        """Complete a flow from its callback parameters.

        ``browser_nonce`` is the binding cookie the callback arrived with; ``expected_user``
        is the authenticated caller when the callback URL is handed in over the API (a
        headless set-up): the state must be theirs, and then no confirmation is needed.
        """
        if not state:
            raise OAuthInvalidState(
                "The callback carries no state; start the link again.",
                details={"reason": "missing"},
            )
        flow = await self._states.consume_state(state, now=self._clock())
        if expected_user is not None and flow.user_id != expected_user:
            # Someone else's link attempt: refuse, and the state stays spent.
            log.warning("user %s presented a link state of another user; refused", expected_user)
            raise OAuthInvalidState(
                "This link attempt was started by another user.",
                details={"reason": "foreign_user"},
            )
        if error is not None:
            cls = _AUTHORIZE_ERRORS.get(error, OAuthInvalidGrant)
            details: dict[str, Any] = {"user": flow.user_id}
            if error in _AUTHORIZE_ERRORS:
                details["error"] = error
            log.info(
                "user %s: link flow ended by Spotify (%s)",
                flow.user_id,
                details.get("error", "unknown error"),
            )
            raise cls(details=details)
        if not code:
            raise OAuthInvalidGrant(
                "The callback carries no authorization code.", details={"user": flow.user_id}
            )
        try:
            tokens = await self._accounts.exchange_code(
                code, redirect_uri=flow.redirect_uri, verifier=flow.verifier
            )
        except OAuthInvalidRedirect as exc:
            exc.message = (
                "Spotify refused the redirect URI. The app's settings in the Spotify "
                f"Developer Dashboard must list exactly {flow.redirect_uri}"
            )
            exc.details["redirect_uri"] = flow.redirect_uri
            raise
        if tokens.refresh_token is None:
            raise OAuthInvalidGrant(
                "Spotify issued no refresh token for this link.", details={"user": flow.user_id}
            )
        profile = await self._profile(tokens.access_token)
        scopes = tokens.scopes if tokens.scopes is not None else frozenset(flow.scopes)
        await self._check_same_account(flow, profile)
        now = self._clock()
        bound = expected_user is not None or (
            flow.browser_hash is not None
            and browser_nonce is not None
            and secret_hash(browser_nonce) == flow.browser_hash
        )
        if bound:
            return await self._store_link(flow.user_id, tokens, profile, scopes, flow.purpose)
        confirm = new_nonce()
        await self._states.put_pending(
            confirm,
            PendingLink(
                user_id=flow.user_id,
                account_id=profile.account_id,
                display_name=profile.display_name,
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                expires_at=now + tokens.expires_in,
                scopes=scopes,
                purpose=flow.purpose,
                created_at=now,
                expires_at_pending=now + PENDING_TTL,
            ),
        )
        log.info(
            "user %s: link waits for confirmation (callback from another browser)", flow.user_id
        )
        return NeedsConfirmation(
            confirm,
            flow.user_id,
            profile.account_id,
            profile.display_name,
            scopes,
            now + PENDING_TTL,
        )

    async def confirm(self, confirm_token: str) -> Linked:
        pending = await self._states.take_pending(confirm_token, now=self._clock())
        tokens = TokenResponse(
            access_token=pending.access_token,
            expires_in=max(0.0, pending.expires_at - self._clock()),
            scopes=pending.scopes,
            refresh_token=pending.refresh_token,
        )
        profile = Profile(pending.account_id, None, pending.display_name)
        return await self._store_link(
            pending.user_id, tokens, profile, pending.scopes, pending.purpose
        )

    async def cancel(self, confirm_token: str) -> str:
        """Drop a pending link; returns the user it was for."""
        pending = await self._states.take_pending(confirm_token, now=self._clock())
        log.info("user %s: pending link cancelled", pending.user_id)
        return pending.user_id

    async def unlink(self, user_id: str) -> bool:
        removed = await self._tokens.delete_token(user_id, SPOTIFY)
        if removed:
            log.info("user %s: Spotify link removed", user_id)
        return removed

    async def _check_same_account(self, flow: OAuthState, profile: Profile) -> None:
        if flow.purpose != "incremental":
            return
        current = await self._tokens.get_token(flow.user_id, SPOTIFY)
        if current is not None and current.account_id not in (None, profile.account_id):
            raise Conflict(
                "Those permissions were granted by a different Spotify account than the one "
                "linked; sign in to Spotify with the linked account and try again.",
                details={
                    "user": flow.user_id,
                    "linked_account_id": current.account_id,
                    "account_id": profile.account_id,
                },
            )

    async def _store_link(
        self,
        user_id: str,
        tokens: TokenResponse,
        profile: Profile,
        scopes: frozenset[str],
        purpose: str,
    ) -> Linked:
        now = self._clock()
        assert tokens.refresh_token is not None
        await self._tokens.save_link(
            TokenRecord(
                user_id=user_id,
                account_id=profile.account_id,
                display_name=profile.display_name,
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                expires_at=now + tokens.expires_in,
                scopes=scopes,
                consented_at=now,
                created_at=now,
                updated_at=now,
                last_refresh_result=None,
            )
        )
        log.info(
            "user %s: linked to Spotify account %s (%s, %d scopes)",
            user_id,
            profile.account_id,
            purpose,
            len(scopes),
        )
        return Linked(user_id, profile.account_id, profile.display_name, scopes, purpose)


__all__ = [
    "AuthorizeStart",
    "Linked",
    "NeedsConfirmation",
    "OAuthFlow",
    "Profile",
    "ProfileFetcher",
    "profile_fetcher",
]
