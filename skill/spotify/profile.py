"""Who the linked Spotify account is: ``GET /me`` with a fresh access token.

``account_id`` is the stable link key Spotify recommends (2026); older answers only have
``id``. The call passes the Web API breaker and is translated like every other call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from skill.errors import InternalError
from skill.spotify.breaker import Breaker
from skill.spotify.translate import translate_exception, translate_response


@dataclass(frozen=True)
class Profile:
    """What ``GET /me`` tells about the linked account."""

    account_id: str | None
    spotify_id: str | None
    display_name: str | None



ProfileFetcher = Callable[[str], Awaitable[Profile]]


def profile_fetcher(
    http: httpx.AsyncClient,
    api_base: str,
    *,
    breaker: Breaker | None = None,
    timeout: float = 10.0,
) -> ProfileFetcher:
    """``GET {api_base}/me`` with a fresh access token (before any link exists)."""

    async def fetch(access_token: str) -> Profile:
        if breaker is not None:
            breaker.before_call()
        try:
            response = await http.get(
                api_base.rstrip("/") + "/me",
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            if breaker is not None:
                breaker.record_failure()
            raise translate_exception(exc) from None
        if breaker is not None:
            if response.status_code >= 500:
                breaker.record_failure()
            else:
                breaker.record_success()
        if response.status_code != 200:
            raise translate_response(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise InternalError("Spotify's /me answer was not readable.")
        return Profile(
            # account_id is the stable link key (2026); older answers only have id.
            account_id=_str_or_none(body.get("account_id")) or _str_or_none(body.get("id")),
            spotify_id=_str_or_none(body.get("id")),
            display_name=_str_or_none(body.get("display_name")),
        )

    return fetch


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
