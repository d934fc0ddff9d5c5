from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skill.nlu import Parser

_PARSER = Parser.default()


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Hey Google, can you PAUSE the music?", "pause the music"),
        ("turn it up to forty five percent", "turn it up to 45 percent"),
        ("set volume to 45%", "set volume to 45 percent"),
        ("one hundred and six point nine", "106.9"),
        ("one oh seven point five fm", "107.5 fm"),
        # a hundred said without "one" is a number only with "and" and the rest after it
        ("hundred and four point three", "104.3"),
        # ... or before a frequency's "point", or as a level after "to"/"volume"
        ("radio hundred one point one", "radio 101.1"),
        ("set the volume to hundred", "set the volume to 100"),
        ("volume to hundred percent", "volume to 100 percent"),
        ("the hundred", "the hundred"),
        ("hundred percent", "hundred percent"),
        ("hundred one", "hundred one"),
        # a tens word then a teen is a year said in halves, no sum
        ("from twenty nineteen", "from 2019"),
        ("twenty one pilots", "21 pilots"),
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


def test_typed_misspellings_read_as_the_word_with_spans_on_what_was_typed(
    parser: Parser,
) -> None:
    norm = parser.normalizer.normalize("Move this to teh den, add it to ym playlsit")
    assert norm.text == "move this to the den add it to my playlist"
    start = norm.text.index("the den")
    assert norm.original_slice(start, start + 3) == "teh"
    start = norm.text.index("playlist")
    assert norm.original_slice(start, start + len("playlist")) == "playlsit"


def test_a_word_heard_as_two_is_joined_with_its_span_on_both(parser: Parser) -> None:
    norm = parser.normalizer.normalize("Resume my pod cast, then re peat it")
    assert norm.text == "resume my podcast then repeat it"
    start = norm.text.index("podcast")
    assert norm.original_slice(start, start + len("podcast")) == "pod cast"
    assert parser.parse("resume my pod cast").name == "music.resume"
    assert parser.parse("shuff le on").slots == {"state": "on"}
    # "play list" stays two words: "play" may be the verb ("open spotify and play list five")
    assert parser.normalizer.normalize("play list").text == "play list"


def test_numbers_read_keeps_every_word(parser: Parser) -> None:
    read = parser.normalizer.numbers_read
    assert read("Thirty Seconds to Mars") == "30 seconds to mars"
    assert read("please please me") == "please please me"  # no filler is dropped
    assert read("one direction") == "one direction"


def test_folding_that_changes_length_keeps_whole_token_spans(parser: Parser) -> None:
    norm = parser.normalizer.normalize("play Straße")
    assert norm.text == "play strasse"
    start = norm.text.index("strasse")
    assert norm.original_slice(start, start + 3) == "Straße"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
@example("0.0a")  # a digit group followed by letters is one word (found by hypothesis)
@example("1,5b.2")
@example("Play some tango.")  # plain words one space apart: the counting path
@example("play 80s rock in the kitchen")
@example("play  two")
def test_ascii_fast_path_matches_the_general_tokenizer(text: str) -> None:
    normalizer = _PARSER.normalizer
    assert normalizer._tokenize_ascii(text) == normalizer._tokenize_unicode(text)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("play music from nineteen ninety five", "play music from 1995"),
        ("play nineteen eighties music", "play 1980s music"),
        ("songs from nineteen oh five", "songs from 1905"),
        ("play twenty twenty hits", "play 2020 hits"),
        ("play top twenty fourties music", "play top 20 fourties music"),
        ("skip to twelve thirty", "skip to 12 30"),
        ("play twenty one pilots", "play 21 pilots"),
    ],
)
def test_spoken_years(parser: Parser, text: str, normalised: str) -> None:
    assert parser.normalizer.normalize(text).text == normalised


def test_greetings_in_front_of_a_command_are_fillers(parser: Parser) -> None:
    assert parser.parse("good morning play some jazz").slots == {"genre": "jazz"}
    assert parser.parse("thanks now play the next song").name == "music.next"
    # said alone, nothing would be left: they stay and are out of domain
    assert parser.parse("thank you").name == "none"
    assert parser.parse("good night").name == "none"


def test_dropped_closing_fillers_are_kept_aside(parser: Parser) -> None:
    norm = parser.normalizer.normalize("play don't stop me now for me")
    assert norm.text == "play don't stop me"
    assert norm.tail == ("now", "for", "me")
    kept = parser.normalizer.normalize("play don't stop me now for me", keep_tail=True)
    assert kept.text == "play don't stop me now for me"
    assert kept.tail == ()
    assert parser.normalizer.normalize("pause").tail == ()


def test_inner_fillers_can_be_kept(parser: Parser) -> None:
    text = "please play bitch please by snoop dogg please"
    assert parser.normalizer.normalize(text).text == "play bitch by snoop dogg"
    assert parser.normalizer.normalize(text).inner_filler  # the parser then tries keep_inner
    kept = parser.normalizer.normalize(text, keep_inner=True)
    assert kept.text == "play bitch please by snoop dogg"  # the edges still go
    assert not parser.normalizer.normalize("please play jazz please").inner_filler


def test_a_question_said_after_the_request_is_dropped(parser: Parser) -> None:
    """"radio two can you": "can you" said last asks nothing more."""
    intent = parser.parse("after breakfast i always listen radio two can you")
    assert (intent.name, dict(intent.slots)) == (
        "music.play", {"query": "radio two", "kind": "radio"}
    )
    assert dict(parser.parse("turn it up could you").slots) == {"delta": 10}
