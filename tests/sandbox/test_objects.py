"""Spotify JSON objects built from the catalog validate against the vendored OpenAPI schemas."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from skill.sandbox import objects
from skill.sandbox.catalog import Catalog
from skill.sandbox.world import Playlist, PlaylistEntry, User
from tests.sandbox import contract

FIXTURES = Path(__file__).parent / "fixtures"
API = "http://127.0.0.1:8900/v1"
DEV_REMOVED = {"popularity", "available_markets", "linked_from", "followers", "genres"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with (FIXTURES / "tracks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (FIXTURES / "artists.csv").open(encoding="utf-8", newline="") as handle:
        artists = list(csv.DictReader(handle))
    return Catalog.from_rows(rows, artists=artists)


def validate(instance: Any, schema_name: str) -> None:
    schema = {"$ref": f"{contract.SPEC_URI}#/components/schemas/{schema_name}"}
    validator = jsonschema.Draft7Validator(schema, registry=contract._registry())
    errors = list(validator.iter_errors(instance))
    assert not errors, f"{schema_name}: {errors[0].message} at {list(errors[0].path)}"


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize("dev_mode", [True, False])
def test_track_objects(catalog: Catalog, dev_mode: bool) -> None:
    for track in catalog.tracks.values():
        full = objects.track_object(catalog, track, api=API, dev_mode=dev_mode)
        validate(full, "TrackObject")
        validate(
            objects.simplified_track(catalog, track, api=API, dev_mode=dev_mode),
            "SimplifiedTrackObject",
        )
        assert full["uri"] == f"spotify:track:{track.id}"
        assert full["href"] == f"{API}/tracks/{track.id}"
        assert full["album"]["href"] == f"{API}/albums/{track.album_id}"
        assert [a["name"] for a in full["artists"]] == list(track.artist_names)
        assert bool(_keys(full) & DEV_REMOVED) is not dev_mode


def test_extended_track_carries_popularity(catalog: Catalog) -> None:
    track = catalog.tracks["0sf12qNH5qcw8qpgymFOqD"]
    obj = objects.track_object(catalog, track, api=API, dev_mode=False)
    assert obj["popularity"] == 98
    assert obj["album"]["available_markets"]
    assert obj["explicit"] is False  # unknown reads as false, as the spec says


@pytest.mark.parametrize("dev_mode", [True, False])
def test_album_objects(catalog: Catalog, dev_mode: bool) -> None:
    for album in catalog.albums.values():
        full = objects.album_object(catalog, album, api=API, dev_mode=dev_mode)
        validate(full, "AlbumObject")
        discography = objects.simplified_album(
            catalog, album, api=API, dev_mode=dev_mode, group=True
        )
        validate(discography, "ArtistDiscographyAlbumObject")
        assert ("album_group" in discography) is not dev_mode
        assert ("popularity" in full) is not dev_mode
        assert full["total_tracks"] == len(album.track_ids) == full["tracks"]["total"]
        numbers = [t["track_number"] for t in full["tracks"]["items"]]
        assert numbers == list(range(1, len(numbers) + 1))


def test_album_types(catalog: Catalog) -> None:
    single = catalog.albums[catalog.tracks["0sf12qNH5qcw8qpgymFOqD"].album_id]
    assert objects.album_type(catalog, single) == "single"
    after_hours = catalog.albums[catalog.tracks["0VjIjW4GlUZAMYd2vXMi3b"].album_id]
    assert objects.album_type(catalog, after_hours) == "album"
    unknown_year = next(a for a in catalog.albums.values() if a.release_year is None)
    assert (
        objects.simplified_album(catalog, unknown_year, api=API, dev_mode=True)["release_date"]
        == "0000"
    )


@pytest.mark.parametrize("dev_mode", [True, False])
def test_artist_objects(catalog: Catalog, dev_mode: bool) -> None:
    for artist in catalog.artists.values():
        obj = objects.artist_object(artist, api=API, dev_mode=dev_mode)
        validate(obj, "ArtistObject")
        assert ("followers" in obj) is not dev_mode
        assert ("genres" in obj) is not dev_mode
    weeknd = objects.artist_object(
        catalog.artists["1Xyo4u8uXC1ZmMpatF05PJ"], api=API, dev_mode=False
    )
    assert weeknd["followers"]["total"] > 1_000_000 and weeknd["popularity"] == 96


@pytest.mark.parametrize("dev_mode", [True, False])
def test_playlist_objects(catalog: Catalog, dev_mode: bool) -> None:
    owner = User(id="demo", display_name="Demo Household")
    playlist = Playlist(
        id="3cEYpjA9oz9GiPac4AsH4n",
        name="Road Trip",
        owner_id="demo",
        entries=[
            PlaylistEntry("spotify:track:0sf12qNH5qcw8qpgymFOqD", 1_700_000_000.0, "demo"),
            PlaylistEntry("spotify:track:0000000000000000000000", 1_700_000_001.0, "demo"),
        ],
        followers={"guest"},
    )
    simple = objects.simplified_playlist(playlist, owner, api=API, dev_mode=dev_mode)
    validate(simple, "SimplifiedPlaylistObject")
    assert simple["items"] == {"href": f"{API}/playlists/{playlist.id}/items", "total": 2}
    assert ("tracks" in simple) is not dev_mode
    full = objects.playlist_object(
        catalog, playlist, owner, api=API, dev_mode=dev_mode, with_items=True
    )
    validate(full, "PlaylistObject")
    entries = full["items"]["items"]
    assert entries[0]["item"]["id"] == "0sf12qNH5qcw8qpgymFOqD"
    assert entries[0]["added_at"] == "2023-11-14T22:13:20Z"
    assert entries[1]["item"] is None  # unknown track: null, as Spotify sends unavailable ones
    assert ("track" in entries[0]) is not dev_mode
    assert full["owner"]["display_name"] == "Demo Household"
    assert full["followers"]["total"] == 1
    metadata_only = objects.playlist_object(
        catalog, playlist, owner, api=API, dev_mode=dev_mode, with_items=False
    )
    validate(metadata_only, "PlaylistObject")
    assert "items" not in metadata_only and "tracks" not in metadata_only


def test_paging_links() -> None:
    page = objects.paging(
        f"{API}/search",
        [{}] * 5,
        total=12,
        limit=5,
        offset=5,
        extra=[("query", "abba gold"), ("type", "track")],
    )
    validate(page, "PagingObject")
    assert page["href"] == f"{API}/search?offset=5&limit=5&query=abba+gold&type=track"
    assert page["next"] == f"{API}/search?offset=10&limit=5&query=abba+gold&type=track"
    assert page["previous"] == f"{API}/search?offset=0&limit=5&query=abba+gold&type=track"
    last = objects.paging(f"{API}/me/tracks", [], total=12, limit=5, offset=10)
    assert last["next"] is None and last["previous"] == f"{API}/me/tracks?offset=5&limit=5"
    first = objects.paging(f"{API}/me/tracks", [], total=3, limit=5, offset=0)
    assert first["next"] is None and first["previous"] is None
