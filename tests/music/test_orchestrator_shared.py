"""Spoken-style requests end to end on the full shared catalog (120k tracks): covers, remixes
and karaoke are everywhere, so these prove the orchestrator plays the original."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.sandbox.config import SandboxConfig
from tests.music.conftest import SHARED_CATALOG, Music, World, _serve

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[World]:
    tracks = Path(SHARED_CATALOG) / "tracks.csv.gz"
    if not tracks.is_file():
        pytest.skip("../shared is not beside the repo (full catalog)")
    yield from _serve(SandboxConfig(catalog=tracks))


@pytest.mark.parametrize(
    ("utterance", "title", "artist"),
    [
        ("play blinding lights by the weekend in the kitchen", "Blinding Lights", "The Weeknd"),
        ("play smells like teen spirit by nirvana in the kitchen", "Smells Like Teen Spirit",
         "Nirvana"),
        ("play rolling in the deep by adele in the kitchen", "Rolling in the Deep", "Adele"),
        ("play seven nation army in the kitchen", "Seven Nation Army", "The White Stripes"),
        ("play back in black by a c d c in the kitchen", "Back In Black", "AC/DC"),
        ("play halo by beyonce in the kitchen", "Halo", "Beyoncé"),
    ],
)
async def test_the_original_track(
    music: Music, world: World, utterance: str, title: str, artist: str
) -> None:
    outcome = await music.say(utterance)
    assert outcome.ok, outcome.to_dict()
    item = world.player()["item"]
    assert item["name"].lower() == title.lower() and artist in item["artists"], item
    assert world.player()["device"]["name"] == "Kitchen Speaker"
    assert outcome.reply.endswith("on Kitchen Speaker.")


async def test_artist_and_album_contexts(music: Music, world: World) -> None:
    artist = await music.say("play something by ac dc in the living room")
    assert artist.ok, artist.to_dict()
    assert world.player()["context_uri"].startswith("spotify:artist:")
    assert world.player()["item"]["artists"][0] == "AC/DC"
    album = await music.say("play the album twenty one by adele")
    assert album.ok, album.to_dict()
    state = world.player()
    assert state["context_uri"].startswith("spotify:album:")
    assert state["item"]["album"] == "21" and state["device"]["name"] == "Living Room TV"
