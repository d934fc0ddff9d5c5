"""The player (Spotify Connect) endpoints. Every method takes the skill's ``user_id`` first.

Commands return ``None`` on any 2xx (204, 200 with an opaque text body, 202) and never read
the body (BEHAVIOR.md §4.1). Parameters go in the query string, bodies only where Spotify
wants JSON (transfer, play).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from skill.errors import InvalidRequest
from skill.spotify.endpoints import ENDPOINTS, Caller, check_limit
from skill.spotify.models import Device, PlaybackState, Queue, RecentlyPlayed
from skill.spotify.retry import Safety

RepeatState = Literal["track", "context", "off"]


class PlayerAPI(Caller):
    """``/me/player/*``."""

    async def get_playback_state(
        self, user_id: str, *, market: str | None = None
    ) -> PlaybackState | None:
        """The player's state; None when nothing is active (Spotify's 204)."""
        data = await self.request_json(
            user_id,
            ENDPOINTS["playback_state"],
            params={"market": market, "additional_types": "track,episode"},
        )
        return PlaybackState.from_json(data) if isinstance(data, dict) else None

    async def currently_playing(
        self, user_id: str, *, market: str | None = None
    ) -> PlaybackState | None:
        """What is playing (no device, repeat or shuffle); None on 204."""
        data = await self.request_json(
            user_id,
            ENDPOINTS["currently_playing"],
            params={"market": market, "additional_types": "track,episode"},
        )
        return PlaybackState.from_json(data) if isinstance(data, dict) else None

    async def devices(self, user_id: str) -> list[Device]:
        data = await self.request_json(user_id, ENDPOINTS["devices"])
        devices = data.get("devices") if isinstance(data, dict) else None
        if not isinstance(devices, list):
            return []
        return [Device.from_json(item) for item in devices if isinstance(item, dict)]

    async def transfer(self, user_id: str, device_id: str, *, play: bool | None = None) -> None:
        """Move playback to ``device_id`` (``play=True`` forces playing there)."""
        body: dict[str, Any] = {"device_ids": [device_id]}
        if play is not None:
            body["play"] = play
        await self.request(user_id, ENDPOINTS["transfer"], json=body)

    async def play(
        self,
        user_id: str,
        *,
        device_id: str | None = None,
        context_uri: str | None = None,
        uris: Sequence[str] | None = None,
        offset: int | str | None = None,
        position_ms: int | None = None,
    ) -> None:
        """Start ``context_uri`` (album, artist, playlist) or the tracks ``uris``, from
        ``offset`` (a 0-based position or a track URI). Without either, resume."""
        if context_uri is not None and uris is not None:
            raise InvalidRequest("Give a context URI or track URIs, not both.")
        if context_uri is None and uris is None:
            if offset is not None or position_ms is not None:
                raise InvalidRequest("An offset or position needs a context URI or track URIs.")
            await self.resume(user_id, device_id=device_id)
            return
        body: dict[str, Any] = {}
        if context_uri is not None:
            body["context_uri"] = context_uri
        if uris is not None:
            if isinstance(uris, str) or not uris:
                raise InvalidRequest("uris must be a non-empty list of track URIs.")
            body["uris"] = list(uris)
        if offset is not None:
            if isinstance(offset, bool) or (isinstance(offset, int) and offset < 0):
                raise InvalidRequest("offset must be a position of 0 or more, or a track URI.")
            body["offset"] = {"position": offset} if isinstance(offset, int) else {"uri": offset}
        if position_ms is not None:
            body["position_ms"] = max(0, int(position_ms))
        # Starting explicit items sets the player's state: repeating it cannot do it twice.
        await self.request(
            user_id,
            ENDPOINTS["play"],
            params={"device_id": device_id},
            json=body,
            safety=Safety.IDEMPOTENT,
        )

    async def resume(self, user_id: str, *, device_id: str | None = None) -> None:
        await self.request(user_id, ENDPOINTS["resume"], params={"device_id": device_id})

    async def pause(self, user_id: str, *, device_id: str | None = None) -> None:
        await self.request(user_id, ENDPOINTS["pause"], params={"device_id": device_id})

    async def next(self, user_id: str, *, device_id: str | None = None) -> None:
        """Skip to the next track (never repeated after a timeout: it may have skipped)."""
        await self.request(user_id, ENDPOINTS["next"], params={"device_id": device_id})

    async def previous(self, user_id: str, *, device_id: str | None = None) -> None:
        await self.request(user_id, ENDPOINTS["previous"], params={"device_id": device_id})

    async def seek(self, user_id: str, position_ms: int, *, device_id: str | None = None) -> None:
        if position_ms < 0:
            raise InvalidRequest("position_ms must be 0 or more.")
        await self.request(
            user_id,
            ENDPOINTS["seek"],
            params={"position_ms": int(position_ms), "device_id": device_id},
        )

    async def volume(self, user_id: str, percent: int, *, device_id: str | None = None) -> None:
        if isinstance(percent, bool) or not 0 <= percent <= 100:
            raise InvalidRequest("volume must be between 0 and 100.", details={"volume": percent})
        await self.request(
            user_id,
            ENDPOINTS["volume"],
            params={"volume_percent": int(percent), "device_id": device_id},
        )

    async def shuffle(self, user_id: str, state: bool, *, device_id: str | None = None) -> None:
        await self.request(
            user_id,
            ENDPOINTS["shuffle"],
            params={"state": "true" if state else "false", "device_id": device_id},
        )

    async def repeat(
        self, user_id: str, state: RepeatState, *, device_id: str | None = None
    ) -> None:
        if state not in ("track", "context", "off"):
            raise InvalidRequest("repeat must be track, context or off.", details={"state": state})
        await self.request(
            user_id, ENDPOINTS["repeat"], params={"state": state, "device_id": device_id}
        )

    async def queue_add(self, user_id: str, uri: str, *, device_id: str | None = None) -> None:
        """Add a track or episode after the current item and the existing queue."""
        await self.request(
            user_id, ENDPOINTS["queue_add"], params={"uri": uri, "device_id": device_id}
        )

    async def get_queue(self, user_id: str) -> Queue:
        data = await self.request_json(user_id, ENDPOINTS["queue"])
        return Queue.from_json(data if isinstance(data, dict) else {})

    async def recently_played(
        self,
        user_id: str,
        *,
        limit: int = 20,
        after: int | None = None,
        before: int | None = None,
    ) -> RecentlyPlayed:
        """Play history, newest first; ``after``/``before`` are ms timestamps (one of them)."""
        if after is not None and before is not None:
            raise InvalidRequest("Give after or before, not both.")
        data = await self.request_json(
            user_id,
            ENDPOINTS["recently_played"],
            params={"limit": check_limit(limit, 50), "after": after, "before": before},
        )
        return RecentlyPlayed.from_json(data if isinstance(data, dict) else {})
