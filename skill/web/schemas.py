"""Declared JSON body schemas of the ``/v1`` routes, their validation and their JSON Schema.

A :class:`Body` is a table of :class:`Field` plus "exactly one of" groups. ``validate`` turns
the decoded JSON into a plain dict or raises ``invalid_request``: 400 for a body that is not
JSON at all, 422 for well-formed JSON that breaks the schema (not an object, unknown fields,
wrong types, out-of-range values, a missing or doubled choice) — DESIGN.md's table. The same
declaration renders the request schema of ``/openapi.json`` (:meth:`Body.json_schema`), so
the documentation cannot drift from what is enforced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from skill.errors import InvalidRequest

FieldType = Literal["string", "integer", "boolean", "array"]


@dataclass(frozen=True)
class Field:
    """One member of a JSON object body."""

    type: FieldType
    description: str = ""
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    items: Field | None = None
    """The element of an ``array``."""
    min_items: int | None = None
    max_items: int | None = None
    nullable: bool = False
    words: bool = False
    """A string must contain a letter or digit (a query of only symbols finds nothing)."""

    def check(self, name: str, value: Any) -> Any:
        """The value if it fits, else ``invalid_request`` (422) naming the field."""
        if value is None:
            if self.nullable:
                return None
            raise _invalid(name, "must not be null")
        if self.type == "string":
            if not isinstance(value, str):
                raise _invalid(name, "must be a string")
            if self.min_length is not None and len(value.strip()) < self.min_length:
                raise _invalid(name, f"must have at least {self.min_length} characters")
            if self.max_length is not None and len(value) > self.max_length:
                raise _invalid(name, f"must have at most {self.max_length} characters")
            if self.enum is not None and value not in self.enum:
                raise _invalid(name, "must be one of " + ", ".join(self.enum), allowed=self.enum)
            if self.words and not re.search(r"[^\W_]", value):
                raise _invalid(name, "must contain a letter or a digit")
            if self.pattern is not None and not re.fullmatch(self.pattern, value):
                raise _invalid(name, "has the wrong format", pattern=self.pattern)
            return value
        if self.type == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise _invalid(name, "must be an integer")
            if self.minimum is not None and value < self.minimum:
                raise _invalid(name, f"must be at least {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise _invalid(name, f"must be at most {self.maximum}")
            return value
        if self.type == "boolean":
            if not isinstance(value, bool):
                raise _invalid(name, "must be true or false")
            return value
        if not isinstance(value, list):
            raise _invalid(name, "must be a list")
        if self.min_items is not None and len(value) < self.min_items:
            raise _invalid(name, f"must have at least {self.min_items} items")
        if self.max_items is not None and len(value) > self.max_items:
            raise _invalid(name, f"must have at most {self.max_items} items")
        assert self.items is not None
        return [self.items.check(f"{name}[{i}]", v) for i, v in enumerate(value)]

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type}
        if self.description:
            schema["description"] = self.description
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.min_length is not None:
            # Blank strings count as empty: say so with a pattern needing one visible char.
            schema["minLength"] = self.min_length
            if self.pattern is None:
                schema["pattern"] = r"[A-Za-z0-9]" if self.words else r"\S"
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.pattern is not None:
            schema["pattern"] = "^(?:" + self.pattern + ")$"
        if self.items is not None:
            schema["items"] = self.items.json_schema()
        if self.min_items is not None:
            schema["minItems"] = self.min_items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        if self.nullable:
            schema["nullable"] = True
        return schema


def _invalid(name: str, problem: str, **details: Any) -> InvalidRequest:
    extra = {k: list(v) if isinstance(v, tuple) else v for k, v in details.items()}
    return InvalidRequest(
        f"'{name}' {problem}.", status=422, details={"field": name, **extra}
    )


@dataclass(frozen=True)
class Body:
    """An object body: its fields, and groups of which exactly one member must be given."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    one_of: tuple[tuple[str, ...], ...] = ()
    """Each group: exactly one of these names is present (``level`` | ``delta`` | ``mute``)."""
    at_most_one: tuple[tuple[str, ...], ...] = ()
    """Each group: none or one of these names is present."""
    requires: Mapping[str, str] = field(default_factory=dict)
    """``{"kind": "query"}``: ``kind`` may only be given together with ``query``."""
    description: str = ""

    def validate(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise InvalidRequest("The body must be a JSON object.", status=422,
                                 details={"type": type(data).__name__})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise InvalidRequest(
                "Unknown fields: " + ", ".join(unknown) + ".",
                status=422,
                details={"unknown": unknown, "allowed": sorted(self.fields)},
            )
        out: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name not in data:
                if spec.required:
                    raise _invalid(name, "is required")
                continue
            out[name] = spec.check(name, data[name])
        present = {k for k, v in out.items() if v is not None}
        for group in self.one_of:
            given = [g for g in group if g in present]
            if len(given) != 1:
                raise InvalidRequest(
                    "Give exactly one of " + ", ".join(group) + ".",
                    status=422,
                    details={"one_of": list(group), "given": given},
                )
        for group in self.at_most_one:
            given = [g for g in group if g in present]
            if len(given) > 1:
                raise InvalidRequest(
                    "Give at most one of " + ", ".join(group) + ".",
                    status=422,
                    details={"at_most_one": list(group), "given": given},
                )
        for name, needed in self.requires.items():
            if name in present and needed not in present:
                raise InvalidRequest(
                    f"'{name}' needs '{needed}'.", status=422,
                    details={"field": name, "requires": needed},
                )
        return out

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {n: f.json_schema() for n, f in self.fields.items()},
        }
        if self.description:
            schema["description"] = self.description
        required = [n for n, f in self.fields.items() if f.required]
        if required:
            schema["required"] = required
        clauses: list[dict[str, Any]] = []
        for group in self.one_of:
            clauses.append({"oneOf": [_exactly(g, group) for g in group]})
        for group in self.at_most_one:
            clauses.append({"not": {"anyOf": [
                {"required": [a, b]} for i, a in enumerate(group) for b in group[i + 1:]
            ]}})
        for name, needed in self.requires.items():
            clauses.append({"anyOf": [{"not": {"required": [name]}}, {"required": [needed]}]})
        if clauses:
            schema["allOf"] = clauses
        return schema


def _exactly(member: str, group: Sequence[str]) -> dict[str, Any]:
    others = [g for g in group if g != member]
    clause: dict[str, Any] = {"required": [member]}
    if others:
        clause["not"] = {"anyOf": [{"required": [o]} for o in others]}
    return clause


def decode(raw: bytes) -> Any:
    """The JSON of a request body (an empty body is ``{}``); malformed JSON is a 400, and so
    is a body of whitespace alone: a JSON text holds a value (RFC 8259), and "\x0b" or
    " \r\n" sent as ``application/json`` is neither that nor an absent body."""
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest(
            "The body is not valid JSON.", details={"reason": type(exc).__name__}
        ) from None


# ---------------------------------------------------------------------------- shared parts

URI_PATTERN = (
    r"spotify:(track|album|artist|playlist|episode|show|audiobook|user):[A-Za-z0-9]{1,64}"
    r"|spotify:user:[A-Za-z0-9._-]{1,64}:collection"
)
TRACKISH = r"spotify:(track|episode):[A-Za-z0-9]{1,64}"
LIBRARY_URI = r"spotify:(track|album|artist|playlist|episode|show|audiobook|user):[A-Za-z0-9]{1,64}"

DEVICE = Field("string", "a device name, room word or device id", min_length=1, max_length=200)
URI = Field("string", "a Spotify URI", pattern=URI_PATTERN)
QUERY = Field("string", "what to look for", min_length=1, max_length=300, words=True)
KIND = Field(
    "string",
    "what kind of thing the query names",
    enum=("track", "album", "artist", "playlist", "genre", "podcast", "episode", "audiobook",
          "radio", "liked"),
)
UTTERANCE = Field("string", "a spoken phrase ('some jazz in the kitchen')", min_length=1,
                  max_length=500, words=True)
EMPTY = Body(description="no fields (an empty body or {})")
DEVICE_ONLY = Body({"device": DEVICE}, description="optionally the device to act on")

PLAY = Body(
    {"uri": URI, "query": QUERY, "kind": KIND, "utterance": UTTERANCE, "device": DEVICE},
    one_of=(("uri", "query", "utterance"),),
    requires={"kind": "query"},
    description="what to play: a URI, a query (with a kind), or an utterance",
)
VOLUME = Body(
    {
        "level": Field("integer", "the volume to set, 0-100", minimum=0, maximum=100),
        "delta": Field("integer", "a change of the volume, -100..100", minimum=-100,
                       maximum=100),
        "mute": Field("boolean", "true mutes, false restores the volume before muting"),
        "device": DEVICE,
    },
    one_of=(("level", "delta", "mute"),),
)
SEEK = Body(
    {
        "position_ms": Field("integer", "where to go in the track", minimum=0,
                             maximum=24 * 3600 * 1000),
        "delta_ms": Field("integer", "how far to move, negative goes back",
                          minimum=-24 * 3600 * 1000, maximum=24 * 3600 * 1000),
    },
    one_of=(("position_ms", "delta_ms"),),
)
SHUFFLE = Body({"state": Field("string", "on or off", required=True, enum=("on", "off"))})
REPEAT = Body(
    {"state": Field("string", "off, track or context", required=True,
                    enum=("off", "track", "context"))}
)
TRANSFER = Body({"device": Field("string", "the device to move playback to", required=True,
                                 min_length=1, max_length=200)})
QUEUE = Body(
    {"uri": Field("string", "a track or episode URI", pattern=TRACKISH), "query": QUERY,
     "kind": Field("string", "track or episode", enum=("track", "episode"))},
    one_of=(("uri", "query"),),
    requires={"kind": "query"},
)
PARSE = Body({"text": Field("string", "the utterance", required=True, min_length=1,
                            max_length=500)})
COMMAND = Body(
    {
        "text": Field("string", "the utterance", required=True, min_length=1, max_length=500),
        "device": DEVICE,
        "source": Field("string", "the room or satellite the command came from",
                        min_length=1, max_length=100),
    }
)
PLAYLIST_CREATE = Body(
    {
        "name": Field("string", "the new playlist's name", required=True, min_length=1,
                      max_length=100),
        "description": Field("string", "a description", max_length=300),
        "public": Field("boolean", "listed on the profile"),
        "collaborative": Field("boolean", "others may add items (needs public false)"),
    }
)
PLAYLIST_CHANGE = Body(
    {
        "name": Field("string", "a new name", min_length=1, max_length=100),
        "description": Field("string", "a new description", max_length=300),
        "public": Field("boolean", "listed on the profile"),
        "collaborative": Field("boolean", "others may add items"),
    }
)
_ITEM_URIS = Field("array", "track or episode URIs", required=True,
                   items=Field("string", pattern=TRACKISH), min_items=1, max_items=100)
PLAYLIST_ADD = Body(
    {"uris": _ITEM_URIS,
     "position": Field("integer", "where to insert (0 = first); default: the end", minimum=0,
                       maximum=10000)}
)
PLAYLIST_REMOVE = Body(
    {"uris": _ITEM_URIS,
     "snapshot_id": Field("string", "the playlist version these positions refer to",
                          min_length=1, max_length=200)}
)
LIBRARY_CHANGE = Body(
    {"uris": Field("array", "Spotify URIs to save (or remove)", required=True,
                   items=Field("string", pattern=LIBRARY_URI), min_items=1, max_items=40)}
)
