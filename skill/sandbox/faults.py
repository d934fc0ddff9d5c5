"""Fault injection, switched on per test through ``POST /control/faults``.

A rule matches requests whose path (relative to the sandbox root) starts with ``path``
and, optionally, whose method is ``method``. A matching rule may delay the request
(``latency_ms``), answer in Spotify's place (``status``, ``body``, ``retry_after``) or drop
the connection (``drop``: the response starts and the connection closes without a body).
``count`` serves the fault that many times; ``probability`` serves it at random. Rules stack:
every matching rule's latency adds up, and the first rule with an answer gives it.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MESSAGES = {
    400: "Bad request.",
    401: "Missing/invalid/expired access token",
    403: "Forbidden",
    404: "Not found.",
    429: "API rate limit exceeded",
    500: "Server error.",
    502: "Bad gateway.",
    503: "Service unavailable",
    504: "Service didn't reply before timeout",
}


class FaultError(ValueError):
    """A fault rule that cannot be used; the message says which field."""


@dataclass
class FaultRule:
    path: str
    method: str | None = None
    status: int | None = None
    retry_after: int | None = None
    body: Any = None
    latency_ms: int = 0
    drop: bool = False
    count: int | None = None
    probability: float | None = None

    @classmethod
    def parse(cls, raw: Any) -> FaultRule:
        if not isinstance(raw, dict):
            raise FaultError("a fault rule must be a JSON object")
        allowed = {"path", "method", "status", "retry_after", "body", "latency_ms", "drop",
                   "count", "probability"}
        unknown = set(raw) - allowed
        if unknown:
            raise FaultError(f"unknown field(s): {sorted(unknown)}")
        path = raw.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise FaultError("'path' must be a path prefix starting with '/'")
        status = raw.get("status")
        retry_after = raw.get("retry_after")
        if status is None and retry_after is not None:
            status = 429
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise FaultError("'status' must be an HTTP status code")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise FaultError("'retry_after' must be a non-negative integer (seconds)")
        latency = raw.get("latency_ms", 0)
        if not isinstance(latency, int) or latency < 0 or latency > 120_000:
            raise FaultError("'latency_ms' must be an integer from 0 to 120000")
        count = raw.get("count")
        probability = raw.get("probability")
        if count is not None and probability is not None:
            raise FaultError("give 'count' or 'probability', not both")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise FaultError("'count' must be a positive integer")
        if probability is not None and (
            not isinstance(probability, int | float) or not 0 <= probability <= 1
        ):
            raise FaultError("'probability' must be between 0 and 1")
        method = raw.get("method")
        if method is not None and not isinstance(method, str):
            raise FaultError("'method' must be a string")
        drop = raw.get("drop", False)
        if not isinstance(drop, bool):
            raise FaultError("'drop' must be true or false")
        if status is None and not drop and latency == 0:
            raise FaultError("a rule needs 'status', 'retry_after', 'latency_ms' or 'drop'")
        return cls(
            path=path,
            method=method.upper() if method else None,
            status=status,
            retry_after=retry_after,
            body=raw.get("body"),
            latency_ms=latency,
            drop=drop,
            count=count,
            probability=float(probability) if probability is not None else None,
        )

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return path.startswith(self.path)

    def to_dict(self) -> dict[str, Any]:
        """The rule as given: unset options and the no-op defaults left out (a
        ``probability`` of 0 is kept — it is a setting, not an absence)."""
        defaults = {"drop": False, "latency_ms": 0}
        return {
            k: v for k, v in self.__dict__.items()
            if v is not None and defaults.get(k, object()) != v
        }


class FaultRules:
    def __init__(self, rng: random.Random | None = None) -> None:
        self.rules: list[FaultRule] = []
        self._rng = rng or random.Random()

    def add(self, rule: FaultRule) -> None:
        self.rules.append(rule)

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, path: str) -> list[FaultRule]:
        """The rules that fire for this request (consuming their counts)."""
        fired: list[FaultRule] = []
        for rule in list(self.rules):
            if not rule.matches(method, path):
                continue
            if rule.probability is not None and self._rng.random() >= rule.probability:
                continue
            fired.append(rule)
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
        return fired


def route_path(scope: Scope) -> str:
    """The request path relative to the sandbox root (works mounted under a prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):] or "/"
    return path


class FaultMiddleware:
    """Serves the faults of ``rules`` before the request reaches the sandbox's routes."""

    def __init__(self, app: ASGIApp, *, sandbox: Any) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path.startswith("/control"):
            await self.app(scope, receive, send)
            return
        fired = self.sandbox.faults.take(scope["method"], path)
        if not fired:
            await self.app(scope, receive, send)
            return
        self.sandbox.stats.faults_served += 1
        delay = sum(rule.latency_ms for rule in fired) / 1000
        answer = next((r for r in fired if r.status is not None or r.drop), None)
        if delay:
            # Read the request before the delay, as a real server has it once the client has
            # sent it: a client that gives up during the delay does not stop Spotify from
            # acting on what it sent (the case "no double next after a timeout" is about).
            receive = await _buffered(receive)
            await asyncio.sleep(delay)
        if answer is None:
            await self.app(scope, receive, send)
            return
        if answer.drop:
            # Start a response that promises a body, then return without it: the server
            # closes the connection and the client sees an incomplete answer.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"64")]})
            return
        await _send_fault(answer, send)


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now; replay it, then pass later messages through."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    pending: list[Message] = [
        {"type": "http.request", "body": b"".join(chunks), "more_body": False}
    ]

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay


async def _send_fault(rule: FaultRule, send: Send) -> None:
    status = rule.status or 500
    headers: list[tuple[bytes, bytes]] = []
    if rule.retry_after is not None:
        headers.append((b"retry-after", str(rule.retry_after).encode()))
    if rule.body is None:
        payload = json.dumps(
            {"error": {"status": status, "message": DEFAULT_MESSAGES.get(status, "Error")}}
        ).encode()
        headers.append((b"content-type", b"application/json; charset=utf-8"))
    elif isinstance(rule.body, str):
        payload = rule.body.encode()
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
    else:
        payload = json.dumps(rule.body).encode()
        headers.append((b"content-type", b"application/json; charset=utf-8"))
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
