"""``skill eval FILE [--json]``: score the parser on a schema JSONL file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skill.config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="JSONL lines with text, intent, slots, source")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--errors", type=Path, help="also write every wrong line (JSON list) to this file"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per line (best kept)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from skill.nlu import Parser
    from skill.nlu.evaluate import evaluate, format_table

    parser = Parser.default().warm()
    report = evaluate(parser, args.file, repeat=args.repeat)
    if args.errors is not None:
        args.errors.write_text(json.dumps(report.errors, indent=1, ensure_ascii=False))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(format_table(report))
    return 0
