"""``create_app(settings)``: the service as a Starlette app.

The lifespan owns every shared resource (store, HTTP client, breakers, token manager, the
periodic refresh job) through :func:`skill.web.services.open_services`. Without
``SPOTIFY_CLIENT_ID`` the sandbox is mounted at ``/sandbox`` and a demo user is linked to it
at start-up. Middleware, outermost first: the catch-all error envelope, then the request
context (base URL for link building, and one redacted access-log line per request).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from skill.config import Settings
from skill.errors import SkillError
from skill.jobs.refresh import PeriodicRefresh
from skill.spotify.pkce import new_nonce
from skill.web import (
    routes_library,
    routes_music,
    routes_ops,
    routes_player,
    routes_rasa,
    routes_spotify,
    routes_text,
    ws,
)
from skill.web.asgi import ResponseWatch
from skill.web.auth import services_of
from skill.web.bodylimit import BodyLimitMiddleware
from skill.web.errors import CatchAllMiddleware, handlers
from skill.web.idempotency import idempotent
from skill.web.live import LivePolicy
from skill.web.metrics import Metrics, MetricsMiddleware
from skill.web.openapi import document, openapi_route
from skill.web.params import QueryParamsMiddleware, allowed_params
from skill.web.redact import install_redaction, redact_url
from skill.web.runtime import open_runtime
from skill.web.services import EMBEDDED_BASE, Services, open_services, request_base

log = logging.getLogger("skill.web")
access_log = logging.getLogger("skill.web.access")

DEMO_USER = "demo"


class RequestContextMiddleware:
    """Remembers the base URL of the request (for link building) and logs one access line
    with secrets redacted from the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = str(Request(scope).base_url)
        token = request_base.set(base)
        started = time.perf_counter()
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        finally:
            request_base.reset(token)
            query = scope.get("query_string", b"").decode("latin-1")
            target = scope.get("path", "") + (f"?{query}" if query else "")
            access_log.info(
                '%s "%s %s" %d %.1fms',
                (scope.get("client") or ("-", 0))[0],
                scope.get("method"),
                redact_url(target),
                watch.status_or(500),
                (time.perf_counter() - started) * 1000,
            )


async def healthz(request: Request) -> Response:
    services = services_of(request)
    await services.store.ping()
    return JSONResponse(
        {
            "status": "ok",
            "mode": "sandbox" if services.embedded else "spotify",
            "upstream": services.upstream_status(),
        }
    )


async def link_demo_user(services: Services) -> None:
    """Embedded mode: make sure the ``demo`` user exists and is linked to the sandbox's
    ``demo`` account (the in-memory sandbox starts fresh with every process)."""
    now = services.clock()
    if await services.store.get_user(DEMO_USER) is None:
        await services.store.create_user(DEMO_USER, at=now)
        log.info("created the demo user; get an API key with: skill users rotate demo")
    nonce = new_nonce()
    start = await services.flow.start(
        DEMO_USER,
        redirect_uri=services.settings.spotify_redirect_uri,
        browser_nonce=nonce,
        authorize_base=EMBEDDED_BASE,
    )
    consent = httpx.URL(start.authorize_url).copy_merge_params(
        {"sandbox_user": DEMO_USER, "sandbox_consent": "accept"}
    )
    answer = await services.http.get(consent)
    location = answer.headers.get("location")
    if answer.status_code != 302 or not location:
        log.warning("could not link the demo user to the sandbox (status %d)",
                    answer.status_code)
        return
    query = parse_qs(urlsplit(location).query)
    try:
        await services.flow.finish(
            state=query.get("state", [""])[0],
            code=query.get("code", [""])[0],
            error=query.get("error", [None])[0],
            browser_nonce=nonce,
        )
    except SkillError as exc:  # the service still starts; the demo user can link by hand
        log.warning("could not link the demo user to the sandbox (%s)", exc.code)


def _with_idempotency(routes: list[Route]) -> list[BaseRoute]:
    """The link routes, with ``Idempotency-Key`` on their API-key POSTs (unlink, complete;
    ``confirm`` is a browser form without an API key)."""
    out: list[BaseRoute] = []
    for route in routes:
        if route.path in IDEMPOTENT_LINK_ROUTES:
            route = Route(route.path, idempotent(route.endpoint), methods=route.methods,
                          name=route.name)
        out.append(route)
    return out


IDEMPOTENT_LINK_ROUTES = frozenset({"/v1/spotify/auth/unlink", "/v1/spotify/auth/complete"})


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
    transport: httpx.AsyncBaseTransport | None = None,
    sandbox: Any = None,
    link_demo: bool = True,
    live_policy: LivePolicy | None = None,
    rasa_actions: Sequence[Any] = (),
    rasa_packages: Sequence[str] = (),
) -> Starlette:
    """The service. ``clock``/``monotonic``/``transport`` are injected by tests; ``sandbox``
    shares a ``skill.sandbox.Sandbox`` state with the mounted sandbox app. ``live_policy``
    sets the live-state poll intervals; ``rasa_actions``/``rasa_packages`` add a Rasa
    developer's own actions to the webhook's executor."""
    install_redaction()
    sandbox_app = None
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        *_with_idempotency(routes_spotify.routes),
        *routes_music.routes,
        *routes_player.routes,
        *routes_library.routes,
        *routes_text.routes,
        *ws.routes,
        *routes_rasa.routes,
        *routes_ops.routes,
    ]
    routes.append(openapi_route(routes))
    metrics = Metrics()
    if settings.sandbox or settings.spotify_client_id is None:
        from skill.sandbox import SandboxConfig, create_sandbox_app

        config = SandboxConfig(catalog=settings.sandbox_catalog, world=settings.sandbox_world)
        sandbox_app = create_sandbox_app(config, sandbox=sandbox)
        routes.append(Mount("/sandbox", app=sandbox_app))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_services(
            settings,
            clock=clock,
            monotonic=monotonic,
            transport=transport,
            sandbox_app=sandbox_app,
        ) as services:
            app.state.services = services
            if sandbox_app is not None:
                # Build (or load) the embedded sandbox's search index now, off the event
                # loop, so the first spoken request does not pay for it.
                from skill.sandbox.search import SearchIndex

                await asyncio.to_thread(SearchIndex.for_catalog,
                                        sandbox_app.state.sandbox.catalog)
            if services.embedded and link_demo:
                await link_demo_user(services)

            async with open_runtime(services, metrics, live_policy=live_policy,
                                    rasa_actions=rasa_actions,
                                    rasa_packages=rasa_packages) as runtime:
                app.state.runtime = runtime

                async def purge() -> int:
                    purged = await services.store.purge_expired(now=clock())
                    purged += await runtime.idempotency.purge()
                    return purged + await runtime.music_store.purge()

                job = PeriodicRefresh(
                    services.tokens,
                    services.store,
                    interval=settings.refresh_interval_seconds,
                    horizon=settings.refresh_ahead_seconds + settings.refresh_interval_seconds,
                    clock=clock,
                    purge=purge,
                )
                app.state.refresh_job = job
                job.start()
                try:
                    yield
                finally:
                    await job.stop()

    return Starlette(
        routes=routes,
        middleware=[
            Middleware(CatchAllMiddleware),
            Middleware(MetricsMiddleware, metrics=metrics, router=SimpleNamespace(routes=routes)),
            Middleware(RequestContextMiddleware),
            Middleware(QueryParamsMiddleware, router=SimpleNamespace(routes=routes),
                       allowed=allowed_params(document())),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       overrides={"/webhook": routes_rasa.WEBHOOK_MAX_BYTES}),
        ],
        exception_handlers=handlers(),
        lifespan=lifespan,
    )
