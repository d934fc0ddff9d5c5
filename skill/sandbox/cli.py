"""``skill sandbox``: run the Spotify simulator on its own."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from skill.config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--catalog", type=Path, help="tracks CSV(.gz); default: shipped subset")
    parser.add_argument("--world", type=Path, help="world JSON/YAML; default: data/world.yaml")
    parser.add_argument("--token-ttl", type=int, default=3600, help="access-token lifetime (s)")
    parser.add_argument(
        "--rate-limit", type=int, default=1000,
        help="requests per rolling 30 s window per client id (0: off)",
    )
    parser.add_argument(
        "--api-mode", choices=["development", "extended"], default="development",
        help="development-mode limits (default) or the extended-quota shapes",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from skill.sandbox import SandboxConfig, create_sandbox_app
    from skill.sandbox.state import Sandbox

    config = SandboxConfig(
        catalog=args.catalog or settings.sandbox_catalog,
        world=args.world or settings.sandbox_world,
        token_ttl=args.token_ttl,
        rate_limit=args.rate_limit,
        api_mode=args.api_mode,
    )
    from skill.sandbox.search import SearchIndex

    started = time.perf_counter()
    sandbox = Sandbox(config)
    SearchIndex.for_catalog(sandbox.catalog)  # build the search index now, not on first search
    print(
        f"sandbox: {len(sandbox.catalog.tracks)} tracks, {len(sandbox.world.users)} users, "
        f"ready in {time.perf_counter() - started:.1f}s on http://{args.host}:{args.port}",
        flush=True,
    )
    uvicorn.run(create_sandbox_app(sandbox=sandbox), host=args.host, port=args.port,
                log_level=settings.log_level.lower())
    return 0
