"""Volume: a level, a change from the current volume, mute and unmute.

Devices that refuse volume (``supports_volume`` false, e.g. phones) or remote control
(``is_restricted``) are refused up front with ``restricted_device``: no call, no retry loop.
Mute remembers the volume it replaced (per user and device, for a day) so unmute restores it.
"""

from __future__ import annotations

from skill.errors import InvalidRequest
from skill.music import replies
from skill.music.devices import check_volume
from skill.music.handlers.base import Turn
from skill.music.outcome import Outcome
from skill.music.providers.base import DeviceInfo

MUTE_MEMORY_TTL = 24 * 3600.0
UNMUTE_DEFAULT = 40
"""The volume unmute restores when nothing was remembered."""


def _mute_key(device: DeviceInfo) -> str:
    return f"muted:{device.id or device.name}"


async def volume(turn: Turn) -> Outcome:
    state = await turn.playback()
    target = await turn.target(active_first=True, playback=state)
    device = target.device
    check_volume(device)
    current = device.volume_percent
    if state is not None and state.device is not None and state.device.id == device.id:
        current = state.device.volume_percent if state.device.volume_percent is not None else (
            current)
    mute = turn.slots.get("mute")
    level = turn.slot_int("level")
    delta = turn.slot_int("delta")
    store = turn.deps.store
    if mute is True:
        new = 0
        if current:
            await store.put_context(turn.user_id, _mute_key(device), {"volume": current},
                                    ttl=MUTE_MEMORY_TTL)
        reply = replies.muted(device.name)
        action = "mute"
    elif mute is False:
        remembered = await store.take_context(turn.user_id, _mute_key(device))
        restore = remembered.get("volume") if remembered else None
        new = int(restore) if isinstance(restore, int) and restore > 0 else (
            current if current else UNMUTE_DEFAULT)
        reply = replies.unmuted(new, device.name)
        action = "unmute"
    elif level is not None:
        new = level
        reply = ""
        action = "volume"
    elif delta is not None:
        new = (current if current is not None else UNMUTE_DEFAULT) + delta
        reply = ""
        action = "volume"
    else:
        raise InvalidRequest("Say a volume level or louder or quieter.", details={"slot": "level"})
    new = max(0, min(100, new))
    if not reply:
        reply = replies.volume(new, device.name)
    await turn.on_device(device, lambda d: turn.act(
        turn.provider.set_volume(turn.user_id, new, device_id=d.id)))
    turn.changed(action, device=device, volume_percent=new)
    return turn.ok(action, reply, volume_percent=new, device=device.name)
