"""Search, catalog, profile, playlists and library endpoints (2026 development-mode shapes).

Limits are always sent explicitly and checked before sending (search and artist albums at
most ``search_limit_max``, 10 in development mode; other lists at most 50; at most 40 URIs
for ``/me/library`` and 100 for playlist items) so Spotify's ``Invalid limit`` never happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from skill.errors import InvalidRequest
from skill.spotify.endpoints import (
    ENDPOINTS,
    MAX_LIBRARY_URIS,
    Caller,
    check_limit,
    library_scopes,
    playlist_modify_scopes,
)
from skill.spotify.models import (
    Album,
    Artist,
    Me,
    Paging,
    Playlist,
    PlaylistEntry,
    SavedTrack,
    SearchResult,
    Track,
)
from skill.spotify.retry import Safety
from skill.spotify.translate import translate_exception

SEARCH_TYPES = frozenset({"album", "artist", "playlist", "track", "show", "episode", "audiobook"})
MAX_PLAYLIST_URIS = 100


def _dict(data: Any) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


def _uris(uris: Sequence[str], maximum: int) -> list[str]:
    if isinstance(uris, str):
        raise InvalidRequest("uris must be a list of Spotify URIs, not one string.")
    listed = list(uris)
    if not 1 <= len(listed) <= maximum:
        raise InvalidRequest(
            f"Give between 1 and {maximum} URIs.", details={"count": len(listed), "max": maximum}
        )
    return listed


def _snapshot(data: Any) -> str:
    value = _dict(data).get("snapshot_id")
    return value if isinstance(value, str) else ""


class ContentAPI(Caller):
    """Everything but the player."""

    async def search(
        self,
        user_id: str,
        query: str,
        types: Iterable[str] = ("track",),
        *,
        limit: int = 10,
        offset: int = 0,
        market: str | None = None,
    ) -> SearchResult:
        """Search the catalog (field filters such as ``artist:`` go in ``query``)."""
        kinds = list(dict.fromkeys(types))
        if not query.strip():
            raise InvalidRequest("The search query is empty.")
        if not kinds or not set(kinds) <= SEARCH_TYPES:
            raise InvalidRequest(
                "Unknown search type.", details={"types": kinds, "allowed": sorted(SEARCH_TYPES)}
            )
        if not 0 <= offset <= 1000:
            raise InvalidRequest("offset must be between 0 and 1000.")
        data = await self.request_json(
            user_id,
            ENDPOINTS["search"],
            params={
                "q": query,
                "type": ",".join(kinds),
                "limit": check_limit(limit, self.search_limit_max),
                "offset": offset,
                "market": market,
            },
        )
        return SearchResult.from_json(_dict(data))

    async def album(self, user_id: str, album_id: str, *, market: str | None = None) -> Album:
        data = await self.request_json(
            user_id, ENDPOINTS["album"], ids={"id": album_id}, params={"market": market}
        )
        return Album.from_json(_dict(data))

    async def album_tracks(
        self, user_id: str, album_id: str, *, limit: int = 50, offset: int = 0
    ) -> Paging[Track]:
        data = await self.request_json(
            user_id,
            ENDPOINTS["album_tracks"],
            ids={"id": album_id},
            params={"limit": check_limit(limit, 50), "offset": offset},
        )
        return Paging.from_json(_dict(data), Track.from_json)

    async def artist(self, user_id: str, artist_id: str) -> Artist:
        data = await self.request_json(user_id, ENDPOINTS["artist"], ids={"id": artist_id})
        return Artist.from_json(_dict(data))

    async def artist_albums(
        self,
        user_id: str,
        artist_id: str,
        *,
        include_groups: Iterable[str] = ("album", "single"),
        limit: int = 10,
        offset: int = 0,
    ) -> Paging[Album]:
        data = await self.request_json(
            user_id,
            ENDPOINTS["artist_albums"],
            ids={"id": artist_id},
            params={
                "include_groups": ",".join(include_groups),
                "limit": check_limit(limit, self.search_limit_max),
                "offset": offset,
            },
        )
        return Paging.from_json(_dict(data), Album.from_json)

    async def track(self, user_id: str, track_id: str, *, market: str | None = None) -> Track:
        data = await self.request_json(
            user_id, ENDPOINTS["track"], ids={"id": track_id}, params={"market": market}
        )
        return Track.from_json(_dict(data))

    async def me(self, user_id: str) -> Me:
        """The linked account's profile; ``account_id`` is the link key."""
        return Me.from_json(_dict(await self.request_json(user_id, ENDPOINTS["me"])))

    # playlists

    async def my_playlists(
        self, user_id: str, *, limit: int = 50, offset: int = 0
    ) -> Paging[Playlist]:
        data = await self.request_json(
            user_id,
            ENDPOINTS["my_playlists"],
            params={"limit": check_limit(limit, 50), "offset": offset},
        )
        return Paging.from_json(_dict(data), Playlist.from_json)

    async def create_playlist(
        self,
        user_id: str,
        name: str,
        *,
        public: bool = False,
        collaborative: bool = False,
        description: str | None = None,
    ) -> Playlist:
        """``POST /me/playlists`` (not repeated after a timeout: it may have been created)."""
        if not name.strip():
            raise InvalidRequest("A playlist needs a name.")
        body: dict[str, Any] = {"name": name, "public": public, "collaborative": collaborative}
        if description is not None:
            body["description"] = description
        data = await self.request_json(
            user_id,
            ENDPOINTS["create_playlist"],
            json=body,
            scopes=playlist_modify_scopes(public),
        )
        return Playlist.from_json(_dict(data))

    async def playlist(
        self, user_id: str, playlist_id: str, *, market: str | None = None
    ) -> Playlist:
        data = await self.request_json(
            user_id, ENDPOINTS["playlist"], ids={"id": playlist_id}, params={"market": market}
        )
        return Playlist.from_json(_dict(data))

    async def change_playlist(
        self,
        user_id: str,
        playlist_id: str,
        *,
        name: str | None = None,
        public: bool | None = None,
        collaborative: bool | None = None,
        description: str | None = None,
    ) -> None:
        body = {
            key: value
            for key, value in (
                ("name", name),
                ("public", public),
                ("collaborative", collaborative),
                ("description", description),
            )
            if value is not None
        }
        if not body:
            raise InvalidRequest("Nothing to change.")
        await self.request(
            user_id,
            ENDPOINTS["change_playlist"],
            ids={"id": playlist_id},
            json=body,
            scopes=playlist_modify_scopes(public),
        )

    async def playlist_items(
        self,
        user_id: str,
        playlist_id: str,
        *,
        limit: int = 50,
        offset: int = 0,
        market: str | None = None,
    ) -> Paging[PlaylistEntry]:
        data = await self.request_json(
            user_id,
            ENDPOINTS["playlist_items"],
            ids={"id": playlist_id},
            params={
                "limit": check_limit(limit, 50),
                "offset": offset,
                "market": market,
                "additional_types": "track,episode",
            },
        )
        return Paging.from_json(_dict(data), PlaylistEntry.from_json)

    async def add_playlist_items(
        self, user_id: str, playlist_id: str, uris: Sequence[str], *, position: int | None = None
    ) -> str:
        """Add up to 100 items; returns the new snapshot id."""
        body: dict[str, Any] = {"uris": _uris(uris, MAX_PLAYLIST_URIS)}
        if position is not None:
            body["position"] = position
        data = await self.request_json(
            user_id, ENDPOINTS["add_playlist_items"], ids={"id": playlist_id}, json=body
        )
        return _snapshot(data)

    async def replace_playlist_items(
        self, user_id: str, playlist_id: str, uris: Sequence[str]
    ) -> str:
        """Replace all items (an empty list clears the playlist); returns the snapshot id."""
        listed = list(uris)
        if len(listed) > MAX_PLAYLIST_URIS:
            raise InvalidRequest(f"Give at most {MAX_PLAYLIST_URIS} URIs.")
        data = await self.request_json(
            user_id,
            ENDPOINTS["replace_playlist_items"],
            ids={"id": playlist_id},
            json={"uris": listed},
        )
        return _snapshot(data)

    async def reorder_playlist_items(
        self,
        user_id: str,
        playlist_id: str,
        *,
        range_start: int,
        insert_before: int,
        range_length: int = 1,
        snapshot_id: str | None = None,
    ) -> str:
        """Move a range of items (not repeated after a timeout: a second move moves again)."""
        body: dict[str, Any] = {
            "range_start": range_start,
            "insert_before": insert_before,
            "range_length": range_length,
        }
        if snapshot_id is not None:
            body["snapshot_id"] = snapshot_id
        data = await self.request_json(
            user_id,
            ENDPOINTS["reorder_playlist_items"],
            ids={"id": playlist_id},
            json=body,
            safety=Safety.UNSAFE,
        )
        return _snapshot(data)

    async def remove_playlist_items(
        self, user_id: str, playlist_id: str, uris: Sequence[str], *, snapshot_id: str | None = None
    ) -> str:
        body: dict[str, Any] = {"items": [{"uri": uri} for uri in _uris(uris, MAX_PLAYLIST_URIS)]}
        if snapshot_id is not None:
            body["snapshot_id"] = snapshot_id
        data = await self.request_json(
            user_id, ENDPOINTS["remove_playlist_items"], ids={"id": playlist_id}, json=body
        )
        return _snapshot(data)

    # library

    async def save_to_library(self, user_id: str, uris: Sequence[str]) -> None:
        """Save tracks, albums, episodes, shows, audiobooks; follow artists, users, playlists."""
        listed = _uris(uris, MAX_LIBRARY_URIS)
        await self.request(
            user_id,
            ENDPOINTS["save_to_library"],
            params={"uris": ",".join(listed)},
            scopes=library_scopes(listed, modify=True),
        )

    async def remove_from_library(self, user_id: str, uris: Sequence[str]) -> None:
        listed = _uris(uris, MAX_LIBRARY_URIS)
        await self.request(
            user_id,
            ENDPOINTS["remove_from_library"],
            params={"uris": ",".join(listed)},
            scopes=library_scopes(listed, modify=True),
        )

    async def library_contains(self, user_id: str, uris: Sequence[str]) -> list[bool]:
        """One boolean per URI, in order."""
        listed = _uris(uris, MAX_LIBRARY_URIS)
        data = await self.request_json(
            user_id,
            ENDPOINTS["library_contains"],
            params={"uris": ",".join(listed)},
            scopes=library_scopes(listed, modify=False),
        )
        if not isinstance(data, list) or len(data) != len(listed):
            raise translate_exception(ValueError("library/contains: not one boolean per URI"))
        return [bool(value) for value in data]

    async def saved_tracks(
        self, user_id: str, *, limit: int = 50, offset: int = 0, market: str | None = None
    ) -> Paging[SavedTrack]:
        data = await self.request_json(
            user_id,
            ENDPOINTS["saved_tracks"],
            params={"limit": check_limit(limit, 50), "offset": offset, "market": market},
        )
        return Paging.from_json(_dict(data), SavedTrack.from_json)
