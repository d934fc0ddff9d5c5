"""Replies come from the error code and structured details, never from upstream text."""

from __future__ import annotations

import pytest

from skill.errors import ERROR_CLASSES, RateLimited, RestrictedDevice, error_from_code
from skill.music import replies

SECRETISH = "Player command failed: BQ-token-abcdef0123456789"


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
def test_every_code_has_a_short_reply_without_upstream_text(code: str) -> None:
    error = error_from_code(code, SECRETISH, details={"spotify_message": SECRETISH})
    reply = replies.for_error(error)
    assert reply and reply.endswith((".", "?"))
    assert "BQ-" not in reply and "Player command failed" not in reply
    assert len(reply) < 240


@pytest.mark.parametrize(
    ("seconds", "spoken"),
    [(0.5, "a moment"), (3, "about 3 seconds"), (20.4, "about 20 seconds"),
     (33, "about 35 seconds"), (125, "about 2 minutes"), (3600, "about 60 minutes"),
     (4 * 3600, "about 4 hours")],
)
def test_retry_after_in_words(seconds: float, spoken: str) -> None:
    assert replies.about_seconds(seconds) == spoken
    assert replies.for_error(RateLimited(retry_after=seconds)) == (
        f"Spotify is busy, try again in {spoken}.")


def test_titles_lose_only_remaster_and_featuring_suffixes() -> None:
    assert replies.describe("Bohemian Rhapsody - Remastered 2011", ["Queen"]) == (
        "Bohemian Rhapsody by Queen")
    assert replies.describe("Stay (with Justin Bieber)", ["The Kid LAROI", "Justin Bieber"]) == (
        "Stay by The Kid LAROI and Justin Bieber")
    assert replies.describe("Live Forever - Live", ["Oasis"]) == "Live Forever - Live by Oasis"
    assert replies.question(["Hello by Adele", "Hello by Lionel Richie"]) == (
        "Which one: Hello by Adele or Hello by Lionel Richie?")


def test_a_missing_title_said_in_lower_case_is_capitalized_as_a_title() -> None:
    assert replies.capitalized("i want you") == "I Want You"
    assert replies.capitalized("the man who sold the world") == "The Man Who Sold the World"
    assert replies.capitalized("what's going on") == "What's Going On"
    assert replies.capitalized("HUMBLE.") == "HUMBLE."  # its own capitals stay
    assert replies.instead("I Want You by Marvin Gaye", "Marvin Gaye", "Kitchen Speaker") == (
        "I couldn't find I Want You by Marvin Gaye, so here's Marvin Gaye on Kitchen Speaker.")


def test_restricted_device_replies() -> None:
    volume = RestrictedDevice(details={"device": "Alex's Phone", "reason": "volume"})
    assert replies.for_error(volume).startswith("Alex's Phone's volume can't be changed")
    spotify_reason = RestrictedDevice(details={"reason": "VOLUME_CONTROL_DISALLOW"})
    assert replies.for_error(spotify_reason).startswith("That device's volume can't be changed")
