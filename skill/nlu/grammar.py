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
their first word, or their first two or three words, when these are known (firstchar.py), so
only plausible patterns are tried; the families without a prefix and a suffix are dispatched
this way for the whole grammar before any pattern runs.

A pattern entry may list ``needs: [word, ...]``: it is tried only when one of these words is
in the utterance (a cheap set test before the regex; ``tests/grammars`` proves the winners equal
a run without it). The same test is derived from every regex without being written: its
required words (firstchar.required_words, e.g. ``by``/``from`` for ``{text} (?:by|from)
{text}``) are words one of which every match holds, so a regex none of whose required words is
in the utterance is not run; word triggers, ``needs:`` and required words are bit sets over all
patterns, combined once per utterance (``Grammar.allowed``). A family's prefix is only tried at
a space the prefix can end before, and its suffix at a space it can start after
(firstchar.edge_strings). ``tests/nlu/test_speed_gates.py`` checks these shortcuts.
``Grammar.best`` runs the patterns that pass from the highest priority down and stops once a
match is kept and the next pattern has a lower priority, which could not win.

``macros.yaml`` holds ``macros: {name: regex}``; ``{name}`` in a pattern (or a macro) expands to
``(?:regex)``. ``{@label}`` expands to a trie regex of every phrase of that gazetteer label
(data/entities). Named groups become slots; ``artist__2`` fills ``artist`` too, so one regex may
name a slot in several alternatives. Group names starting with ``x_`` are helpers, not slots.

Priority (documented in docs/nlu.md as well): among all patterns that match the whole text,
the winner has the highest ``priority``; ties go to the match with the most literal characters
(characters not inside a wildcard slot or ``{any}``), then to the match that fills more slots
(it explains more of the text), then to the one that leaves fewer characters to ``{any}``
(a slot, not a wildcard, holds "the kitchen speaker"), then to the earlier pattern
(files in name order, patterns in file order). Out-of-domain patterns (intent ``none``) are
ordinary patterns with a high priority, so a near miss ("pause the timer") stays ``none``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from skill.nlu.firstchar import DIGIT, LEAD_WORDS
from skill.nlu.models import INTENT_SLOTS
from skill.nlu.regexcache import RegexCache
from skill.nlu.yamlio import load_yaml

_MACRO = re.compile(r"\{(@?[a-z_][a-z0-9_]*)\}")
_GROUP = re.compile(r"\(\?P<([a-zA-Z_][a-zA-Z0-9_]*)>")
#: slots whose captured text is free (a wildcard): they do not count as literal characters
WILDCARD_SLOTS = frozenset(
    {"query", "track", "artist", "album", "playlist", "name", "text", "device", "genre", "year"}
)



_WORD = re.compile(r"\w+")
_HAS_DIGIT = re.compile(r"\d").search
_DIGIT_WORD = frozenset({DIGIT})
_NO_GROUPS: dict[str, tuple[int, int]] = {}
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


#: a prefix (a play verb, a device name) never spans more words than this
_MAX_PREFIX_WORDS = 10
#: a suffix (" on spotify in the kitchen now") never spans more than this
_MAX_SUFFIX_CHARS = 120
_MAX_SUFFIX_WORDS = 16
#: how many characters of a prefix's end and a suffix's start are known (firstchar.py)
_EDGE = 8


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
    #: other pattern options (sign: -1; reason: "declined" for a ``none`` pattern, ...)
    options: Mapping[str, Any] = field(default_factory=dict)
    #: the regex after macro expansion (the compiled regex does not keep its text)
    expanded: str = ""
    #: the characters a match can start with; None for any
    first: frozenset[str] | None = None
    #: the words a match can start with; None when not known
    first_words: frozenset[str] | None = None
    #: words of which at least one must be in the utterance (the ``needs:`` of the YAML)
    needs: frozenset[str] | None = None
    #: words of which every match holds at least one as a whole word, read from the regex
    #: (firstchar.required_words); None when not known
    required: frozenset[str] | None = None
    #: (group number, group name, whether it is a wildcard) of every named group, in the
    #: regex's order
    groupinfo: tuple[tuple[int, str, bool], ...] = ()
    #: the first three (or two) words of every match, one space apart; None when not known
    #: (firstchar.lead_words)
    lead: frozenset[str] | None = None


class Match(NamedTuple):
    """A pattern that matched the whole normalised text."""

    pattern: Pattern
    #: slot -> (start, end) in the normalised text, for every named group that took part
    groups: Mapping[str, tuple[int, int]]
    #: characters of the match outside wildcard slots
    literal: int

    def key(self) -> tuple[int, int, int, int, int]:
        """Sort key: larger is better (see the module docstring)."""
        slots = 0
        unread = 0  # characters only {any} took: "the kitchen | speaker is way too quiet"
        for group, (a, b) in self.groups.items():
            if not group.startswith("x_"):
                slots += 1
            elif group.startswith("x_any"):
                unread += b - a
        return (self.pattern.priority, self.literal, slots, -unread, -self.pattern.order)


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
    #: first word -> the patterns whose first word is known and is that word (and whose
    #: lead words are not)
    by_word: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    #: the characters the prefix can start with (None: any)
    prefix_first: frozenset[str] | None = None
    #: the words the prefix can start with (None: not known)
    prefix_words: frozenset[str] | None = None
    #: the patterns may also start at the first word (no prefix)
    prefix_optional: bool = False
    #: the last ``_EDGE`` characters of every prefix (or the whole prefix); None: not known
    prefix_ends: frozenset[str] | None = None
    #: the first ``_EDGE`` characters of every suffix (or the whole suffix); None: not known
    suffix_starts: frozenset[str] | None = None
    #: the suffix matches the empty string at the end of any text, with no group
    suffix_may_be_empty: bool = False
    #: (name, number) of the named groups of the prefix and of the suffix, in group order
    prefix_groups: tuple[tuple[str, int], ...] = ()
    suffix_groups: tuple[tuple[str, int], ...] = ()
    #: the prefix and suffix groups whose text counts as wildcard (see the priority rule)
    wild_frame_groups: frozenset[str] = frozenset()
    #: the patterns of the family as a bit set over the grammar's patterns ranked by priority
    #: (set by :meth:`indexed` when the Grammar is built)
    mask: int = 0
    #: ``by_first``, ``any_first`` and ``by_word`` as bit sets like ``mask``
    first_mask: Mapping[str, int] = field(default_factory=dict)
    any_mask: int = 0
    word_mask: Mapping[str, int] = field(default_factory=dict)
    #: first two or three words -> the patterns whose lead words (Pattern.lead) hold them
    lead_mask: Mapping[str, int] = field(default_factory=dict)
    #: pattern order -> the pattern's bit
    bit_of: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        name: str,
        trigger: Trigger | None,
        patterns: tuple[Pattern, ...],
        prefix: re.Pattern[str] | None = None,
        suffix: re.Pattern[str] | None = None,
        prefix_optional: bool = False,
        cache: RegexCache | None = None,
    ) -> Family:
        cache = cache or RegexCache(None)
        by_word: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            if pattern.lead is not None:
                continue  # dispatched by its lead words (``lead_mask``)
            for word in pattern.first_words or ():
                by_word.setdefault(word, []).append(pattern)
        firsts = [(p, p.first) for p in patterns if p.first_words is None and p.lead is None]
        chars = set().union(*(f for _, f in firsts if f is not None))
        by_first = {
            ch: tuple(p for p, f in firsts if f is None or ch in f) for ch in sorted(chars)
        }
        any_first = tuple(p for p, f in firsts if f is None)
        return cls(
            name,
            trigger,
            patterns,
            prefix=prefix,
            suffix=suffix,
            by_first=by_first,
            any_first=any_first,
            by_word={word: tuple(found) for word, found in by_word.items()},
            prefix_first=None if prefix is None else cache.compile(prefix.pattern)[1],
            prefix_words=None if prefix is None else cache.compile(prefix.pattern)[2],
            prefix_optional=prefix_optional,
            prefix_ends=None if prefix is None else cache.edge_strings(prefix.pattern, _EDGE, True),
            suffix_starts=None if suffix is None else cache.edge_strings(suffix.pattern, _EDGE),
            suffix_may_be_empty=suffix is not None and _empty_at_end(suffix),
            prefix_groups=() if prefix is None else tuple(prefix.groupindex.items()),
            suffix_groups=() if suffix is None else tuple(suffix.groupindex.items()),
            wild_frame_groups=frozenset(
                group
                for regex in (prefix, suffix) if regex is not None
                for group in regex.groupindex if _is_wild(group)
            ),
        )

    def _prefix_may_start(self, text: str) -> bool:
        if self.prefix_words is not None:
            space = text.find(" ")
            return (text if space < 0 else text[:space]) in self.prefix_words
        return self.prefix_first is None or text[:1] in self.prefix_first

    def indexed(self, bit_of: Mapping[int, int]) -> Family:
        """This family with its bit sets, ``bit_of`` giving each pattern's bit by order."""

        def bits(found: Iterable[Pattern]) -> int:
            return sum(1 << bit_of[p.order] for p in found)

        lead_mask: dict[str, int] = {}
        for pattern in self.patterns:
            bit = 1 << bit_of[pattern.order]
            for lead in pattern.lead or ():
                lead_mask[lead] = lead_mask.get(lead, 0) | bit
        return replace(
            self,
            mask=bits(self.patterns),
            first_mask={ch: bits(found) for ch, found in self.by_first.items()},
            any_mask=bits(self.any_first),
            word_mask={word: bits(found) for word, found in self.by_word.items()},
            lead_mask=lead_mask,
            bit_of={p.order: 1 << bit_of[p.order] for p in self.patterns},
        )

    def bit(self, pattern: Pattern) -> int:
        """The bit of one of this family's patterns in the bit sets."""
        return self.bit_of[pattern.order]

    def dispatch(self, text: str, start: int) -> int:
        """The patterns (bit set like ``mask``) that may match ``text`` from ``start``, by its
        first words and first character."""
        if start >= len(text):
            return self.any_mask
        return self.dispatch_head(_head(text[start:].split(" ", LEAD_WORDS)))

    def dispatch_head(self, head: Head) -> int:
        """:meth:`dispatch` from the head of the text at the start (:func:`_head`)."""
        char, word, two, three = head
        found = self.word_mask.get(word, 0) | self.first_mask.get(char, self.any_mask)
        lead_mask = self.lead_mask
        if lead_mask:
            found |= lead_mask.get(two, 0) | lead_mask.get(three, 0)
        return found

    def splits(
        self, text: str, spaces: list[int] | None = None
    ) -> list[tuple[int, int, dict[str, tuple[int, int]]]]:
        """(body start, body end, groups of prefix and suffix) for every way the prefix and
        suffix can frame ``text``. Both split only at spaces."""
        if self.prefix is None and self.suffix is None:
            return [(0, len(text), {})]
        if spaces is None:
            spaces = _spaces(text)
        starts: list[tuple[int, dict[str, tuple[int, int]]]] = []
        if self.prefix is None or self.prefix_optional:
            starts.append((0, {}))
        if self.prefix is not None and self._prefix_may_start(text):
            prefix_ends = self.prefix_ends
            for i in spaces[:_MAX_PREFIX_WORDS]:
                if prefix_ends is not None and (
                    text[i - _EDGE : i] if i >= _EDGE else text[:i]
                ) not in prefix_ends:
                    continue
                m = self.prefix.fullmatch(text, 0, i)
                if m is not None:
                    starts.append((i + 1, {"x_prefix": (0, i), **_spans(m, self.prefix_groups)}))
        if not starts:
            return []
        size = len(text)
        suffix = self.suffix
        if suffix is None:
            finish: list[tuple[int, dict[str, tuple[int, int]]]] = [(size, {})]
        else:
            # a suffix is a few short phrases: look only at the end of the text
            first = size - _MAX_SUFFIX_CHARS
            starts_with = self.suffix_starts
            finish = []
            for j in [*spaces[-_MAX_SUFFIX_WORDS:], size]:
                if j < first:
                    continue
                if starts_with is not None and text[j : j + _EDGE] not in starts_with:
                    continue
                if j == size and self.suffix_may_be_empty:
                    finish.append((j, {}))  # what fullmatch(text, size) would give
                    continue
                m = suffix.fullmatch(text, j)
                if m is not None:
                    finish.append((j, _spans(m, self.suffix_groups)))
        # the groups are read, never changed: a frame with groups on one side only keeps them
        return [
            (start, end, {**pre, **post} if pre and post else pre or post)
            for start, pre in starts
            for end, post in finish
            if start < end
        ]


def _word_index(
    ranked: Iterable[Pattern], words_of: Callable[[Pattern], frozenset[str] | None]
) -> tuple[dict[str, int], int]:
    """(word -> bit set of the patterns that word lets through, bit set of the patterns
    without words); bit i is the i-th of ``ranked``."""
    index: dict[str, int] = {}
    free = 0
    for bit, pattern in enumerate(ranked):
        words = words_of(pattern)
        if words is None:
            free |= 1 << bit
            continue
        for word in words:
            index[word] = index.get(word, 0) | 1 << bit
    return index, free


@cache
def _is_wild(group: str) -> bool:
    """Whether a group's text counts as wildcard, not literal (see the priority rule)."""
    return slot_of(group) in WILDCARD_SLOTS or group.startswith("x_any")


#: how a text starts, for dispatch: (first character, first word, first two words, first
#: three words), words one space apart; "" where the text is shorter
Head = tuple[str, str, str, str]


def _head(words: Sequence[str]) -> Head:
    """The :data:`Head` of a text from its words (``text.split(" ")``, at least the first
    :data:`LEAD_WORDS` of them split off)."""
    word = words[0]
    char = word[:1] or (" " if len(words) > 1 else "")
    if len(words) < 2:
        return char, word, "", ""
    two = f"{word} {words[1]}"
    return char, word, two, f"{two} {words[2]}" if len(words) > 2 else ""


def _spaces(text: str) -> list[int]:
    """The offsets of the spaces of ``text``."""
    found = []
    i = text.find(" ")
    while i >= 0:
        found.append(i)
        i = text.find(" ", i + 1)
    return found


def _empty_at_end(regex: re.Pattern[str]) -> bool:
    """Whether ``regex.fullmatch(text, len(text))`` matches with no named group for every
    text: it matches the empty string and nothing in it looks back (lookbehind, word
    boundary, start anchor), so the text before the end cannot change the answer."""
    if any(look in regex.pattern for look in ("(?<", "\\b", "\\B", "^", "\\A")):
        return False
    m = regex.fullmatch("")
    return m is not None and not _spans(m, tuple(regex.groupindex.items()))


def _spans(m: re.Match[str], groups: Iterable[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """The span of every named group (``groups``: name, number of each, in group order, as
    ``groupindex`` lists them) that took part in ``m``."""
    regs = m.regs
    return {name: regs[number] for name, number in groups if regs[number][0] >= 0}


class Grammar:
    """Every family, compiled."""

    def __init__(self, families: Iterable[Family]) -> None:
        families = tuple(families)
        self.patterns = tuple(p for f in families for p in f.patterns)
        if any(p.order != i for i, p in enumerate(self.patterns)):
            raise GrammarError("pattern order must follow the families")
        # Bit sets over the patterns ranked by priority (highest first, then grammar order):
        # best() walks the candidates from the lowest bit up and stops below the priority of
        # the first kept match.
        self.ranked = tuple(sorted(self.patterns, key=lambda p: (-p.priority, p.order)))
        bit_of = {p.order: bit for bit, p in enumerate(self.ranked)}
        self.families = tuple(f.indexed(bit_of) for f in families)
        family_of = {p.order: i for i, f in enumerate(self.families) for p in f.patterns}
        #: bit -> (pattern, its regex's fullmatch, priority, family index): what best() needs
        self._bit_info = tuple(
            (p, p.regex.fullmatch, p.priority, family_of[p.order]) for p in self.ranked
        )
        # Families without a prefix and a suffix have one frame, the whole text: their
        # patterns that cannot start with its first word or character are dropped before
        # any is run (Family.dispatch over all of them at once; their bits are disjoint).
        plain = [f for f in self.families if f.prefix is None and f.suffix is None]
        #: family index -> whether the family has neither a prefix nor a suffix
        self._plain = tuple(f.prefix is None and f.suffix is None for f in self.families)
        self._plain_mask = sum(f.mask for f in plain)
        self._plain_any = sum(f.any_mask for f in plain)
        chars = {ch for f in plain for ch in f.first_mask}
        self._plain_first = {
            ch: sum(f.first_mask.get(ch, f.any_mask) for f in plain) for ch in chars
        }
        self._plain_word = {
            word: sum(f.word_mask.get(word, 0) for f in plain)
            for word in {word for f in plain for word in f.word_mask}
        }
        self._plain_lead: dict[str, int] = {}
        for f in plain:
            for lead, bits in f.lead_mask.items():
                self._plain_lead[lead] = self._plain_lead.get(lead, 0) | bits
        #: family index -> the first family framed by the same prefix and suffix (their
        #: splits are the same: transport and volume)
        framing: dict[tuple[Any, ...], int] = {}
        self._framing = tuple(
            framing.setdefault((f.prefix, f.suffix, f.prefix_optional), i)
            for i, f in enumerate(self.families)
        )
        # Three word tests decide which patterns are worth running, each as bit sets over all
        # patterns: the required words of a pattern (read from its regex), its ``needs:`` words
        # (written in the grammar) and the word trigger of its family. A pattern passes when
        # each test passes; a pattern without words for a test always passes it. Families
        # with a regex trigger pass here and are searched when framed (_frames).
        required = _word_index(self.ranked, lambda p: p.required)
        needs = _word_index(self.ranked, lambda p: p.needs)
        fires: dict[str, int] = {}
        fire_always = 0
        self._fires_number = 0
        for family in self.families:
            words = None if family.trigger is None else family.trigger.words
            if words is None:
                fire_always |= family.mask
                continue
            for word in words[0]:
                fires[word] = fires.get(word, 0) | family.mask
            if words[1]:
                self._fires_number |= family.mask
        #: the patterns that pass each test whatever the words
        self._free = (required[1], needs[1], fire_always)
        #: word -> (patterns it satisfies the required words of, the needs of, the trigger of)
        self._index = {
            word: (required[0].get(word, 0), needs[0].get(word, 0), fires.get(word, 0))
            for word in {*required[0], *needs[0], *fires}
        }
        self._words = frozenset(self._index)

    def allowed(self, tokens: frozenset[str]) -> int:
        """The patterns (bit set) whose required and ``needs:`` words ``tokens`` satisfy, in
        the families whose word trigger ``tokens`` fire."""
        required, needs, fires = self._free
        index = self._index
        for word in tokens & self._words:
            r, n, f = index[word]
            required |= r
            needs |= n
            fires |= f
        if self._fires_number & ~fires and any(map(str.isdigit, tokens)):
            fires |= self._fires_number
        return required & needs & fires

    @classmethod
    def load(
        cls,
        directory: Path,
        gazetteers: Mapping[str, Iterable[str]],
        *,
        refiners: Iterable[str] = (),
        cache: RegexCache | None = None,
    ) -> Grammar:
        cache = cache or RegexCache(None)
        files = sorted(directory.glob("*.yaml"))
        macros: dict[str, str] = {}
        documents: list[tuple[Path, dict[str, Any]]] = []
        for path in files:
            text = path.read_text(encoding="utf-8")
            data = cache.memo("yaml", text, partial(load_yaml, text)) or {}
            if not isinstance(data, dict):
                raise GrammarError(f"{path.name}: not a mapping")
            if "macros" in data:
                macros.update({str(k): str(v) for k, v in data["macros"].items()})
            if "patterns" in data:
                documents.append((path, data))
        expander = _Expander(macros, gazetteers, cache)
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
                trigger = Trigger(_compile(source, path.name, cache), _trigger_words(source))
            patterns: list[Pattern] = []
            for index, entry in enumerate(data["patterns"]):
                intent = str(entry["intent"])
                if intent not in INTENT_SLOTS:
                    raise GrammarError(f"{path.name}#{index}: unknown intent {intent!r}")
                refine = str(entry.get("refine", ""))
                if refine and refine not in known_refiners:
                    raise GrammarError(f"{path.name}#{index}: unknown refine step {refine!r}")
                fixed = dict(entry.get("slots") or {})
                options = {k: entry[k] for k in ("sign", "reason") if k in entry}
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
                    try:
                        regex, first, words, required, lead = cache.compile(expanded)
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
                            needs=needs,
                            required=required,
                            lead=lead,
                            groupinfo=tuple(
                                (number, group, _is_wild(group))
                                for group, number in regex.groupindex.items()
                            ),
                        )
                    )
                    order += 1
            frame = {}
            for key in ("prefix", "suffix"):
                if data.get(key):
                    where = f"{path.name}:{key}"
                    frame[key] = _compile(expander.expand(str(data[key]), where), where, cache)
            families.append(
                Family.build(
                    name,
                    trigger,
                    tuple(patterns),
                    **frame,
                    prefix_optional=bool(data.get("prefix_optional", False)),
                    cache=cache,
                )
            )
        cache.save()
        return cls(families)

    def _allowed_in(self, text: str, words: list[str]) -> int:
        # the words as "\\b" sees them (apostrophes and dots split) plus the whole tokens;
        # when every word is letters and digits (str.isalnum is "\\w" without "_"), they are
        # the same words
        if text.replace(" ", "").isalnum():
            tokens = frozenset(words)
        else:
            tokens = frozenset(_WORD.findall(text)).union(words)
        return self.allowed(tokens | _DIGIT_WORD if _HAS_DIGIT(text) else tokens)

    def _frames(
        self,
        family: Family,
        text: str,
        head: Head,
        spaces: list[int],
        shared: tuple[dict[int, list[Split]], int] | None = None,
    ) -> list[Frame]:
        """(body start, body end, frame groups, frame wildcard characters, patterns that may
        start there) for every way the family's prefix and suffix frame ``text``; none when
        its regex trigger does not fire. ``head``: how the text starts (:func:`_head`);
        ``shared``: the splits found for this text so far and the family's key in it
        (``_framing``)."""
        trigger = family.trigger
        if trigger is not None and trigger.words is None and trigger.regex.search(text) is None:
            return []
        size = len(text)
        if family.prefix is None and family.suffix is None:
            if not size:
                return [(0, 0, _NO_GROUPS, 0, family.any_mask)]
            return [(0, size, _NO_GROUPS, 0, family.dispatch_head(head))]
        known = None if shared is None else shared[0].get(shared[1])
        if known is not None:
            splits = known
        else:
            splits = family.splits(text, spaces)
            if shared is not None:
                shared[0][shared[1]] = splits
        frames = []
        last = -1
        dispatch = 0
        wild_groups = family.wild_frame_groups
        for start, end, framed in splits:
            if start != last:  # the splits come by start: one dispatch per start
                last = start
                if start == 0 and size:
                    dispatch = family.dispatch_head(head)
                else:
                    dispatch = family.dispatch(text, start)
            framed_wild = 0
            if wild_groups:
                for group, (a, b) in framed.items():
                    if group in wild_groups:
                        framed_wild += b - a
            frames.append((start, end, framed, framed_wild, dispatch))
        return frames

    def matches(self, text: str) -> Iterator[Match]:
        """Every pattern that matches the whole of ``text``, in grammar order. The word
        tests, triggers, frames and dispatch leave out only patterns that cannot match."""
        words = text.split(" ")
        allowed = self._allowed_in(text, words)
        head = _head(words)
        spaces = _spaces(text)
        for family in self.families:
            if not family.mask & allowed:
                continue
            for start, end, framed, framed_wild, dispatch in self._frames(
                family, text, head, spaces
            ):
                runnable = allowed & dispatch
                for pattern in family.patterns:
                    if runnable & family.bit(pattern):
                        match = _run(text, pattern, start, end, framed, framed_wild)
                        if match is not None:
                            yield match

    def best(self, text: str, accept: Callable[[Match], bool] | None = None) -> Match | None:
        """The winning match by :meth:`Match.key`, among those ``accept`` keeps.

        The same winner as the best of :meth:`matches`, found with fewer regexes: patterns
        run from the highest priority down, and once a match is kept, patterns of a lower
        priority (which cannot beat it) are not run.
        """
        words = text.split(" ")
        bits = self._allowed_in(text, words)
        head = _head(words)
        if text:
            char, word, two, three = head
            bits &= (
                ~self._plain_mask
                | self._plain_word.get(word, 0)
                | self._plain_first.get(char, self._plain_any)
                | self._plain_lead.get(two, 0)
                | self._plain_lead.get(three, 0)
            )
        bit_info = self._bit_info
        framing = self._framing
        plain = self._plain
        frames: dict[int, list[Frame]] = {}
        splits: dict[int, list[Split]] = {}
        spaces: list[int] | None = None
        best: Match | None = None
        best_key = (0, 0, 0, 0, 0)
        while bits:
            low = bits & -bits
            bits ^= low
            pattern, fullmatch, priority, index = bit_info[low.bit_length() - 1]
            if best is not None and priority < best_key[0]:
                break
            found = frames.get(index)
            if found is None and text and plain[index]:
                # one frame, the whole text, whose dispatch the plain masks above already
                # applied to ``bits``: every pattern of the family left in ``bits`` may start
                family = self.families[index]
                trigger = family.trigger
                if trigger is None or trigger.words is not None or trigger.regex.search(text):
                    found = frames[index] = [(0, len(text), _NO_GROUPS, 0, family.mask)]
                else:
                    found = frames[index] = []
                    bits &= ~family.mask
            elif found is None:
                if spaces is None:
                    spaces = _spaces(text)
                family = self.families[index]
                found = frames[index] = self._frames(
                    family, text, head, spaces, (splits, framing[index])
                )
                # the family's patterns that no frame lets start are dropped at once
                may_start = 0
                for frame in found:
                    may_start |= frame[4]
                bits &= ~family.mask | may_start
            for start, end, framed, framed_wild, dispatch in found:
                if not dispatch & low:
                    continue
                m = fullmatch(text, start, end)
                if m is None:
                    continue
                match = _match(text, pattern, m, framed, framed_wild)
                if accept is not None and not accept(match):
                    continue
                key = match.key()
                if best is None or key > best_key:
                    best, best_key = match, key
        return best


_new_match: Any = tuple.__new__
#: a way a family's prefix and suffix frame a text: (body start, body end, frame groups,
#: frame wildcard characters, bit set of the family's patterns that may start there)
Frame = tuple[int, int, dict[str, tuple[int, int]], int, int]
#: (body start, body end, frame groups): Family.splits
Split = tuple[int, int, dict[str, tuple[int, int]]]


def _run(
    text: str,
    pattern: Pattern,
    start: int,
    end: int,
    framed: dict[str, tuple[int, int]],
    framed_wild: int,
) -> Match | None:
    """The match of one pattern on ``text[start:end]`` inside its frame, or None."""
    m = pattern.regex.fullmatch(text, start, end)
    if m is None:
        return None
    return _match(text, pattern, m, framed, framed_wild)


def _match(
    text: str,
    pattern: Pattern,
    m: re.Match[str],
    framed: dict[str, tuple[int, int]],
    framed_wild: int,
) -> Match:
    """The :class:`Match` of a regex match of ``pattern`` inside its frame."""
    groups = dict(framed)
    wild = framed_wild
    regs = m.regs
    for index, name, is_wild in pattern.groupinfo:
        span = regs[index]
        if span[0] < 0:
            continue
        if framed and name in groups:
            old = groups[name]
            if is_wild:
                wild -= old[1] - old[0]
        groups[name] = span
        if is_wild:
            wild += span[1] - span[0]
    if framed and len(groups) > len(framed):
        _join_split_slots(groups, framed)
    # Match(pattern, groups, literal) without the keyword handling of the generated __new__
    result: Match = _new_match(Match, (pattern, groups, len(text) - wild))
    return result


def _join_split_slots(
    groups: dict[str, tuple[int, int]], framed: dict[str, tuple[int, int]]
) -> None:
    """A frame group that continues a body group of the same slot is one phrase the frame
    split ("mute the living room | tv": the suffix took "tv" as a device of its own): the
    body group gets both halves and the frame group goes, so it is neither read as the slot
    nor counted as a second slot by :meth:`Match.key`."""
    for frame_name, (x, y) in framed.items():
        if groups.get(frame_name) != (x, y) or frame_name.startswith("x_"):
            continue  # the body overrode it, or it names no slot
        slot = slot_of(frame_name)
        for name, (a, b) in groups.items():
            if name != frame_name and (b + 1 == x or y + 1 == a) and slot_of(name) == slot:
                groups[name] = (min(a, x), max(b, y))
                del groups[frame_name]
                break


class _Expander:
    """Macro and gazetteer expansion; results are kept in the regex cache, keyed by the source
    and a fingerprint of every macro and gazetteer phrase."""

    def __init__(
        self,
        macros: Mapping[str, str],
        gazetteers: Mapping[str, Iterable[str]],
        cache: RegexCache,
    ) -> None:
        self.macros = dict(macros)
        self.gazetteers = {label: tuple(phrases) for label, phrases in gazetteers.items()}
        self.cache = cache
        self._cache: dict[str, str] = {}
        everything = repr((sorted(self.macros.items()), sorted(self.gazetteers.items())))
        self._fingerprint = hashlib.blake2b(everything.encode(), digest_size=16).hexdigest()

    def expand(self, source: str, where: str) -> str:
        return self.cache.memo(
            "expand", f"{self._fingerprint}:{source}", partial(self._expand, source, where)
        )

    def _expand(self, source: str, where: str, depth: int = 0) -> str:
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
            return "(?:" + self._expand(self.macros[name], f"{where}/{name}", depth + 1) + ")"

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


def _compile(source: str, where: str, cache: RegexCache) -> re.Pattern[str]:
    try:
        return cache.compile(_unique_groups(source))[0]
    except re.error as exc:
        raise GrammarError(f"{where}: {exc}") from exc
