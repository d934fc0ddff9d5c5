"""The characters a regex match can start with, for dispatching patterns by first character.

A grammar family keeps, for every character, only the patterns whose match can start with it
(plus those that can start with anything), so an utterance that starts with "p" is never
tried against "resume ..." or "what is ...". The analysis reads the regex parse tree; when it
cannot be sure (a wildcard, a class, an empty match) it answers None, meaning "any".
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")


def _first(items: Any) -> tuple[frozenset[str] | None, bool]:
    """(possible first characters or None for any, whether the sequence can match empty)."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        nullable = False
        sub: frozenset[str] | None
        if name == "LITERAL":
            sub = frozenset({chr(arg)})
        elif name == "SUBPATTERN":
            sub, nullable = _first(arg[3])
        elif name == "ATOMIC_GROUP":
            sub, nullable = _first(arg)
        elif name == "BRANCH":
            parts = [_first(branch) for branch in arg[1]]
            if any(part[0] is None for part in parts):
                return None, False
            sub = frozenset().union(*(part[0] for part in parts if part[0] is not None))
            nullable = any(part[1] for part in parts)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            sub, inner_nullable = _first(arg[2])
            nullable = arg[0] == 0 or inner_nullable
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            return None, False
        if sub is None:
            return None, False
        chars |= sub
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


_compiler: Any = importlib.import_module("re._compiler")


def first_chars(source: str) -> frozenset[str] | None:
    """The characters every match of ``source`` starts with, or None when any may start it."""
    return _from_tree(_parser.parse(source))


def _from_tree(tree: Any) -> frozenset[str] | None:
    chars, nullable = _first(tree)
    if chars is None or nullable:
        return None
    return chars


def compile_with_first(source: str) -> tuple[re.Pattern[str], frozenset[str] | None]:
    """Compile ``source`` and read its first characters from ONE parse of the regex (parsing
    is most of the cost of compiling, and the grammars compile hundreds of large regexes).

    ``re._compiler.compile`` accepts a parsed tree; the Pattern it returns has no
    ``.pattern`` text, so callers keep the source themselves.
    """
    tree = _parser.parse(source)
    first = _from_tree(tree)
    return _compiler.compile(tree), first
