"""One error envelope for every failure that leaves the service (DESIGN.md).

``SkillError`` → its envelope and status; unknown routes and methods → ``not_found`` /
``method_not_allowed``; anything else → ``internal`` with a correlation id that is in the
log line too (never a secret: messages are ours, not upstream text).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from skill.errors import InternalError, MethodNotAllowed, NotFound, SkillError
from skill.web.asgi import ResponseWatch

log = logging.getLogger("skill.web")


def error_response(error: SkillError) -> JSONResponse:
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(max(1, int(round(error.retry_after + 0.499))))
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="skill"'
    return JSONResponse(error.envelope(), status_code=error.status, headers=headers)


async def skill_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SkillError)
    return error_response(exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error: SkillError
    if exc.status_code == 404:
        error = NotFound("No such route.", details={"path": request.url.path})
    elif exc.status_code == 405:
        error = MethodNotAllowed(details={"method": request.method})
    else:
        from skill.errors import error_from_code

        error = error_from_code("invalid_request" if exc.status_code < 500 else "internal")
        error.status = exc.status_code
    return error_response(error)


class CatchAllMiddleware:
    """Outermost: an unexpected exception becomes an ``internal`` envelope with an id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        except Exception:
            correlation = secrets.token_hex(8)
            log.exception("internal error %s on %s %s", correlation, scope.get("method"),
                          scope.get("path"))
            if watch.started:
                raise
            error = InternalError(details={"correlation_id": correlation})
            await error_response(error)(scope, receive, send)


def handlers() -> dict[Any, Any]:
    return {SkillError: skill_error, HTTPException: http_error}
