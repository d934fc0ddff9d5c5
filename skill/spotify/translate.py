"""Spotify's failures → the skill's error tree. The one place where that happens.

Web API answers (:func:`translate_response`), transport failures (:func:`translate_exception`)
and Accounts-service answers (:func:`translate_accounts_error`) all end here, so the rest of
the code only ever sees ``skill.errors`` classes. The rules, from BEHAVIOR.md §3–§4:

* A player ``reason`` decides first (:data:`PLAYER_REASONS`; every official reason is listed).
* Without one, the status and the message decide: 403 ``Insufficient client scope`` →
  ``insufficient_scope``; plain-text development-mode gates (user not on the allow-list,
  app owner without Premium) → ``forbidden`` with a message saying what to fix; 404
  ``Device not found`` → ``device_not_found``; 429 → ``rate_limited``; 5xx →
  ``upstream_unavailable``.
* Bodies may be JSON (``{"error": {"status", "message", "reason"}}``), the Accounts shape
  (``{"error", "error_description"}``), plain text, or empty; all are read defensively.

Spotify's own text goes to ``details["spotify_message"]`` (redacted and truncated), never into
the error's ``message``; ``details["reason"]`` keeps the player reason when there is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from skill.errors import (
    Conflict,
    DeviceNotFound,
    Forbidden,
    InsufficientScope,
    InternalError,
    InvalidRequest,
    NoActiveDevice,
    NotFound,
    OAuthDenied,
    OAuthError,
    OAuthInvalidClient,
    OAuthInvalidGrant,
    OAuthInvalidRedirect,
    PremiumRequired,
    RateLimited,
    RelinkRequired,
    RestrictedDevice,
    SkillError,
    UpstreamTimeout,
    UpstreamUnavailable,
)

#: Every official player ``reason`` (BEHAVIOR.md §4.8) → (error class, message).
PLAYER_REASONS: dict[str, tuple[type[SkillError], str]] = {
    "NO_ACTIVE_DEVICE": (NoActiveDevice, "No Spotify device is active; pick a device first."),
    "PREMIUM_REQUIRED": (PremiumRequired, "Controlling playback needs Spotify Premium."),
    "VOLUME_CONTROL_DISALLOW": (RestrictedDevice, "That device does not allow volume control."),
    "DEVICE_NOT_CONTROLLABLE": (RestrictedDevice, "That device cannot be controlled remotely."),
    "REMOTE_CONTROL_DISALLOW": (RestrictedDevice, "That device does not allow remote control."),
    "RATE_LIMITED": (RateLimited, "Too many track changes in a row; wait a moment."),
    "NO_PREV_TRACK": (Conflict, "There is no previous track."),
    "NO_NEXT_TRACK": (Conflict, "There is no next track."),
    "NO_SPECIFIC_TRACK": (Conflict, "That track is not in what is playing."),
    "ALREADY_PAUSED": (Conflict, "Playback is already paused."),
    "NOT_PAUSED": (Conflict, "Playback is not paused."),
    "ALREADY_PLAYING": (Conflict, "That is already playing."),
    "NOT_PLAYING_LOCALLY": (Conflict, "Nothing is playing on this device."),
    "NOT_PLAYING_TRACK": (Conflict, "No track is playing."),
    "NOT_PLAYING_CONTEXT": (Conflict, "Nothing is playing from an album or playlist."),
    "ENDLESS_CONTEXT": (Conflict, "That is not possible in an endless context such as radio."),
    "CONTEXT_DISALLOW": (Forbidden, "What is playing does not allow that action."),
    "UNKNOWN": (Conflict, "The player refused that action right now."),
}

#: Retry-After for the player's own "too many track changes" reason (not the app limit).
PLAYER_RATE_LIMIT_RETRY = 1.0

_SECRETISH = re.compile(r"[A-Za-z0-9_\-.~+/=]{32,}")


def redact(text: str, limit: int = 200) -> str:
    """Upstream text made safe for details and logs: long token-like runs removed, cut."""
    cleaned = _SECRETISH.sub("[redacted]", text.strip())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


@dataclass(frozen=True)
class UpstreamFailure:
    """What an error answer said, whatever its shape."""

    status: int
    message: str = ""
    reason: str | None = None
    error: str | None = None
    """The Accounts service's ``error`` code (``invalid_grant`` …)."""
    plain_text: bool = False


def parse_failure(status: int, content: bytes) -> UpstreamFailure:
    """Read an error body: Web API JSON, Accounts JSON, plain text or nothing."""
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return UpstreamFailure(status=status)
    try:
        data: Any = json.loads(text)
    except ValueError:
        return UpstreamFailure(status=status, message=text, plain_text=True)
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            message = error.get("message")
            reason = error.get("reason")
            return UpstreamFailure(
                status=status,
                message=message if isinstance(message, str) else "",
                reason=reason if isinstance(reason, str) and reason else None,
            )
        if isinstance(error, str):
            description = data.get("error_description")
            return UpstreamFailure(
                status=status,
                message=description if isinstance(description, str) else "",
                error=error,
            )
        message = data.get("message")
        if isinstance(message, str):
            return UpstreamFailure(status=status, message=message)
    return UpstreamFailure(status=status, message=text, plain_text=True)


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), None when absent or unreadable."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        value = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    if value != value or value < 0:  # NaN or negative
        return None
    return value


def _details(failure: UpstreamFailure, upstream: str) -> dict[str, Any]:
    details: dict[str, Any] = {"upstream": upstream, "upstream_status": failure.status}
    if failure.reason:
        details["reason"] = failure.reason
    if failure.message:
        details["spotify_message"] = redact(failure.message)
    return details


_NOT_REGISTERED = ("not registered", "not approved")
_OWNER_PREMIUM = "premium subscription required for the owner"


def translate_failure(
    failure: UpstreamFailure,
    *,
    retry_after: float | None = None,
    required_scopes: list[str] | None = None,
    upstream: str = "api",
) -> SkillError:
    """The skill error for one Web API error answer."""
    details = _details(failure, upstream)
    status = failure.status
    lowered = failure.message.lower()

    if failure.reason is not None and failure.reason in PLAYER_REASONS:
        cls, message = PLAYER_REASONS[failure.reason]
        if cls is RateLimited:
            return RateLimited(message, retry_after=PLAYER_RATE_LIMIT_RETRY, details=details)
        return cls(message, details=details)

    if status == 429:
        details["limit"] = "app"
        return RateLimited(retry_after=retry_after, details=details)
    if status >= 500:
        return UpstreamUnavailable(details=details)
    if status == 401:
        return RelinkRequired(
            "Spotify refused this account's access even after a token refresh; "
            "link the account again.",
            details=details,
        )
    if status == 403:
        if "insufficient client scope" in lowered:
            if required_scopes:
                details["missing_scopes"] = list(required_scopes)
            return InsufficientScope(details=details)
        if any(marker in lowered for marker in _NOT_REGISTERED):
            details["reason"] = "user_not_registered"
            return Forbidden(
                "This Spotify account is not on the app's user allow-list (development mode); "
                "the app owner must add it in the Spotify Developer Dashboard.",
                details=details,
            )
        if _OWNER_PREMIUM in lowered:
            details["reason"] = "owner_premium_required"
            return Forbidden(
                "The owner of this Spotify app needs an active Premium subscription; "
                "after it changes, Spotify can take a few hours to allow requests again.",
                details=details,
            )
        if "premium required" in lowered:
            return PremiumRequired(details=details)
        if "restriction violated" in lowered:
            details.setdefault("reason", "UNKNOWN")
            return Conflict(PLAYER_REASONS["UNKNOWN"][1], details=details)
        return Forbidden("Spotify refused this request.", details=details)
    if status == 404:
        if "device not found" in lowered:
            return DeviceNotFound(details=details)
        if "no active device" in lowered:
            details.setdefault("reason", "NO_ACTIVE_DEVICE")
            return NoActiveDevice(details=details)
        return NotFound("Spotify does not know that item.", details=details)
    if status == 400:
        return InvalidRequest("Spotify rejected the request as invalid.", details=details)
    if status == 409:
        return Conflict(details=details)
    # 405, 411, 413, 415 …: our request was malformed; a bug, not the user's doing.
    return InternalError("Spotify did not accept the request the skill sent.", details=details)


def translate_response(
    response: httpx.Response,
    *,
    required_scopes: list[str] | None = None,
    upstream: str = "api",
) -> SkillError:
    """The skill error for an error response of the Web API."""
    failure = parse_failure(response.status_code, response.content)
    return translate_failure(
        failure,
        retry_after=retry_after_seconds(response.headers),
        required_scopes=required_scopes,
        upstream=upstream,
    )


def translate_exception(exc: BaseException, *, upstream: str = "api") -> SkillError:
    """The skill error for a transport failure (or our own deadline passing)."""
    details: dict[str, Any] = {"upstream": upstream, "error": type(exc).__name__}
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return UpstreamTimeout(details=details)
    if isinstance(exc, httpx.TransportError):
        # connection refused or reset, dropped mid-answer, protocol errors, proxy errors
        return UpstreamUnavailable(details=details)
    if isinstance(exc, httpx.HTTPError):
        return UpstreamUnavailable(details=details)
    if isinstance(exc, ValueError):  # a 2xx body that is not the JSON it should be
        return UpstreamUnavailable(
            "Spotify sent an answer the skill could not read.", details=details
        )
    return InternalError(details=details)


#: The Accounts service's ``error`` codes → our OAuth errors (DESIGN.md table).
ACCOUNTS_ERRORS: dict[str, type[OAuthError]] = {
    "access_denied": OAuthDenied,
    "invalid_grant": OAuthInvalidGrant,
    "invalid_client": OAuthInvalidClient,
    "unauthorized_client": OAuthInvalidClient,
}


def translate_accounts_error(response: httpx.Response, *, upstream: str = "accounts") -> SkillError:
    """The skill error for an error answer of ``/api/token`` (or an authorize redirect)."""
    failure = parse_failure(response.status_code, response.content)
    details = _details(failure, upstream)
    if failure.error:
        details["error"] = failure.error
    if response.status_code == 429:
        return RateLimited(retry_after=retry_after_seconds(response.headers), details=details)
    if response.status_code >= 500:
        return UpstreamUnavailable(details=details)
    if "redirect" in failure.message.lower():
        # Spotify answers invalid_grant "Invalid redirect URI" for a code/redirect mismatch.
        return OAuthInvalidRedirect(details=details)
    if failure.error in ACCOUNTS_ERRORS:
        return ACCOUNTS_ERRORS[failure.error](details=details)
    if failure.error is not None:
        return OAuthInvalidGrant(details=details)
    return InternalError("The Spotify Accounts service gave an unexpected answer.", details=details)
