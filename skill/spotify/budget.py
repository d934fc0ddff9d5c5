"""Time and rate budgets for calls to Spotify.

- :class:`Deadline`: every call has one (30 s by default, 10 s when the caller's budget is
  short, as a voice request's is). Nothing waits past it.
- :class:`Cooldown`: Spotify rate-limits per app, so a 429 opens one app-wide cooldown for
  ``Retry-After`` (plus a small margin) during which nothing is sent to that upstream. Without
  ``Retry-After`` the cooldown grows exponentially (1, 2, 4 … 60 s) until a call succeeds.
- :class:`UserBudgets`: a token bucket per user so one busy user cannot starve the others;
  the table is bounded (LRU) and idle buckets expire (TTL), so nothing is kept forever.
- :class:`Budget`: the three together, with :meth:`Budget.admit` that a call awaits before
  it is sent.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

BudgetMode = Literal["normal", "short"]

DEFAULT_DEADLINE = 30.0
SHORT_DEADLINE = 10.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0

_mode: contextvars.ContextVar[BudgetMode] = contextvars.ContextVar(
    "skill_spotify_budget_mode", default="normal"
)


@contextmanager
def budget_mode(mode: BudgetMode) -> Iterator[None]:
    """Run the calls inside the block with this budget (``"short"`` for voice requests)."""
    if mode not in ("normal", "short"):
        raise ValueError(f"unknown budget mode {mode!r}")
    token = _mode.set(mode)
    try:
        yield
    finally:
        _mode.reset(token)


def current_mode() -> BudgetMode:
    """The budget mode of the running task (``"normal"`` unless a caller said otherwise)."""
    return _mode.get()


def backoff_delay(attempt: int, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> float:
    """Capped exponential delay for the ``attempt``-th retry (0-based): 1, 2, 4, 8, 16 … 60."""
    return float(min(cap, base * (2 ** max(0, attempt))))


@dataclass
class Deadline:
    """An absolute point on the monotonic clock after which a call is abandoned."""

    at: float
    clock: Callable[[], float]
    seconds: float

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(at=clock() + seconds, clock=clock, seconds=seconds)

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        return self.clock() >= self.at

    def fits(self, wait: float) -> bool:
        """Whether waiting ``wait`` seconds still leaves time before the deadline."""
        return wait < self.remaining()


class Cooldown:
    """The app-wide cooldown of one upstream, opened by a 429."""

    def __init__(
        self,
        name: str = "api",
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 0.25,
        backoff_cap: float = BACKOFF_CAP,
    ) -> None:
        self.name = name
        self._clock = clock
        self._margin = margin
        self._cap = backoff_cap
        self._until = 0.0
        self._strikes = 0
        self._opened = 0

    def open(self, retry_after: float | None) -> float:
        """A 429 arrived. ``retry_after`` is Spotify's header (None when it was missing,
        then the wait grows exponentially with consecutive 429s). Returns the cooldown's
        remaining seconds. A cooldown never shrinks because of a later, shorter answer."""
        if retry_after is None or retry_after < 0:
            wait = backoff_delay(self._strikes, cap=self._cap)
        else:
            wait = float(retry_after) + self._margin
        self._strikes += 1
        self._opened += 1
        self._until = max(self._until, self._clock() + wait)
        return self.remaining()

    def remaining(self) -> float:
        """Seconds until calls may be sent again (0 when they may now)."""
        return max(0.0, self._until - self._clock())

    def record_success(self) -> None:
        """A call went through: the next 429 without ``Retry-After`` starts at 1 s again."""
        self._strikes = 0

    def snapshot(self) -> dict[str, object]:
        remaining = self.remaining()
        return {
            "upstream": self.name,
            "active": remaining > 0,
            "retry_after": round(remaining, 3),
            "opened_total": self._opened,
        }
