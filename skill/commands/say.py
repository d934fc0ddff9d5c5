"""``skill say "TEXT"``: the whole chain in-process — parse, resolve, act, reply.

    skill say "play blinding lights by the weeknd in the kitchen"
    skill say "turn it up" --source kitchen --json
    skill say --file utterances.txt --json        # one JSON outcome per line

Without Spotify credentials (``SPOTIFY_CLIENT_ID`` unset) it runs against an in-process
sandbox (``--catalog``/``--world`` as for ``skill sandbox``) in a throw-away database, with
the sandbox user ``--user`` (default ``demo``) linked through the real PKCE flow. With
credentials it acts for the linked user ``--user`` of ``SKILL_DB`` (the only linked one when
``--user`` is not given). Exit status: 0 when every outcome is ok, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, urlencode, urlsplit

from skill.config import Settings
from skill.errors import InvalidRequest, NotLinked, OAuthInvalidGrant, SkillError
from skill.music.orchestrator import MusicOrchestrator, default_parser
from skill.music.outcome import Outcome
from skill.music.store import MusicStore
from skill.web.services import Services, open_services

SANDBOX_DEFAULT_USER = "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="what the user says")
    parser.add_argument("--file", type=Path, help="one utterance per line ('-' for stdin)")
    parser.add_argument("--user", help="the user to act for (sandbox: the sandbox user)")
    parser.add_argument("--source", help="the room or satellite the request comes from")
    parser.add_argument("--device", help="a device named outside the utterance")
    parser.add_argument("--key", help="idempotency key (single utterance only)")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.add_argument("--catalog", type=Path, help="sandbox catalog CSV(.gz)")
    parser.add_argument("--world", type=Path, help="sandbox world JSON/YAML")


def _utterances(args: argparse.Namespace) -> list[str]:
    if args.file is not None and args.text:
        raise InvalidRequest("Give TEXT or --file, not both.")
    if args.file is None:
        if not args.text:
            raise InvalidRequest("Say something: skill say \"play some jazz\".")
        return [args.text]
    if args.key:
        raise InvalidRequest("--key applies to a single utterance.")
    handle: TextIO = sys.stdin if str(args.file) == "-" else args.file.open(encoding="utf-8")
    try:
        lines = [line.strip() for line in handle]
    finally:
        if handle is not sys.stdin:
            handle.close()
    return [line for line in lines if line and not line.startswith("#")]


async def link_sandbox_user(services: Services, user_id: str, sandbox_user: str) -> None:
    """Link ``user_id`` to the sandbox account ``sandbox_user`` through the real PKCE flow:
    authorize (the sandbox's scripted consent), callback with code and state, code exchange
    with the verifier, profile, sealed token in the store."""
    nonce = secrets.token_urlsafe(16)
    start = await services.flow.start(
        user_id,
        redirect_uri=services.settings.spotify_redirect_uri,
        browser_nonce=nonce,
        authorize_base=services.accounts_base,
    )
    consent = urlencode({"sandbox_user": sandbox_user, "sandbox_consent": "accept"})
    answer = await services.http.get(f"{start.authorize_url}&{consent}")
    location = answer.headers.get("location")
    if answer.status_code != 302 or not location:
        raise OAuthInvalidGrant(
            f"The sandbox did not authorize '{sandbox_user}' (HTTP {answer.status_code}).",
            details={"sandbox_user": sandbox_user},
        )
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    await services.flow.finish(
        state=query.get("state"),
        code=query.get("code"),
        error=query.get("error"),
        browser_nonce=nonce,
    )


async def _linked_user(services: Services) -> str:
    users = await services.store.expiring_links(float("inf"))
    if len(users) == 1:
        return users[0]
    if not users:
        raise NotLinked("No Spotify account is linked in SKILL_DB; link one first.")
    raise InvalidRequest(
        "Several users are linked; choose one with --user.", details={"users": sorted(users)}
    )


@asynccontextmanager
async def session(
    settings: Settings, args: argparse.Namespace
) -> AsyncIterator[tuple[MusicOrchestrator, str]]:
    """The orchestrator and the user to act for, sandboxed or real."""
    # Build the parser (grammars, spaCy gazetteers, catalog names) before the first command's
    # clock runs.
    await asyncio.to_thread(lambda: default_parser().prime())
    if settings.spotify_client_id is not None:
        async with open_services(settings) as services:
            store = MusicStore(settings.db_path)
            try:
                user = args.user or await _linked_user(services)
                yield MusicOrchestrator.for_spotify(services.client, store), user
            finally:
                store.close()
        return
    from skill.sandbox import SandboxConfig, create_sandbox_app

    app = create_sandbox_app(SandboxConfig(
        catalog=args.catalog or settings.sandbox_catalog,
        world=args.world or settings.sandbox_world,
    ))
    with tempfile.TemporaryDirectory(prefix="skill-say-") as tmp:
        local = settings.with_overrides(
            db_path=Path(tmp) / "say.sqlite3", key_file=Path(tmp) / "skill.key",
            encryption_keys=(),
        )
        async with open_services(local, sandbox_app=app) as services:
            user = args.user or SANDBOX_DEFAULT_USER
            await link_sandbox_user(services, user, user)
            store = MusicStore(local.db_path)
            try:
                yield MusicOrchestrator.for_spotify(services.client, store), user
            finally:
                store.close()


def _print(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False), flush=True)
        return
    print(outcome.reply, flush=True)


async def _run(args: argparse.Namespace, settings: Settings, utterances: Iterable[str]) -> int:
    status = 0
    async with session(settings, args) as (orchestrator, user):
        for text in utterances:
            outcome = await orchestrator.handle_text(
                user, text, device=args.device, source=args.source,
                idempotency_key=args.key, budget="short",
            )
            _print(outcome, args.json)
            if not outcome.ok:
                status = 1
    return status


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        utterances = _utterances(args)
    except SkillError as exc:
        print(f"skill say: {exc.message}", file=sys.stderr)
        return 2
    return asyncio.run(_run(args, settings, utterances))
