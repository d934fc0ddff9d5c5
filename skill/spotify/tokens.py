"""The token manager: valid bearer tokens for every linked user (``TokenSource``).

Policies, in one place:

* **Refresh ahead** of expiry (``SPOTIFY_REFRESH_AHEAD_SECONDS``) and **once on a 401**; at
  most one forced (401) refresh per user per 30 s, so a burst of 401s cannot burn a PKCE
  refresh-token chain (each refresh rotates it).
* **Single flight** per user: a refresh runs under the user's lock (``LockProvider``);
  whoever waited re-reads the store after taking the lock and uses the token the holder
  stored instead of refreshing again.
* ``invalid_grant`` (revoked, or six months after consent) marks the link
  ``relink_required``, stops retrying and raises ``RelinkRequired`` with the relink URL.
* A transient failure (breaker open, 5xx, timeout, 429) is recorded but never deletes a
  token: while the stored access token is still valid it is returned.
* The six-month consent expiry is warned about ahead (log and status).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from skill.errors import (
    NotLinked,
    OAuthInvalidGrant,
    OAuthInvalidRedirect,
    RelinkRequired,
    SkillError,
    Transient,
)
from skill.spotify.accounts import AccountsClient
from skill.spotify.seams import AccessToken
from skill.storage.base import (
    RELINK_REQUIRED,
    SPOTIFY,
    LockProvider,
    TokenRecord,
    TokenStore,
    TokenUpdate,
)

log = logging.getLogger(__name__)

FORCED_REFRESH_INTERVAL = 30.0
#: Warn this long before the six-month refresh-token lifetime ends.
CONSENT_WARNING_SECONDS = 14 * 24 * 3600
#: A token this close to expiry is not handed out when a refresh failed.
MIN_VALIDITY_SECONDS = 5.0
_MEMO_LIMIT = 10_000

RefreshAction = Literal["refreshed", "fresh", "relink_required", "failed", "not_linked"]


@dataclass(frozen=True)
class RefreshOutcome:
    """What one scheduled refresh did (for ``skill jobs refresh``)."""

    user_id: str
    action: RefreshAction
    expires_at: float | None = None
    error: str | None = None
    consent_expires_at: float | None = None


@dataclass(frozen=True)
class _Refreshed:
    record: TokenRecord
    refreshed: bool
    error: str | None = None


class TokenManager:
    """``TokenSource`` over a token store, the Accounts client and a lock provider."""

    def __init__(
        self,
        store: TokenStore,
        accounts: AccountsClient,
        locks: LockProvider,
        *,
        refresh_ahead: float = 300.0,
        relink_url: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.time,
        forced_interval: float = FORCED_REFRESH_INTERVAL,
        provider: str = SPOTIFY,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._locks = locks
        self._ahead = refresh_ahead
        self._relink_url = relink_url or (lambda _user: "/v1/spotify/auth/login?purpose=relink")
        self._clock = clock
        self._forced_interval = forced_interval
        self._provider = provider
        self._last_forced: OrderedDict[str, float] = OrderedDict()
        self._consent_warned: OrderedDict[str, float] = OrderedDict()
        self.refresh_count = 0

    # ------------------------------------------------------------------ TokenSource

    async def get(self, user_id: str) -> AccessToken:
        record = self._usable(user_id, await self._store.get_token(user_id, self._provider))
        if not self._due(record):
            return _access(record)
        return await self._refresh(user_id, self._due)

    async def refresh_after_401(self, user_id: str, rejected: AccessToken) -> AccessToken:
        def still_rejected(record: TokenRecord) -> bool:
            return record.access_token == rejected.value

        record = self._usable(user_id, await self._store.get_token(user_id, self._provider))
        if not still_rejected(record):
            return _access(record)  # someone refreshed since the call was sent
        now = self._clock()
        last = self._last_forced.get(user_id)
        if last is not None and now - last < self._forced_interval:
            log.info(
                "user %s: 401 again within %.0fs of a forced refresh; not refreshing",
                user_id,
                self._forced_interval,
            )
            return _access(record)
        return await self._refresh(user_id, still_rejected, forced=True)

    # ------------------------------------------------------------------ scheduled

    async def refresh_if_expiring(self, user_id: str, horizon: float) -> RefreshOutcome:
        """Refresh when the token expires within ``horizon`` seconds (the refresh job)."""

        def expiring(record: TokenRecord) -> bool:
            return record.expires_at - self._clock() < horizon

        try:
            record = self._usable(user_id, await self._store.get_token(user_id, self._provider))
            if not expiring(record):
                return RefreshOutcome(
                    user_id, "fresh", record.expires_at, None, record.consent_expires_at
                )
            result = await self._refresh_locked(user_id, expiring)
        except NotLinked:
            return RefreshOutcome(user_id, "not_linked", error="not_linked")
        except RelinkRequired:
            return RefreshOutcome(user_id, "relink_required", error="relink_required")
        except SkillError as exc:
            return RefreshOutcome(user_id, "failed", error=exc.code)
        action: RefreshAction = "refreshed" if result.refreshed else "fresh"
        if result.error is not None:
            action = "failed"  # transient; the still-valid token was kept
        return RefreshOutcome(
            user_id,
            action,
            result.record.expires_at,
            result.error,
            result.record.consent_expires_at,
        )

    # ------------------------------------------------------------------ internals

    def _outcome(
        self, user_id: str, action: RefreshAction, record: TokenRecord | None
    ) -> RefreshOutcome:
        if record is None:
            return RefreshOutcome(user_id, action)
        return RefreshOutcome(user_id, action, record.expires_at, None, record.consent_expires_at)

    def _due(self, record: TokenRecord) -> bool:
        return record.expires_at - self._clock() <= self._ahead

    def _usable(self, user_id: str, record: TokenRecord | None) -> TokenRecord:
        if record is None:
            raise NotLinked(
                "No Spotify account is linked to this user.",
                details={"user": user_id, "login_url": self._relink_url(user_id)},
            )
        if record.link_state == RELINK_REQUIRED:
            raise self._relink_error(user_id, record.last_refresh_result)
        self._warn_consent(record)
        return record

    def _relink_error(self, user_id: str, reason: str | None) -> RelinkRequired:
        return RelinkRequired(
            details={
                "user": user_id,
                "reason": reason or "invalid_grant",
                "relink_url": self._relink_url(user_id),
            }
        )

    def _warn_consent(self, record: TokenRecord) -> None:
        now = self._clock()
        left = record.consent_expires_at - now
        if left > CONSENT_WARNING_SECONDS:
            return
        warned = self._consent_warned.get(record.user_id)
        if warned is not None and now - warned < 24 * 3600:
            return
        _remember(self._consent_warned, record.user_id, now)
        log.warning(
            "user %s: the Spotify consent ends in %.1f days; the link must be renewed "
            "(relink) before then",
            record.user_id,
            max(0.0, left) / 86400,
        )

    async def _refresh(
        self, user_id: str, wanted: Callable[[TokenRecord], bool], *, forced: bool = False
    ) -> AccessToken:
        return _access((await self._refresh_locked(user_id, wanted, forced=forced)).record)

    async def _refresh_locked(
        self, user_id: str, wanted: Callable[[TokenRecord], bool], *, forced: bool = False
    ) -> _Refreshed:
        async with self._locks.hold(f"refresh:{self._provider}:{user_id}"):
            # Re-read under the lock: the holder before us may have refreshed already.
            record = self._usable(user_id, await self._store.get_token(user_id, self._provider))
            if not wanted(record):
                return _Refreshed(record, refreshed=False)
            now = self._clock()
            if forced:
                _remember(self._last_forced, user_id, now)
            try:
                answer = await self._accounts.refresh(record.refresh_token)
            except (OAuthInvalidGrant, OAuthInvalidRedirect) as exc:
                latest = await self._store.get_token(user_id, self._provider)
                if (
                    latest is not None
                    and latest.version != record.version
                    and latest.refresh_token != record.refresh_token
                    and latest.link_state != RELINK_REQUIRED
                ):
                    # Another process (a cron refresh job, another worker) rotated the token
                    # while we used the old one: that is not a revoked grant.
                    log.info("user %s: the refresh token was rotated elsewhere meanwhile",
                             user_id)
                    return _Refreshed(latest, refreshed=False)
                reason = str(exc.details.get("spotify_message") or exc.code)
                log.warning(
                    "user %s: Spotify refused the refresh token (%s); relink required",
                    user_id,
                    reason,
                )
                await self._store.record_refresh_failure(
                    user_id, "invalid_grant", at=now, relink=True, provider=self._provider
                )
                raise self._relink_error(user_id, "invalid_grant") from None
            except SkillError as exc:
                await self._store.record_refresh_failure(
                    user_id, exc.code, at=now, relink=False, provider=self._provider
                )
                if isinstance(exc, Transient) and record.expires_at - now > MIN_VALIDITY_SECONDS:
                    log.warning(
                        "user %s: refresh failed (%s); the current token is still valid",
                        user_id,
                        exc.code,
                    )
                    return _Refreshed(record, refreshed=False, error=exc.code)
                raise
            self.refresh_count += 1
            update = TokenUpdate(
                access_token=answer.access_token,
                refresh_token=answer.refresh_token,
                expires_at=now + answer.expires_in,
                scopes=answer.scopes if answer.scopes is not None else record.scopes,
            )
            stored = await self._store.save_refresh(
                user_id,
                update,
                expected_version=record.version,
                at=now,
                provider=self._provider,
            )
            if stored is None:
                # The link was replaced while we refreshed (a relink): the new link wins.
                latest = self._usable(user_id, await self._store.get_token(user_id, self._provider))
                return _Refreshed(latest, refreshed=True)
            log.info(
                "user %s: access token refreshed (%s), valid for %.0fs",
                user_id,
                "forced" if forced else "ahead",
                answer.expires_in,
            )
            return _Refreshed(stored, refreshed=True)


def _access(record: TokenRecord) -> AccessToken:
    return AccessToken(
        value=record.access_token,
        scopes=record.scopes,
        expires_at=record.expires_at,
        account_id=record.account_id,
    )


def _remember(memo: OrderedDict[str, float], key: str, value: float) -> None:
    memo[key] = value
    memo.move_to_end(key)
    while len(memo) > _MEMO_LIMIT:
        memo.popitem(last=False)
