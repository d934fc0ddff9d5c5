"""Unknown query parameters on the ``/v1/music`` and ``/v1/skill`` routes are
``invalid_request`` (400), as unknown body fields are: a misspelt ``limt=5`` should fail
loudly instead of being ignored. The allowed names come from ``/openapi.json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from skill.errors import InvalidRequest
from skill.web.errors import error_response
from skill.web.metrics import route_template

CHECKED_PREFIXES = ("/v1/music/", "/v1/skill/")


def allowed_params(document: Mapping[str, Any]) -> dict[tuple[str, str], frozenset[str]]:
    """``(METHOD, path template)`` -> the query parameter names it documents."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            out[(method.upper(), path)] = frozenset(names)
    return out


class QueryParamsMiddleware:
    def __init__(self, app: ASGIApp, *, router: Any,
                 allowed: Mapping[tuple[str, str], frozenset[str]]) -> None:
        self.app = app
        self.router = router
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(CHECKED_PREFIXES):
            query = scope.get("query_string", b"").decode("latin-1")
            if query:
                template = route_template(self.router, scope)
                allowed = self.allowed.get((str(scope.get("method")), template))
                if allowed is not None:
                    names = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
                    unknown = sorted(names - allowed)
                    if unknown:
                        error = InvalidRequest(
                            "Unknown query parameters.",
                            details={"unknown": unknown[:10], "allowed": sorted(allowed)},
                        )
                        await error_response(error)(scope, receive, send)
                        return
        await self.app(scope, receive, send)
