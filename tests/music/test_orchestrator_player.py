"""The orchestrator on what is playing: transport, volume, seek, shuffle, repeat, transfer.

Every test drives the real chain (parser → orchestrator → SpotifyClient → sandbox over HTTP)
and checks the sandbox's true player state and its log of executed calls.
"""

from __future__ import annotations

from tests.music.conftest import Music, World

ROAD_TRIP_FIRST = "spotify:track:2374M0fQpWi3dLnB54qaLX"
BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"
HELLO_ADELE = "spotify:track:4aebBr4JAihzJQR0CiIZJv"
THRILLER_ALBUM = None


async def test_pause_then_already_paused_then_resume(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("pause")
    assert outcome.ok, outcome.to_dict()
    assert outcome.action == "pause"
    assert outcome.reply == "Paused on Kitchen Speaker."
    assert world.player()["is_playing"] is False

    again = await music.say("pause the music")
    assert again.ok and again.reply == "Already paused on Kitchen Speaker."
    assert len(world.calls("demo", "/v1/me/player/pause")) == 1

    resumed = await music.say("resume")
    assert resumed.ok and resumed.reply == "Resuming on Kitchen Speaker."
    assert world.player()["is_playing"] is True
    assert resumed.playing is not None and resumed.playing.name == "Blinding Lights"


async def test_nothing_playing_is_said_plainly(music: Music) -> None:
    paused = await music.say("pause")
    assert paused.ok and paused.reply == "Nothing is playing right now."
    skipped = await music.say("next song")
    assert not skipped.ok and skipped.error is not None
    assert skipped.error.code == "not_found"
    assert skipped.reply == "Nothing is playing right now."
