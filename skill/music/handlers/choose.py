"""``music.choose``: the answer to a question the orchestrator asked.

Two kinds of question wait in the store (per user, for ``choice_ttl`` seconds):

* **which item** — the resolution was too close to call ("Which one: Hello by Adele or Hello
  by Lionel Richie?"); the answer picks a candidate by position ("the first one", "the last
  one"), by artist ("the one by Adele") or by free text, and the waiting action (play, queue,
  add to a playlist) runs with it;
* **which device** — nothing to play on was chosen by the targeting rules, or a spoken device
  name fitted several ("Which device should I use? Spotify can see …"); the answer picks a
  device by position or name ("the kitchen speaker") and the original command runs again on
  it. From a room, the answer is remembered for that room.

An utterance the parser does not understand (``none``) is tried as an answer while a
question waits, so "the kitchen speaker" works as well as "the first one".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from skill.errors import NotFound, SkillError
from skill.music import ranking
from skill.music.devices import match_device
from skill.music.handlers.base import Turn
from skill.music.handlers.playback import CHOICE, candidate_of, enqueue, start
from skill.music.outcome import Command, Outcome
from skill.music.providers.base import DeviceInfo
from skill.nlu.models import Intent

#: failures that end in "which device?" and wait for an answer
DEVICE_QUESTIONS = frozenset({"no_active_device", "device_not_found"})


def _position(turn: Turn, count: int) -> int | None:
    index = turn.slot_int("index")
    if index is None:
        return None
    position = index - 1 if index > 0 else count + index
    return position if 0 <= position < count else -1


def pick(pending: dict[str, Any], turn: Turn) -> int | None:
    """Which pending item the answer designates (0-based), or None."""
    choices = [candidate_of(c) for c in pending.get("choices") or []]
    labels = [str(label) for label in pending.get("labels") or [c.label() for c in choices]]
    if not choices:
        return None
    position = _position(turn, len(choices))
    if position is not None:
        return position if position >= 0 else None
    artist = turn.slot_str("artist")
    text = turn.slot_str("text")
    scores: list[float]
    if artist:
        scores = [ranking.artist_similarity(artist, c.artists) for c in choices]
    elif text:
        scores = [
            max(ranking.free_similarity(text, c.name, c.artists), ranking.similarity(text, label))
            for c, label in zip(choices, labels, strict=True)
        ]
    else:
        return None
    best = max(range(len(choices)), key=lambda i: scores[i])
    runner_up = max((s for i, s in enumerate(scores) if i != best), default=0.0)
    if scores[best] < 70 or scores[best] - runner_up < 5:
        return None
    return best


def pick_device(pending: dict[str, Any], turn: Turn) -> str | None:
    names = [str(n) for n in pending.get("devices") or []]
    position = _position(turn, len(names))
    if position is not None:
        return names[position] if position >= 0 else None
    said = turn.slot_str("text") or turn.slot_str("artist")
    if not said:
        return None
    found = match_device(said, [DeviceInfo(None, name) for name in names])
    return found.device.name if found.device is not None else None


async def ask_device(turn_command: Command, error: SkillError, store: Any, ttl: float) -> None:
    """Keep a command that failed for want of a device waiting for the user's pick."""
    names = error.details.get("ambiguous") or error.details.get("devices") or []
    if error.code not in DEVICE_QUESTIONS or len(names) < 2:
        return
    if error.code == "device_not_found" and not error.details.get("ambiguous"):
        return
    await store.put_context(
        turn_command.user_id,
        CHOICE,
        {
            "kind": "device",
            "intent": turn_command.intent.name,
            "slots": {k: v for k, v in turn_command.intent.slots.items() if k != "device"},
            "uri": turn_command.uri,
            "source": turn_command.source,
            "devices": list(names),
        },
        ttl=ttl,
    )


def _no_match(pending: dict[str, Any]) -> NotFound:
    labels = pending.get("labels") or pending.get("devices")
    return NotFound("That answer does not match any choice.",
                    details={"reason": "no_such_choice", "choices": labels})


async def choose(turn: Turn) -> Outcome:
    store = turn.deps.store
    pending = await store.get_context(turn.user_id, CHOICE)
    if pending is None:
        raise NotFound("There is nothing to choose from.", details={"reason": "no_pending_choice"})
    if pending.get("kind") == "device":
        return await _choose_device(turn, pending)
    index = pick(pending, turn)
    if index is None:
        raise _no_match(pending)
    await store.drop_context(turn.user_id, CHOICE)
    chosen = candidate_of(pending["choices"][index])
    follow = _follow(turn, pending, device=pending.get("device"))
    name = follow.intent.name
    try:
        if name == "music.queue":
            outcome = await enqueue(follow, chosen)
        elif name == "playlist.add":
            from skill.music.handlers.playlists import add_to_named

            outcome = await add_to_named(follow, chosen)
        else:
            state = await follow.playback()
            target = await follow.target(active_first=False, playback=state)
            outcome = await start(follow, target, chosen, (), state)
    finally:
        turn.wrote = turn.wrote or follow.wrote
    return dataclasses.replace(outcome, intent=turn.intent, text=turn.command.text)


async def _choose_device(turn: Turn, pending: dict[str, Any]) -> Outcome:
    from skill.music.handlers import HANDLERS

    device = pick_device(pending, turn)
    if device is None:
        raise _no_match(pending)
    await turn.deps.store.drop_context(turn.user_id, CHOICE)
    follow = _follow(turn, pending, device=device, uri=pending.get("uri"))
    handler = HANDLERS[follow.intent.name]
    try:
        outcome = await handler(follow)
    finally:
        turn.wrote = turn.wrote or follow.wrote
    return dataclasses.replace(outcome, intent=turn.intent, text=turn.command.text)


def _follow(turn: Turn, pending: dict[str, Any], *, device: str | None,
            uri: str | None = None) -> Turn:
    original = Intent(str(pending["intent"]), pending.get("slots") or {})
    return Turn(
        command=dataclasses.replace(
            turn.command, intent=original, device=device,
            source=pending.get("source") or turn.command.source, uri=uri,
        ),
        deps=turn.deps,
        deadline=turn.deadline,
        details=turn.details,
    )
