"""The sandbox's search: query parsing, folding, matching and ranking."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from skill.sandbox.catalog import Catalog
from skill.sandbox.search import Doc, SearchIndex, search_docs
from skill.sandbox.search_query import core_title, fold, joined_token, parse_query, tokens

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_rows(_rows("tracks.csv"), artists=_rows("artists.csv"))


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> SearchIndex:
    return SearchIndex.for_catalog(catalog)


def names(catalog: Catalog, ids: list[str]) -> list[str]:
    return [catalog.tracks[i].name for i in ids]


# -- text -------------------------------------------------------------------------------


def test_fold_strips_diacritics_but_keeps_scripts() -> None:
    assert fold("Beyoncé") == "beyonce"
    assert fold("Motörhead") == "motorhead"
    assert fold("Sigur Rós") == "sigur ros"
    assert fold("ROSALÍA") == "rosalia"
    assert fold("Клетка") == "клетка"
    assert fold("강남스타일") == "강남스타일"
    assert fold("Don't Stop Me Now") == "dont stop me now"
    assert tokens("Simon & Garfunkel") == ["simon", "and", "garfunkel"]
    assert tokens("P!nk") == ["pink"] and tokens("Panic! At The Disco")[0] == "panic"


def test_joined_tokens_and_core_titles() -> None:
    assert joined_token("AC/DC") == "acdc"
    assert joined_token("Jay-Z") == "jayz"
    assert joined_token("The Weeknd") is None
    assert core_title("Bohemian Rhapsody - Remastered 2011") == "Bohemian Rhapsody"
    assert core_title("Timeless (with Playboi Carti)") == "Timeless"
    assert core_title("( )") == "( )"


def test_parse_free_words_and_filters() -> None:
    query = parse_query("remaster track:Doxy artist:Miles Davis")
    assert query.free == ("remaster",)
    assert query.fields == {"track": ("doxy",), "artist": ("miles", "davis")}
    quoted = parse_query('track:"Blue in Green" miles')
    assert quoted.fields == {"track": ("blue", "in", "green")}
    assert quoted.free == ("miles",)


def test_parse_years_tags_and_impossible_filters() -> None:
    assert parse_query("year:1955-1960").years == (1955, 1960)
    assert parse_query("year:1999").years == (1999, 1999)
    assert parse_query("year:1960-1955").years == (1955, 1960)
    assert parse_query("year:soon").impossible
    assert parse_query("isrc:USUM71703861").impossible
    assert parse_query("tag:hipster").tags == frozenset({"hipster"})
    assert parse_query("tag:new").impossible  # no release dates finer than a year
    assert parse_query("tag:weird").impossible
    assert parse_query("").empty


# -- tracks -----------------------------------------------------------------------------


def test_exact_title_and_artist(catalog: Catalog, index: SearchIndex) -> None:
    hits = index.search("blinding lights the weeknd", "track", limit=5)
    assert hits.ids[0] == "0sf12qNH5qcw8qpgymFOqD"  # the single, popularity 98
    assert hits.ids[1] == "0VjIjW4GlUZAMYd2vXMi3b"  # After Hours, popularity 88
    assert hits.total == 2


def test_title_alone_ranks_duplicates_and_covers_by_popularity(
    catalog: Catalog, index: SearchIndex
) -> None:
    hits = index.search("blinding lights", "track", limit=10)
    pops = [catalog.tracks[i].popularity for i in hits.ids]
    assert hits.total == 5 and pops == sorted(pops, reverse=True)


def test_one_typo_is_tolerated(catalog: Catalog, index: SearchIndex) -> None:
    for q in ("blindng lights weeknd", "blinding ligths weeknd", "blinding lights weekend"):
        assert index.search(q, "track", limit=3).ids[0] == "0sf12qNH5qcw8qpgymFOqD", q


def test_typos_are_not_used_when_exact_words_match(index: SearchIndex) -> None:
    # "halo" matches exactly, so "hale"/"hall" style neighbours are not pulled in.
    hits = index.search("halo", "track", limit=10)
    assert hits.total == 1


def test_prefix_matching(catalog: Catalog, index: SearchIndex) -> None:
    assert names(catalog, index.search("bohem rhaps", "track", limit=1).ids) == [
        "Bohemian Rhapsody - Remastered 2011"
    ]


def test_diacritics_are_folded_both_ways(catalog: Catalog, index: SearchIndex) -> None:
    assert names(catalog, index.search("beyonce halo", "track", limit=1).ids) == ["Halo"]
    assert names(catalog, index.search("Motörhead ace", "track", limit=1).ids) == ["Ace of Spades"]
    assert names(catalog, index.search("svefn sigur ros", "track", limit=1).ids) == [
        "Svefn-g-englar"
    ]


def test_non_latin_and_numeric_titles(catalog: Catalog, index: SearchIndex) -> None:
    assert names(catalog, index.search("ライラック", "track", limit=1).ids) == ["ライラック"]
    assert names(catalog, index.search("тоска", "track", limit=1).ids) == ["Тоска"]
    assert names(catalog, index.search("505 arctic monkeys", "track", limit=5).ids) == [
        "505",
        "505",
    ]
    assert names(catalog, index.search("NA hwasa", "track", limit=1).ids) == ["NA"]


def test_field_filters(catalog: Catalog, index: SearchIndex) -> None:
    starboy = index.search("track:starboy artist:daft punk", "track", limit=5)
    assert names(catalog, starboy.ids) == ["Starboy"]
    # "artist:" matches only artists: Queen's tracks, not ABBA's "Dancing Queen".
    queen = index.search("artist:queen", "track", limit=50)
    assert queen.total > 0 and all(catalog.tracks[i].artist_names[0] == "Queen" for i in queen.ids)
    by_album = index.search('album:"kind of blue"', "track", limit=10)
    assert by_album.total == 3
    assert {n.split(" (")[0] for n in names(catalog, by_album.ids)} == {
        "So What",
        "Freddie Freeloader",
        "Blue in Green",
    }


def test_year_filters(catalog: Catalog, index: SearchIndex) -> None:
    hits = index.search("year:2016-2017 artist:the weeknd", "track", limit=10)
    assert hits.total > 0
    assert all(2016 <= (catalog.tracks[i].release_year or 0) <= 2017 for i in hits.ids)
    only_year = index.search("year:2019", "track", limit=50)
    assert only_year.total == sum(1 for t in catalog.tracks.values() if t.release_year == 2019)
    assert index.search("year:1800", "track", limit=5).total == 0


def test_hipster_tag_keeps_the_least_popular_tenth(catalog: Catalog, index: SearchIndex) -> None:
    hits = index.search("tag:hipster", "album", limit=50)
    everyone = sorted(
        max(catalog.tracks[t].popularity for t in a.track_ids) for a in catalog.albums.values()
    )
    cutoff = everyone[len(everyone) // 10]
    assert hits.total >= len(everyone) // 10
    for album_id in hits.ids:
        assert (
            max(catalog.tracks[t].popularity for t in catalog.albums[album_id].track_ids) <= cutoff
        )
    assert index.search("tag:new", "album", limit=5).total == 0
    live = index.search("live tag:hipster", "track", limit=5)
    assert [catalog.tracks[i].name for i in live.ids] == ["Popplagið - Live"]


def test_genre_filter(catalog: Catalog, index: SearchIndex) -> None:
    hits = index.search('genre:"canadian pop"', "track", limit=50)
    assert hits.total > 0
    assert all("canadian pop" in catalog.tracks[i].genres for i in hits.ids)


def test_impossible_and_empty_queries_match_nothing(index: SearchIndex) -> None:
    assert index.search("isrc:USUM71703861", "track", limit=5).total == 0
    assert index.search("", "track", limit=5).total == 0
    assert index.search("zzzzqqqq", "track", limit=5).total == 0


def test_one_free_word_may_be_missing_when_nothing_matches_all(
    catalog: Catalog, index: SearchIndex
) -> None:
    hits = index.search("halo beyonce xylophone", "track", limit=5)
    assert names(catalog, hits.ids)[0] == "Halo"


def test_paging_is_stable(index: SearchIndex) -> None:
    everything = index.search("the weeknd", "track", limit=50)
    pages = [index.search("the weeknd", "track", limit=3, offset=o).ids for o in range(0, 15, 3)]
    assert [i for page in pages for i in page] == everything.ids[:15]
    assert index.search("the weeknd", "track", limit=5, offset=500).ids == []


# -- artists, albums, playlists ---------------------------------------------------------


def test_artist_search(catalog: Catalog, index: SearchIndex) -> None:
    hits = index.search("weeknd", "artist", limit=5)
    assert [catalog.artists[i].name for i in hits.ids] == ["The Weeknd"]
    assert index.search("artist:weeknd", "artist", limit=5).ids == hits.ids
    in_2016 = index.search("year:2016", "artist", limit=50)
    assert "1Xyo4u8uXC1ZmMpatF05PJ" in in_2016.ids  # The Weeknd: Starboy (2016)
    assert index.search("weeknd year:1970-1979", "artist", limit=5).total == 0
    kpop = index.search("genre:k-pop", "artist", limit=5)
    assert {catalog.artists[i].name for i in kpop.ids} == {"HWASA", "NAYEON"}
    assert catalog.artists[index.search("beyonce", "artist", limit=1).ids[0]].name == "Beyoncé"


def test_album_search(catalog: Catalog, index: SearchIndex) -> None:
    # The three "1989" rows share one album: two lacked an id and took the real one.
    hits = index.search("album:1989 artist:taylor swift", "album", limit=5)
    assert [catalog.albums[i].name for i in hits.ids] == ["1989"]
    assert len(catalog.albums[hits.ids[0]].track_ids) == 3
    assert index.search("album:1989 artist:adele", "album", limit=5).total == 0
    assert (
        catalog.albums[index.search("after hours", "album", limit=1).ids[0]].name == "After Hours"
    )


def test_search_docs_for_playlists() -> None:
    docs = [
        Doc("p1", 3, {"name": "Road Trip"}),
        Doc("p2", 10, {"name": "Dinner Jazz"}),
        Doc("p3", 1, {"name": "Jazz Classics"}),
    ]
    assert search_docs("jazz", docs, limit=5).ids == ["p2", "p3"]
    assert search_docs("roadtrip", docs, limit=5).ids == []
    assert search_docs("road trp", docs, limit=5).ids == ["p1"]


def test_index_of_a_loaded_catalog_is_cached_beside_it(tmp_path: Path) -> None:
    source = tmp_path / "tracks.csv"
    source.write_text((FIXTURES / "tracks.csv").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    first = Catalog.load(source, cache_dir=cache)
    assert first.cache_file is not None
    stale = first.cache_file.with_name(f"{first.cache_file.stem}.search-oldcode.pkl")
    stale.write_bytes(b"from older code")
    built = SearchIndex.for_catalog(first)
    (pickled,) = cache.glob("*.search-*.pkl")
    assert pickled != stale and not stale.exists()
    second = Catalog.load(source, cache_dir=cache)
    assert second is not first
    loaded = SearchIndex.for_catalog(second)
    assert loaded is not built and loaded.catalog is second
    for q in ("blindng lights weeknd", "artist:queen", "genre:k-pop"):
        assert loaded.search(q, "track", limit=10) == built.search(q, "track", limit=10)
    pickled.write_bytes(b"garbage")
    third = Catalog.load(source, cache_dir=cache)
    assert SearchIndex.for_catalog(third).search("halo", "track", limit=1).total == 1
