"""Scopes just in time: each feature declares what it needs; the link asks for the union.

A call whose scope the user did not grant fails before it is sent with
``insufficient_scope``, naming the missing scopes; the web layer adds an authorize URL that
asks for exactly what is missing (incremental consent).
"""

from __future__ import annotations

from collections.abc import Iterable

from skill.errors import InsufficientScope

#: feature -> scopes it needs (BEHAVIOR.md §2).
FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "playback_state": ("user-read-playback-state", "user-read-currently-playing"),
    "playback_control": ("user-modify-playback-state",),
    "recently_played": ("user-read-recently-played",),
    "playlists_read": ("playlist-read-private", "playlist-read-collaborative"),
    "playlists_modify": ("playlist-modify-private", "playlist-modify-public"),
    "library_read": ("user-library-read",),
    "library_modify": ("user-library-modify",),
}


def scopes_for(features: Iterable[str]) -> tuple[str, ...]:
    """The scopes a set of features needs, sorted and without repeats."""
    wanted: set[str] = set()
    for feature in features:
        if feature not in FEATURE_SCOPES:
            raise KeyError(f"unknown feature {feature!r}")
        wanted.update(FEATURE_SCOPES[feature])
    return tuple(sorted(wanted))


def missing_scopes(granted: Iterable[str], needed: Iterable[str]) -> tuple[str, ...]:
    have = set(granted)
    return tuple(sorted(s for s in set(needed) if s not in have))


def require_scopes(granted: Iterable[str], needed: Iterable[str]) -> None:
    """Raise ``InsufficientScope`` naming what is missing (before anything is sent)."""
    missing = missing_scopes(granted, needed)
    if missing:
        raise InsufficientScope(
            f"Spotify did not grant {', '.join(missing)}; allow it to use this.",
            details={"scope": missing[0], "missing_scopes": list(missing)},
        )
