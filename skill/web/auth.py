"""API-key authentication of the ``/v1`` routes.

Clients send ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; keys are looked up by
their hash. A missing, unknown or revoked key is ``unauthorized``.
"""

from __future__ import annotations

from starlette.requests import Request

from skill.errors import Unauthorized
from skill.storage.base import ServiceUser
from skill.web.audit import acting_user
from skill.web.services import Services


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key else None


async def require_user(request: Request) -> ServiceUser:
    key = presented_key(request)
    if not key:
        raise Unauthorized("Send your API key as 'Authorization: Bearer <key>'.")
    user = await services_of(request).store.authenticate(key)
    if user is None:
        raise Unauthorized("The API key is unknown or was revoked.")
    acting_user.set(user.user_id)  # the audit log's "user" for this request's Spotify calls
    return user
