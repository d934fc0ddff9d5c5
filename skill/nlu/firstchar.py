"""The first word or characters a regex match can start with, for dispatching patterns.

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
#: largest set of strings kept while expanding literal alternatives
_LIMIT = 2048


def _exact(op: Any, arg: Any) -> frozenset[str] | None:
    """Every string a node can match, when that is a small known set."""
    name = str(op)
    if name == "LITERAL":
        return frozenset({chr(arg)})
    if name == "SUBPATTERN":
        return _exact_seq(arg[3])
    if name == "BRANCH":
        out: set[str] = set()
        for branch in arg[1]:
            sub = _exact_seq(branch)
            if sub is None:
                return None
            out |= sub
            if len(out) > _LIMIT:
                return None
        return frozenset(out)
    if name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] == 0 and arg[1] == 1:
        sub = _exact_seq(arg[2])
        return None if sub is None else sub | {""}
    return None


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _LIMIT:
        return None
    return frozenset(x + y for x in a for y in b)


def _exact_seq(items: Any) -> frozenset[str] | None:
    out: frozenset[str] | None = frozenset({""})
    for op, arg in items:
        if str(op) in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        sub = _exact(op, arg)
        if sub is None or out is None:
            return None
        out = _product(out, sub)
    return out


def _first_words(items: Any) -> frozenset[str] | None:
    """The first word of every match (up to the first space), when it is known."""
    prefixes: frozenset[str] | None = frozenset({""})
    for op, arg in items:
        if str(op) in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        sub = _exact(op, arg)
        if sub is None or prefixes is None:
            break
        prefixes = _product(prefixes, sub)
        if prefixes is not None and all(" " in p for p in prefixes):
            return frozenset(p.split(" ", 1)[0] for p in prefixes)
    else:
        # the whole regex is literal alternatives: every match is one of the strings
        if prefixes is not None and "" not in prefixes:
            return frozenset(p.split(" ", 1)[0] for p in prefixes)
    if prefixes is not None and all(" " in p for p in prefixes if p) and "" not in prefixes:
        return frozenset(p.split(" ", 1)[0] for p in prefixes)
    return None


def first_chars(source: str) -> frozenset[str] | None:
    """The characters every match of ``source`` starts with, or None when any may start it."""
    return _from_tree(_parser.parse(source))


def _from_tree(tree: Any) -> frozenset[str] | None:
    chars, nullable = _first(tree)
    if chars is None or nullable:
        return None
    return chars


def first_words(source: str) -> frozenset[str] | None:
    """The words every match of ``source`` starts with, or None when not known."""
    return first_words_and_chars(_parser.parse(source))[1]


def first_words_and_chars(tree: Any) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(first characters, first words) of a parsed regex; None where unknown."""
    words = _first_words(tree)
    if words is not None and "" in words:
        words = None
    return _from_tree(tree), words


def compile_with_first(
    source: str,
) -> tuple[re.Pattern[str], frozenset[str] | None, frozenset[str] | None]:
    """Compile ``source`` and read its first characters from ONE parse of the regex (parsing
    is most of the cost of compiling, and the grammars compile hundreds of large regexes).

    ``re._compiler.compile`` accepts a parsed tree; the Pattern it returns has no
    ``.pattern`` text, so callers keep the source themselves.
    """
    tree = _parser.parse(source)
    first = _from_tree(tree)
    words = _first_words(tree)
    if words is not None and "" in words:
        words = None
    return _compiler.compile(tree), first, words
