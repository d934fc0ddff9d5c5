"""The catalog model: ids, albums, artists, playlists, loading and its cache."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import pytest

from skill.sandbox.catalog import TRACK_COLUMNS, Catalog, default_catalog_path, derive_id

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(name: str = "tracks.csv") -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_rows(_rows(), artists=_rows("artists.csv"))


def test_fixture_has_the_catalog_columns() -> None:
    assert tuple(_rows()[0]) == TRACK_COLUMNS


def test_derived_ids_are_stable_base62() -> None:
    first = derive_id("artist", "Revelries")
    assert first == derive_id("artist", "Revelries")
    assert first != derive_id("artist", "Victoria Voss")
    assert len(first) == 22 and first.isalnum() and first.isascii()


def test_real_ids_are_kept(catalog: Catalog) -> None:
    track = catalog.track("0sf12qNH5qcw8qpgymFOqD")
    assert track is not None
    assert track.name == "Blinding Lights"
    assert track.artist_ids == ("1Xyo4u8uXC1ZmMpatF05PJ",)
    assert track.album_id == "2ZfHkwHuoAZrlz7RMj0PDz"
    assert track.popularity == 98
    assert track.release_year == 2019


def test_artist_slot_without_id_takes_the_unique_real_id_of_that_name(catalog: Catalog) -> None:
    # Starboy: "The Weeknd;Daft Punk" with only The Weeknd's id in the row.
    starboy = catalog.track("7MXVkk9YMctZqd1Srtv4MB")
    assert starboy is not None
    assert starboy.artist_names == ("The Weeknd", "Daft Punk")
    weeknd, daft_punk = starboy.artist_ids
    assert weeknd == "1Xyo4u8uXC1ZmMpatF05PJ"
    one_more_time = catalog.track("0DiWol3AO6WpXZgp0goxAV")
    assert one_more_time is not None
    assert daft_punk == one_more_time.artist_ids[0]
    artist = catalog.artist(daft_punk)
    assert artist is not None and artist.name == "Daft Punk"


def test_unknown_artists_get_derived_ids_and_aggregated_facts(catalog: Catalog) -> None:
    cover = catalog.track("0wI0S42Cg41DVGqIIVimTM")
    assert cover is not None
    assert cover.artist_ids == (
        derive_id("artist", "Revelries"),
        derive_id("artist", "Victoria Voss"),
    )
    artist = catalog.artist(cover.artist_ids[0])
    assert artist is not None
    assert artist.name == "Revelries"
    assert artist.popularity == cover.popularity
    assert artist.followers == 0
    assert set(artist.genres) <= set(cover.genres)


def test_known_artists_take_their_artists_csv_facts(catalog: Catalog) -> None:
    weeknd = catalog.artist("1Xyo4u8uXC1ZmMpatF05PJ")
    assert weeknd is not None
    assert weeknd.name == "The Weeknd"
    assert weeknd.followers > 1_000_000
    assert "canadian pop" in weeknd.genres


def test_albums_group_tracks_in_a_deterministic_order(catalog: Catalog) -> None:
    # "News Of The World (2011 Remaster)" has a real id and two of its tracks in the fixture.
    album = catalog.album("7tB40pGzj6Tg0HePj2jWZt") or next(
        a for a in catalog.albums.values() if a.name.startswith("News Of The World")
    )
    assert len(album.track_ids) == 2
    numbers = [catalog.tracks[t].track_number for t in album.track_ids]
    assert numbers == [1, 2]
    assert Catalog.from_rows(reversed(_rows())).albums[album.id].track_ids == album.track_ids


def test_a_track_named_like_its_album_is_track_one(catalog: Catalog) -> None:
    ids = [t.album_id for t in catalog.tracks.values() if t.name == "Ace of Spades"]
    for album_id in set(ids):
        album = catalog.albums[album_id]
        assert catalog.tracks[album.track_ids[0]].name == "Ace of Spades"


def test_rows_without_album_id_form_albums_by_name_and_primary_artist(catalog: Catalog) -> None:
    kind_of_blue = [a for a in catalog.albums.values() if a.name == "Kind Of Blue"]
    assert len(kind_of_blue) == 1
    assert len(kind_of_blue[0].track_ids) == 3
    assert kind_of_blue[0].id == derive_id("album", "kind of blue", "miles davis")
    davis = catalog.tracks[kind_of_blue[0].track_ids[0]].artist_ids[0]
    assert kind_of_blue[0].artist_ids == (davis,)


def test_artist_tracks_most_popular_first_and_albums_newest_first(catalog: Catalog) -> None:
    weeknd = "1Xyo4u8uXC1ZmMpatF05PJ"
    track_ids = catalog.artist_track_ids(weeknd)
    assert track_ids[0] == "0sf12qNH5qcw8qpgymFOqD"
    pops = [catalog.tracks[t].popularity for t in track_ids]
    assert pops == sorted(pops, reverse=True)
    assert "7MXVkk9YMctZqd1Srtv4MB" in track_ids  # Starboy, first credit
    years = [catalog.albums[a].release_year or 0 for a in catalog.artist_album_ids(weeknd)]
    assert years == sorted(years, reverse=True)
    assert catalog.artist_track_ids("nope") == [] and catalog.artist_album_ids("nope") == []


def test_titles_that_look_like_missing_values_are_kept(catalog: Catalog) -> None:
    na = catalog.track("4UVsqRoSys14kMLBfpJDTQ")
    assert na is not None and na.name == "NA" and na.artist_names == ("HWASA",)
    nayeon = catalog.track("0V2passWyAXnON67kfAj7y")
    assert nayeon is not None and catalog.albums[nayeon.album_id].name == "NA"


def test_explicit_flags(catalog: Catalog) -> None:
    assert catalog.tracks["4OSBTYWVwsQhGLF9NHvIbR"].explicit is True  # Rolling in the Deep
    assert catalog.tracks["0sf12qNH5qcw8qpgymFOqD"].explicit is None  # TidyTuesday only: unknown
    assert catalog.tracks["2LBqCSwhJGcFQeTHMVGwy3"].explicit is False  # Die For You
    assert all(
        isinstance(t.duration_ms, int) and t.duration_ms > 0 for t in catalog.tracks.values()
    )


def test_playlists_keep_only_known_tracks() -> None:
    playlists = [
        {
            "id": "37i9dQZF1DXcZDD7cfEKhW",
            "name": "Pop Remix",
            "genre": "pop",
            "subgenre": "dance pop",
            "track_ids": [
                "0sf12qNH5qcw8qpgymFOqD",
                "notInTheCatalog0000000",
                "7MXVkk9YMctZqd1Srtv4MB",
            ],
        }
    ]
    catalog = Catalog.from_rows(_rows(), playlists)
    playlist = catalog.playlists["37i9dQZF1DXcZDD7cfEKhW"]
    assert playlist.track_ids == ("0sf12qNH5qcw8qpgymFOqD", "7MXVkk9YMctZqd1Srtv4MB")
    assert (playlist.genre, playlist.subgenre) == ("pop", "dance pop")


def _write_gz(path: Path, text: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)


def test_load_reads_sidecars_and_caches(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _write_gz(data / "tracks.csv.gz", (FIXTURES / "tracks.csv").read_text(encoding="utf-8"))
    _write_gz(data / "artists.csv.gz", (FIXTURES / "artists.csv").read_text(encoding="utf-8"))
    line = {
        "id": "p1",
        "name": "Mix",
        "genre": "pop",
        "subgenre": "x",
        "track_ids": ["0sf12qNH5qcw8qpgymFOqD"],
    }
    _write_gz(data / "playlists.jsonl.gz", json.dumps(line) + "\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    first = Catalog.load(data / "tracks.csv.gz", cache_dir=cache)
    assert len(first) == 66 and list(first.playlists) == ["p1"]
    assert first.artists["1Xyo4u8uXC1ZmMpatF05PJ"].followers > 0
    assert len(list(cache.glob("catalog-*.pkl"))) == 1
    second = Catalog.load(data / "tracks.csv.gz", cache_dir=cache)
    assert second.tracks == first.tracks and second.albums == first.albums
    assert second.artist_track_ids("1Xyo4u8uXC1ZmMpatF05PJ") == first.artist_track_ids(
        "1Xyo4u8uXC1ZmMpatF05PJ"
    )
    # A changed input is a new cache key, never a stale hit.
    shutil.copy(FIXTURES / "tracks.csv", data / "plain.csv")
    plain = Catalog.load(data / "plain.csv", cache_dir=cache)
    assert len(plain) == 66 and len(list(cache.glob("catalog-*.pkl"))) == 2


def test_load_survives_a_corrupt_cache(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "tracks.csv", tmp_path / "tracks.csv")
    cache = tmp_path / "cache"
    cache.mkdir()
    Catalog.load(tmp_path / "tracks.csv", cache_dir=cache)
    (pickled,) = cache.glob("catalog-*.pkl")
    pickled.write_bytes(b"not a pickle")
    assert len(Catalog.load(tmp_path / "tracks.csv", cache_dir=cache)) == 66


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="catalog file not found"):
        Catalog.load(tmp_path / "nope.csv")


def test_shipped_default_catalog(tmp_path: Path) -> None:
    assert default_catalog_path().is_file()
    catalog = Catalog.load(cache_dir=tmp_path)
    assert len(catalog) == 28352
    assert len(catalog.playlists) == 471
    assert all(len(p.track_ids) >= 1 for p in catalog.playlists.values())
    assert all(t.album_id in catalog.albums for t in catalog.tracks.values())
    assert all(a in catalog.artists for t in catalog.tracks.values() for a in t.artist_ids)
