"""The sandbox's catalog: real tracks, albums, artists and playlists, loaded from CSV.

The input is a ``tracks.csv(.gz)`` with the columns of the shared catalog (``TRACK_COLUMNS``),
optionally with ``playlists.jsonl.gz`` and ``artists.csv.gz`` beside it. Real Spotify ids are
kept; where the data has none, ids are derived deterministically (22 base62 characters from a
SHA-1), so the same file always yields the same ids:

* an artist slot without an id takes the one real id known for that name anywhere in the
  input (track rows or ``artists.csv``) when exactly one is known, else ``derive_id("artist",
  name)``;
* a row without an album id takes the one real id known for (album name, primary artist),
  else ``derive_id("album", album name, primary artist name)``;
* track numbers follow a deterministic order inside each album (a track named like its album
  first, then by track id): the data has no real track numbers.

Loading the 120k-track shared catalog from CSV takes a few seconds, so :meth:`Catalog.load`
keeps a pickled copy in a cache directory keyed by the input files' contents.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRACK_COLUMNS = (
    "track_id", "track_name", "artist_ids", "artist_names", "album_id", "album_name",
    "release_year", "duration_ms", "popularity", "explicit", "genres",
)  # fmt: skip
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CACHE_VERSION = "catalog-1"


@dataclass(frozen=True, slots=True)
class Artist:
    id: str
    name: str
    genres: tuple[str, ...]
    popularity: int
    followers: int


@dataclass(frozen=True, slots=True)
class Album:
    id: str
    name: str
    artist_ids: tuple[str, ...]
    release_year: int | None
    track_ids: tuple[str, ...]  # in track-number order


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    name: str
    artist_ids: tuple[str, ...]
    artist_names: tuple[str, ...]
    album_id: str
    track_number: int
    duration_ms: int
    popularity: int
    explicit: bool | None
    genres: tuple[str, ...]
    release_year: int | None


@dataclass(frozen=True, slots=True)
class CatalogPlaylist:
    id: str
    name: str
    genre: str
    subgenre: str
    track_ids: tuple[str, ...]


def derive_id(kind: str, *parts: str) -> str:
    """A stable 22-character base62 id for an entity the data gives no real id."""
    digest = hashlib.sha1("\x1f".join((kind, *parts)).encode()).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";")] if value else []


def int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def explicit(value: str) -> bool | None:
    value = value.strip().lower()
    return True if value == "true" else False if value == "false" else None


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="")


def default_catalog_path() -> Path:
    """The catalog subset the product ships: ``data/catalog/tracks.csv.gz``."""
    import skill

    return Path(skill.__file__).resolve().parents[1] / "data" / "catalog" / "tracks.csv.gz"


def default_cache_dir() -> Path:
    """``~/.cache/skill``, or a directory under the system temp dir if that is not writable."""
    for candidate in (Path.home() / ".cache" / "skill", Path(tempfile.gettempdir()) / "skill"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if _writable(candidate):
            return candidate
    raise OSError("no writable cache directory")


def _writable(directory: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=directory):
            return True
    except OSError:
        return False


class Catalog:
    """Every track, album, artist and catalog playlist the sandbox knows; immutable after build."""

    def __init__(
        self,
        tracks: dict[str, Track],
        albums: dict[str, Album],
        artists: dict[str, Artist],
        playlists: dict[str, CatalogPlaylist],
    ) -> None:
        self.tracks = tracks
        self.albums = albums
        self.artists = artists
        self.playlists = playlists
        self.cache_file: Path | None = None
        """Where :meth:`load` keeps this catalog's pickle; derived data (the search index)
        may be cached next to it. None for catalogs built in memory."""
        self.root: Catalog | None = None
        """For a catalog made by :meth:`extended`: the catalog the additions sit on."""
        self.added_rows: list[Mapping[str, str]] = []
        self.added: Catalog | None = None
        """The additions alone (their tracks as numbered in this catalog)."""
        by_artist: dict[str, list[str]] = defaultdict(list)
        for track in tracks.values():
            for artist_id in dict.fromkeys(track.artist_ids):
                by_artist[artist_id].append(track.id)
        self._artist_tracks = {
            artist_id: sorted(ids, key=lambda tid: (-tracks[tid].popularity, tid))
            for artist_id, ids in by_artist.items()
        }
        albums_by_artist: dict[str, list[str]] = defaultdict(list)
        for album in albums.values():
            for artist_id in album.artist_ids:
                albums_by_artist[artist_id].append(album.id)
        self._artist_albums = {
            artist_id: sorted(ids, key=lambda aid: (-(albums[aid].release_year or 0), aid))
            for artist_id, ids in albums_by_artist.items()
        }

    def __len__(self) -> int:
        return len(self.tracks)

    def __reduce__(self) -> tuple[Any, ...]:
        # Plain tuples pickle several times faster than slotted frozen dataclasses.
        return (
            _restore,
            (
                [astuple_fast(t) for t in self.tracks.values()],
                [astuple_fast(a) for a in self.albums.values()],
                [astuple_fast(a) for a in self.artists.values()],
                [astuple_fast(p) for p in self.playlists.values()],
            ),
        )

    def track(self, id: str) -> Track | None:
        return self.tracks.get(id)

    def album(self, id: str) -> Album | None:
        return self.albums.get(id)

    def artist(self, id: str) -> Artist | None:
        return self.artists.get(id)

    def playlist(self, id: str) -> CatalogPlaylist | None:
        return self.playlists.get(id)

    def artist_track_ids(self, artist_id: str) -> list[str]:
        """The artist's tracks (any credit position), most popular first."""
        return list(self._artist_tracks.get(artist_id, ()))

    def artist_album_ids(self, artist_id: str) -> list[str]:
        """The albums the artist is an album artist of, newest first."""
        return list(self._artist_albums.get(artist_id, ()))

    # -- building -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None, *, cache_dir: Path | None = None) -> Catalog:
        """Load ``path`` (default: the shipped subset), using a pickled cache when it is fresh.

        ``playlists.jsonl.gz`` and ``artists.csv.gz`` next to the file are read when present.
        """
        path = (path or default_catalog_path()).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"catalog file not found: {path}")
        playlists_path = path.parent / "playlists.jsonl.gz"
        artists_path = path.parent / "artists.csv.gz"
        inputs = [p for p in (path, playlists_path, artists_path) if p.is_file()]
        key = hashlib.sha256(_CACHE_VERSION.encode())
        for item in inputs:
            key.update(item.name.encode())
            key.update(hashlib.sha256(item.read_bytes()).digest())
        cache_file: Path | None = None
        try:
            cache_file = (cache_dir or default_cache_dir()) / f"catalog-{key.hexdigest()[:32]}.pkl"
        except OSError:
            cache_file = None
        if cache_file is not None and cache_file.is_file():
            try:
                with cache_file.open("rb") as handle:
                    cached = pickle.load(handle)
                if isinstance(cached, Catalog):
                    cached.cache_file = cache_file
                    return cached
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
                pass
        with _open_text(path) as handle:
            rows = list(csv.DictReader(handle))
        playlists: list[dict[str, Any]] = []
        if playlists_path.is_file():
            with _open_text(playlists_path) as handle:
                playlists = [json.loads(line) for line in handle if line.strip()]
        artists: list[dict[str, str]] = []
        if artists_path.is_file():
            with _open_text(artists_path) as handle:
                artists = list(csv.DictReader(handle))
        catalog = cls.from_rows(rows, playlists, artists=artists)
        if cache_file is not None:
            _write_cache(cache_file, catalog)
            catalog.cache_file = cache_file
        return catalog

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, str]],
        playlists: Iterable[Mapping[str, Any]] = (),
        *,
        artists: Iterable[Mapping[str, str]] = (),
    ) -> Catalog:
        """Build a catalog from rows with the ``tracks.csv`` columns (see the module doc)."""
        from skill.sandbox.catalog_build import Builder

        return Builder(list(rows), list(artists)).build(list(playlists))

    def extended(self, rows: Iterable[Mapping[str, str]]) -> Catalog:
        """This catalog plus ``rows`` (fixtures added through ``POST /control/world``).

        Names resolve against this catalog (an id-less "The Weeknd" is the real one; an
        album of the same name and primary artist is that album, its new tracks numbered
        after the known ones). The result remembers its root and the added rows, so
        extending again rebuilds only the additions and the search index reuses the root's.
        """
        from skill.sandbox.catalog_build import extend

        return extend(self, list(rows))


def astuple_fast(item: Track | Album | Artist | CatalogPlaylist) -> tuple[Any, ...]:
    """The fields of a catalog record as a flat tuple (no deep copy, unlike ``astuple``)."""
    return tuple(getattr(item, name) for name in item.__slots__)


def _restore(
    tracks: list[tuple[Any, ...]],
    albums: list[tuple[Any, ...]],
    artists: list[tuple[Any, ...]],
    playlists: list[tuple[Any, ...]],
) -> Catalog:
    return Catalog(
        {row[0]: Track(*row) for row in tracks},
        {row[0]: Album(*row) for row in albums},
        {row[0]: Artist(*row) for row in artists},
        {row[0]: CatalogPlaylist(*row) for row in playlists},
    )


def _write_cache(cache_file: Path, catalog: Catalog) -> None:
    write_pickle(cache_file, catalog)


def write_pickle(path: Path, value: object) -> None:
    """Write ``value`` atomically (temp file + rename); a cache that cannot be written is
    simply not written."""
    tmp = path.with_name(f"{path.name}.{id(value)}.tmp")
    try:
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
