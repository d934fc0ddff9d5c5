"""Helpers of the resolution tests (the sandbox and the linked user come from
``tests/music/conftest.py``: ``world`` and ``music``)."""

from __future__ import annotations

from typing import Any

from skill.music.resolve import Resolution

BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"
BOHEMIAN_RHAPSODY = "spotify:track:4u7EnebtmKWzUH433cf5Qv"


class FakeClock:
    """Monotonic time that moves only when told (cache expiry)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def row(
    track_id: str,
    name: str,
    artists: str,
    album: str,
    *,
    popularity: int = 50,
    genres: str = "pop",
    year: str = "2020",
) -> dict[str, Any]:
    """One catalog row for ``POST /control/world {"tracks": [...]}`` (ids are 22 base62)."""
    assert len(track_id) == 22, track_id
    return {
        "track_id": track_id,
        "track_name": name,
        "artist_names": artists,
        "album_name": album,
        "release_year": year,
        "duration_ms": "200000",
        "popularity": str(popularity),
        "explicit": "false",
        "genres": genres,
    }


# Two songs with one title by different artists, equally popular: too close to call.
SAME_TITLE = [
    row("0RsvTwinQuillmoreAaa01", "Quillmore Harbour", "Ada Brightwater", "Salt Roads"),
    row("0RsvTwinQuillmoreBbb02", "Quillmore Harbour", "The Fenwick Choir", "Low Lanterns"),
]
# The original and the versions nobody asks for by default.
VERSIONS = [
    row("0RsvVersOrigMarrowAa01", "Marrow Lantern", "Odessa Vane", "Night Glass", popularity=40),
    row("0RsvVersKaraMarrowAa02", "Marrow Lantern (Karaoke Version)", "Karaoke Hits Band",
        "Karaoke Hits 2020", popularity=70),
    row("0RsvVersLiveMarrowAa03", "Marrow Lantern - Live", "Odessa Vane", "Live at Vane Hall",
        popularity=65),
    row("0RsvVersSpedMarrowAa04", "Marrow Lantern - Sped Up", "Odessa Vane",
        "Marrow Lantern (Sped Up)", popularity=60),
]  # fmt: skip


# A title containing "by".
STAND_BY = [row("0RsvStandByTheWaterA01", "Stand by the Water", "Lumen Vale", "Tides")]
# One song twice: the single and the album version.
DUPLICATES = [
    row("0RsvDupSingleGlasshA01", "Glasshouse Hymn", "Perrin Ash", "Glasshouse Hymn"),
    row("0RsvDupAlbumGlasshoA02", "Glasshouse Hymn", "Perrin Ash", "Orchard Songs", popularity=45),
]
# One album in three editions; the plain one is the least popular.
EDITIONS = [
    row("0RsvEditPlainHarborA01", "Tin Lanterns", "Wren Calloway", "Harbor Glass",
        popularity=20),
    row("0RsvEditDeluxHarborA02", "Tin Lanterns", "Wren Calloway",
        "Harbor Glass (Deluxe Edition)", popularity=70),
    row("0RsvEditRemasHarborA03", "Tin Lanterns - 2015 Remaster", "Wren Calloway",
        "Harbor Glass (2015 Remaster)", popularity=60),
]  # fmt: skip
#: every fixture row, added in one go (each extension rebuilds the sandbox's search index)
ALL_ROWS = [*SAME_TITLE, *VERSIONS, *STAND_BY, *DUPLICATES, *EDITIONS]


def top(resolution: Resolution) -> str:
    best = resolution.best
    assert best is not None
    return best.uri


def explain(resolution: Resolution) -> str:
    """The candidates as a failing assertion should show them."""
    return "\n".join(
        f"{c.score:6.1f} {c.kind:<8} {c.label()} {c.uri} {c.reasons}"
        for c in resolution.candidates[:6]
    )
