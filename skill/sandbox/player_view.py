"""JSON shapes of the player family: devices, playback state, queue, recently played."""

from __future__ import annotations

import time
from typing import Any

from skill.sandbox.objects import track_object
from skill.sandbox.player import PlayerState
from skill.sandbox.player_checks import parse_item_uri
from skill.sandbox.world import Device

JSON = dict[str, Any]
OPEN = "https://open.spotify.com"


def device_object(device: Device, *, active_id: str | None) -> JSON:
    return {
        "id": device.id,
        "is_active": device.id == active_id,
        "is_private_session": device.is_private_session,
        "is_restricted": device.is_restricted,
        "name": device.name,
        "type": device.type,
        "volume_percent": device.volume_percent,
        "supports_volume": device.supports_volume,
    }


def context_object(context_uri: str | None, *, api: str) -> JSON | None:
    """The ContextObject of a context URI (``None`` when playing a plain ``uris`` list)."""
    if context_uri is None:
        return None
    parts = context_uri.split(":")
    if len(parts) == 4 and parts[3] == "collection":
        return {
            "type": "collection",
            "href": f"{api}/me/tracks",
            "external_urls": {"spotify": f"{OPEN}/collection/tracks"},
            "uri": context_uri,
        }
    kind, item_id = parts[1], parts[2]
    return {
        "type": kind,
        "href": f"{api}/{kind}s/{item_id}",
        "external_urls": {"spotify": f"{OPEN}/{kind}/{item_id}"},
        "uri": context_uri,
    }


def item_object(player: PlayerState, uri: str | None, *, api: str) -> JSON | None:
    """The full TrackObject of ``uri``, or None (nothing loaded, or not in the catalog)."""
    parsed = parse_item_uri(uri) if uri else None
    if parsed is None or parsed[0] != "track":
        return None
    sandbox = player.sandbox
    track = sandbox.catalog.track(parsed[1])
    if track is None:
        return None
    return track_object(sandbox.catalog, track, api=api, dev_mode=sandbox.config.dev_mode)


def disallows(player: PlayerState) -> JSON:
    """``actions.disallows``: only the keys whose value is true, as on the wire."""
    device = player.active_device
    keys = ("interrupting_playback", "pausing", "resuming", "seeking", "skipping_next",
            "skipping_prev", "toggling_repeat_context", "toggling_shuffle",
            "toggling_repeat_track", "transferring_playback")  # fmt: skip
    if device is not None and device.is_restricted:
        return dict.fromkeys(keys, True)
    out: JSON = {}
    if player.current is None:
        out.update(dict.fromkeys(("pausing", "resuming", "seeking", "skipping_next",
                                  "skipping_prev"), True))  # fmt: skip
        return out
    out["resuming" if player.is_playing else "pausing"] = True
    if not player.queue and not player.upcoming(1):
        out["skipping_next"] = True
    return out


def currently_playing(player: PlayerState, *, api: str, now: int) -> JSON:
    """The fields shared by ``GET /me/player`` and ``/currently-playing``."""
    item = item_object(player, player.current, api=api)
    return {
        "context": context_object(player.context_uri, api=api),
        "timestamp": player.timestamp_ms,
        "progress_ms": player.progress_at(now) if player.current is not None else None,
        "is_playing": player.is_playing,
        "item": item,
        "currently_playing_type": "track" if item is not None else "unknown",
        "actions": {"disallows": disallows(player)},
    }


def playback_state(player: PlayerState, device: Device, *, api: str, now: int) -> JSON:
    return {
        "device": device_object(device, active_id=device.id),
        "repeat_state": player.repeat,
        "shuffle_state": player.shuffle,
        **currently_playing(player, api=api, now=now),
    }


def queue_object(player: PlayerState, *, api: str) -> JSON:
    upcoming = [item_object(player, uri, api=api) for uri in player.upcoming()]
    return {
        "currently_playing": item_object(player, player.current, api=api),
        "queue": [item for item in upcoming if item is not None],
    }


def iso_ms(ms: int) -> str:
    """``2026-11-24T01:02:03.456Z`` for a Unix time in milliseconds."""
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def recently_played(
    player: PlayerState, *, api: str, limit: int, after: int | None, before: int | None
) -> JSON:
    """A CursorPagingPlayHistoryObject, newest first; cursors are Unix milliseconds."""
    history = sorted(player.history, key=lambda p: p.played_at_ms, reverse=True)
    if after is not None:
        page = [p for p in history if p.played_at_ms > after][-limit:]
    else:
        page = [p for p in history if before is None or p.played_at_ms < before][:limit]
    query = f"limit={limit}" + (f"&after={after}" if after is not None else "") + (
        f"&before={before}" if before is not None else ""
    )
    oldest = page[-1].played_at_ms if page else None
    older_exists = oldest is not None and any(p.played_at_ms < oldest for p in history)
    url = f"{api}/me/player/recently-played"
    items = []
    for played in page:
        track = item_object(player, played.uri, api=api)
        if track is None:
            continue
        items.append({
            "track": track,
            "played_at": iso_ms(played.played_at_ms),
            "context": context_object(played.context_uri, api=api),
        })
    return {
        "items": items,
        "next": f"{url}?before={oldest}&limit={limit}" if older_exists else None,
        "cursors": (
            {"after": str(page[0].played_at_ms), "before": str(page[-1].played_at_ms)}
            if page else None
        ),
        "limit": limit,
        "href": f"{url}?{query}",
    }
