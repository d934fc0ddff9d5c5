"""The sandbox's clock: wall time plus an offset that the control plane can move forward."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SandboxClock:
    """Seconds since the epoch, as the sandbox sees them.

    ``POST /control/clock {"advance_ms": n}`` calls :meth:`advance`, which moves token
    expiry, code expiry, playback progress and rate-limit windows at once, so tests need
    not sleep. The base time source is injectable for unit tests.
    """

    def __init__(self, base: Callable[[], float] = time.time) -> None:
        self._base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._base() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset
