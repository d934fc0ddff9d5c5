"""Circuit breakers, one per upstream (Spotify Accounts and the Web API).

A breaker opens after ``threshold`` consecutive failures and then refuses calls for
``cooldown`` seconds without reaching the upstream. After the cooldown it is half-open:
exactly one probe call passes, every other call fails fast until the probe reports. A success
closes it; a failure opens it again for a full cooldown.

Only failures that say the upstream is unwell count: 5xx answers, timeouts and connection
errors. A 4xx answer (including 429, which the budget handles) proves the upstream is up and
answering, so callers report it with :meth:`Breaker.record_success`. A call that ends with
neither (cancelled, deadline passed before it was sent) calls :meth:`Breaker.release` so a
half-open probe slot is not held forever.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from skill.errors import UpstreamUnavailable

log = logging.getLogger(__name__)

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class Breaker:
    """A consecutive-failure circuit breaker with one half-open probe."""

    def __init__(
        self,
        name: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        threshold: int = 3,
        cooldown: float = 60.0,
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        if cooldown <= 0:
            raise ValueError("cooldown must be positive")
        self.name = name
        self._clock = clock
        self._threshold = threshold
        self._cooldown = cooldown
        self._failures = 0
        self._open_until: float | None = None
        self._probe_started: float | None = None

    @property
    def state(self) -> str:
        """``"closed"``, ``"open"`` or ``"half_open"``."""
        if self._open_until is None:
            return CLOSED
        if self._clock() < self._open_until:
            return OPEN
        return HALF_OPEN

    def retry_after(self) -> float:
        """Seconds until the breaker lets a probe through (0 when it would now)."""
        if self._open_until is None:
            return 0.0
        remaining = self._open_until - self._clock()
        if remaining > 0:
            return remaining
        if self._probe_in_flight():
            # The probe holds the slot; others may try again once it has had its chance.
            assert self._probe_started is not None
            return max(0.0, self._probe_started + self._cooldown - self._clock())
        return 0.0

    def before_call(self) -> None:
        """Let the call through or raise ``UpstreamUnavailable`` at once."""
        state = self.state
        if state == CLOSED:
            return
        if state == HALF_OPEN and not self._probe_in_flight():
            self._probe_started = self._clock()
            log.info("breaker %s half-open: letting one probe through", self.name)
            return
        raise UpstreamUnavailable(
            f"Spotify ({self.name}) is failing; not calling it for a while.",
            retry_after=self.retry_after(),
            details={"upstream": self.name, "breaker": state},
        )

    def record_success(self) -> None:
        """The upstream answered (2xx–4xx): close and forget past failures."""
        if self._open_until is not None:
            log.info("breaker %s closed after a successful call", self.name)
        self._failures = 0
        self._open_until = None
        self._probe_started = None

    def record_failure(self) -> None:
        """A 5xx, a timeout or a connection error (never a 4xx)."""
        self._failures += 1
        was_probe = self._probe_started is not None
        self._probe_started = None
        if was_probe or self._failures >= self._threshold:
            if self._open_until is None or was_probe or self._clock() >= self._open_until:
                log.warning(
                    "breaker %s open for %.0f s after %d consecutive failures",
                    self.name,
                    self._cooldown,
                    self._failures,
                )
            self._open_until = self._clock() + self._cooldown

    def release(self) -> None:
        """The call ended without an answer either way (cancelled, not sent): free the
        half-open probe slot so another call may probe."""
        self._probe_started = None

    def snapshot(self) -> dict[str, object]:
        """State for status pages and metrics."""
        return {
            "upstream": self.name,
            "state": self.state,
            "consecutive_failures": self._failures,
            "retry_after": round(self.retry_after(), 3),
        }

    def _probe_in_flight(self) -> bool:
        if self._probe_started is None:
            return False
        # A probe that never reported (a lost task) must not wedge the breaker forever.
        return self._clock() < self._probe_started + self._cooldown


class Breakers:
    """The breakers of the two Spotify upstreams."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        threshold: int = 3,
        cooldown: float = 60.0,
    ) -> None:
        self.accounts = Breaker("accounts", clock=clock, threshold=threshold, cooldown=cooldown)
        self.api = Breaker("api", clock=clock, threshold=threshold, cooldown=cooldown)

    def snapshot(self) -> dict[str, dict[str, object]]:
        """``{"accounts": {...}, "api": {...}}``."""
        return {"accounts": self.accounts.snapshot(), "api": self.api.snapshot()}
