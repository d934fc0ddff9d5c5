"""Real artist names and song titles, for typing a bare name.

"play purple haze" names no kind, and the words alone cannot say whether "purple haze" is an
artist, a song or an album. A music assistant knows which names are famous: these lists hold
about 20,000 artist names and 26,000 song titles of real Spotify tracks with their best
popularity (built by ``scripts/build-name-lists`` from openly licensed catalog data, see
``data/entities/CATALOG_NAMES.md``). :meth:`CatalogNames.type_of` says whether a phrase is
an artist or a title, and :meth:`CatalogNames.split` reads "marvin gaye i want you" as an
artist followed by a title (or the other way round).

Lookups are dictionary hits on :func:`name_key` (folded, no punctuation, no apostrophes:
"Don't" and "dont" meet). The lists load on first use (about 30 ms), so a parse that never
meets a bare name never pays for them.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from skill.nlu.entities import phrase_key
from skill.nlu.yamlio import load_yaml

ARTISTS_FILE = "catalog_artists.tsv.gz"
TITLES_FILE = "catalog_titles.tsv.gz"
#: other ways of saying a catalog name (shared with skill.music.names)
ALIASES_FILE = "aliases.yaml"
ALBUMS_FILE = "catalog_albums.tsv.gz"
#: an artist name wins over a title unless the title is this much more popular
ARTIST_MARGIN = 15
#: a two-word phrase splits only into an artist and a title both this popular ("adele hello")
TWO_WORD_SPLIT_POPULARITY = 70
#: a one-word title in a split needs this popularity ("michael jackson thriller")
ONE_WORD_TITLE_POPULARITY = 60
#: both halves of a split have at least this many characters, except an artist this popular
#: ("sia | chandelier", "bts | dynamite")
MIN_SPLIT_CHARS = 4
SHORT_ARTIST_POPULARITY = 80
#: a name at least this popular is famous enough to override the words' usual reading: it
#: keeps a media word ("love story", "tv on the radio"; titles.py, at most TITLE_WORDS words),
#: a "by" ("stand by me") or a closing "now" ("don't stop me now"), and it is the least
#: popularity of an artist found by a name heard in pieces ("radio head")
FAMOUS_POPULARITY = 55
TITLE_WORDS = 6
#: an artist heard wrong before a song title ("billy eyelash | bad guy") has at most this
#: many words and sounds this much like the title's own artist (rapidfuzz ratio, 0-100)
MISHEARD_ARTIST_WORDS = 4
MISHEARD_SIMILARITY = 65
#: an artist's name that opens a phrase is looked for up to this many words long
OPENING_ARTIST_WORDS = 5
#: the most words of a name the lists do not hold said after a famous artist
#: (:meth:`CatalogNames.split_after_artist`)
AFTER_ARTIST_WORDS = 4
#: a one-word name said alone is an everyday word when this many song titles hold it ("home",
#: "heart", "magic", "not"); it then asks for no artist
COMMON_WORD_TITLES = 20
#: words that never start or end a name on their own side of a split
_SPLIT_EDGES = frozenset("a an the by of and to in on for my with from".split())
#: a name after the cut may start with "the" ("pink floyd | the wall")
_SPLIT_EDGES_AFTER = _SPLIT_EDGES - {"the", "a"}
#: words that open a request, not an artist's name heard wrong ("maybe some taylor swift")
_NOT_HEARD_FIRST = frozenset("maybe some any more just please play put i we me want need".split())
#: words that open chatter after an artist, not a name ("olivia rodrigo | so go on")
CHATTER_AFTER_ARTIST = frozenset(
    """so is are was were maybe i i'm we you it it's they he she or but if because then when
    while that this what who which too also only just my our""".split()
)
#: words that do not open or end a name said after an artist ("adele songs", "queen please")
_NOT_AFTER_ARTIST = frozenset(
    """songs song music tracks track tunes stuff hits album albums records playlist radio
    station mix please now again next live remix version one""".split()
)


def name_key(text: str) -> str:
    """The lookup form of a name: the gazetteer phrase key without apostrophes."""
    if _PLAIN.fullmatch(text):
        return text.replace("'", "")  # already normalised (the parser's text): the hot path
    return phrase_key(text).replace("'", "")


#: lower-case words of letters, digits and apostrophes, one space apart
_PLAIN = re.compile(r"[a-z0-9']+(?: [a-z0-9']+)*")


@dataclass(frozen=True, slots=True)
class NamesHolding:
    """Famous names holding some words (:meth:`CatalogNames.holding`): name key -> popularity,
    and every word of those names."""

    names: dict[str, int]
    vocab: frozenset[str]

    def around(self, words: Sequence[str], index: int) -> tuple[int, int] | None:
        """The longest of the names among the word ranges ``[a, b)`` of ``words`` (normalised
        words) that hold word ``index`` and more than it ("love story", "tv on the radio",
        "radio head"), or None. Only runs of the names' own words are tried."""
        vocab = self.vocab
        if any("'" in w for w in words):
            words = [w.replace("'", "") for w in words]  # name keys have no apostrophes
        lo = index
        while lo > 0 and index - lo < TITLE_WORDS - 1 and words[lo - 1] in vocab:
            lo -= 1
        hi = index + 1
        while hi < len(words) and hi - lo < TITLE_WORDS and words[hi] in vocab:
            hi += 1
        best: tuple[int, int] | None = None
        for a in range(lo, index + 1):
            for b in range(hi, index, -1):
                if b - a < 2 or (best is not None and b - a <= best[1] - best[0]):
                    break
                if " ".join(words[a:b]) in self.names:
                    best = (a, b)
        return best


@dataclass(frozen=True, slots=True)
class Split:
    """A phrase read as artist + title: word ranges ``[a, b)`` of the phrase; ``slot`` is
    the slot the title fills ("track", or "album" for "the beatles | abbey road")."""

    artist: tuple[int, int]
    title: tuple[int, int]
    popularity: int
    slot: str = "track"


class CatalogNames:
    """name key -> best popularity, for artists and for song titles."""

    def __init__(
        self,
        artists: dict[str, int],
        titles: dict[str, int],
        albums_file: Path | None = None,
        titles_file: Path | None = None,
    ) -> None:
        self.artists = artists
        self.titles = titles
        #: song title key -> lead artist key, read from ``titles_file`` on first use
        self._titles_file = titles_file
        self._title_artists: dict[str, str] | None = None
        #: album name key -> lead artist key -> popularity, read on first use
        self._albums_file = albums_file
        self._albums: dict[str, dict[str, int]] | None = None
        self._common: frozenset[str] | None = None
        self._title_words: frozenset[str] | None = None
        self._compact: dict[str, int] | None = None
        self._holding: dict[frozenset[str], NamesHolding] = {}

    def is_common_word(self, word: str) -> bool:
        """Whether ``word`` is in at least :data:`COMMON_WORD_TITLES` song titles: an everyday
        word rather than a name (the counts are taken on first use)."""
        if self._common is None:
            self._count_title_words()
        assert self._common is not None
        return name_key(word) in self._common

    def in_titles(self, word: str) -> bool:
        """Whether ``word`` is in any song title: a word of the language rather than a rare
        name ("hotel", "band"; not "shauki", "giancarlo")."""
        if self._title_words is None:
            self._count_title_words()
        assert self._title_words is not None
        return name_key(word) in self._title_words

    def _count_title_words(self) -> None:
        counts: dict[str, int] = {}
        for title in self.titles:
            for w in set(title.split(" ")):
                counts[w] = counts.get(w, 0) + 1
        self._common = frozenset(w for w, n in counts.items() if n >= COMMON_WORD_TITLES)
        self._title_words = frozenset(counts)

    @classmethod
    def load(cls, directory: Path) -> CatalogNames:
        """Read the two lists from ``directory``; a missing file is an empty list."""
        artists = _with_aliases(_with_leaders(_read(directory / ARTISTS_FILE)),
                                directory / ALIASES_FILE)
        return cls(artists, _read(directory / TITLES_FILE), directory / ALBUMS_FILE,
                   directory / TITLES_FILE)

    def album_rather_than_track(self, phrase: str, artist: str | None = None) -> bool:
        """Whether ``phrase`` (by ``artist``) names an album rather than a song: a known album
        whose name is no song title, or a far less popular one (:data:`ARTIST_MARGIN`)."""
        album = self.album(phrase, artist)
        if album is None:
            return False
        title = self.titles.get(name_key(phrase))
        return title is None or album >= title + ARTIST_MARGIN

    def album(self, phrase: str, artist: str | None = None) -> int | None:
        """The popularity of ``phrase`` as an album name (of ``artist`` when given, a
        possessive "'s" allowed), or None. The album list is read on first use."""
        if self._albums is None:
            self._albums = _read_albums(self._albums_file)
        by_artist = self._albums.get(name_key(phrase))
        if not by_artist:
            return None
        if artist is None:
            return max(by_artist.values())
        key = self._artist_key(name_key(artist))
        found = by_artist.get(key)
        if found is None and key.endswith("s"):
            found = by_artist.get(key[:-1])  # "the beatles's" -> "the beatles"
        return found

    def artist(self, phrase: str) -> int | None:
        """The popularity of ``phrase`` as an artist name, or None; a name heard in pieces
        ("radio head", "cold play") finds the one-word artist (:meth:`_artist_key`)."""
        return self.artists.get(self._artist_key(name_key(phrase)))

    def _artist_key(self, key: str) -> str:
        """``key``, or the key of the popular artist it spells without its spaces."""
        if key in self.artists or " " not in key:
            return key
        if self._compact is None:
            self._compact = {
                name: pop for name, pop in self.artists.items()
                if pop >= FAMOUS_POPULARITY and " " not in name
            }
        joined = key.replace(" ", "")
        return joined if joined in self._compact else key

    def title(self, phrase: str) -> int | None:
        """The popularity of ``phrase`` as a song title, or None."""
        return self.titles.get(name_key(phrase))

    def famous_title(self, phrase: str) -> bool:
        """Whether ``phrase`` is a song title of popularity >= :data:`FAMOUS_POPULARITY`."""
        return (self.titles.get(name_key(phrase)) or 0) >= FAMOUS_POPULARITY

    def famous_artist(self, phrase: str) -> bool:
        """Whether ``phrase`` is an artist of popularity >= :data:`FAMOUS_POPULARITY`."""
        return (self.artist(phrase) or 0) >= FAMOUS_POPULARITY

    def famous_artist_said(self, phrase: str) -> bool:
        """:meth:`famous_artist`, also for a famous band said without its "the" ("beatles")."""
        return (self._said_artist(name_key(phrase)) or 0) >= FAMOUS_POPULARITY

    def _said_artist(self, key: str) -> int | None:
        """The popularity of artist ``key`` (a name key), or of the famous artist it names
        without its "the"."""
        found = self.artists.get(key)
        if found is None and not key.startswith("the "):
            found = self.artists.get("the " + key)
            if found is not None and found < FAMOUS_POPULARITY:
                return None
        return found

    def opens_with_artist(self, words: Sequence[str]) -> bool:
        """Whether ``words`` open with a famous artist's name of two to
        :data:`OPENING_ARTIST_WORDS` words ("5 seconds of summer | teeth", "the 1975"): the
        first word then belongs to the name, not to a sort word or a count."""
        last = min(len(words), OPENING_ARTIST_WORDS)
        return any(self.famous_artist(" ".join(words[:k])) for k in range(2, last + 1))

    def is_artist_said(self, phrase: str) -> bool:
        """Whether :meth:`type_of` reads ``phrase`` as an artist, also said with a "the" the
        catalog's name lacks ("the bee gees")."""
        return self.type_of(phrase) == "artist" or (
            phrase.startswith("the ") and self.type_of(phrase[4:]) == "artist"
        )

    def type_of(self, phrase: str) -> str | None:
        """``"artist"``, ``"track"`` or None for a name the lists do not know."""
        key = name_key(phrase)
        artist = self.artists.get(self._artist_key(key))
        title = self.titles.get(key)
        if artist is not None and (title is None or title < artist + ARTIST_MARGIN):
            return "artist"
        if title is not None:
            return "track"
        return None

    def holding(self, words: frozenset[str]) -> NamesHolding:
        """The famous names (titles and artists, popularity >= :data:`FAMOUS_POPULARITY`)
        of two words or more that hold one of ``words``, and one-word artists that start or
        end with one, heard in pieces ("radiohead" as "radio head"); built once per set."""
        found = self._holding.get(words)
        if found is None:
            names: dict[str, int] = {}
            for table in (self.titles, self.artists):
                for name, pop in table.items():
                    if pop < FAMOUS_POPULARITY:
                        continue
                    parts = name.split(" ")
                    if len(parts) > 1 and not words.isdisjoint(parts):
                        names[name] = max(pop, names.get(name, 0))
                    elif len(parts) == 1 and table is self.artists:
                        for word in words:
                            if name != word and name.startswith(word):
                                names[f"{word} {name[len(word):]}"] = pop
                            elif name != word and name.endswith(word):
                                names[f"{name[: -len(word)]} {word}"] = pop
            vocab = frozenset(w for name in names for w in name.split(" "))
            found = self._holding[words] = NamesHolding(names, vocab)
        return found

    def split(self, words: Sequence[str]) -> Split | None:
        """The most popular reading of ``words`` as an artist name next to a song title
        ("marvin gaye | i want you", "lady | kenny rogers"); a possessive artist keeps its
        "'s" in the phrase ("kenny roger's | lady"). None when no split has both names."""
        best: Split | None = None
        if _PLAIN.fullmatch(" ".join(words)):
            keys = [w.replace("'", "") for w in words]  # name_key of each plain word
        else:
            keys = [name_key(w) for w in words]
        for cut in range(1, len(words)):
            left, right = keys[:cut], keys[cut:]
            # a name may start or end with an edge word only in a pair the catalog holds
            # ("linkin park | in the end"), not "the weeknd | in the kitchen"
            paired_only = words[cut - 1] in _SPLIT_EDGES or words[cut] in _SPLIT_EDGES_AFTER
            left_key, right_key = " ".join(left), " ".join(right)
            if paired_only and left_key not in self.titles and right_key not in self.titles:
                continue
            owner = left_key[:-1] if words[cut - 1].endswith("'s") else left_key
            orders = [(owner, right_key, (0, cut), (cut, len(words)))]
            if words[cut] not in _SPLIT_EDGES or cut > 1 or self.paired(left_key, right_key):
                # "like | the beatles" is no title, "yesterday | the beatles" is theirs
                orders.append((right_key, left_key, (cut, len(words)), (0, cut)))
            for artist_key, title_key, artist, title in orders:
                if len(title_key) < MIN_SPLIT_CHARS:
                    continue  # "why | not me": short words are too often names by chance
                if paired_only and not (
                    title_key in self.titles and self.paired(title_key, artist_key)
                ):
                    continue
                a = self._said_artist(artist_key)  # "let it be | beatles"
                if a is None or (
                    len(artist_key) < MIN_SPLIT_CHARS and a < SHORT_ARTIST_POPULARITY
                ):
                    continue
                t = self.titles.get(title_key)
                slot = "track"
                album = self.album(title_key, artist_key) if artist[0] == 0 else None
                if album is not None and (t is None or album >= t + ARTIST_MARGIN):
                    t, slot = album, "album"  # "the beatles | abbey road", "adele | 21"
                if t is None:
                    continue
                if " " not in artist_key and self.is_common_word(artist_key):
                    continue  # "what | going on": an everyday word is no artist here
                if len(words) == 2 and min(a, t) < TWO_WORD_SPLIT_POPULARITY:
                    continue  # "candy | crush": two common words need two big names
                if title[1] - title[0] == 1 and t < ONE_WORD_TITLE_POPULARITY:
                    continue  # "the national | anthem": a one-word title must be a hit
                found = Split(artist, title, a + t, slot)
                if best is None or found.popularity > best.popularity:
                    best = found
        return best

    def split_on_title(self, words: Sequence[str]) -> Split | None:
        """An artist heard wrong ("billy eyelash", "dua leaper", "the weekend") before a
        song title: "billy eyelash | bad guy". The words before the title must sound like
        the title's own artist (the lead artist of its most popular row; rapidfuzz ratio >=
        :data:`MISHEARD_SIMILARITY`) and be one to :data:`MISHEARD_ARTIST_WORDS` words; the
        most popular title wins. None when no such reading exists."""
        best: Split | None = None
        if not words or words[0] in _NOT_HEARD_FIRST:
            return None
        for cut in range(1, min(len(words), MISHEARD_ARTIST_WORDS + 1)):
            if words[cut - 1] in _SPLIT_EDGES or words[cut] in _SPLIT_EDGES_AFTER:
                continue
            title_key = name_key(" ".join(words[cut:]))
            t = self.titles.get(title_key)
            if t is None or len(title_key) < MIN_SPLIT_CHARS:
                continue
            owner = self.title_artist(title_key)
            heard = name_key(" ".join(words[:cut]))
            if owner is None or fuzz.ratio(heard, owner) < MISHEARD_SIMILARITY:
                continue
            if best is None or t > best.popularity:
                best = Split((0, cut), (cut, len(words)), t)
        return best

    def split_after_artist(self, words: Sequence[str]) -> Split | None:
        """A famous artist said first and a name the lists do not hold after it: "zach bryan
        | bass boat", "noah kahan | stick season" (the catalog has neither title). The
        longest artist of two words or more wins (one word may be a full name's first:
        "tupac | shakur"), or one of one word before a known album of theirs ("lorde |
        melodrama"); what follows is one to :data:`AFTER_ARTIST_WORDS` words that start with
        no joining or chatting word. The title slot is "album" for a known album of theirs."""
        for cut in range(min(len(words) - 1, OPENING_ARTIST_WORDS), 0, -1):
            rest = words[cut:]
            if len(rest) > AFTER_ARTIST_WORDS or rest[0] in _SPLIT_EDGES_AFTER or (
                rest[0] in _NOT_AFTER_ARTIST or rest[0] in CHATTER_AFTER_ARTIST
            ) or rest[-1] in _NOT_AFTER_ARTIST:
                continue
            said = " ".join(words[:cut])
            popularity = self._said_artist(name_key(said))
            if popularity is None or popularity < FAMOUS_POPULARITY:
                continue
            album = self.album(" ".join(rest), said)
            if cut == 1 and album is None:
                continue
            return Split((0, cut), (cut, len(words)), popularity, "album" if album else "track")
        return None

    def paired(self, title: str, artist: str) -> bool:
        """Whether the catalog's own artist of song ``title`` is ``artist`` ("lights |
        ellie goulding", "in the end | linkin park")."""
        return self.title_artist(name_key(title)) == name_key(artist)

    def title_artist(self, title: str) -> str | None:
        """The lead artist (name key) of the most popular row of song title ``title`` (a
        name key), or None; the third column of the titles list, read on first use."""
        if self._title_artists is None:
            self._title_artists = _read_column(self._titles_file, 2)
        return self._title_artists.get(title)


def _read_albums(path: Path | None) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    if path is None or not path.exists():
        return table
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            album, _, rest = line.rstrip("\n").partition("\t")
            artist, _, pop = rest.partition("\t")
            if album and artist:
                table.setdefault(album, {})[artist] = int(pop or 0)
    return table


def _read(path: Path) -> dict[str, int]:
    """name key -> popularity, the first two columns of a list."""
    table: dict[str, int] = {}
    if not path.exists():
        return table
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            name, _, rest = line.rstrip("\n").partition("\t")
            if name:
                table[name] = int(rest.partition("\t")[0] or 0)
    return table


def _with_leaders(artists: dict[str, int]) -> dict[str, int]:
    """``artists`` plus the leader of each well-known "X and the Y" band under the name
    people say for it ("bob marley" for Bob Marley & The Wailers, "huey lewis"), when the
    leader's name has two words or more and is no artist of its own."""
    leaders: dict[str, int] = {}
    for name, popularity in artists.items():
        leader, joined, _ = name.partition(" and the ")
        if joined and popularity >= FAMOUS_POPULARITY and " " in leader and leader not in artists:
            leaders[leader] = max(popularity, leaders.get(leader, 0))
    return {**artists, **leaders}


def _with_aliases(artists: dict[str, int], path: Path) -> dict[str, int]:
    """``artists`` plus the other ways people say a known artist's name (``aliases.yaml``,
    the resolver's list: "the weekend", "imagine dragon"), each with the artist's
    popularity; an alias that is an artist of its own keeps its own."""
    if not path.exists():
        return artists
    said: dict[str, int] = {}
    table: Any = load_yaml(path.read_text(encoding="utf-8")) or {}
    for name, aliases in table.items():
        popularity = artists.get(name_key(str(name)))
        if popularity is None:
            continue  # "Liked Songs": no artist
        for alias in aliases or ():
            key = name_key(str(alias))
            if key and key not in artists:
                said[key] = max(popularity, said.get(key, 0))
    return {**artists, **said}


def _read_column(path: Path | None, column: int) -> dict[str, str]:
    """name key -> the text of ``column`` (0-based), for the rows that have it."""
    table: dict[str, str] = {}
    if path is None or not path.exists():
        return table
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > column and fields[column]:
                table[fields[0]] = fields[column]
    return table


_loaded: dict[Path, CatalogNames] = {}
_lock = threading.Lock()


def catalog_names(directory: Path) -> CatalogNames:
    """The lists of ``directory``, loaded once per process."""
    names = _loaded.get(directory)
    if names is None:
        with _lock:
            names = _loaded.get(directory)
            if names is None:
                names = _loaded[directory] = CatalogNames.load(directory)
    return names
