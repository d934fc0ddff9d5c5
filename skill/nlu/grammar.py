"""Regex grammars loaded from ``grammars/*.yaml``, compiled once, matched with a priority.

A grammar file holds one intent family::

    family: transport
    trigger: '\\b(?:pause|stop|resume)\\b'     # optional: the family is tried only if found
    priority: 50                              # default priority of its patterns
    patterns:
      - intent: music.pause
        slots: {}                             # fixed slot values added on a match
        priority: 55                          # optional, overrides the family's
        refine: media                         # optional post-processing step (see pipeline)
        match:                                # regexes over the normalised text (fullmatch)
          - 'pause(?: the music)?{device_tail}'

A family may declare ``prefix`` (a regex matched once at the start, e.g. the play verb) and
``suffix`` (matched once at the end, e.g. " on spotify in the kitchen", may be empty): its
patterns are then matched against the words between them, which keeps every pattern small
(compiling is the bulk of the build time) and the prefix range is available as the group
``x_prefix``. With ``prefix_optional: true`` the patterns may also start at the first word.
Within a family, patterns are indexed by the characters their match can start with, or by
their first word when it is known (firstchar.py), so only plausible patterns are tried.

A pattern entry may list ``needs: [word, ...]``: it is tried only when one of these words is
in the utterance (a cheap set test before the regex; ``tests/grammars`` proves the winners equal
a run without it).

``macros.yaml`` holds ``macros: {name: regex}``; ``{name}`` in a pattern (or a macro) expands to
``(?:regex)``. ``{@label}`` expands to a trie regex of every phrase of that gazetteer label
(data/entities). Named groups become slots; ``artist__2`` fills ``artist`` too, so one regex may
name a slot in several alternatives. Group names starting with ``x_`` are helpers, not slots.

Priority (documented in docs/nlu.md as well): among all patterns that match the whole text,
the winner has the highest ``priority``; ties go to the match with the most literal characters
(characters not inside a wildcard slot or ``{any}``), then to the match that fills more slots
(it explains more of the text), then to the earlier pattern
(files in name order, patterns in file order). Out-of-domain patterns (intent ``none``) are
ordinary patterns with a high priority, so a near miss ("pause the timer") stays ``none``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.nlu.firstchar import first_chars, first_words
from skill.nlu.models import INTENT_SLOTS
from skill.nlu.regexcache import RegexCache
from skill.nlu.yamlio import load_yaml

_MACRO = re.compile(r"\{(@?[a-z_][a-z0-9_]*)\}")
_GROUP = re.compile(r"\(\?P<([a-zA-Z_][a-zA-Z0-9_]*)>")
#: slots whose captured text is free (a wildcard): they do not count as literal characters
WILDCARD_SLOTS = frozenset(
    {"query", "track", "artist", "album", "playlist", "name", "text", "device", "genre", "year"}
)


_ANY_HEAD = "(?:{any} )?"
_ANY_TAIL = "(?: {any})?"


_WORD = re.compile(r"\w+")
_DIGITS_ALT = re.compile(r"\|\\d\+(?=[|)])")
_WORD_LIST = re.compile(r"\\b\(\?:((?:[a-z0-9']+\??\|)*[a-z0-9']+\??)\)\\b")


def _trigger_words(source: str) -> tuple[frozenset[str], bool] | None:
    """A trigger written as ``\\b(?:w1|w2|...)\\b`` (words, "s?" plurals, ``\\d+``) as a word
    set and whether any number counts; None for any other regex."""
    plain, count = _DIGITS_ALT.subn("", source)
    digits = count > 0
    m = _WORD_LIST.fullmatch(plain)
    if m is None:
        return None
    words: set[str] = set()
    for alt in m.group(1).split("|"):
        if alt.endswith("?"):
            stem = alt[:-1]
            words.update({stem, stem[:-1]})
        else:
            words.add(alt)
    return frozenset(words), digits


@dataclass(frozen=True, slots=True)
class Trigger:
    """A family's prefilter: a regex, and its word-set form when it is a plain word list."""

    regex: re.Pattern[str]
    words: tuple[frozenset[str], bool] | None

    def fires(self, text: str, tokens: frozenset[str]) -> bool:
        if self.words is None:
            return self.regex.search(text) is not None
        words, digits = self.words
        if not words.isdisjoint(tokens):
            return True
        return digits and any(t.isdigit() for t in tokens)


#: a prefix (a play verb, a device name) never spans more words than this
_MAX_PREFIX_WORDS = 10
#: a suffix (" on spotify in the kitchen now") never spans more than this
_MAX_SUFFIX_CHARS = 120
_MAX_SUFFIX_WORDS = 16


def _strip_lookaheads(source: str) -> str:
    """``source`` without its leading lookahead groups ("(?!...)", "(?=...)"): they only
    narrow a match, so the body after them still has to occur for the pattern to match."""
    while source.startswith(("(?!", "(?=")):
        depth = 0
        i = 0
        while i < len(source):
            ch = source[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        source = source[i + 1 :]
    return source


class GrammarError(ValueError):
    """A grammar file that cannot be compiled; the message names the file and pattern."""


def slot_of(group: str) -> str:
    """The slot a named group fills: ``artist__2`` -> ``artist``."""
    return group.split("__", 1)[0]


def trie_regex(phrases: Iterable[str]) -> str:
    """One regex matching exactly the given phrases, as a trie (fast for large lists)."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    if not trie:
        return "(?!)"
    return "(?:" + build(trie) + ")"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled grammar pattern."""

    #: "family:index.alternative", for debugging and tests
    id: str
    family: str
    intent: str
    regex: re.Pattern[str]
    #: the pattern as written, before macro expansion
    source: str
    priority: int
    #: fixed slots added on every match
    slots: Mapping[str, Any]
    #: name of a refinement step, or ""
    refine: str
    #: the pattern's position over all files, for the final tie-break
    order: int
    #: other pattern options (sign: -1, ...)
    options: Mapping[str, Any] = field(default_factory=dict)
    #: the regex after macro expansion (the compiled regex does not keep its text)
    expanded: str = ""
    #: the characters a match can start with; None for any
    first: frozenset[str] | None = None
    #: the words a match can start with; None when not known
    first_words: frozenset[str] | None = None
    #: words of which at least one must be in the utterance (the ``needs:`` of the YAML)
    needs: frozenset[str] | None = None
    #: for a "contains" pattern ``(?:{any} )?BODY(?: {any})?``: BODY, expanded
    contains: str | None = None



@dataclass(frozen=True, slots=True)
class Match:
    """A pattern that matched the whole normalised text."""

    pattern: Pattern
    #: slot -> (start, end) in the normalised text, for every named group that took part
    groups: Mapping[str, tuple[int, int]]
    #: characters of the match outside wildcard slots
    literal: int

    def key(self) -> tuple[int, int, int, int]:
        """Sort key: larger is better (see the module docstring)."""
        slots = sum(1 for g in self.groups if not g.startswith("x_"))
        return (self.pattern.priority, self.literal, slots, -self.pattern.order)


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    trigger: Trigger | None
    patterns: tuple[Pattern, ...]
    #: matched once before the patterns ("play", "i want to hear"): the patterns see the rest
    prefix: re.Pattern[str] | None = None
    #: matched once after the patterns (" on deezer in the kitchen"); may match empty
    suffix: re.Pattern[str] | None = None
    #: first character -> the patterns that may start with it (see firstchar.py)
    by_first: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    #: the patterns for a character missing from ``by_first`` (those that start anywhere)
    any_first: tuple[Pattern, ...] = ()
    #: one search over the BODY of every "contains" pattern: when it finds nothing, none of
    #: them can match and they are skipped together
    contains_gate: re.Pattern[str] | None = None
    #: first word -> the patterns whose first word is known and is that word
    by_word: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    #: the characters the prefix can start with (None: any)
    prefix_first: frozenset[str] | None = None
    #: the words the prefix can start with (None: not known)
    prefix_words: frozenset[str] | None = None
    #: the patterns may also start at the first word (no prefix)
    prefix_optional: bool = False
    #: ``(?:suffix)$`` for finding the longest suffix in one search
    suffix_search: re.Pattern[str] | None = None

    @classmethod
    def build(
        cls,
        name: str,
        trigger: Trigger | None,
        patterns: tuple[Pattern, ...],
        prefix: re.Pattern[str] | None = None,
        suffix: re.Pattern[str] | None = None,
        prefix_optional: bool = False,
    ) -> Family:
        by_word: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            for word in pattern.first_words or ():
                by_word.setdefault(word, []).append(pattern)
        firsts = [(p, p.first) for p in patterns if p.first_words is None]
        chars = set().union(*(f for _, f in firsts if f is not None))
        by_first = {
            ch: tuple(p for p, f in firsts if f is None or ch in f) for ch in sorted(chars)
        }
        any_first = tuple(p for p, f in firsts if f is None)
        bodies = [p.contains for p in patterns if p.contains is not None]
        gate = None
        if bodies:
            gate = re.compile("(?:^| )(?:" + "|".join(f"(?:{b})" for b in bodies) + ")(?= |$)")
        return cls(
            name,
            trigger,
            patterns,
            prefix=prefix,
            suffix=suffix,
            by_first=by_first,
            any_first=any_first,
            contains_gate=gate,
            by_word={word: tuple(found) for word, found in by_word.items()},
            prefix_first=None if prefix is None else first_chars(prefix.pattern),
            prefix_words=None if prefix is None else first_words(prefix.pattern),
            prefix_optional=prefix_optional,
            suffix_search=None if suffix is None else re.compile(f"(?:{suffix.pattern})$"),
        )

    def _prefix_may_start(self, text: str) -> bool:
        if self.prefix_words is not None:
            space = text.find(" ")
            return (text if space < 0 else text[:space]) in self.prefix_words
        return self.prefix_first is None or text[:1] in self.prefix_first

    def candidates(self, text: str, start: int) -> tuple[Pattern, ...]:
        """The patterns that may match ``text`` from ``start`` (kept in grammar order)."""
        if start >= len(text):
            return self.any_first
        space = text.find(" ", start)
        word = text[start:] if space < 0 else text[start:space]
        by_char = self.by_first.get(text[start], self.any_first)
        by_word = self.by_word.get(word)
        return by_char if by_word is None else by_word + by_char

    def splits(
        self, text: str, spaces: list[int] | None = None
    ) -> list[tuple[int, int, dict[str, tuple[int, int]]]]:
        """(body start, body end, groups of prefix and suffix) for every way the prefix and
        suffix can frame ``text``. Both split only at spaces."""
        if self.prefix is None and self.suffix is None:
            return [(0, len(text), {})]
        if spaces is None:
            spaces = [i for i, ch in enumerate(text) if ch == " "]
        starts: list[tuple[int, dict[str, tuple[int, int]]]] = []
        if self.prefix is None or self.prefix_optional:
            starts.append((0, {}))
        if self.prefix is not None and self._prefix_may_start(text):
            for i in spaces[:_MAX_PREFIX_WORDS]:
                m = self.prefix.fullmatch(text, 0, i)
                if m is not None:
                    starts.append((i + 1, {"x_prefix": (0, i), **_spans(m)}))
        if not starts:
            return []
        ends: list[tuple[int, dict[str, tuple[int, int]]]] = []
        if self.suffix is None or self.suffix_search is None:
            ends.append((len(text), {}))
        else:
            # the longest suffix, found by one search; shorter ones start at later spaces
            # a suffix is a few short phrases: look only at the end of the text
            found = self.suffix_search.search(text, max(0, len(text) - _MAX_SUFFIX_CHARS))
            first = len(text) if found is None else found.start()
            for j in [*(i for i in spaces[-_MAX_SUFFIX_WORDS:] if i >= first), len(text)]:
                m = self.suffix.fullmatch(text, j)
                if m is not None:
                    ends.append((j, _spans(m)))
        return [
            (start, end, {**pre, **post})
            for start, pre in starts
            for end, post in ends
            if start < end
        ]


def _spans(m: re.Match[str]) -> dict[str, tuple[int, int]]:
    return {g: m.span(g) for g, v in m.groupdict().items() if v is not None}


class Grammar:
    """Every family, compiled."""

    def __init__(self, families: Iterable[Family]) -> None:
        self.families = tuple(families)
        self.patterns = tuple(p for f in self.families for p in f.patterns)

    @classmethod
    def load(
        cls,
        directory: Path,
        gazetteers: Mapping[str, Iterable[str]],
        *,
        refiners: Iterable[str] = (),
        cache: RegexCache | None = None,
    ) -> Grammar:
        files = sorted(directory.glob("*.yaml"))
        macros: dict[str, str] = {}
        documents: list[tuple[Path, dict[str, Any]]] = []
        for path in files:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise GrammarError(f"{path.name}: not a mapping")
            if "macros" in data:
                macros.update({str(k): str(v) for k, v in data["macros"].items()})
            if "patterns" in data:
                documents.append((path, data))
        expander = _Expander(macros, gazetteers)
        cache = cache or RegexCache(None)
        used: set[str] = set()
        known_refiners = set(refiners)
        families: list[Family] = []
        order = 0
        for path, data in documents:
            name = str(data.get("family", path.stem))
            default_priority = int(data.get("priority", 50))
            trigger_src = data.get("trigger")
            trigger = None
            if trigger_src:
                source = expander.expand(str(trigger_src), path.name)
                trigger = Trigger(_compile(source, path.name), _trigger_words(source))
            patterns: list[Pattern] = []
            for index, entry in enumerate(data["patterns"]):
                intent = str(entry["intent"])
                if intent not in INTENT_SLOTS:
                    raise GrammarError(f"{path.name}#{index}: unknown intent {intent!r}")
                refine = str(entry.get("refine", ""))
                if refine and refine not in known_refiners:
                    raise GrammarError(f"{path.name}#{index}: unknown refine step {refine!r}")
                fixed = dict(entry.get("slots") or {})
                options = {k: entry[k] for k in ("sign",) if k in entry}
                needs = None
                if "needs" in entry:
                    if not all(isinstance(w, str) for w in entry["needs"]):
                        raise GrammarError(f"{path.name}#{index}: needs must be quoted words")
                    needs = frozenset(entry["needs"])
                matches = entry["match"]
                if isinstance(matches, str):
                    matches = [matches]
                for alt, source in enumerate(matches):
                    where = f"{path.name}#{index}.{alt}"
                    expanded = _unique_groups(expander.expand(str(source), where))
                    contains = None
                    text_source = _strip_lookaheads(str(source))
                    if text_source.startswith(_ANY_HEAD) and text_source.endswith(_ANY_TAIL):
                        body = text_source[len(_ANY_HEAD) : -len(_ANY_TAIL)]
                        # named groups are not needed in the gate (and may repeat there)
                        contains = re.sub(r"\(\?P<[^>]+>", "(?:", expander.expand(body, where))
                    try:
                        regex, first, words = cache.compile(expanded)
                        used.add(cache.key(expanded))
                    except re.error as exc:
                        raise GrammarError(f"{where}: {exc}") from exc
                    for group in regex.groupindex:
                        slot = slot_of(group)
                        allowed = INTENT_SLOTS[intent] | {"kind_word", "device"}
                        if not group.startswith("x_") and slot not in allowed:
                            raise GrammarError(f"{where}: slot {slot!r} not in {intent}")
                    patterns.append(
                        Pattern(
                            id=f"{name}:{index}.{alt}",
                            family=name,
                            intent=intent,
                            regex=regex,
                            source=str(source),
                            priority=int(entry.get("priority", default_priority)),
                            slots=fixed,
                            refine=refine,
                            order=order,
                            options=options,
                            expanded=expanded,
                            first=first,
                            first_words=words,
                            contains=contains,
                            needs=needs,
                        )
                    )
                    order += 1
            frame = {}
            for key in ("prefix", "suffix"):
                if data.get(key):
                    where = f"{path.name}:{key}"
                    frame[key] = _compile(expander.expand(str(data[key]), where), where)
            families.append(
                Family.build(
                    name,
                    trigger,
                    tuple(patterns),
                    **frame,
                    prefix_optional=bool(data.get("prefix_optional", False)),
                )
            )
        cache.save(keep=used)
        return cls(families)

    def matches(self, text: str) -> Iterator[Match]:
        """Every pattern that matches the whole of ``text``, in grammar order."""
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        # the words as "\\b" sees them (apostrophes and dots split) plus the whole tokens
        tokens = frozenset(_WORD.findall(text)).union(text.split(" "))
        for family in self.families:
            if family.trigger is not None and not family.trigger.fires(text, tokens):
                continue
            gate = family.contains_gate
            skip_contains = gate is not None and gate.search(text) is None
            for start, end, framed in family.splits(text, spaces):
                for pattern in family.candidates(text, start):
                    if skip_contains and pattern.contains is not None:
                        continue
                    if pattern.needs is not None and pattern.needs.isdisjoint(tokens):
                        continue
                    m = pattern.regex.fullmatch(text, start, end)
                    if m is None:
                        continue
                    groups = {**framed, **_spans(m)}
                    wild = 0
                    for group, (a, b) in groups.items():
                        if slot_of(group) in WILDCARD_SLOTS or group.startswith("x_any"):
                            wild += b - a
                    yield Match(pattern, groups, len(text) - wild)

    def best(self, text: str, accept: Callable[[Match], bool] | None = None) -> Match | None:
        """The winning match by :meth:`Match.key`, among those ``accept`` keeps."""
        best: Match | None = None
        for match in self.matches(text):
            if accept is not None and not accept(match):
                continue
            if best is None or match.key() > best.key():
                best = match
        return best


class _Expander:
    def __init__(self, macros: Mapping[str, str], gazetteers: Mapping[str, Iterable[str]]):
        self.macros = macros
        self.gazetteers = gazetteers
        self._cache: dict[str, str] = {}

    def expand(self, source: str, where: str, depth: int = 0) -> str:
        if depth > 20:
            raise GrammarError(f"{where}: macros nest too deep")

        def replace(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.startswith("@"):
                label = name[1:]
                if label not in self.gazetteers:
                    raise GrammarError(f"{where}: unknown gazetteer {label!r}")
                if name not in self._cache:
                    self._cache[name] = trie_regex(self.gazetteers[label])
                return self._cache[name]
            if name not in self.macros:
                raise GrammarError(f"{where}: unknown macro {{{name}}}")
            return "(?:" + self.expand(self.macros[name], f"{where}/{name}", depth + 1) + ")"

        return _MACRO.sub(replace, source)


def _unique_groups(source: str) -> str:
    """Rename repeated named groups (a macro used twice): the second ``device`` -> ``device__2``."""
    seen: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            return m.group(0)
        return f"(?P<{name}__r{seen[name]}>"

    return _GROUP.sub(rename, source)


def _compile(source: str, where: str) -> re.Pattern[str]:
    source = _unique_groups(source)
    try:
        return re.compile(source)
    except re.error as exc:
        raise GrammarError(f"{where}: {exc}") from exc
