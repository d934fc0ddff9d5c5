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


async def test_resume_with_nothing_loaded_says_so(music: Music) -> None:
    outcome = await music.say("resume in the kitchen")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_found"
    assert outcome.reply == (
        "There's nothing to resume on Kitchen Speaker. Tell me what you'd like to hear."
    )


async def test_already_paused_by_restriction_violated_counts_as_success(
    music: Music, world: World
) -> None:
    """The phone app pauses between our look and our pause: Spotify answers 403 UNKNOWN
    "Restriction violated"; the player agrees it is paused, so that is a success."""
    import asyncio

    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player/pause", method="PUT", latency_ms=600, status=403, count=1,
                body={"error": {"status": 403, "reason": "UNKNOWN",
                                "message": "Player command failed: Restriction violated"}})
    task = asyncio.create_task(music.say("pause"))
    await asyncio.sleep(0.3)
    await asyncio.to_thread(world.act, "demo", action="pause")
    outcome = await task
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Already paused on Kitchen Speaker."
    assert outcome.details.get("already") is True


async def test_restriction_violated_while_still_playing_is_a_failure(
    music: Music, world: World
) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player/pause", method="PUT", status=403, count=1,
                body={"error": {"status": 403, "reason": "UNKNOWN",
                                "message": "Player command failed: Restriction violated"}})
    outcome = await music.say("pause")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "conflict"
    assert outcome.reply == "Spotify refused that right now. Try it again in a moment."
    assert "Restriction" not in outcome.reply
    assert world.player()["is_playing"] is True


async def test_next_and_previous_stay_in_the_context(music: Music, world: World) -> None:
    playlist = _road_trip(world)
    world.play_on("Living Room TV", context_uri=playlist)
    first = world.player()["item"]["uri"]
    outcome = await music.say("skip this song")
    assert outcome.ok and outcome.reply == "Skipping to the next track."
    state = world.player()
    assert state["context_uri"] == playlist and state["item"]["uri"] != first
    back = await music.say("previous track")
    assert back.ok and back.action == "previous"
    assert world.player()["item"]["uri"] == first
    assert len(world.calls("demo", "/v1/me/player/next")) == 1


async def test_volume_level_delta_mute_unmute(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("set the volume to 30")
    assert outcome.ok and outcome.reply == "Volume 30 percent on Kitchen Speaker."
    assert world.devices()["Kitchen Speaker"]["volume_percent"] == 30
    louder = await music.say("turn it up")
    assert louder.ok and world.devices()["Kitchen Speaker"]["volume_percent"] == 40
    muted = await music.say("mute")
    assert muted.ok and muted.reply == "Muted on Kitchen Speaker."
    assert world.devices()["Kitchen Speaker"]["volume_percent"] == 0
    unmuted = await music.say("unmute")
    assert unmuted.ok and unmuted.reply == "Unmuted on Kitchen Speaker, volume 40 percent."
    assert world.devices()["Kitchen Speaker"]["volume_percent"] == 40


async def test_unmute_survives_a_restart(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    await music.say("set the volume to 55")
    assert (await music.say("mute")).ok
    restarted = music.new_orchestrator()
    outcome = await restarted.handle_text("demo", "unmute")
    assert outcome.ok and world.devices()["Kitchen Speaker"]["volume_percent"] == 55


async def test_phone_without_volume_control_is_refused_up_front(
    music: Music, world: World
) -> None:
    world.play_on("Alex's Phone", uris=[BLINDING_LIGHTS])
    outcome = await music.say("turn the volume down")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "restricted_device"
    assert outcome.reply == (
        "Alex's Phone's volume can't be changed from Spotify. "
        "Use the volume control on the device itself."
    )
    assert world.calls("demo", "/v1/me/player/volume") == []


async def test_restricted_device_is_refused_without_a_call(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    before = len(world.log())
    outcome = await music.say("move the music to the office display")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "restricted_device"
    assert outcome.reply.startswith("Office Display doesn't accept remote control")
    assert len(world.log()) == before
    assert world.player()["device"]["name"] == "Kitchen Speaker"


async def test_seek_to_a_position_and_by_a_delta(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.act("demo", action="pause")
    outcome = await music.say("go to 1 minute")
    assert outcome.ok and outcome.reply == "Jumped to 1 minute."
    assert world.player()["progress_ms"] == 60_000
    forward = await music.say("skip forward 30 seconds")
    assert forward.ok and forward.reply == "Jumped to 1 minute 30 seconds."
    assert world.player()["progress_ms"] == 90_000


async def test_shuffle_and_repeat(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", context_uri=_road_trip(world))
    assert (await music.say("shuffle on")).reply == "Shuffle is on."
    assert world.player()["shuffle"] is True
    assert (await music.say("repeat this song")).reply == "Repeating this track."
    assert world.player()["repeat"] == "track"


async def test_transfer_is_verified_and_keeps_playing(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("move the music to the bedroom")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Moved playback to Bedroom Speaker."
    assert outcome.details.get("transfer_verified") is True
    state = world.player()
    assert state["device"]["name"] == "Bedroom Speaker" and state["is_playing"] is True
    assert state["pending_transfer"] is None


async def test_device_not_found_names_it_and_the_fix(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    listings = music.orchestrator.devices.listings
    outcome = await music.say("move the music to the garage")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "device_not_found"
    assert outcome.reply.startswith("I can't find the garage among your Spotify devices.") or (
        outcome.reply.startswith("I can't find garage among your Spotify devices.")
    )
    assert "open Spotify on it once" in outcome.reply
    assert "Kitchen Speaker" in outcome.reply
    # listed from the cache, then re-listed once on the miss
    assert music.orchestrator.devices.listings - listings == 2


async def test_device_seen_only_after_a_relist(music: Music, world: World) -> None:
    """A speaker that was asleep when the list was cached shows up on the one re-list."""
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.set_device("Bedroom Speaker", visible=False)
    assert (await music.say("what devices are there")).ok  # caches a list without it
    world.set_device("Bedroom Speaker", visible=True)
    outcome = await music.say("move the music to the bedroom speaker")
    assert outcome.ok, outcome.to_dict()
    assert world.player()["device"]["name"] == "Bedroom Speaker"


def _road_trip(world: World) -> str:
    for playlist in world.sandbox.world.playlists.values():
        if playlist.name == "Road Trip":
            return f"spotify:playlist:{playlist.id}"
    raise AssertionError("the default world has a Road Trip playlist")


async def test_device_gone_since_the_list_was_cached(music: Music, world: World) -> None:
    """Spotify answers ``Device not found`` for a cached id: the list is dropped, re-listed
    once, and the reply names the device and the fix."""
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    assert (await music.say("what devices are there")).ok  # cached with the bedroom in it
    world.set_device("Bedroom Speaker", visible=False)
    listings = music.orchestrator.devices.listings
    outcome = await music.say("move the music to the bedroom")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "device_not_found"
    assert outcome.reply.startswith("I can't find Bedroom Speaker among your Spotify devices.")
    assert "open Spotify on it once" in outcome.reply
    assert music.orchestrator.devices.listings - listings == 1
    assert [e["status"] for e in world.calls("demo", "/v1/me/player")] == [404]
    assert world.player()["device"]["name"] == "Kitchen Speaker"


async def test_resume_in_another_room_moves_playback(music: Music, world: World) -> None:
    world.play_on("Living Room TV", uris=[BLINDING_LIGHTS])
    world.act("demo", action="pause")
    outcome = await music.say("resume in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Resuming on Kitchen Speaker."
    state = world.player()
    assert state["device"]["name"] == "Kitchen Speaker" and state["is_playing"] is True
    assert state["item"]["uri"] == BLINDING_LIGHTS
