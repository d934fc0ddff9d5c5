"""Who is calling the Web API: the bearer check, rate limit, scope and Premium rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request

from skill.sandbox.responses import ApiError, player_error
from skill.sandbox.state import AccessGrant, Sandbox
from skill.sandbox.world import User

MESSAGE_2026 = "Missing/invalid/expired access token"

#: The 19 scopes of the OpenAPI description; anything else is an "Illegal scope".
KNOWN_SCOPES = frozenset(
    {
        "ugc-image-upload",
        "user-read-playback-state",
        "user-modify-playback-state",
        "user-read-currently-playing",
        "app-remote-control",
        "streaming",
        "playlist-read-private",
        "playlist-read-collaborative",
        "playlist-modify-private",
        "playlist-modify-public",
        "user-follow-modify",
        "user-follow-read",
        "user-read-playback-position",
        "user-top-read",
        "user-read-recently-played",
        "user-library-modify",
        "user-library-read",
        "user-read-email",
        "user-read-private",
    }
)


@dataclass(frozen=True)
class Caller:
    """An authenticated Web API request."""

    grant: AccessGrant
    user: User | None

    @property
    def client_id(self) -> str:
        return self.grant.client_id

    def require_user(self) -> User:
        if self.user is None:
            raise ApiError(401, "This request requires user authentication.")
        return self.user


def get_sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _unauthorized(sandbox: Sandbox, legacy: str, *, challenge: bool = False) -> ApiError:
    message = legacy if sandbox.config.legacy_401_messages else MESSAGE_2026
    headers = {"WWW-Authenticate": 'Bearer realm="spotify"'} if challenge else None
    return ApiError(401, message, headers=headers)


def rate_limit(sandbox: Sandbox, client_id: str) -> None:
    """Count one request of ``client_id``; 429 with Retry-After over the window's limit."""
    retry_after = sandbox.limiter.check(client_id)
    if retry_after is not None:
        sandbox.stats.rate_limited += 1
        raise ApiError(429, "API rate limit exceeded", headers={"Retry-After": str(retry_after)})


def authenticate(
    request: Request,
    *,
    scopes: Iterable[str] = (),
    any_scope: bool = False,
    user: bool = True,
    premium: bool = False,
) -> Caller:
    """Check the bearer token, the client's rate limit, then scopes and Premium.

    ``scopes`` must all be granted (``any_scope``: at least one of them). ``user`` refuses
    app-only (client-credentials) tokens; ``premium`` refuses free users with
    ``PREMIUM_REQUIRED`` as player commands do.
    """
    sandbox = get_sandbox(request)
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorized(sandbox, "No token provided", challenge=True)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        raise ApiError(400, "Only valid bearer authentication supported")
    token = token.strip()
    grant = sandbox.access_tokens.get(token)
    if grant is None or grant.revoked:
        raise _unauthorized(sandbox, "Invalid access token")
    if grant.expires_at <= sandbox.clock.now():
        raise _unauthorized(sandbox, "The access token expired")
    rate_limit(sandbox, grant.client_id)
    account = sandbox.world.users.get(grant.user_id) if grant.user_id else None
    caller = Caller(grant=grant, user=account)
    if user:
        caller.require_user()
    wanted = list(scopes)
    if wanted:
        granted = [s in grant.scopes for s in wanted]
        if not (any(granted) if any_scope else all(granted)):
            raise ApiError(403, "Insufficient client scope")
    if premium and account is not None and not account.premium:
        raise player_error(403, "Premium required", "PREMIUM_REQUIRED")
    return caller
