"""Calls to the Spotify Accounts service (``POST {SPOTIFY_ACCOUNTS_BASE}/api/token``).

Every call has a deadline, passes the Accounts breaker and the app-wide Accounts cooldown
(a 429 opens it; nothing is sent inside it), and is translated into our error tree in one
place (``skill.spotify.translate``). A token request is never repeated once it may have
reached Spotify: a refresh that Spotify processed has already rotated the refresh token, so
only a connection that was never established is tried again.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from skill.errors import (
    OAuthInvalidGrant,
    OAuthInvalidRedirect,
    RateLimited,
    SkillError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from skill.spotify.breaker import Breaker
from skill.spotify.budget import Cooldown, Deadline, backoff_delay, current_mode
from skill.spotify.translate import translate_accounts_error, translate_exception

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/token"
#: A connection that was never established may be tried this many more times.
CONNECT_RETRIES = 2


@dataclass(frozen=True)
class TokenResponse:
    """A successful ``/api/token`` answer."""

    access_token: str = field(repr=False)
    expires_in: float
    scopes: frozenset[str] | None
    """What Spotify granted (None when the answer has no ``scope``)."""
    refresh_token: str | None = field(default=None, repr=False)
    """None when Spotify kept the old one (confidential clients usually)."""


class AccountsClient:
    """The token endpoint, behind the Accounts breaker and cooldown."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base: str,
        client_id: str,
        client_secret: str | None,
        breaker: Breaker,
        cooldown: Cooldown,
        timeout: float = 30.0,
        short_timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._sleep = sleep
        self._url = base.rstrip("/") + TOKEN_PATH
        self.client_id = client_id
        self._secret = client_secret
        self.breaker = breaker
        self.cooldown = cooldown
        self._timeout = timeout
        self._short_timeout = short_timeout
        self._monotonic = monotonic

    @property
    def confidential(self) -> bool:
        return self._secret is not None

    async def exchange_code(self, code: str, *, redirect_uri: str, verifier: str) -> TokenResponse:
        """Trade an authorization code for tokens (with the PKCE verifier for a public
        client; a confidential client authenticates with its secret instead)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if not self.confidential:
            form["code_verifier"] = verifier
        return await self._token(form)

    async def refresh(self, refresh_token: str) -> TokenResponse:
        """Renew an access token; under PKCE the answer carries a new refresh token."""
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _deadline(self) -> Deadline:
        seconds = self._short_timeout if current_mode() == "short" else self._timeout
        return Deadline.after(seconds, self._monotonic)

    async def _token(self, form: dict[str, str]) -> TokenResponse:
        headers = {"Accept": "application/json"}
        if self._secret is not None:
            pair = f"{self.client_id}:{self._secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            form = {**form, "client_id": self.client_id}
        deadline = self._deadline()
        grant = form["grant_type"]
        attempt = 0
        rate_limited_once = False
        while True:
            await self._wait_allowed(deadline)
            self.breaker.before_call()
            started = self._monotonic()
            try:
                response = await self._http.post(
                    self._url,
                    data=form,
                    headers=headers,
                    timeout=httpx.Timeout(max(0.001, deadline.remaining())),
                )
            except asyncio.CancelledError:
                self.breaker.release()
                raise
            except httpx.ConnectError as exc:
                self.breaker.record_failure()
                delay = backoff_delay(attempt, base=0.25)
                if attempt < CONNECT_RETRIES and deadline.fits(delay):
                    attempt += 1
                    log.info("accounts %s: connection failed, retrying in %.2fs", grant, delay)
                    await self._sleep(delay)
                    continue
                raise translate_exception(exc, upstream="accounts") from None
            except (httpx.HTTPError, TimeoutError) as exc:
                self.breaker.record_failure()
                log.warning("accounts %s failed: %s", grant, type(exc).__name__)
                raise translate_exception(exc, upstream="accounts") from None
            elapsed_ms = (self._monotonic() - started) * 1000
            log.info(
                "accounts POST %s grant=%s status=%d elapsed=%.0fms",
                TOKEN_PATH,
                grant,
                response.status_code,
                elapsed_ms,
            )
            if response.status_code >= 500:
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            if response.status_code == 200:
                self.cooldown.record_success()
                return _parse_success(response)
            error = _translate(response)
            if isinstance(error, RateLimited):
                remaining = self.cooldown.open(error.retry_after)
                error.retry_after = remaining
                # A 429 proves Spotify did not act: send again once the cooldown is over,
                # if that still fits the deadline (at most once more).
                if not rate_limited_once and deadline.fits(remaining):
                    rate_limited_once = True
                    continue
            raise error

    async def _wait_allowed(self, deadline: Deadline) -> None:
        remaining = self.cooldown.remaining()
        if remaining > 0:
            # Rate limits are per app: inside the cooldown nothing is sent. Wait it out only
            # when that fits the deadline; otherwise the caller learns when to come back.
            if not deadline.fits(remaining):
                raise RateLimited(
                    retry_after=remaining, details={"upstream": "accounts", "limit": "app"}
                )
            log.info("accounts: waiting %.2fs for the app-wide cooldown", remaining)
            await self._sleep(remaining)
        if deadline.expired:
            raise UpstreamTimeout(details={"upstream": "accounts"})


def _translate(response: httpx.Response) -> SkillError:
    error = translate_accounts_error(response, upstream="accounts")
    message = str(error.details.get("spotify_message", "")).lower()
    if isinstance(error, OAuthInvalidGrant) and "redirect" in message:
        return OAuthInvalidRedirect(details=error.details)
    return error


def _parse_success(response: httpx.Response) -> TokenResponse:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise UpstreamUnavailable(
            "The Spotify Accounts service gave an unreadable answer.",
            details={"upstream": "accounts"},
        )
    access = body.get("access_token")
    token_type = body.get("token_type", "Bearer")
    expires_in = body.get("expires_in", 3600)
    if (
        not isinstance(access, str)
        or not access
        or not isinstance(token_type, str)
        or token_type.lower() != "bearer"
        or not isinstance(expires_in, int | float)
        or isinstance(expires_in, bool)
    ):
        raise UpstreamUnavailable(
            "The Spotify Accounts service gave an unexpected answer.",
            details={"upstream": "accounts"},
        )
    scope = body.get("scope")
    refresh = body.get("refresh_token")
    return TokenResponse(
        access_token=access,
        expires_in=float(expires_in),
        scopes=frozenset(scope.split()) if isinstance(scope, str) else None,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
    )
