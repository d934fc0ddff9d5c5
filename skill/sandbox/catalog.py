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
from collections import Counter, defaultdict
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


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";")] if value else []


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def _explicit(value: str) -> bool | None:
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
        return _Builder(list(rows), list(artists)).build(list(playlists))


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


class _Builder:
    """Resolves ids, albums and artists for :meth:`Catalog.from_rows`."""

    def __init__(self, rows: list[Mapping[str, str]], artist_rows: list[Mapping[str, str]]):
        self.rows = rows
        self.artist_rows = {r["artist_id"].strip(): r for r in artist_rows if r.get("artist_id")}
        ids_by_name: dict[str, set[str]] = defaultdict(set)
        for artist_id, row in self.artist_rows.items():
            ids_by_name[row.get("artist_name", "").strip().casefold()].add(artist_id)
        for row in rows:
            names = _split(row.get("artist_names", ""))
            for name, artist_id in zip(names, _split(row.get("artist_ids", "")), strict=False):
                if artist_id:
                    ids_by_name[name.casefold()].add(artist_id)
        self.unique_artist_id = {
            n: next(iter(ids)) for n, ids in ids_by_name.items() if len(ids) == 1
        }

    def artist_ids_for(self, row: Mapping[str, str]) -> tuple[list[str], list[str]]:
        names = _split(row.get("artist_names", "")) or ["Unknown Artist"]
        given = _split(row.get("artist_ids", ""))
        ids = []
        for index, name in enumerate(names):
            real = given[index] if index < len(given) else ""
            ids.append(
                real or self.unique_artist_id.get(name.casefold()) or derive_id("artist", name)
            )
        return names, ids

    def build(self, playlist_rows: list[Mapping[str, Any]]) -> Catalog:
        parsed: list[tuple[Mapping[str, str], list[str], list[str]]] = []
        seen: set[str] = set()
        real_album_ids: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in self.rows:
            track_id = row["track_id"].strip()
            if not track_id or track_id in seen:
                continue
            seen.add(track_id)
            names, ids = self.artist_ids_for(row)
            parsed.append((row, names, ids))
            album_id = row.get("album_id", "").strip()
            if album_id:
                real_album_ids[(row.get("album_name", "").strip().casefold(), ids[0])].add(album_id)

        artist_names: dict[str, Counter[str]] = defaultdict(Counter)
        artist_genres: dict[str, Counter[str]] = defaultdict(Counter)
        artist_popularity: dict[str, int] = defaultdict(int)
        album_rows: dict[str, list[tuple[str, str, int | None, str]]] = defaultdict(list)
        album_names: dict[str, str] = {}
        drafts: list[tuple[Mapping[str, str], list[str], list[str], str]] = []
        for row, names, ids in parsed:
            album_name = row.get("album_name", "").strip()
            album_id = row.get("album_id", "").strip()
            if not album_id:
                known = real_album_ids.get((album_name.casefold(), ids[0]), set())
                album_id = (
                    next(iter(known))
                    if len(known) == 1
                    else derive_id("album", album_name.casefold(), names[0].casefold())
                )
            album_names.setdefault(album_id, album_name)
            year = _int_or_none(row.get("release_year", ""))
            album_rows[album_id].append((row["track_id"].strip(), ids[0], year, row["track_name"]))
            popularity = _int_or_none(row.get("popularity", "")) or 0
            for name, artist_id in zip(names, ids, strict=True):
                artist_names[artist_id][name] += 1
                artist_popularity[artist_id] = max(artist_popularity[artist_id], popularity)
                for genre in _split(row.get("genres", "")):
                    artist_genres[artist_id][genre] += 1
            drafts.append((row, names, ids, album_id))

        albums: dict[str, Album] = {}
        track_numbers: dict[str, int] = {}
        for album_id, members in album_rows.items():
            name = album_names[album_id]
            ordered = sorted(
                members, key=lambda m: (m[3].strip().casefold() != name.casefold(), m[0])
            )
            for number, member in enumerate(ordered, start=1):
                track_numbers[member[0]] = number
            primary = Counter(m[1] for m in members).most_common(1)[0][0]
            years = [m[2] for m in members if m[2] is not None]
            albums[album_id] = Album(
                id=album_id,
                name=name,
                artist_ids=(primary,),
                release_year=min(years) if years else None,
                track_ids=tuple(m[0] for m in ordered),
            )

        tracks: dict[str, Track] = {}
        for row, names, ids, album_id in drafts:
            track_id = row["track_id"].strip()
            tracks[track_id] = Track(
                id=track_id,
                name=row["track_name"].strip(),
                artist_ids=tuple(ids),
                artist_names=tuple(names),
                album_id=album_id,
                track_number=track_numbers[track_id],
                duration_ms=_int_or_none(row.get("duration_ms", "")) or 0,
                popularity=_int_or_none(row.get("popularity", "")) or 0,
                explicit=_explicit(row.get("explicit", "")),
                genres=tuple(_split(row.get("genres", ""))),
                release_year=_int_or_none(row.get("release_year", "")),
            )

        artists: dict[str, Artist] = {}
        for artist_id, names_seen in artist_names.items():
            info = self.artist_rows.get(artist_id)
            if info is not None:
                artists[artist_id] = Artist(
                    id=artist_id,
                    name=info.get("artist_name", "").strip() or names_seen.most_common(1)[0][0],
                    genres=tuple(_split(info.get("genres", ""))),
                    popularity=_int_or_none(info.get("popularity", "")) or 0,
                    followers=_int_or_none(info.get("followers", "")) or 0,
                )
            else:
                artists[artist_id] = Artist(
                    id=artist_id,
                    name=names_seen.most_common(1)[0][0],
                    genres=tuple(g for g, _ in artist_genres[artist_id].most_common(5)),
                    popularity=artist_popularity[artist_id],
                    followers=0,
                )

        playlists: dict[str, CatalogPlaylist] = {}
        for item in playlist_rows:
            playlist_id = str(item.get("id", "")).strip()
            if not playlist_id or playlist_id in playlists:
                continue
            playlists[playlist_id] = CatalogPlaylist(
                id=playlist_id,
                name=str(item.get("name", "")),
                genre=str(item.get("genre", "")),
                subgenre=str(item.get("subgenre", "")),
                track_ids=tuple(t for t in item.get("track_ids", ()) if t in tracks),
            )
        return Catalog(tracks, albums, artists, playlists)
