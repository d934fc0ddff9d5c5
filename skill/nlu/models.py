"""The result of understanding one utterance, and the schema it follows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: every intent of the schema and the slots it may carry
INTENT_SLOTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "music.play": frozenset(
            {"query", "kind", "track", "artist", "album", "playlist", "genre", "year", "device",
             "shuffle"}
        ),
        "music.pause": frozenset({"device"}),
        "music.resume": frozenset({"device"}),
        "music.next": frozenset(),
        "music.previous": frozenset(),
        "music.volume": frozenset({"level", "delta", "mute", "device"}),
        "music.seek": frozenset({"position_ms", "delta_ms"}),
        "music.shuffle": frozenset({"state"}),
        "music.repeat": frozenset({"state"}),
        "music.transfer": frozenset({"device"}),
        "music.queue": frozenset({"query", "kind", "track", "artist", "album"}),
        "music.now_playing": frozenset(),
        "music.like": frozenset(),
        "music.unlike": frozenset(),
        "music.devices": frozenset(),
        "playlist.add_current": frozenset({"playlist"}),
        "playlist.add": frozenset({"playlist", "query", "kind", "track", "artist", "album"}),
        "playlist.create": frozenset({"name"}),
        "music.choose": frozenset({"index", "artist", "text"}),
        "none": frozenset(),
    }
)

#: slots whose value is an integer; ``mute`` is a boolean; every other slot is a string
INT_SLOTS = frozenset({"level", "delta", "position_ms", "delta_ms"})
BOOL_SLOTS = frozenset({"mute"})
#: the values an enum slot may take
KINDS = frozenset(
    {"track", "album", "artist", "playlist", "genre", "podcast", "episode", "audiobook", "radio",
     "liked"}
)
STATES = {"music.shuffle": frozenset({"on", "off"}),
          "music.repeat": frozenset({"off", "track", "context"})}

SlotValue = str | int | bool
#: the :attr:`Intent.reason` of a command said not to be done or called off
DECLINED = "declined"


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Intent:
    """What an utterance asks for.

    ``music.choose`` carries ``index`` as a string of a 1-based position ("1", "2"; "-1" for
    "the last one"), ``artist`` ("the one by queen") or ``text`` (any other answer).
    """

    #: the intent name from :data:`INTENT_SLOTS` ("music.play", ..., "none")
    name: str
    #: slot name -> value: strings, except ``level``/``delta``/``position_ms``/``delta_ms``
    #: (int) and ``mute`` (bool); ``state`` is "on"/"off" or "off"/"track"/"context"
    slots: Mapping[str, SlotValue] = field(default_factory=lambda: _frozen({}))
    #: how sure the parser is, 0..1 (1 for an exact command, lower for wide wildcards)
    confidence: float = 1.0
    #: slot name -> (start, end) offsets in the ORIGINAL text the slot was read from; slots
    #: that are implied by a word (kind, state, mute) point at that word, fixed ones are absent
    spans: Mapping[str, tuple[int, int]] = field(default_factory=lambda: _frozen({}))
    #: the grammar pattern that produced the intent ("transport:3"), or "" when none matched
    source: str = ""
    #: why nothing is asked, for ``none`` only: "declined" when a command is said not to be
    #: done or the user calls off what was being asked ("don't play anything", "never
    #: mind"); "" otherwise
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", _frozen(self.slots))
        object.__setattr__(self, "spans", _frozen(self.spans))

    def to_dict(self) -> dict[str, Any]:
        """``{"intent", "slots", "confidence"}``, and ``"reason"`` when there is one: the
        JSON form of ``skill parse``."""
        out: dict[str, Any] = {
            "intent": self.name,
            "slots": dict(self.slots),
            "confidence": round(self.confidence, 3),
        }
        if self.reason:
            out["reason"] = self.reason
        return out

    @classmethod
    def none(cls, confidence: float = 1.0, source: str = "", reason: str = "") -> Intent:
        """The out-of-domain result."""
        intent = cls.owned("none", {}, confidence, {}, source)
        if reason:
            _SET_REASON(intent, reason)
        return intent

    @classmethod
    def owned(
        cls,
        name: str,
        slots: dict[str, SlotValue],
        confidence: float,
        spans: dict[str, tuple[int, int]],
        source: str,
    ) -> Intent:
        """The same Intent as ``Intent(name, slots, confidence, spans, source)``, built
        without copying ``slots`` and ``spans``: the caller hands them over and never changes
        them again (the parser's hot path; the frozen dataclass ``__init__`` costs about
        1 µs more)."""
        # the slot descriptors set the fields directly, as the frozen __init__ does through
        # object.__setattr__; __post_init__'s read-only views are made here
        intent = _new_object(cls)
        set_name, set_slots, set_confidence, set_spans, set_source, set_reason = _SET_FIELDS
        set_name(intent, name)
        set_slots(intent, MappingProxyType(slots))
        set_confidence(intent, confidence)
        set_spans(intent, MappingProxyType(spans))
        set_source(intent, source)
        set_reason(intent, "")
        return intent


_SET_FIELDS = tuple(
    Intent.__dict__[name].__set__
    for name in ("name", "slots", "confidence", "spans", "source", "reason")
)
_SET_REASON = _SET_FIELDS[-1]
_new_object = object.__new__

