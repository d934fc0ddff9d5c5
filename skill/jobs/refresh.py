"""The token refresh job: renew every access token that expires within a horizon.

Runs as ``skill jobs refresh`` (a cron entry point) or periodically inside ``skill serve``.
Each user goes through the token manager, so the single-flight rule holds: a user being
refreshed by a request is not refreshed twice. At most ``concurrency`` refreshes run at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from skill.spotify.tokens import RefreshOutcome, TokenManager
from skill.storage.base import TokenStore

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8


@dataclass
class RefreshReport:
    outcomes: list[RefreshOutcome] = field(default_factory=list)
    max_in_flight: int = 0
    elapsed: float = 0.0

    def counts(self) -> Counter[str]:
        return Counter(o.action for o in self.outcomes)

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[a]} {a}" for a in
                 ("refreshed", "fresh", "failed", "relink_required", "not_linked") if counts[a]]
        return (
            f"{len(self.outcomes)} expiring link(s): {', '.join(parts) or 'nothing to do'} "
            f"in {self.elapsed:.2f}s (at most {self.max_in_flight} at once)"
        )


async def refresh_expiring(
    tokens: TokenManager,
    store: TokenStore,
    *,
    horizon: float,
    concurrency: int = DEFAULT_CONCURRENCY,
    clock: Callable[[], float] = time.time,
) -> RefreshReport:
    """Refresh every linked token expiring within ``horizon`` seconds."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    started = time.perf_counter()
    users = await store.expiring_links(clock() + horizon)
    report = RefreshReport()
    gate = asyncio.Semaphore(concurrency)
    in_flight = 0

    async def one(user_id: str) -> RefreshOutcome:
        nonlocal in_flight
        async with gate:
            in_flight += 1
            report.max_in_flight = max(report.max_in_flight, in_flight)
            try:
                return await tokens.refresh_if_expiring(user_id, horizon)
            finally:
                in_flight -= 1

    report.outcomes = list(await asyncio.gather(*(one(u) for u in users)))
    report.elapsed = time.perf_counter() - started
    for outcome in report.outcomes:
        if outcome.action in ("failed", "relink_required"):
            log.warning("refresh job: user %s %s (%s)", outcome.user_id, outcome.action,
                        outcome.error)
    log.info("refresh job: %s", report.summary())
    return report


class PeriodicRefresh:
    """Runs :func:`refresh_expiring` every ``interval`` seconds inside the service (and
    ``purge``, which drops expired OAuth states)."""

    def __init__(
        self,
        tokens: TokenManager,
        store: TokenStore,
        *,
        interval: float,
        horizon: float,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], float] = time.time,
        purge: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self._tokens = tokens
        self._store = store
        self._interval = interval
        self._horizon = horizon
        self._concurrency = concurrency
        self._clock = clock
        self._purge = purge
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def start(self) -> None:
        if self._task is None and self._interval > 0:
            self._task = asyncio.create_task(self._loop(), name="skill-refresh-job")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def run_once(self) -> RefreshReport:
        report = await refresh_expiring(
            self._tokens, self._store, horizon=self._horizon,
            concurrency=self._concurrency, clock=self._clock,
        )
        self.runs += 1
        return report

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.run_once()
                if self._purge is not None:
                    await self._purge()
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must survive one bad run (a locked DB, a bug)
                log.exception("refresh job run failed")
