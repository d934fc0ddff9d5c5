"""Operations: ``/readyz`` (the store answers, the upstream breakers are not open) and
``/metrics`` (Prometheus text of this app's registry)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.web.runtime import runtime_of


async def readyz(request: Request) -> Response:
    runtime = runtime_of(request)
    services = runtime.services
    checks: dict[str, Any] = {}
    ready = True
    try:
        await services.store.ping()
        await runtime.idempotency.ping()
        checks["store"] = "ok"
    except Exception as exc:  # the store is the one thing we cannot serve without
        checks["store"] = f"failed: {type(exc).__name__}"
        ready = False
    breakers = services.breakers.snapshot()
    checks["breakers"] = {name: snap["state"] for name, snap in breakers.items()}
    if any(snap["state"] == "open" for snap in breakers.values()):
        ready = False
    checks["cooldown_seconds"] = round(services.budget.api_cooldown.remaining(), 3)
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )


async def metrics(request: Request) -> Response:
    return runtime_of(request).metrics.render()


routes = [
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
