"""Our intent parser next to Home Assistant's (hassil + home-assistant-intents), same run.

Utterances: every line of ../shared/data/nlu/dev.jsonl and test.jsonl whose gold intent is one
hassil's English media intents cover (pause, resume, next, previous, volume incl. mute, and
search-and-play as music.play). hassil gets a small home (a "TV" media player, the areas
Living Room, Kitchen, Bedroom, the floor First Floor) and a satellite context in the living
room, so bare "pause" can match. Accuracy is intent accuracy on those lines; latency is the
best of ``--repeat`` runs per line for each engine, after a warm-up.

    .venv/bin/python benchmarks/nlu_vs_hassil.py [--repeat 3] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not whichever one is installed
DATA = ROOT / ".." / "shared" / "data" / "nlu"
COVERED = {"music.pause", "music.resume", "music.next", "music.previous", "music.volume",
           "music.play"}
HASSIL_TO_OURS = {
    "HassMediaPause": "music.pause",
    "HassMediaUnpause": "music.resume",
    "HassMediaNext": "music.next",
    "HassMediaPrevious": "music.previous",
    "HassSetVolume": "music.volume",
    "HassSetVolumeRelative": "music.volume",
    "HassMediaPlayerMute": "music.volume",
    "HassMediaPlayerUnmute": "music.volume",
    "HassMediaSearchAndPlay": "music.play",
}


def load(limit: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in ("dev.jsonl", "test.jsonl"):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    rows = [r for r in rows if r["intent"] in COVERED]
    return rows[:limit] if limit else rows


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--limit", type=int, default=None)
    opts = args.parse_args()
    if not (DATA / "test.jsonl").exists():
        print("needs ../shared/data/nlu", file=sys.stderr)
        return 1
    rows = load(opts.limit)

    import gc

    import spacy.lang.en  # noqa: F401  (imports are outside the build time)
    from hassil import Intents, recognize
    from hassil.expression import TextChunk
    from hassil.intents import TextSlotList, TextSlotValue
    from home_assistant_intents import get_intents

    from skill.nlu import Parser

    start = time.perf_counter()
    ours = Parser.default()
    our_grammar_build = time.perf_counter() - start
    ours.warm()
    our_build = time.perf_counter() - start

    start = time.perf_counter()
    intents = Intents.from_dict(get_intents("en"))

    def slot_list(items: list[tuple[str, str]], ctx: dict[str, Any] | None) -> TextSlotList:
        values = [TextSlotValue(TextChunk(t), v, context=ctx) for t, v in items]
        return TextSlotList(name="list", values=values)

    lists = {
        "name": slot_list([("TV", "media_player.tv")], {"domain": "media_player"}),
        "area": slot_list(
            [("Living Room", "living_room"), ("Kitchen", "kitchen"), ("Bedroom", "bedroom")],
            None,
        ),
        "floor": slot_list([("First Floor", "first_floor")], None),
    }
    context = {"area": "living_room", "domain": "media_player"}
    hassil_build = time.perf_counter() - start

    def run_hassil(text: str) -> str:
        result = recognize(text, intents, slot_lists=lists, intent_context=context)
        if result is None:
            return "none"
        return HASSIL_TO_OURS.get(result.intent.name, "none")

    for row in rows[:30]:  # warm both
        ours.parse(row["text"])
        run_hassil(row["text"])

    # each engine in its own loop (no cross-talk through the allocator or the GC)
    def timed(engine: Any) -> tuple[list[str], list[float]]:
        gc.collect()
        names: list[str] = []
        lat: list[float] = []
        for row in rows:
            best = float("inf")
            got = ""
            for _ in range(opts.repeat):
                t0 = time.perf_counter_ns()
                got = engine(row["text"])
                best = min(best, (time.perf_counter_ns() - t0) / 1000)
            names.append(got)
            lat.append(best)
        return names, lat

    ours_names, ours_lat = timed(lambda text: ours.parse(text).name)
    hassil_names, hassil_lat = timed(run_hassil)
    ours_ok = hassil_ok = 0
    per_intent: dict[str, list[int]] = {}
    for row, got_ours, got_hassil in zip(rows, ours_names, hassil_names, strict=True):
        ours_ok += got_ours == row["intent"]
        hassil_ok += got_hassil == row["intent"]
        counts = per_intent.setdefault(row["intent"], [0, 0, 0])
        counts[0] += 1
        counts[1] += got_ours == row["intent"]
        counts[2] += got_hassil == row["intent"]

    n = len(rows)
    print(f"utterances (dev+test, intents hassil covers): {n}")
    print(f"{'intent':<16}{'n':>6}{'ours':>8}{'hassil':>8}")
    for intent, (count, a, b) in sorted(per_intent.items()):
        print(f"{intent:<16}{count:>6}{a / count:>8.3f}{b / count:>8.3f}")
    print(f"accuracy      ours {ours_ok / n:.3f}   hassil {hassil_ok / n:.3f}   "
          f"ratio {ours_ok / max(1, hassil_ok):.2f}x")
    for label, q in (("p50", 50), ("p90", 90), ("p99", 99)):
        a, b = pct(ours_lat, q), pct(hassil_lat, q)
        print(f"latency {label}   ours {a:8.1f} µs   hassil {b:9.1f} µs   "
              f"hassil/ours {b / a:6.1f}x")
    mean_ratio = statistics.fmean(hassil_lat) / statistics.fmean(ours_lat)
    print(f"latency mean  ours {statistics.fmean(ours_lat):8.1f} µs   "
          f"hassil {statistics.fmean(hassil_lat):9.1f} µs   hassil/ours {mean_ratio:6.1f}x")
    print(f"build         ours {our_build * 1000:.0f} ms after imports (grammars "
          f"{our_grammar_build * 1000:.0f} ms + spaCy matcher)   "
          f"hassil {hassil_build * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
