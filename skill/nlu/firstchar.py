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
        elif name == "IN":
            sub = _charset(arg)
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
#: largest character range expanded into its characters
_RANGE_LIMIT = 64


def _charset(items: Any) -> frozenset[str] | None:
    """The characters of a class ``[...]`` made of literals and small ranges; None for a
    negated class, a category (``\\d``, ``\\w``) or a large range."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE" and arg[1] - arg[0] < _RANGE_LIMIT:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            return None
    return frozenset(chars)


def _exact(op: Any, arg: Any) -> frozenset[str] | None:
    """Every string a node can match, when that is a small known set."""
    name = str(op)
    if name == "LITERAL":
        return frozenset({chr(arg)})
    if name == "IN":
        return _charset(arg)
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
        if prefixes is not None:
            # a prefix holding a space has its first word: what follows cannot change it
            prefixes = frozenset(p.split(" ", 1)[0] + " " if " " in p else p for p in prefixes)
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


#: the most first words of a match that :func:`lead_words` reads
LEAD_WORDS = 3
#: lead words beyond this many are cut to their first two words (fewer keys to index)
_LEAD_LIMIT = 64


def lead_words(tree: Any) -> frozenset[str] | None:
    """The first words of every match of a parsed regex: strings of two or three words
    (as many as are known, at most :data:`LEAD_WORDS`) one space apart, one of which starts
    every match's words; None when some match may have fewer than two known first words.

    A match is assumed to end at a space or at the end of the text (grammar frames do), so
    the words of the text from the match's start begin with the match's first words."""
    prefixes: frozenset[str] = frozenset({""})
    rest = len(tree)
    for index, (op, arg) in enumerate(tree):
        if str(op) in _ZERO_WIDTH:
            continue
        sub = _exact(op, arg)
        if sub is None:
            rest = index
            break
        joined = _product(prefixes, sub)
        if joined is None:
            return None
        prefixes = frozenset(map(_lead_cut, joined))
        if all(p.count(" ") >= LEAD_WORDS for p in prefixes):
            break
    # every match starts with one of ``prefixes``; the last word of a prefix is whole when
    # what follows it in a match is nothing or starts with a space
    last_whole = rest == len(tree) or _edges_seq(tree[rest:]).starts_space
    found = set()
    for prefix in prefixes:
        pieces = prefix.split(" ")
        known = len(pieces) if last_whole else len(pieces) - 1
        if known < 2:
            return None
        found.add(" ".join(pieces[: min(known, LEAD_WORDS)]))
    if len(found) > _LEAD_LIMIT:
        return frozenset(" ".join(lead.split(" ", 2)[:2]) for lead in found)
    return frozenset(found)


def _lead_cut(prefix: str) -> str:
    """A prefix cut after its first :data:`LEAD_WORDS` words and their space (what follows
    cannot change them)."""
    if prefix.count(" ") <= LEAD_WORDS:
        return prefix
    return " ".join(prefix.split(" ", LEAD_WORDS)[:LEAD_WORDS]) + " "


# -- required words ---------------------------------------------------------------------------
# A pattern's match starts and ends at word boundaries of the text (the start of the text or
# after a space; a space or the end), so a literal word of the regex that has a space or a
# match edge on both sides is a whole space-separated word of every text the pattern matches.
# ``required_words`` finds a set of such words of which every match contains at least one:
# when none of them is a word of the utterance, the regex cannot match and is not run.

#: a pseudo-word standing for "a digit somewhere in the text" (it holds a space, so no real
#: word of a text is ever equal to it)
DIGIT = " digit"
_DIGIT = re.compile(r"\d")
#: words so common in commands that a requirement made of them filters little
_COMMON = frozenset(
    "a an the my your our this that it to of in on at for from by with and or me us i you "
    "some any please play playing music song songs track now up down can could would want "
    "like put turn start listen hear open is what".split()
)
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


class _Edges:
    """What a node's matches look like at their edges."""

    __slots__ = ("nullable", "empty", "starts_space", "ends_space")

    def __init__(self, nullable: bool, empty: bool, starts_space: bool, ends_space: bool):
        #: may match the empty string
        self.nullable = nullable
        #: only ever matches the empty string
        self.empty = empty
        #: every non-empty match starts with a space
        self.starts_space = starts_space
        #: every non-empty match ends with a space
        self.ends_space = ends_space


_UNKNOWN = _Edges(True, False, False, False)
_NOTHING = _Edges(True, True, True, True)


def _edges_of_strings(strings: frozenset[str]) -> _Edges:
    filled = [s for s in strings if s]
    return _Edges(
        "" in strings,
        not filled,
        all(s.startswith(" ") for s in filled),
        all(s.endswith(" ") for s in filled),
    )


def _edges(op: Any, arg: Any) -> _Edges:
    name = str(op)
    if name in _ZERO_WIDTH:
        return _NOTHING
    exact = _exact(op, arg)
    if exact is not None:
        return _edges_of_strings(exact)
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _edges_seq(arg[3] if name == "SUBPATTERN" else arg)
    if name == "BRANCH":
        parts = [_edges_seq(branch) for branch in arg[1]]
        return _Edges(
            any(p.nullable for p in parts),
            all(p.empty for p in parts),
            all(p.starts_space for p in parts),
            all(p.ends_space for p in parts),
        )
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        inner = _edges_seq(arg[2])
        return _Edges(
            arg[0] == 0 or inner.nullable,
            inner.empty or arg[1] == 0,
            inner.starts_space,
            inner.ends_space,
        )
    if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY"):
        return _Edges(False, False, False, False)
    return _UNKNOWN


def _edges_seq(items: Any) -> _Edges:
    parts = [_edges(op, arg) for op, arg in items]
    return _Edges(
        all(p.nullable for p in parts),
        all(p.empty for p in parts),
        _starts_space(parts),
        _starts_space(parts[::-1], end=True),
    )


def _starts_space(parts: list[_Edges], end: bool = False) -> bool:
    """Every non-empty match of the sequence starts (``end``: ends) with a space."""
    for part in parts:
        if part.empty:
            continue
        if not (part.ends_space if end else part.starts_space):
            return False
        if not part.nullable:
            return True
    return True


def _bounded(parts: list[_Edges], outer: bool, end: bool = False) -> bool:
    """Whether the text just before the first unit of ``parts`` read backwards (``end``: just
    after) is always a word boundary, given ``outer`` for the sequence's own edge."""
    for part in parts:
        if part.empty:
            continue
        if not (part.starts_space if end else part.ends_space):
            return False
        if not part.nullable:
            return True
    return outer


def _cost(words: frozenset[str]) -> int:
    # roughly how often one of the words is in an utterance: a common word is in many
    return sum(100 if w in _COMMON else 5 if w == DIGIT else 1 for w in words)


def _required_seq(items: Any, left: bool, right: bool) -> frozenset[str] | None:
    """A set of words one of which every match of the sequence holds as a whole word;
    ``left``/``right``: the text next to the sequence is a word boundary."""
    units: list[tuple[frozenset[str] | None, Any, _Edges]] = []
    run: frozenset[str] | None = None
    for op, arg in items:
        if str(op) in _ZERO_WIDTH:
            continue
        exact = _exact(op, arg)
        if exact is not None and run is not None:
            joined = _product(run, exact)
            if joined is not None:
                run = joined
                continue
        if run is not None:
            units.append((run, None, _edges_of_strings(run)))
            run = None
        if exact is not None:
            run = exact
        else:
            units.append((None, (op, arg), _edges(op, arg)))
    if run is not None:
        units.append((run, None, _edges_of_strings(run)))
    edges = [unit[2] for unit in units]
    best: frozenset[str] | None = None
    for i, (strings, node, _) in enumerate(units):
        lb = _bounded(edges[:i][::-1], left)
        rb = _bounded(edges[i + 1 :], right, end=True)
        if strings is not None:
            found = _required_strings(strings, lb, rb)
        else:
            found = _required_node(node[0], node[1], lb, rb)
        if found is not None and (best is None or _cost(found) < _cost(best)):
            best = found
    return best


def _required_strings(strings: frozenset[str], left: bool, right: bool) -> frozenset[str] | None:
    options: set[frozenset[str]] = set()
    for s in strings:
        pieces = s.split(" ")
        last = len(pieces) - 1
        whole = [
            piece
            for k, piece in enumerate(pieces)
            if piece and (k > 0 or left) and (k < last or right)
        ]
        if not whole:
            return _digits(strings)
        options.add(frozenset(whole))
    return _cover(options)


def _cover(options: set[frozenset[str]]) -> frozenset[str]:
    """Words that meet every one of ``options`` (the whole words of each string), picked
    greedily, the word meeting most options first: rare words for the options that hold
    one, common words only for those made of common words ("more|songs|music like this"
    needs "more" or "like", not "songs" or "music").
    """
    picked: set[str] = set()
    remaining = sorted(options, key=sorted)
    while remaining:
        rare = [option for option in remaining if not option <= _COMMON]
        counts: dict[str, int] = {}
        for option in rare or remaining:
            for word in option:
                if not rare or word not in _COMMON:
                    counts[word] = counts.get(word, 0) + 1
        word = min(counts, key=lambda w: (-counts[w], _pick_key(w)))
        picked.add(word)
        remaining = [option for option in remaining if word not in option]
    return frozenset(picked)


def _pick_key(word: str) -> tuple[bool, int, str]:
    return (word in _COMMON, -len(word), word)


def _digits(strings: frozenset[str]) -> frozenset[str] | None:
    """{DIGIT} when every string holds a digit."""
    if all(_DIGIT.search(s) for s in strings):
        return frozenset({DIGIT})
    return None


def _required_node(op: Any, arg: Any, left: bool, right: bool) -> frozenset[str] | None:
    name = str(op)
    if name == "SUBPATTERN":
        return _required_seq(arg[3], left, right)
    if name == "ATOMIC_GROUP":
        return _required_seq(arg, left, right)
    if name == "BRANCH":
        out: set[str] = set()
        for branch in arg[1]:
            found = _required_seq(branch, left, right)
            if found is None:
                return None
            out |= found
        return frozenset(out)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and arg[0] >= 1:
        # the first repetition: before it the sequence's left edge, after it either the next
        # repetition or the right edge
        inner = _edges_seq(arg[2])
        after = right and (arg[1] == 1 or inner.starts_space)
        return _required_seq(arg[2], left, after)
    if name == "IN" and all(str(o) == "CATEGORY" and str(a) == "CATEGORY_DIGIT" for o, a in arg):
        return frozenset({DIGIT})
    return None


def required_words(tree: Any) -> frozenset[str] | None:
    """Words of which every match of a parsed regex holds at least one as a whole word
    (space-separated), for a match that starts and ends at word boundaries; None when no
    such set is known. The word :data:`DIGIT` stands for any digit anywhere in the text."""
    return _required_seq(tree, True, True)


Analysis = tuple[
    frozenset[str] | None, frozenset[str] | None, frozenset[str] | None, frozenset[str] | None
]


def analyse(tree: Any) -> Analysis:
    """(first characters, first words, required words, lead words) of a parsed regex."""
    first, words = first_words_and_chars(tree)
    return first, words, required_words(tree), lead_words(tree)


# -- edge strings ---------------------------------------------------------------------------
#: most strings kept while reading the edges of a regex
_EDGE_LIMIT = 20000


def edge_strings(source: str, size: int, end: bool = False) -> frozenset[str] | None:
    """The first (``end``: last) ``size`` characters of every match of ``source``, or the
    whole match when it is shorter; None when unknown or too many. A family's prefix can only
    end, and its suffix only start, where the text shows one of these strings."""
    found = _edge_seq(_parser.parse(source), size, end)
    if found is None:
        return None
    return frozenset(s[::-1] for s in found) if end else frozenset(found)


def _concat(a: set[str], b: set[str], size: int) -> set[str] | None:
    out: set[str] = set()
    for x in a:
        if len(x) >= size:
            out.add(x[:size])
            continue
        for y in b:
            out.add((x + y)[:size])
        if len(out) > _EDGE_LIMIT:
            return None
    return out


def _edge_seq(items: Any, size: int, end: bool) -> set[str] | None:
    """Edge strings of a sequence; with ``end`` the strings are built reversed."""
    out: set[str] | None = {""}
    for op, arg in reversed(items) if end else items:
        sub = _edge(op, arg, size, end)
        if sub is None or out is None:
            return None
        out = _concat(out, sub, size)
    return out


def _edge(op: Any, arg: Any, size: int, end: bool) -> set[str] | None:
    name = str(op)
    if name == "LITERAL":
        return {chr(arg)}
    if name == "IN":
        chars = _charset(arg)
        return None if chars is None else set(chars)
    if name in _ZERO_WIDTH:
        return {""}
    if name == "SUBPATTERN":
        return _edge_seq(arg[3], size, end)
    if name == "BRANCH":
        out: set[str] = set()
        for branch in arg[1]:
            sub = _edge_seq(branch, size, end)
            if sub is None:
                return None
            out |= sub
        return out
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high = arg[0], arg[1]
        inner = _edge_seq(arg[2], size, end)
        if inner is None:
            return None
        # past max(low, size) repetitions every string is already cut to ``size``
        last = min(high, max(low, size))
        level: set[str] | None = {""}
        result: set[str] = {""} if low == 0 else set()
        for count in range(1, last + 1):
            assert level is not None
            level = _concat(level, inner, size)
            if level is None:
                return None
            if count >= low:
                result |= level
        return result
    return None
