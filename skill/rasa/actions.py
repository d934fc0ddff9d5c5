"""Our Rasa actions: each builds one :class:`~skill.music.outcome.Command` from the tracker
and hands it to the orchestrator, then utters the outcome's reply (the outcome itself rides
along as the message's ``custom`` payload, for channels that render it).

Slots are read from the tracker's slots first, then from the latest message's entities:
``song``/``track``, ``artist``, ``album``, ``playlist``, ``genre``, ``query``, ``kind``,
``device``, ``level``/``volume``, ``delta``, ``mute``. Without structured slots an action
falls back to the words of the latest message (the same parser as ``/v1/skill/command``).

A retried webhook call (Rasa retries slow actions) must not play or queue twice: the
command's idempotency key is the conversation turn — sender, the latest message's id (or
the latest event time) and the action — so the repeat replays the first outcome.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from skill.music.outcome import Command, Outcome
from skill.nlu.models import Intent
from skill.rasa.context import current_call

_MEDIA_SLOTS = {"song": "track", "track": "track", "artist": "artist", "album": "album",
                "playlist": "playlist", "genre": "genre", "query": "query", "kind": "kind"}


def _value(tracker: Tracker, name: str) -> Any:
    value = tracker.get_slot(name)
    if value is None:
        found = next(tracker.get_latest_entity_values(name), None)
        value = found
    return value


def _text(tracker: Tracker) -> str | None:
    text = (tracker.latest_message or {}).get("text")
    return text.strip() if isinstance(text, str) and text.strip() else None


def turn_key(tracker: Tracker, action: str) -> str:
    """One idempotency key per conversation turn and action."""
    latest = tracker.latest_message or {}
    turn = latest.get("message_id") or tracker.latest_event_time or "start"
    return f"rasa:{tracker.sender_id}:{turn}:{action}"


class MusicAction(Action):  # type: ignore[misc]
    """Base of our actions: ``intent`` with slots from the tracker, through the orchestrator."""

    action_name: ClassVar[str] = ""
    intent: ClassVar[str] = ""
    slot_names: ClassVar[tuple[str, ...]] = ()
    text_fallback: ClassVar[bool] = False
    """Parse the latest message when no structured slot is set."""

    def name(self) -> str:
        return self.action_name

    def slots(self, tracker: Tracker) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.slot_names:
            value = _value(tracker, name)
            if value is None or value == "":
                continue
            out[_MEDIA_SLOTS.get(name, name)] = value
        return out

    def command(self, tracker: Tracker) -> tuple[Command, bool]:
        """The command, and whether it is to be parsed from its text."""
        slots = self.slots(tracker)
        device = _value(tracker, "device")
        text = _text(tracker)
        as_text = self.text_fallback and not slots and text is not None
        command = Command(
            user_id=current_call().user_id,
            intent=Intent(self.intent, slots) if not as_text else Intent.none(),
            text=text,
            device=str(device) if device else None,
            idempotency_key=turn_key(tracker, self.name()),
            budget="short",
        )
        return command, as_text

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        from skill.web.runtime import run_command

        call = current_call()
        command, as_text = self.command(tracker)
        outcome = await run_command(call.runtime, command, entrance="rasa", text=as_text)
        self.answer(dispatcher, outcome)
        return []

    @staticmethod
    def answer(dispatcher: CollectingDispatcher, outcome: Outcome) -> None:
        dispatcher.utter_message(text=outcome.reply, json_message=outcome.to_dict())


class PlayMusic(MusicAction):
    action_name = "action_play_music"
    intent = "music.play"
    slot_names = ("song", "track", "artist", "album", "playlist", "genre", "query", "kind")
    text_fallback = True


class Pause(MusicAction):
    action_name = "action_pause"
    intent = "music.pause"


class Resume(MusicAction):
    action_name = "action_resume"
    intent = "music.resume"


class Next(MusicAction):
    action_name = "action_next"
    intent = "music.next"


class Previous(MusicAction):
    action_name = "action_previous"
    intent = "music.previous"


class Volume(MusicAction):
    action_name = "action_volume"
    intent = "music.volume"
    slot_names = ("level", "volume", "delta", "mute")
    text_fallback = True

    def slots(self, tracker: Tracker) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, target in (("level", "level"), ("volume", "level"), ("delta", "delta")):
            value = _value(tracker, name)
            if value is None or target in out:
                continue
            try:
                out[target] = int(float(value))
            except (TypeError, ValueError):
                continue
        mute = _value(tracker, "mute")
        if isinstance(mute, bool) and not out:
            out["mute"] = mute
        return out


class NowPlaying(MusicAction):
    action_name = "action_now_playing"
    intent = "music.now_playing"


class MusicCommand(MusicAction):
    """Whatever the latest message says, understood by our own parser."""

    action_name = "action_music_command"
    intent = "none"
    text_fallback = True

    def slots(self, tracker: Tracker) -> dict[str, Any]:
        return {}


#: Registered explicitly, in this order (``GET /actions`` lists them so).
ACTIONS: tuple[type[MusicAction], ...] = (
    PlayMusic, Pause, Resume, Next, Previous, Volume, NowPlaying, MusicCommand,
)
