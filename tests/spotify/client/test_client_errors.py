"""Every Spotify failure shape, served by the sandbox over HTTP, lands in our error tree.

Reasons the simulated player produces on its own are covered in test_client_player.py; here
the sandbox's fault injection serves Spotify's exact bodies (JSON envelopes with a
``reason``, plain-text development-mode gates, empty bodies) for every case in BEHAVIOR.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from skill.errors import (
    Conflict,
    DeviceNotFound,
    Forbidden,
    InsufficientScope,
    InternalError,
    InvalidRequest,
    NoActiveDevice,
    NotFound,
    PremiumRequired,
    RateLimited,
    RestrictedDevice,
    SkillError,
    UpstreamUnavailable,
)
from skill.spotify.retry import RetryPolicy
from skill.spotify.translate import PLAYER_REASONS
from tests.spotify.client.conftest import ClientFactory, Control
from tests.spotify.client.sandbox_tokens import SandboxTokens

PAUSE = "/v1/me/player/pause"
BEHAVIOR = Path(__file__).resolve().parents[3].parent / "shared" / "spotify" / "BEHAVIOR.md"

EXPECTED: dict[str, type[SkillError]] = {
    "NO_ACTIVE_DEVICE": NoActiveDevice,
    "PREMIUM_REQUIRED": PremiumRequired,
    "VOLUME_CONTROL_DISALLOW": RestrictedDevice,
    "DEVICE_NOT_CONTROLLABLE": RestrictedDevice,
    "REMOTE_CONTROL_DISALLOW": RestrictedDevice,
    "RATE_LIMITED": RateLimited,
    "NO_PREV_TRACK": Conflict,
    "NO_NEXT_TRACK": Conflict,
    "NO_SPECIFIC_TRACK": Conflict,
    "ALREADY_PAUSED": Conflict,
    "NOT_PAUSED": Conflict,
    "ALREADY_PLAYING": Conflict,
    "NOT_PLAYING_LOCALLY": Conflict,
    "NOT_PLAYING_TRACK": Conflict,
    "NOT_PLAYING_CONTEXT": Conflict,
    "ENDLESS_CONTEXT": Conflict,
    "CONTEXT_DISALLOW": Forbidden,
    "UNKNOWN": Conflict,
}


def player_body(status: int, message: str, reason: str) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "message": f"Player command failed: {message}",
            "reason": reason,
        }
    }


@pytest.mark.shared
def test_every_reason_in_behavior_md_is_mapped() -> None:
    if not BEHAVIOR.is_file():
        pytest.skip("../shared is not beside the repo")
    text = BEHAVIOR.read_text(encoding="utf-8")
    section = text[text.index("### 4.8") : text.index("## 5.")]
    listed = section[: section.index("There is **no**")]
    reasons = set(re.findall(r"`([A-Z_]+)`", listed))
    assert len(reasons) == 18
    assert reasons == set(PLAYER_REASONS) == set(EXPECTED)


def test_the_reason_table_matches_the_expected_classes() -> None:
    assert {reason: cls for reason, (cls, _) in PLAYER_REASONS.items()} == EXPECTED


@pytest.mark.parametrize("reason", sorted(EXPECTED))
async def test_each_player_reason_from_the_wire(
    make_client: ClientFactory, faults_only: Control, reason: str
) -> None:
    control = faults_only
    client = make_client(retry=RetryPolicy(max_attempts=1))
    status = 404 if reason == "NO_ACTIVE_DEVICE" else 403
    await control.fault(path=PAUSE, status=status, body=player_body(status, "x", reason))
    with pytest.raises(SkillError) as caught:
        await client.pause("alice")
    assert type(caught.value) is EXPECTED[reason]
    assert caught.value.details["reason"] == reason
    assert caught.value.details["upstream_status"] == status
    assert "Player command failed" not in caught.value.message  # our words, not Spotify's
    assert client.budget.api_cooldown.remaining() == 0  # a player reason is not the app limit


CASES: list[tuple[int, Any, type[SkillError], str | None]] = [
    (404, {"error": {"status": 404, "message": "Device not found"}}, DeviceNotFound, None),
    (404, {"error": {"status": 404, "message": "Not found."}}, NotFound, None),
    (
        403,
        {"error": {"status": 403, "message": "Player command failed: Premium required"}},
        PremiumRequired,
        None,
    ),
    (
        403,
        {"error": {"status": 403, "message": "Player command failed: Restriction violated"}},
        Conflict,
        "UNKNOWN",
    ),
    (403, {"error": {"status": 403, "message": "Forbidden"}}, Forbidden, None),
    (403, "User not registered in the Developer Dashboard", Forbidden, "user_not_registered"),
    (403, "User not approved for app", Forbidden, "user_not_registered"),
    (
        403,
        "The user is not registered for this application. Please check your settings on "
        "https://developer.spotify.com/dashboard.",
        Forbidden,
        "user_not_registered",
    ),
    (
        403,
        "Active premium subscription required for the owner of the app. When the "
        "subscription status changes, it can take a few hours before requests are allowed "
        "again.",
        Forbidden,
        "owner_premium_required",
    ),
    (400, {"error": {"status": 400, "message": "Invalid limit"}}, InvalidRequest, None),
    (400, "Malformed json", InvalidRequest, None),
    (411, "Length Required", InternalError, None),
    (500, "", UpstreamUnavailable, None),
    (502, "<html>Bad gateway</html>", UpstreamUnavailable, None),
    (
        504,
        {"error": {"status": 504, "message": "Service didn't reply before timeout"}},
        UpstreamUnavailable,
        None,
    ),
]


@pytest.mark.parametrize(("status", "body", "expected", "reason"), CASES)
async def test_status_and_message_shapes(
    make_client: ClientFactory,
    faults_only: Control,
    status: int,
    body: Any,
    expected: type[SkillError],
    reason: str | None,
) -> None:
    control = faults_only
    client = make_client(retry=RetryPolicy(max_attempts=1))
    rule: dict[str, Any] = {"path": PAUSE, "status": status}
    if body != "":
        rule["body"] = body
    await control.fault(**rule)
    with pytest.raises(SkillError) as caught:
        await client.pause("alice")
    assert type(caught.value) is expected
    assert caught.value.details.get("reason") == reason
    if status == 403 and reason is not None and reason != "UNKNOWN":
        assert "Developer Dashboard" in caught.value.message or "Premium" in caught.value.message


async def test_spotify_insufficient_scope_carries_the_consent_url(
    make_client: ClientFactory, control: Control
) -> None:
    asked: list[tuple[str, list[str]]] = []

    async def consent(user_id: str, scopes: list[str]) -> str:
        asked.append((user_id, scopes))
        return "https://accounts.example/authorize?scope=" + "+".join(scopes)

    client = make_client(consent_url=consent)
    await control.fault(
        path="/v1/me/player/devices",
        status=403,
        body={"error": {"status": 403, "message": "Insufficient client scope"}},
    )
    with pytest.raises(InsufficientScope) as caught:
        await client.devices("alice")
    assert caught.value.details["missing_scopes"] == ["user-read-playback-state"]
    assert caught.value.details["authorize_url"].endswith("scope=user-read-playback-state")
    assert asked == [("alice", ["user-read-playback-state"])]


async def test_a_missing_scope_fails_before_anything_is_sent(
    make_client: ClientFactory, control: Control, tokens: SandboxTokens
) -> None:
    await tokens.link("bob", sandbox_user="guest", scopes="user-read-playback-state")
    client = make_client(
        consent_url=lambda user, scopes: f"https://consent.test/{user}?scope={' '.join(scopes)}"
    )
    with pytest.raises(InsufficientScope) as caught:
        await client.next("bob")
    assert caught.value.details["missing_scopes"] == ["user-modify-playback-state"]
    assert caught.value.details["endpoint"] == "next"
    assert caught.value.details["authorize_url"] == (
        "https://consent.test/bob?scope=user-modify-playback-state"
    )
    assert "user-modify-playback-state" in caught.value.message
    with pytest.raises(InsufficientScope) as caught:
        await client.save_to_library(
            "bob", ["spotify:artist:0OdUWJ0sBjDrqHygGUXeCF", "spotify:track:4iV5W9uYEdYUVa79Axb7Rh"]
        )
    assert caught.value.details["missing_scopes"] == ["user-library-modify", "user-follow-modify"]
    with pytest.raises(InsufficientScope) as caught:
        await client.create_playlist("bob", "Road", public=True)
    assert caught.value.details["missing_scopes"] == ["playlist-modify-public"]
    assert await control.api_requests() == 0
    assert (await client.devices("bob")) is not None  # what was granted still works


@pytest.mark.parametrize("mode", ["204", "200-text", "202-empty", "200-json"])
async def test_any_2xx_is_success_for_player_commands(
    client: Any, faults_only: Control, mode: str
) -> None:
    control = faults_only
    if mode == "200-text":
        await control.fault(path=PAUSE, status=200, body="oPClBVDzidwlAlSqmFF-zKNO62E")
    elif mode == "202-empty":
        await control.fault(path=PAUSE, status=202, body="")
    elif mode == "200-json":
        await control.fault(path=PAUSE, status=200, body={"ok": True})
    else:
        await control.fault(path=PAUSE, status=204, body="")
    assert await client.pause("alice") is None
