"""Resolution: from what the user asked (a :class:`MediaRequest`) to Spotify URIs, ranked.

:class:`Resolver` sends a few targeted searches per request, in waves (each wave's searches
concurrently), and ranks what comes back with the documented score of
:mod:`skill.music.ranking`. Development-mode search returns at most 10 items and no
popularity, so precise field filters come first and Spotify's order is the popularity signal.

* **track** with title and artist. Wave 1: ``track:"T" artist:"A"`` in the best-guess
  spelling (aliases in catalog spelling: "the weekend" → "The Weeknd"). If no name matched
  (almost) exactly (:func:`~skill.music.candidates.strong`), wave 2: the other spellings (as
  said; numbers as digits, letters joined), the free text ``T A``, and the title read whole
  (``track:"T by A"``: "stand by me" may have been split at its "by"). If still nothing
  good, wave 3 resolves the artist first (``type=artist``) and searches the title under the
  artist's catalog spelling.
* **title alone** (no artist, no kind word, no year, no version asked: "play road trip"):
  the user's own or followed playlist whose whole name it is, as for a genre (below), else
  the song as above. The user's playlists come with the first search (cached).
* **free text** ("the weeknd blinding lights", "stand by me"): every split at "by" is a
  title-by-artist reading searched as above, and the whole text is searched over tracks,
  artists, albums and playlists at once (when the kind was not said, together with the
  user's own playlists, cached) or as a title.
  Version words at the end ("… live", "… sped up") are taken out of the names and asked for.
* **artist**: ``type=artist`` free text; **album**: ``album:"X" artist:"A"``, then the
  other spellings and free text. The plain edition of an album wins over its Deluxe,
  Expanded, Anniversary or Remastered editions unless one was asked for ("rumours super
  deluxe", "the deluxe version of rumours"); a name that holds such words ("Royal Deluxe")
  and matches whole is that album (one more search, only when version words were said).
* **playlist**: the user's own and followed playlists (``GET /me/playlists``, cached) with a
  library bonus, and ``type=playlist`` search, at once; only a playlist whose name matches
  (``ranking.PLAYLIST_FLOOR``) counts, however high its bonus.
* **genre**: the user's own or followed playlist whose whole name it is ("play dinner jazz"
  and the user has "Dinner Jazz"; ``ranking.PLAYLIST_FLOOR`` on the title similarity, not a
  name that merely holds the genre), else a playlist named for the genre when one matches,
  else tracks from ``genre:"G"`` (their URIs are in :attr:`Resolution.uris`, to play as a
  list); with a decade or year (``year:1980-1989``) the tracks of those years, or the user's
  playlist named with both ("90s dance"). A decade or year alone gives its most popular
  tracks. The user's playlists come with the searches (cached, as for playlist requests).
* **mood** (free text that is only a mood or an activity of the gazetteer: "something
  relaxing", "party music"): as a genre, and when that finds nothing, the free-text results
  whose name holds the word, songs played as a list; reported as a genre (nothing to ask).
* **radio**: a station by name ("play npr", kind ``radio`` with no genre, artist or title)
  raises ``NotFound`` with ``details["reason"]`` ``radio_station``: Spotify has no stations,
  and a song whose name looks like the station's ("CPR" for "npr") is no answer. A name that
  is an artist's exactly plays the artist ("taylor swift radio"); "jazz radio" the genre.
* **liked songs**: ``spotify:user:<id>:collection`` (the id from ``GET /me``, cached).

Nothing matching raises ``NotFound``; its ``details["reason"]`` is ``spotify_playlist`` when
the name is one of Spotify's own playlists ("release radar"), which development-mode apps
cannot open (:func:`~skill.music.names.spotify_playlist`). Free text naming one of them whole
plays only a strong match (a song of that name), never a weak one.

A song or an album named with its artist that is not in the catalog raises ``NotFound``;
:meth:`Resolver.artist_instead` then finds the artist alone, when the catalog clearly has it,
for the caller to play instead (and say so).

Results are cached for ``cache_ttl`` seconds (bounded, least recently used out first; one
search in flight per query, shared by concurrent resolutions), so a repeat or a follow-up
costs no call. Each :class:`Resolution` says how many Web API calls it made (``queries``):
1-2 for most requests, never more than :data:`MAX_QUERIES` (8).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from skill.errors import NotFound, SkillError
from skill.music import ranking
from skill.music.candidates import (
    GOOD_ENOUGH,
    SEARCH_LIMIT,
    Hit,
    Query,
    Want,
    by_splits,
    collect,
    playlist_hit,
    quote,
    rank,
    strong,
    track_queries,
    weak,
    without_version,
    year_filter,
)
from skill.music.media import Candidate, MediaRequest, Resolution
from skill.music.names import (
    PENALIZED,
    mood,
    normalize,
    search_forms,
    spotify_playlist,
    version_markers,
)
from skill.spotify.client import SpotifyClient
from skill.spotify.models import Playlist, SearchResult

__all__ = ["Candidate", "MediaRequest", "Resolution", "Resolver"]

log = logging.getLogger("skill.music.resolve")

T = TypeVar("T")
CACHE_SIZE = 512
#: Web API calls one resolution may make (searches past it are skipped)
MAX_QUERIES = 8
PROFILE_TTL = 3600.0


#: Spotify's "This Is <artist>" playlists
_THIS_IS = re.compile(r"this is (.+)")


def _looked_for(request: MediaRequest) -> str:
    """What kind of thing the request names (see :attr:`Resolution.kind`)."""
    kind = request.kind
    if kind == "liked":
        return "liked"
    if request.playlist or kind == "playlist":
        return "playlist"
    if request.genre or kind == "genre":
        return "genre"
    if request.album or kind == "album":
        return "album"
    if kind in ("podcast", "episode", "audiobook"):
        return "unsupported"
    if kind == "radio" and request.query and not (
        request.genre or request.artist or request.track
    ):
        return "station"  # "play npr": no station is on Spotify ("jazz radio" plays jazz)
    if request.query and kind in (None, "track") and not (request.artist or request.track) and (
        mood(request.query)
    ):
        return "mood"
    if kind == "artist" or (request.artist and not (request.track or request.query)):
        return "artist" if kind != "track" else "track"
    if request.track or kind == "track" or (request.query and request.artist):
        return "track"
    if request.query:
        return "any"
    if request.year:
        return "year"
    return "nothing"


@dataclass
class _Calls:
    """Web API calls of one resolution."""

    count: int = 0


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
        looked = _looked_for(request)
        if looked == "liked":
            candidates = [await self._liked(user_id, calls)]
        elif looked == "playlist":
            candidates = await self._playlists(user_id, request, calls)
        elif looked in ("genre", "year"):
            candidates, uris = await self._genre(user_id, request, calls)
        elif looked == "mood":
            # "something relaxing": a playlist named for the mood, else its genre's songs,
            # else a name that holds the mood word ("Relaxing Piano"; "hindi" is no "Hindia")
            # played as a genre is: no question of which one
            candidates, uris = await self._genre(user_id, request, calls)
            looked = "genre"
            if not candidates:
                said = f" {normalize(request.query or '')} "
                candidates = [
                    c for c in await self._tracks(user_id, request, calls)
                    if said in f" {normalize(c.name)} "
                ]
                if candidates and candidates[0].kind == "track":
                    uris = tuple(c.uri for c in candidates if c.kind == "track")
        elif looked == "album":
            candidates = await self._albums(user_id, request, calls)
        elif looked == "artist":
            candidates = await self._artists(user_id, request, calls)
        elif looked in ("track", "any"):
            candidates = await self._tracks(user_id, request, calls)
        elif looked == "unsupported":
            raise NotFound(
                "Podcasts and audiobooks cannot be searched yet.",
                details={"request": request.to_dict()},
            )
        elif looked == "station":
            # "taylor swift radio": an artist of that very name plays (the artist's music);
            # a station's name ("npr", "wnyc") is not on Spotify
            candidates = await self._artist_matches(user_id, str(request.query), calls)
            if not strong(candidates):
                raise NotFound(
                    "Radio stations are not on Spotify.",
                    details={"request": request.to_dict(), "reason": "radio_station"},
                )
            looked = "artist"
        else:
            raise NotFound("Nothing was named to look for.", details={"request": {}})
        candidates = [c for c in candidates if c.score >= ranking.MATCH_FLOOR]
        named = request.playlist or request.query
        if looked == "playlist" and named is None:
            named = request.genre  # "play the chill vibes playlist" read as a mood or genre
        owned = looked in ("playlist", "any") and named is not None and spotify_playlist(named)
        if owned and looked == "any" and not strong(candidates):
            candidates = []  # free text naming Spotify's "release radar" is no album "Release"
        if not candidates:
            details: dict[str, object] = {"request": request.to_dict(), "queries": calls.count}
            if owned:
                details["reason"] = "spotify_playlist"
            raise NotFound(f"Nothing on Spotify matches {request.describe()!r}.", details=details)
        resolution = Resolution(tuple(candidates), request, calls.count, uris, looked)
        log.debug("resolved %s -> %s", request.to_dict(), resolution.to_dict()["candidates"][:3])
        return resolution

    async def artist_instead(self, user_id: str, request: MediaRequest) -> Resolution | None:
        """The artist a title-and-artist request named, for when the title is not in the
        catalog (:meth:`resolve` raised ``NotFound``): a resolution of that artist alone when
        the catalog clearly has it (a name match of at least
        :data:`~skill.music.ranking.ARTIST_INSTEAD_FLOOR`, not too close to call against
        another artist), else None. Only for a song or an album named with its artist in the
        ``artist`` slot: a title alone, or free text read at its "by", has no artist to fall
        back to. The artist search is usually cached from the resolution's third wave."""
        name = request.artist
        if _looked_for(request) in ("playlist", "any") and not name:
            # "play this is taylor swift": Spotify's playlist of the artist, which
            # development-mode apps cannot open (BEHAVIOR.md), is the artist's music
            this_is = _THIS_IS.fullmatch(normalize(request.playlist or request.query or ""))
            if this_is is None:
                return None
            name = this_is.group(1)
        elif not name or _looked_for(request) not in ("track", "album"):
            return None
        elif not (request.track or request.album or request.query):
            return None
        calls = _Calls()
        candidates = await self._artist_matches(user_id, name, calls)
        wanted = MediaRequest(kind="artist", artist=name)
        resolution = Resolution(tuple(candidates), wanted, calls.count, (), "artist")
        best = resolution.best
        if best is None or resolution.ambiguous:
            return None
        if ranking.artist_similarity(name, [best.name]) < ranking.ARTIST_INSTEAD_FLOOR:
            return None
        log.debug("artist instead of %s -> %s", request.to_dict(), best.name)
        return resolution

    async def _artist_matches(self, user_id: str, name: str, calls: _Calls) -> list[Candidate]:
        """The artists (and only artists) matching ``name`` well enough to play
        (:data:`~skill.music.ranking.MATCH_FLOOR`), best first."""
        wanted = MediaRequest(kind="artist", artist=name)
        return [
            c for c in await self._artists(user_id, wanted, calls)
            if c.kind == "artist" and c.score >= ranking.MATCH_FLOOR
        ]

    # -- calls ---------------------------------------------------------------------------

    async def _cached(
        self,
        key: tuple[str, ...],
        calls: _Calls,
        fetch: Callable[[], Awaitable[T]],
        ttl: float | None = None,
    ) -> T:
        """The cached value, or one fetch shared by everyone asking meanwhile. The fetch runs
        as its own task: a caller that gives up (cancelled) does not cancel it for others."""
        hit: T | None = self._cache.get(key)
        if hit is not None:
            return hit
        task = self._inflight.get(key)
        if task is None:
            calls.count += 1
            task = asyncio.ensure_future(self._fetch(key, fetch, ttl))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._settled(key, done))
        value: T = await asyncio.shield(task)
        return value

    async def _fetch(
        self, key: tuple[str, ...], fetch: Callable[[], Awaitable[Any]], ttl: float | None
    ) -> Any:
        value = await fetch()
        self._cache.put(key, value, ttl)
        return value

    def _settled(self, key: tuple[str, ...], task: asyncio.Future[Any]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here, so an error nobody awaited is not reported

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
        self, user_id: str, queries: Sequence[Query], calls: _Calls
    ) -> list[SearchResult]:
        """Several searches at once; a failed one is skipped unless all fail. Searches not
        in the cache are sent only while the resolution's budget lasts (:data:`MAX_QUERIES`)."""
        unique: list[Query] = []
        budget = MAX_QUERIES - calls.count
        for q, t in dict.fromkeys((q, tuple(t)) for q, t in queries if q.strip()):
            key = ("search", q, ",".join(t))
            if self._cache.get(key) is None and key not in self._inflight:
                if budget <= 0:
                    log.debug("search budget spent, skipped %r", q)
                    continue
                budget -= 1
            unique.append((q, t))
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
        request, asked = without_version(request)
        wants: list[Want] = []
        year = year_filter(request.year)
        if request.track:
            wants.append(Want(request.track, request.artist))
            if request.artist:
                wants.append(Want(f"{request.track} by {request.artist}"))
            wants.extend(w for w in by_splits(request.track)[1:] if not request.artist)
        elif request.query:
            if request.artist:
                wants.append(Want(request.query, request.artist))
            else:
                wants.extend(by_splits(request.query))
        elif request.artist:
            wants.append(Want(free=request.artist))
        free_kinds: tuple[str, ...] = ("track",)
        if request.kind is None and not request.track and not request.artist:
            free_kinds = ("track", "artist", "album", "playlist")
        mixed = len(free_kinds) > 1
        # first the precise search of each title-by-artist reading (or of every reading when
        # there is no split); the rest only if no name matched (almost) exactly
        splits = [w for w in wants if w.name and w.artist] or wants
        first: list[Query] = []
        more: list[Query] = []
        for want in [*splits, *(w for w in wants if w not in splits)]:
            precise, others = track_queries(want, year, free_kinds, asked)
            (first if want in splits else more).extend(precise)
            more += others
            if asked:  # the asked version may not exist: the original is the fallback
                more += track_queries(want, year, free_kinds)[0]
        if mixed:  # the kind was not said: the user's own playlists may be meant
            found, mine = await asyncio.gather(
                self._searches(user_id, first, calls), self._my_playlists_if_any(user_id, calls)
            )
            hits = collect(found)
            for position, playlist in enumerate(mine):
                hits[playlist.uri] = playlist_hit(playlist, position, library=True)
        elif title := _title_alone(request, asked):
            # "play road trip": a title alone that is the whole name of the user's playlist
            found, own = await self._with_named_playlists(
                user_id, title, f"title alone {title}", calls, self._searches(user_id, first, calls)
            )
            if own:
                return own
            hits = collect(found)
        else:
            hits = collect(await self._searches(user_id, first, calls))
        candidates = rank(hits, wants, asked, mixed=mixed)
        if not strong(candidates):
            sent = set(first)
            found = await self._searches(user_id, [q for q in more if q not in sent], calls)
            hits.update({k: v for k, v in collect(found).items() if k not in hits})
            candidates = rank(hits, wants, asked, mixed=mixed)
        if weak(candidates):
            found_more = await self._artist_first(user_id, wants, year, calls)
            if found_more:
                hits.update({k: v for k, v in found_more.items() if k not in hits})
                candidates = rank(hits, wants, asked, mixed=mixed)
        return candidates

    async def _artist_first(
        self, user_id: str, wants: Sequence[Want], year: str, calls: _Calls
    ) -> dict[str, Hit]:
        """Resolve the artist's catalog spelling, then search its tracks by that name."""
        split = [w for w in wants if w.name and w.artist]
        found = await asyncio.gather(
            *(
                self._searches(user_id, [(search_forms(w.artist or "")[0], ("artist",))], calls)
                for w in split
            )
        )
        queries: list[Query] = []
        for want, results in zip(split, found, strict=True):
            asked, name = want.artist or "", want.name or ""
            artists = [a for r in results if r.artists for a in r.artists.items]
            best = max(
                artists, key=lambda a: ranking.artist_similarity(asked, [a.name]), default=None
            )
            if best is None or ranking.artist_similarity(asked, [best.name]) < 70:
                continue
            for form in search_forms(name)[:2]:
                queries.append((f"track:{quote(form)} artist:{quote(best.name)}{year}", ("track",)))
            queries.append((f"{search_forms(name)[0]} artist:{quote(best.name)}{year}", ("track",)))
        if not queries:
            free = [w.free or f"{w.name} {w.artist or ''}" for w in wants[:1]]
            queries = [
                (f"{form}{year}", ("track",)) for text in free for form in search_forms(text)
            ]
        return collect(await self._searches(user_id, queries, calls))

    # -- artists -------------------------------------------------------------------------

    async def _artists(self, user_id: str, request: MediaRequest, calls: _Calls) -> list[Candidate]:
        name = request.artist or request.query or ""
        forms = search_forms(name)
        hits = collect(await self._searches(user_id, [(forms[0], ("artist",))], calls))
        candidates = rank(hits, [Want(name)], frozenset())
        if weak(candidates) and len(forms) > 1:
            more = await self._searches(user_id, [(f, ("artist",)) for f in forms[1:]], calls)
            hits.update({k: v for k, v in collect(more).items() if k not in hits})
            candidates = rank(hits, [Want(name)], frozenset())
        return candidates

    # -- albums --------------------------------------------------------------------------

    async def _albums(self, user_id: str, request: MediaRequest, calls: _Calls) -> list[Candidate]:
        stripped, asked = without_version(request, editions=True)
        if not asked:
            return await self._album_reading(user_id, request, asked, calls)
        # version words may be part of the name ("Royal Deluxe"): the whole name matched
        # (almost) exactly wins over the reading that asks for a version
        whole, versioned = await asyncio.gather(
            self._album_reading(user_id, request, frozenset(), calls, widen=False),
            self._album_reading(user_id, stripped, asked, calls),
        )
        return whole if strong(whole) else versioned

    async def _album_reading(
        self,
        user_id: str,
        request: MediaRequest,
        asked: frozenset[str],
        calls: _Calls,
        *,
        widen: bool = True,
    ) -> list[Candidate]:
        """Albums for one reading of the request: the precise search, then (``widen``) the
        other spellings and free text when no name matched well."""
        name = request.album or request.query or ""
        year = year_filter(request.year)
        wants = [Want(name, request.artist)]
        forms = search_forms(name)
        artist = search_forms(request.artist)[0] if request.artist else None
        queries: list[Query] = []
        for form in forms:
            if artist:
                queries.append((f"album:{quote(form)} artist:{quote(artist)}{year}", ("album",)))
            else:
                queries.append((f"album:{quote(form)}{year}", ("album",)))
        queries.append((f"{forms[-1]} {artist or ''}".strip() + year, ("album",)))
        hits = collect(await self._searches(user_id, queries[:1], calls))
        candidates = rank(hits, wants, asked)
        if widen and weak(candidates):
            more = await self._searches(user_id, queries[1:], calls)
            hits.update({k: v for k, v in collect(more).items() if k not in hits})
            candidates = rank(hits, wants, asked)
        return candidates

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

    async def _my_playlists_if_any(self, user_id: str, calls: _Calls) -> list[Playlist]:
        """The user's playlists, or none when they cannot be read (a missing scope, an
        error): a song request must not fail for the sake of a playlist it may not mean."""
        try:
            return await self._my_playlists(user_id, calls)
        except SkillError as exc:
            log.info("own playlists not consulted for %s: %s", user_id, exc.code)
            return []

    async def _with_named_playlists(
        self, user_id: str, name: str, reason: str, calls: _Calls, searches: Awaitable[T]
    ) -> tuple[T, list[Candidate]]:
        """What ``searches`` found and, fetched alongside them (cached; none when they cannot
        be read), the user's own and followed playlists whose whole name is ``name``
        (:func:`_named_playlists`), ``reason`` added to each: a genre ("play dinner jazz") or
        a title alone ("play road trip") that names the user's playlist means that playlist."""
        found, mine = await asyncio.gather(searches, self._my_playlists_if_any(user_id, calls))
        own = [replace(c, reasons=(*c.reasons, reason)) for c in _named_playlists(mine, name)]
        return found, own

    async def _playlists(
        self, user_id: str, request: MediaRequest, calls: _Calls
    ) -> list[Candidate]:
        name = request.playlist or request.query or request.genre or ""
        forms = search_forms(name)
        mine, found = await asyncio.gather(
            self._my_playlists(user_id, calls),
            self._searches(user_id, [(form, ("playlist",)) for form in forms], calls),
            return_exceptions=True,
        )
        if isinstance(found, BaseException):
            raise found
        hits = collect(found)
        if isinstance(mine, BaseException):
            # the user's own playlists cannot be read: public ones may still do, else say why
            candidates = rank(hits, [Want(name)], frozenset())
            if weak(candidates) or not isinstance(mine, SkillError):
                raise mine
            return candidates
        for position, playlist in enumerate(mine):
            hits[playlist.uri] = playlist_hit(playlist, position, library=True)
        return rank(hits, [Want(name)], frozenset())

    # -- genres --------------------------------------------------------------------------

    async def _genre(
        self, user_id: str, request: MediaRequest, calls: _Calls
    ) -> tuple[list[Candidate], tuple[str, ...]]:
        genre = request.genre or request.query or ""
        year = year_filter(request.year)
        if not genre:  # a decade or a year alone: its most popular tracks
            if not year:
                raise NotFound("Nothing was named to look for.", details={"request": {}})
            tracks = await self._searches(user_id, [(year.strip(), ("track",))], calls)
            return _track_list(collect(tracks), f"year {request.year}")
        # "play dinner jazz": the user's own or followed playlist of that whole name, if any
        named = f"{_decade(request.year or '')} {genre}" if year else genre
        (playlists, tracks), own = await self._with_named_playlists(
            user_id,
            named,
            f"genre {genre}",
            calls,
            asyncio.gather(
                self._searches(user_id, [(search_forms(genre)[0], ("playlist",))], calls),
                self._searches(user_id, [(f"genre:{quote(genre)}{year}", ("track",))], calls),
            ),
        )
        if own:
            return own, ()
        playlist_hits = collect(playlists)
        lists = [
            replace(c, reasons=(*c.reasons, f"genre {genre}"))
            for c in rank(playlist_hits, [Want(free=genre)], frozenset(), contains=True)
            if c.score >= GOOD_ENOUGH and not year
        ]
        if lists:
            return lists, ()
        return _track_list(collect(tracks), f"genre {genre}")


def _title_alone(request: MediaRequest, asked: frozenset[str]) -> str | None:
    """The title of a song request that names nothing else: no artist, no kind word ("the
    song …"), no year, no version asked for ("… live"); such a title may be the whole name of
    one of the user's playlists ("play road trip"). None for any other request."""
    if request.artist or request.album or request.kind or request.year or asked:
        return None
    return request.track


def _decade(year: str) -> str:
    """A spoken year or decade as a playlist would name it ("the nineties" → "90s")."""
    return " ".join(w for w in normalize(year).split() if w != "the")


def _named_playlists(mine: Sequence[Playlist], name: str) -> list[Candidate]:
    """The user's own and followed playlists whose whole name is ``name`` (title similarity
    at least :data:`~skill.music.ranking.PLAYLIST_FLOOR`: "dinner jazz" is "Dinner Jazz",
    a typo too, but "jazz" is not "Dinner Jazz"), best first. One word never names a playlist
    of more ("dance" is no "Dance Pop", "dinner" no "Dinner Jazz"), and at most one word of
    the name may go unsaid ("nineties dance" is "90s Dance Hits")."""
    said = len(name.split())
    hits = {
        playlist.uri: playlist_hit(playlist, position, library=True)
        for position, playlist in enumerate(mine)
        if _names_whole(said, len(playlist.name.split()))
        and ranking.title_similarity(name, playlist.name) >= ranking.PLAYLIST_FLOOR
    }
    return rank(hits, [Want(free=name)], frozenset())


def _names_whole(said: int, words: int) -> bool:
    """Whether ``said`` words can name a playlist name of ``words`` words whole."""
    return said >= words or (said >= 2 and said >= words - 1)


def _track_list(hits: Mapping[str, Hit], reason: str) -> tuple[list[Candidate], tuple[str, ...]]:
    """Tracks to play as a list (a genre or a decade): most popular first, no karaoke, live
    or other versions nobody asked for."""
    ranked = sorted(
        hits.values(), key=lambda h: (h.popularity is None, -(h.popularity or 0), h.position)
    )
    candidates = [
        Candidate(
            uri=h.uri,
            kind="track",
            name=h.name,
            artists=h.artists,
            album=h.album,
            score=100.0 - i,
            reasons=(reason, f"rank {h.position}"),
        )
        for i, h in enumerate(ranked)
        if not (version_markers(h.name, album=h.album, artists=h.artists) & PENALIZED)
    ]
    return candidates, tuple(c.uri for c in candidates)
