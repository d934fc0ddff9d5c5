"""Resolution: from what the user asked (a :class:`MediaRequest`) to Spotify URIs, ranked.

:class:`Resolver` runs a few targeted searches per request, concurrently, and ranks what
comes back with the documented score of :mod:`skill.music.ranking`:

* **track** with title and artist: ``track:"T" artist:"A"``, the free text ``T A`` and, since
  a title may contain "by" ("stand by me"), ``track:"T by A"``; every split of a free query
  at "by" is tried the same way. If nothing matches well, the artist is resolved first
  (``type=artist``) and the track is searched again under the artist's catalog spelling.
* **title only**: ``track:"T"`` plus the free text; **free text of unknown kind** searches
  tracks, artists, albums and playlists in one call.
* **artist**: ``type=artist`` free text; **album**: ``album:"X" artist:"A"`` and free text.
* **playlist**: the user's own and followed playlists (``GET /me/playlists``) with a library
  bonus, and ``type=playlist`` search.
* **genre**: a playlist named for the genre when one matches, else tracks from
  ``genre:"G"`` (their URIs are in :attr:`Resolution.uris`, to play as a list).
* **liked songs**: ``spotify:user:<id>:collection`` (the id from ``GET /me``).

Spoken variants (aliases in catalog spelling, numbers as digits) are searched too, from
:func:`skill.music.names.search_forms`. Search results are cached for ``cache_ttl`` seconds
(bounded, least recently used out first), so a repeat or a follow-up costs no call; each
:class:`Resolution` says how many Web API calls it made (``queries``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from skill.errors import NotFound, SkillError
from skill.music import ranking
from skill.music.names import PENALIZED, normalize, search_forms, version_markers
from skill.spotify.client import SpotifyClient
from skill.spotify.models import Album, Artist, Playlist, SearchResult, Track

log = logging.getLogger("skill.music.resolve")

T = TypeVar("T")
SEARCH_LIMIT = 10
#: a best score below this triggers the second wave of searches
GOOD_ENOUGH = 80.0
CACHE_SIZE = 512
PROFILE_TTL = 3600.0
_FIELD_QUOTE = re.compile(r'["]')
_DECADE = re.compile(r"^(\d{2}|\d{4})s$")


@dataclass(frozen=True)
class MediaRequest:
    """What to find, from the intent's slots (every field optional)."""

    kind: str | None = None
    query: str | None = None
    track: str | None = None
    artist: str | None = None
    album: str | None = None
    playlist: str | None = None
    genre: str | None = None
    year: str | None = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, object]) -> MediaRequest:
        def text(name: str) -> str | None:
            value = slots.get(name)
            if value is None or isinstance(value, bool):
                return None
            value = str(value).strip()
            return value or None

        return cls(
            kind=text("kind"),
            query=text("query"),
            track=text("track"),
            artist=text("artist"),
            album=text("album"),
            playlist=text("playlist"),
            genre=text("genre"),
            year=text("year"),
        )

    def describe(self) -> str:
        """What was asked, in words ("blinding lights by the weekend")."""
        name = self.track or self.album or self.playlist or self.genre or self.query
        if name and self.artist:
            return f"{name} by {self.artist}"
        if name:
            return name
        if self.artist:
            return self.artist
        return "your liked songs" if self.kind == "liked" else "that"

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Candidate:
    """One ranked answer."""

    uri: str
    kind: str
    """``track``, ``album``, ``artist``, ``playlist`` or ``collection`` (liked songs)."""
    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    """How the score was made: ``("title 100", "artist 95", "rank 0", "penalty live")``."""

    def label(self) -> str:
        """What the user hears: "Hello by Adele", "25 by Adele", "Queen", "Road Trip"."""
        if self.kind in ("track", "album") and self.artists:
            return f"{self.name} by {self.artists[0]}"
        if self.kind == "collection":
            return "your Liked Songs"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "kind": self.kind,
            "name": self.name,
            "artists": list(self.artists),
            "album": self.album,
            "label": self.label(),
            "score": self.score,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Resolution:
    """The ranked candidates of one request."""

    candidates: tuple[Candidate, ...]
    """Best first; duplicates of one work already collapsed."""
    request: MediaRequest = field(default_factory=MediaRequest)
    queries: int = 0
    """Web API calls this resolution made (cache hits not counted)."""
    uris: tuple[str, ...] = ()
    """For a genre resolved to tracks: the track URIs to play as a list (else empty)."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def ambiguous(self) -> bool:
        """The top two are different works too close to call (ranking.AMBIGUITY_MARGIN)."""
        if len(self.candidates) < 2 or self.uris:
            return False
        first, second = self.candidates[0], self.candidates[1]
        return (
            second.score >= ranking.AMBIGUITY_FLOOR
            and first.score - second.score < ranking.AMBIGUITY_MARGIN
        )

    def choices(self, count: int = 2) -> tuple[Candidate, ...]:
        """The candidates to offer when asking (the top ones within the margin)."""
        if not self.candidates:
            return ()
        top = self.candidates[0].score
        close = [
            c
            for c in self.candidates[:count]
            if top - c.score < ranking.AMBIGUITY_MARGIN and c.score >= ranking.AMBIGUITY_FLOOR
        ]
        return tuple(close) or self.candidates[:1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request.to_dict(),
            "ambiguous": self.ambiguous,
            "queries": self.queries,
            "candidates": [c.to_dict() for c in self.candidates],
            "uris": list(self.uris),
        }


# -- internals ---------------------------------------------------------------------------


@dataclass
class _Hit:
    kind: str
    uri: str
    name: str
    artists: tuple[str, ...]
    album: str | None
    popularity: int | None
    position: int
    library: bool = False


@dataclass
class _Calls:
    """Web API calls of one resolution."""

    count: int = 0


@dataclass(frozen=True)
class _Want:
    """One reading of the request: a name, maybe an artist, or free text."""

    name: str | None = None
    artist: str | None = None
    free: str | None = None


def _quote(value: str) -> str:
    return '"' + _FIELD_QUOTE.sub(" ", value).strip() + '"'


def _year_filter(year: str | None) -> str:
    if not year:
        return ""
    value = normalize(year).replace(" ", "")
    if value.isdigit() and len(value) == 4:
        return f" year:{value}"
    decade = _DECADE.match(value)
    if decade:
        start = int(decade.group(1))
        start = start + (1900 if start >= 30 else 2000) if start < 100 else start
        return f" year:{start}-{start + 9}"
    return ""


def _by_splits(text: str) -> list[_Want]:
    """ "stand by me" → the whole as a title, and ("stand", "me") as title by artist."""
    wants = [_Want(free=text)]
    words = text.split()
    for index, word in enumerate(words):
        if word.lower() == "by" and 0 < index < len(words) - 1:
            wants.append(_Want(" ".join(words[:index]), " ".join(words[index + 1 :])))
    return wants


class _Cache:
    """Search results for a short while, least recently used out first."""

    def __init__(self, clock: Callable[[], float], ttl: float, size: int) -> None:
        self._clock = clock
        self._ttl = ttl
        self._size = size
        self._items: OrderedDict[tuple[str, ...], tuple[float, Any]] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> Any | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return entry[1]

    def put(self, key: tuple[str, ...], value: Any, ttl: float | None = None) -> None:
        self._items[key] = (self._clock() + (self._ttl if ttl is None else ttl), value)
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class Resolver:
    """Finds what a request means in Spotify's catalog (see the module doc)."""

    def __init__(
        self,
        client: SpotifyClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        cache_ttl: float = 60.0,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self._client = client
        self._cache = _Cache(clock, cache_ttl, cache_size)
        self._inflight: dict[tuple[str, ...], asyncio.Future[Any]] = {}

    async def resolve(self, user_id: str, request: MediaRequest) -> Resolution:
        """The ranked candidates; raises ``NotFound`` when nothing matches."""
        calls = _Calls()
        uris: tuple[str, ...] = ()
        kind = request.kind
        if kind == "liked":
            candidates = [await self._liked(user_id, calls)]
        elif request.playlist or kind == "playlist":
            candidates = await self._playlists(user_id, request, calls)
        elif request.genre or kind == "genre":
            candidates, uris = await self._genre(user_id, request, calls)
        elif request.album or kind == "album":
            candidates = await self._albums(user_id, request, calls)
        elif kind in ("podcast", "episode", "audiobook"):
            raise NotFound(
                "Podcasts and audiobooks cannot be searched yet.",
                details={"request": request.to_dict()},
            )
        elif kind == "artist" or (
            request.artist and not (request.track or request.query) and kind != "track"
        ):
            candidates = await self._artists(user_id, request, calls)
        elif request.track or request.query or request.artist:
            candidates = await self._tracks(user_id, request, calls)
        else:
            raise NotFound("Nothing was named to look for.", details={"request": {}})
        candidates = [c for c in candidates if c.score >= ranking.MATCH_FLOOR]
        if not candidates:
            raise NotFound(
                f"Nothing on Spotify matches {request.describe()!r}.",
                details={"request": request.to_dict(), "queries": calls.count},
            )
        resolution = Resolution(tuple(candidates), request, calls.count, uris)
        log.debug("resolved %s -> %s", request.to_dict(), resolution.to_dict()["candidates"][:3])
        return resolution

    # -- calls ---------------------------------------------------------------------------

    async def _cached(
        self,
        key: tuple[str, ...],
        calls: _Calls,
        fetch: Callable[[], Awaitable[T]],
        ttl: float | None = None,
    ) -> T:
        hit: T | None = self._cache.get(key)
        if hit is not None:
            return hit
        pending = self._inflight.get(key)
        if pending is not None:
            shared: T = await asyncio.shield(pending)
            return shared
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            calls.count += 1
            value = await fetch()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must
            raise
        else:
            future.set_result(value)
            self._cache.put(key, value, ttl)
            return value
        finally:
            del self._inflight[key]

    async def _search(
        self, user_id: str, query: str, types: Sequence[str], calls: _Calls
    ) -> SearchResult:
        key = ("search", query, ",".join(types))
        return await self._cached(
            key,
            calls,
            lambda: self._client.search(user_id, query, types, limit=SEARCH_LIMIT),
        )

    async def _searches(
        self, user_id: str, queries: Sequence[tuple[str, Sequence[str]]], calls: _Calls
    ) -> list[SearchResult]:
        """Several searches at once; a failed one is skipped unless all fail."""
        unique = list(dict.fromkeys((q, tuple(t)) for q, t in queries if q.strip()))
        results = await asyncio.gather(
            *(self._search(user_id, q, t, calls) for q, t in unique), return_exceptions=True
        )
        good = [r for r in results if isinstance(r, SearchResult)]
        errors = [r for r in results if isinstance(r, BaseException)]
        for error in errors:
            if not isinstance(error, SkillError):
                raise error
        if errors and not good:
            raise errors[0]
        return good

    # -- liked songs ---------------------------------------------------------------------

    async def _liked(self, user_id: str, calls: _Calls) -> Candidate:
        me = await self._cached(
            ("me", user_id), calls, lambda: self._client.me(user_id), ttl=PROFILE_TTL
        )
        return Candidate(
            uri=f"spotify:user:{me.id}:collection",
            kind="collection",
            name="Liked Songs",
            score=100.0,
            reasons=("liked songs",),
        )

    # -- tracks --------------------------------------------------------------------------

    async def _tracks(self, user_id: str, request: MediaRequest, calls: _Calls) -> list[Candidate]:
        wants: list[_Want] = []
        year = _year_filter(request.year)
        if request.track:
            wants.append(_Want(request.track, request.artist))
            if request.artist:
                wants.append(_Want(f"{request.track} by {request.artist}"))
            wants.extend(w for w in _by_splits(request.track)[1:] if not request.artist)
        elif request.query:
            if request.artist:
                wants.append(_Want(request.query, request.artist))
            else:
                wants.extend(_by_splits(request.query))
        elif request.artist:
            wants.append(_Want(free=request.artist))
        asked = _asked_markers(request)
        queries: list[tuple[str, Sequence[str]]] = []
        free_kinds = ["track"]
        if request.kind is None and not request.track and not request.artist:
            free_kinds = ["track", "artist", "album", "playlist"]
        for want in wants:
            queries.extend(_track_queries(want, year, free_kinds))
        hits = _collect(await self._searches(user_id, queries, calls))
        candidates = _rank(hits, wants, asked)
        if _weak(candidates):
            more = await self._artist_first(user_id, wants, year, calls)
            if more:
                hits.update({k: v for k, v in more.items() if k not in hits})
                candidates = _rank(hits, wants, asked)
        return candidates

    async def _artist_first(
        self, user_id: str, wants: Sequence[_Want], year: str, calls: _Calls
    ) -> dict[str, _Hit]:
        """Resolve the artist's catalog spelling, then search its tracks by that name."""
        split = [w for w in wants if w.name and w.artist]
        queries: list[tuple[str, Sequence[str]]] = []
        for want in split:
            assert want.artist is not None and want.name is not None
            found = await self._searches(
                user_id, [(f, ["artist"]) for f in search_forms(want.artist)[-1:]], calls
            )
            artists = [a for r in found if r.artists for a in r.artists.items]
            best = max(
                artists[:SEARCH_LIMIT],
                key=lambda a: ranking.artist_similarity(want.artist or "", [a.name]),
                default=None,
            )
            if best is None or ranking.artist_similarity(want.artist, [best.name]) < 70:
                continue
            for form in search_forms(want.name)[-1:]:
                queries.append(
                    (f"track:{_quote(form)} artist:{_quote(best.name)}{year}", ["track"])
                )
                queries.append((f"{form} artist:{_quote(best.name)}{year}", ["track"]))
        if not queries:
            free = [w.free or f"{w.name} {w.artist or ''}" for w in wants[:1]]
            queries = [(f"{search_forms(t)[-1]}{year}", ["track"]) for t in free]
            queries += [(f"{t}{year}", ["track"]) for t in free]
        return _collect(await self._searches(user_id, queries, calls))

    # -- artists -------------------------------------------------------------------------

    async def _artists(self, user_id: str, request: MediaRequest, calls: _Calls) -> list[Candidate]:
        name = request.artist or request.query or ""
        queries = [(form, ["artist"]) for form in search_forms(name)]
        hits = _collect(await self._searches(user_id, queries, calls))
        return _rank(hits, [_Want(name)], frozenset())

    # -- albums --------------------------------------------------------------------------

    async def _albums(self, user_id: str, request: MediaRequest, calls: _Calls) -> list[Candidate]:
        name = request.album or request.query or ""
        year = _year_filter(request.year)
        wants = [_Want(name, request.artist)]
        queries: list[tuple[str, Sequence[str]]] = []
        for form in search_forms(name):
            if request.artist:
                artist = search_forms(request.artist)[-1]
                queries.append((f"album:{_quote(form)} artist:{_quote(artist)}{year}", ["album"]))
                queries.append((f"{form} {artist}{year}", ["album"]))
            else:
                queries.append((f"album:{_quote(form)}{year}", ["album"]))
        if not request.artist:
            queries.append((f"{search_forms(name)[-1]}{year}", ["album"]))
        hits = _collect(await self._searches(user_id, queries, calls))
        return _rank(hits, wants, _asked_markers(request))

    # -- playlists -----------------------------------------------------------------------

    async def _my_playlists(self, user_id: str, calls: _Calls) -> list[Playlist]:
        async def fetch() -> list[Playlist]:
            page = await self._client.my_playlists(user_id, limit=50)
            found = list(page.items)
            offset = len(page.items)
            while page.next and offset < min(page.total, 200):
                calls.count += 1
                page = await self._client.my_playlists(user_id, limit=50, offset=offset)
                if not page.items:
                    break
                found.extend(page.items)
                offset += len(page.items)
            return found

        return await self._cached(("my_playlists", user_id), calls, fetch)

    async def _playlists(
        self, user_id: str, request: MediaRequest, calls: _Calls
    ) -> list[Candidate]:
        name = request.playlist or request.query or request.genre or ""
        forms = search_forms(name)
        mine, found = await asyncio.gather(
            self._my_playlists(user_id, calls),
            self._searches(user_id, [(form, ["playlist"]) for form in forms], calls),
        )
        hits = _collect(found)
        for position, playlist in enumerate(mine):
            hits[playlist.uri] = _playlist_hit(playlist, position, library=True)
        return _rank(hits, [_Want(name)], frozenset())

    # -- genres --------------------------------------------------------------------------

    async def _genre(
        self, user_id: str, request: MediaRequest, calls: _Calls
    ) -> tuple[list[Candidate], tuple[str, ...]]:
        genre = request.genre or request.query or ""
        year = _year_filter(request.year)
        playlists, tracks = await asyncio.gather(
            self._searches(user_id, [(search_forms(genre)[0], ["playlist"])], calls),
            self._searches(user_id, [(f"genre:{_quote(genre)}{year}", ["track"])], calls),
        )
        playlist_hits = _collect(playlists)
        lists = [
            replace(c, reasons=(*c.reasons, f"genre {genre}"))
            for c in _rank(playlist_hits, [_Want(free=genre)], frozenset())
            if c.score >= GOOD_ENOUGH and not year
        ]
        if lists:
            return lists, ()
        track_hits = _collect(tracks)
        ranked = sorted(
            track_hits.values(),
            key=lambda h: (h.popularity is None, -(h.popularity or 0), h.position),
        )
        candidates = [
            Candidate(
                uri=h.uri,
                kind="track",
                name=h.name,
                artists=h.artists,
                album=h.album,
                score=100.0 - i,
                reasons=(f"genre {genre}", f"rank {h.position}"),
            )
            for i, h in enumerate(ranked)
            if not (version_markers(h.name, album=h.album, artists=h.artists) & PENALIZED)
        ]
        return candidates, tuple(c.uri for c in candidates)


# -- ranking helpers ---------------------------------------------------------------------


def _asked_markers(request: MediaRequest) -> frozenset[str]:
    text = " ".join(v for v in (request.track, request.query, request.album) if v)
    return version_markers(text, whole=True) if text else frozenset()


def _weak(candidates: Sequence[Candidate]) -> bool:
    return not candidates or candidates[0].score < GOOD_ENOUGH


def _track_queries(
    want: _Want, year: str, free_kinds: list[str]
) -> list[tuple[str, Sequence[str]]]:
    queries: list[tuple[str, Sequence[str]]] = []
    if want.free is not None:
        forms = search_forms(want.free)
        queries.append((f"track:{_quote(forms[-1])}{year}", ["track"]))
        for form in forms:
            queries.append((f"{form}{year}", free_kinds))
        return queries
    assert want.name is not None
    names = search_forms(want.name)
    if want.artist:
        artists = search_forms(want.artist)
        queries.append((f"track:{_quote(names[0])} artist:{_quote(artists[-1])}{year}", ["track"]))
        if len(names) > 1:
            queries.append(
                (f"track:{_quote(names[-1])} artist:{_quote(artists[-1])}{year}", ["track"])
            )
        queries.append((f"{names[-1]} {artists[-1]}{year}", ["track"]))
    else:
        for form in names:
            queries.append((f"track:{_quote(form)}{year}", ["track"]))
    return queries


def _collect(results: Sequence[SearchResult]) -> dict[str, _Hit]:
    """Every item of every result by URI, keeping its best position."""
    hits: dict[str, _Hit] = {}

    def add(hit: _Hit) -> None:
        if not hit.uri:
            return
        known = hits.get(hit.uri)
        if known is None or hit.position < known.position:
            hits[hit.uri] = hit

    for result in results:
        for position, track in enumerate(result.tracks.items if result.tracks else ()):
            add(_track_hit(track, position))
        for position, artist in enumerate(result.artists.items if result.artists else ()):
            add(_artist_hit(artist, position))
        for position, album in enumerate(result.albums.items if result.albums else ()):
            add(_album_hit(album, position))
        for position, playlist in enumerate(result.playlists.items if result.playlists else ()):
            add(_playlist_hit(playlist, position))
    return hits


def _track_hit(track: Track, position: int) -> _Hit:
    return _Hit(
        "track",
        track.uri,
        track.name,
        tuple(a.name for a in track.artists),
        track.album.name if track.album else None,
        track.popularity,
        position,
    )


def _artist_hit(artist: Artist, position: int) -> _Hit:
    return _Hit("artist", artist.uri, artist.name, (), None, artist.popularity, position)


def _album_hit(album: Album, position: int) -> _Hit:
    return _Hit(
        "album", album.uri, album.name, tuple(a.name for a in album.artists), None, None, position
    )


def _playlist_hit(playlist: Playlist, position: int, *, library: bool = False) -> _Hit:
    owner = playlist.owner.display_name or playlist.owner.id if playlist.owner else None
    return _Hit(
        "playlist",
        playlist.uri,
        playlist.name,
        (owner,) if owner else (),
        None,
        None,
        position,
        library,
    )


def _match(hit: _Hit, want: _Want) -> tuple[float, list[str]]:
    if want.free is not None:
        if hit.kind == "track" or hit.kind == "album":
            value = ranking.free_similarity(want.free, hit.name, hit.artists)
        else:
            value = ranking.similarity(want.free, hit.name)
        return ranking.NAME_ONLY * value, [f"text {value:.0f}"]
    assert want.name is not None
    if hit.kind in ("track", "album"):
        title = ranking.title_similarity(want.name, hit.name)
    else:
        title = ranking.similarity(want.name, hit.name)
    if want.artist and hit.kind in ("track", "album"):
        artist = ranking.artist_similarity(want.artist, hit.artists)
        w_title, w_artist = ranking.TITLE_AND_ARTIST
        return w_title * title + w_artist * artist, [f"title {title:.0f}", f"artist {artist:.0f}"]
    return ranking.NAME_ONLY * title, [f"{'title' if hit.kind == 'track' else 'name'} {title:.0f}"]


def _rank(
    hits: Mapping[str, _Hit], wants: Sequence[_Want], asked: frozenset[str]
) -> list[Candidate]:
    best_by_work: dict[tuple[str, ...], tuple[Candidate, int]] = {}
    for hit in hits.values():
        match, reasons = max((_match(hit, want) for want in wants), key=lambda m: m[0])
        markers = (
            version_markers(hit.name, album=hit.album, artists=hit.artists)
            if hit.kind == "track"
            else version_markers("", album=hit.name)
            if hit.kind == "album"
            else frozenset()
        )
        scored = ranking.compose(
            match,
            reasons,
            position=hit.position,
            popularity=hit.popularity,
            markers=markers,
            asked_markers=asked if hit.kind in ("track", "album") else (),
            library=hit.library,
        )
        candidate = Candidate(
            uri=hit.uri,
            kind=hit.kind,
            name=hit.name,
            artists=hit.artists,
            album=hit.album,
            score=scored.score,
            reasons=scored.reasons,
        )
        key = (
            ranking.work_key(hit.kind, hit.name, hit.artists, markers)
            if hit.kind in ("track", "album")
            else (hit.kind, hit.uri)
        )
        known = best_by_work.get(key)
        if known is None or (candidate.score, -hit.position) > (known[0].score, -known[1]):
            best_by_work[key] = (candidate, hit.position)
    kept = (candidate for candidate, _ in best_by_work.values())
    return sorted(kept, key=lambda c: (-c.score, c.kind, c.uri))
