"""Spotify-shaped responses: the Web API error envelope, the token-endpoint errors, 204s."""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from skill.sandbox.config import SandboxConfig


class ApiError(Exception):
    """A Web API failure, rendered as ``{"error": {"status", "message", "reason"?}}``.

    ``plain_text`` renders the message as a bare text body, as Spotify does for the
    development-mode allow-list gates (BEHAVIOR.md §1.5, §3.1).
    """

    def __init__(
        self,
        status: int,
        message: str,
        reason: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        plain_text: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = dict(headers or {})
        self.plain_text = plain_text

    def response(self) -> Response:
        if self.plain_text:
            return PlainTextResponse(self.message, self.status, headers=self.headers)
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.reason:
            body["reason"] = self.reason
        return spotify_json({"error": body}, self.status, headers=self.headers)


class TokenError(Exception):
    """An Accounts-service failure: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        return JSONResponse(
            {"error": self.error, "error_description": self.description}, self.status
        )


def spotify_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON the way Spotify's Web API writes it (``application/json; charset=utf-8``)."""
    text = json.dumps(body, ensure_ascii=False, separators=(", ", " : "))
    return Response(
        text, status, headers=headers, media_type="application/json; charset=utf-8"
    )


def no_content() -> Response:
    return Response(status_code=204)


def command_ok(config: SandboxConfig) -> Response:
    """Success of a player command: 204, or 200 with a short opaque text (2024+ behaviour)."""
    if config.success_mode == "200-text":
        return PlainTextResponse(secrets.token_urlsafe(20), 200)
    return no_content()


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, message)


def player_error(status: int, message: str, reason: str) -> ApiError:
    return ApiError(status, f"Player command failed: {message}", reason)
