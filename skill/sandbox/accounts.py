"""The Accounts service: ``/authorize`` (consent page or scripted) and ``/api/token``.

Behaviour follows BEHAVIOR.md §1: bad authorize requests render an error page and never
redirect; consent redirects with ``code``+``state`` or ``error=access_denied``+``state``;
the token endpoint is form-encoded only, verifies PKCE S256, rotates refresh tokens for
PKCE grants, keeps them for confidential clients, and expires them six months after consent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from skill.sandbox.auth import KNOWN_SCOPES, get_sandbox, rate_limit
from skill.sandbox.ids import opaque_token
from skill.sandbox.redirects import redirect_allowed, redirect_uri_problem
from skill.sandbox.responses import ApiError, TokenError
from skill.sandbox.state import AuthCode, RefreshGrant, Sandbox
from skill.sandbox.world import CURATOR_ID, Client

VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# -- /authorize ----------------------------------------------------------------------------


@dataclass
class AuthorizeRequest:
    client: Client
    redirect_uri: str
    state: str | None
    scopes: list[str]
    code_challenge: str | None


def _error_page(message: str) -> HTMLResponse:
    body = (
        "<!doctype html><html><head><title>Error</title></head><body>"
        f"<h1>Oops! Something went wrong</h1><p class=\"error\">{html.escape(message)}</p>"
        "</body></html>"
    )
    return HTMLResponse(body, status_code=400)


def _redirect(target: str, params: Mapping[str, str | None]) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}{query}", status_code=302)


def _validate_authorize(
    sandbox: Sandbox, params: Mapping[str, str]
) -> AuthorizeRequest | Response:
    """Validate in Spotify's order: client, redirect URI, response type, scope, PKCE."""
    client_id = params.get("client_id")
    if not client_id:
        return _error_page("Missing required parameter: client_id")
    client = sandbox.world.clients.get(client_id)
    if client is None:
        return _error_page("INVALID_CLIENT: Invalid client")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        return _error_page("Missing required parameter: redirect_uri")
    problem = redirect_uri_problem(redirect_uri)
    if problem:
        return _error_page(f"INVALID_CLIENT: {problem}")
    if not redirect_allowed(client, redirect_uri):
        return _error_page("INVALID_CLIENT: Invalid redirect URI")
    state = params.get("state")
    response_type = params.get("response_type")
    if response_type != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", "state": state})
    scopes = [s for s in re.split(r"[\s+]+", params.get("scope", "")) if s]
    if any(s not in KNOWN_SCOPES for s in scopes):
        return _error_page("Illegal scope")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if challenge is not None or method is not None:
        if method != "S256":
            return _redirect(
                redirect_uri,
                {"error": "invalid_request",
                 "error_description": "code_challenge_method must be S256", "state": state},
            )
        if not challenge or not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
            return _redirect(
                redirect_uri,
                {"error": "invalid_request", "error_description": "code_challenge invalid",
                 "state": state},
            )
    elif not client.confidential:
        return _redirect(
            redirect_uri,
            {"error": "invalid_request", "error_description": "code_challenge required",
             "state": state},
        )
    return AuthorizeRequest(client, redirect_uri, state, scopes, challenge)


def _consent(
    sandbox: Sandbox, req: AuthorizeRequest, user_id: str, decision: str, granted: list[str]
) -> Response:
    if decision != "accept":
        return _redirect(req.redirect_uri, {"error": "access_denied", "state": req.state})
    code = opaque_token("AQD")
    sandbox.codes[code] = AuthCode(
        client_id=req.client.id,
        redirect_uri=req.redirect_uri,
        code_challenge=req.code_challenge,
        scopes=frozenset(s for s in granted if s in req.scopes),
        user_id=user_id,
        expires_at=sandbox.clock.now() + sandbox.config.code_ttl,
    )
    return _redirect(req.redirect_uri, {"code": code, "state": req.state})


def _people(sandbox: Sandbox) -> list[str]:
    return [u for u in sandbox.world.users if u != CURATOR_ID]


async def authorize(request: Request) -> Response:
    sandbox = get_sandbox(request)
    sandbox.stats.authorize_requests += 1
    if request.method == "POST":
        form = await request.form()
        params = {k: str(v) for k, v in form.items()}
        granted = [str(v) for v in form.getlist("grant_scope")]
    else:
        params = dict(request.query_params)
        granted = []
    checked = _validate_authorize(sandbox, params)
    if isinstance(checked, Response):
        return checked
    req = checked
    scripted_user = params.get("sandbox_user")
    if request.method == "GET" and scripted_user is not None:
        decision = params.get("sandbox_consent", "accept")
        if decision not in {"accept", "deny"}:
            return _error_page("sandbox_consent must be accept or deny")
        if scripted_user not in sandbox.world.users:
            return _error_page(f"Unknown sandbox user: {scripted_user}")
        subset = params.get("sandbox_scopes")
        scopes = req.scopes if subset is None else [s for s in re.split(r"[\s,+]+", subset) if s]
        return _consent(sandbox, req, scripted_user, decision, scopes)
    if request.method == "POST":
        user_id = params.get("user", "")
        if user_id not in sandbox.world.users:
            return _error_page("Pick a user to log in as")
        return _consent(sandbox, req, user_id, params.get("decision", "deny"), granted)
    return HTMLResponse(_consent_page(sandbox, params, req))


def _consent_page(sandbox: Sandbox, params: Mapping[str, str], req: AuthorizeRequest) -> str:
    esc = html.escape
    hidden = "".join(
        f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">'
        for k, v in params.items()
        if not k.startswith("sandbox_")
    )
    users = "".join(
        f'<option value="{esc(uid)}">{esc(sandbox.world.users[uid].display_name)} '
        f'({esc(uid)}, {esc(sandbox.world.users[uid].product)})</option>'
        for uid in _people(sandbox)
    )
    scopes = "".join(
        f'<li><label><input type="checkbox" name="grant_scope" value="{esc(s)}" checked> '
        f"{esc(s)}</label></li>"
        for s in req.scopes
    ) or "<li>public data only (no scopes requested)</li>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Spotify sandbox: authorize {esc(req.client.id)}</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:2em auto}}li{{list-style:none}}</style>
</head><body>
<h1>Sandbox Spotify</h1>
<p><strong>{esc(req.client.id)}</strong> asks to connect to a Spotify account.</p>
<form method="post" action="">
{hidden}
<p><label>Log in as <select name="user">{users}</select></label></p>
<p>It asks for these permissions (uncheck to grant fewer):</p>
<ul>{scopes}</ul>
<p>You will be sent back to <code>{esc(req.redirect_uri)}</code>.</p>
<button type="submit" name="decision" value="accept">Agree</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>"""


# -- /api/token ----------------------------------------------------------------------------


@dataclass
class ClientAuth:
    client: Client
    authenticated: bool
    """True when a correct secret was presented."""


def _client_auth(sandbox: Sandbox, request: Request, form: Mapping[str, str]) -> ClientAuth:
    header = request.headers.get("authorization")
    client_id: str | None
    secret: str | None
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            raise TokenError("invalid_client", "Invalid client")
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise TokenError("invalid_client", "Invalid client") from exc
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise TokenError("invalid_client", "Invalid client")
    else:
        client_id = form.get("client_id")
        secret = form.get("client_secret")
    if not client_id:
        raise TokenError("invalid_client", "Invalid client")
    client = sandbox.world.clients.get(client_id)
    if client is None:
        raise TokenError("invalid_client", "Invalid client")
    if secret is not None:
        if client.secret is None or secret != client.secret:
            raise TokenError("invalid_client", "Invalid client secret")
        return ClientAuth(client, True)
    return ClientAuth(client, False)


async def token(request: Request) -> Response:
    sandbox = get_sandbox(request)
    content_type = request.headers.get("content-type", "")
    form: dict[str, str] = {}
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        parsed = await request.form()
        form = {k: str(v) for k, v in parsed.items()}
    try:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise TokenError("unsupported_grant_type", "grant_type parameter is missing")
        if grant_type not in GRANT_TYPES:
            raise TokenError("unsupported_grant_type", f"grant_type {grant_type} is not supported")
        auth = _client_auth(sandbox, request, form)
        try:
            rate_limit(sandbox, auth.client.id)
        except ApiError as exc:
            return exc.response()
        sandbox.stats.token_requests[grant_type] += 1
        if grant_type == "authorization_code":
            body = _authorization_code(sandbox, auth, form)
        elif grant_type == "refresh_token":
            body = _refresh(sandbox, auth, form)
        else:
            body = _client_credentials(sandbox, auth)
    except TokenError as exc:
        return exc.response()
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _authorization_code(
    sandbox: Sandbox, auth: ClientAuth, form: Mapping[str, str]
) -> dict[str, object]:
    code_value = form.get("code", "")
    code = sandbox.codes.get(code_value)
    if code is None or code.client_id != auth.client.id:
        raise TokenError("invalid_grant", "Invalid authorization code")
    if code.used:
        # RFC 6749 §4.1.2: a reused code revokes what it issued.
        sandbox.revoke_user_grants(code.user_id, code.client_id)
        raise TokenError("invalid_grant", "Invalid authorization code")
    if code.expires_at <= sandbox.clock.now():
        raise TokenError("invalid_grant", "Authorization code expired")
    if form.get("redirect_uri") != code.redirect_uri:
        raise TokenError("invalid_grant", "Invalid redirect URI")
    pkce = code.code_challenge is not None
    if pkce:
        verifier = form.get("code_verifier")
        if not verifier:
            raise TokenError("invalid_request", "code_verifier required")
        if not VERIFIER_RE.fullmatch(verifier) or s256(verifier) != code.code_challenge:
            raise TokenError("invalid_grant", "code_verifier was incorrect")
    elif not auth.authenticated:
        raise TokenError("invalid_client", "Invalid client")
    code.used = True
    access, refresh = sandbox.issue_tokens(
        user_id=code.user_id,
        client_id=code.client_id,
        scopes=code.scopes,
        consent_at=sandbox.clock.now(),
        with_refresh=True,
    )
    assert refresh is not None
    sandbox.refresh_tokens[refresh].rotating = pkce
    return {
        "access_token": access,
        "token_type": "Bearer",
        "scope": " ".join(sorted(code.scopes)),
        "expires_in": sandbox.config.token_ttl,
        "refresh_token": refresh,
    }


def _refresh(sandbox: Sandbox, auth: ClientAuth, form: Mapping[str, str]) -> dict[str, object]:
    value = form.get("refresh_token")
    if not value:
        raise TokenError("invalid_request", "refresh_token must be supplied")
    grant: RefreshGrant | None = sandbox.refresh_tokens.get(value)
    if grant is None or grant.client_id != auth.client.id:
        raise TokenError("invalid_grant", "Invalid refresh token")
    if grant.revoked is not None:
        raise TokenError("invalid_grant", grant.revoked)
    if not grant.rotating and not auth.authenticated:
        raise TokenError("invalid_client", "Invalid client")
    if grant.consent_at + sandbox.config.refresh_token_lifetime <= sandbox.clock.now():
        # Observed wording after the 2026 six-month rollout (BEHAVIOR.md §1.4).
        raise TokenError("invalid_grant", "Refresh token revoked")
    access, _ = sandbox.issue_tokens(
        user_id=grant.user_id,
        client_id=grant.client_id,
        scopes=grant.scopes,
        consent_at=grant.consent_at,
        with_refresh=False,
    )
    body: dict[str, object] = {
        "access_token": access,
        "token_type": "Bearer",
        "scope": " ".join(sorted(grant.scopes)),
        "expires_in": sandbox.config.token_ttl,
    }
    if grant.rotating:
        new_refresh = opaque_token("AQ")
        sandbox.refresh_tokens[new_refresh] = RefreshGrant(
            user_id=grant.user_id,
            client_id=grant.client_id,
            scopes=grant.scopes,
            consent_at=grant.consent_at,
            rotating=True,
        )
        grant.revoked = "Refresh token revoked"
        body["refresh_token"] = new_refresh
    return body


def _client_credentials(sandbox: Sandbox, auth: ClientAuth) -> dict[str, object]:
    if not auth.authenticated:
        raise TokenError("invalid_client", "Invalid client")
    access, _ = sandbox.issue_tokens(
        user_id=None,
        client_id=auth.client.id,
        scopes=frozenset(),
        consent_at=None,
        with_refresh=False,
    )
    return {"access_token": access, "token_type": "bearer", "expires_in": sandbox.config.token_ttl}


routes = [
    Route("/authorize", authorize, methods=["GET", "POST"]),
    Route("/api/token", token, methods=["POST"]),
]
