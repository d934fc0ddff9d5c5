"""Scores on the shared NLU sets. The grammars were tuned on dev.jsonl only; test.jsonl is
measured, never read for tuning."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.nlu import Parser
from skill.nlu.evaluate import evaluate

pytestmark = pytest.mark.shared

#: floors under the dev scores measured when these grammars were committed (a regression guard)
DEV_FLOORS = {
    "intent_accuracy": 0.967,
    "none_recall": 0.965,
    "none_precision": 0.948,
    "slot_f1": 0.853,
}
#: the issue's targets on test.jsonl
TEST_TARGETS = {
    "intent_accuracy": 0.93,
    "none_precision": 0.95,
    "none_recall": 0.90,
    "slot_f1": 0.85,
}


def test_dev_floors(parser: Parser, shared_nlu: Path) -> None:
    metrics = evaluate(parser, shared_nlu / "dev.jsonl", repeat=1).metrics
    for name, floor in DEV_FLOORS.items():
        assert metrics[name] >= floor, (name, metrics[name])


@pytest.mark.xfail(
    strict=True,
    reason="issue 5 targets not all reached yet: test.jsonl measures intent 0.938, none P "
    "0.909 / R 0.924, slot F1 0.729 (docs/nlu.md); strict, so reaching them flips this test",
)
def test_test_set_targets(parser: Parser, shared_nlu: Path) -> None:
    metrics = evaluate(parser, shared_nlu / "test.jsonl", repeat=1).metrics
    for name, target in TEST_TARGETS.items():
        assert metrics[name] >= target, (name, metrics[name])


def test_test_set_latency_is_not_pathological(parser: Parser, shared_nlu: Path) -> None:
    """The latency targets (p50 <= 100 µs, p99 <= 1 ms) are measured by
    ``benchmarks/nlu_speed.py``; wall-clock assertions flake on a loaded machine, so this
    bound (10x the targets) only catches a regression by an order of magnitude, such as
    catastrophic regex backtracking."""
    latency = evaluate(parser, shared_nlu / "test.jsonl", repeat=3).metrics["latency_us"]
    assert latency["p50"] <= 1000 and latency["p99"] <= 10000, latency
