"""When a failed Web API call may be sent again, and how long to wait first.

A repeat must never do the thing twice. So the decision combines what the call is
(:class:`Safety`) with what the failure proves (:class:`Outcome`):

* ``READ`` and ``IDEMPOTENT`` calls (play with explicit items, volume, seek, shuffle,
  repeat, transfer, pause, replacing a playlist's items …) may be repeated after any
  transient failure: 5xx, timeouts, dropped connections.
* ``UNSAFE`` calls (next, previous, add to queue, creating a playlist or adding items) are
  repeated only when the failure proves Spotify did not act: a 429 or 503 answer, or a
  connection that was never established. Never after a timeout or a dropped connection
  on a request that was sent: Spotify may have skipped the track already.

Delays are capped exponential backoff with jitter (nominal 1, 2, 4, 8, 16 … 60 s), and the
caller never waits past the call's deadline (the client checks with ``Deadline.fits``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from skill.spotify.budget import BACKOFF_CAP, backoff_delay


class Safety(StrEnum):
    """What repeating a call could do."""

    READ = "read"
    """Changes nothing."""
    IDEMPOTENT = "idempotent"
    """Sets a state; doing it twice leaves the same state."""
    UNSAFE = "unsafe"
    """Doing it twice does it twice (skip, enqueue, create)."""


class Outcome(StrEnum):
    """What a failed attempt proves about Spotify having acted."""

    NOT_SENT = "not_sent"
    """The request never left (connection refused, connect timeout, no pooled connection)."""
    NOT_ACTED = "not_acted"
    """Spotify answered that it did not process it (429, 503, 401)."""
    MAYBE_ACTED = "maybe_acted"
    """It was sent and may have been processed (timeout, dropped connection, 500/502/504)."""


#: Statuses that prove the request was not processed.
NOT_ACTED_STATUSES = frozenset({401, 429, 503})
#: Statuses worth retrying at all (transient).
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def outcome_of_status(status: int) -> Outcome:
    return Outcome.NOT_ACTED if status in NOT_ACTED_STATUSES else Outcome.MAYBE_ACTED


def outcome_of_exception(exc: BaseException) -> Outcome:
    """Whether a transport failure happened before the request was sent."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.NOT_SENT
    return Outcome.MAYBE_ACTED


def may_repeat(safety: Safety, outcome: Outcome) -> bool:
    """Whether a call of this kind may be sent again after this failure."""
    if safety is not Safety.UNSAFE:
        return True
    return outcome is not Outcome.MAYBE_ACTED


@dataclass
class RetryPolicy:
    """How many attempts, and the jittered backoff between them."""

    max_attempts: int = 6
    """The first attempt plus up to five repeats (1, 2, 4, 8, 16 s)."""
    base: float = 1.0
    cap: float = BACKOFF_CAP
    jitter: float = 0.5
    """Each delay is drawn from ``[nominal * (1 - jitter), nominal]``."""
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def nominal(self, retry: int) -> float:
        """The un-jittered delay before the ``retry``-th repeat (0-based)."""
        return backoff_delay(retry, base=self.base, cap=self.cap)

    def delay(self, retry: int) -> float:
        """The jittered delay before the ``retry``-th repeat (0-based)."""
        nominal = self.nominal(retry)
        return nominal * (1 - self.jitter * self.rng.random())

    def should_retry(self, *, attempt: int, safety: Safety, outcome: Outcome) -> bool:
        """``attempt`` is the 1-based number of the attempt that just failed."""
        return attempt < self.max_attempts and may_repeat(safety, outcome)
