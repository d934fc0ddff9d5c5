"""Candidates from search results: the queries to send for a reading of a request, what
came back (by URI, with its best position), and the ranking of it into :class:`Candidate`
objects with :mod:`skill.music.ranking` (duplicates of one work collapsed)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from skill.music import ranking
from skill.music.media import Candidate, MediaRequest
from skill.music.names import asked_version, normalize, search_forms, version_markers
from skill.spotify.models import Album, Artist, Playlist, SearchResult, Track

_FIELD_QUOTE = re.compile(r'["]')
_DECADE = re.compile(r"^(\d{2}|\d{4})s$")
Query = tuple[str, tuple[str, ...]]
"""One search: ``(q, types)``."""
_MARKER_WORDS = {"karaoke": "karaoke", "cover": "cover", "tribute": "tribute",
                 "instrumental": "instrumental", "live": "live", "remix": "remix",
                 "sped_up": "sped up", "slowed": "slowed", "acoustic": "acoustic",
                 "demo": "demo", "remaster": "remaster", "edition": ""}  # fmt: skip
SEARCH_LIMIT = 10
#: a best score below this sends the next wave of searches
GOOD_ENOUGH = 90.0
#: a best name match at least this good ends the search after the first wave
STRONG_MATCH = 88.0


@dataclass
class Hit:
    """One search result item, at its best position over the searches that returned it."""

    kind: str
    uri: str
    name: str
    artists: tuple[str, ...]
    album: str | None
    popularity: int | None
    position: int
    library: bool = False
    items: int | None = None
    """Tracks a playlist or album holds, as Spotify counts them (None: not said)."""


@dataclass(frozen=True)
class Want:
    """One reading of the request: a name, maybe an artist, or free text."""

    name: str | None = None
    artist: str | None = None
    free: str | None = None


def quote(value: str) -> str:
    """A field filter's value in double quotes (inner quotes dropped)."""
    return '"' + _FIELD_QUOTE.sub(" ", value).strip() + '"'


def year_filter(year: str | None) -> str:
    """The ``year:`` filter for a spoken year or decade (" year:1989", " year:1980-1989" for
    "the eighties", "80s" or "1980s"), or "" when there is none."""
    for word in reversed(normalize(year or "").split()):
        if word.isdigit() and len(word) == 4:
            return f" year:{word}"
        decade = _DECADE.match(word)
        if decade:
            start = int(decade.group(1))
            if start < 100:
                start += 1900 if start >= 30 else 2000
            return f" year:{start}-{start + 9}"
    return ""


def by_splits(text: str) -> list[Want]:
    """ "stand by me" → the whole as a title, and ("stand", "me") as title by artist."""
    wants = [Want(free=text)]
    words = text.split()
    for index, word in enumerate(words):
        if word.lower() == "by" and 0 < index < len(words) - 1:
            wants.append(Want(" ".join(words[:index]), " ".join(words[index + 1 :])))
    return wants


def without_version(
    request: MediaRequest, *, editions: bool = False
) -> tuple[MediaRequest, frozenset[str]]:
    """The request with trailing version words ("… live", "… sped up") taken out of its
    names, and the version markers they ask for; ``editions`` (an album request): edition
    words too ("… super deluxe")."""
    asked: set[str] = set()
    changes: dict[str, str] = {}
    for name in ("track", "query", "album"):
        value = getattr(request, name)
        if value:
            text, markers = asked_version(value, editions=editions)
            if markers:
                changes[name] = text
                asked |= markers
    return replace(request, **changes), frozenset(asked)


def weak(candidates: Sequence[Candidate]) -> bool:
    """Nothing good yet: worth more searches."""
    return not candidates or candidates[0].score < GOOD_ENOUGH


def strong(candidates: Sequence[Candidate]) -> bool:
    """The names match (almost) exactly: no need for the other spellings and readings."""
    return bool(candidates) and candidates[0].match >= STRONG_MATCH


def track_queries(
    want: Want, year: str, free_kinds: tuple[str, ...], asked: frozenset[str] = frozenset()
) -> tuple[list[Query], list[Query]]:
    """The searches for one reading: ``(first, more)``. ``first`` is the precise one (field
    filters in the best-guess spelling, or the free text); ``more`` holds the other
    spellings (as said, numbers as digits) and free text, sent only when ``first`` finds
    nothing good. Asked versions ("live") go along as free words, so they may match a title
    suffix or an album."""
    words = " ".join(sorted(w for m in asked if (w := _MARKER_WORDS.get(m, ""))))
    if words:
        year = f" {words}{year}"
    if want.free is not None:
        forms = search_forms(want.free)
        first = [(f"{forms[0]}{year}", free_kinds)]
        more: list[Query] = [(f"track:{quote(form)}{year}", ("track",)) for form in forms]
        more += [(f"{form}{year}", free_kinds) for form in forms[1:]]
        return first, more
    assert want.name is not None
    names = search_forms(want.name)
    if not want.artist:
        first = [(f"track:{quote(names[0])}{year}", ("track",))]
        more = [(f"track:{quote(form)}{year}", ("track",)) for form in names[1:]]
        more.append((f"{names[-1]}{year}", ("track",)))
        return first, more
    artists = search_forms(want.artist)
    first = [(f"track:{quote(names[0])} artist:{quote(artists[0])}{year}", ("track",))]
    pairs = [(n, a) for n in names for a in artists if (n, a) != (names[0], artists[0])]
    more = [(f"track:{quote(n)} artist:{quote(a)}{year}", ("track",)) for n, a in pairs[:3]]
    more.append((f"{names[-1]} {artists[-1]}{year}", ("track",)))
    return first, more


def collect(results: Sequence[SearchResult]) -> dict[str, Hit]:
    """Every item of every result by URI, keeping its best position."""
    hits: dict[str, Hit] = {}

    def add(hit: Hit) -> None:
        if not hit.uri:
            return
        known = hits.get(hit.uri)
        if known is None or hit.position < known.position:
            hits[hit.uri] = hit

    for result in results:
        for position, track in enumerate(result.tracks.items if result.tracks else ()):
            add(track_hit(track, position))
        for position, artist in enumerate(result.artists.items if result.artists else ()):
            add(artist_hit(artist, position))
        for position, album in enumerate(result.albums.items if result.albums else ()):
            add(album_hit(album, position))
        for position, playlist in enumerate(result.playlists.items if result.playlists else ()):
            add(playlist_hit(playlist, position))
    return hits


def track_hit(track: Track, position: int) -> Hit:
    return Hit(
        "track",
        track.uri,
        track.name,
        tuple(a.name for a in track.artists),
        track.album.name if track.album else None,
        track.popularity,
        position,
    )


def artist_hit(artist: Artist, position: int) -> Hit:
    return Hit("artist", artist.uri, artist.name, (), None, artist.popularity, position)


def album_hit(album: Album, position: int) -> Hit:
    artists = tuple(a.name for a in album.artists)
    return Hit(
        "album", album.uri, album.name, artists, None, None, position, items=album.total_tracks
    )


def playlist_hit(playlist: Playlist, position: int, *, library: bool = False) -> Hit:
    owner = playlist.owner.display_name or playlist.owner.id if playlist.owner else None
    return Hit(
        "playlist",
        playlist.uri,
        playlist.name,
        (owner,) if owner else (),
        None,
        None,
        position,
        library,
        playlist.total_items,
    )


def not_by_the_split(text: str, hit: Hit) -> bool:
    """Free text "X by Y" read whole must not lift what its split reading rules out: when
    no split passes both floors of a title-and-artist request and one names the hit's artist
    with another title (below :data:`~ranking.TITLE_FLOOR`) or the hit's title (at least
    :data:`~ranking.BY_TITLE_FLOOR`) with another artist (below
    :data:`~ranking.ARTIST_FLOOR`), the hit is out, unless its title is the whole text
    ("Stand By Me"). So "i want you by marvin gaye" is neither "I Want To Come Home For
    Christmas" by Marvin Gaye (text 82, title 37) nor "I Don't Want You" by Martin Miller
    (text 67; title 84, artist 58)."""
    if " by " not in f" {text.lower()} ":
        return False
    other = False
    for split in by_splits(text)[1:]:
        title = ranking.title_similarity(split.name or "", hit.name)
        artist = ranking.artist_similarity(split.artist or "", hit.artists)
        if title >= ranking.TITLE_FLOOR and artist >= ranking.ARTIST_FLOOR:
            return False
        other = other or (artist >= ranking.ARTIST_FLOOR or title >= ranking.BY_TITLE_FLOOR)
    return other and ranking.title_similarity(text, hit.name) < ranking.BY_TITLE_FLOOR


def not_the_playlist(asked: str, name: str) -> bool:
    """The playlist's name is not the asked one (below :data:`~ranking.PLAYLIST_FLOOR`)."""
    return ranking.playlist_similarity(asked, name) < ranking.PLAYLIST_FLOOR


def match_score(hit: Hit, want: Want, *, contains: bool = False) -> tuple[float, list[str]]:
    """How well ``hit`` matches one reading of the request (before rank and penalties);
    ``contains``: a name that holds all the asked words counts (genre playlists)."""
    if want.free is not None:
        if hit.kind == "track" or hit.kind == "album":
            value = ranking.free_similarity(want.free, hit.name, hit.artists)
            if not_by_the_split(want.free, hit):
                return 0.0, [f"text {value:.0f}", "not the song asked for"]
        elif contains:
            value = ranking.contains_similarity(want.free, hit.name)
        elif hit.kind == "playlist":
            value = ranking.title_similarity(want.free, hit.name)
            if not_the_playlist(want.free, hit.name):
                return 0.0, [f"text {value:.0f}", "not the playlist asked for"]
        elif hit.kind == "artist":
            value = ranking.name_similarity(want.free, hit.name)
        else:
            value = ranking.similarity(want.free, hit.name)
        return ranking.NAME_ONLY * value, [f"text {value:.0f}"]
    assert want.name is not None
    if hit.kind == "artist":
        title = ranking.name_similarity(want.name, hit.name)
    else:
        title = ranking.title_similarity(want.name, hit.name)
    if want.artist and hit.kind in ("track", "album"):
        artist = ranking.artist_similarity(want.artist, hit.artists)
        reasons = [f"title {title:.0f}", f"artist {artist:.0f}"]
        if artist < ranking.ARTIST_FLOOR or title < ranking.TITLE_FLOOR:
            # another artist's song, or another song of the artist, is not the one asked for
            return 0.0, [*reasons, "not the song asked for"]
        w_title, w_artist = ranking.TITLE_AND_ARTIST
        return w_title * title + w_artist * artist, reasons
    reasons = [f"{'title' if hit.kind == 'track' else 'name'} {title:.0f}"]
    if hit.kind == "playlist" and not contains and not_the_playlist(want.name, hit.name):
        # a weak name match is no playlist of that name, in the library or not
        return 0.0, [*reasons, "not the playlist asked for"]
    if " by " in want.name and title < ranking.BY_TITLE_FLOOR:
        # the whole "X by Y" read as a title ("Stand By Me") must be that title
        return 0.0, [*reasons, "not a title with 'by'"]
    return ranking.NAME_ONLY * title, reasons


def _as_good_as(candidate: Candidate, best: Candidate | None) -> Candidate:
    """The plain edition of an album ranks as its best scoring edition did, so preferring
    it changes no order between different works."""
    if candidate.kind != "album" or best is None or best.score <= candidate.score:
        return candidate
    reasons = (*candidate.reasons, f"plain edition of {best.name}")
    return replace(candidate, score=best.score, reasons=reasons)


def rank(
    hits: Mapping[str, Hit],
    wants: Sequence[Want],
    asked: frozenset[str],
    *,
    mixed: bool = False,
    contains: bool = False,
) -> list[Candidate]:
    """Score every hit under its best reading, collapse duplicates of one work, best first.
    ``mixed``: the kind was not said, so albums and playlists yield to tracks and artists."""
    best_by_work: dict[tuple[str, ...], tuple[Candidate, int]] = {}
    editions: dict[str, int] = {}
    top: dict[tuple[str, ...], Candidate] = {}  # an album's best scoring edition
    for hit in hits.values():
        value, reasons = max(
            (match_score(hit, want, contains=contains) for want in wants), key=lambda m: m[0]
        )
        if mixed and hit.kind in ranking.KIND_PENALTY:
            value -= ranking.KIND_PENALTY[hit.kind]
            reasons = [*reasons, f"kind {hit.kind}"]
        markers = (
            version_markers(hit.name, album=hit.album, artists=hit.artists)
            if hit.kind == "track"
            else version_markers(hit.name, album=hit.name, artists=hit.artists)
            if hit.kind == "album"
            else frozenset()
        )
        scored = ranking.compose(
            value,
            reasons,
            position=hit.position,
            popularity=hit.popularity,
            markers=markers,
            asked_markers=asked if hit.kind in ("track", "album") else (),
            library=hit.library,
        )
        editions[hit.uri] = ranking.unasked_editions(markers, asked)
        candidate = Candidate(
            uri=hit.uri,
            kind=hit.kind,
            name=hit.name,
            artists=hit.artists,
            album=hit.album,
            score=scored.score,
            reasons=scored.reasons,
            match=value,
            items=hit.items,
        )
        key = (
            ranking.work_key(
                "track" if mixed and hit.kind == "album" else hit.kind,
                hit.name,
                hit.artists,
                markers,
            )
            if hit.kind in ("track", "album")
            else (hit.kind, hit.uri)
        )
        known = best_by_work.get(key)
        if known is None:
            best_by_work[key] = (candidate, hit.position)
        elif known[0].kind != candidate.kind:
            # a song and the single of the same name: the song, with the better score
            track, other = (
                (known[0], candidate) if known[0].kind == "track" else (candidate, known[0])
            )
            best_by_work[key] = (replace(track, score=max(track.score, other.score)), 0)
        elif hit.kind == "album" and known[0].kind == "album":
            # one album in several editions: the plain one unless another was asked for
            # ("Rumours" over "Rumours (Super Deluxe)"), then the better score
            if (editions[candidate.uri], -candidate.score, hit.position) < (
                editions[known[0].uri], -known[0].score, known[1]
            ):
                best_by_work[key] = (candidate, hit.position)
        elif (candidate.score, -hit.position) > (known[0].score, -known[1]):
            best_by_work[key] = (candidate, hit.position)
        if hit.kind == "album" and (key not in top or candidate.score > top[key].score):
            top[key] = candidate
    kept = [_as_good_as(candidate, top.get(key)) for key, (candidate, _) in best_by_work.items()]
    return sorted(kept, key=lambda c: (-c.score, c.kind, c.uri))
