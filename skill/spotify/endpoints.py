"""The Web API endpoints the skill calls: path, the scopes each needs, and retry safety.

One table, so that a test can see that every endpoint declares its scopes and that the
scopes a default link requests (``skill.spotify.scopes``) cover them. A scope rule is a
tuple of groups: every group must be satisfied by at least one of its scopes
(``(("a", "b"), ("c",))`` = (a or b) and c); the first scope of a group is the one asked
for in an incremental-consent URL.

Scopes follow BEHAVIOR.md §2. Where Spotify lists alternatives (currently playing, queue,
playlist modification) any one suffices; where the scope depends on the arguments (public or
private playlist, kinds of URIs in ``/me/library``) the method computes its rule with
:func:`library_scopes` / :func:`playlist_modify_scopes`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from skill.errors import InvalidRequest
from skill.spotify.retry import Safety

ScopeRule = tuple[tuple[str, ...], ...]

READ_PLAYBACK = "user-read-playback-state"
MODIFY_PLAYBACK = "user-modify-playback-state"
READ_CURRENT = "user-read-currently-playing"
READ_RECENT = "user-read-recently-played"
READ_PLAYLISTS = "playlist-read-private"
MODIFY_PUBLIC = "playlist-modify-public"
MODIFY_PRIVATE = "playlist-modify-private"
LIBRARY_READ = "user-library-read"
LIBRARY_MODIFY = "user-library-modify"
FOLLOW_READ = "user-follow-read"
FOLLOW_MODIFY = "user-follow-modify"

NONE: ScopeRule = ()


def need(*scopes: str) -> ScopeRule:
    """Every one of ``scopes``."""
    return tuple((scope,) for scope in scopes)


def any_of(*scopes: str) -> ScopeRule:
    """At least one of ``scopes``."""
    return (tuple(scopes),)


@dataclass(frozen=True)
class Endpoint:
    """One Web API operation."""

    name: str
    method: str
    path: str
    """Relative to the API base (which ends in ``/v1``); ``{id}`` is filled in and quoted."""
    scopes: ScopeRule
    safety: Safety
    player_command: bool = False
    """Any 2xx is success and the body is never parsed (204, 200 + opaque text, 202)."""
    done_reasons: frozenset[str] = frozenset()
    """Player reasons that mean "already in the wanted state" when a repeat of this call
    answers them after an earlier attempt may have acted (pause → ALREADY_PAUSED)."""


def _ep(
    name: str,
    method: str,
    path: str,
    scopes: ScopeRule,
    safety: Safety,
    *,
    player_command: bool = False,
    done: Iterable[str] = (),
) -> Endpoint:
    return Endpoint(name, method, path, scopes, safety, player_command, frozenset(done))


_R, _I, _U = Safety.READ, Safety.IDEMPOTENT, Safety.UNSAFE

ENDPOINTS: dict[str, Endpoint] = {
    ep.name: ep
    for ep in (
        # player (Spotify Connect)
        _ep("playback_state", "GET", "/me/player", need(READ_PLAYBACK), _R),
        _ep(
            "currently_playing",
            "GET",
            "/me/player/currently-playing",
            any_of(READ_CURRENT, READ_PLAYBACK),
            _R,
        ),
        _ep("devices", "GET", "/me/player/devices", need(READ_PLAYBACK), _R),
        _ep("transfer", "PUT", "/me/player", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep("play", "PUT", "/me/player/play", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep(
            "resume",
            "PUT",
            "/me/player/play",
            need(MODIFY_PLAYBACK),
            _I,
            player_command=True,
            done=("ALREADY_PLAYING", "UNKNOWN"),
        ),
        _ep(
            "pause",
            "PUT",
            "/me/player/pause",
            need(MODIFY_PLAYBACK),
            _I,
            player_command=True,
            done=("ALREADY_PAUSED", "UNKNOWN"),
        ),
        _ep("next", "POST", "/me/player/next", need(MODIFY_PLAYBACK), _U, player_command=True),
        _ep(
            "previous",
            "POST",
            "/me/player/previous",
            need(MODIFY_PLAYBACK),
            _U,
            player_command=True,
        ),
        _ep("seek", "PUT", "/me/player/seek", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep("volume", "PUT", "/me/player/volume", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep("shuffle", "PUT", "/me/player/shuffle", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep("repeat", "PUT", "/me/player/repeat", need(MODIFY_PLAYBACK), _I, player_command=True),
        _ep(
            "queue_add", "POST", "/me/player/queue", need(MODIFY_PLAYBACK), _U, player_command=True
        ),
        _ep("queue", "GET", "/me/player/queue", any_of(READ_CURRENT, READ_PLAYBACK), _R),
        _ep("recently_played", "GET", "/me/player/recently-played", need(READ_RECENT), _R),
        # catalog
        _ep("search", "GET", "/search", NONE, _R),
        _ep("album", "GET", "/albums/{id}", NONE, _R),
        _ep("album_tracks", "GET", "/albums/{id}/tracks", NONE, _R),
        _ep("artist", "GET", "/artists/{id}", NONE, _R),
        _ep("artist_albums", "GET", "/artists/{id}/albums", NONE, _R),
        _ep("track", "GET", "/tracks/{id}", NONE, _R),
        # profile
        _ep("me", "GET", "/me", NONE, _R),
        # playlists (2026 paths)
        _ep("my_playlists", "GET", "/me/playlists", need(READ_PLAYLISTS), _R),
        _ep("create_playlist", "POST", "/me/playlists", any_of(MODIFY_PRIVATE, MODIFY_PUBLIC), _U),
        _ep("playlist", "GET", "/playlists/{id}", NONE, _R),
        _ep("change_playlist", "PUT", "/playlists/{id}", any_of(MODIFY_PRIVATE, MODIFY_PUBLIC), _I),
        _ep("playlist_items", "GET", "/playlists/{id}/items", need(READ_PLAYLISTS), _R),
        _ep(
            "add_playlist_items",
            "POST",
            "/playlists/{id}/items",
            any_of(MODIFY_PRIVATE, MODIFY_PUBLIC),
            _U,
        ),
        _ep(
            "replace_playlist_items",
            "PUT",
            "/playlists/{id}/items",
            any_of(MODIFY_PRIVATE, MODIFY_PUBLIC),
            _I,
        ),
        _ep(
            "reorder_playlist_items",
            "PUT",
            "/playlists/{id}/items",
            any_of(MODIFY_PRIVATE, MODIFY_PUBLIC),
            _U,
        ),
        _ep(
            "remove_playlist_items",
            "DELETE",
            "/playlists/{id}/items",
            any_of(MODIFY_PRIVATE, MODIFY_PUBLIC),
            _I,
        ),
        # library (2026: /me/library for saving and checking)
        _ep("save_to_library", "PUT", "/me/library", need(LIBRARY_MODIFY), _I),
        _ep("remove_from_library", "DELETE", "/me/library", need(LIBRARY_MODIFY), _I),
        _ep("library_contains", "GET", "/me/library/contains", need(LIBRARY_READ), _R),
        _ep("saved_tracks", "GET", "/me/tracks", need(LIBRARY_READ), _R),
    )
}

_LIBRARY_KINDS = {"track", "album", "episode", "show", "audiobook"}
_FOLLOW_KINDS = {"artist", "user"}
MAX_LIBRARY_URIS = 40


def uri_kind(uri: str) -> str:
    """``spotify:track:…`` → ``track``; raises ``InvalidRequest`` for anything else."""
    parts = uri.split(":")
    if len(parts) != 3 or parts[0] != "spotify" or not parts[1] or not parts[2]:
        raise InvalidRequest(f"Not a Spotify URI: {uri[:80]!r}.", details={"uri": uri[:80]})
    return parts[1]


def library_scopes(uris: Iterable[str], *, modify: bool) -> ScopeRule:
    """The scopes ``/me/library`` needs for these URIs (by kind, BEHAVIOR.md §2)."""
    kinds = {uri_kind(uri) for uri in uris}
    unknown = kinds - _LIBRARY_KINDS - _FOLLOW_KINDS - {"playlist"}
    if unknown:
        raise InvalidRequest(
            f"These kinds cannot be saved to the library: {', '.join(sorted(unknown))}.",
            details={"kinds": sorted(unknown)},
        )
    scopes: list[str] = []
    if kinds & _LIBRARY_KINDS:
        scopes.append(LIBRARY_MODIFY if modify else LIBRARY_READ)
    if kinds & _FOLLOW_KINDS:
        scopes.append(FOLLOW_MODIFY if modify else FOLLOW_READ)
    if "playlist" in kinds:
        scopes.append(MODIFY_PUBLIC if modify else READ_PLAYLISTS)
    return need(*scopes)


def playlist_modify_scopes(public: bool | None) -> ScopeRule:
    """Creating or changing a public playlist needs ``playlist-modify-public``, a private
    one ``playlist-modify-private``; unknown visibility accepts either."""
    if public is True:
        return need(MODIFY_PUBLIC)
    if public is False:
        return need(MODIFY_PRIVATE)
    return any_of(MODIFY_PRIVATE, MODIFY_PUBLIC)


def check_limit(limit: int, maximum: int) -> int:
    """Spotify refuses out-of-range limits (``Invalid limit``) instead of clamping; so do we,
    before sending."""
    if isinstance(limit, bool) or not 1 <= limit <= maximum:
        raise InvalidRequest(
            f"limit must be between 1 and {maximum}.", details={"limit": limit, "max": maximum}
        )
    return limit


def missing_scopes(rule: ScopeRule, granted: Iterable[str]) -> list[str]:
    """The scope to ask for, per unsatisfied group of ``rule`` (empty when all are met)."""
    have = set(granted)
    return [group[0] for group in rule if group and not have.intersection(group)]


class Caller(ABC):
    """What the endpoint groups (``PlayerAPI``, ``ContentAPI``) need from the client."""

    search_limit_max: int

    @abstractmethod
    async def request(
        self,
        user_id: str,
        endpoint: Endpoint,
        *,
        ids: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        scopes: ScopeRule | None = None,
        safety: Safety | None = None,
    ) -> httpx.Response:
        """Send one call through the budget, breaker and retry policies."""

    @abstractmethod
    async def request_json(self, user_id: str, endpoint: Endpoint, **kwargs: Any) -> Any:
        """:meth:`request` and decode the JSON body (None when empty)."""
