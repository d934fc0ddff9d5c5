"""The link routes: login, callback, confirm, unlink, and the link's status.

``login`` (API key) starts a flow and binds it to the caller's browser with an HttpOnly,
SameSite=Lax cookie (Lax, because the callback is a top-level navigation from Spotify).
``callback`` needs no API key: the server-side state names the user. It links at once only
when the cookie of the browser that started the flow comes back; otherwise it asks for an
explicit confirmation naming both accounts (login-CSRF defence). Browsers get HTML pages;
clients that ask for JSON get JSON (and the error envelope).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from skill.errors import InvalidRequest, OAuthInvalidState, SkillError
from skill.spotify.oauth import PURPOSES, Linked, NeedsConfirmation
from skill.spotify.pkce import new_nonce
from skill.spotify.tokens import CONSENT_WARNING_SECONDS
from skill.storage.base import SPOTIFY
from skill.web import pages
from skill.web.auth import require_user, services_of
from skill.web.errors import error_response

COOKIE = "skill_link"
COOKIE_PATH = "/v1/spotify/auth"
COOKIE_MAX_AGE = 3600
_NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: The 19 scopes Spotify documents (BEHAVIOR.md §2); anything else is refused up front.
KNOWN_SCOPES = frozenset(
    "ugc-image-upload user-read-playback-state user-modify-playback-state "
    "user-read-currently-playing app-remote-control streaming playlist-read-private "
    "playlist-read-collaborative playlist-modify-private playlist-modify-public "
    "user-follow-modify user-follow-read user-read-playback-position user-top-read "
    "user-read-recently-played user-library-modify user-library-read user-read-email "
    "user-read-private".split()
)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _browser_nonce(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value if value and _NONCE_RE.match(value) else None


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


async def login(request: Request) -> Response:
    user = await require_user(request)
    services = services_of(request)
    purpose = request.query_params.get("purpose", "link")
    if purpose not in PURPOSES:
        raise InvalidRequest(
            "purpose must be link, relink or incremental.", details={"field": "purpose"}
        )
    scope_param = request.query_params.get("scope")
    nonce = _browser_nonce(request) or new_nonce()
    kwargs: dict[str, Any] = {
        "redirect_uri": services.redirect_uri(),
        "browser_nonce": nonce,
        "authorize_base": services.authorize_base(),
    }
    if scope_param is not None:
        wanted = [s for s in re.split(r"[\s,+]+", scope_param) if s]
        unknown = sorted(set(wanted) - KNOWN_SCOPES)
        if not wanted or unknown:
            raise InvalidRequest(
                "scope must list Spotify scopes separated by spaces.",
                details={"field": "scope", "unknown": unknown},
            )
        start = await services.flow.start_incremental(user.user_id, wanted, **kwargs)
    else:
        start = await services.flow.start(user.user_id, purpose=purpose, **kwargs)
    response: Response
    if request.query_params.get("redirect") in {"1", "true", "yes"}:
        response = RedirectResponse(start.authorize_url, status_code=302)
    else:
        response = JSONResponse(
            {
                "authorize_url": start.authorize_url,
                "expires_at": _iso(start.expires_at),
                "scopes": list(start.scopes),
                "purpose": start.purpose,
            }
        )
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        COOKIE,
        nonce,
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https"
        or services.settings.public_url.startswith("https://"),
    )
    return response


async def callback(request: Request) -> Response:
    services = services_of(request)
    params = request.query_params
    try:
        result = await services.flow.finish(
            state=params.get("state"),
            code=params.get("code"),
            error=params.get("error"),
            browser_nonce=_browser_nonce(request),
        )
    except SkillError as exc:
        return error_response(exc) if _wants_json(request) else pages.error_page(exc)
    if isinstance(result, Linked):
        if _wants_json(request):
            return JSONResponse(_linked_json(result), headers={"Cache-Control": "no-store"})
        return pages.linked_page(result)
    return _confirmation(request, result)


async def complete(request: Request) -> Response:
    """Headless set-ups: hand in the URL Spotify redirected to (``{"callback_url": ...}``) or
    its ``code``/``state``; the API key must belong to the user who started the flow."""
    user = await require_user(request)
    try:
        body = await request.json()
    except ValueError:
        raise InvalidRequest("The body must be JSON.") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The body must be a JSON object.")
    unknown = sorted(set(body) - {"callback_url", "code", "state", "error"})
    if unknown:
        raise InvalidRequest("Unknown fields.", status=422, details={"unknown": unknown})
    params: dict[str, str] = {}
    if "callback_url" in body:
        if not isinstance(body["callback_url"], str):
            raise InvalidRequest("callback_url must be a string.", status=422)
        query = parse_qs(urlsplit(body["callback_url"]).query)
        params = {k: v[0] for k, v in query.items() if v}
    for key in ("code", "state", "error"):
        value = body.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise InvalidRequest(f"{key} must be a string.", status=422)
            params[key] = value
    result = await services_of(request).flow.finish(
        state=params.get("state"),
        code=params.get("code"),
        error=params.get("error"),
        browser_nonce=None,
        expected_user=user.user_id,
    )
    assert isinstance(result, Linked)
    return JSONResponse(_linked_json(result), headers={"Cache-Control": "no-store"})


def _linked_json(result: Linked) -> dict[str, Any]:
    return {
        "linked": True,
        "user": result.user_id,
        "account_id": result.account_id,
        "display_name": result.display_name,
        "scopes": sorted(result.scopes),
        "purpose": result.purpose,
    }


def _confirmation(request: Request, pending: NeedsConfirmation) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {
                "linked": False,
                "confirmation_required": True,
                "user": pending.user_id,
                "account_id": pending.account_id,
                "display_name": pending.display_name,
                "confirm_token": pending.confirm_token,
                "confirm_url": str(request.url_for("spotify_confirm")),
                "expires_at": _iso(pending.expires_at),
            },
            status_code=202,
            headers={"Cache-Control": "no-store"},
        )
    return pages.confirm_page(pending)


async def confirm(request: Request) -> Response:
    services = services_of(request)
    form = await request.form()
    token = str(form.get("confirm") or "")
    decision = str(form.get("decision") or "confirm")
    try:
        if not token:
            raise OAuthInvalidState(
                "The confirmation is missing; start the link again.",
                details={"reason": "missing"},
            )
        if decision == "cancel":
            user_id = await services.flow.cancel(token)
            if _wants_json(request):
                return JSONResponse({"linked": False, "user": user_id, "cancelled": True})
            return pages.cancelled_page(user_id)
        if decision != "confirm":
            raise InvalidRequest("decision must be confirm or cancel.")
        result = await services.flow.confirm(token)
    except SkillError as exc:
        return error_response(exc) if _wants_json(request) else pages.error_page(exc)
    if _wants_json(request):
        return JSONResponse(_linked_json(result))
    return pages.linked_page(result)


async def unlink(request: Request) -> Response:
    user = await require_user(request)
    removed = await services_of(request).flow.unlink(user.user_id)
    return JSONResponse({"unlinked": removed, "user": user.user_id})


async def status(request: Request) -> Response:
    user = await require_user(request)
    services = services_of(request)
    record = await services.store.get_token(user.user_id, SPOTIFY)
    now = services.clock()
    body: dict[str, Any] = {
        "user": user.user_id,
        "linked": False,
        "link_state": None,
        "relink_required": False,
        "mode": "sandbox" if services.embedded else "spotify",
        "login_url": services.login_url(user.user_id, "link"),
        "upstream": services.upstream_status(),
    }
    if record is not None:
        consent_left = record.consent_expires_at - now
        relink = record.link_state != "linked"
        body.update(
            {
                "linked": not relink,
                "link_state": record.link_state,
                "relink_required": relink,
                "account_id": record.account_id,
                "display_name": record.display_name,
                "scopes": sorted(record.scopes),
                "missing_scopes": sorted(set(services.flow.default_scopes) - record.scopes),
                "expires_at": _iso(record.expires_at),
                "expires_in": round(record.expires_at - now, 1),
                "consented_at": _iso(record.consented_at),
                "consent_age_days": round((now - record.consented_at) / 86400, 2),
                "consent_expires_at": _iso(record.consent_expires_at),
                "consent_expires_in_days": round(consent_left / 86400, 2),
                "consent_expiring_soon": consent_left < CONSENT_WARNING_SECONDS,
                "linked_at": _iso(record.created_at),
                "last_refresh_at": _iso(record.last_refresh_at),
                "last_refresh_result": record.last_refresh_result,
            }
        )
        if relink or consent_left < CONSENT_WARNING_SECONDS:
            body["relink_url"] = services.login_url(user.user_id, "relink")
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


routes = [
    Route("/v1/spotify/auth/login", login, methods=["GET"]),
    Route("/v1/spotify/auth/callback", callback, methods=["GET"]),
    Route("/v1/spotify/auth/confirm", confirm, methods=["POST"], name="spotify_confirm"),
    Route("/v1/spotify/auth/complete", complete, methods=["POST"]),
    Route("/v1/spotify/auth/unlink", unlink, methods=["POST"]),
    Route("/v1/integrations/spotify/status", status, methods=["GET"]),
]
