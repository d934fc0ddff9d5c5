"""Prometheus metrics of one app (its own registry, so two apps in a process never mix).

What is counted, and where:

* HTTP requests by route *template* (``/v1/music/playlists/{playlist_id}/items``, never the
  raw path) and status, with latency — :class:`MetricsMiddleware`;
* upstream Spotify calls by upstream (``api``/``accounts``), endpoint name and status class,
  with latency; token refreshes by outcome; code exchanges; device-list latency; 429 answers
  — httpx event hooks on the shared client (:meth:`Metrics.instrument`);
* playback commands by action and outcome (the error code, or ``ok``) — :meth:`Metrics.command`;
* OAuth flow starts and completions — from the link routes' answers;
* rate-limit waits (the budget sleeping before a send) — :meth:`Metrics.rate_limit_wait`;
* breaker state and cooldowns — read at scrape time from the live objects.

Labels never carry a user id, an API key, a token or a raw path: only templates, names,
codes and status classes from closed sets.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from skill.spotify.endpoints import ENDPOINTS
from skill.web.asgi import ResponseWatch

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BREAKER_STATES = ("closed", "open", "half_open")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _endpoint_patterns() -> list[tuple[str, re.Pattern[str], str]]:
    out = []
    for ep in ENDPOINTS.values():
        regex = re.escape(ep.path).replace(r"\{id\}", "[^/]+")
        out.append((ep.method, re.compile(regex + "$"), ep.name))
    return out


_PATTERNS = _endpoint_patterns()


def endpoint_name(method: str, path: str) -> str:
    """The Web API endpoint a call went to (``other`` when not in the table)."""
    for ep_method, regex, name in _PATTERNS:
        if ep_method == method and regex.search(path):
            return name
    return "other"


def status_class(status: int | None) -> str:
    return "error" if status is None else f"{status // 100}xx"


class Metrics:
    """Every metric of one app, on its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("skill_http_requests", "HTTP requests by route template and "
                                "status", ["method", "route", "status"], registry=r)
        self.request_seconds = Histogram("skill_http_request_duration_seconds",
                                         "HTTP request latency by route template",
                                         ["method", "route"], registry=r,
                                         buckets=_LATENCY_BUCKETS)
        self.upstream_calls = Counter("skill_upstream_calls", "Calls to Spotify by upstream, "
                                      "endpoint and status class",
                                      ["upstream", "endpoint", "status"], registry=r)
        self.upstream_seconds = Histogram("skill_upstream_call_duration_seconds",
                                          "Latency of calls to Spotify",
                                          ["upstream", "endpoint"], registry=r,
                                          buckets=_LATENCY_BUCKETS)
        self.upstream_429 = Counter("skill_upstream_rate_limited", "429 answers from Spotify",
                                    ["upstream"], registry=r)
        self.device_list_seconds = Histogram("skill_device_list_duration_seconds",
                                             "Latency of Spotify's device list",
                                             registry=r, buckets=_LATENCY_BUCKETS)
        self.refreshes = Counter("skill_token_refreshes", "Token refreshes sent to the "
                                 "Accounts service, by outcome", ["outcome"], registry=r)
        self.code_exchanges = Counter("skill_oauth_code_exchanges", "Authorization codes "
                                      "exchanged, by outcome", ["outcome"], registry=r)
        self.oauth_starts = Counter("skill_oauth_flow_starts", "Link flows started",
                                    ["purpose"], registry=r)
        self.oauth_completions = Counter("skill_oauth_flow_completions", "Link flows finished, "
                                         "by result", ["result"], registry=r)
        self.commands = Counter("skill_playback_commands", "Commands by action and outcome",
                                ["action", "outcome", "entrance"], registry=r)
        self.rate_limit_waits = Counter("skill_rate_limit_waits", "Times a call waited for "
                                        "Spotify's cooldown or the user's budget", registry=r)
        self.rate_limit_wait_seconds = Counter("skill_rate_limit_wait_seconds",
                                               "Seconds spent waiting for the rate limit",
                                               registry=r)
        self.ws_listeners = Gauge("skill_ws_listeners", "Open live-state WebSockets",
                                  registry=r)
        self.ws_pushes = Counter("skill_ws_pushes", "Playback states pushed to listeners, by "
                                 "cause", ["cause"], registry=r)
        self.live_polls = Counter("skill_live_polls", "Playback polls made for listeners",
                                  registry=r)
        self._live: _LiveCollector = _LiveCollector()
        r.register(self._live)

    # ------------------------------------------------------------------ sources

    def watch(self, services: Any) -> None:
        """Read breaker and cooldown state from ``services`` at scrape time; count the
        budget's waits."""
        self._live.services = services
        services.budget.on_wait = self.rate_limit_wait

    def instrument(self, http: httpx.AsyncClient, *, api_base: str, accounts_base: str) -> None:
        """Count every Spotify call made through ``http`` (httpx event hooks)."""
        api_path = urlsplit(api_base).path.rstrip("/")
        accounts = urlsplit(accounts_base)

        async def on_request(request: httpx.Request) -> None:
            request.extensions["skill_started"] = time.perf_counter()

        async def on_response(response: httpx.Response) -> None:
            request = response.request
            started = request.extensions.get("skill_started")
            elapsed = time.perf_counter() - started if isinstance(started, float) else 0.0
            path = request.url.path
            status = response.status_code
            if request.url.host == accounts.hostname and path.endswith("/api/token"):
                grant = _grant_type(request)
                outcome = "ok" if status == 200 else _token_failure(response)
                if grant == "refresh_token":
                    self.refreshes.labels(outcome).inc()
                elif grant == "authorization_code":
                    self.code_exchanges.labels(outcome).inc()
                upstream, endpoint = "accounts", "token"
            else:
                relative = path[len(api_path):] if path.startswith(api_path) else path
                upstream, endpoint = "api", endpoint_name(request.method, relative)
                if endpoint == "devices":
                    self.device_list_seconds.observe(elapsed)
            self.upstream_calls.labels(upstream, endpoint, status_class(status)).inc()
            self.upstream_seconds.labels(upstream, endpoint).observe(elapsed)
            if status == 429:
                self.upstream_429.labels(upstream).inc()

        http.event_hooks["request"].append(on_request)
        http.event_hooks["response"].append(on_response)

    def rate_limit_wait(self, seconds: float) -> None:
        """The budget is about to wait ``seconds`` for a cooldown or a user's budget."""
        self.rate_limit_waits.inc()
        self.rate_limit_wait_seconds.inc(max(0.0, seconds))

    def command(self, action: str | None, outcome: str, entrance: str) -> None:
        self.commands.labels(action or "none", outcome, entrance).inc()

    def link_route(self, route: str, status: int, purpose: str | None) -> None:
        if route == "/v1/spotify/auth/login" and status in (200, 302):
            self.oauth_starts.labels(purpose if purpose in ("link", "relink",
                                                            "incremental") else "link").inc()
        elif route in ("/v1/spotify/auth/callback", "/v1/spotify/auth/complete",
                       "/v1/spotify/auth/confirm"):
            if status == 200:
                result = "linked"
            elif status == 202:
                result = "confirmation_required"
            else:
                result = "failed"
            self.oauth_completions.labels(result).inc()

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE)


def _grant_type(request: httpx.Request) -> str:
    try:
        body = request.content.decode("ascii", "replace")
    except httpx.RequestNotRead:
        return "unknown"
    return parse_qs(body).get("grant_type", ["unknown"])[0]


def _token_failure(response: httpx.Response) -> str:
    if response.status_code >= 500:
        return "upstream_error"
    if response.status_code == 429:
        return "rate_limited"
    return "refused"


class _LiveCollector(Collector):
    """Breaker state and cooldowns, read when Prometheus scrapes."""

    services: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        breaker = GaugeMetricFamily("skill_breaker_state", "1 for the breaker's current state",
                                    labels=["upstream", "state"])
        failures = GaugeMetricFamily("skill_breaker_consecutive_failures",
                                     "Consecutive failures counted by the breaker",
                                     labels=["upstream"])
        cooldown = GaugeMetricFamily("skill_rate_limit_cooldown_seconds",
                                     "Seconds left of Spotify's app-wide 429 cooldown",
                                     labels=["upstream"])
        services = self.services
        if services is not None:
            for name, snap in services.breakers.snapshot().items():
                for state in _BREAKER_STATES:
                    breaker.add_metric([name, state], 1.0 if snap["state"] == state else 0.0)
                failures.add_metric([name], float(snap["consecutive_failures"]))
            cooldown.add_metric(["api"], services.budget.api_cooldown.remaining())
            cooldown.add_metric(["accounts"], services.budget.accounts_cooldown.remaining())
        yield breaker
        yield failures
        yield cooldown


def route_template(app: Any, scope: Scope) -> str:
    """The path template of the route that matches ``scope`` (``unmatched`` for a 404)."""
    routes = getattr(getattr(app, "router", None), "routes", None) or getattr(app, "routes", [])
    for route in routes:
        if isinstance(route, Route | WebSocketRoute):
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return route.path
            if match == Match.PARTIAL:
                return route.path  # the path exists, the method does not (405)
        elif isinstance(route, Mount):
            match, _ = route.matches(scope)
            if match != Match.NONE:
                return route.path + "/*"
    return "unmatched"


class MetricsMiddleware:
    """Counts requests by route template and status; feeds the OAuth counters."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, router: Any) -> None:
        self.app = app
        self.metrics = metrics
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        finally:
            status = watch.status_or(500)
            route = route_template(self.router, scope)
            method = str(scope.get("method", "GET"))
            if route.endswith("/*"):
                route = route[:-2]  # the sandbox: one series, not one per path
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.request_seconds.labels(method, route).observe(
                time.perf_counter() - started
            )
            if route.startswith("/v1/spotify/auth/"):
                purpose = Request(scope).query_params.get("purpose")
                self.metrics.link_route(route, status, purpose)
