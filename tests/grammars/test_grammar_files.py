"""The grammar test files next to each grammar, and a sampler that finds dead alternatives.

Runs without ../shared: only grammars/, data/entities/ and tests/grammars/*.yaml are read.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.nlu import Parser
from skill.nlu.sample import sample

HERE = Path(__file__).parent
GRAMMARS = HERE.parents[1] / "grammars"
FILES = sorted(HERE.glob("*.yaml"))


def _cases() -> list[Any]:
    cases = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for n, case in enumerate(data["tests"]):
            cases.append(pytest.param(case, id=f"{path.stem}-{n}-{case['text'][:30]}"))
    return cases


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser.default()


def test_every_grammar_file_has_a_test_file() -> None:
    families = {
        p.stem for p in GRAMMARS.glob("*.yaml") if "patterns" in yaml.safe_load(p.read_text())
    }
    tested = {yaml.safe_load(p.read_text())["grammar"] for p in FILES}
    assert families == tested


@pytest.mark.parametrize("case", _cases())
def test_utterance(parser: Parser, case: dict[str, Any]) -> None:
    intent = parser.parse(case["text"])
    assert (intent.name, dict(intent.slots)) == (case["intent"], case["slots"]), intent.source
    if "reason" in case:  # why nothing is asked, for none ("declined")
        assert intent.reason == case["reason"], intent.source
    for slot, (start, end) in intent.spans.items():
        assert 0 <= start < end <= len(case["text"]), slot
    for slot, value in intent.slots.items():
        implied = slot in ("kind", "state", "index", "shuffle")
        if isinstance(value, str) and slot in intent.spans and not implied:
            start, end = intent.spans[slot]
            said = case["text"][start:end]
            if said != value:  # a hesitation said inside a name ("the uh rolling stones")
                fillers = parser.normalizer.anywhere
                said = " ".join(w for w in said.split(" ") if w.lower() not in fillers)
            assert said == value


def test_no_dead_alternative(parser: Parser) -> None:
    """Every alternative of every pattern wins for at least one sentence sampled from it.

    An alternative whose every sample is taken by a pattern of another intent can never
    produce its intent: it is dead (shadowed) and must be fixed or removed.
    """
    rng = random.Random(20261124)
    dead = []
    family_of = {p.id: f for f in parser.grammar.families for p in f.patterns}
    for pattern in parser.grammar.patterns:
        family = family_of[pattern.id]
        for _ in range(40):
            body = sample(pattern.expanded, rng)
            if not pattern.regex.fullmatch(body):
                continue
            text = body
            if family.prefix is not None:
                prefix = sample(family.prefix, rng)
                if not family.prefix.fullmatch(prefix):
                    continue
                text = f"{prefix} {body}"
            if family.suffix is not None:
                suffix = sample(family.suffix, rng)
                if family.suffix.fullmatch(suffix):
                    text += suffix
            best = parser.grammar.best(text)
            if best is not None and best.pattern.intent == pattern.intent:
                break
        else:
            dead.append(f"{pattern.id}: {pattern.source}")
    assert dead == []


def _brute_force_best(parser: Parser, text: str) -> str | None:
    """The winner when every pattern of every triggered family is tried (no dispatch)."""
    from skill.nlu.grammar import WILDCARD_SLOTS, Match, slot_of

    best: Match | None = None
    for family in parser.grammar.families:
        if family.trigger is not None and family.trigger.regex.search(text) is None:
            continue
        for start, end, framed in family.splits(text):
            for pattern in family.patterns:
                m = pattern.regex.fullmatch(text, start, end)
                if m is None:
                    continue
                groups = {**framed, **{g: m.span(g) for g, v in m.groupdict().items() if v}}
                wild = sum(
                    b - a
                    for g, (a, b) in groups.items()
                    if slot_of(g) in WILDCARD_SLOTS or g.startswith("x_any")
                )
                candidate = Match(pattern, groups, len(text) - wild)
                if best is None or candidate.key() > best.key():
                    best = candidate
    return None if best is None else best.pattern.id


def test_dispatch_never_changes_the_winner(parser: Parser) -> None:
    """First-word/first-character dispatch and the contains gate only skip patterns that
    cannot match: the winner equals a brute-force run over every pattern."""
    rng = random.Random(7)
    texts = [
        parser.normalizer.normalize(case.values[0]["text"]).text  # type: ignore[index]
        for case in _cases()
    ]
    family_of = {p.id: f for f in parser.grammar.families for p in f.patterns}
    for pattern in parser.grammar.patterns:
        family = family_of[pattern.id]
        for _ in range(5):
            body = sample(pattern.expanded, rng)
            prefix = "" if family.prefix is None else sample(family.prefix, rng) + " "
            texts.append(prefix + body)
    for text in texts:
        best = parser.grammar.best(text)
        assert (None if best is None else best.pattern.id) == _brute_force_best(parser, text), text
