"""Play and queue what the user named, ask when unsure, and finish with ``music.choose``.

Play policy (USER-DEMANDS #17): a track plays by its URI (``uris``); an album, artist,
playlist or the liked songs play as a context (``context_uri``) so "next" stays inside it;
a genre resolved to tracks plays them as a list. Shuffle: on when the user said "shuffle"
and for an artist (shuffle across the artist); off for an album, a playlist or the liked
songs unless asked — it is only sent when the player's state differs. Shuffle is set before
the play call so a shuffled context starts on a random track.

A song or album named with its artist that is not in the catalog plays the artist instead
when the catalog clearly has it ("I couldn't find I Want You by Marvin Gaye, so here's Marvin
Gaye."; action ``play_fallback``); never another artist, and never for a title alone.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from typing import Any

from skill.errors import InvalidRequest, NotFound, SkillError
from skill.music import replies
from skill.music.devices import Target, match_device
from skill.music.handlers.base import Turn
from skill.music.handlers.transport import playing_of
from skill.music.names import mood
from skill.music.outcome import Choice, Clarification, Outcome, Playing
from skill.music.providers.base import PlaybackInfo
from skill.music.resolve import Candidate, MediaRequest, Resolution

log = logging.getLogger("skill.music")

CHOICE = "choice"
"""The store's context name of a pending clarification."""
MAX_CHOICES = 3
_CONTEXT_KINDS = {"album", "artist", "playlist", "collection", "show"}
_MEDIA_SLOTS = ("query", "track", "artist", "album", "playlist", "genre", "year", "kind")


def spoken(candidate: Candidate, request: MediaRequest | None = None) -> str:
    """How a reply names what plays."""
    if candidate.kind == "track":
        return replies.describe(candidate.name, candidate.artists)
    if candidate.kind == "album":
        return "the album " + replies.describe(candidate.name, candidate.artists[:1])
    if candidate.kind == "playlist":
        return f"the playlist {candidate.name}"
    if candidate.kind == "collection":
        return "your Liked Songs"
    return candidate.name


async def from_uri(turn: Turn, uri: str) -> Candidate:
    """A candidate for a URI the caller already knows (REST ``uri``), named by the provider."""
    parts = uri.split(":")
    if len(parts) < 3 or parts[0] != "spotify":
        raise InvalidRequest("That is not a Spotify URI.", details={"uri": uri})
    kind = "collection" if parts[-1] == "collection" else parts[1]
    if kind not in {"track", "episode", *_CONTEXT_KINDS}:
        raise InvalidRequest("Spotify cannot play that kind of URI.", details={"uri": uri})
    item = await turn.provider.describe(turn.user_id, uri)
    return Candidate(uri=uri, kind=kind, name=item.name, artists=item.artists, album=item.album,
                     items=item.items)


def candidate_of(data: dict[str, Any]) -> Candidate:
    return Candidate(
        uri=str(data["uri"]),
        kind=str(data["kind"]),
        name=str(data["name"]),
        artists=tuple(str(a) for a in data.get("artists") or ()),
        album=data.get("album"),
        score=float(data.get("score") or 0.0),
        reasons=tuple(str(r) for r in data.get("reasons") or ()),
        items=data["items"] if isinstance(data.get("items"), int) else None,
    )


def has_media(turn: Turn) -> bool:
    return any(turn.slot_str(name) for name in _MEDIA_SLOTS) or bool(turn.command.uri)


async def resolve(turn: Turn, request: MediaRequest) -> Resolution:
    try:
        resolution: Resolution = await turn.deps.resolver.resolve(turn.user_id, request)
    except NotFound as exc:
        # the resolver's reason ("spotify_playlist": one of Spotify's own playlists) stays
        reason = exc.details.get("reason", "no_match")
        raise NotFound(
            exc.message,
            details={**exc.details, "reason": reason, "query": request.describe()},
        ) from None
    turn.details["candidates"] = [c.to_dict() for c in resolution.candidates[:5]]
    return resolution


def _labels(choices: Sequence[Candidate]) -> list[str]:
    labels = [c.label() for c in choices]
    if len(set(labels)) < len(labels):  # "Hello by Adele" twice: say the albums
        labels = [f"{c.label()} from {c.album}" if c.album else c.label() for c in choices]
    return labels


async def clarify(turn: Turn, resolution: Resolution) -> Outcome:
    """Ask which one, and keep the action waiting for ``music.choose``."""
    choices = resolution.choices(MAX_CHOICES)
    if len(choices) < 2:
        choices = resolution.candidates[:2]
    labels = _labels(choices)
    question = replies.question(labels)
    await turn.deps.store.put_context(
        turn.user_id,
        CHOICE,
        {
            "intent": turn.intent.name,
            "slots": dict(turn.slots),
            "device": turn.command.device,
            "source": turn.command.source,
            "choices": [c.to_dict() for c in choices],
            "labels": labels,
        },
        ttl=turn.deps.choice_ttl,
    )
    clarification = Clarification(
        question, tuple(Choice(label, c.uri) for label, c in zip(labels, choices, strict=True))
    )
    return turn.ok("clarify", question, clarification=clarification)


def _wanted_shuffle(turn: Turn, candidate: Candidate, uris: Sequence[str]) -> bool | None:
    """True/False to set, None to leave alone (a single track)."""
    asked = turn.slot_str("shuffle")
    if asked is not None:
        return asked != "off"
    if uris:
        return True  # a genre mix: tracks in popularity order, better shuffled
    if candidate.kind in ("track", "episode"):
        return None
    return candidate.kind == "artist"


async def not_empty(turn: Turn, candidate: Candidate) -> Candidate:
    """Raise ``NotFound`` (reason ``empty``) for a playlist or album that holds no tracks:
    Spotify refuses to play an empty context with a bare 403 "Restriction violated", which
    says nothing. The count comes with the search results and the user's playlists, which
    may be a minute old, so an empty one is read once more before the answer. Returns the
    candidate with the count read again, if it was."""
    if candidate.kind not in ("playlist", "album") or candidate.items != 0:
        return candidate
    try:
        item = await turn.provider.describe(turn.user_id, candidate.uri)
    except SkillError as exc:  # the play call will tell
        log.info("user %s: could not recount %s: %s", turn.user_id, candidate.uri, exc.code)
        return candidate
    if item.items == 0:
        raise NotFound(
            f"The {candidate.kind} {candidate.name!r} is empty.",
            details={"reason": "empty", "kind": candidate.kind, "name": item.name,
                     "uri": candidate.uri},
        )
    return dataclasses.replace(candidate, items=item.items)


async def start(
    turn: Turn,
    target: Target,
    candidate: Candidate,
    uris: Sequence[str] = (),
    state: PlaybackInfo | None = None,
) -> Outcome:
    """Play ``candidate`` on ``target`` (transfer first, verified); an empty playlist or
    album is not played (:func:`not_empty`)."""
    if not uris:
        candidate = await not_empty(turn, candidate)
    device = await turn.make_active(target.device)
    target = dataclasses.replace(target, device=device)
    shuffle = _wanted_shuffle(turn, candidate, uris)
    if shuffle or (shuffle is False and state is not None and state.shuffle):
        await turn.on_device(device, lambda d: turn.act(
            turn.provider.set_shuffle(turn.user_id, shuffle, device_id=d.id)))
    if uris:
        kwargs: dict[str, Any] = {"uris": list(uris)}
    elif candidate.kind in ("track", "episode"):
        kwargs = {"uris": [candidate.uri]}
    else:
        kwargs = {"context_uri": candidate.uri}
    _, device = await turn.on_device(device, lambda d: turn.act(
        turn.provider.play(turn.user_id, device_id=d.id, **kwargs)))
    playing = Playing(candidate.uri, candidate.name, candidate.artists, candidate.album,
                      device.name)
    turn.changed("play", device=device, playing=playing, is_playing=True)
    await turn.deps.devices.remember(turn.user_id, target, source=turn.command.source)
    genre = turn.slot_str("genre") or turn.slot_str("query") or "music"
    if mood(genre):
        genre = f"{genre} music"  # "some relaxing music"
    what = f"some {genre}" if uris else spoken(candidate)
    said_shuffle = turn.slot_str("shuffle") == "on"
    return turn.ok(
        "play",
        replies.playing(what, device.name, shuffle=said_shuffle),
        playing=playing,
        target=target.reason,
        shuffle=shuffle,
    )


_DEVICE_TAIL = re.compile(
    r"^(?P<head>.*\S)\s+(?:on|in|to|at|through)\s+(?:the\s+|my\s+)?(?P<tail>\S.*)$",
    re.IGNORECASE,
)


async def split_device_tail(turn: Turn) -> None:
    """"play some jazz on alexs phone": the grammars know room and device words, not the
    names of this user's own devices, so a media slot may end with "on <device>". When that
    tail names one of the user's devices, it is the device (every split is tried; the device
    list decides). A tail that names no device stays part of the title ("fire on the
    mountain")."""
    if turn.named_device():
        return
    for name in ("query", "artist", "track", "album", "playlist", "genre"):
        value = turn.slot_str(name)
        found = _DEVICE_TAIL.match(value) if value else None
        if found is None:
            continue
        devices = await turn.deps.devices.list(turn.user_id)
        if match_device(found["tail"], devices).device is None:
            return
        slots = {**turn.slots, name: found["head"], "device": found["tail"]}
        intent = dataclasses.replace(turn.intent, slots=slots)
        turn.command = dataclasses.replace(turn.command, intent=intent)
        return


async def where(turn: Turn) -> tuple[PlaybackInfo | None, Target]:
    """The player's state and the device to play on (may ask "which device?")."""
    state = await turn.playback()
    return state, await turn.target(active_first=False, playback=state)


async def play(turn: Turn) -> Outcome:
    """What was named is found first, then the device: a request that cannot play (nothing
    matches, one of Spotify's own playlists, an empty playlist) is answered at once, not
    after "which device?". A request that can play asks for the device before it asks
    which item, so the answer to "which one?" plays at once."""
    await split_device_tail(turn)
    if not has_media(turn):
        from skill.music.handlers.transport import resume

        return await resume(turn)
    if turn.command.uri:
        candidate = await not_empty(turn, await from_uri(turn, turn.command.uri))
        state, target = await where(turn)
        return await start(turn, target, candidate, state=state)
    request = MediaRequest.from_slots(turn.slots)
    try:
        resolution = await resolve(turn, request)
    except NotFound:
        instead = await artist_instead(turn, request)
        if instead is None:
            raise
        state, target = await where(turn)
        return await play_instead(turn, target, request, instead, state)
    best = resolution.best
    assert best is not None
    if not resolution.ambiguous and not resolution.uris:
        best = await not_empty(turn, best)
    state, target = await where(turn)
    if resolution.ambiguous:
        return await clarify(turn, resolution)
    return await start(turn, target, best, resolution.uris, state)


async def artist_instead(turn: Turn, request: MediaRequest) -> Resolution | None:
    """The artist to play when the song or album named with it is not in the catalog, or
    None (not named that way, the artist not clearly there, or the lookup failed: the
    answer is then the not-found one)."""
    try:
        instead: Resolution | None = await turn.deps.resolver.artist_instead(
            turn.user_id, request
        )
    except SkillError as exc:
        log.info("user %s: no artist instead of %s: %s", turn.user_id, request.describe(),
                 exc.code)
        return None
    return instead


async def play_instead(
    turn: Turn,
    target: Target,
    request: MediaRequest,
    instead: Resolution,
    state: PlaybackInfo | None,
) -> Outcome:
    """Play the artist, as "play <artist>" would, and say that the song or album was not
    found: action ``play_fallback`` and ``details["fallback"]`` tell callers."""
    artist = instead.best
    assert artist is not None
    turn.details["candidates"] = [c.to_dict() for c in instead.candidates[:5]]
    if request.playlist or request.kind == "playlist":
        missing = "playlist"
        title = replies.capitalized(request.playlist or request.query or "")
        said = f"the playlist {title}"
    else:
        missing = "album" if request.album or request.kind == "album" else "track"
        title = replies.capitalized(request.album or request.track or request.query or "")
        said = f"{'the album ' if missing == 'album' else ''}{title} by {artist.name}"
    played = await start(turn, target, artist, state=state)
    device = played.playing.device if played.playing is not None else None
    return dataclasses.replace(
        played,
        action="play_fallback",
        reply=replies.instead(said, spoken(artist), device),
        details={
            **played.details,
            "fallback": {"missing": missing, "instead": "artist", "request": request.to_dict()},
        },
    )


def _tracks_only(resolution: Resolution) -> Resolution:
    tracks = tuple(c for c in resolution.candidates if c.kind in ("track", "episode"))
    if not tracks:
        raise InvalidRequest(
            "Only songs and episodes can be added to the queue.",
            details={"reason": "queue_tracks_only"},
        )
    return dataclasses.replace(resolution, candidates=tracks, uris=())


async def enqueue(turn: Turn, candidate: Candidate) -> Outcome:
    state = await turn.playback()
    target = await turn.target(active_first=True, playback=state)
    device = target.device
    await turn.on_device(device, lambda d: turn.act(
        turn.provider.add_to_queue(turn.user_id, candidate.uri, device_id=d.id)))
    turn.changed("queue", device=device, playing=playing_of(state))
    queued = Playing(candidate.uri, candidate.name, candidate.artists, candidate.album,
                     device.name)
    return turn.ok("queue", replies.queued(spoken(candidate)), playing=queued,
                   target=target.reason)


async def queue(turn: Turn) -> Outcome:
    if turn.command.uri:
        return await enqueue(turn, await from_uri(turn, turn.command.uri))
    request = MediaRequest.from_slots(turn.slots)
    if request.kind is None and not (request.album or request.playlist or request.genre):
        request = dataclasses.replace(request, kind="track")
    resolution = _tracks_only(await resolve(turn, request))
    if resolution.ambiguous:
        return await clarify(turn, resolution)
    best = resolution.best
    assert best is not None
    return await enqueue(turn, best)
