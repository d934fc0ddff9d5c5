"""Turning captured text into typed slot values: numbers, durations, positions."""

from __future__ import annotations

import re
from fractions import Fraction

from skill.nlu.numbers import percent_of

_DURATION = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|an?|one|half an?|1/2 an?)\s*"
    r"(?P<unit>hours?|hrs?|minutes?|mins?|seconds?|secs?|s\b|m\b|h\b)"
)
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1_000}
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "1": 1,
    "second": 2, "2nd": 2, "two": 2, "2": 2,
    "third": 3, "3rd": 3, "three": 3, "3": 3,
    "fourth": 4, "4th": 4, "four": 4, "4": 4,
    "fifth": 5, "5th": 5, "five": 5, "5": 5,
    "sixth": 6, "6th": 6, "six": 6, "6": 6,
    "seventh": 7, "7th": 7, "seven": 7, "7": 7,
    "eighth": 8, "8th": 8, "eight": 8, "8": 8,
    "ninth": 9, "9th": 9, "nine": 9, "9": 9,
    "tenth": 10, "10th": 10, "ten": 10, "10": 10,
    "last": -1, "final": -1,
}


def number(text: str) -> Fraction | None:
    """"45" -> 45, "96.5" -> 96.5, "2/3" -> 2/3, "one" -> 1; None for anything else."""
    text = text.strip()
    if text == "one":
        return Fraction(1)
    if text.isascii() and text.isdecimal():
        return Fraction(int(text))  # plain digits: what Fraction(text) reads, without its regex
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def level(text: str) -> int | None:
    """A volume level 0..100 from "45", "2/3" (67), "0.5" (50); clamped to 0..100."""
    value = number(text)
    if value is None:
        return None
    if value < 1 and ("/" in text or "." in text):
        return percent_of(value)
    return max(0, min(100, int(round(value))))


def amount(text: str) -> int | None:
    """A positive integer amount ("20", "one" -> 1)."""
    value = number(text)
    if value is None or value < 0:
        return None
    return int(round(value))


_MINUTES_AND_SECONDS = re.compile(r"(\d+|an?|one) (?:minutes?|mins?) (?:and )?(\d{1,2})")


def duration_ms(text: str) -> int | None:
    """"30 seconds" -> 30000, "1 minute 30 seconds" / "1 minute 30" -> 90000, "half a
    minute" -> 30000, a bare "45" -> 45000."""
    if text.isdigit():
        return int(text) * 1000  # a bare number counts seconds ("rewind 30", "skip to 45")
    m = _MINUTES_AND_SECONDS.fullmatch(text.strip())
    if m:  # "1 minute 30": the seconds after the minutes need no unit
        minutes = 1 if m.group(1) in ("a", "an", "one") else int(m.group(1))
        return (minutes * 60 + int(m.group(2))) * 1000
    total = 0
    found = False
    for m in _DURATION.finditer(text):
        n = m.group("n")
        if n.startswith(("half", "1/2")):
            quantity = Fraction(1, 2)
        elif n in ("a", "an", "one"):
            quantity = Fraction(1)
        else:
            quantity = Fraction(n)
        total += int(quantity * _UNIT_MS[m.group("unit")[0]])
        found = True
    return total if found else None


def clock_ms(text: str) -> int | None:
    """A position spoken as a clock or a duration: "1:30" / "1 30" / "1 minute 30" -> 90000,
    "2 minutes", "minute 2" -> 120000."""
    m = re.fullmatch(r"minute (\d+)", text.strip())
    if m:
        return int(m.group(1)) * 60_000
    m = re.fullmatch(r"(\d+)[: ](\d{1,2})", text.strip())
    if m:
        return (int(m.group(1)) * 60 + int(m.group(2))) * 1000
    return duration_ms(text)


def ordinal(text: str) -> str | None:
    """A 1-based choice index as a string ("the second" -> "2", "last" -> "-1")."""
    value = _ORDINALS.get(text.strip())
    return None if value is None else str(value)
