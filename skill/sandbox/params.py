"""Request parameters as the Web API reads them: paging, ids, URIs, JSON bodies.

Messages follow Spotify's where they are known (BEHAVIOR.md §3.4: ``Invalid limit``,
``invalid id``, ``Malformed json``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from skill.sandbox.ids import is_base62_id
from skill.sandbox.responses import ApiError, bad_request

URI_KINDS = frozenset(
    {"track", "album", "artist", "playlist", "episode", "show", "audiobook", "user"}
)
#: Playlist ids of Spotify's own (editorial/algorithmic) playlists, hidden from development-
#: mode apps since 2024-11-27 (BEHAVIOR.md §5, §8).
SPOTIFY_OWNED_PREFIX = "37i9dQZF"


def api_base(request: Request) -> str:
    """The sandbox's own Web API base (``.../v1``), mounted or not."""
    return str(request.base_url).rstrip("/") + "/v1"


def paging_params(
    request: Request, *, default: int, maximum: int, max_offset: int | None = None
) -> tuple[int, int]:
    """``(limit, offset)``; 400 ``Invalid limit`` / ``Invalid offset`` outside the range."""
    limit = _int(request, "limit", default, "Invalid limit")
    if not 1 <= limit <= maximum:
        raise bad_request("Invalid limit")
    offset = _int(request, "offset", 0, "Invalid offset")
    if offset < 0 or (max_offset is not None and offset > max_offset):
        raise bad_request("Invalid offset")
    return limit, offset


def _int(request: Request, name: str, default: int, message: str) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise bad_request(message) from exc


def path_id(request: Request, name: str = "id") -> str:
    """A Spotify id from the path; 400 ``invalid id`` when it is not 22 base62 characters."""
    value = str(request.path_params[name])
    if not is_base62_id(value):
        raise bad_request("invalid id")
    return value


def parse_uri(uri: str, kinds: frozenset[str] = URI_KINDS) -> tuple[str, str]:
    """``spotify:<kind>:<id>`` → ``(kind, id)``; 400 ``Invalid base62 id``/``Unsupported
    URL / URI`` otherwise. User ids are free-form; every other id is 22 base62 characters."""
    parts = uri.strip().split(":")
    if len(parts) != 3 or parts[0] != "spotify" or parts[1] not in kinds:
        raise bad_request(f"Unsupported URL / URI: {uri.strip()}")
    kind, item_id = parts[1], parts[2]
    if kind != "user" and not is_base62_id(item_id):
        raise bad_request(f"Invalid base62 id: {uri.strip()}")
    if not item_id:
        raise bad_request(f"Unsupported URL / URI: {uri.strip()}")
    return kind, item_id


def uri_list(request: Request, *, maximum: int, required: bool = True) -> list[str]:
    """The comma-separated ``uris`` query parameter (at most ``maximum``)."""
    raw = request.query_params.get("uris", "")
    uris = [u.strip() for u in raw.split(",") if u.strip()]
    if required and not uris:
        raise bad_request("Missing required parameter: uris")
    if len(uris) > maximum:
        raise bad_request("Too many ids requested")
    return uris


def id_list(request: Request, *, maximum: int) -> list[str]:
    """The comma-separated ``ids`` query parameter of the batch endpoints."""
    raw = request.query_params.get("ids", "")
    ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not ids:
        raise bad_request("Missing required parameter: ids")
    if len(ids) > maximum:
        raise bad_request("Too many ids requested")
    for item_id in ids:
        if not is_base62_id(item_id):
            raise bad_request("invalid id")
    return ids


async def json_body(
    request: Request, *, required: bool = False, allow_list: bool = False
) -> dict[str, Any]:
    """The JSON object body; empty → ``{}`` (or 400 when ``required``); 400 ``Malformed
    json`` for anything that is not a JSON object (``allow_list``: a JSON array reads as
    ``{"uris": [...]}``)."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise bad_request("Malformed json")
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request("Malformed json") from exc
    if allow_list and isinstance(body, list):
        return {"uris": body}
    if not isinstance(body, dict):
        raise bad_request("Malformed json")
    return body


def forbidden() -> ApiError:
    """What endpoints removed for development-mode apps answer (BEHAVIOR.md §3.3)."""
    return ApiError(403, "Forbidden")


def not_found() -> ApiError:
    return ApiError(404, "Resource not found")


def is_spotify_owned(playlist_id: str) -> bool:
    return playlist_id.startswith(SPOTIFY_OWNED_PREFIX)
