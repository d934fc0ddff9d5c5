from __future__ import annotations

import pytest

from skill.nlu import Parser


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Hey Google, can you PAUSE the music?", "pause the music"),
        ("turn it up to forty five percent", "turn it up to 45 percent"),
        ("set volume to 45%", "set volume to 45 percent"),
        ("one hundred and six point nine", "106.9"),
        ("one oh seven point five fm", "107.5 fm"),
        ("two thirds", "2/3"),
        ("play Beyoncé", "play beyonce"),
        ("play the first one", "play the first one"),
        ("alexa play R&B please thanks", "play r and b"),
        ("I don’t like this song", "i don't like this song"),
    ],
)
def test_normal_form(parser: Parser, text: str, normal: str) -> None:
    assert parser.normalizer.normalize(text).text == normal


def test_spans_point_into_the_original(parser: Parser) -> None:
    text = "Hey Google, play Beyoncé in the Living-Room, please"
    norm = parser.normalizer.normalize(text)
    start = norm.text.index("beyonce")
    assert norm.original_slice(start, start + len("beyonce")) == "Beyoncé"
    start = norm.text.index("living room")
    assert norm.original_slice(start, start + len("living room")) == "Living-Room"


def test_number_spans_cover_the_spoken_words(parser: Parser) -> None:
    text = "volume forty five"
    norm = parser.normalizer.normalize(text)
    start = norm.text.index("45")
    assert norm.original_slice(start, start + 2) == "forty five"


def test_folding_that_changes_length_keeps_whole_token_spans(parser: Parser) -> None:
    norm = parser.normalizer.normalize("play Straße")
    assert norm.text == "play strasse"
    start = norm.text.index("strasse")
    assert norm.original_slice(start, start + 3) == "Straße"
