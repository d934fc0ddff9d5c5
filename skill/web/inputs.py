"""The one way a ``/v1`` POST reads its input: authenticate, read, decode, validate, dedupe.

:func:`post_json` is used by every POST route of the service except the link flow's own
(browser forms) and the Rasa webhook (Rasa's protocol): the API key first (401), the body
within ``SKILL_MAX_BODY_BYTES`` (413, :mod:`skill.web.bodylimit`), JSON (400), the route's
declared schema (422), then the ``Idempotency-Key`` (:mod:`skill.web.idempotency`).

Commands that go through the orchestrator pass the key on to it instead
(``dedupe=False`` here, ``Command.idempotency_key`` there): the orchestrator knows whether a
failed command ever reached Spotify and gives the key back when it did not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from skill.storage.base import ServiceUser
from skill.web.auth import require_user
from skill.web.idempotency import HEADER, check_key, fingerprint
from skill.web.schemas import Body, decode

Act = Callable[[ServiceUser, dict[str, Any]], Awaitable[Response]]


async def read_body(request: Request, schema: Body) -> dict[str, Any]:
    """The validated JSON object of the request."""
    return schema.validate(decode(await request.body()))


def idempotency_key(request: Request) -> str | None:
    return check_key(request.headers.get(HEADER))


async def post_json(request: Request, schema: Body, act: Act, *, dedupe: bool = True) -> Response:
    user = await require_user(request)
    key = idempotency_key(request)
    body = await read_body(request, schema)
    if key is None or not dedupe:
        return await act(user, body)
    store = request.app.state.runtime.idempotency
    print_ = fingerprint(request.method, request.url.path, request.url.query, body)
    return await store.run_once(user.user_id, key, print_,  # type: ignore[no-any-return]
                                lambda: act(user, body))
