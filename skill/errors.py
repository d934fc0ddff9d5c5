"""The one error tree of the skill, its JSON envelope and the code -> HTTP status table.

    SkillError                      every failure that may leave the service
    ├── InvalidRequest              invalid_request (400, or 422 for a body that fails validation)
    ├── Unauthorized                unauthorized (401)
    ├── Forbidden                   forbidden (403)
    ├── NotFound                    not_found (404)
    ├── Conflict                    conflict (409)
    ├── UserActionRequired          the user can fix it
    │   ├── NotLinked               not_linked (409)
    │   ├── RelinkRequired          relink_required (409)
    │   ├── InsufficientScope       insufficient_scope (403, carries an incremental-consent URL)
    │   ├── PremiumRequired         premium_required (403)
    │   ├── RestrictedDevice        restricted_device (403)
    │   ├── DeviceNotFound          device_not_found (404)
    │   └── NoActiveDevice          no_active_device (404)
    ├── OAuthError                  link-flow failures (400)
    │   ├── OAuthDenied             oauth_denied
    │   ├── OAuthInvalidState       oauth_invalid_state
    │   ├── OAuthInvalidGrant       oauth_invalid_grant
    │   ├── OAuthInvalidClient      oauth_invalid_client
    │   └── OAuthInvalidRedirect    oauth_invalid_redirect
    ├── Transient                   try again later
    │   ├── RateLimited             rate_limited (429, retry_after)
    │   ├── UpstreamUnavailable     upstream_unavailable (503; breaker open or 5xx)
    │   └── UpstreamTimeout         upstream_timeout (504)
    └── InternalError               internal (500; a bug)
    ConfigError                     settings that cannot work (raised at start-up, not over HTTP)

Every error has a stable ``code``, a human ``message`` (never a raw upstream text that may
carry a secret), ``status``, ``retry_after`` and ``details``. Spoken replies are derived
from the code elsewhere (``skill.music.replies``), never from the message.
"""

from __future__ import annotations

from typing import Any, ClassVar

STATUS_BY_CODE: dict[str, int] = {
    "invalid_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "device_not_found": 404,
    "no_active_device": 404,
    "not_linked": 409,
    "relink_required": 409,
    "conflict": 409,
    "insufficient_scope": 403,
    "premium_required": 403,
    "restricted_device": 403,
    "oauth_denied": 400,
    "oauth_invalid_state": 400,
    "oauth_invalid_grant": 400,
    "oauth_invalid_client": 400,
    "oauth_invalid_redirect": 400,
    "rate_limited": 429,
    "upstream_unavailable": 503,
    "upstream_timeout": 504,
    "internal": 500,
}


class SkillError(Exception):
    """Base of every failure that may leave the service."""

    code: ClassVar[str] = "internal"
    default_message: ClassVar[str] = "Something went wrong."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status if status is not None else STATUS_BY_CODE[self.code]
        self.retry_after = retry_after
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def to_dict(self) -> dict[str, Any]:
        """The inner object of the envelope."""
        retry = None if self.retry_after is None else max(0, round(self.retry_after, 3))
        return {
            "code": self.code,
            "message": self.message,
            "status": self.status,
            "retry_after": retry,
            "details": self.details,
        }

    def envelope(self) -> dict[str, Any]:
        """``{"error": {...}}``, the one error body of the service."""
        return {"error": self.to_dict()}


class InvalidRequest(SkillError):
    """Bad JSON, wrong types, out-of-range values, unknown fields."""

    code = "invalid_request"
    default_message = "The request is not valid."


class Unauthorized(SkillError):
    """Missing, bad or revoked API key."""

    code = "unauthorized"
    default_message = "Missing or invalid credentials."


class Forbidden(SkillError):
    """Authenticated but not allowed."""

    code = "forbidden"
    default_message = "You are not allowed to do that."


class NotFound(SkillError):
    """Unknown route or resource, or another user's resource."""

    code = "not_found"
    default_message = "Not found."


class MethodNotAllowed(SkillError):
    """The route exists but not with this method."""

    code = "method_not_allowed"
    default_message = "Method not allowed."


class PayloadTooLarge(SkillError):
    """The request body is larger than the service accepts."""

    code = "payload_too_large"
    default_message = "The request body is too large."


class Conflict(SkillError):
    """An idempotency key reused with a different body, or a concurrent change."""

    code = "conflict"
    default_message = "The request conflicts with an earlier one."


class UserActionRequired(SkillError):
    """Outcomes the user can fix (link, relink, pick a device, upgrade)."""


class NotLinked(UserActionRequired):
    """The user has no Spotify link."""

    code = "not_linked"
    default_message = "No Spotify account is linked."


class RelinkRequired(UserActionRequired):
    """The link's refresh token was revoked or expired."""

    code = "relink_required"
    default_message = "The Spotify link has expired or was revoked; link the account again."


class InsufficientScope(UserActionRequired):
    """A scope the user did not grant; ``details`` carries the scope and a consent URL."""

    code = "insufficient_scope"
    default_message = "Spotify did not grant the permission this needs."


class PremiumRequired(UserActionRequired):
    """The action needs Spotify Premium."""

    code = "premium_required"
    default_message = "This needs Spotify Premium."


class RestrictedDevice(UserActionRequired):
    """The device refuses remote control or volume changes."""

    code = "restricted_device"
    default_message = "That device cannot be controlled this way."


class DeviceNotFound(UserActionRequired):
    """The named device is not among the user's devices."""

    code = "device_not_found"
    default_message = "That device was not found."


class NoActiveDevice(UserActionRequired):
    """Nothing to play on and no device to choose."""

    code = "no_active_device"
    default_message = "No Spotify device is available."


class OAuthError(SkillError):
    """A failure of the account-link flow."""

    code = "oauth_invalid_grant"


class OAuthDenied(OAuthError):
    """The user refused consent."""

    code = "oauth_denied"
    default_message = "Spotify access was not granted."


class OAuthInvalidState(OAuthError):
    """A replayed, expired, unknown or foreign OAuth state."""

    code = "oauth_invalid_state"
    default_message = "This link attempt is not valid any more; start again."


class OAuthInvalidGrant(OAuthError):
    """The authorization code or refresh token was refused."""

    code = "oauth_invalid_grant"
    default_message = "Spotify refused the authorization."


class OAuthInvalidClient(OAuthError):
    """The client id or secret was refused."""

    code = "oauth_invalid_client"
    default_message = "Spotify refused this app's credentials."


class OAuthInvalidRedirect(OAuthError):
    """The redirect URI is not registered or not allowed."""

    code = "oauth_invalid_redirect"
    default_message = "The redirect URI is not registered for this app."


class Transient(SkillError):
    """Failures that go away: try again later."""


class RateLimited(Transient):
    """Inside Spotify's cooldown and the deadline is too short to wait."""

    code = "rate_limited"
    default_message = "Spotify is busy; try again shortly."


class UpstreamUnavailable(Transient):
    """The breaker is open or Spotify answered 5xx after retries."""

    code = "upstream_unavailable"
    default_message = "Spotify is not reachable right now."


class UpstreamTimeout(Transient):
    """The deadline passed."""

    code = "upstream_timeout"
    default_message = "Spotify did not answer in time."


class InternalError(SkillError):
    """A bug; logged with a correlation id, never with a secret."""

    code = "internal"
    default_message = "Internal error."


class ConfigError(Exception):
    """Settings that cannot work; raised at start-up with a message that says what to fix."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        self.message = message
        self.details = dict(details or {})
        super().__init__(message)


ERROR_CLASSES: dict[str, type[SkillError]] = {}


def _register(cls: type[SkillError]) -> None:
    for sub in cls.__subclasses__():
        if "code" in sub.__dict__ and sub is not OAuthError:
            ERROR_CLASSES[sub.code] = sub
        _register(sub)


_register(SkillError)


def error_from_code(
    code: str,
    message: str | None = None,
    *,
    retry_after: float | None = None,
    details: dict[str, Any] | None = None,
) -> SkillError:
    """Build the error class registered for ``code`` (``internal`` for unknown codes)."""
    cls = ERROR_CLASSES.get(code, InternalError)
    return cls(message, retry_after=retry_after, details=details)
