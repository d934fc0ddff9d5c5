"""Spotify Connect: move playback to a device (verified), list the devices."""

from __future__ import annotations

import dataclasses

from skill.errors import InvalidRequest, UpstreamTimeout
from skill.music import replies
from skill.music.devices import check_controllable
from skill.music.handlers.base import Turn
from skill.music.handlers.transport import playing_of
from skill.music.outcome import Outcome


async def transfer(turn: Turn) -> Outcome:
    named = turn.named_device()
    if named is None and not turn.command.source:
        raise InvalidRequest("Say which device to move the music to.", details={"slot": "device"})
    state = await turn.playback()
    target = await turn.target(active_first=False, playback=state)
    device = target.device
    check_controllable(device)
    playing = playing_of(state)
    if state is not None and state.device is not None and state.device.id == device.id:
        return turn.ok("transfer", f"Already playing on {device.name}.", playing=playing,
                       already=True)
    keep_playing = state is not None and state.is_playing
    device = await turn.make_active(device, play=keep_playing)
    if not turn.details.get("transfer_verified"):
        raise UpstreamTimeout(
            "Spotify accepted the transfer but did not show it in time.",
            details={"device": device.name, "reason": "transfer_unverified"},
        )
    turn.changed("transfer", device=device, playing=playing, is_playing=keep_playing)
    await turn.deps.devices.remember(turn.user_id, target, source=turn.command.source)
    if playing is not None:
        playing = dataclasses.replace(playing, device=device.name)
    return turn.ok("transfer", replies.transferred(device.name), playing=playing,
                   device=device.name)


async def devices(turn: Turn) -> Outcome:
    listed = await turn.deps.devices.list(turn.user_id, fresh=True)
    active = next((d.name for d in listed if d.is_active), None)
    return turn.ok(
        "devices",
        replies.devices([d.name for d in listed], active),
        devices=[
            {"id": d.id, "name": d.name, "type": d.type, "is_active": d.is_active,
             "is_restricted": d.is_restricted, "supports_volume": d.supports_volume,
             "volume_percent": d.volume_percent}
            for d in listed
        ],
    )
