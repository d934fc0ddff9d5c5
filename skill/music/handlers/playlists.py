"""The user's playlists: add what plays or a named song, create one.

Only playlists the user owns or collaborates on can change; the name is matched fuzzily
(``ranking.similarity`` over the one normalisation of ``names``) against those.
"""

from __future__ import annotations

import dataclasses

from skill.errors import InvalidRequest, NotFound
from skill.music import ranking, replies
from skill.music.handlers.base import Turn
from skill.music.handlers.playback import clarify, resolve, spoken
from skill.music.handlers.transport import playing_of
from skill.music.outcome import Outcome, Playing
from skill.music.providers.base import PlaylistInfo
from skill.music.resolve import Candidate, MediaRequest

PLAYLIST_MATCH = 75.0


async def _editable(turn: Turn, name: str) -> PlaylistInfo:
    account = await turn.provider.account(turn.user_id)
    owner = account.user_uri.rsplit(":", 1)[-1] if account.user_uri else None
    playlists = [
        p for p in await turn.provider.playlists(turn.user_id)
        if p.collaborative or owner is None or p.owner_id == owner
    ]
    scored = sorted(((ranking.similarity(name, p.name), p) for p in playlists),
                    key=lambda pair: -pair[0])
    if not scored or scored[0][0] < PLAYLIST_MATCH:
        raise NotFound(
            "No playlist of yours has that name.",
            details={"reason": "playlist", "playlist": name,
                     "playlists": [p.name for p in playlists][:20]},
        )
    return scored[0][1]


def _playlist_name(turn: Turn) -> str:
    name = turn.slot_str("playlist")
    if name is None:
        raise InvalidRequest("Say which playlist.", details={"slot": "playlist"})
    return name


async def add_current(turn: Turn) -> Outcome:
    playlist = await _editable(turn, _playlist_name(turn))
    playing = playing_of(await turn.playback())
    if playing is None:
        raise NotFound("Nothing is playing.", details={"reason": "nothing_playing"})
    await turn.act(turn.provider.add_to_playlist(turn.user_id, playlist.id, [playing.uri]))
    what = replies.describe(playing.name, playing.artists)
    return turn.ok("playlist_add", replies.added_to_playlist(what, playlist.name),
                   playing=playing, playlist=playlist.name)


async def add_to_named(turn: Turn, candidate: Candidate) -> Outcome:
    playlist = await _editable(turn, _playlist_name(turn))
    await turn.act(turn.provider.add_to_playlist(turn.user_id, playlist.id, [candidate.uri]))
    item = Playing(candidate.uri, candidate.name, candidate.artists, candidate.album)
    return turn.ok("playlist_add", replies.added_to_playlist(spoken(candidate), playlist.name),
                   playing=item, playlist=playlist.name)


async def add(turn: Turn) -> Outcome:
    await _editable(turn, _playlist_name(turn))  # fail early on an unknown playlist
    slots = {k: v for k, v in turn.slots.items() if k != "playlist"}
    request = MediaRequest.from_slots(slots)
    if request.kind is None and not request.album:
        request = dataclasses.replace(request, kind="track")
    resolution = await resolve(turn, request)
    tracks = tuple(c for c in resolution.candidates if c.kind in ("track", "episode"))
    if not tracks:
        raise InvalidRequest("Only songs can be added to a playlist this way.",
                             details={"reason": "playlist_tracks_only"})
    resolution = dataclasses.replace(resolution, candidates=tracks, uris=())
    if resolution.ambiguous:
        return await clarify(turn, resolution)
    assert resolution.best is not None
    return await add_to_named(turn, resolution.best)


async def create(turn: Turn) -> Outcome:
    name = turn.slot_str("name")
    if name is None:
        raise InvalidRequest("Say what the playlist should be called.", details={"slot": "name"})
    created = await turn.act(turn.provider.create_playlist(turn.user_id, name))
    return turn.ok("playlist_create", replies.created_playlist(created.name),
                   playlist=created.name, uri=created.uri)
