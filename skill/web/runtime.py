"""The parts of the service built on top of :class:`~skill.web.services.Services`.

``open_runtime`` (called from the app's lifespan, after ``open_services``) builds the
orchestrator over the Spotify client, the HTTP idempotency table, the live-state hub, the
WebSocket tickets and the Rasa action executor, and wires the metrics into the shared HTTP
client. :func:`run_command` is the one place a command enters the orchestrator from the web
(REST, text, Rasa): it counts the command by action and outcome and writes the audit line.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from skill.music.orchestrator import MusicOrchestrator
from skill.music.outcome import Command, Outcome
from skill.music.store import MusicStore
from skill.rasa.senders import SenderMap
from skill.web import audit as audit_module
from skill.web.audit import acting_user, audit
from skill.web.idempotency import IdempotencyStore
from skill.web.live import LiveHub, LivePolicy
from skill.web.metrics import Metrics
from skill.web.routes_music import state_body
from skill.web.services import Services
from skill.web.ws import Tickets

_parser_lock = threading.Lock()
_parser: Any = None


def shared_parser() -> Any:
    """One parser per process (it is pure and thread-safe; building it costs ~1 s)."""
    global _parser
    with _parser_lock:
        if _parser is None:
            from skill.nlu import Parser

            _parser = Parser.default()
        return _parser


@dataclass
class Runtime:
    services: Services
    orchestrator: MusicOrchestrator
    music_store: MusicStore
    idempotency: IdempotencyStore
    metrics: Metrics
    live: LiveHub
    tickets: Tickets
    rasa: Any
    """The :class:`skill.rasa.server.RasaServer` (an ``ActionExecutor`` and its actions)."""
    senders: SenderMap


def runtime_of(conn: HTTPConnection) -> Runtime:
    runtime: Runtime = conn.app.state.runtime
    return runtime


async def run_command(runtime: Runtime, command: Command, *, entrance: str,
                      text: bool = False) -> Outcome:
    """Hand ``command`` to the orchestrator (parsing ``command.text`` first when ``text``)."""
    started = time.perf_counter()
    acting_user.set(command.user_id)
    orchestrator = runtime.orchestrator
    if text:
        assert command.text is not None
        outcome = await orchestrator.handle_text(
            command.user_id,
            command.text,
            device=command.device,
            source=command.source,
            idempotency_key=command.idempotency_key,
            budget=command.budget,
        )
    else:
        outcome = await orchestrator.handle(command)
    code = "ok" if outcome.ok else (outcome.error.code if outcome.error else "not_understood")
    if outcome.clarification is not None:
        code = "clarification"
    action = outcome.action or (outcome.intent.name if outcome.intent else None) or "none"
    runtime.metrics.command(action, code, entrance)
    audit(command.user_id, action, code, started, entrance=entrance,
          replayed=bool(outcome.details.get("replayed")))
    return outcome


@asynccontextmanager
async def open_runtime(
    services: Services,
    metrics: Metrics,
    *,
    live_policy: LivePolicy | None = None,
    rasa_actions: Sequence[Any] = (),
    rasa_packages: Sequence[str] = (),
    warm_parser: bool = True,
) -> AsyncIterator[Runtime]:
    from skill.rasa.server import RasaServer

    settings = services.settings
    metrics.watch(services)
    metrics.instrument(services.http, api_base=services.api_base,
                       accounts_base=services.accounts_base)
    audit_module.instrument(services.http, api_base=services.api_base,
                            accounts_base=services.accounts_base)
    parser = await asyncio.to_thread(shared_parser)
    if warm_parser:  # the first command costs what later ones do
        await asyncio.to_thread(parser.prime)
    music_store = MusicStore(settings.db_path, clock=services.clock)
    idempotency = IdempotencyStore(settings.db_path, clock=services.clock)
    orchestrator = MusicOrchestrator.for_spotify(services.client, music_store, parser=parser)

    async def fetch(user_id: str) -> dict[str, Any]:
        acting_user.set(user_id)
        return state_body(await services.client.get_playback_state(user_id))

    live = LiveHub(
        fetch,
        events=orchestrator.events,
        policy=live_policy or LivePolicy(active=settings.live_poll_seconds,
                                         idle=settings.live_idle_seconds),
        on_push=lambda cause: metrics.ws_pushes.labels(cause).inc(),
        on_poll=metrics.live_polls.inc,
    )
    runtime = Runtime(
        services=services,
        orchestrator=orchestrator,
        music_store=music_store,
        idempotency=idempotency,
        metrics=metrics,
        live=live,
        tickets=Tickets(),
        rasa=None,
        senders=SenderMap(settings.db_path, clock=services.clock),
    )
    runtime.rasa = RasaServer(runtime, extra_actions=rasa_actions, packages=rasa_packages)
    try:
        yield runtime
    finally:
        await live.close()
        runtime.senders.close()
        idempotency.close()
        music_store.close()
