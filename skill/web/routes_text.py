"""Text entrances: ``POST /v1/skill/parse`` (the intent) and ``POST /v1/skill/command``
(parse, act, answer with the outcome: 200 when done or when a question is asked, the error
status of the code otherwise, with ``reply`` and ``intent`` beside ``error``)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from skill.music.outcome import Command
from skill.nlu.models import Intent
from skill.storage.base import ServiceUser
from skill.web import schemas
from skill.web.inputs import idempotency_key, post_json
from skill.web.routes_player import outcome_response
from skill.web.runtime import run_command, runtime_of, shared_parser


async def parse(request: Request) -> Response:
    async def act(user: ServiceUser, body: dict[str, Any]) -> Response:
        intent = await asyncio.to_thread(shared_parser().parse, body["text"])
        answer = intent.to_dict()
        answer["text"] = body["text"]
        answer["spans"] = {k: list(v) for k, v in intent.spans.items()}
        return JSONResponse(answer)

    return await post_json(request, schemas.PARSE, act)


async def command(request: Request) -> Response:
    async def act(user: ServiceUser, body: dict[str, Any]) -> Response:
        cmd = Command(
            user_id=user.user_id,
            intent=Intent.none(),
            text=body["text"],
            device=body.get("device"),
            source=body.get("source"),
            idempotency_key=idempotency_key(request),
            budget="short",
        )
        outcome = await run_command(runtime_of(request), cmd, entrance="text", text=True)
        return outcome_response(outcome)

    return await post_json(request, schemas.COMMAND, act, dedupe=False)


routes = [
    Route("/v1/skill/parse", parse, methods=["POST"]),
    Route("/v1/skill/command", command, methods=["POST"]),
]
