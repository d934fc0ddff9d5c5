"""The ``skill`` console script: a registry of subcommands, loaded lazily.

Each command lives in its own module exposing ``add_arguments(parser)`` and
``run(args, settings) -> int``. Only the module of the command being run is imported,
so ``skill parse`` does not pay for Starlette and ``skill sandbox`` does not pay for spaCy.
To add a command, add one row to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from skill.config import Settings
from skill.errors import ConfigError, SkillError

#: command name -> (module path, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("skill.nlu.cli_parse", "understand a command: print its intent and slots"),
    "eval": ("skill.nlu.cli_eval", "score the intent parser on a labelled JSONL file"),
    "say": ("skill.commands.say", "run a spoken command end to end and print the outcome"),
    "settings": ("skill.commands.settings", "print the settings table (or the values in force)"),
    "serve": ("skill.commands.serve", "run the HTTP service"),
    "users": ("skill.commands.users", "create, list, rotate or revoke users and their API keys"),
    "jobs": ("skill.commands.jobs", "run a background job once (refresh: renew expiring tokens)"),
    "sandbox": ("skill.sandbox.cli", "run the Spotify sandbox (Accounts + Web API simulator)"),
    "rasa-senders": ("skill.rasa.cli", "map Rasa conversations (sender_id) to users"),
}


class CommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int: ...


def _load(name: str) -> CommandModule:
    module_path, _ = COMMANDS[name]
    return cast(CommandModule, importlib.import_module(module_path))


def build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skill", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == command:
            _load(name).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    if command not in COMMANDS:
        command = None
    parser = build_parser(command)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        return _load(args.command).run(args, settings)
    except ConfigError as exc:
        print(f"skill: configuration error: {exc.message}", file=sys.stderr)
        return 2
    except SkillError as exc:
        print(f"skill: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
