"""Pause, resume, next, previous, seek, shuffle, repeat: commands on what is playing.

They act on the active device first (the one playing), then the usual targeting order.
"Already paused" / "already playing" — Spotify's 403 ``UNKNOWN`` "Restriction violated" (or
the specific ``ALREADY_*`` reasons) — count as success when the player state agrees.
"""

from __future__ import annotations

from skill.errors import Conflict, InvalidRequest, NotFound
from skill.music import replies
from skill.music.handlers.base import Turn
from skill.music.outcome import Outcome, Playing
from skill.music.providers.base import DeviceInfo, PlaybackInfo, RepeatMode

_ALREADY = {"UNKNOWN", "ALREADY_PAUSED", "ALREADY_PLAYING", "NOT_PAUSED"}


def playing_of(state: PlaybackInfo | None) -> Playing | None:
    if state is None or state.item is None:
        return None
    item = state.item
    device = state.device.name if state.device is not None else None
    return Playing(item.uri, item.name, item.artists, item.album, device)


def _nothing_playing() -> NotFound:
    return NotFound("Nothing is playing.", details={"reason": "nothing_playing"})


async def _active(turn: Turn) -> tuple[PlaybackInfo, DeviceInfo]:
    """The player state and the device a command on "what is playing" goes to."""
    state = await turn.playback()
    if (state is None or state.item is None) and turn.named_device() is None:
        raise _nothing_playing()
    target = await turn.target(active_first=True, playback=state)
    if state is None or state.device is None or state.device.id != target.device.id:
        # A device that is not the one playing: nothing plays there.
        raise (
            _nothing_playing()
            if state is None or state.item is None
            else Conflict(
                "Nothing is playing on that device.",
                details={"reason": "NOT_PLAYING_LOCALLY", "device": target.device.name},
            )
        )
    return state, target.device


async def pause(turn: Turn) -> Outcome:
    state = await turn.playback()
    if (state is None or not state.is_playing) and turn.named_device() is None:
        if state is None or state.item is None:
            return turn.ok("pause", replies.now_playing(None, None, False), already=True)
        where = state.device.name if state.device is not None else None
        return turn.ok("pause", replies.paused(where, already=True), already=True,
                       playing=playing_of(state))
    target = await turn.target(active_first=True, playback=state)
    device = target.device
    playing_here = (
        state is not None
        and state.is_playing
        and state.device is not None
        and state.device.id == device.id
    )
    if not playing_here:
        return turn.ok(
            "pause",
            replies.paused(device.name, already=True),
            already=True,
            playing=playing_of(state),
        )
    try:
        await turn.on_device(
            device, lambda d: turn.act(turn.provider.pause(turn.user_id, device_id=d.id))
        )
    except Conflict as exc:
        if exc.details.get("reason") not in _ALREADY:
            raise
        after = await turn.playback()
        if after is not None and after.is_playing:
            raise
        return turn.ok(
            "pause",
            replies.paused(device.name, already=True),
            already=True,
            playing=playing_of(after),
        )
    turn.changed("pause", device=device, playing=playing_of(state), is_playing=False)
    return turn.ok("pause", replies.paused(device.name), playing=playing_of(state))


async def resume(turn: Turn) -> Outcome:
    state = await turn.playback()
    target = await turn.target(active_first=True, playback=state)
    device = target.device
    here = state is not None and state.device is not None and state.device.id == device.id
    if here and state is not None and state.is_playing:
        return turn.ok(
            "resume",
            replies.resumed(device.name, already=True),
            already=True,
            playing=playing_of(state),
        )
    if not here and state is not None and state.item is not None:
        # "resume in the kitchen": bring what was playing there and keep it going.
        await turn.make_active(device, play=True)
        turn.changed("resume", device=device, playing=playing_of(state), is_playing=True)
        await turn.deps.devices.remember(turn.user_id, target, source=turn.command.source)
        return turn.ok("resume", replies.resumed(device.name), playing=playing_of(state))
    try:
        await turn.on_device(
            device, lambda d: turn.act(turn.provider.resume(turn.user_id, device_id=d.id))
        )
    except Conflict as exc:
        if exc.details.get("reason") not in _ALREADY:
            raise
        after = await turn.playback()
        if after is None or after.item is None:
            # Spotify refuses to resume a device with nothing loaded: say so plainly.
            raise NotFound(
                "There is nothing to resume on that device.",
                details={"reason": "nothing_to_resume", "device": device.name},
            ) from None
        if not after.is_playing:
            raise
        return turn.ok(
            "resume",
            replies.resumed(device.name, already=True),
            already=True,
            playing=playing_of(after),
        )
    turn.changed("resume", device=device, playing=playing_of(state), is_playing=True)
    return turn.ok("resume", replies.resumed(device.name), playing=playing_of(state))


async def _skip(turn: Turn, forward: bool) -> Outcome:
    state, device = await _active(turn)
    action = "next" if forward else "previous"
    if forward:
        await turn.on_device(
            device, lambda d: turn.act(turn.provider.next(turn.user_id, device_id=d.id))
        )
    else:
        await turn.on_device(
            device, lambda d: turn.act(turn.provider.previous(turn.user_id, device_id=d.id))
        )
    turn.changed(action, device=device, is_playing=True)
    return turn.ok(action, replies.skipped(forward))


async def next_track(turn: Turn) -> Outcome:
    return await _skip(turn, True)


async def previous_track(turn: Turn) -> Outcome:
    return await _skip(turn, False)


async def seek(turn: Turn) -> Outcome:
    state, device = await _active(turn)
    position = turn.slot_int("position_ms")
    delta = turn.slot_int("delta_ms")
    if position is None and delta is None:
        raise InvalidRequest("Say where to jump to.", details={"slot": "position_ms"})
    if position is None:
        assert delta is not None
        position = (state.progress_ms or 0) + delta
    position = max(0, position)
    duration = state.item.duration_ms if state.item is not None else 0
    if duration and position >= duration:
        position = max(0, duration - 1000)
    await turn.on_device(
        device, lambda d: turn.act(turn.provider.seek(turn.user_id, position, device_id=d.id))
    )
    turn.changed("seek", device=device, playing=playing_of(state), is_playing=state.is_playing)
    return turn.ok(
        "seek", replies.seeked(position), playing=playing_of(state), position_ms=position
    )


async def shuffle(turn: Turn) -> Outcome:
    state, device = await _active(turn)
    wanted = turn.slot_str("state") != "off"
    await turn.on_device(
        device, lambda d: turn.act(turn.provider.set_shuffle(turn.user_id, wanted, device_id=d.id))
    )
    turn.changed("shuffle", device=device, playing=playing_of(state))
    return turn.ok("shuffle", replies.shuffle(wanted), playing=playing_of(state))


async def repeat(turn: Turn) -> Outcome:
    state, device = await _active(turn)
    raw = turn.slot_str("state") or "context"
    mode: RepeatMode = "track" if raw == "track" else "off" if raw == "off" else "context"
    await turn.on_device(
        device, lambda d: turn.act(turn.provider.set_repeat(turn.user_id, mode, device_id=d.id))
    )
    turn.changed("repeat", device=device, playing=playing_of(state))
    return turn.ok("repeat", replies.repeat(mode), playing=playing_of(state))
