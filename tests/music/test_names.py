"""The one name normalisation: a table of known troublemakers, versions and markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.music.names import (
    Aliases,
    aliases,
    compact,
    core_title,
    normalize,
    search_forms,
    split_version,
    spotify_playlist,
    version_markers,
)

# (spoken or typed, catalog spelling): both sides must normalise to the same text
SAME = [
    ("beyonce", "Beyoncé"),
    ("motorhead", "Motörhead"),
    ("tiesto", "Tiësto"),
    ("bjork", "Björk"),
    ("maneskin", "Måneskin"),
    ("motley crue", "Mötley Crüe"),
    ("rosalia", "ROSALÍA"),
    ("sigur ros", "Sigur Rós"),
    ("sofia reyes", "Sofía Reyes"),
    ("pink", "P!nk"),
    ("kesha", "Ke$ha"),
    ("suicideboys", "$uicideboy$"),
    ("asap rocky", "A$AP Rocky"),
    ("the weekend", "The Weeknd"),
    ("tupac", "2Pac"),
    ("guns and roses", "Guns N' Roses"),
    ("rock and roll", "Rock 'n' Roll"),
    ("simon and garfunkel", "Simon & Garfunkel"),
    ("florence and the machine", "Florence + The Machine"),
    ("earth wind and fire", "Earth, Wind & Fire"),
    ("panic at the disco", "Panic! At The Disco"),
    ("dont stop me now", "Don't Stop Me Now"),
    ("mister brightside", "Mr. Brightside"),
    ("doctor dre", "Dr. Dre"),
    ("r e m", "R.E.M."),
    ("twenty two", "22"),
    ("five oh five", "505"),
    ("two thousand two", "2002"),
    ("twenty oh two", "2002"),
    ("nineteen eighty nine", "1989"),
    ("twenty one", "21"),
    ("twenty five", "25"),
    ("three hundred sixty", "360"),
    ("seven rings", "7 rings"),
    ("twenty first century breakdown", "21st Century Breakdown"),
    ("the twenty fifth annual", "The 25th Annual"),
    ("the b fifty twos", "The B-52's"),
    ("the nineteen seventy five", "The 1975"),
    ("blink one eighty two", "blink-182"),
    ("rocky two", "Rocky II"),
    ("part two", "Pt. II"),
    ("ray parker jr", "Ray Parker, Jr."),
    ("gangnam style", "GANGNAM STYLE"),
]


@pytest.mark.parametrize(("spoken", "catalog"), SAME)
def test_spoken_and_catalog_names_normalise_alike(spoken: str, catalog: str) -> None:
    assert normalize(spoken) == normalize(catalog)


@pytest.mark.parametrize(
    ("spoken", "catalog"),
    [("a c d c", "AC/DC"), ("jay z", "Jay-Z"), ("blink 182", "Blink 182"), ("acdc", "AC/DC")],
)
def test_letters_spoken_apart_meet_in_the_compact_form(spoken: str, catalog: str) -> None:
    assert compact(spoken) == compact(catalog)


def test_normalize_examples() -> None:
    assert normalize("  Beyoncé  ") == "beyonce"
    assert normalize("a c d c") == normalize("acdc") == "ac dc"  # letters joined, then the alias
    assert normalize("AC/DC") == "ac dc"
    assert normalize("the weekend blinding lights") == "the weeknd blinding lights"
    assert normalize("Клетка") == "клетка"
    assert normalize("ライラック") == "ライラック"
    assert normalize("Gangnam Style (강남스타일)") == "gangnam style 강남스타일"
    assert normalize("NA") == "na"
    assert normalize("") == ""
    assert normalize("!!!") == ""


def test_numbers_that_are_not_years_stay_cardinals() -> None:
    assert normalize("twenty two") == "22"
    assert normalize("one hundred and six") == "106"
    assert normalize("nineteen") == "19"
    assert normalize("twenty twenty two") == "2022"
    assert normalize("nineteen hundred") == "1900"
    assert normalize("nineteen oh five") == "1905"
    assert normalize("four five") == "4 5"  # two numbers, not forty five


def test_single_letters_are_not_joined_with_words() -> None:
    assert normalize("I Will Always Love You") == "i will always love you"
    assert normalize("Plan B") == "plan b"
    assert normalize("Lil Nas X") == "lil nas x"


def test_roman_numerals_need_two_letters() -> None:
    assert normalize("Rocky IV") == "rocky 4"
    assert normalize("I") == "i"
    assert normalize("V for Vendetta") == "v for vendetta"
    assert normalize("Mix") == "mix"


@pytest.mark.parametrize(
    ("title", "core", "version"),
    [
        ("Bohemian Rhapsody - Remastered 2011", "Bohemian Rhapsody", "Remastered 2011"),
        ("Don't Stop Believin' (2022 Remaster)", "Don't Stop Believin'", "2022 Remaster"),
        ("A Little Respect (Remastered 2009)", "A Little Respect", "Remastered 2009"),
        ("The Man Who Sold The World - Live", "The Man Who Sold The World", "Live"),
        ("Lost in the Fire (feat. The Weeknd)", "Lost in the Fire", "feat. The Weeknd"),
        ("Timeless (with Playboi Carti)", "Timeless", "with Playboi Carti"),
        ("Song ft. Somebody", "Song", "ft. Somebody"),
        ("(I Can't Get No) Satisfaction", "(I Can't Get No) Satisfaction", ""),
        ("( )", "( )", ""),
        ("Svefn-g-englar", "Svefn-g-englar", ""),
        ("Blinding Lights", "Blinding Lights", ""),
    ],
)
def test_split_version(title: str, core: str, version: str) -> None:
    assert split_version(title) == (core, version)
    assert core_title(title) == core


@pytest.mark.parametrize(
    ("title", "kwargs", "expected"),
    [
        ("Bohemian Rhapsody - Remastered 2011", {}, {"remaster"}),
        ("Rumours (Super Deluxe)", {}, {"edition"}),
        ("Nevermind (20th Anniversary Edition)", {}, {"edition"}),
        ("Abbey Road (Remastered)", {}, {"remaster"}),
        ("Born in the U.S.A. - Expanded Edition", {}, {"edition"}),
        ("Deluxe", {}, set()),
        ("Bohemian Rhapsody - Live Aid", {}, {"live"}),
        ("Bohemian Rhapsody (Karaoke Version)", {}, {"karaoke"}),
        ("Bohemian Rhapsody - In the Style of Queen", {}, {"karaoke"}),
        ("Blinding Lights - Instrumental", {}, {"instrumental"}),
        ("Blinding Lights (Sped Up)", {}, {"sped_up"}),
        ("Blinding Lights - Slowed + Reverb", {}, {"slowed"}),
        ("Hello (Acoustic)", {}, {"acoustic"}),
        ("Hello - Demo", {}, {"demo"}),
        ("Titanium - David Guetta Remix", {}, {"remix"}),
        ("Levels - Extended Mix", {}, {"remix"}),
        ("Live Forever", {}, set()),
        ("Live and Let Die", {}, set()),
        ("Karaoke", {}, {"karaoke"}),
        ("Bohemian Rhapsody", {"album": "Live Killers"}, {"live"}),
        ("Bohemian Rhapsody", {"album": "Live at Wembley '86"}, {"live"}),
        ("Bohemian Rhapsody", {"album": "A Night At The Opera"}, set()),
        ("Bohemian Rhapsody", {"album": "A Tribute to Queen"}, {"tribute"}),
        ("Hello", {"artists": ["Karaoke Hits Band"]}, {"karaoke"}),
        ("Hello", {"artists": ["The Tribute Crew"]}, {"tribute"}),
        ("bohemian rhapsody live", {"whole": True}, {"live"}),
        ("blinding lights sped up", {"whole": True}, {"sped_up"}),
        ("blinding lights", {"whole": True}, set()),
    ],
)
def test_version_markers(title: str, kwargs: dict[str, object], expected: set[str]) -> None:
    assert version_markers(title, **kwargs) == frozenset(expected)  # type: ignore[arg-type]


def test_search_forms_spell_aliases_and_numbers_for_the_engine() -> None:
    assert search_forms("the weekend blinding lights") == [
        "The Weeknd blinding lights",
        "the weekend blinding lights",
    ]
    assert search_forms("twenty two") == ["twenty two", "22"]
    assert search_forms("Beyoncé") == ["beyonce"]
    assert search_forms("tupac changes") == ["2Pac changes", "tupac changes"]
    assert search_forms("a c d c") == ["AC/DC", "a c d c", "acdc"]  # the alias "acdc"
    assert search_forms("pink") == ["P!nk", "pink"]
    assert search_forms("pink floyd") == ["pink floyd"]
    assert search_forms("seventies classic rock") == ["seventies classic rock", "70s classic rock"]
    assert search_forms("...") == []


def test_the_alias_table_loads_and_rejects_bad_shapes(tmp_path: Path) -> None:
    table = aliases()
    assert ("the", "weeknd") in table.spelled
    bad = tmp_path / "aliases.yaml"
    bad.write_text("The Weeknd: the weekend\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected"):
        Aliases.load(bad)
    custom = Aliases.from_mapping({"Discover Weekly": ["discovery weekly"]})
    words, hits = custom.apply(["play", "discovery", "weekly"])
    assert words == ["play", "discover", "weekly"]
    assert hits == [(1, 3, "Discover Weekly")]


def test_asked_versions_lead_or_trail() -> None:
    from skill.music.names import asked_version

    assert asked_version("bohemian rhapsody live") == ("bohemian rhapsody", {"live"})
    assert asked_version("the live version of bohemian rhapsody") == (
        "bohemian rhapsody",
        {"live"},
    )
    assert asked_version("a slowed down version of blinding lights") == (
        "blinding lights",
        {"slowed"},
    )
    assert asked_version("blinding lights sped up") == ("blinding lights", {"sped_up"})
    assert asked_version("hello karaoke version") == ("hello", {"karaoke"})
    assert asked_version("live forever") == ("live forever", frozenset())
    assert asked_version("live") == ("live", frozenset())
    assert asked_version("the version of me") == ("the version of me", frozenset())


def test_asked_editions() -> None:
    """In an album request edition words ask for an edition; words that only qualify one
    ("anniversary", "expanded") count only before an edition word, so "happy anniversary"
    is a title. A song request keeps them in its title."""
    from functools import partial

    from skill.music import names

    assert names.asked_version("the deluxe version of rumours")[1] == frozenset()
    assert names.asked_version("rumours super deluxe")[1] == frozenset()
    asked_version = partial(names.asked_version, editions=True)
    edition = frozenset({"edition"})
    assert asked_version("rumours super deluxe") == ("rumours", edition)
    assert asked_version("rumours deluxe edition") == ("rumours", edition)
    assert asked_version("the deluxe version of rumours") == ("rumours", edition)
    assert asked_version("the expanded edition of born in the usa") == ("born in the usa", edition)
    assert asked_version("nevermind twentieth anniversary edition") == ("nevermind", edition)
    assert asked_version("nevermind 20th anniversary edition") == ("nevermind", edition)
    assert asked_version("abbey road remastered") == ("abbey road", {"remaster"})
    assert asked_version("happy anniversary") == ("happy anniversary", frozenset())
    assert asked_version("deluxe") == ("deluxe", frozenset())


def test_a_slot_with_nothing_searchable_is_no_name() -> None:
    """Control characters or punctuation alone never reach the search as an empty query."""
    from skill.music.media import MediaRequest

    request = MediaRequest.from_slots({"query": "\u0082", "track": "!!!", "artist": "queen"})
    assert (request.query, request.track, request.artist) == (None, None, "queen")


def test_spotifys_own_playlists_by_name() -> None:
    """The parser's list of Spotify's own playlists, compared in the one normalisation."""
    for name in ("release radar", "Release Radar", "today's top hits", "my daily mix 2",
                 "RapCaviar", "all out eighties", "the peaceful piano"):
        assert spotify_playlist(name), name
    for name in ("road trip", "dinner party", "my road trip", "release"):
        assert not spotify_playlist(name), name
