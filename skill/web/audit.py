"""The audit log (logger ``skill.audit``): one JSON line per Spotify operation.

Two kinds of lines, both with the user, the action, the outcome and the latency:

* ``spotify_operation`` — what a caller asked for (a command through the orchestrator, a
  library or playlist call), with its outcome code;
* ``spotify_call`` — every HTTP call that went to Spotify on that user's behalf (endpoint
  name, status), written from the shared client's event hooks.

The acting user travels in a context variable set when a request authenticates, when a
command starts and in the live-state watchers. Lines hold codes, names and numbers only:
never a token, an API key, a query string or an upstream message.
"""

from __future__ import annotations

import json
import logging
import time
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import httpx

from skill.web.metrics import endpoint_name

audit_log = logging.getLogger("skill.audit")

acting_user: ContextVar[str | None] = ContextVar("skill_acting_user", default=None)


def audit(user_id: str | None, action: str, outcome: str, started: float, **facts: Any) -> None:
    """A ``spotify_operation`` line; ``started`` is a ``time.perf_counter()`` value."""
    _write("spotify_operation", user_id, action, outcome,
           (time.perf_counter() - started) * 1000, facts)


def _write(event: str, user_id: str | None, action: str, outcome: str, latency_ms: float,
           facts: dict[str, Any]) -> None:
    if not audit_log.isEnabledFor(logging.INFO):
        return
    line = {"event": event, "user": user_id, "action": action, "outcome": outcome,
            "latency_ms": round(latency_ms, 1), **facts}
    audit_log.info(json.dumps(line, separators=(",", ":"), default=str))


def instrument(http: httpx.AsyncClient, *, api_base: str, accounts_base: str) -> None:
    """Write a ``spotify_call`` line for every response of the shared client."""
    api_path = urlsplit(api_base).path.rstrip("/")
    accounts_host = urlsplit(accounts_base).hostname

    async def on_request(request: httpx.Request) -> None:
        request.extensions.setdefault("skill_audit_started", time.perf_counter())

    async def on_response(response: httpx.Response) -> None:
        request = response.request
        started = request.extensions.get("skill_audit_started")
        elapsed = (time.perf_counter() - started) * 1000 if isinstance(started, float) else 0.0
        path = request.url.path
        if request.url.host == accounts_host and path.endswith("/api/token"):
            action = "accounts_token"
        else:
            relative = path[len(api_path):] if path.startswith(api_path) else path
            action = endpoint_name(request.method, relative)
        status = response.status_code
        _write("spotify_call", acting_user.get(), action,
               "ok" if status < 400 else f"http_{status}", elapsed, {"status": status})

    http.event_hooks["request"].append(on_request)
    http.event_hooks["response"].append(on_response)
