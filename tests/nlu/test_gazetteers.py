"""The general-knowledge title lists: audiobooks, podcasts, stations, authors and playlists.

A bare "play X" whose X is in one of these lists gets a kind (audiobook, podcast, radio), so
an entry that is also a song, an artist, a genre or a mood would take music away. These tests
keep the lists clean and check a few parses through the real parser.
"""

from __future__ import annotations

import pytest

from skill.nlu import Parser
from skill.nlu.catalog_names import catalog_names
from skill.nlu.entities import phrase_key
from skill.nlu.pipeline import repo_root

ENTITIES = repo_root() / "data" / "entities"
TITLE_LISTS = (
    "audiobooks.txt", "podcasts.txt", "stations.txt", "authors.txt", "playlists.txt"
)

#: entries that are also a catalog song title or artist, kept because the book, show or
#: station sense dominates for a voice request (every other collision is dropped)
CATALOG_ALLOWED = {
    # Orwell; a school-reading classic ("play animal farm" in dev is the book)
    "animal farm",
    # Cervantes; the songs of that name are minor
    "don quixote",
    # Herbert's novel (and the films) far outweigh the artist "dune"
    "dune",
    # Mary Shelley; "frankenstein" the song is far less asked for than the book
    "frankenstein",
    # Dickens
    "oliver twist",
    # the epic poem
    "beowulf",
    # the NPR interview show with Terry Gross
    "fresh air",
    # SiriusXM: "play sirius" on a speaker means the satellite radio
    "sirius",
    # the author; a song title of that name is rare
    "stephen king",
    # Spotify's sleep and nature-sound playlists; the artists of those names are obscure
    "deep sleep",
    "nature sounds",
}

#: entries that can never match as written because the normaliser rewrites them (numbers
#: spoken as words are kept next to their digit form; these two have none that is useful)
UNREACHABLE_ALLOWED = {
    # the normaliser drops the trailing "now"; "the power of" alone is too vague to list
    "the power of now",
    # "spotify" is read as the service; "radio" alone is a kind, not a station
    "spotify radio",
}


def _entries(name: str) -> list[str]:
    lines = (ENTITIES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@pytest.mark.parametrize("name", TITLE_LISTS)
def test_no_duplicates(name: str) -> None:
    entries = _entries(name)
    dupes = sorted({entry for entry in entries if entries.count(entry) > 1})
    assert dupes == []


@pytest.mark.parametrize("name", TITLE_LISTS)
def test_entries_are_normalised(name: str) -> None:
    assert [e for e in _entries(name) if phrase_key(e) != e] == []


@pytest.mark.parametrize("name", TITLE_LISTS)
def test_entries_can_match(name: str, parser: Parser) -> None:
    """Each entry, as the normaliser reads it, is an entry of the same list ("the two towers"
    is heard as "the 2 towers", which must be listed too)."""
    entries = set(_entries(name))
    unreachable = [
        e
        for e in sorted(entries - UNREACHABLE_ALLOWED)
        if parser.normalizer.normalize(e).text not in entries
    ]
    assert unreachable == []


@pytest.mark.parametrize("name", TITLE_LISTS)
def test_not_a_genre_or_mood(name: str) -> None:
    music_words = {phrase_key(e) for f in ("genres.txt", "moods.txt") for e in _entries(f)}
    assert sorted(set(_entries(name)) & music_words) == []


@pytest.mark.parametrize("name", TITLE_LISTS)
def test_not_a_catalog_song_or_artist(name: str) -> None:
    names = catalog_names(ENTITIES)
    clashes = [
        e
        for e in _entries(name)
        if e not in CATALOG_ALLOWED and (names.title(e) is not None or names.artist(e) is not None)
    ]
    assert clashes == []


def test_allow_lists_are_in_use() -> None:
    everything = {e for name in TITLE_LISTS for e in _entries(name)}
    assert CATALOG_ALLOWED <= everything
    assert UNREACHABLE_ALLOWED <= everything


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("play the hunt for red october", "audiobook"),
        ("play harry potter and the prisoner of azkaban", "audiobook"),
        ("play atomic habits", "audiobook"),
        ("play the 7 habits of highly effective people", "audiobook"),
        ("play the two towers", "audiobook"),
        ("play a clash of kings", "audiobook"),
        ("play project hail mary", "audiobook"),
        ("play the great gatsby", "audiobook"),
        ("play crime junkie", "podcast"),
        ("play wait wait don't tell me", "podcast"),
        ("play pod save america", "podcast"),
        ("play my dad wrote a porno", "podcast"),
        ("play behind the bastards", "podcast"),
        ("put on howard stern", "radio"),
        ("play the rush limbaugh show", "radio"),
        ("play all things considered", "radio"),
        ("play triple j", "radio"),
        ("play bbc radio five live", "radio"),
        ("play coast to coast am", "radio"),
    ],
)
def test_known_titles_get_their_kind(parser: Parser, text: str, kind: str) -> None:
    assert parser.parse(text).to_dict()["slots"].get("kind") == kind


@pytest.mark.parametrize(
    ("text", "playlist"),
    [
        ("play todays top hits", "todays top hits"),
        ("play my daily mix 2", "daily mix 2"),
        ("play the playlist called top 40", "top 40"),
        ("play all out 80s in the kitchen", "all out 80s"),
        ("play songs to sing in the car", "songs to sing in the car"),
        ("put on my discover weekly", "discover weekly"),
    ],
)
def test_known_playlists_are_named_whole(parser: Parser, text: str, playlist: str) -> None:
    slots = parser.parse(text).to_dict()["slots"]
    assert (slots.get("playlist"), slots.get("kind")) == (playlist, "playlist")


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("play the hobbit by tolkien", "tolkien"),
        ("play the call of the wild by jack london", "jack london"),
        ("play the firm by john grisham", "john grisham"),
        ("play pride and prejudice by jane austen", "jane austen"),
    ],
)
def test_title_by_author_is_an_audiobook(parser: Parser, text: str, author: str) -> None:
    slots = parser.parse(text).to_dict()["slots"]
    assert slots.get("kind") == "audiobook"
    assert slots.get("artist") == author


@pytest.mark.parametrize(
    ("text", "artist"),
    [
        ("play thriller by michael jackson", "michael jackson"),
        ("play the wall by pink floyd", "pink floyd"),
        ("play wuthering heights by kate bush", "kate bush"),
    ],
)
def test_music_by_an_artist_stays_music(parser: Parser, text: str, artist: str) -> None:
    slots = parser.parse(text).to_dict()["slots"]
    assert slots.get("kind") not in ("audiobook", "podcast", "radio")
    assert slots.get("artist") == artist


@pytest.mark.parametrize(
    "text",
    ["play hello", "play thriller", "play bohemian rhapsody", "play yesterday", "play lithium"],
)
def test_songs_stay_music(parser: Parser, text: str) -> None:
    result = parser.parse(text).to_dict()
    assert result["intent"] == "music.play"
    assert result["slots"].get("kind") not in ("audiobook", "podcast", "radio")


def test_title_kind(parser: Parser) -> None:
    """A station, podcast or book named as the lists hold it has that list's kind; with
    ``bare`` a leading "the" the lists leave out is tried without it."""
    gazetteers = parser.gazetteers
    assert gazetteers.title_kind("bbc world service") == "radio"
    assert gazetteers.title_kind("the daily") == "podcast"
    assert gazetteers.title_kind("the hobbit") == "audiobook"
    assert gazetteers.title_kind("the npr") is None
    assert gazetteers.title_kind("the npr", bare=True) == "radio"
    assert gazetteers.title_kind("bohemian rhapsody") is None
    # only the lists asked for
    assert gazetteers.title_kind("the daily", {"STATION": "radio"}) is None
