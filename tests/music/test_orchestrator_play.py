"""Play, queue and clarify over the real sandbox with the shipped catalog subset: the right
item, played the right way (track by URI, everything else as a context), on the right device."""

from __future__ import annotations

from typing import Any

import pytest

from skill.music.outcome import Command
from skill.nlu import Intent
from tests.music.conftest import Music, World

BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"
HELLO_ADELE = "spotify:track:4aebBr4JAihzJQR0CiIZJv"

# Two songs with one title by different artists (ids are base62, 22 characters).
TWINS = [
    {"track_id": "5TwinLanternsMayaOka01", "track_name": "Paper Lanterns",
     "artist_names": "Maya Okafor", "album_id": "5TwinAlbumMayaOkafor01",
     "album_name": "Harbour Lights", "release_year": "2019", "duration_ms": "201000",
     "popularity": "61", "explicit": "false", "genres": "indie folk"},
    {"track_id": "5TwinLanternsTidewat02", "track_name": "Paper Lanterns",
     "artist_names": "The Tidewater Band", "album_id": "5TwinAlbumTidewater002",
     "album_name": "Low Tide", "release_year": "2021", "duration_ms": "188000",
     "popularity": "60", "explicit": "false", "genres": "indie rock"},
]


@pytest.fixture
def twins(world: World) -> World:
    """The two "Paper Lanterns" in the catalog (added once: the search index is rebuilt)."""
    return world.with_tracks(TWINS)


def _item(world: World, user: str = "demo") -> dict[str, Any]:
    state = world.player(user)
    assert state["item"] is not None, state
    item: dict[str, Any] = state["item"]
    return item


async def test_spoken_track_with_homophone_in_the_kitchen(music: Music, world: World) -> None:
    outcome = await music.say("play blinding lights by the weekend in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Playing Blinding Lights by The Weeknd on Kitchen Speaker."
    state = world.player()
    assert state["item"]["uri"] == BLINDING_LIGHTS
    assert state["device"]["name"] == "Kitchen Speaker" and state["is_playing"] is True
    assert state["context_uri"] is None  # a track plays by its URI
    play = world.calls("demo", "/v1/me/player/play")[-1]
    assert play["body"]["uris"] == [BLINDING_LIGHTS]
    assert outcome.playing is not None and outcome.playing.device == "Kitchen Speaker"


async def test_a_users_own_device_name_at_the_end_is_the_device(
    music: Music, world: World
) -> None:
    """The grammars know room words, not "Alex's Phone": the tail is split off because it
    names one of the user's devices; a tail that names none stays in the title."""
    outcome = await music.say("play blinding lights by the weekend on alexs phone")
    assert outcome.ok, outcome.to_dict()
    assert outcome.intent is not None and outcome.intent.slots["device"] == "alexs phone"
    state = world.player()
    assert state["item"]["uri"] == BLINDING_LIGHTS
    assert state["device"]["name"] == "Alex's Phone"
    kept = await music.say("play fire on the mountain in the kitchen")
    assert kept.ok, kept.to_dict()
    assert kept.intent is not None
    # a famous title (catalog_names) is typed as a track; either way the tail stays in it
    title = kept.intent.slots.get("track") or kept.intent.slots.get("query")
    assert title == "fire on the mountain" and kept.intent.slots["device"] == "kitchen"


async def test_typo_and_dropped_version_suffix(music: Music, world: World) -> None:
    outcome = await music.say("play bohemian rapsody by queen on the bedroom speaker")
    assert outcome.ok, outcome.to_dict()
    item = _item(world)
    assert item["name"].startswith("Bohemian Rhapsody") and item["artists"] == ["Queen"]
    assert outcome.reply == "Playing Bohemian Rhapsody by Queen on Bedroom Speaker."


async def test_artist_plays_as_a_shuffled_context(music: Music, world: World) -> None:
    outcome = await music.say("play something by queen in the living room")
    assert outcome.ok, outcome.to_dict()
    state = world.player()
    assert state["context_uri"].startswith("spotify:artist:")
    assert state["shuffle"] is True
    assert state["device"]["name"] == "Living Room TV"
    assert outcome.reply == "Playing Queen on Living Room TV."


async def test_album_plays_in_order_and_next_stays_inside(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.act("demo", action="shuffle", state=True)
    outcome = await music.say("play the album 25 by adele")
    assert outcome.ok, outcome.to_dict()
    state = world.player()
    album = state["context_uri"]
    assert album.startswith("spotify:album:") and state["shuffle"] is False
    assert outcome.reply.startswith("Playing the album 25 by Adele on Kitchen Speaker")
    assert (await music.say("next")).ok
    assert world.player()["context_uri"] == album


async def test_playlist_and_shuffle_my_playlist(music: Music, world: World) -> None:
    command = Command(user_id="demo", intent=Intent("music.play", {"playlist": "road trip"}),
                      device="kitchen")
    outcome = await music.orchestrator.handle(command)
    assert outcome.ok, outcome.to_dict()
    road_trip = world.player()["context_uri"]
    assert road_trip.startswith("spotify:playlist:")
    assert outcome.reply == "Playing the playlist Road Trip on Kitchen Speaker."
    shuffled = await music.orchestrator.handle(Command(
        user_id="demo", intent=Intent("music.play", {"playlist": "road trip", "shuffle": "on"})))
    assert shuffled.ok, shuffled.to_dict()
    assert shuffled.reply == "Shuffling the playlist Road Trip on Kitchen Speaker."
    state = world.player()
    assert state["context_uri"] == road_trip and state["shuffle"] is True


async def test_liked_songs_play_as_the_collection(music: Music, world: World) -> None:
    outcome = await music.say("play my liked songs in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert world.player()["context_uri"].endswith(":collection")
    assert outcome.reply == "Playing your Liked Songs on Kitchen Speaker."


async def test_genre(music: Music, world: World) -> None:
    outcome = await music.say("play some jazz in the kitchen")
    assert outcome.ok, outcome.to_dict()
    state = world.player()
    assert state["is_playing"] and state["device"]["name"] == "Kitchen Speaker"
    assert outcome.reply.startswith("Playing ") and outcome.reply.endswith("on Kitchen Speaker.")


async def test_a_mood_plays_music_for_it(music: Music, world: World) -> None:
    """"something relaxing": no playlist or genre of that name in the catalog, so songs
    whose name holds the word play as a list, with no question of which one."""
    outcome = await music.say("put on something relaxing in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Playing some relaxing music on Kitchen Speaker."
    state = world.player()
    assert state["is_playing"] and "Relaxing" in state["item"]["name"]


async def test_a_radio_station_says_spotify_has_none(music: Music, world: World) -> None:
    outcome = await music.say("play npr in the kitchen")
    assert not outcome.ok and outcome.error is not None, outcome.to_dict()
    assert outcome.error.code == "not_found"
    assert outcome.reply.startswith("Spotify doesn't carry radio stations, so I can't play npr")
    assert not world.player().get("is_playing")
    bare = await music.say("play the radio in the kitchen")  # names nothing: not a crash
    assert not bare.ok and bare.error is not None and bare.error.code == "not_found"
    assert bare.reply == "I couldn't find that on Spotify."


async def test_queue_adds_after_the_current_item(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("queue hello by adele")
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Added Hello by Adele to the queue."
    assert world.player()["queue"] == [HELLO_ADELE]
    assert world.player()["item"]["uri"] == BLINDING_LIGHTS


async def test_transfer_is_verified_before_playing(music: Music, world: World) -> None:
    world.play_on("Living Room TV", uris=[BLINDING_LIGHTS])
    outcome = await music.say("play hello by adele in the kitchen")
    assert outcome.ok, outcome.to_dict()
    assert outcome.details["transfer_verified"] is True
    paths = [(e["method"], e["path"]) for e in world.log()]
    transfer = paths.index(("PUT", "/v1/me/player"))
    assert paths.index(("PUT", "/v1/me/player/play")) > transfer
    state = world.player()
    assert state["device"]["name"] == "Kitchen Speaker" and state["item"]["uri"] == HELLO_ADELE


async def test_source_room_and_remembered_devices(music: Music, world: World) -> None:
    first = await music.say("play hello by adele", source="bedroom")
    assert first.ok and world.player()["device"]["name"] == "Bedroom Speaker"
    assert first.details["target"] == "source"
    # from the study (no device of that name), the user names one: the study remembers it
    named = await music.say("play blinding lights by the weeknd in the kitchen", source="study")
    assert named.ok and world.player()["device"]["name"] == "Kitchen Speaker"
    world.act("demo", action="disconnect")
    again = await music.say("play hello by adele", source="study")
    assert again.ok and world.player()["device"]["name"] == "Kitchen Speaker"
    assert again.details["target"] == "source"
    # no room at all: the last-used device, remembered across a restart
    world.act("demo", action="disconnect")
    restarted = music.new_orchestrator()
    last = await restarted.handle_text("demo", "play blinding lights by the weeknd")
    assert last.ok, last.to_dict()
    assert last.details["target"] == "last"
    assert world.player()["device"]["name"] == "Kitchen Speaker"


async def test_clarification_round_trip_by_artist(music: Music, twins: World) -> None:
    world = twins
    asked = await music.say("play paper lanterns in the kitchen")
    assert asked.ok and asked.action == "clarify", asked.to_dict()
    assert asked.clarification is not None
    assert asked.reply == (
        "Which one: Paper Lanterns by Maya Okafor or Paper Lanterns by The Tidewater Band?"
    ) or asked.reply == (
        "Which one: Paper Lanterns by The Tidewater Band or Paper Lanterns by Maya Okafor?"
    )
    uris = {c.label: c.uri for c in asked.clarification.choices}
    assert world.calls("demo", "/v1/me/player/play") == []  # nothing played yet
    chosen = await music.say("the one by the tidewater band")
    assert chosen.ok, chosen.to_dict()
    assert chosen.intent is not None and chosen.intent.name == "music.choose"
    assert chosen.reply == "Playing Paper Lanterns by The Tidewater Band on Kitchen Speaker."
    assert _item(world)["uri"] == uris["Paper Lanterns by The Tidewater Band"]
    # answered once: a second answer has nothing pending
    late = await music.say("the first one")
    assert late.error is not None and late.error.details["reason"] == "no_pending_choice"


async def test_clarification_round_trip_by_position(music: Music, twins: World) -> None:
    world = twins
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    asked = await music.say("play paper lanterns")
    assert asked.clarification is not None
    second = asked.clarification.choices[1]
    chosen = await music.say("the second one")
    assert chosen.ok, chosen.to_dict()
    assert _item(world)["uri"] == second.uri
    assert world.player()["device"]["name"] == "Bedroom Speaker"


async def test_an_unclear_answer_keeps_the_question(music: Music, twins: World) -> None:
    world = twins
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    assert (await music.say("play paper lanterns")).clarification is not None
    unclear = await music.do("music.choose", slots={"artist": "nobody we know"})
    assert unclear.error is not None and unclear.error.details["reason"] == "no_such_choice"
    assert unclear.reply == "I didn't catch which one. Say \"the first one\" or name the artist."
    chosen = await music.say("the first one")
    assert chosen.ok, chosen.to_dict()


async def test_choice_expires(music: Music, twins: World) -> None:
    world = twins
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    quick = music.new_orchestrator(choice_ttl=0.2)
    assert (await quick.handle_text("demo", "play paper lanterns")).clarification is not None
    import asyncio

    await asyncio.sleep(0.5)
    late = await quick.handle_text("demo", "the first one")
    assert late.error is not None and late.error.details["reason"] == "no_pending_choice"


async def test_nothing_found(music: Music, world: World) -> None:
    world.play_on("Bedroom Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("play zqxjv wplkh by qqqqq")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_found"
    assert outcome.reply == "I couldn't find zqxjv wplkh by qqqqq on Spotify."


async def test_like_and_playlist_edits(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=["spotify:track:4Mg3aeA9ZrEZrhL4ANs23u"])
    liked = await music.say("like this song")
    assert liked.ok and liked.reply == "Added Hello by Ice Cube to your Liked Songs."
    assert "4Mg3aeA9ZrEZrhL4ANs23u" in world.sandbox.world.users["demo"].liked_track_ids()
    added = await music.say("add this to my road trip playlist")
    assert added.ok and added.reply == "Added Hello by Ice Cube to Road Trip."
    road = next(p for p in world.sandbox.world.playlists.values() if p.name == "Road Trip")
    assert road.track_uris[-1] == "spotify:track:4Mg3aeA9ZrEZrhL4ANs23u"
    created = await music.say("create a playlist called late night drive")
    assert created.ok and created.reply == "Created the playlist late night drive."
    assert any(p.name == "late night drive" for p in world.sandbox.world.playlists.values())
    unliked = await music.say("remove this from my liked songs")
    assert unliked.ok or unliked.intent is not None


async def test_which_device_question_answered_by_name(music: Music, world: World) -> None:
    asked = await music.say("play hello by adele")
    assert asked.error is not None and asked.error.code == "no_active_device"
    assert asked.reply.startswith("Which device should I use? Spotify can see Kitchen Speaker")
    answered = await music.say("the kitchen speaker")
    assert answered.ok, answered.to_dict()
    assert answered.reply == "Playing Hello by Adele on Kitchen Speaker."
    assert answered.intent is not None and answered.intent.name == "music.choose"
    assert _item(world)["uri"] == HELLO_ADELE


async def test_which_device_answer_is_remembered_for_the_room(
    music: Music, world: World
) -> None:
    asked = await music.say("play hello by adele", source="study")
    assert asked.error is not None and asked.error.code == "no_active_device"
    answered = await music.say("the second one", source="study")
    assert answered.ok and world.player()["device"]["name"] == "Living Room TV"
    world.act("demo", action="disconnect")
    later = await music.say("play blinding lights by the weeknd", source="study")
    assert later.ok, later.to_dict()
    assert later.details["target"] == "source"
    assert world.player()["device"]["name"] == "Living Room TV"


async def test_ambiguous_device_name_then_answer(music: Music, world: World) -> None:
    world.play_on("Living Room TV", uris=[BLINDING_LIGHTS])
    asked = await music.say("move the music to the speaker")
    assert asked.reply == '"speaker" could be Kitchen Speaker or Bedroom Speaker. Which one?'
    answered = await music.say("the bedroom one")
    assert answered.ok, answered.to_dict()
    assert world.player()["device"]["name"] == "Bedroom Speaker"


async def test_everywhere_asks_for_one_speaker_then_plays_there(
    music: Music, world: World
) -> None:
    """Spotify Connect plays on one device at a time: "everywhere" asks which one, and the
    answer plays the request that waited."""
    asked = await music.say("play blinding lights by the weeknd everywhere")
    assert asked.error is not None and asked.error.code == "device_not_found"
    assert asked.error.details["reason"] == "every_device"
    assert asked.reply.startswith("Spotify plays on one speaker at a time. Which one: ")
    assert "Kitchen Speaker" in asked.reply and "Bedroom Speaker" in asked.reply
    assert world.player()["is_playing"] is False
    answered = await music.say("the kitchen speaker")
    assert answered.ok, answered.to_dict()
    player = world.player()
    assert player["device"]["name"] == "Kitchen Speaker"
    assert player["item"]["uri"] == BLINDING_LIGHTS


async def test_unrelated_words_while_a_question_waits(music: Music, world: World) -> None:
    asked = await music.say("play hello by adele")
    assert asked.error is not None
    other = await music.say("what is the weather like tomorrow")
    assert not other.ok and other.reply.startswith("Sorry, I can't help with that.")
    still = await music.say("the first one")
    assert still.ok and world.player()["device"]["name"] == "Kitchen Speaker"


async def test_never_mind_calls_off_the_question(music: Music, world: World) -> None:
    """A question that waits is called off by "never mind": the answer is "OK.", nothing is
    played, and a later "the first one" has nothing to choose from."""
    asked = await music.say("play hello by adele")
    assert asked.error is not None
    called_off = await music.say("never mind")
    assert called_off.ok and called_off.reply == "OK." and called_off.action is None
    assert called_off.intent is not None and called_off.intent.reason == "declined"
    later = await music.say("the first one")
    assert not later.ok and later.error is not None and later.error.code == "not_found"
    assert world.player()["is_playing"] is False
