"""``create_sandbox_app``: the sandbox as a Starlette app of its own.

Routes are the same whether it runs alone at ``/`` or is mounted under a prefix: Accounts
(``/authorize``, ``/api/token``), Web API (``/v1/...``), ``/healthz`` and the control plane
(``/control/...``). Middleware, outermost first: own root path, request counters, fault injection.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from skill.sandbox import accounts, control
from skill.sandbox.config import SandboxConfig
from skill.sandbox.faults import FaultMiddleware, route_path
from skill.sandbox.responses import ApiError, TokenError
from skill.sandbox.state import Sandbox


class OwnRootMiddleware:
    """Makes ``request.base_url`` the sandbox's own base URL, mount prefix included.

    Starlette builds ``base_url`` from the outermost app's root path, so a sandbox mounted
    at ``/sandbox`` would otherwise write ``href``s and paging links without its prefix.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "app_root_path": scope.get("root_path", "")}
        await self.app(scope, receive, send)


class StatsMiddleware:
    """Counts every Web API request (faulted ones included) by path."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = route_path(scope)
            if path.startswith("/v1/"):
                self.sandbox.stats.api_requests += 1
                self.sandbox.stats.api_requests_by_path[path] += 1
        await self.app(scope, receive, send)


async def healthz(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    return JSONResponse(
        {"status": "ok", "tracks": len(sandbox.catalog.tracks), "users": len(sandbox.world.users)}
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError | TokenError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return ApiError(404, "Service not found").response()
    if exc.status_code == 405:
        return ApiError(405, "Method not allowed").response()
    return ApiError(exc.status_code, str(exc.detail)).response()


def sandbox_routes() -> list[BaseRoute]:
    from skill.sandbox import (
        control_player,
        routes_catalog,
        routes_library,
        routes_player,
        routes_playlists,
    )

    return [
        Route("/healthz", healthz, methods=["GET"]),
        *accounts.routes,
        *control.routes,
        *control_player.routes,
        *routes_player.routes,
        *routes_catalog.routes,
        *routes_playlists.routes,
        *routes_library.routes,
    ]


def create_sandbox_app(
    config: SandboxConfig | None = None, *, sandbox: Sandbox | None = None
) -> Starlette:
    """Build the sandbox app; pass ``sandbox`` to share state (tests), else one is made."""
    state = sandbox or Sandbox(config)
    app = Starlette(
        routes=sandbox_routes(),
        middleware=[
            Middleware(OwnRootMiddleware),
            Middleware(StatsMiddleware, sandbox=state),
            Middleware(FaultMiddleware, sandbox=state),
        ],
        exception_handlers={
            ApiError: _api_error,
            TokenError: _api_error,
            HTTPException: _http_error,
        },
    )
    app.state.sandbox = state
    return app
