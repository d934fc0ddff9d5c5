"""Spotify's rate limit: a rolling 30-second window per client id."""

from __future__ import annotations

import collections
import math
from collections.abc import Callable


class RollingWindowLimiter:
    """At most ``limit`` requests per ``window`` seconds per key; 0 turns it off."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )

    def check(self, key: str) -> int | None:
        """Count one request; None when allowed, else the Retry-After seconds."""
        if self.limit <= 0:
            return None
        now = self._clock()
        hits = self._hits[key]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, math.ceil(hits[0] + self.window - now))
        hits.append(now)
        return None

    def reset(self) -> None:
        self._hits.clear()
