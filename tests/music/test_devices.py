"""Device matching (spoken names, rooms, types) and targeting over the sandbox's devices."""

from __future__ import annotations

import pytest

from skill.errors import DeviceNotFound, NoActiveDevice
from skill.music.devices import Devices, match_device, names_every_device
from skill.music.providers.base import DeviceInfo
from skill.music.providers.spotify import SpotifyProvider
from tests.music.conftest import Music, World

HOUSE = [
    DeviceInfo("k", "Kitchen Speaker", "Speaker"),
    DeviceInfo("tv", "Living Room TV", "TV"),
    DeviceInfo("b", "Bedroom Speaker", "Speaker"),
    DeviceInfo("p", "Alex's Phone", "Smartphone", supports_volume=False),
    DeviceInfo("o", "Office Display", "Computer", is_restricted=True),
]


@pytest.mark.parametrize(
    ("spoken", "name"),
    [
        ("kitchen", "Kitchen Speaker"),
        ("the kitchen speaker", "Kitchen Speaker"),
        ("Kitchen Speaker", "Kitchen Speaker"),
        ("kitchen speakers", "Kitchen Speaker"),
        ("kichen", "Kitchen Speaker"),
        ("living room", "Living Room TV"),
        ("the lounge", "Living Room TV"),
        ("tv", "Living Room TV"),
        ("the television", "Living Room TV"),
        ("bedroom", "Bedroom Speaker"),
        ("phone", "Alex's Phone"),
        ("alexs phone", "Alex's Phone"),
        ("my iphone", "Alex's Phone"),
        ("office", "Office Display"),
        ("the computer", "Office Display"),
        ("k", "Kitchen Speaker"),  # an id
    ],
)
def test_spoken_names_find_the_device(spoken: str, name: str) -> None:
    found = match_device(spoken, HOUSE)
    assert found.device is not None and found.device.name == name


@pytest.mark.parametrize("spoken", ["garage", "the car", "basement speaker", "xyz"])
def test_unknown_names_find_nothing(spoken: str) -> None:
    found = match_device(spoken, HOUSE)
    assert found.device is None and not found.ties


@pytest.mark.parametrize(
    ("spoken", "every"),
    [("everywhere", True), ("the whole house", True), ("all speakers", True),
     ("all of the speakers", True), ("in every room", True), ("every device", True),
     ("all the speakers in the house", True), ("kitchen", False),
     ("the house speaker", False), ("all", False)],
)
def test_names_for_every_device(spoken: str, every: bool) -> None:
    assert names_every_device(spoken) is every


async def test_everywhere_asks_which_one_unless_there_is_one(music: Music, world: World) -> None:
    devices = Devices(SpotifyProvider(music.services.client), music.orchestrator.store)
    with pytest.raises(DeviceNotFound) as caught:
        await devices.find("demo", "all speakers")
    assert caught.value.details["reason"] == "every_device"
    names = caught.value.details["ambiguous"]
    assert "Kitchen Speaker" in names and len(names) >= 2
    assert "Office Display" not in names  # restricted: Spotify lets no app control it
    for name in names:
        if name != "Kitchen Speaker":
            world.set_device(name, visible=False)
    devices.invalidate("demo")
    assert (await devices.find("demo", "everywhere")).name == "Kitchen Speaker"


def test_two_equally_good_devices_are_a_tie() -> None:
    found = match_device("speaker", HOUSE)
    assert found.device is None
    assert {d.name for d in found.ties} == {"Kitchen Speaker", "Bedroom Speaker"}


async def test_listing_is_cached_and_dropped_on_change(music: Music, world: World) -> None:
    devices = Devices(SpotifyProvider(music.services.client), music.orchestrator.store)
    before = world.stats()["api_requests_by_path"].get("/v1/me/player/devices", 0)
    await devices.list("demo")
    await devices.list("demo")
    assert devices.listings == 1
    devices.invalidate("demo")
    await devices.list("demo")
    assert devices.listings == 2
    after = world.stats()["api_requests_by_path"].get("/v1/me/player/devices", 0)
    assert after - before == 2


async def test_ambiguous_name_is_a_question(music: Music, world: World) -> None:
    devices = Devices(SpotifyProvider(music.services.client), music.orchestrator.store)
    with pytest.raises(DeviceNotFound) as caught:
        await devices.find("demo", "speaker")
    assert caught.value.details["ambiguous"] == ["Kitchen Speaker", "Bedroom Speaker"]
    outcome = await music.say("move the music to the speaker")
    assert outcome.reply == '"speaker" could be Kitchen Speaker or Bedroom Speaker. Which one?'


async def test_fixed_order(music: Music, world: World) -> None:
    store = music.orchestrator.store
    devices = Devices(SpotifyProvider(music.services.client), store)
    with pytest.raises(NoActiveDevice):
        await devices.choose("demo", named=None, source=None, active=None)
    await store.remember_device("demo", "last", None, "Bedroom Speaker")
    last = await devices.choose("demo", named=None, source=None, active=None)
    assert (last.device.name, last.reason) == ("Bedroom Speaker", "last")
    await store.remember_device("demo", "default", None, "Living Room TV")
    default = await devices.choose("demo", named=None, source=None, active=None)
    assert (default.device.name, default.reason) == ("Living Room TV", "default")
    world.play_on("Alex's Phone", uris=["spotify:track:0sf12qNH5qcw8qpgymFOqD"])
    devices.invalidate("demo")
    active = await devices.choose("demo", named=None, source=None, active=None)
    assert (active.device.name, active.reason) == ("Alex's Phone", "active")
    room = await devices.choose("demo", named=None, source="kitchen", active=None)
    assert (room.device.name, room.reason) == ("Kitchen Speaker", "source")
    named = await devices.choose("demo", named="tv", source="kitchen", active=None)
    assert (named.device.name, named.reason) == ("Living Room TV", "named")
