"""The shortcuts of the matcher only skip work that cannot succeed (no timing here: the speed
targets are measured by benchmarks/nlu_speed.py).

* required words (firstchar.required_words): a pattern whose regex matches a text always
  finds one of its required words among the text's words;
* prefix ends and suffix starts (firstchar.edge_strings): the frames a family finds equal
  those of trying the prefix and the suffix at every space;
* lead words (firstchar.lead_words): a pattern that matches in a frame has one of its lead
  words at the start of the frame's words;
* the entity matcher's pre-check (EntityMatcher._may_hold): a text it lets skip spaCy holds
  no entity when spaCy is asked all the same;
* the entity matcher's word lookup (EntityMatcher._find_words) finds what spaCy's matcher
  finds on word boundaries.
"""

from __future__ import annotations

import importlib
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skill.nlu import Parser
from skill.nlu.entities import _plain_words
from skill.nlu.firstchar import (
    DIGIT,
    LEAD_WORDS,
    edge_strings,
    first_words,
    lead_words,
    required_words,
)
from skill.nlu.grammar import Family, _empty_at_end
from skill.nlu.sample import sample

_parser: object = importlib.import_module("re._parser")
TESTS = Path(__file__).parents[1] / "grammars"


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser.default()


def _texts(parser: Parser) -> list[str]:
    rng = random.Random(11)
    texts = []
    for path in sorted(TESTS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            texts.append(parser.normalizer.normalize(case["text"]).text)
    for family in parser.grammar.families:
        for pattern in family.patterns:
            for _ in range(4):
                prefix = "" if family.prefix is None else sample(family.prefix, rng) + " "
                suffix = "" if family.suffix is None else sample(family.suffix, rng)
                texts.append(prefix + sample(pattern.expanded, rng) + suffix)
    return texts


def _words(text: str) -> frozenset[str]:
    words = frozenset(re.findall(r"\w+", text)).union(text.split(" "))
    return words | {DIGIT} if re.search(r"\d", text) else words


def _all_splits(family: Family, text: str) -> list[tuple[int, int]]:
    """Every (start, end) the prefix and suffix allow, trying every space."""
    if family.prefix is None and family.suffix is None:
        return [(0, len(text))]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    starts = [0] if family.prefix is None or family.prefix_optional else []
    if family.prefix is not None:
        starts += [i + 1 for i in spaces[:10] if family.prefix.fullmatch(text, 0, i)]
    ends = [len(text)] if family.suffix is None else []
    if family.suffix is not None:
        ends += [
            j
            for j in [*spaces[-16:], len(text)]
            if j >= len(text) - 120 and family.suffix.fullmatch(text, j)
        ]
    return sorted((a, b) for a in starts for b in ends if a < b)


def test_required_words_hold_for_every_match(parser: Parser) -> None:
    for text in _texts(parser):
        words = _words(text)
        for family in parser.grammar.families:
            for start, end, _ in family.splits(text):
                for pattern in family.patterns:
                    if pattern.required is None:
                        continue
                    if pattern.regex.fullmatch(text, start, end):
                        assert not pattern.required.isdisjoint(words), (pattern.id, text)


def test_lead_words_hold_for_every_match(parser: Parser) -> None:
    checked = 0
    for text in _texts(parser):
        for family in parser.grammar.families:
            for start, end, _ in family.splits(text):
                words = text[start:].split(" ")
                heads = {" ".join(words[:n]) for n in range(2, LEAD_WORDS + 1) if len(words) >= n}
                for pattern in family.patterns:
                    if pattern.lead is None:
                        continue
                    if pattern.regex.fullmatch(text, start, end):
                        assert not pattern.lead.isdisjoint(heads), (pattern.id, text)
                        checked += 1
    assert checked > 100


def test_matcher_precheck_skips_only_texts_without_entities(parser: Parser) -> None:
    matcher = parser.warm().entities
    rng = random.Random(3)
    texts = _texts(parser)
    phrases = [p for label in ("KIND", "DECADE", "GENRE", "DEVICE") for p in
               parser.gazetteers.tables[label]]
    for phrase in phrases:
        flat = phrase.replace(" ", "")
        # a phrase said whole, glued, split at every letter, inside a word, upper case
        texts += [f"play {phrase} now", flat, f"x{phrase}", f"{phrase}'s song", phrase.upper()]
        texts += [f"play {flat[:i]} {flat[i:]} now" for i in range(1, len(flat))]
    for _ in range(3000):
        texts.append(" ".join(rng.sample(phrases, 2) + rng.sample(["play", "the", "s", "80"], 2)))
    skipped = 0
    for text in texts:
        if matcher._may_hold(text):
            continue
        skipped += 1
        # what find() would keep of spaCy's answer: matches on word boundaries
        doc = matcher._make_doc(text)
        spans = [doc[start:end] for _, start, end in matcher.matcher(doc)]
        whole = [
            span.text for span in spans
            if text[span.start_char - 1 : span.start_char] in ("", " ")
            and text[span.end_char : span.end_char + 1] in ("", " ")
        ]
        assert whole == [], text
    assert 1000 < skipped < len(texts)


def test_edge_strings_keep_every_frame(parser: Parser) -> None:
    for text in _texts(parser):
        for family in parser.grammar.families:
            found = sorted((a, b) for a, b, _ in family.splits(text))
            assert found == _all_splits(family, text), (family.name, text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(?:(?P<x_any>.*) )?(?:mute|silent mode)(?: (?P<x_tail>.*))?", {"mute", "silent"}),
        ("(?P<a>[^ ]+) (?:by|from) (?P<b>[^ ]+)", {"by", "from"}),
        ("x(?:song|track)", {"xsong", "xtrack"}),
        ("(?:ab)+", None),  # "abab": "ab" is not a whole word
        ("(?:ab )+cd", {"ab"}),
        ("(?:fm )?\\d+", {DIGIT}),
        ("(?:the )?songs?", {"song", "songs"}),
        ("(?:aa|bb|cc) (?:xx|yy) zz", {"zz"}),  # one word that every match holds
    ],
)
def test_required_words_of_small_regexes(source: str, expected: set[str] | None) -> None:
    assert required_words(_parser.parse(source)) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(?:play|put) (?:it|this) on(?: the)? (?P<device>.+)", {"play it on", "put this on",
                                                                "play this on", "put it on"}),
        ("(?:play|start) (?:with|a trick)(?: (?P<x_any>.*))?", {"play with", "play a trick",
                                                                 "start with", "start a trick"}),
        ("play(?: it)?", None),  # "play" alone has one word
        ("play (?P<x>.+)", None),  # the second word is not known
        ("play (?:it|this)(?P<x>.+)", None),  # "it" may run on into the wildcard
        ("(?:the )?song (?P<x>.+)", None),
    ],
)
def test_lead_words_of_small_regexes(source: str, expected: set[str] | None) -> None:
    assert lead_words(_parser.parse(source)) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("(?: on (?P<device>[a-z]+))?", True),
        ("(?: on (?P<device>[a-z]*))?", True),
        ("(?P<x_tail>)", False),  # a group takes part in the empty match
        (" on", False),  # no empty match
        ("(?<=y)(?: on)?", False),  # looks back
        ("\\b(?: on)?", False),
    ],
)
def test_empty_suffix_at_the_end(source: str, expected: bool) -> None:
    regex = re.compile(source)
    assert _empty_at_end(regex) is expected
    if expected:
        for text in ("", "play x", "play x on"):
            m = regex.fullmatch(text, len(text))
            assert m is not None and not any(v is not None for v in m.groupdict().values())


def test_edge_strings_of_small_regexes() -> None:
    assert edge_strings("(?:play|hear)(?: me)?", 4, end=True) == {"play", "hear", "y me", "r me"}
    assert edge_strings("(?: on| in)?", 3) == {"", " on", " in"}
    assert edge_strings("(?:a|b)+", 2) == {"a", "b", "aa", "ab", "ba", "bb"}
    assert edge_strings("x[^ ]", 2) is None


def test_a_plain_pause_does_not_import_spacy() -> None:
    code = (
        "import sys\n"
        "from skill.nlu import Parser\n"
        "assert Parser.default().parse('pause').name == 'music.pause'\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_word_lookup_finds_what_spacy_finds(parser: Parser) -> None:
    matcher = parser.warm().entities
    rng = random.Random(5)
    texts = [
        parser.normalizer.normalize(case["text"]).text
        for path in sorted(TESTS.glob("*.yaml"))
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    ]
    phrases = [p for label in ("KIND", "DECADE", "GENRE", "DEVICE", "SERVICE", "STATION",
                               "PODCAST") for p in parser.gazetteers.tables[label]]
    # tokens that differ from the words ("2gb" -> "2", "gb"; "don't" -> "do", "n't")
    texts += ["play 2 gb", "play 2gb now", "wait wait do n't tell me", "the doctor 's kitchen"]
    for phrase in phrases:
        flat = phrase.replace(" ", "")
        texts += [f"play {phrase} now", flat, f"x{phrase}", f"{phrase}'s song", phrase * 2]
        texts += [f"play {flat[:i]} {flat[i:]} now" for i in range(1, min(len(flat), 5))]
    for _ in range(1000):
        texts.append(" ".join(rng.sample(phrases, 2) + rng.sample(["play", "the", "s", "80"], 2)))
    checked = 0
    for text in texts:
        if not _plain_words(text):
            continue
        checked += 1
        for labels in (None, frozenset({"KIND"})):
            words = matcher._find_words(text, labels)
            spacy = matcher._find_spacy(text, labels)
            assert sorted(words) == sorted(spacy), text
    assert checked > 5000


def test_first_words_are_cut_at_their_space() -> None:
    # 4 x 300 x 2 whole strings would pass the expansion limit; their first words do not
    names = "|".join(f"n{i}(?: x| y)?" for i in range(100))
    source = f"(?:the |my |our )?(?:{names})(?: media player)?"
    assert first_words(source) == {"the", "my", "our", *(f"n{i}" for i in range(100))}
