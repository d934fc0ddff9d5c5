"""Resolution against the sandbox serving the FULL shared catalog (120,000 real tracks) over
HTTP: the requests people actually say, with the catalog's real quirks (duplicates, remaster
suffixes, live and karaoke versions, diacritics, numbers as titles)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from skill.music.names import PENALIZED, core_title, version_markers
from skill.music.resolve import MediaRequest, Resolution, Resolver
from skill.sandbox.config import SandboxConfig
from skill.sandbox.search import SearchIndex
from tests.music.conftest import SHARED_CATALOG, Music, World, _serve
from tests.music.resolve_fixtures import BLINDING_LIGHTS, explain

pytestmark = [pytest.mark.shared, pytest.mark.slow]
TRACKS = SHARED_CATALOG / "tracks.csv.gz"
USER = "demo"


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[World]:
    """Overrides the conftest's subset sandbox for this module: the full catalog."""
    if not TRACKS.exists():
        pytest.skip("../shared is not beside the repo (no full catalog)")
    for served in _serve(SandboxConfig(catalog=TRACKS)):
        SearchIndex.for_catalog(served.sandbox.catalog)  # built once, before any deadline
        yield served


@pytest.fixture
def resolver(music: Music) -> Resolver:
    return Resolver(music.services.client)


async def resolve(resolver: Resolver, **slots: str) -> Resolution:
    return await resolver.resolve(USER, MediaRequest.from_slots(slots))


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({"query": "the weekend blinding lights"}, BLINDING_LIGHTS),
        ({"track": "blinding lights", "artist": "the weekend"}, BLINDING_LIGHTS),
        ({"query": "play blinding lights by the weeknd"}, BLINDING_LIGHTS),
        ({"track": "blinding lights"}, BLINDING_LIGHTS),
        ({"track": "bohemian rhapsody", "artist": "queen"}, "Bohemian Rhapsody by Queen"),
        ({"query": "bohemian rhapsody by queen"}, "Bohemian Rhapsody by Queen"),
        ({"track": "twenty two", "artist": "taylor swift"}, "22 by Taylor Swift"),
        ({"track": "seven rings", "artist": "ariana grande"}, "7 rings by Ariana Grande"),
        ({"track": "halo", "artist": "beyonce"}, "Halo by Beyoncé"),
        ({"track": "ace of spades", "artist": "motorhead"}, "Ace of Spades by Motörhead"),
        ({"track": "red lights", "artist": "tiesto"}, "Red Lights by Tiësto"),
        ({"track": "thunderstruck", "artist": "a c d c"}, "Thunderstruck by AC/DC"),
        ({"track": "dont stop believin", "artist": "journey"}, "Don't Stop Believin' by Journey"),
        ({"track": "smells like teen spirt", "artist": "nirvana"},
         "Smells Like Teen Spirit by Nirvana"),
        ({"track": "stand by me", "artist": "ben e king"}, "Stand By Me by Ben E. King"),
        ({"query": "stand by me"}, "Stand By Me by Ben E. King"),
        ({"track": "gangnam style", "artist": "psy"}, "Gangnam Style by PSY"),
    ],
)  # fmt: skip
async def test_spoken_requests_find_the_original(
    resolver: Resolver, slots: dict[str, str], expected: str
) -> None:
    resolution = await resolve(resolver, **slots)
    best = resolution.best
    assert best is not None and best.kind == "track", explain(resolution)
    if expected.startswith("spotify:"):
        assert best.uri == expected, explain(resolution)
    else:
        assert f"{core_title(best.name)} by {best.artists[0]}" == expected, explain(resolution)
    markers = version_markers(best.name, album=best.album, artists=best.artists)
    assert not markers & PENALIZED, explain(resolution)  # never the live or karaoke one
    assert resolution.queries <= 6


async def test_the_live_version_when_asked_for(resolver: Resolver) -> None:
    resolution = await resolve(resolver, track="the man who sold the world live", artist="nirvana")
    best = resolution.best
    assert best is not None and best.name == "The Man Who Sold The World - Live", explain(
        resolution
    )


async def test_artists_albums_and_numbers_as_album_names(resolver: Resolver) -> None:
    for spoken, name in [("beyonce", "Beyoncé"), ("motorhead", "Motörhead"),
                         ("tiesto", "Tiësto"), ("a c d c", "AC/DC"), ("pink", "P!nk"),
                         ("the weekend", "The Weeknd"), ("bjork", "Björk")]:  # fmt: skip
        resolution = await resolve(resolver, artist=spoken, kind="artist")
        assert resolution.best is not None and resolution.best.name == name, explain(resolution)
    album = await resolve(resolver, album="nineteen eighty nine", artist="taylor swift")
    best = album.best
    assert best is not None and best.kind == "album", explain(album)
    assert best.name.startswith("1989") and best.artists[0] == "Taylor Swift", explain(album)
    adele = await resolve(resolver, album="twenty five", artist="adele", kind="album")
    assert adele.best is not None and adele.best.name.startswith("25"), explain(adele)


async def test_playlists_genres_and_liked_songs(resolver: Resolver) -> None:
    mine = await resolve(resolver, playlist="road trip")
    assert mine.best is not None and "library" in mine.best.reasons, explain(mine)
    catalog = await resolve(resolver, playlist="pop hits")
    assert catalog.best is not None and catalog.best.kind == "playlist", explain(catalog)
    assert "pop" in catalog.best.name.lower()
    genre = await resolve(resolver, genre="jazz")
    best = genre.best
    assert best is not None and not genre.ambiguous, explain(genre)
    assert best.kind == "playlist" and "jazz" in best.name.lower() or genre.uris
    liked = await resolve(resolver, kind="liked")
    assert liked.best is not None and liked.best.uri == "spotify:user:demo:collection"


async def test_a_handful_of_queries_at_most(resolver: Resolver, world: World) -> None:
    before = world.stats()["api_requests"]
    total = 0
    for slots in ({"track": "halo", "artist": "beyonse"}, {"query": "seven rings"},
                  {"artist": "queen", "kind": "artist"}, {"album": "abbey road"}):  # fmt: skip
        resolution = await resolve(resolver, **slots)
        assert resolution.queries <= 6, explain(resolution)
        total += resolution.queries
    assert world.stats()["api_requests"] - before == total
