"""The action server's logic, transport-free: one ``ActionExecutor`` and the answers of
``rasa_sdk.endpoint`` (its Sanic app) for every case, so our Starlette route answers Rasa
exactly as rasa-sdk's own server would:

* body not JSON → 400 ``{"description": "Bad Request", "status": 400, "message": …}``
  (Sanic's own answer); JSON ``null``/empty → 400 ``{"error": "Invalid body request"}``;
* no ``next_action`` → 200 ``null``;
* unknown action → 404, rejection → 400, no domain (``domain_digest`` unknown) → 449, each
  ``{"error", "action_name"}``;
* anything else raised → 500 ``{"error": str(exc), "request_body": …}``;
* success → 200 ``{"events": […], "responses": […]}``.

Actions are registered explicitly: ours (:data:`skill.rasa.actions.ACTIONS`), then the
developer's ``extra_actions`` (``Action`` subclasses or instances), then ``packages`` (module
names, scanned by rasa-sdk's ``register_package``, as ``rasa run actions`` would).
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Sequence
from typing import Any

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from skill.rasa import context
from skill.rasa.actions import ACTIONS

log = logging.getLogger("skill.rasa")

BAD_JSON = {"description": "Bad Request", "status": 400,
            "message": "Failed when parsing body as json"}


def build_executor(extra_actions: Sequence[Any] = (), packages: Sequence[str] = ()) -> Any:
    executor = ActionExecutor()
    for action in ACTIONS:
        executor.register_action(action)
    for extra in extra_actions:
        executor.register_action(extra)
    for package in packages:
        executor.register_package(package)
    return executor


def decode_call(raw: bytes, encoding: str | None) -> tuple[int, Any] | Any:
    """The decoded action call, or ``(status, body)`` of the refusal."""
    if encoding == "deflate":
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            return 400, BAD_JSON
    if not raw.strip():
        return 400, {"error": "Invalid body request"}
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return 400, BAD_JSON


class RasaServer:
    def __init__(self, runtime: Any, *, extra_actions: Sequence[Any] = (),
                 packages: Sequence[str] = ()) -> None:
        self.runtime = runtime
        self.executor = build_executor(extra_actions, packages)

    def action_names(self) -> list[dict[str, str]]:
        return [item.model_dump() for item in self.executor.list_actions()]

    async def run(self, user_id: str, action_call: Any) -> tuple[int, Any]:
        """Run one action call for ``user_id``: ``(status, JSON body)`` as rasa-sdk answers."""
        if action_call is None:
            return 400, {"error": "Invalid body request"}
        token = context.enter(context.RasaCall(user_id=user_id, runtime=self.runtime))
        try:
            result = await self.executor.run(action_call)
        except ActionExecutionRejection as exc:
            return 400, {"error": exc.message, "action_name": exc.action_name}
        except ActionNotFoundException as exc:
            log.warning("rasa: %s", exc)
            return 404, {"error": exc.message, "action_name": exc.action_name}
        except ActionMissingDomainException as exc:
            return 449, {"error": exc.message, "action_name": exc.action_name}
        except Exception as exc:
            log.exception("rasa: the action call failed")
            return 500, {"error": str(exc), "request_body": action_call}
        finally:
            context.leave(token)
        return 200, (result.model_dump() if result else None)
