"""The Rasa action-server protocol on the service: ``POST /webhook``, ``GET /actions``,
``GET /health`` — in Rasa's shapes, not the service's error envelope.

Rasa's ``action_endpoint`` sends a token as the ``token`` query parameter
(``url: http://host:8000/webhook?token=<API key>``): it is one of this service's API keys, and
the actions act as that key's user — or, for a multi-user assistant, as the user an
administrator mapped the conversation's ``sender_id`` to (``skill rasa-senders``).
``/webhook`` and ``/actions`` refuse a missing or wrong token with 401 ``{"error": …}``;
``/health`` needs none. See ``docs/rasa.md``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.rasa.server import decode_call
from skill.web.runtime import runtime_of

#: Rasa sends whole trackers; they outgrow the /v1 body limit on long conversations.
WEBHOOK_MAX_BYTES = 4 * 1024 * 1024


async def _user(request: Request) -> str | None:
    token = request.query_params.get("token")
    if not token:
        return None
    user = await runtime_of(request).services.store.authenticate(token)
    return None if user is None else str(user.user_id)


def _refused() -> Response:
    return JSONResponse(
        {"error": "Missing or invalid token: add ?token=<API key> to the action endpoint URL."},
        status_code=401,
    )


async def webhook(request: Request) -> Response:
    user_id = await _user(request)
    if user_id is None:
        return _refused()
    decoded = decode_call(await request.body(), request.headers.get("content-encoding"))
    if isinstance(decoded, tuple):
        status, body = decoded
        return JSONResponse(body, status_code=status)
    acting = await _acting_user(request, user_id, decoded)
    if acting is None:
        return _refused()
    status, answer = await runtime_of(request).rasa.run(acting, decoded)
    return JSONResponse(answer, status_code=status)


async def _acting_user(request: Request, gateway: str, call: Any) -> str | None:
    """The token's user, or the user an administrator mapped this ``sender_id`` to for that
    token (``skill rasa-senders``); None when the mapped user was revoked since."""
    sender = None
    if isinstance(call, dict):
        sender = call.get("sender_id")
        tracker = call.get("tracker")
        if not isinstance(sender, str) and isinstance(tracker, dict):
            sender = tracker.get("sender_id")
    if not isinstance(sender, str) or not sender:
        return gateway
    runtime = runtime_of(request)
    mapped = await runtime.senders.user_for(gateway, sender)
    if mapped is None:
        return gateway
    user = await runtime.services.store.get_user(mapped)
    return mapped if user is not None and user.active else None


async def actions(request: Request) -> Response:
    if await _user(request) is None:
        return _refused()
    return JSONResponse(runtime_of(request).rasa.action_names())


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


routes = [
    Route("/webhook", webhook, methods=["POST"]),
    Route("/actions", actions, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
]
