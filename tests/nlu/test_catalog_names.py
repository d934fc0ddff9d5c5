"""The artist and title lists that type a bare name (skill/nlu/catalog_names.py)."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from skill.nlu.catalog_names import (
    ALBUMS_FILE,
    ARTISTS_FILE,
    TITLES_FILE,
    CatalogNames,
    catalog_names,
    name_key,
)
from skill.nlu.entities import phrase_key
from skill.nlu.pipeline import repo_root


def _write(path: Path, rows: dict[str, int]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(f"{name}\t{pop}\n" for name, pop in rows.items())


@pytest.fixture
def names(tmp_path: Path) -> CatalogNames:
    _write(
        tmp_path / ARTISTS_FILE,
        {"marvin gaye": 70, "kenny rogers": 65, "closer": 20, "crush": 40, "adele": 84,
         "not": 50},
    )
    _write(
        tmp_path / TITLES_FILE,
        {"i want you": 60, "lady": 77, "closer": 84, "candy": 50, "hello": 85, "why": 55},
    )
    return CatalogNames.load(tmp_path)


def test_name_key_folds_case_punctuation_and_apostrophes() -> None:
    assert name_key("Don't Stop Me Now!") == "dont stop me now"
    assert name_key("Beyoncé & Jay-Z") == "beyonce and jay z"
    # the parser's already normalised text takes a shortcut to the same key
    for text in ("kenny roger's lady", "a  b", "r&b", "x ", "2 chainz", "ac dc"):
        assert name_key(text) == phrase_key(text).replace("'", ""), text


def test_type_of_prefers_an_artist_unless_the_title_is_much_more_popular(
    names: CatalogNames,
) -> None:
    assert names.type_of("Marvin Gaye") == "artist"
    assert names.type_of("lady") == "track"
    assert names.type_of("closer") == "track"  # title 84 beats artist 20 + margin
    assert names.type_of("unknown words") is None


def test_in_titles_knows_every_word_of_a_title(names: CatalogNames) -> None:
    assert names.in_titles("want") and names.in_titles("Hello")
    assert not names.in_titles("shauki")
    assert not names.is_common_word("want")  # in one title only: no everyday word


def test_split_reads_artist_and_title_either_way(names: CatalogNames) -> None:
    split = names.split("marvin gaye i want you".split())
    assert split is not None and split.artist == (0, 2) and split.title == (2, 5)
    split = names.split("lady kenny rogers".split())
    assert split is not None and split.artist == (1, 3) and split.title == (0, 1)
    split = names.split("kenny rogers's lady".split())
    assert split is not None and split.artist == (0, 2)


def test_split_refuses_short_and_weak_pairs(names: CatalogNames) -> None:
    assert names.split("why not".split()) is None  # "not" is too short to be sure
    assert names.split("candy crush".split()) is None  # two words need two big names
    assert names.split("adele hello".split()) is not None
    assert names.split("the lady".split()) is None  # no artist "the"


def test_split_reads_an_album_of_the_artist(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"the beatles": 85, "pink floyd": 80, "adele": 84})
    _write(tmp_path / TITLES_FILE, {"let it be": 80, "the wall": 40, "hello": 85})
    with gzip.open(tmp_path / ALBUMS_FILE, "wt", encoding="utf-8") as handle:
        handle.write("abbey road\tthe beatles\t82\nlet it be\tthe beatles\t70\n")
        handle.write("the wall\tpink floyd\t78\n")
    names = CatalogNames.load(tmp_path)
    split = names.split("the beatles abbey road".split())
    assert split is not None and (split.artist, split.title, split.slot) == (
        (0, 2), (2, 4), "album"
    )
    # a name after the cut may start with "the"; the album is far more popular than the song
    split = names.split("pink floyd the wall".split())
    assert split is not None and split.slot == "album" and split.title == (2, 4)
    # a song and an album of one name: the song, unless the album is far more popular
    split = names.split("the beatles let it be".split())
    assert split is not None and split.slot == "track"
    # an album of another artist is no album here; a title first is never cut before "the"
    assert names.split("adele abbey road".split()) is None
    assert names.split("hello the beatles".split()) is None


def test_split_on_title_takes_an_artist_heard_wrong(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"billie eilish": 90, "dua lipa": 88})
    with gzip.open(tmp_path / TITLES_FILE, "wt", encoding="utf-8") as handle:
        handle.write("bad guy\t85\tbillie eilish\nlevitating\t88\tdua lipa\n")
        handle.write("sweet\t80\tcigarettes after sex\n")
    names = CatalogNames.load(tmp_path)
    assert names.split("billy eyelash bad guy".split()) is None  # the artist is unknown
    split = names.split_on_title("billy eyelash bad guy".split())
    assert split is not None and (split.artist, split.title) == ((0, 2), (2, 4))
    split = names.split_on_title("dua leaper levitating".split())
    assert split is not None and split.title == (2, 3)
    # words that do not sound like the title's artist are no artist ("matthew | sweet")
    assert names.split_on_title("matthew sweet".split()) is None
    assert names.split_on_title("the dua lipa".split()) is None  # no title at all


def test_split_after_artist_takes_a_name_the_lists_do_not_hold(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"zach bryan": 85, "lorde": 75, "tupac": 80, "obscure": 30})
    _write(tmp_path / TITLES_FILE, {"hello": 85})
    with gzip.open(tmp_path / ALBUMS_FILE, "wt", encoding="utf-8") as handle:
        handle.write("melodrama\tlorde\t73\n")
    names = CatalogNames.load(tmp_path)
    assert names.split("zach bryan bass boat".split()) is None  # the catalog has no such song
    split = names.split_after_artist("zach bryan bass boat".split())
    assert split is not None and (split.artist, split.title, split.slot) == (
        (0, 2), (2, 4), "track"
    )
    split = names.split_after_artist("lorde melodrama".split())  # an album of theirs
    assert split is not None and (split.artist, split.title, split.slot) == (
        (0, 1), (1, 2), "album"
    )
    # one word may open a full name; words that describe, chat or join are no title; an
    # artist must be famous; a name runs at most four words
    assert names.split_after_artist("tupac shakur".split()) is None
    assert names.split_after_artist("zach bryan songs".split()) is None
    assert names.split_after_artist("zach bryan so go on".split()) is None
    assert names.split_after_artist("zach bryan in the kitchen".split()) is None
    assert names.split_after_artist("obscure band name".split()) is None
    assert names.split_after_artist("zach bryan one two three four five".split()) is None


def test_opens_with_artist_needs_a_famous_name_of_two_words_or_more(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"5 seconds of summer": 81, "adele": 84, "the 1975": 40})
    names = CatalogNames.load(tmp_path)
    assert names.opens_with_artist("5 seconds of summer teeth".split())
    assert not names.opens_with_artist("adele hello".split())  # one word is no opening
    assert not names.opens_with_artist("the 1975 love it if".split())  # not famous
    assert not names.opens_with_artist("5 songs by adele".split())


def test_missing_lists_are_empty(tmp_path: Path) -> None:
    empty = CatalogNames.load(tmp_path)
    assert empty.type_of("adele") is None and empty.split(["adele", "hello"]) is None


def test_the_repository_lists_know_famous_names() -> None:
    names = catalog_names(repo_root() / "data" / "entities")
    assert names is catalog_names(repo_root() / "data" / "entities")  # loaded once
    assert names.type_of("the beatles") == "artist"
    assert names.type_of("purple haze") == "track"
    assert len(names.artists) > 10_000 and len(names.titles) > 10_000


@pytest.mark.shared
def test_the_lists_rebuild_identically(tmp_path: Path, shared_catalog: Path) -> None:
    """scripts/build-name-lists is deterministic: rebuilding gives the committed bytes."""
    script = repo_root() / "scripts" / "build-name-lists"
    subprocess.run(
        [sys.executable, str(script), str(shared_catalog), str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in (ARTISTS_FILE, TITLES_FILE, ALBUMS_FILE):
        committed = repo_root() / "data" / "entities" / name
        assert (tmp_path / name).read_bytes() == committed.read_bytes(), name


def test_names_holding_a_word_find_the_longest_around_it(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"taylor swift": 90, "radiohead": 86, "tv on the radio": 57})
    _write(
        tmp_path / TITLES_FILE,
        {"love story": 77, "story": 65, "the radio": 70, "video killed the radio star": 72,
         "a story": 40},
    )
    names = CatalogNames.load(tmp_path).holding(frozenset({"story", "radio"}))
    words = "play love story by taylor swift".split()
    assert names.around(words, 2) == (1, 3)  # "love story", not the one-word "story"
    words = "play video killed the radio star".split()
    assert names.around(words, 4) == (1, 6)  # the longest title wins over "the radio"
    assert names.around("tell me a story".split(), 3) is None  # popularity 40 < 55
    assert names.around(["story"], 0) is None  # one word alone is never a title here
    assert names.around("play radio head".split(), 1) == (1, 3)  # "radiohead" in pieces
    assert names.around("play tv on the radio".split(), 4) == (1, 5)


def test_common_words_are_the_words_of_many_titles(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"heart": 74, "coldplay": 85})
    titles = {f"my heart number {i}": 10 for i in range(25)}
    titles.update({"yellow": 80, "coldplay live": 5})
    _write(tmp_path / TITLES_FILE, titles)
    names = CatalogNames.load(tmp_path)
    assert names.is_common_word("heart")  # in 25 titles
    assert names.is_common_word("Heart")
    assert not names.is_common_word("coldplay")  # in one title
    assert not names.is_common_word("yellow")


def test_an_artist_heard_in_pieces_is_found(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"radiohead": 86, "coldplay": 85, "obscure": 20})
    _write(tmp_path / TITLES_FILE, {"creep": 80})
    names = CatalogNames.load(tmp_path)
    assert names.artist("radio head") == 86
    assert names.type_of("cold play") == "artist"
    assert names.artist("ob scure") is None  # only popular artists are joined
    assert names.artist("radiohead") == 86


def test_albums_are_known_with_their_artist(tmp_path: Path) -> None:
    _write(tmp_path / ARTISTS_FILE, {"the beatles": 85, "adele": 84})
    _write(tmp_path / TITLES_FILE, {"hello": 85, "come together": 75})
    with gzip.open(tmp_path / ALBUMS_FILE, "wt", encoding="utf-8") as handle:
        handle.write("abbey road\tthe beatles\t82\n21\tadele\t81\nhello\tsomeone\t50\n")
    names = CatalogNames.load(tmp_path)
    assert names.album("Abbey Road") == 82
    assert names.album("abbey road", "the beatles") == 82
    assert names.album("abbey road", "the beatles's") == 82  # a possessive owner
    assert names.album("abbey road", "adele") is None
    assert names.album_rather_than_track("21", "adele")
    assert not names.album_rather_than_track("hello", "someone")  # the song is far better known
    assert not names.album_rather_than_track("yesterday", "the beatles")  # no such album


def test_aliases_say_a_known_artist_another_way(tmp_path: Path) -> None:
    """aliases.yaml (the resolver's list) adds the ways people say a known artist's name,
    with the artist's popularity; an alias that is an artist of its own keeps its own, and
    an alias of no known artist adds nothing."""
    _write(tmp_path / ARTISTS_FILE, {"the weeknd": 90, "pink": 30, "p nk": 80})
    _write(tmp_path / TITLES_FILE, {"blinding lights": 88})
    (tmp_path / "aliases.yaml").write_text(
        "The Weeknd: [the weekend, the week end]\nP!nk: [pink]\nLiked Songs: [my liked songs]\n",
        encoding="utf-8",
    )
    names = CatalogNames.load(tmp_path)
    assert names.artist("the weekend") == names.artist("The Week End") == 90
    assert names.artist("pink") == 30
    assert names.artist("my liked songs") is None
    split = names.split("blinding lights the weekend".split())
    assert split is not None and split.slot == "track"
