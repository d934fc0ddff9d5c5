"""``skill serve``: run the HTTP service under uvicorn."""

from __future__ import annotations

import argparse
import logging

from skill.config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to bind (default: SKILL_HOST)")
    parser.add_argument("--port", type=int, help="port to bind (default: SKILL_PORT)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from skill.web import create_app
    from skill.web.redact import install_redaction

    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_redaction()
    # skill.spotify.client writes the one line per upstream call (with retries and
    # Retry-After); httpx's own INFO line would repeat it, so it speaks at WARNING.
    if settings.log_level == "INFO":
        logging.getLogger("httpx").setLevel(logging.WARNING)
    mode = "sandbox at /sandbox" if settings.spotify_client_id is None else "Spotify"
    print(f"skill: serving on http://{host}:{port} ({mode}); database {settings.db_path}",
          flush=True)
    # The service writes its own access log (skill.web.access) with secrets redacted.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level=settings.log_level.lower(),
        log_config=None,
    )
    return 0
