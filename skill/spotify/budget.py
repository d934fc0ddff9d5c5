"""Time and rate budgets for calls to Spotify.

- :class:`Deadline`: every call has one (30 s by default, 10 s when the caller's budget is
  short, as a voice request's is). Nothing waits past it.
- :class:`Cooldown`: Spotify rate-limits per app, so a 429 opens one app-wide cooldown for
  ``Retry-After`` plus a margin (1 s: retrying exactly on time often meets another 429,
  BEHAVIOR.md §7), during which nothing is sent to that upstream. Without ``Retry-After``
  the cooldown grows exponentially (1, 2, 4 … 60 s) until a call succeeds.
- :class:`UserBudgets`: a token bucket per user so one busy user cannot starve the others;
  the table is bounded (LRU) and idle buckets expire (TTL), so nothing is kept forever.
- :class:`Budget`: the three together, with :meth:`Budget.admit` that a call awaits before
  it is sent.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from skill.errors import RateLimited

BudgetMode = Literal["normal", "short"]

DEFAULT_DEADLINE = 30.0
SHORT_DEADLINE = 10.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
SEND_HEADROOM = 0.5
"""A wait only "fits" a deadline if at least this much time is left to send the call."""

Sleep = Callable[[float], Awaitable[None]]

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

    def fits(self, wait: float, *, headroom: float = SEND_HEADROOM) -> bool:
        """Whether waiting ``wait`` seconds still leaves ``headroom`` to make the call."""
        return wait + headroom <= self.remaining()


class Cooldown:
    """The app-wide cooldown of one upstream, opened by a 429."""

    def __init__(
        self,
        name: str = "api",
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 1.0,
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


@dataclass
class _Bucket:
    tokens: float
    updated: float


class UserBudgets:
    """A token bucket per user: ``burst`` calls at once, refilled at ``rate`` per second.

    The table holds at most ``max_users`` buckets (least recently used dropped first) and
    drops buckets idle for ``idle_ttl`` seconds; a dropped bucket comes back full, which is
    what an idle bucket would be anyway (``idle_ttl`` is far longer than a refill).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        rate: float = 10.0,
        burst: float = 120.0,
        max_users: int = 10_000,
        idle_ttl: float = 600.0,
    ) -> None:
        if rate <= 0 or burst < 1 or max_users < 1 or idle_ttl <= 0:
            raise ValueError("rate, burst, max_users and idle_ttl must be positive")
        self._clock = clock
        self._rate = rate
        self._burst = burst
        self._max_users = max_users
        self._ttl = idle_ttl
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        self._expire(self._clock())
        return len(self._buckets)

    def reserve(self, user_id: str, deadline: Deadline) -> float:
        """Take one call from ``user_id``'s bucket; returns how long the caller must wait
        before sending (0 for at once). Raises ``RateLimited`` without taking anything when
        the wait does not fit the deadline."""
        now = self._clock()
        self._expire(now)
        bucket = self._buckets.pop(user_id, None)
        if bucket is None:
            bucket = _Bucket(tokens=self._burst, updated=now)
        else:
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
        self._buckets[user_id] = bucket  # most recently used last
        while len(self._buckets) > self._max_users:
            self._buckets.popitem(last=False)
        wait = 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self._rate
        if wait > 0 and not deadline.fits(wait):
            raise RateLimited(
                "Too many Spotify calls for this user right now; try again shortly.",
                retry_after=wait,
                details={"limit": "user"},
            )
        bucket.tokens -= 1  # a reservation: later callers queue behind this one
        return wait

    def refund(self, user_id: str) -> None:
        """Give back a reserved call that was never sent."""
        bucket = self._buckets.get(user_id)
        if bucket is not None:
            bucket.tokens = min(self._burst, bucket.tokens + 1)

    def _expire(self, now: float) -> None:
        while self._buckets:
            user_id, bucket = next(iter(self._buckets.items()))
            if now - bucket.updated < self._ttl:
                break
            del self._buckets[user_id]


class Budget:
    """Deadlines, the app-wide cooldowns (Web API and Accounts) and per-user budgets."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        default_deadline: float = DEFAULT_DEADLINE,
        short_deadline: float = SHORT_DEADLINE,
        users: UserBudgets | None = None,
        cooldown_margin: float = 1.0,
    ) -> None:
        self.clock = clock
        self.default_deadline = default_deadline
        self.short_deadline = short_deadline
        self.api_cooldown = Cooldown("api", clock=clock, margin=cooldown_margin)
        self.accounts_cooldown = Cooldown("accounts", clock=clock, margin=cooldown_margin)
        self.users = users if users is not None else UserBudgets(clock=clock)
        self.on_wait: Callable[[float], None] | None = None
        """Told the seconds of every wait for a cooldown or a user's budget (metrics)."""

    def deadline(self, mode: BudgetMode | None = None) -> Deadline:
        """A new deadline for one call (``mode`` defaults to the task's :func:`budget_mode`)."""
        mode = mode or current_mode()
        seconds = self.short_deadline if mode == "short" else self.default_deadline
        return Deadline.after(seconds, self.clock)

    async def admit(
        self, user_id: str, deadline: Deadline, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        """Wait until a Web API call for ``user_id`` may be sent, or raise ``RateLimited``
        at once when that wait cannot fit ``deadline``. Never sleeps past the deadline."""
        self._check_cooldown(self.api_cooldown, deadline)
        wait = self.users.reserve(user_id, deadline)
        try:
            while True:
                wait = max(wait, self.api_cooldown.remaining())
                if wait <= 0:
                    return
                if not deadline.fits(wait):
                    if self.api_cooldown.remaining() < wait:
                        raise RateLimited(
                            "Too many Spotify calls for this user right now; try again shortly.",
                            retry_after=wait,
                            details={"limit": "user"},
                        )
                    raise self._rate_limited(self.api_cooldown, wait)
                if self.on_wait is not None:
                    self.on_wait(wait)
                await sleep(wait)
                # Another call may have hit a 429 meanwhile and pushed the cooldown out.
                wait = self.api_cooldown.remaining()
                self._check_cooldown(self.api_cooldown, deadline)
        except BaseException:
            self.users.refund(user_id)
            raise

    async def admit_accounts(self, deadline: Deadline, *, sleep: Sleep = asyncio.sleep) -> None:
        """The same wait for a call to the Accounts service (no per-user part)."""
        while (wait := self.accounts_cooldown.remaining()) > 0:
            if not deadline.fits(wait):
                raise self._rate_limited(self.accounts_cooldown, wait)
            if self.on_wait is not None:
                self.on_wait(wait)
            await sleep(wait)

    def snapshot(self) -> dict[str, object]:
        """Cooldown state for status pages."""
        return {
            "api": self.api_cooldown.snapshot(),
            "accounts": self.accounts_cooldown.snapshot(),
            "tracked_users": len(self.users),
        }

    def _check_cooldown(self, cooldown: Cooldown, deadline: Deadline) -> None:
        remaining = cooldown.remaining()
        if remaining > 0 and not deadline.fits(remaining):
            raise self._rate_limited(cooldown, remaining)

    @staticmethod
    def _rate_limited(cooldown: Cooldown, wait: float) -> RateLimited:
        return RateLimited(
            retry_after=max(wait, cooldown.remaining()),
            details={"limit": "app", "upstream": cooldown.name},
        )
