"""``skill jobs refresh``: renew every Spotify token expiring soon (a cron entry point)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from skill.config import Settings
from skill.jobs.refresh import DEFAULT_CONCURRENCY, RefreshReport, refresh_expiring

DEFAULT_HORIZON = 900


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="job", metavar="JOB", required=True)
    refresh = sub.add_parser("refresh", help="refresh access tokens expiring within a horizon")
    refresh.add_argument(
        "--horizon", type=float, default=DEFAULT_HORIZON,
        help=f"seconds ahead to look (default {DEFAULT_HORIZON})",
    )
    refresh.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY,
        help=f"refreshes at once (default {DEFAULT_CONCURRENCY})",
    )


def _when(ts: float | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def print_report(report: RefreshReport) -> None:
    for o in report.outcomes:
        extra = f" ({o.error})" if o.error else ""
        print(f"{o.user_id}: {o.action}{extra}, token valid until {_when(o.expires_at)}, "
              f"consent ends {_when(o.consent_expires_at)}")
    print(report.summary())


async def run_refresh(
    settings: Settings,
    *,
    horizon: float,
    concurrency: int,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> RefreshReport:
    """One run against the configured Spotify (``transport`` and ``clock`` for tests)."""
    from skill.web.services import open_services

    async with open_services(settings, transport=transport, clock=clock) as services:
        return await refresh_expiring(
            services.tokens, services.store, horizon=horizon, concurrency=concurrency,
            clock=services.clock,
        )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.spotify_client_id is None:
        print(
            "skill: without SPOTIFY_CLIENT_ID the Spotify sandbox lives inside `skill serve`, "
            "which refreshes its tokens itself; this job would talk to no Spotify at all"
        )
        return 2
    if args.concurrency < 1:
        print("skill: --concurrency must be at least 1")
        return 2
    logging.basicConfig(level=settings.log_level)
    report = asyncio.run(
        run_refresh(settings, horizon=args.horizon, concurrency=args.concurrency)
    )
    print_report(report)
    failed = report.counts()
    return 1 if failed["failed"] else 0
