"""``GET /v1/music/ws``: the user's playback state, pushed when it changes.

Browsers cannot set headers on a WebSocket, so a listener authenticates in one of two ways:

* ``?ticket=…`` from ``POST /v1/music/ws-ticket`` (API key in the header): single use,
  valid ``TICKET_TTL`` seconds, kept hashed in memory;
* or its first message, ``{"type": "auth", "api_key": "…"}``, within ``AUTH_TIMEOUT``.
  (An ``Authorization`` header works too, for clients that can send one.)

Then the server sends ``{"type": "ready", "user": …}`` and, from the user's watcher
(:mod:`skill.web.live`), ``{"type": "state", "cause": "initial"|"command"|"poll", "state"}``,
``{"type": "command", "event"}`` after our own commands and ``{"type": "error", "error"}``
when the state cannot be read. ``{"type": "ping"}`` is answered with ``{"type": "pong"}``.
A failed authentication is an ``error`` message followed by close code 4401.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from skill.errors import Unauthorized
from skill.storage.base import ServiceUser
from skill.web.inputs import post_json
from skill.web.schemas import EMPTY

TICKET_TTL = 30.0
AUTH_TIMEOUT = 10.0
CLOSE_UNAUTHORIZED = 4401


class Tickets:
    """Short-lived, single-use WebSocket tickets (stored hashed, in memory)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 ttl: float = TICKET_TTL) -> None:
        self._clock = clock
        self.ttl = ttl
        self._tickets: dict[str, tuple[str, float]] = {}

    @staticmethod
    def _hash(ticket: str) -> str:
        return hashlib.sha256(ticket.encode()).hexdigest()

    def issue(self, user_id: str) -> str:
        now = self._clock()
        self._tickets = {k: v for k, v in self._tickets.items() if v[1] > now}
        ticket = "wst_" + secrets.token_urlsafe(24)
        self._tickets[self._hash(ticket)] = (user_id, now + self.ttl)
        return ticket

    def redeem(self, ticket: str) -> str | None:
        """The user of a valid ticket (which is then gone), else None."""
        entry = self._tickets.pop(self._hash(ticket), None)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]


async def ws_ticket(request: Request) -> Response:
    async def act(user: ServiceUser, body: dict[str, Any]) -> Response:
        runtime = request.app.state.runtime
        ticket = runtime.tickets.issue(user.user_id)
        return JSONResponse(
            {"ticket": ticket, "expires_in": int(runtime.tickets.ttl),
             "url": "/v1/music/ws?ticket=" + ticket},
            status_code=201,
            headers={"Cache-Control": "no-store"},
        )

    return await post_json(request, EMPTY, act)


async def _authenticate(websocket: WebSocket) -> str | None:
    runtime = websocket.app.state.runtime
    store = websocket.app.state.services.store
    ticket = websocket.query_params.get("ticket")
    if ticket:
        return runtime.tickets.redeem(ticket)  # type: ignore[no-any-return]
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        user = await store.authenticate(value.strip())
        return None if user is None else str(user.user_id)
    try:
        async with asyncio.timeout(AUTH_TIMEOUT):
            raw = await websocket.receive_text()
    except (TimeoutError, WebSocketDisconnect, KeyError):
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "auth":
        return None
    key = message.get("api_key")
    if not isinstance(key, str) or not key:
        return None
    user = await store.authenticate(key)
    return None if user is None else str(user.user_id)


async def live_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    user_id = await _authenticate(websocket)
    if user_id is None:
        error = Unauthorized("Authenticate with a ticket or {\"type\": \"auth\", \"api_key\"}.")
        with contextlib.suppress(Exception):
            await websocket.send_json({"type": "error", "error": error.to_dict()})
            await websocket.close(CLOSE_UNAUTHORIZED)
        return
    runtime = websocket.app.state.runtime
    hub = runtime.live
    listener = hub.listen(user_id)
    runtime.metrics.ws_listeners.inc()
    try:
        await websocket.send_json({"type": "ready", "user": user_id})
        reader = asyncio.create_task(_read(websocket))
        try:
            while True:
                getter = asyncio.create_task(listener.queue.get())
                done, _ = await asyncio.wait({getter, reader},
                                             return_when=asyncio.FIRST_COMPLETED)
                if reader in done:
                    getter.cancel()
                    pong = reader.result()
                    if pong is None:
                        break
                    await websocket.send_json(pong)
                    reader = asyncio.create_task(_read(websocket))
                    if getter not in done:
                        continue
                await websocket.send_json(getter.result())
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        runtime.metrics.ws_listeners.dec()
        await hub.leave(listener)
        if websocket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close()


async def _read(websocket: WebSocket) -> dict[str, Any] | None:
    """The answer to the client's next message (``pong``), or None when it went away."""
    while True:
        try:
            raw = await websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError, KeyError):
            return None
        try:
            message = json.loads(raw)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("type") == "ping":
            return {"type": "pong"}


routes = [
    Route("/v1/music/ws-ticket", ws_ticket, methods=["POST"]),
    WebSocketRoute("/v1/music/ws", live_socket),
]
