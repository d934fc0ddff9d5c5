"""Typed, tolerant models of the Web API objects the skill reads.

Every parser takes the decoded JSON, ignores fields it does not know, treats deprecated or
removed fields (``popularity``, ``genres``, ``available_markets``, ``country``, ``product`` …)
as optional, and reads both the 2026 names and the old ones (``items``/``tracks`` on
playlists, ``item``/``track`` on playlist entries). ``null`` entries in lists (hidden
Spotify-owned playlists in search results) are dropped. A malformed field becomes its
default rather than an exception: Spotify adds and removes fields without notice.
"""

from __future__ import annotations

from skill.spotify.models.catalog import (
    Album,
    Artist,
    Episode,
    Image,
    Me,
    Paging,
    Playable,
    Playlist,
    PlaylistEntry,
    SavedTrack,
    SearchResult,
    Track,
    User,
    parse_playable,
)
from skill.spotify.models.player import (
    Context,
    Device,
    PlaybackState,
    PlayHistory,
    Queue,
    RecentlyPlayed,
)

__all__ = [
    "Album",
    "Artist",
    "Context",
    "Device",
    "Episode",
    "Image",
    "Me",
    "Paging",
    "PlayHistory",
    "Playable",
    "PlaybackState",
    "Playlist",
    "PlaylistEntry",
    "Queue",
    "RecentlyPlayed",
    "SavedTrack",
    "SearchResult",
    "Track",
    "User",
    "parse_playable",
]
