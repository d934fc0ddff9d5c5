"""Web API: the current user's profile and the player family (``/v1/me``, ``/v1/me/player``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skill.sandbox.auth import authenticate, base_url, get_sandbox
from skill.sandbox.responses import spotify_json


async def me(request: Request) -> Response:
    """``GET /me``: in development mode without country, email, product, followers."""
    caller = authenticate(request)
    user = caller.require_user()
    base = base_url(request)
    body: dict[str, object] = {
        "id": user.id,
        "account_id": user.account_id,
        "display_name": user.display_name,
        "type": "user",
        "uri": user.uri,
        "href": f"{base}/v1/users/{user.id}",
        "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
        "images": [],
    }
    if not get_sandbox(request).config.dev_mode:
        body.update({"product": user.product, "country": "US",
                     "followers": {"href": None, "total": 0}, "explicit_content":
                     {"filter_enabled": False, "filter_locked": False}})
    return spotify_json(body)


routes = [
    Route("/v1/me", me, methods=["GET"]),
]
