"""``skill settings``: the settings table (``--markdown``) or the values in force."""

from __future__ import annotations

import argparse
from dataclasses import fields

from skill.config import SETTINGS_DOC, Settings

_SECRET_FIELDS = {"spotify_client_secret", "encryption_keys", "redis_url", "home_assistant_token"}


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, (default, meaning) in SETTINGS_DOC.items():
        lines.append(f"| `{name}` | `{default}` | {meaning} |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markdown", action="store_true", help="print the README table")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.markdown:
        print(markdown_table())
        return 0
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name in _SECRET_FIELDS and value:
            value = "(set)"
        print(f"{f.name} = {value}")
    return 0
