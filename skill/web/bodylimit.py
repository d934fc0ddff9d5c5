"""Refuse request bodies larger than ``SKILL_MAX_BODY_BYTES`` with ``payload_too_large`` (413).

A declared ``Content-Length`` over the limit is answered before the body is read; a chunked
body is counted as it arrives and cut off at the limit. Either way the answer is the one
error envelope, and the route never sees more than the limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skill.errors import InvalidRequest, PayloadTooLarge
from skill.web.asgi import ResponseWatch
from skill.web.errors import error_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int,
                 overrides: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = dict(overrides or {})
        """Path -> its own limit (the Rasa webhook carries whole trackers)."""

    @staticmethod
    def _too_large(limit: int, size: int | None) -> PayloadTooLarge:
        details: dict[str, int] = {"max_bytes": limit}
        if size is not None:
            details["content_length"] = size
        return PayloadTooLarge(
            f"The request body is larger than {limit} bytes.", details=details
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope.get("path", ""), self.max_bytes)
        declared: int | None = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    error = InvalidRequest("Content-Length is not a number.")
                    await error_response(error)(scope, receive, send)
                    return
        if declared is not None and declared > limit:
            await error_response(self._too_large(limit, declared))(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise self._too_large(limit, None)
            return message

        watch = ResponseWatch(send)
        try:
            await self.app(scope, counting_receive, watch)
        except PayloadTooLarge as exc:
            if watch.started:
                raise
            await error_response(exc)(scope, receive, send)
