"""The one command shape going in and the one outcome shape coming out.

``skill say --json``, ``POST /v1/skill/command``, the REST music endpoints and the Rasa
actions all hand the orchestrator a :class:`Command` and get an :class:`Outcome` back
(DESIGN.md, "The outcome of a command"). Over HTTP a failed outcome keeps this body and
takes the status of its error code; a clarification is a 200.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from skill.errors import SkillError, error_from_code
from skill.nlu.models import Intent

Budget = Literal["short", "normal"]


@dataclass(frozen=True)
class Command:
    """One request to act for one user of this service."""

    user_id: str
    """The service user (never a Spotify id): whose link, devices and context to use."""
    intent: Intent
    """What to do; REST callers build it from their body, text callers from the parser."""
    text: str | None = None
    """The utterance, when the command came as text."""
    uri: str | None = None
    """A Spotify URI the caller already knows (REST ``play``/``queue`` with ``uri``)."""
    device: str | None = None
    """A device named by the caller outside the utterance (name, room word or id)."""
    source: str | None = None
    """Where the request came from: the voice satellite's room or device."""
    idempotency_key: str | None = None
    """Execute at most once; a repeat replays the stored outcome."""
    budget: Budget = "short"
    """``short`` (voice: 10 s deadline) or ``normal`` (30 s)."""


@dataclass(frozen=True)
class Playing:
    uri: str
    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    device: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"uri": self.uri, "name": self.name, "artists": list(self.artists),
                "album": self.album, "device": self.device}


@dataclass(frozen=True)
class Choice:
    label: str
    """What the user hears ("Hello by Adele")."""
    uri: str


@dataclass(frozen=True)
class Clarification:
    question: str
    """The spoken question ("Which one: Hello by Adele or Hello by Lionel Richie?")."""
    choices: tuple[Choice, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question,
                "choices": [{"label": c.label, "uri": c.uri} for c in self.choices]}


@dataclass(frozen=True)
class Outcome:
    """What happened, and what to say about it."""

    ok: bool
    reply: str
    """A short spoken sentence derived from the result or the error code."""
    intent: Intent | None = None
    text: str | None = None
    action: str | None = None
    """What was done ("play", "pause", "volume", "clarify", ...), None when nothing was."""
    playing: Playing | None = None
    clarification: Clarification | None = None
    error: SkillError | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    """Extra facts for callers (e.g. the candidates and scores behind a choice)."""

    @property
    def status(self) -> int:
        """The HTTP status this outcome answers with."""
        return self.error.status if self.error is not None else 200

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "text": self.text,
            "intent": None if self.intent is None else {
                "name": self.intent.name,
                "slots": dict(self.intent.slots),
                "confidence": round(self.intent.confidence, 3),
                **({"reason": self.intent.reason} if self.intent.reason else {}),
            },
            "action": self.action,
            "reply": self.reply,
            "playing": None if self.playing is None else self.playing.to_dict(),
            "clarification": None if self.clarification is None
            else self.clarification.to_dict(),
            "error": None if self.error is None else self.error.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        """Rebuild a stored outcome (idempotent replay)."""
        raw_intent = data.get("intent")
        intent = None if raw_intent is None else Intent(
            raw_intent["name"], raw_intent.get("slots", {}), raw_intent.get("confidence", 1.0),
            reason=raw_intent.get("reason", ""),
        )
        raw_playing = data.get("playing")
        playing = None if raw_playing is None else Playing(
            uri=raw_playing["uri"], name=raw_playing["name"],
            artists=tuple(raw_playing.get("artists") or ()), album=raw_playing.get("album"),
            device=raw_playing.get("device"),
        )
        raw_clar = data.get("clarification")
        clarification = None if raw_clar is None else Clarification(
            question=raw_clar["question"],
            choices=tuple(Choice(c["label"], c["uri"]) for c in raw_clar.get("choices", [])),
        )
        raw_error = data.get("error")
        error = None if raw_error is None else error_from_code(
            raw_error["code"], raw_error.get("message"),
            retry_after=raw_error.get("retry_after"), details=raw_error.get("details"),
        )
        return cls(
            ok=bool(data["ok"]), reply=str(data["reply"]), intent=intent, text=data.get("text"),
            action=data.get("action"), playing=playing, clarification=clarification,
            error=error,
        )
