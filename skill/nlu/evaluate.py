"""Scoring a parser against a schema JSONL file (``skill eval FILE``).

Metrics: intent accuracy over every line; in-domain accuracy (lines whose gold intent is not
``none``); ``none`` precision and recall; slot precision, recall and F1 over (slot, value) pairs
compared case-insensitively with surrounding punctuation and spaces ignored (a predicted
``kind`` where the gold has no ``kind`` is not counted as an error); per-intent and per-source
tables and a per-slot table; parse latency percentiles.

One data convention is reported, not scored differently: the shared sets keep a spoken device
of some intents in ``meta.target`` instead of a ``device`` slot ("volume up in the living
room"). A predicted ``device`` there counts as a false positive like any other extra slot;
``device_in_meta_target`` says how many of the false positives were such devices.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from skill.nlu.models import Intent

_EDGE = re.compile(r"^[\s\W_]+|[\s\W_]+$")


class ParsesText(Protocol):
    def parse(self, text: str) -> Intent: ...


@dataclass(frozen=True, slots=True)
class Example:
    """One gold line."""

    id: str
    source: str
    text: str
    intent: str
    slots: Mapping[str, Any]
    #: what the source said beyond the schema (not gold); ``target`` is read by the report
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Prediction:
    example: Example
    intent: Intent
    latency_us: float


def load_examples(path: Path) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            examples.append(
                Example(
                    id=str(row.get("id", n)),
                    source=str(row.get("source", "unknown")),
                    text=str(row["text"]),
                    intent=str(row["intent"]),
                    slots=dict(row.get("slots") or {}),
                    meta=dict(row.get("meta") or {}),
                )
            )
    return examples


def slot_value_key(value: Any) -> str:
    """The comparable form of a slot value: case-insensitive, edge punctuation ignored."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return " ".join(_EDGE.sub("", str(value).casefold()).split())


def slot_pairs(slots: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(name, slot_value_key(value)) for name, value in slots.items()}


@dataclass
class _Counts:
    total: int = 0
    correct: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def slot_row(self) -> dict[str, Any]:
        row = self.row()
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": row["slot_precision"], "recall": row["slot_recall"],
            "f1": row["slot_f1"],
        }

    def row(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "n": self.total,
            "accuracy": round(self.correct / self.total, 4) if self.total else 0.0,
            "slot_precision": round(p, 4),
            "slot_recall": round(r, 4),
            "slot_f1": round(f, 4),
        }


@dataclass
class Report:
    """Everything ``skill eval`` prints."""

    metrics: dict[str, Any]
    per_intent: dict[str, dict[str, Any]]
    per_source: dict[str, dict[str, Any]]
    #: slot name -> tp / fp / fn and precision / recall / F1 over lines of the right intent
    per_slot: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.metrics,
            "per_intent": self.per_intent,
            "per_source": self.per_source,
            "per_slot": self.per_slot,
        }


def percentile(values: list[float], q: float) -> float:
    """The ``q`` percentile (0..100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def predict(parser: ParsesText, examples: Iterable[Example], repeat: int = 1) -> list[Prediction]:
    """Parse every example; the latency is the best of ``repeat`` warm runs."""
    out = []
    clock = time.perf_counter_ns
    for example in examples:
        best = None
        intent = None
        for _ in range(max(1, repeat)):
            start = clock()
            intent = parser.parse(example.text)
            elapsed = (clock() - start) / 1000
            best = elapsed if best is None else min(best, elapsed)
        assert intent is not None and best is not None
        out.append(Prediction(example, intent, best))
    return out


def score(predictions: list[Prediction]) -> Report:
    overall = _Counts()
    in_domain = _Counts()
    by_intent: dict[str, _Counts] = defaultdict(_Counts)
    by_source: dict[str, _Counts] = defaultdict(_Counts)
    by_slot: dict[str, _Counts] = defaultdict(_Counts)
    none_tp = none_fp = none_fn = 0
    device_in_target = 0
    errors = []
    for pred in predictions:
        gold = pred.example
        got = pred.intent
        hit = got.name == gold.intent
        gold_pairs = slot_pairs(gold.slots)
        got_pairs = slot_pairs(got.slots)
        if "kind" not in gold.slots:
            got_pairs = {p for p in got_pairs if p[0] != "kind"}
        if not hit:
            # slots of a wrong intent are all wrong
            tp, fp, fn = 0, len(got_pairs), len(gold_pairs)
        else:
            tp = len(gold_pairs & got_pairs)
            fp = len(got_pairs - gold_pairs)
            fn = len(gold_pairs - got_pairs)
            for name, _ in gold_pairs & got_pairs:
                by_slot[name].tp += 1
            for name, _ in got_pairs - gold_pairs:
                by_slot[name].fp += 1
            for name, _ in gold_pairs - got_pairs:
                by_slot[name].fn += 1
            target = gold.meta.get("target")
            device = got.slots.get("device")
            if (
                "device" not in gold.slots and isinstance(target, str)
                and isinstance(device, str)
                and slot_value_key(device) == slot_value_key(target)
            ):
                device_in_target += 1
        counters = [overall, by_intent[gold.intent], by_source[gold.source]]
        if gold.intent != "none":
            counters.append(in_domain)
        for c in counters:
            c.total += 1
            c.correct += hit
            c.tp += tp
            c.fp += fp
            c.fn += fn
        if gold.intent == "none" and got.name == "none":
            none_tp += 1
        elif got.name == "none":
            none_fp += 1
        elif gold.intent == "none":
            none_fn += 1
        if not hit or fp or fn:
            errors.append(
                {
                    "id": gold.id,
                    "text": gold.text,
                    "gold": {"intent": gold.intent, "slots": dict(gold.slots)},
                    "got": got.to_dict(),
                    "source": got.source,
                }
            )
    latencies = [p.latency_us for p in predictions]
    all_row = overall.row()
    metrics = {
        "n": overall.total,
        "intent_accuracy": all_row["accuracy"],
        "in_domain_accuracy": in_domain.row()["accuracy"],
        "none_precision": round(none_tp / (none_tp + none_fp), 4) if none_tp + none_fp else 1.0,
        "none_recall": round(none_tp / (none_tp + none_fn), 4) if none_tp + none_fn else 1.0,
        "slot_precision": all_row["slot_precision"],
        "slot_recall": all_row["slot_recall"],
        "slot_f1": all_row["slot_f1"],
        "device_in_meta_target": device_in_target,
        "latency_us": {
            "p50": round(percentile(latencies, 50), 1),
            "p90": round(percentile(latencies, 90), 1),
            "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies, default=0.0), 1),
        },
    }
    return Report(
        metrics=metrics,
        per_intent={k: v.row() for k, v in sorted(by_intent.items())},
        per_source={k: v.row() for k, v in sorted(by_source.items())},
        per_slot={k: v.slot_row() for k, v in sorted(by_slot.items())},
        errors=errors,
    )


def evaluate(parser: ParsesText, path: Path, repeat: int = 3) -> Report:
    """Load, warm up, parse and score ``path``."""
    examples = load_examples(path)
    for example in examples[:50]:
        parser.parse(example.text)
    return score(predict(parser, examples, repeat=repeat))


def format_table(report: Report) -> str:
    """A plain-text rendering for terminals."""
    m = report.metrics
    lat = m["latency_us"]
    lines = [
        f"examples            {m['n']}",
        f"intent accuracy     {m['intent_accuracy']:.4f}",
        f"in-domain accuracy  {m['in_domain_accuracy']:.4f}",
        f"none precision      {m['none_precision']:.4f}",
        f"none recall         {m['none_recall']:.4f}",
        f"slot P / R / F1     {m['slot_precision']:.4f} / {m['slot_recall']:.4f} / "
        f"{m['slot_f1']:.4f}",
        f"latency µs          p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  "
        f"max {lat['max']}",
        f"device slots the data keeps in meta.target (counted as false positives): "
        f"{m['device_in_meta_target']}",
        "",
    ]
    for title, table in (("intent", report.per_intent), ("source", report.per_source)):
        lines.append(f"{title:<22}{'n':>6}{'acc':>8}{'slotP':>8}{'slotR':>8}{'slotF1':>8}")
        for name, row in table.items():
            lines.append(
                f"{name:<22}{row['n']:>6}{row['accuracy']:>8.3f}{row['slot_precision']:>8.3f}"
                f"{row['slot_recall']:>8.3f}{row['slot_f1']:>8.3f}"
            )
        lines.append("")
    lines.append(f"{'slot':<22}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for name, row in report.per_slot.items():
        lines.append(
            f"{name:<22}{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}{row['precision']:>8.3f}"
            f"{row['recall']:>8.3f}{row['f1']:>8.3f}"
        )
    lines.append("(per slot: lines whose intent was right; a wrong intent's slots count above)")
    return "\n".join(lines)
