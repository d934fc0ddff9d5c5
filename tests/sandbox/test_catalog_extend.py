"""Extending a catalog with rows (``POST /control/world {"tracks": [...]}``) and searching it."""

from __future__ import annotations

import csv
import gc
import weakref
from pathlib import Path

import pytest

from skill.sandbox.catalog import Catalog, derive_id
from skill.sandbox.search import SearchIndex

FIXTURES = Path(__file__).parent / "fixtures"
WEEKND = "1Xyo4u8uXC1ZmMpatF05PJ"


def row(track_id: str, name: str, artists: str, album: str, popularity: int = 50) -> dict[str, str]:
    return {
        "track_id": track_id,
        "track_name": name,
        "artist_names": artists,
        "album_name": album,
        "release_year": "2016",
        "duration_ms": "200000",
        "popularity": str(popularity),
        "explicit": "false",
        "genres": "pop",
    }


@pytest.fixture(scope="module")
def base() -> Catalog:
    with (FIXTURES / "tracks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (FIXTURES / "artists.csv").open(encoding="utf-8", newline="") as handle:
        artists = list(csv.DictReader(handle))
    return Catalog.from_rows(rows, artists=artists)


def test_names_resolve_against_the_catalog(base: Catalog) -> None:
    after_hours = base.tracks["0VjIjW4GlUZAMYd2vXMi3b"].album_id  # an id-less album
    grown = base.extended(
        [row("0ExtAfterHoursBonus001", "Bonus Track", "The Weeknd", "After Hours")]
    )
    track = grown.tracks["0ExtAfterHoursBonus001"]
    assert track.artist_ids == (WEEKND,)
    assert track.album_id == after_hours
    album = grown.albums[after_hours]
    assert album.track_ids[:-1] == base.albums[after_hours].track_ids
    assert track.track_number == len(album.track_ids)
    assert "0ExtAfterHoursBonus001" in grown.artist_track_ids(WEEKND)
    assert len(base.tracks) + 1 == len(grown.tracks)
    assert "0ExtAfterHoursBonus001" not in base.tracks  # the original is untouched
    # "Starboy" names two real albums of The Weeknd: ambiguous, so a new one is derived.
    other = base.extended([row("0ExtStarboyBonusAaaa01", "Bonus", "The Weeknd", "Starboy")])
    assert other.tracks["0ExtStarboyBonusAaaa01"].album_id == derive_id(
        "album", "starboy", "the weeknd"
    )


def test_new_artists_and_albums_get_derived_ids(base: Catalog) -> None:
    grown = base.extended(
        [row("0ExtNewArtistAaaaaa001", "Quiet Harbour", "Ada Brightwater", "Salt Roads")]
    )
    track = grown.tracks["0ExtNewArtistAaaaaa001"]
    assert track.artist_ids == (derive_id("artist", "Ada Brightwater"),)
    assert grown.artists[track.artist_ids[0]].name == "Ada Brightwater"
    assert grown.albums[track.album_id].name == "Salt Roads"


def test_extending_twice_keeps_one_root(base: Catalog) -> None:
    once = base.extended(
        [row("0ExtOnceAaaaaaaaaaaa01", "First Light", "Ada Brightwater", "Salt Roads")]
    )
    twice = once.extended(
        [row("0ExtTwiceAaaaaaaaaaa02", "Second Light", "Ada Brightwater", "Salt Roads")]
    )
    assert twice.root is base and once.root is base
    assert {"0ExtOnceAaaaaaaaaaaa01", "0ExtTwiceAaaaaaaaaaa02"} <= set(twice.tracks)
    album = twice.albums[twice.tracks["0ExtTwiceAaaaaaaaaaa02"].album_id]
    assert [twice.tracks[t].track_number for t in album.track_ids] == [1, 2]


def test_search_merges_the_root_index_and_the_additions(base: Catalog) -> None:
    root_index = SearchIndex.for_catalog(base)
    grown = base.extended(
        [
            row("0ExtBlindingRemixAa001", "Blinding Lights - Remix", "The Weeknd", "Remixes", 99),
            row("0ExtBlindingCoverAa002", "Blinding Lights", "Nobody Famous", "Covers", 1),
        ]
    )
    index = SearchIndex.for_catalog(grown)
    assert index.base is root_index
    hits = index.search("blinding lights", "track", limit=10)
    assert (
        hits.total
        == SearchIndex.for_catalog(base).search("blinding lights", "track", limit=10).total + 2
    )
    assert hits.ids[0] == "0ExtBlindingRemixAa001"  # most popular of the best-matching bucket
    assert "0ExtBlindingCoverAa002" in hits.ids
    paged = [index.search("blinding lights", "track", limit=2, offset=o).ids for o in (0, 2, 4)]
    assert [i for page in paged for i in page] == hits.ids[:6]
    artists = index.search("nobody famous", "artist", limit=5)
    assert [grown.artists[i].name for i in artists.ids] == ["Nobody Famous"]
    assert index.search("remixes", "album", limit=5).total == 1


def test_a_replaced_track_is_found_under_its_new_name_only(base: Catalog) -> None:
    grown = base.extended(
        [row("0sf12qNH5qcw8qpgymFOqD", "Renamed Song", "The Weeknd", "Renamed Single", 98)]
    )
    index = SearchIndex.for_catalog(grown)
    assert "0sf12qNH5qcw8qpgymFOqD" not in index.search("blinding lights", "track", limit=10).ids
    assert index.search("renamed song", "track", limit=5).ids == ["0sf12qNH5qcw8qpgymFOqD"]


def test_indexes_of_dropped_catalogs_are_released(base: Catalog) -> None:
    grown = base.extended([row("0ExtGoneAaaaaaaaaaaaa1", "Gone Soon", "Ada Brightwater", "X")])
    index = SearchIndex.for_catalog(grown)
    assert index.catalog is grown
    ref = weakref.ref(grown)
    del grown
    gc.collect()
    assert ref() is None and index.catalog is None
