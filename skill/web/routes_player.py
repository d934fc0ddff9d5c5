"""``/v1/music/*`` player routes: every command goes through the orchestrator.

Each POST turns its validated body into a :class:`~skill.music.outcome.Command` (an intent
with slots, plus ``uri``/``device`` when the caller gave them) and answers with the outcome
body (DESIGN.md "The outcome of a command") and the status of its error code — exactly what
``POST /v1/skill/command`` answers for the same request in words. The ``Idempotency-Key``
travels in the command: the orchestrator stores the outcome and replays it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.errors import InvalidRequest
from skill.music.outcome import Command, Outcome
from skill.nlu.models import Intent
from skill.storage.base import ServiceUser
from skill.web import schemas
from skill.web.audit import audit
from skill.web.auth import require_user
from skill.web.idempotency import REPLAYED_HEADER
from skill.web.inputs import idempotency_key, post_json
from skill.web.routes_music import jsonable
from skill.web.runtime import run_command, runtime_of, shared_parser


def outcome_response(outcome: Outcome) -> Response:
    """The outcome body, with the status of its error code (200 for success and questions)."""
    body = outcome.to_dict()
    details = {k: v for k, v in outcome.details.items() if k != "replayed"}
    body["details"] = jsonable(details)
    headers = {"Cache-Control": "no-store"}
    if outcome.details.get("replayed"):
        headers[REPLAYED_HEADER] = "true"
    if outcome.error is not None and outcome.error.retry_after is not None:
        headers["Retry-After"] = str(max(1, int(outcome.error.retry_after + 0.999)))
    return JSONResponse(body, status_code=outcome.status, headers=headers)


Build = Callable[[dict[str, Any]], tuple[Intent, dict[str, Any]]]
"""Body -> (intent, extra Command fields such as ``uri``)."""


def _slots(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: body[n] for n in names if body.get(n) is not None}


def _play(body: dict[str, Any]) -> tuple[Intent, dict[str, Any]]:
    if "uri" in body:
        return Intent("music.play", {}), {"uri": body["uri"]}
    if "query" in body:
        return Intent("music.play", _slots(body, "query", "kind")), {}
    utterance = str(body["utterance"]).strip()
    parser = shared_parser()
    intent = parser.parse(utterance)
    if intent.name != "music.play":
        intent = parser.parse("play " + utterance)
    if intent.name != "music.play":
        raise InvalidRequest("That does not say what to play.", status=422,
                             details={"field": "utterance"})
    return intent, {}


def _queue(body: dict[str, Any]) -> tuple[Intent, dict[str, Any]]:
    if "uri" in body:
        return Intent("music.queue", {}), {"uri": body["uri"]}
    return Intent("music.queue", _slots(body, "query", "kind")), {}


def _fixed(name: str, *slot_names: str) -> Build:
    def build(body: dict[str, Any]) -> tuple[Intent, dict[str, Any]]:
        return Intent(name, _slots(body, *slot_names)), {}

    return build


def _command_route(action: str, schema: schemas.Body, build: Build) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        async def act(user: ServiceUser, body: dict[str, Any]) -> Response:
            intent, extra = build(body)
            command = Command(
                user_id=user.user_id,
                intent=intent,
                device=body.get("device"),
                idempotency_key=idempotency_key(request),
                budget="normal",
                **extra,
            )
            outcome = await run_command(runtime_of(request), command, entrance="rest")
            return outcome_response(outcome)

        return await post_json(request, schema, act, dedupe=False)

    endpoint.__name__ = f"music_{action}"
    return endpoint


async def music_devices(request: Request) -> Response:
    user = await require_user(request)
    command = Command(user_id=user.user_id, intent=Intent("music.devices", {}), budget="normal")
    return outcome_response(await run_command(runtime_of(request), command, entrance="rest"))


async def music_queue_get(request: Request) -> Response:
    user = await require_user(request)
    runtime = runtime_of(request)
    started = time.perf_counter()
    try:
        queue = await runtime.services.client.get_queue(user.user_id)
    except Exception as exc:
        audit(user.user_id, "get_queue", getattr(exc, "code", "internal"), started)
        raise
    audit(user.user_id, "get_queue", "ok", started)
    return JSONResponse(
        {"currently_playing": jsonable(queue.currently_playing),
         "queue": [jsonable(item) for item in queue.queue]},
        headers={"Cache-Control": "no-store"},
    )


COMMANDS: dict[str, tuple[schemas.Body, Build]] = {
    "play": (schemas.PLAY, _play),
    "pause": (schemas.DEVICE_ONLY, _fixed("music.pause", "device")),
    "resume": (schemas.DEVICE_ONLY, _fixed("music.resume", "device")),
    "next": (schemas.DEVICE_ONLY, _fixed("music.next")),
    "previous": (schemas.DEVICE_ONLY, _fixed("music.previous")),
    "volume": (schemas.VOLUME, _fixed("music.volume", "level", "delta", "mute", "device")),
    "seek": (schemas.SEEK, _fixed("music.seek", "position_ms", "delta_ms")),
    "shuffle": (schemas.SHUFFLE, _fixed("music.shuffle", "state")),
    "repeat": (schemas.REPEAT, _fixed("music.repeat", "state")),
    "transfer": (schemas.TRANSFER, _fixed("music.transfer")),
    "queue": (schemas.QUEUE, _queue),
}

routes = [
    *(
        Route(f"/v1/music/{action}", _command_route(action, schema, build), methods=["POST"])
        for action, (schema, build) in COMMANDS.items()
    ),
    Route("/v1/music/queue", music_queue_get, methods=["GET"]),
    Route("/v1/music/devices", music_devices, methods=["GET"]),
]
