"""Sentences sampled from a compiled grammar regex (for tests that find dead alternatives).

``sample(regex, rng)`` walks the regex's parse tree and builds one string it matches,
choosing branches and repeat counts at random; wildcard characters become short words. A
sample may violate a lookahead, so callers keep only samples the regex really matches.
"""

from __future__ import annotations

import importlib
import random
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")
_WORDS = ("foo", "bar", "baz", "qux")


def _emit(items: Any, rng: random.Random, out: list[str]) -> None:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("x" if chr(arg) != "x" else "y")
        elif name == "ANY":
            out.append(rng.choice("abc"))
        elif name == "IN":
            out.append(_from_set(arg, rng))
        elif name == "BRANCH":
            _emit(rng.choice(arg[1]), rng, out)
        elif name == "SUBPATTERN":
            _emit(arg[3], rng, out)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            top = min(high, low + 2)
            for _ in range(rng.randint(low, max(low, top))):
                _emit(body, rng, out)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "ATOMIC_GROUP":
            _emit(arg, rng, out)
        else:
            raise ValueError(f"cannot sample regex op {name}")


def _from_set(items: Any, rng: random.Random) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        excluded = set()
        for op, arg in items:
            if str(op) == "LITERAL":
                excluded.add(chr(arg))
        for ch in "abcxyz":
            if ch not in excluded:
                return rng.choice(_WORDS)[0] if ch == "a" and "f" not in excluded else ch
        return "q"
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.append(chr(rng.randint(arg[0], arg[1])))
        elif name == "CATEGORY":
            cat = str(arg)
            choices.append("7" if "DIGIT" in cat and "NOT" not in cat else "a")
    return rng.choice(choices) if choices else "a"


def sample(regex: re.Pattern[str] | str, rng: random.Random) -> str:
    """One string built from a regex or its source (check it with ``fullmatch``)."""
    tree = _parser.parse(regex if isinstance(regex, str) else regex.pattern)
    out: list[str] = []
    _emit(tree, rng, out)
    text = "".join(out)
    # wildcard words ("[^ ]+") come out as runs of one letter: give them word shapes
    return re.sub(r"\b(x+|y+|q+)\b", lambda m: rng.choice(_WORDS), text)
