"""Every failure path ends in a failed outcome with a reply spoken from its code (never from
Spotify's text), over the real sandbox."""

from __future__ import annotations

import logging

import httpx
import pytest

from skill.music.orchestrator import MusicOrchestrator
from skill.music.outcome import Outcome
from skill.music.store import MusicStore
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget
from skill.spotify.client import SpotifyClient
from tests.music.conftest import Music, World

BLINDING_LIGHTS = "spotify:track:0sf12qNH5qcw8qpgymFOqD"


async def test_no_device_at_all(music: Music, world: World) -> None:
    await music.link("nodevices")
    outcome = await music.do("music.play", "nodevices", uri=BLINDING_LIGHTS)
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "no_active_device" and outcome.status == 404
    assert outcome.reply == (
        "Spotify can't see any of your devices. Open Spotify on a speaker, phone or computer, "
        "then try again."
    )
    assert world.log("nodevices") == []


async def test_several_devices_and_none_chosen_lists_them(music: Music, world: World) -> None:
    outcome = await music.do("music.play", uri=BLINDING_LIGHTS)
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "no_active_device"
    assert outcome.reply == (
        "Which device should I use? Spotify can see Kitchen Speaker, Living Room TV, Bedroom "
        "Speaker, Alex's Phone and Office Display. Say, for example, \"Kitchen Speaker\" or "
        "\"the first one\"."
    )
    assert outcome.error.details["devices"][0] == "Kitchen Speaker"
    assert world.log() == []  # nothing was played anywhere


async def test_only_device_is_used(music: Music, world: World) -> None:
    await music.link("guest")
    outcome = await music.do("music.play", "guest", uri=BLINDING_LIGHTS)
    assert outcome.ok, outcome.to_dict()
    assert outcome.reply == "Playing Blinding Lights by The Weeknd on Guest Room Speaker."
    assert world.player("guest")["device"]["name"] == "Guest Room Speaker"
    assert outcome.details["target"] == "only"


async def test_free_account_gets_premium_required_in_plain_words(
    music: Music, world: World
) -> None:
    await music.link("freeloader")
    outcome = await music.do("music.play", "freeloader", uri=BLINDING_LIGHTS)
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "premium_required" and outcome.status == 403
    assert outcome.reply == (
        "Controlling playback needs Spotify Premium, and this account is on the free plan. "
        "I can still tell you what's playing."
    )
    attempts = len(world.log("freeloader"))
    # the next player command is refused up front; read-only ones keep working
    again = await music.say("pause", "freeloader")
    assert again.error is not None and again.error.code == "premium_required"
    assert len(world.log("freeloader")) == attempts
    listing = await music.say("what devices are there", "freeloader")
    assert listing.ok and listing.reply.startswith("Spotify can see Laptop")


async def test_rate_limited_with_a_long_retry_after(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player", method="GET", status=429, retry_after=20, count=1)
    outcome = await music.say("pause")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "rate_limited" and outcome.status == 429
    assert outcome.error.retry_after is not None and outcome.error.retry_after >= 19
    assert outcome.reply == "Spotify is busy, try again in about 20 seconds."
    assert world.player()["is_playing"] is True


async def test_rate_limited_for_an_hour(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player", method="GET", status=429, retry_after=3600, count=1)
    outcome = await music.say("turn it down")
    assert outcome.error is not None and outcome.error.code == "rate_limited"
    assert outcome.reply == "Spotify is busy, try again in about 60 minutes."
    # inside the cooldown nothing is sent at all
    before = world.stats()["api_requests"]
    second = await music.say("pause")
    assert second.error is not None and second.error.code == "rate_limited"
    assert world.stats()["api_requests"] == before


async def test_breaker_open_after_bad_gateways(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player", status=502)
    first = await music.say("pause")
    assert first.error is not None and first.error.code == "upstream_unavailable"
    assert first.reply.startswith("I can't reach Spotify right now. Please try again")
    before = world.stats()["api_requests"]
    second = await music.say("pause")
    assert second.error is not None and second.error.code == "upstream_unavailable"
    assert world.stats()["api_requests"] == before  # the open breaker sent nothing


async def test_relink_required_after_the_user_revoked_access(
    music: Music, world: World
) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.revoke("demo")
    outcome = await music.say("pause")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "relink_required" and outcome.status == 409
    assert outcome.reply == (
        "Your Spotify connection has expired or was removed. Please reconnect Spotify: open "
        "the skill's account page and sign in to Spotify again."
    )
    assert world.player()["is_playing"] is True


async def test_not_linked(music: Music) -> None:
    outcome = await music.say("pause", "stranger")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_linked"
    assert outcome.reply == (
        "Spotify isn't connected yet. Link your Spotify account on the skill's account page "
        "first."
    )


async def test_insufficient_scope_says_what_to_allow(music: Music, world: World) -> None:
    await music.link("demo", scopes=("user-read-playback-state", "user-read-currently-playing"))
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    outcome = await music.say("pause")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "insufficient_scope"
    assert outcome.reply == (
        "Spotify hasn't allowed me to control playback. Reconnect Spotify on the skill's "
        "account page and allow it."
    )
    assert world.calls("demo", "/v1/me/player/pause") == []


async def test_not_understood(music: Music) -> None:
    outcome = await music.say("what is the weather like tomorrow")
    assert not outcome.ok and outcome.error is None and outcome.action is None
    assert outcome.reply.startswith("Sorry, I can't help with that.")


async def test_a_command_said_not_to_be_done_does_nothing(
    music: Music, world: World
) -> None:
    """"don't play anything" is answered "OK." and sends nothing to Spotify (it read as a
    play request before), where other out-of-domain words get the apology."""
    for text in ("don't play anything", "no music tonight please", "i don't want the radio"):
        outcome = await music.say(text)
        assert outcome.ok and outcome.error is None and outcome.action is None, text
        assert outcome.reply == "OK.", text
        assert outcome.to_dict()["intent"]["reason"] == "declined"
        replayed = Outcome.from_dict(outcome.to_dict())  # an idempotent replay keeps it
        assert replayed.intent is not None and replayed.intent.reason == "declined"
    assert world.calls("demo", "/v1/me/player/play") == []
    assert world.player()["is_playing"] is False


async def test_choose_with_nothing_pending(music: Music) -> None:
    outcome = await music.say("the first one")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "not_found"
    assert outcome.reply == (
        "There's nothing to choose from right now. Tell me what you'd like to hear."
    )


async def test_a_bug_is_internal_with_a_correlation_id(
    music: Music, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Using a Spotify client after its HTTP client was closed is a bug of ours: the outcome
    is ``internal`` with a correlation id, and the log line carries the same id."""
    closed = httpx.AsyncClient()
    await closed.aclose()
    client = SpotifyClient(closed, music.services.tokens, api_base=world.url + "/v1",
                           breakers=Breakers(), budget=Budget())
    store = MusicStore(music.db)
    try:
        broken = MusicOrchestrator.for_spotify(client, store)
        with caplog.at_level(logging.ERROR, logger="skill.music.orchestrator"):
            outcome = await broken.handle_text("demo", "pause")
    finally:
        store.close()
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "internal" and outcome.status == 500
    correlation = outcome.error.details["correlation_id"]
    assert outcome.reply == "Something went wrong on my side. Please try again."
    assert any(correlation in r.getMessage() for r in caplog.records)


async def test_too_long_text_is_a_failed_outcome(music: Music) -> None:
    outcome = await music.say("play " + "la " * 300)
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "invalid_request"


async def test_a_command_past_its_budget_is_cut(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    world.fault(path="/v1/me/player", method="GET", latency_ms=1500, count=1)
    hurried = music.new_orchestrator(short_budget=0.4)
    outcome = await hurried.handle_text("demo", "pause")
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.code == "upstream_timeout"
    assert outcome.reply == "Spotify took too long to answer. Please try again."
    assert world.player()["is_playing"] is True


async def test_missing_slots_are_asked_for(music: Music, world: World) -> None:
    world.play_on("Kitchen Speaker", uris=[BLINDING_LIGHTS])
    transfer = await music.do("music.transfer")
    assert transfer.error is not None and transfer.error.code == "invalid_request"
    assert transfer.reply == "Which device should I use?"
    create = await music.do("playlist.create")
    assert create.reply == "What should the playlist be called?"
    volume = await music.do("music.volume")
    assert volume.reply == "What volume would you like?"
    assert world.log() == [e for e in world.log() if e["path"] != "/v1/me/player/volume"]
