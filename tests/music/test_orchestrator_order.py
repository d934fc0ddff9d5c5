"""The order of questions of ``music.play`` over the real sandbox (demo world: five devices,
none active, none remembered): what was named is found first, so a request that cannot play
is answered at once; "which device?" comes only for one that can, and before "which one?"."""

from __future__ import annotations

from typing import Any

import pytest

from skill.music.outcome import Command
from skill.nlu import Intent
from tests.music.conftest import Music, World
from tests.music.test_orchestrator_play import TWINS

HELLO_ADELE = "spotify:track:4aebBr4JAihzJQR0CiIZJv"


@pytest.fixture
def twins(world: World) -> World:
    """The two "Paper Lanterns" in the catalog (added once: the search index is rebuilt)."""
    return world.with_tracks(TWINS)


def _writes(world: World) -> list[dict[str, Any]]:
    return world.log("demo")


@pytest.mark.parametrize(
    ("text", "reason", "reply"),
    [("play release radar", "spotify_playlist",
      "I couldn't find Release Radar: Spotify doesn't let this app open its own playlists like "
      "that one."),
     ("play zqxjv wplkh by qqqqq", "no_match", "I couldn't find zqxjv wplkh by qqqqq on Spotify."),
     ("play my dinner jazz playlist", "empty",
      "Dinner Jazz is empty, so there's nothing to play.")],
)
async def test_what_cannot_play_is_answered_before_which_device(
    music: Music, world: World, text: str, reason: str, reply: str
) -> None:
    """No device named, several devices: not found (or empty) at once, no device question
    left waiting, nothing transferred or played."""
    outcome = await music.say(text)
    assert outcome.error is not None and outcome.error.code == "not_found", outcome.to_dict()
    assert outcome.error.details["reason"] == reason
    assert outcome.reply == reply
    assert _writes(world) == []
    late = await music.say("the first one")
    assert late.error is not None and late.error.details["reason"] == "no_pending_choice"


async def test_what_can_play_still_asks_which_device(music: Music, world: World) -> None:
    asked = await music.say("play hello by adele")
    assert asked.error is not None and asked.error.code == "no_active_device"
    assert asked.reply.startswith("Which device should I use?")
    answered = await music.say("the kitchen speaker")
    assert answered.ok and answered.reply == "Playing Hello by Adele on Kitchen Speaker."


async def test_a_rest_uri_that_is_empty_is_answered_before_which_device(
    music: Music, world: World
) -> None:
    dinner = next(p.uri for p in world.sandbox.world.playlists.values()
                  if p.name == "Dinner Jazz")
    outcome = await music.orchestrator.handle(Command(
        user_id="demo", intent=Intent("music.play", {}), uri=dinner))
    assert outcome.error is not None and outcome.error.details["reason"] == "empty"
    nowhere = "spotify:track:0000000000000000000000"
    unknown = await music.orchestrator.handle(Command(
        user_id="demo", intent=Intent("music.play", {}), uri=nowhere))
    assert unknown.error is not None and unknown.error.code == "not_found", unknown.to_dict()
    assert _writes(world) == []


async def test_which_device_then_which_one_then_it_plays(music: Music, twins: World) -> None:
    """Two songs of the name and no device: the device question first (its answer runs the
    request again, from the cache), then "which one?", whose answer plays on that device."""
    device = await music.say("play paper lanterns")
    assert device.error is not None and device.error.code == "no_active_device"
    which = await music.say("the bedroom speaker")
    assert which.ok and which.action == "clarify", which.to_dict()
    assert which.clarification is not None
    second = which.clarification.choices[1]
    played = await music.say("the second one")
    assert played.ok, played.to_dict()
    state = twins.player()
    assert state["item"]["uri"] == second.uri and state["device"]["name"] == "Bedroom Speaker"


async def test_a_request_not_found_leaves_a_waiting_device_question(
    music: Music, world: World
) -> None:
    """A device question waits for "play hello by adele"; "play release radar" is answered
    at once and asks nothing, so the question still waits and its answer plays Hello."""
    asked = await music.say("play hello by adele")
    assert asked.error is not None and asked.error.code == "no_active_device"
    missing = await music.say("play release radar")
    assert missing.error is not None and missing.error.code == "not_found"
    answered = await music.say("the kitchen speaker")
    assert answered.ok and answered.reply == "Playing Hello by Adele on Kitchen Speaker."
    assert world.player()["item"]["uri"] == HELLO_ADELE


async def test_a_key_of_a_request_not_found_is_given_back(music: Music, world: World) -> None:
    """Nothing was written: the same key runs again (not a replay), and answers the same."""
    first = await music.say("play release radar", idempotency_key="turn-rr")
    again = await music.say("play release radar", idempotency_key="turn-rr")
    assert first.error is not None and again.error is not None
    assert again.error.details["reason"] == "spotify_playlist"
    assert not again.details.get("replayed")
    assert _writes(world) == []
