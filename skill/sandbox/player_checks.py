"""Player refusals and request checks shared by the Web API routes and the control plane."""

from __future__ import annotations

from skill.sandbox.ids import is_base62_id
from skill.sandbox.responses import ApiError, bad_request, player_error


def restriction_violated() -> ApiError:
    """403 ``UNKNOWN`` "Restriction violated": Spotify's catch-all refusal (BEHAVIOR.md §4.8)."""
    return player_error(403, "Restriction violated", "UNKNOWN")


def no_active_device() -> ApiError:
    return player_error(404, "No active device found", "NO_ACTIVE_DEVICE")


def device_not_found() -> ApiError:
    """404 ``Device not found``, without a reason (BEHAVIOR.md §3.4)."""
    return ApiError(404, "Device not found")


def parse_item_uri(uri: str) -> tuple[str, str] | None:
    """``(kind, id)`` of a ``spotify:track:<id>`` or ``spotify:episode:<id>`` URI, else None."""
    parts = uri.split(":")
    if len(parts) == 3 and parts[0] == "spotify" and parts[1] in {"track", "episode"}:
        if is_base62_id(parts[2]):
            return parts[1], parts[2]
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_play_fields(
    context_uri: object, uris: object, offset: object, position_ms: object
) -> None:
    """The 400s of ``PUT /me/player/play`` that need no world lookup (BEHAVIOR.md §3.4)."""
    if context_uri is not None and uris is not None:
        raise bad_request('Only one of either "context_uri" or "uris" can be specified')
    if context_uri is not None and not isinstance(context_uri, str):
        raise bad_request("Invalid context uri")
    if uris is not None and (
        not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris)
    ):
        raise bad_request("Invalid track uri")
    if offset is not None:
        if not isinstance(offset, dict):
            raise bad_request("Invalid offset")
        position, uri = offset.get("position"), offset.get("uri")
        if position is None and uri is None:
            raise bad_request('At least one of "uri" or "position" should be specified')
        if position is not None and not _is_int(position):
            raise bad_request("position out of range")
        if position is None and not isinstance(uri, str):
            raise bad_request("Invalid offset uri")
        if isinstance(context_uri, str) and context_uri.startswith("spotify:artist:"):
            raise bad_request("Offset is not supported with an artist context")  # [inf]
    if position_ms is not None and (
        isinstance(position_ms, bool) or not isinstance(position_ms, int) or position_ms < 0
    ):
        raise bad_request("Invalid position_ms")
