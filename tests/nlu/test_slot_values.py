"""Spoken numbers turned into slot values (skill/nlu/slots.py)."""

from __future__ import annotations

import pytest

from skill.nlu.slots import clock_ms, duration_ms


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("30 seconds", 30_000),
        ("1 minute 30 seconds", 90_000),
        ("1 minute 30", 90_000),  # the seconds after the minutes need no unit
        ("a minute and 20", 80_000),
        ("2 mins 5", 125_000),
        ("half a minute", 30_000),
        ("banana", None),
    ],
)
def test_duration_ms(text: str, ms: int | None) -> None:
    assert duration_ms(text) == ms


@pytest.mark.parametrize(
    ("text", "ms"),
    [("1:30", 90_000), ("1 30", 90_000), ("minute 2", 120_000), ("1 minute 30", 90_000)],
)
def test_clock_ms(text: str, ms: int) -> None:
    assert clock_ms(text) == ms
