"""Play order: which entry of a context plays next or before, with and without shuffle.

Contexts are resolved afresh on every step (``Sandbox.context_track_ids``), so a playlist
edited by another route shows in what plays next. Each entry gets a sort key: its index when
shuffle is off; with shuffle on, a hash of (seed, uri, occurrence), with the entry that was
playing when shuffle was switched on (or the offset of a play call) first. Hash keys make the
shuffled order deterministic, complete (a permutation) and stable when entries are added or
removed. "Next" is the entry with the smallest key above the current entry's key; a current
entry that was removed keeps its old key, so playback goes on from where it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

Key = tuple[int, int]
_BEFORE_ALL: Key = (-1, 0)
_FIRST: Key = (0, 0)


@dataclass(frozen=True)
class Cursor:
    """Where playback is in a list: entry ``uri`` (its ``occurrence``-th copy), last seen at
    ``index``. ``uri`` None: nothing from the list has played yet."""

    uri: str | None
    index: int = 0
    occurrence: int = 0


class PlayOrder:
    """The order in which ``items`` play, for one shuffle state."""

    def __init__(
        self,
        items: Sequence[str],
        *,
        shuffle: bool,
        seed: str,
        first: tuple[str, int] | None = None,
    ) -> None:
        self.items = items
        self.shuffle = shuffle
        self.seed = seed
        self.first = first
        """(uri, occurrence) of the entry that plays first under shuffle."""

    def _hash(self, uri: str, occurrence: int) -> int:
        digest = hashlib.sha1(f"{self.seed}|{uri}|{occurrence}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    @cached_property
    def keys(self) -> list[Key]:
        if not self.shuffle:
            return [(1, 2 * i) for i in range(len(self.items))]
        seen: Counter[str] = Counter()
        keys: list[Key] = []
        for uri in self.items:
            occurrence = seen[uri]
            seen[uri] += 1
            keys.append(_FIRST if self.first == (uri, occurrence) else
                        (1, self._hash(uri, occurrence)))  # fmt: skip
        return keys

    @cached_property
    def ordered(self) -> list[int]:
        """Indices of ``items`` in play order."""
        keys = self.keys
        return sorted(range(len(self.items)), key=lambda i: keys[i])

    @cached_property
    def _occurrences(self) -> list[int]:
        seen: Counter[str] = Counter()
        out = []
        for uri in self.items:
            out.append(seen[uri])
            seen[uri] += 1
        return out

    def cursor_at(self, index: int) -> Cursor:
        """The cursor of entry ``index``."""
        return Cursor(self.items[index], index, self._occurrences[index])

    @cached_property
    def _rank(self) -> dict[int, int]:
        return {index: rank for rank, index in enumerate(self.ordered)}

    def find(self, cursor: Cursor) -> int | None:
        """Where the cursor's entry is now: its old index if unchanged, else the nearest copy."""
        if cursor.uri is None:
            return None
        items = self.items
        if 0 <= cursor.index < len(items) and items[cursor.index] == cursor.uri:
            return cursor.index
        spots = [i for i, uri in enumerate(items) if uri == cursor.uri]
        return min(spots, key=lambda i: abs(i - cursor.index)) if spots else None

    def key_of(self, cursor: Cursor) -> Key:
        if cursor.uri is None:
            return _BEFORE_ALL
        found = self.find(cursor)
        if found is not None:
            return self.keys[found]
        if not self.shuffle:
            return (1, 2 * cursor.index - 1)  # just before what moved into its place
        if self.first == (cursor.uri, cursor.occurrence):
            return _FIRST
        return (1, self._hash(cursor.uri, cursor.occurrence))

    def step(self, cursor: Cursor, direction: int, *, wrap: bool) -> int | None:
        """Index of the entry after (``direction`` 1) or before (-1) the cursor; ``wrap``
        goes round the end (repeat)."""
        if not self.items:
            return None
        found = self.find(cursor)
        if found is not None:  # the common case, without scanning
            rank = self._rank[found] + direction
            if 0 <= rank < len(self.ordered):
                return self.ordered[rank]
            return self.ordered[rank % len(self.ordered)] if wrap else None
        keys, current = self.keys, self.key_of(cursor)
        if direction > 0:
            after = [i for i in self.ordered if keys[i] > current]
            return after[0] if after else (self.ordered[0] if wrap else None)
        before = [i for i in self.ordered if keys[i] < current]
        return before[-1] if before else (self.ordered[-1] if wrap else None)

    def first_index(self) -> int:
        return self.ordered[0]

    def following(self, cursor: Cursor, limit: int, *, wrap: bool) -> list[str]:
        """Up to ``limit`` entries that play after the cursor, round the end if ``wrap``."""
        current = self.key_of(cursor)
        out = [self.items[i] for i in self.ordered if self.keys[i] > current]
        while wrap and self.items and len(out) < limit:
            out.extend(self.items[i] for i in self.ordered)
        return out[:limit]
