"""Generator of the resolution evaluation set: spoken-style requests made from the catalog.

Every case is a request as the NLU would hand it over (the slots of ``music.play``) and what a
right answer is, judged on the catalog itself (the ground truth the sandbox serves):

* ``track`` — title and artist in their own slots; right = the same work (normalised core
  title and primary artist) in a version the source is (no live/karaoke/remix/... unless the
  source is one);
* ``track_query`` — the same as one free text, "X by Y" or "Y X" (the resolver must split);
* ``title`` — the title alone; right = the most popular catalog track with that normalised
  core title among those without a penalised version marker (a tie accepts either);
* ``artist`` — right = an artist of that normalised name;
* ``album`` — the album name, with its artist half of the time; right = an album of that
  normalised core name (and artist), without an artist the most popular one;
* ``playlist`` — a catalog playlist's name (not Spotify-owned ones: development-mode search
  hides them); right = a playlist of that normalised name.
* ``genre`` — a genre tag of the popular tracks, as said ("hip hop"); right = a playlist
  whose name holds every word of it, or the genre's tracks as a list;
* ``genre_own`` — the names of the demo user's playlists in ``data/world.yaml`` said as a
  genre ("dinner jazz", no word "playlist", as the parser reads it); right = that playlist.
* ``title_own`` — the same names said as a title alone (``{"track": "road trip"}``, as the
  parser reads "play road trip": a famous song's name); right = that playlist.

Noise, seeded: lower case, punctuation dropped (speech has none), diacritics dropped,
version suffixes of titles and albums dropped ("- Remastered 2011", "(feat. …)"), digits
read as words when they stand alone ("22" → "twenty two", "1989" → "nineteen eighty nine",
"90s" → "nineties", "25th" → "twenty fifth"; "R3HAB" stays as written),
one typo in a long word (never in a number), a leading "the" dropped, homophones from
``data/entities/aliases.yaml`` ("the weekend").
Sources are tracks of popularity ≥ 30 (what people ask for) with titles of at most 60
characters.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.music.names import (
    PENALIZED,
    aliases,
    compact,
    core_title,
    fold,
    normalize,
    split_version,
    version_markers,
)
from skill.sandbox.catalog import Catalog, Track
from skill.sandbox.params import is_spotify_owned

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
#: a number standing alone (not glued to letters, as in "R3HAB" or "6ix9ine")
_DIGITS = re.compile(r"(?<![^\W_])\d+(?![^\W_])")
_ORDINAL = re.compile(r"(?<![^\W\d_])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                  "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
_DECADE = re.compile(r"\b(?:19)?([2-9]0)'?s\b")
_DECADES = {"20": "twenties", "30": "thirties", "40": "forties", "50": "fifties",
            "60": "sixties", "70": "seventies", "80": "eighties", "90": "nineties"}  # fmt: skip
SHARED_CATALOG = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog" / "tracks.csv.gz"
)
MIN_POPULARITY = 30
MAX_TITLE = 60


@dataclass
class Case:
    kind: str
    slots: dict[str, str]
    expect: dict[str, Any]
    source: str
    noise: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


def words_under_1000(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" {words_under_1000(rest)}" if rest else "")


def number_words(digits: str, rng: random.Random) -> str:
    """How a person reads ``digits``: years in pairs, others as cardinals or digit by digit."""
    n = int(digits)
    if len(digits) == 4 and 1100 <= n <= 2099 and n % 1000 >= 10:
        high, low = divmod(n, 100)
        tail = words_under_1000(low) if low >= 10 else f"oh {_ONES[low]}" if low else "hundred"
        return f"{words_under_1000(high)} {tail}"
    if digits.startswith("0") or n >= 1_000_000:
        return " ".join(_ONES[int(d)] for d in digits)
    if n >= 1000:
        thousands, rest = divmod(n, 1000)
        return f"{words_under_1000(thousands)} thousand" + (
            f" {words_under_1000(rest)}" if rest else ""
        )
    if len(digits) == 3 and digits[1] == "0" and rng.random() < 0.5:
        return f"{_ONES[int(digits[0])]} oh {_ONES[int(digits[2])]}"
    return words_under_1000(n)


def ordinal_words(digits: str, rng: random.Random) -> str:
    """ "25" read as an ordinal: "twenty fifth"."""
    words = number_words(digits, rng).split()
    last = words[-1]
    if last in _ORDINAL_WORDS:
        words[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def one_typo(word: str, rng: random.Random) -> str:
    """One edit (delete, insert, substitute or swap) past the first letter of ``word``."""
    i = rng.randrange(1, len(word))
    op = rng.choice(("delete", "insert", "substitute", "swap"))
    if op == "swap" and i + 1 < len(word) and word[i + 1] != word[i]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "delete":
        return word[:i] + word[i + 1 :]
    if op == "insert":
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    return word[:i] + rng.choice([c for c in _LETTERS if c != word[i]]) + word[i + 1 :]


class Noise:
    """Turns a catalog name into what a person might say."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.spoken: dict[str, list[str]] = defaultdict(list)
        for source, target in aliases().phrases:
            spelling = aliases().spelled[target]
            self.spoken[normalize(spelling)].append(" ".join(source))

    def title(self, name: str, noise: list[str], *, typo: float = 0.2, suffix: bool = True) -> str:
        text = name
        core, version = split_version(name)
        if suffix and version and self.rng.random() < 0.85:
            text = core
            noise.append("suffix dropped")
        return self._speak(text, noise, typo=typo)

    def artist(self, name: str, noise: list[str], *, typo: float = 0.15) -> str:
        homophones = self.spoken.get(normalize(name))
        if homophones and self.rng.random() < 0.7:
            noise.append("homophone")
            return self.rng.choice(homophones)
        text = name
        if text.lower().startswith("the ") and self.rng.random() < 0.2:
            text = text[4:]
            noise.append("the dropped")
        return self._speak(text, noise, typo=typo)

    def _speak(self, text: str, noise: list[str], *, typo: float) -> str:
        if self.rng.random() < 0.7 and fold(text) != text.lower():
            text = fold(text)
            noise.append("diacritics dropped")
        long_words = [w for w in text.split() if len(w) >= 5 and w.isalpha()]
        if long_words and self.rng.random() < typo:
            target = self.rng.choice(long_words)
            text = " ".join(one_typo(w, self.rng) if w == target else w for w in text.split())
            noise.append("typo")
        if _DIGITS.search(text) and self.rng.random() < 0.7:
            text = _DECADE.sub(lambda m: f" {_DECADES[m.group(1)]} ", text)
            text = _ORDINAL.sub(lambda m: f" {ordinal_words(m.group(1), self.rng)} ", text)
            text = _DIGITS.sub(lambda m: f" {number_words(m.group(0), self.rng)} ", text)
            noise.append("numbers as words")
        if self.rng.random() < 0.8:
            text = re.sub(r"[^\w\s']", " ", text)
            noise.append("punctuation dropped")
        return " ".join(text.lower().split())


def _markers(track: Track, catalog: Catalog) -> frozenset[str]:
    album = catalog.album(track.album_id)
    return (
        version_markers(track.name, album=album.name if album else None, artists=track.artist_names)
        & PENALIZED
    )


def _work(track: Track) -> dict[str, str]:
    return {"title": compact(core_title(track.name)), "artist": normalize(track.artist_names[0])}


def generate(catalog: Catalog, *, n: int, seed: int) -> Iterator[Case]:
    """``n`` cases per kind (fewer when the catalog is small)."""
    rng = random.Random(seed)
    noise = Noise(rng)
    tracks = sorted(catalog.tracks.values(), key=lambda t: t.id)
    clean = {t.id: not _markers(t, catalog) for t in tracks}
    best_by_title: dict[str, tuple[int, set[tuple[str, str]]]] = {}
    for track in tracks:
        if not clean[track.id]:
            continue
        key = compact(core_title(track.name))
        work = (key, normalize(track.artist_names[0]))
        known = best_by_title.get(key)
        if known is None or track.popularity > known[0]:
            best_by_title[key] = (track.popularity, {work})
        elif track.popularity == known[0]:
            known[1].add(work)
    sources = [
        t for t in tracks
        if t.popularity >= MIN_POPULARITY and len(t.name) <= MAX_TITLE and clean[t.id]
        and compact(core_title(t.name)) and t.artist_names and normalize(t.artist_names[0])
    ]  # fmt: skip
    picks = rng.sample(sources, min(n, len(sources)))
    for track in picks:
        said: list[str] = []
        title = noise.title(track.name, said)
        artist = noise.artist(track.artist_names[0], said)
        work = {
            "title": compact(core_title(track.name)),
            "artist": normalize(track.artist_names[0]),
        }
        yield Case("track", {"track": title, "artist": artist}, {"works": [work]}, track.id, said)
    for track in rng.sample(sources, min(n, len(sources))):
        said = []
        title = noise.title(track.name, said)
        artist = noise.artist(track.artist_names[0], said)
        work = {
            "title": compact(core_title(track.name)),
            "artist": normalize(track.artist_names[0]),
        }
        text = f"{title} by {artist}" if rng.random() < 0.7 else f"{artist} {title}"
        yield Case("track_query", {"query": text}, {"works": [work]}, track.id, said)
    for track in rng.sample(sources, min(n, len(sources))):
        said = []
        title = noise.title(track.name, said, typo=0.1)
        _, works = best_by_title[compact(core_title(track.name))]
        expect = {"works": [{"title": t, "artist": a} for t, a in sorted(works)]}
        yield Case("title", {"track": title}, expect, track.id, said)
    yield from _artists(catalog, sources, noise, rng, n)
    yield from _albums(catalog, sources, noise, rng, n)
    yield from _playlists(catalog, noise, rng, n)
    yield from _genres(sources, rng, n)


#: the demo user's own and followed playlists (data/world.yaml) said as a genre or as a
#: title alone, with what they are: a typo, and names that are genre tags too
OWN_AS_GENRE = {"dinner jazz": "dinner jazz", "diner jazz": "dinner jazz",
                "road trip": "road trip", "dance pop": "dance pop"}  # fmt: skip


def _genres(sources: list[Track], rng: random.Random, n: int) -> Iterator[Case]:
    tags = sorted({g for t in sources for g in t.genres if normalize(g)})
    for tag in rng.sample(tags, min(n, len(tags))):
        said = tag.lower().replace("-", " ")
        yield Case("genre", {"genre": said}, {"words": normalize(tag).split()}, tag, [])
    for said, name in OWN_AS_GENRE.items():
        yield Case("genre_own", {"genre": said}, {"playlist": name}, name, [])
    for said, name in OWN_AS_GENRE.items():
        yield Case("title_own", {"track": said}, {"playlist": name}, name, [])


def _artists(
    catalog: Catalog, sources: list[Track], noise: Noise, rng: random.Random, n: int
) -> Iterator[Case]:
    names = sorted({t.artist_names[0] for t in sources})
    for name in rng.sample(names, min(n, len(names))):
        said: list[str] = []
        spoken = noise.artist(name, said, typo=0.15)
        yield Case(
            "artist", {"artist": spoken, "kind": "artist"}, {"name": normalize(name)}, name, said
        )


def _albums(
    catalog: Catalog, sources: list[Track], noise: Noise, rng: random.Random, n: int
) -> Iterator[Case]:
    def popularity(album_id: str) -> int:
        album = catalog.albums[album_id]
        return max((catalog.tracks[t].popularity for t in album.track_ids), default=0)

    def artist_of(album_id: str) -> str:
        album = catalog.albums[album_id]
        first = catalog.artist(album.artist_ids[0]) if album.artist_ids else None
        return first.name if first else ""

    best: dict[str, tuple[int, set[str]]] = {}
    for album_id in sorted(catalog.albums):
        key = compact(core_title(catalog.albums[album_id].name))
        pop = popularity(album_id)
        known = best.get(key)
        if known is None or pop > known[0]:
            best[key] = (pop, {normalize(artist_of(album_id))})
        elif pop == known[0]:
            known[1].add(normalize(artist_of(album_id)))
    album_ids = sorted({t.album_id for t in sources if t.album_id in catalog.albums})
    album_ids = [a for a in album_ids if compact(core_title(catalog.albums[a].name))]
    for album_id in rng.sample(album_ids, min(n, len(album_ids))):
        album = catalog.albums[album_id]
        said: list[str] = []
        name = noise.title(album.name, said)
        key = compact(core_title(album.name))
        slots = {"album": name, "kind": "album"}
        if rng.random() < 0.5 and artist_of(album_id):
            slots["artist"] = noise.artist(artist_of(album_id), said)
            artists = [normalize(artist_of(album_id))]
        else:
            artists = sorted(best[key][1])
        yield Case("album", slots, {"name": key, "artists": artists}, album_id, said)


def _playlists(catalog: Catalog, noise: Noise, rng: random.Random, n: int) -> Iterator[Case]:
    playlists = sorted(catalog.playlists.values(), key=lambda p: p.id)
    # Spotify-owned playlists come back as null from search in development mode
    # (BEHAVIOR.md §5): nobody can find them by name, so they are not asked for
    playlists = [p for p in playlists if normalize(p.name) and not is_spotify_owned(p.id)]
    for playlist in rng.sample(playlists, min(n, len(playlists))):
        said: list[str] = []
        name = noise.title(playlist.name, said, typo=0.15, suffix=False)
        yield Case(
            "playlist",
            {"playlist": name, "kind": "playlist"},
            {"name": normalize(playlist.name)},
            playlist.id,
            said,
        )


def write(cases: Iterator[Case], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(case.to_json() + "\n")
            count += 1
    return count


def main() -> int:
    """``resolve_cases.py [--n N] [--seed S] [--catalog FILE] [--out FILE]``: write the cases
    as JSON lines to ``--out``, or print how many there are of each kind with examples."""
    import argparse
    from collections import Counter

    parser = argparse.ArgumentParser(description="Generate the resolution evaluation set.")
    parser.add_argument("--n", type=int, default=300, help="cases per kind")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--catalog",
        type=Path,
        default=SHARED_CATALOG,
    )
    parser.add_argument("--out", type=Path, help="JSON-lines file to write")
    args = parser.parse_args()
    if not args.catalog.exists():
        raise SystemExit(f"no catalog at {args.catalog}")
    cases = list(generate(Catalog.load(args.catalog), n=args.n, seed=args.seed))
    if args.out:
        print(f"{write(iter(cases), args.out)} cases written to {args.out}")
        return 0
    counts = Counter(case.kind for case in cases)
    for kind, count in counts.items():
        examples = [c.slots for c in cases if c.kind == kind][:3]
        print(f"{kind:<12}{count:>5}  e.g. {examples}")
    return 0


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
