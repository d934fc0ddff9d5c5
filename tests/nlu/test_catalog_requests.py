"""Real songs by real artists in everyday phrasings keep their title and artist whole
(benchmarks/nlu_catalog_requests.py prints the same measurement with its failures)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest

from skill.nlu import Parser
from skill.nlu.pipeline import repo_root

#: measured 98.9 % overall, every phrasing >= 98.4 % (n=250, seed 7; 98.3 % with seed 11)
#: when these were set
OVERALL_FLOOR = 0.97
PHRASING_FLOOR = 0.95


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/nlu_catalog_requests.py, loaded as a module."""
    name = "nlu_catalog_requests"
    path = repo_root() / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_titles_and_artists_stay_whole(parser: Parser, bench: ModuleType) -> None:
    result: Any = bench.run(parser, bench.sample(250, 7))
    assert result.accuracy() >= OVERALL_FLOOR
    for phrasing in bench.PHRASINGS:
        failures = result.failed.get(phrasing, [])[:5]
        assert result.accuracy(phrasing) >= PHRASING_FLOOR, (phrasing, failures)


@pytest.mark.parametrize(
    ("text", "track", "artist"),
    [
        ("play show yourself by idina menzel", "show yourself", "idina menzel"),
        ("put on down by mokita", "down", "mokita"),
        ("play the next episode by dr dre", "the next episode", "dr dre"),
        ("play my kinda lover by billy squier", "my kinda lover", "billy squier"),
        ("queue last name by future", "last name", "future"),
        ("play the song bonfire by wave to earth", "bonfire", "wave to earth"),
        ("please play bitch please by snoop dogg", "bitch please", "snoop dogg"),
        ("play don't stop me now by queen", "don't stop me now", "queen"),
    ],
)
def test_a_title_by_a_famous_artist_is_music(
    parser: Parser, text: str, track: str, artist: str
) -> None:
    slots = parser.parse(text).to_dict()["slots"]
    assert (slots.get("track") or slots.get("query"), slots.get("artist")) == (track, artist)
