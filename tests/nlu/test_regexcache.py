from __future__ import annotations

from pathlib import Path

import pytest

from skill.nlu import Parser
from skill.nlu.pipeline import repo_root

ROOT = repo_root()
SAMPLES = [
    "play some 80s rock in the kitchen",
    "turn the volume up to forty five percent",
    "add this song to my road trip playlist",
    "pause the timer",
    "the one by queen",
]


def _build(cache: Path) -> Parser:
    return Parser.from_paths(ROOT / "grammars", ROOT / "data" / "entities", cache)


@pytest.fixture(scope="module")
def uncached() -> Parser:
    """Built with no regex cache: spaCy's own ``blank("en")`` (a few seconds)."""
    return Parser.from_paths(ROOT / "grammars", ROOT / "data" / "entities")


def test_cached_build_gives_the_same_results(tmp_path: Path, uncached: Parser) -> None:
    cache = tmp_path / "regex.cache"
    first = _build(cache)
    assert cache.exists()
    second = _build(cache)
    for text in SAMPLES:
        assert first.parse(text) == second.parse(text) == uncached.parse(text)
    for a, b in zip(first.grammar.patterns, second.grammar.patterns, strict=True):
        assert (a.first, a.first_words) == (b.first, b.first_words)
        assert a.regex.groupindex == b.regex.groupindex


def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    cache = tmp_path / "regex.cache"
    cache.write_bytes(b"not a pickle")
    parser = _build(cache)
    assert parser.parse("pause").name == "music.pause"
    assert cache.read_bytes() != b"not a pickle"
    assert not list(tmp_path.glob(".regex-*"))


def test_the_matcher_tokenizes_normalised_text_as_spacy_blank_does(
    tmp_path: Path, uncached: Parser
) -> None:
    """The cached build keeps only the tokenizer's special cases lower-case text can hold
    ("don't", "a.m.", ":)"), and makes its vectors table without spaCy's registry; on the
    normalised text the matcher reads, its tokens are spaCy's own."""
    built, plain = _build(tmp_path / "regex.cache"), uncached
    texts = [
        "Don't stop me now", "I'M gonna play AC/DC at 9 A.M. :) ok?", "rock 'n' roll",
        "can't won't shan't y'all ma'am o'clock", "Mötley Crüe – Dr. Feelgood (1989)",
        "play r&b, hip-hop & 80's pop e.g. in the kitchen", "Ŧħë Ŵëëķńđ ß İstanbul",
        "c'mon let's go to the u.s.a. vs. the u.k.", "lol :-) <3 ^_^ 1st 2nd 3rd 10pm",
    ]
    texts += SAMPLES
    for text in texts:
        norm = plain.normalizer.normalize(text).text
        for form in (norm, text.lower()):
            expected = [t.text for t in plain.entities.nlp.tokenizer(form)]
            assert [t.text for t in built.entities.nlp.tokenizer(form)] == expected, form
        assert built.entities.find(norm) == plain.entities.find(norm)
