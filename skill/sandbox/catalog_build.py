"""Building a :class:`~skill.sandbox.catalog.Catalog` from rows: id resolution, albums,
artists (see ``catalog``'s module doc for the rules), and extending a catalog with rows."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from skill.sandbox.catalog import (
    Album,
    Artist,
    Catalog,
    CatalogPlaylist,
    Track,
    derive_id,
    explicit,
    int_or_none,
    split,
)


class Builder:
    """Resolves ids, albums and artists for :meth:`Catalog.from_rows`."""

    def __init__(
        self,
        rows: list[Mapping[str, str]],
        artist_rows: list[Mapping[str, str]],
        *,
        base: Catalog | None = None,
    ) -> None:
        """``base``: a catalog the rows extend; its artist names and albums resolve ids."""
        self.rows = rows
        self.base_albums: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.artist_rows = {r["artist_id"].strip(): r for r in artist_rows if r.get("artist_id")}
        ids_by_name: dict[str, set[str]] = defaultdict(set)
        for artist_id, row in self.artist_rows.items():
            ids_by_name[row.get("artist_name", "").strip().casefold()].add(artist_id)
        if base is not None:
            for artist in base.artists.values():
                ids_by_name[artist.name.casefold()].add(artist.id)
            for album in base.albums.values():
                if album.artist_ids:
                    self.base_albums[(album.name.casefold(), album.artist_ids[0])].add(album.id)
        for row in rows:
            names = split(row.get("artist_names", ""))
            for name, artist_id in zip(names, split(row.get("artist_ids", "")), strict=False):
                if artist_id:
                    ids_by_name[name.casefold()].add(artist_id)
        self.unique_artist_id = {
            n: next(iter(ids)) for n, ids in ids_by_name.items() if len(ids) == 1
        }

    def artist_ids_for(self, row: Mapping[str, str]) -> tuple[list[str], list[str]]:
        names = split(row.get("artist_names", "")) or ["Unknown Artist"]
        given = split(row.get("artist_ids", ""))
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
                key = (album_name.casefold(), ids[0])
                known = real_album_ids.get(key) or self.base_albums.get(key, set())
                album_id = (
                    next(iter(known))
                    if len(known) == 1
                    else derive_id("album", album_name.casefold(), names[0].casefold())
                )
            album_names.setdefault(album_id, album_name)
            year = int_or_none(row.get("release_year", ""))
            album_rows[album_id].append((row["track_id"].strip(), ids[0], year, row["track_name"]))
            popularity = int_or_none(row.get("popularity", "")) or 0
            for name, artist_id in zip(names, ids, strict=True):
                artist_names[artist_id][name] += 1
                artist_popularity[artist_id] = max(artist_popularity[artist_id], popularity)
                for genre in split(row.get("genres", "")):
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
                duration_ms=int_or_none(row.get("duration_ms", "")) or 0,
                popularity=int_or_none(row.get("popularity", "")) or 0,
                explicit=explicit(row.get("explicit", "")),
                genres=tuple(split(row.get("genres", ""))),
                release_year=int_or_none(row.get("release_year", "")),
            )

        artists: dict[str, Artist] = {}
        for artist_id, names_seen in artist_names.items():
            info = self.artist_rows.get(artist_id)
            if info is not None:
                artists[artist_id] = Artist(
                    id=artist_id,
                    name=info.get("artist_name", "").strip() or names_seen.most_common(1)[0][0],
                    genres=tuple(split(info.get("genres", ""))),
                    popularity=int_or_none(info.get("popularity", "")) or 0,
                    followers=int_or_none(info.get("followers", "")) or 0,
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


def extend(catalog: Catalog, rows: list[Mapping[str, str]]) -> Catalog:
    """``catalog`` plus ``rows`` (see :meth:`Catalog.extended`)."""
    root = catalog.root or catalog
    added_rows = [*catalog.added_rows, *rows]
    added = Builder(added_rows, [], base=root).build([])
    albums = dict(root.albums)
    for album in added.albums.values():
        known = root.albums.get(album.id)
        if known is not None:
            fresh = tuple(t for t in album.track_ids if t not in known.track_ids)
            album = dataclasses.replace(known, track_ids=known.track_ids + fresh)
        albums[album.id] = album
    numbered = {
        track.id: dataclasses.replace(
            track, track_number=albums[track.album_id].track_ids.index(track.id) + 1
        )
        for track in added.tracks.values()
    }
    merged = Catalog(
        tracks={**root.tracks, **numbered},
        albums=albums,
        artists={**added.artists, **root.artists},
        playlists=dict(root.playlists),
    )
    merged.root = root
    merged.added_rows = added_rows
    merged.added = Catalog(numbered, added.albums, added.artists, {})
    return merged
