"""``skill parse "TEXT" --json`` and ``skill parse --file FILE --json``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skill.config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the utterance to understand")
    parser.add_argument(
        "--file", type=Path, help="JSONL with a 'text' field, or plain lines; '-' for stdin"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _lines(path: Path) -> list[str]:
    handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    texts = []
    with handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                texts.append(str(json.loads(line)["text"]))
            else:
                texts.append(line)
    return texts


def run(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from skill.errors import InvalidRequest
    from skill.nlu import Parser

    if (args.text is None) == (args.file is None):
        print("skill parse: give TEXT or --file FILE", file=sys.stderr)
        return 2
    parser = Parser.default()
    if args.text is not None:
        intent = parser.parse(args.text)
        if args.json:
            print(json.dumps(intent.to_dict(), ensure_ascii=False))
        else:
            slots = " ".join(f"{k}={v!r}" for k, v in intent.slots.items())
            print(f"{intent.name} ({intent.confidence:.2f}) {slots}".rstrip())
        return 0
    clock = time.perf_counter_ns
    for text in _lines(args.file):
        start = clock()
        try:
            out: dict[str, Any] = parser.parse(text).to_dict()
        except InvalidRequest as exc:
            out = {"intent": None, "slots": {}, "confidence": 0.0, "error": exc.to_dict()}
        latency = round((clock() - start) / 1000, 1)
        row = {"text": text, **out, "latency_us": latency}
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{text}\t{row['intent']}\t{json.dumps(row['slots'], ensure_ascii=False)}")
    return 0
