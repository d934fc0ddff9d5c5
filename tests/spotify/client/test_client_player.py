"""The player family against the sandbox's simulated Connect devices, and the retry rules
for commands that must never run twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from skill.errors import (
    Conflict,
    DeviceNotFound,
    NoActiveDevice,
    PremiumRequired,
    RestrictedDevice,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from skill.spotify.client import SpotifyClient
from skill.spotify.models import Device, Track
from skill.spotify.retry import RetryPolicy
from tests.spotify.client.conftest import ClientFactory, Control, ManualClock
from tests.spotify.client.sandbox_tokens import SandboxTokens

TRACKS = [
    "spotify:track:2374M0fQpWi3dLnB54qaLX",
    "spotify:track:2WfaOiMkCvy7F5fcp2zZ8L",
    "spotify:track:1f3yAtsJtY87CTmM8RLnxf",
]
NEXT = "/v1/me/player/next"


async def device(client: SpotifyClient, user: str, name: str) -> Device:
    devices = await client.devices(user)
    found = next(d for d in devices if d.name == name)
    assert found.id is not None
    return found


async def start(client: SpotifyClient, user: str = "alice") -> Device:
    kitchen = await device(client, user, "Kitchen Speaker")
    await client.play(user, device_id=kitchen.id, uris=TRACKS)
    return kitchen


def commands(log: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    return [entry for entry in log if entry["path"] == path]


async def test_nothing_active_is_none(client: SpotifyClient, control: Control) -> None:
    assert await client.get_playback_state("alice") is None
    assert await client.currently_playing("alice") is None
    devices = await client.devices("alice")
    assert {d.name for d in devices} >= {"Kitchen Speaker", "Alex's Phone"}
    phone = next(d for d in devices if d.name == "Alex's Phone")
    assert phone.supports_volume is False and phone.type == "Smartphone"


async def test_a_session_of_commands(client: SpotifyClient, control: Control) -> None:
    kitchen = await start(client)
    state = await client.get_playback_state("alice")
    assert state is not None and state.is_playing
    assert state.device is not None and state.device.id == kitchen.id
    assert isinstance(state.item, Track) and state.item.uri == TRACKS[0]

    await client.next("alice")
    await client.previous("alice")
    await client.next("alice")
    current = await client.currently_playing("alice")
    assert current is not None and current.item is not None and current.item.uri == TRACKS[1]

    await client.seek("alice", 30_000)
    await client.volume("alice", 55)
    await client.shuffle("alice", True)
    await client.repeat("alice", "context")
    await client.queue_add("alice", TRACKS[0])
    queue = await client.get_queue("alice")
    assert queue.currently_playing is not None
    assert TRACKS[0] in [item.uri for item in queue.queue]

    await client.pause("alice")
    state = await client.get_playback_state("alice")
    assert state is not None and not state.is_playing
    assert state.shuffle_state is True and state.repeat_state == "context"
    assert state.device is not None and state.device.volume_percent == 55
    await client.resume("alice")
    state = await client.get_playback_state("alice")
    assert state is not None and state.is_playing

    history = await client.recently_played("alice", limit=10)
    assert all(isinstance(h.track, Track) for h in history.items)
    log = await control.log("demo")
    assert [e["path"] for e in log].count(NEXT) == 2


async def test_transfer_moves_playback(
    client: SpotifyClient, control: Control, clock: ManualClock
) -> None:
    await start(client)
    bedroom = await device(client, "alice", "Bedroom Speaker")
    assert bedroom.id is not None
    await client.transfer("alice", bedroom.id, play=True)
    await asyncio.sleep(0.4)  # transfers take effect a moment later (sandbox: 300 ms)
    state = await client.get_playback_state("alice")
    assert state is not None and state.device is not None
    assert state.device.name in {"Bedroom Speaker", "Kitchen Speaker"}


async def test_player_reasons_produced_by_the_simulator(
    client: SpotifyClient, control: Control, tokens: SandboxTokens
) -> None:
    with pytest.raises(NoActiveDevice) as no_device:
        await client.next("alice")
    assert no_device.value.details["reason"] == "NO_ACTIVE_DEVICE"

    with pytest.raises(DeviceNotFound):
        await client.play(
            "alice", device_id="0000000000000000000000000000000000000000", uris=TRACKS
        )

    await start(client)
    phone = await device(client, "alice", "Alex's Phone")
    with pytest.raises(RestrictedDevice) as volume:
        await client.volume("alice", 20, device_id=phone.id)
    assert volume.value.details["reason"] == "VOLUME_CONTROL_DISALLOW"

    await client.pause("alice")
    with pytest.raises(Conflict) as already:
        await client.pause("alice")
    assert already.value.details["reason"] == "UNKNOWN"  # Spotify's observed answer
    await control.config(specific_already_reasons=True)
    with pytest.raises(Conflict) as specific:
        await client.pause("alice")
    assert specific.value.details["reason"] == "ALREADY_PAUSED"

    await client.play("alice", uris=TRACKS[:1])
    with pytest.raises(Conflict) as last:
        await client.next("alice")
    assert last.value.details["reason"] == "NO_NEXT_TRACK"

    office = await device(client, "alice", "Office Display")
    with pytest.raises(Conflict) as restricted:
        await client.play("alice", device_id=office.id, uris=TRACKS)
    assert restricted.value.details["reason"] == "UNKNOWN"

    await tokens.link("free", sandbox_user="freeloader")
    with pytest.raises(PremiumRequired) as premium:
        await client.pause("free")
    assert premium.value.details["reason"] == "PREMIUM_REQUIRED"

    await tokens.link("empty", sandbox_user="nodevices")
    with pytest.raises(NoActiveDevice):
        await client.play("empty", uris=TRACKS)


async def test_commands_accept_200_with_an_opaque_text_body(
    client: SpotifyClient, control: Control
) -> None:
    await control.config(success_mode="200-text")
    await start(client)
    await client.next("alice")
    await client.pause("alice")
    log = await control.log("demo")
    assert [e["status"] for e in log][-2:] == [200, 200]


async def test_no_double_next_after_a_timeout(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(attempt_timeout=0.3)
    await start(client)
    await control.fault(path=NEXT, method="POST", latency_ms=1000, count=1)
    with pytest.raises(UpstreamTimeout):
        await client.next("alice")
    assert clock.sleeps == []  # no backoff: a next is never repeated after a timeout
    # The sandbox, like Spotify, acts on the request the client gave up on: exactly one
    # skip, from the one request the client sent.
    executed: list[Any] = []
    for _ in range(40):
        await asyncio.sleep(0.05)
        executed = commands(await control.log("demo"), NEXT)
        if executed:
            break
    assert await control.api_requests(NEXT) == 1
    assert len(executed) == 1
    state = await client.get_playback_state("alice")
    assert state is not None and state.item is not None
    assert state.item.uri == TRACKS[1]


async def test_no_double_next_after_a_dropped_connection(
    client: SpotifyClient, control: Control
) -> None:
    await start(client)
    await control.fault(path=NEXT, method="POST", drop=True, count=1)
    with pytest.raises(UpstreamUnavailable):
        await client.next("alice")
    assert await control.api_requests(NEXT) == 1


@pytest.mark.parametrize("fault", [{"status": 503}, {"retry_after": 1}, {"status": 429}])
async def test_next_is_repeated_when_spotify_proves_it_did_not_act(
    client: SpotifyClient, control: Control, fault: dict[str, Any]
) -> None:
    await start(client)
    await control.fault(path=NEXT, method="POST", count=1, **fault)
    await client.next("alice")
    assert await control.api_requests(NEXT) == 2
    done = [e for e in commands(await control.log("demo"), NEXT) if e["status"] < 300]
    assert len(done) == 1  # skipped exactly once


async def test_next_is_not_repeated_after_a_502(client: SpotifyClient, control: Control) -> None:
    await start(client)
    await control.fault(path=NEXT, method="POST", status=502, count=1)
    with pytest.raises(UpstreamUnavailable):
        await client.next("alice")
    assert await control.api_requests(NEXT) == 1


async def test_next_is_repeated_when_the_connection_was_refused(
    make_client: ClientFactory, clock: ManualClock, sandbox_url: str
) -> None:
    from tests.servers import free_port

    client = make_client(
        api_base=f"http://127.0.0.1:{free_port()}/v1", retry=RetryPolicy(max_attempts=2)
    )
    with pytest.raises(UpstreamUnavailable):
        await client.next("alice")
    assert len(clock.sleeps) == 1  # the request never left: repeating it is safe


async def test_idempotent_commands_are_repeated_after_a_timeout(
    make_client: ClientFactory, control: Control, clock: ManualClock
) -> None:
    client = make_client(attempt_timeout=0.3)
    await start(client)
    await control.fault(path="/v1/me/player/volume", latency_ms=1000, count=1)
    await client.volume("alice", 33)
    assert len(clock.sleeps) == 1
    await asyncio.sleep(0.8)
    state = await client.get_playback_state("alice")
    assert state is not None and state.device is not None and state.device.volume_percent == 33


async def test_a_repeated_pause_that_finds_the_player_paused_is_success(
    make_client: ClientFactory, control: Control, tokens: SandboxTokens
) -> None:
    """If the timed-out pause did act, the repeat answers "Restriction violated": done."""
    client = make_client(attempt_timeout=0.3)
    await start(client)

    await control.fault(path="/v1/me/player/pause", latency_ms=1000, count=1)
    pause = asyncio.create_task(client.pause("alice"))
    await asyncio.sleep(0.05)
    # Meanwhile the user paused on the device itself: the player is already paused when the
    # client repeats its timed-out pause.
    other = await control.http.put(
        "/v1/me/player/pause",
        headers={"Authorization": f"Bearer {(await tokens.get('alice')).value}"},
    )
    assert other.status_code in (200, 204)
    await pause
    state = await client.get_playback_state("alice")
    assert state is not None and not state.is_playing


async def test_identical_concurrent_reads_share_one_upstream_call(
    client: SpotifyClient, control: Control, tokens: SandboxTokens
) -> None:
    await tokens.link("bob", sandbox_user="guest")
    await control.fault(path="/v1/me/player/devices", latency_ms=200, count=2)
    results = await asyncio.gather(
        *(client.devices("alice") for _ in range(50)), *(client.devices("bob") for _ in range(5))
    )
    assert all(r == results[0] for r in results[:50])
    assert {d.name for d in results[50]} == {"Guest Room Speaker"}
    assert await control.api_requests("/v1/me/player/devices") == 2  # one per user


async def test_writes_are_never_shared(client: SpotifyClient, control: Control) -> None:
    await start(client)
    await control.fault(path="/v1/me/player/volume", latency_ms=100, count=3)
    await asyncio.gather(*(client.volume("alice", 20 + n) for n in range(3)))
    assert await control.api_requests("/v1/me/player/volume") == 3


async def test_a_shared_read_failure_reaches_every_caller(
    make_client: ClientFactory, control: Control
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    await control.fault(path="/v1/me/player/devices", latency_ms=100, status=502, count=1)
    results = await asyncio.gather(
        *(client.devices("alice") for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, UpstreamUnavailable) for r in results)
    assert await control.api_requests("/v1/me/player/devices") == 1
    assert len(await client.devices("alice")) > 0  # nothing stuck in flight


async def test_a_cancelled_leader_does_not_fail_its_followers(
    client: SpotifyClient, control: Control
) -> None:
    await control.fault(path="/v1/me/player/devices", latency_ms=300, count=1)
    leader = asyncio.create_task(client.devices("alice"))
    await asyncio.sleep(0.05)
    follower = asyncio.create_task(client.devices("alice"))
    await asyncio.sleep(0.05)
    leader.cancel()
    devices = await follower
    assert devices and leader.cancelled()


async def test_bad_arguments_fail_before_sending(client: SpotifyClient, control: Control) -> None:
    from skill.errors import InvalidRequest

    bad_calls = [
        client.play("alice", context_uri="spotify:album:x", uris=TRACKS),
        client.play("alice", offset=2),
        client.play("alice", uris=[]),
        client.play("alice", uris=TRACKS, offset=-1),
        client.volume("alice", 101),
        client.seek("alice", -5),
        client.repeat("alice", "forever"),  # type: ignore[arg-type]
        client.recently_played("alice", limit=51),
        client.recently_played("alice", after=1, before=2),
    ]
    for call in bad_calls:
        with pytest.raises(InvalidRequest):
            await call
    assert await control.api_requests() == 0


async def test_body_less_commands_send_content_length_zero(
    client: SpotifyClient, control: Control, http: Any
) -> None:
    seen: list[tuple[str, str | None, str | None]] = []

    async def record(request: Any) -> None:
        seen.append(
            (
                request.url.path,
                request.headers.get("content-length"),
                request.headers.get("transfer-encoding"),
            )
        )

    await start(client)
    http.event_hooks["request"].append(record)
    await client.next("alice")
    await client.pause("alice")
    await client.play("alice", uris=TRACKS, offset=1)
    assert seen[0] == ("/v1/me/player/next", "0", None)
    assert seen[1] == ("/v1/me/player/pause", "0", None)
    assert seen[2][0] == "/v1/me/player/play" and int(seen[2][1] or 0) > 0
