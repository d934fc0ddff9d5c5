"""A song or album named with its artist that is not in the catalog: the artist plays instead
when the catalog clearly has it, and the reply says so; otherwise "not found" as before. Over
the real sandbox with the shipped catalog subset (it has Marvin Gaye, but not his "I Want You"
nor an album "Blue Moon Rising")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.music.conftest import Music, World

MARVIN_GAYE = "spotify:artist:3koiLjNrgRTNbOwViDipeA"
LETS_GET_IT_ON = "spotify:track:0jHkgTtTaqg5LNCiYDQPUB"
BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"

# Two artists of one name (distinct artist ids), each with a song.
NAMESAKES = [
    {"track_id": "5NamesakeJuniperVale01", "track_name": "Glass Orchard",
     "artist_ids": "5JuniperValeArtistOne1", "artist_names": "Juniper Vale",
     "album_id": "5NamesakeAlbumJuniper1", "album_name": "Orchards", "release_year": "2018",
     "duration_ms": "200000", "popularity": "40", "explicit": "false", "genres": "folk"},
    {"track_id": "5NamesakeJuniperVale02", "track_name": "Neon Harbour",
     "artist_ids": "5JuniperValeArtistTwo2", "artist_names": "Juniper Vale",
     "album_id": "5NamesakeAlbumJuniper2", "album_name": "Harbours", "release_year": "2022",
     "duration_ms": "190000", "popularity": "41", "explicit": "false", "genres": "synthpop"},
]


@pytest.fixture
def namesakes(world: World) -> World:
    return world.with_tracks(NAMESAKES)


def _plays(world: World) -> list[dict[str, Any]]:
    return world.calls("demo", "/v1/me/player/play")


async def test_a_missing_song_by_a_known_artist_plays_the_artist(
    music: Music, world: World
) -> None:
    outcome = await music.say("play i want you by marvin gaye in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == (
        "I couldn't find I Want You by Marvin Gaye, so here's Marvin Gaye on Kitchen Speaker."
    )
    # callers can tell: the action, and the details (REST), say it was a fallback
    assert outcome.action == "play_fallback"
    assert outcome.details["fallback"] == {
        "missing": "track", "instead": "artist",
        "request": {"track": "i want you", "artist": "marvin gaye"},
    }
    assert outcome.error is None and outcome.clarification is None
    assert outcome.playing is not None and outcome.playing.uri == MARVIN_GAYE
    assert outcome.playing.name == "Marvin Gaye"
    # played as "play marvin gaye" plays: the artist as a shuffled context
    body = _plays(world)[-1]["body"]
    assert body["context_uri"] == MARVIN_GAYE and "uris" not in body
    state = world.player()
    assert state["context_uri"] == MARVIN_GAYE and state["shuffle"] is True
    assert state["device"]["name"] == "Kitchen Speaker" and state["is_playing"] is True
    # a shuffled artist context may start on a collaboration ("Marvin Gaye, Kygo")
    assert "Marvin Gaye" in state["item"]["artists"]


async def test_the_artist_as_the_catalog_spells_it(music: Music, world: World) -> None:
    outcome = await music.say("play i want you by marvin gay in the kitchen")
    assert outcome.ok and outcome.action == "play_fallback", outcome.to_dict()
    assert outcome.reply == (
        "I couldn't find I Want You by Marvin Gaye, so here's Marvin Gaye on Kitchen Speaker."
    )
    assert world.player()["context_uri"] == MARVIN_GAYE


async def test_a_missing_song_by_an_unknown_artist_is_not_found(
    music: Music, world: World
) -> None:
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("play i want you by zorblax quintet")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_found" and outcome.action is None
    assert outcome.reply == "I couldn't find i want you by zorblax quintet on Spotify."
    assert _plays(world) == []
    assert world.player()["item"]["uri"] == BLINDING_LIGHTS


async def test_never_another_artist(music: Music, world: World) -> None:
    """"marvin" fits Marvin Gaye, Marvin Sapp and Marvin Sease about as badly: none of them
    is the artist asked for, so nothing plays."""
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("play i want you by marvin")
    assert outcome.error is not None and outcome.error.code == "not_found", outcome.to_dict()
    assert outcome.reply == "I couldn't find i want you by marvin on Spotify."
    assert _plays(world) == []


async def test_two_artists_of_the_name_is_not_found(music: Music, namesakes: World) -> None:
    world = namesakes
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.do("music.play", slots={"track": "paper moons",
                                                  "artist": "juniper vale"})
    assert outcome.error is not None and outcome.error.code == "not_found", outcome.to_dict()
    assert _plays(world) == []
    # each of their songs still plays
    found = await music.do("music.play", slots={"track": "neon harbour",
                                                "artist": "juniper vale"})
    assert found.ok and found.action == "play", found.to_dict()
    assert world.player()["item"]["name"] == "Neon Harbour"


async def test_an_existing_song_plays_as_before(music: Music, world: World) -> None:
    outcome = await music.say("play lets get it on by marvin gaye in the kitchen")
    assert outcome.ok and outcome.action == "play", outcome.to_dict()
    assert "fallback" not in outcome.details
    assert outcome.reply == "Playing Let's Get It On by Marvin Gaye on Kitchen Speaker."
    body = _plays(world)[-1]["body"]
    assert body["uris"] == [LETS_GET_IT_ON] and "context_uri" not in body
    assert world.player()["item"]["uri"] == LETS_GET_IT_ON


async def test_a_missing_album_by_a_known_artist_plays_the_artist(
    music: Music, world: World
) -> None:
    outcome = await music.say("play the album blue moon rising by marvin gaye in the kitchen")
    assert outcome.ok and outcome.action == "play_fallback", outcome.to_dict()
    assert outcome.reply == (
        "I couldn't find the album Blue Moon Rising by Marvin Gaye, so here's Marvin Gaye on "
        "Kitchen Speaker."
    )
    assert outcome.details["fallback"]["missing"] == "album"
    assert world.player()["context_uri"] == MARVIN_GAYE
    # an album that is there plays as the album
    album = await music.say("play the album 25 by adele in the kitchen")
    assert album.ok and album.action == "play", album.to_dict()
    assert world.player()["context_uri"].startswith("spotify:album:")
    # and an unknown artist's album is not found
    missing = await music.say("play the album blue moon rising by zorblax quintet")
    assert missing.error is not None and missing.error.code == "not_found"


async def test_a_title_alone_never_falls_back(music: Music, world: World) -> None:
    """No artist slot, no artist to play, even when the words hold an artist's name."""
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.do("music.play", slots={"track": "zqxjv wplkh marvin gaye"})
    assert outcome.error is not None and outcome.error.code == "not_found", outcome.to_dict()
    assert outcome.reply == "I couldn't find zqxjv wplkh marvin gaye on Spotify."
    assert _plays(world) == []


async def test_queue_does_not_fall_back(music: Music, world: World) -> None:
    """Only songs go in the queue: a missing one is not found, not its artist."""
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("queue i want you by marvin gaye")
    assert outcome.error is not None and outcome.error.code == "not_found", outcome.to_dict()
    assert world.player()["queue"] == []


async def test_this_is_playlist_plays_the_artist(music: Music, world: World) -> None:
    """Spotify's own "This Is <artist>" playlists cannot be opened by development-mode apps
    (search hides them): the artist's music plays, and the reply says so."""
    outcome = await music.say("play this is marvin gaye in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == (
        "I couldn't find the playlist This Is Marvin Gaye, so here's Marvin Gaye on "
        "Kitchen Speaker."
    )
    assert outcome.action == "play_fallback"
    assert outcome.details["fallback"]["missing"] == "playlist"
    assert outcome.playing is not None and outcome.playing.uri == MARVIN_GAYE
    assert _plays(world)[-1]["body"]["context_uri"] == MARVIN_GAYE


async def test_this_is_an_unknown_artist_is_not_found(music: Music, world: World) -> None:
    outcome = await music.say("play this is zorblax quintet")  # no such artist either
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_found"
    assert _plays(world) == []
