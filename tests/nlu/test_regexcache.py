from __future__ import annotations

from pathlib import Path

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


def test_cached_build_gives_the_same_results(tmp_path: Path) -> None:
    cache = tmp_path / "regex.cache"
    first = _build(cache)
    assert cache.exists()
    second = _build(cache)
    uncached = Parser.from_paths(ROOT / "grammars", ROOT / "data" / "entities")
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
