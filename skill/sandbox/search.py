"""Search over the catalog: an approximation of Spotify's search, not a copy.

Spotify does not publish how it ranks. The sandbox approximates what clients observe (the
engine is :mod:`skill.sandbox.text_index`, the query language :mod:`skill.sandbox.search_query`):

* every query word must match (AND), each in the fields it may match: free words in the
  track/album/artist names, filter words only in their field;
* a word matches a token exactly, as a prefix (``blind`` → ``blinding``, words of 3+
  characters) or, only when nothing matches otherwise, with one typo (one insertion,
  deletion, substitution or swap; words of 3+ characters). If still nothing matches, one word
  may be left unmatched (a free word when there are two or more, or one word of a multi-word
  filter value);
* results are ordered by match quality (how well the words matched, how much of the core
  title and of the primary artist's name they cover, rare words counting more than common
  ones) in buckets of 0.25, then by popularity, then by id, so duplicates of one song come
  back most popular first.

:class:`SearchIndex` indexes one catalog's tracks, artists and albums. A catalog extended with
rows (:meth:`Catalog.extended`) is searched as its root's index plus a small index of the
additions, merged by rank, so adding fixtures never rebuilds the big index.
"""

from __future__ import annotations

import hashlib
import heapq
import pickle
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from skill.sandbox import search_query, text_index
from skill.sandbox.catalog import Album, Artist, Catalog, Track, write_pickle
from skill.sandbox.search_query import Query, parse_query
from skill.sandbox.text_index import Doc, Hits, RankKey, TextIndex

__all__ = ["KINDS", "Doc", "Hits", "Kind", "SearchIndex", "TextIndex", "search_docs"]

Kind = Literal["track", "artist", "album", "playlist"]
KINDS: tuple[Kind, ...] = ("album", "artist", "playlist", "track")
TRACK_FILTERS = {"track": "name", "artist": "artist", "album": "album", "genre": "genre"}
#: Identifies the index code: a cached index built by other code is never reused.
_CODE_KEY = hashlib.sha256(
    b"".join(Path(m.__file__ or "").read_bytes() for m in (search_query, text_index))
    + Path(__file__).read_bytes()
).hexdigest()[:12]


def track_index(catalog: Catalog, tracks: Iterable[Track]) -> TextIndex:
    return TextIndex(
        (
            Doc(
                t.id,
                t.popularity,
                {
                    "name": t.name,
                    "artist": t.artist_names,
                    "album": _album_name(catalog, t.album_id),
                    "genre": t.genres,
                },
                t.release_year,
            )
            for t in tracks
        ),
        free_fields=("name", "artist", "album"),
        filters=TRACK_FILTERS,
        lazy_fields=("genre",),
    )


def artist_index(catalog: Catalog, artists: Iterable[Artist]) -> TextIndex:
    """Artists, with the years of their releases for ``year:``."""
    return TextIndex(
        (
            Doc(
                a.id,
                a.popularity,
                {"name": a.name, "genre": a.genres},
                frozenset(
                    year
                    for t in catalog.artist_track_ids(a.id)
                    if (year := catalog.tracks[t].release_year) is not None
                ),
            )
            for a in artists
        ),
        free_fields=("name",),
        filters={"artist": "name", "genre": "genre"},
        lazy_fields=("genre",),
    )


def album_index(catalog: Catalog, albums: Iterable[Album]) -> TextIndex:
    return TextIndex(
        (
            Doc(
                a.id,
                max((catalog.tracks[t].popularity for t in a.track_ids), default=0),
                {"name": a.name, "artist": [_artist_name(catalog, x) for x in a.artist_ids]},
                a.release_year,
            )
            for a in albums
        ),
        free_fields=("name", "artist"),
        filters={"album": "name", "artist": "artist"},
    )


class SearchIndex:
    """Tracks, artists and albums of one catalog; playlists are searched per call."""

    _cache: weakref.WeakKeyDictionary[Catalog, SearchIndex] = weakref.WeakKeyDictionary()

    def __init__(self, catalog: Catalog) -> None:
        # The cache maps catalog -> index weakly; a strong reference back would keep every
        # (extended) catalog alive forever.
        self._catalog = weakref.ref(catalog)
        self.base: SearchIndex | None = None
        """For an extended catalog: the root catalog's index (these parts index the rest)."""
        self.shadowed: frozenset[str] = frozenset()
        """Root track ids the additions replace: left out of the root's results."""
        added = catalog.added
        if catalog.root is not None and added is not None:
            root = catalog.root
            self.base = SearchIndex.for_catalog(root)
            self.shadowed = frozenset(added.tracks) & frozenset(root.tracks)
            tracks = [catalog.tracks[t] for t in added.tracks]
            artists = [a for a in added.artists.values() if a.id not in root.artists]
            albums = [catalog.albums[a] for a in added.albums if a not in root.albums]
        else:
            tracks = list(catalog.tracks.values())
            artists = list(catalog.artists.values())
            albums = list(catalog.albums.values())
        self.tracks = track_index(catalog, tracks)
        self.artists = artist_index(catalog, artists)
        self.albums = album_index(catalog, albums)

    @property
    def catalog(self) -> Catalog | None:
        """The indexed catalog, while it is alive."""
        return self._catalog()

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> SearchIndex:
        """The index of ``catalog``, built once per catalog object.

        A catalog loaded from a file keeps a pickle of its index next to its own cache
        (keyed by the catalog and by the search code, so a code change rebuilds it):
        unpickling is several times faster than building.
        """
        index = cls._cache.get(catalog)
        if index is None:
            index = cls._cache[catalog] = cls._cached(catalog)
        return index

    @classmethod
    def _cached(cls, catalog: Catalog) -> SearchIndex:
        if catalog.cache_file is None:
            return cls(catalog)
        path = catalog.cache_file.with_name(f"{catalog.cache_file.stem}.search-{_CODE_KEY}.pkl")
        try:
            with path.open("rb") as handle:
                parts = pickle.load(handle)
            if isinstance(parts, tuple) and all(isinstance(p, TextIndex) for p in parts):
                index = cls.__new__(cls)
                index._catalog, index.base = weakref.ref(catalog), None
                index.shadowed = frozenset()
                index.tracks, index.artists, index.albums = parts
                return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            pass
        index = cls(catalog)
        for stale in path.parent.glob(f"{catalog.cache_file.stem}.search-*.pkl"):
            stale.unlink(missing_ok=True)  # built by older code
        write_pickle(path, (index.tracks, index.artists, index.albums))
        return index

    def search(self, q: str | Query, kind: Kind, *, limit: int, offset: int = 0) -> Hits:
        query = parse_query(q) if isinstance(q, str) else q
        ranked, total = self.ranked(query, kind, wanted=offset + limit)
        return Hits([item_id for _, item_id in ranked[offset:]], total)

    def ranked(
        self, query: Query, kind: Kind, *, wanted: int, exclude: frozenset[str] = frozenset()
    ) -> tuple[list[tuple[RankKey, str]], int]:
        own = {"track": self.tracks, "artist": self.artists, "album": self.albums}[kind]
        ranked, total = own.ranked(query, wanted=wanted, exclude=exclude)
        if self.base is None:
            return ranked, total
        hidden = exclude | self.shadowed if kind == "track" else exclude
        below, more = self.base.ranked(query, kind, wanted=wanted, exclude=hidden)
        return list(heapq.merge(ranked, below))[:wanted], total + more


def search_docs(q: str | Query, docs: Iterable[Doc], *, limit: int, offset: int = 0) -> Hits:
    """Search a small, changing collection (playlists) without keeping an index."""
    query = parse_query(q) if isinstance(q, str) else q
    return TextIndex(docs, free_fields=("name",)).search(query, limit=limit, offset=offset)


def _album_name(catalog: Catalog, album_id: str) -> str:
    album = catalog.album(album_id)
    return album.name if album else ""


def _artist_name(catalog: Catalog, artist_id: str) -> str:
    artist = catalog.artist(artist_id)
    return artist.name if artist else ""
