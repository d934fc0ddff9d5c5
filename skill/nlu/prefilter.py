"""Literal prefilters for regexes: strings of which at least one must occur in any match.

``required(regex)`` walks the regex parse tree (like RE2's prefilter, much simplified) and
returns a small set of substrings such that every string the regex matches contains one of
them, or None when no useful set exists. Testing ``any(s in text for s in required)`` costs
tens of nanoseconds per string, far less than a failing regex that starts with a wildcard,
so the grammar tries a pattern only when its prefilter passes. The prefilter never changes
results: it only skips patterns that cannot match.
"""

from __future__ import annotations

import importlib
import itertools
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")
#: largest set of alternatives kept while combining
_MAX_SET = 48
#: a set whose shortest string is shorter than this is not worth checking
_MIN_LEN = 3


class _Info:
    __slots__ = ("exact", "req")

    def __init__(self, exact: frozenset[str] | None, req: frozenset[str] | None) -> None:
        #: every string the subtree can match, when that set is small and known
        self.exact = exact
        #: one of these occurs in every match of the subtree
        self.req = req if req is not None else exact


def _score(candidate: frozenset[str] | None) -> tuple[int, int]:
    if not candidate:
        return (-1, 0)
    return (min(len(s) for s in candidate), -len(candidate))


def _best(*candidates: frozenset[str] | None) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for candidate in candidates:
        if candidate and _score(candidate) > _score(best):
            best = candidate
    return best


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _MAX_SET:
        return None
    return frozenset(x + y for x, y in itertools.product(a, b))


def _sequence(items: Any) -> _Info:
    run: frozenset[str] | None = frozenset({""})
    candidates: list[frozenset[str] | None] = []
    exact: frozenset[str] | None = frozenset({""})
    for op, arg in items:
        info = _node(op, arg)
        if exact is not None and info.exact is not None:
            exact = _product(exact, info.exact)
        else:
            exact = None
        if info.exact is not None and run is not None:
            combined = _product(run, info.exact)
            if combined is not None:
                run = combined
                continue
        candidates.append(run)
        candidates.append(info.req)
        run = info.exact if info.exact is not None else frozenset({""})
    candidates.append(run)
    return _Info(exact, _best(*candidates))


def _node(op: Any, arg: Any) -> _Info:
    name = str(op)
    if name == "LITERAL":
        return _Info(frozenset({chr(arg)}), None)
    if name == "SUBPATTERN":
        return _sequence(arg[3])
    if name == "ATOMIC_GROUP":
        return _sequence(arg)
    if name == "BRANCH":
        infos = [_sequence(branch) for branch in arg[1]]
        exact: frozenset[str] | None = None
        if all(i.exact is not None for i in infos):
            union = frozenset().union(*(i.exact for i in infos if i.exact is not None))
            exact = union if len(union) <= _MAX_SET else None
        req: frozenset[str] | None = None
        if all(i.req for i in infos):
            union = frozenset().union(*(i.req for i in infos if i.req is not None))
            req = union if len(union) <= _MAX_SET else None
        return _Info(exact, req if exact is None else None)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = arg
        inner = _sequence(body)
        if low == 0 and high == 1 and inner.exact is not None:
            return _Info(inner.exact | {""}, None)
        return _Info(None, inner.req if low >= 1 else None)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return _Info(frozenset({""}), None)
    return _Info(None, None)


def required(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Substrings one of which every match contains, or None (see the module docstring)."""
    info = _sequence(_parser.parse(regex.pattern))
    found = info.req if info.exact is None else info.exact
    if not found or min(len(s) for s in found) < _MIN_LEN:
        return None
    return found



def _first(items: Any) -> tuple[frozenset[str] | None, bool]:
    """(first characters of a match or None for "any", whether the sequence can be empty)."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        nullable = False
        if name == "LITERAL":
            sub: frozenset[str] | None = frozenset({chr(arg)})
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            sub, nullable = _first(arg[3] if name == "SUBPATTERN" else arg)
        elif name == "BRANCH":
            parts = [_first(branch) for branch in arg[1]]
            if any(p[0] is None for p in parts):
                return None, False
            sub = frozenset().union(*(p[0] for p in parts if p[0] is not None))
            nullable = any(p[1] for p in parts)
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


def literal_start(regex: re.Pattern[str]) -> bool:
    """True when a match can only start with a few known characters (not a wildcard)."""
    chars, nullable = _first(_parser.parse(regex.pattern))
    return chars is not None and not nullable
