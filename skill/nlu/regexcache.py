"""Compiling the grammar regexes once per machine instead of once per process.

Parsing a regex is most of the cost of ``re.compile`` (pure Python in CPython) and the
grammars hold about a hundred thousand characters of expanded regex. The compiled form of a
regex is a list of integers that CPython's ``_sre.compile`` turns into a Pattern directly, so
:class:`RegexCache` stores, per expanded source, that code plus the analysis the grammar
needs (first characters, first words, required words, lead words; the edge strings of
frames) in one pickle file, keyed by the Python version and the analysis code (firstchar.py).
A missing, stale or unreadable cache is never an error: the regexes are compiled normally and
the file is rewritten. The cache is an optimisation only; results are identical.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import re
import sys
import tempfile
from array import array
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

from skill.nlu import firstchar
from skill.nlu.firstchar import analyse, edge_strings

_parser: Any = importlib.import_module("re._parser")
_compiler: Any = importlib.import_module("re._compiler")
_sre: Any = importlib.import_module("_sre")

T = TypeVar("T")
#: bump when the stored tuple changes shape
_FORMAT = 6
#: the compiled code is stored as the bytes of an unsigned 32-bit array (sre code words): it
#: unpickles several times faster than a list of ints
_CODE = "I" if array("I").itemsize >= 4 else "L"
Entry = tuple[bytes, int, int, dict[str, int], tuple[str | None, ...], Any, Any, Any, Any]
#: a compiled regex with its first characters, first words, required words and lead words
#: (firstchar.py)
Compiled = tuple[
    re.Pattern[str],
    frozenset[str] | None,
    frozenset[str] | None,
    frozenset[str] | None,
    frozenset[str] | None,
]


def _key(source: str) -> str:
    return hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()


class RegexCache:
    """source -> compiled Pattern with its first characters, first words, required words and
    lead words."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        #: (kind, source) key -> any other result worth keeping (edge strings, parsed YAML,
        #: expanded macros): see :meth:`memo`
        self.memos: dict[str, Any] = {}
        #: the keys looked up since the cache was read: only these are saved
        self.used: set[str] = set()
        self.dirty = False
        if path is not None:
            self._read(path)

    def _read(self, path: Path) -> None:
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == _version():
            entries, memos = data.get("entries"), data.get("memos")
            if isinstance(entries, dict) and isinstance(memos, dict):
                self.entries, self.memos = entries, memos

    def memo(self, kind: str, source: str, compute: Callable[[], T]) -> T:
        """``compute()``, kept under (``kind``, ``source``): ``source`` must determine the
        result (include everything it depends on), and the result must not be mutated."""
        key = _key(f"{kind}\0{source}")
        self.used.add(key)
        if key in self.memos:
            return cast(T, self.memos[key])
        value = compute()
        self.memos[key] = value
        self.dirty = True
        return value

    def edge_strings(self, source: str, size: int, end: bool = False) -> frozenset[str] | None:
        """``firstchar.edge_strings(source, size, end)``, cached."""
        compute = partial(edge_strings, source, size, end)
        return self.memo("edges", f"{size}:{end}:{source}", compute)

    def compile(self, source: str) -> Compiled:
        key = _key(source)
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            stored, flags, groups, groupindex, indexgroup, first, words, required, lead = entry
            try:
                words_of_code = array(_CODE)
                words_of_code.frombytes(stored)
                code = words_of_code.tolist()
                pattern = _sre.compile(source, flags, code, groups, groupindex, indexgroup)
                return pattern, first, words, required, lead
            except (TypeError, ValueError, RuntimeError):
                pass  # a different interpreter build: compile below
        tree = _parser.parse(source, 0)
        first, words, required, lead = analyse(tree)
        code = _compiler._code(tree, 0)
        groupindex = dict(tree.state.groupdict)
        names: list[str | None] = [None] * tree.state.groups
        for name, index in groupindex.items():
            names[index] = name
        indexgroup = tuple(names)
        flags = tree.state.flags
        groups = tree.state.groups - 1
        pattern = _sre.compile(source, flags, code, groups, groupindex, indexgroup)
        # opcodes are int subclasses that do not pickle: store plain ints
        plain = array(_CODE, [int(op) for op in code]).tobytes()
        self.entries[key] = (
            plain, int(flags), groups, groupindex, indexgroup, first, words, required, lead
        )
        self.dirty = True
        return pattern, first, words, required, lead

    def save(self) -> None:
        """Write the file when something new was compiled (atomically; errors ignored),
        keeping only what was looked up since it was read."""
        if self.path is None or not self.dirty:
            return
        entries = {k: v for k, v in self.entries.items() if k in self.used}
        memos = {k: v for k, v in self.memos.items() if k in self.used}
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".regex-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(
                    {"version": _version(), "entries": entries, "memos": memos}, handle
                )
            os.replace(tmp, self.path)
            tmp = None
        except (OSError, pickle.PicklingError):
            return
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
        self.dirty = False


def _version() -> str:
    """The Python build and the analysis code: a change to either rebuilds the cache."""
    global _VERSION
    if _VERSION is None:
        analysis = hashlib.blake2b(Path(firstchar.__file__).read_bytes(), digest_size=8)
        _VERSION = f"{_FORMAT}:{sys.version}:{analysis.hexdigest()}"
    return _VERSION


_VERSION: str | None = None
