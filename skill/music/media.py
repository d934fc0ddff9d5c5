"""What resolution takes and gives: :class:`MediaRequest` in, :class:`Resolution` of ranked
:class:`Candidate` objects out (see :mod:`skill.music.resolve`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skill.music import ranking
from skill.music.names import search_forms


@dataclass(frozen=True)
class MediaRequest:
    """What to find, from the intent's slots (every field optional)."""

    kind: str | None = None
    query: str | None = None
    track: str | None = None
    artist: str | None = None
    album: str | None = None
    playlist: str | None = None
    genre: str | None = None
    year: str | None = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, object]) -> MediaRequest:
        def text(name: str) -> str | None:
            value = slots.get(name)
            if value is None or isinstance(value, bool):
                return None
            value = str(value).strip()
            return value or None

        def name(slot: str) -> str | None:
            # A name with nothing searchable in it (only punctuation or control characters)
            # is no name: it would otherwise reach the search as an empty query.
            value = text(slot)
            return value if value is not None and search_forms(value) else None

        return cls(
            kind=text("kind"),
            query=name("query"),
            track=name("track"),
            artist=name("artist"),
            album=name("album"),
            playlist=name("playlist"),
            genre=name("genre"),
            year=text("year"),
        )

    def describe(self) -> str:
        """What was asked, in words ("blinding lights by the weekend")."""
        name = self.track or self.album or self.playlist or self.genre or self.query
        if name and self.artist:
            return f"{name} by {self.artist}"
        if name:
            return name
        if self.artist:
            return self.artist
        return "your liked songs" if self.kind == "liked" else "that"

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Candidate:
    """One ranked answer."""

    uri: str
    kind: str
    """``track``, ``album``, ``artist``, ``playlist`` or ``collection`` (liked songs)."""
    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    """How the score was made: ``("title 100", "artist 95", "rank 0", "penalty live")``."""
    match: float = 0.0
    """The name-match part of ``score`` (0..90), without rank, penalties and bonuses."""
    items: int | None = None
    """Tracks a playlist or album holds, as Spotify counted them (None: not said); 0 is an
    empty one, which nothing can play."""

    def label(self) -> str:
        """What the user hears: "Hello by Adele", "25 by Adele", "Queen", "Road Trip"."""
        if self.kind in ("track", "album") and self.artists:
            return f"{self.name} by {self.artists[0]}"
        if self.kind == "collection":
            return "your Liked Songs"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "kind": self.kind,
            "name": self.name,
            "artists": list(self.artists),
            "album": self.album,
            "label": self.label(),
            "score": self.score,
            "match": round(self.match, 2),
            "reasons": list(self.reasons),
            "items": self.items,
        }


@dataclass(frozen=True)
class Resolution:
    """The ranked candidates of one request."""

    candidates: tuple[Candidate, ...]
    """Best first; duplicates of one work already collapsed."""
    request: MediaRequest = field(default_factory=MediaRequest)
    queries: int = 0
    """Web API calls this resolution made (cache hits not counted)."""
    uris: tuple[str, ...] = ()
    """For a genre or a decade resolved to tracks: the track URIs to play as a list (else
    empty)."""
    kind: str = ""
    """What was looked for: ``track``, ``artist``, ``album``, ``playlist``, ``genre``,
    ``year`` (a decade or year alone), ``liked`` or ``any`` (free text of unknown kind)."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def ambiguous(self) -> bool:
        """The top two are different works too close to call (ranking.AMBIGUITY_MARGIN)."""
        if len(self.candidates) < 2 or self.kind in ("genre", "year", "liked"):
            return False
        first, second = self.candidates[0], self.candidates[1]
        return (
            second.score >= ranking.AMBIGUITY_FLOOR
            and first.score - second.score < ranking.AMBIGUITY_MARGIN
        )

    def choices(self, count: int = 2) -> tuple[Candidate, ...]:
        """The candidates to offer when asking (the top ones within the margin)."""
        if not self.candidates:
            return ()
        top = self.candidates[0].score
        close = [
            c
            for c in self.candidates[:count]
            if top - c.score < ranking.AMBIGUITY_MARGIN and c.score >= ranking.AMBIGUITY_FLOOR
        ]
        return tuple(close) or self.candidates[:1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request.to_dict(),
            "ambiguous": self.ambiguous,
            "kind": self.kind,
            "queries": self.queries,
            "candidates": [c.to_dict() for c in self.candidates],
            "uris": list(self.uris),
        }
