"""Who a Rasa action acts for: set by the webhook around one ``ActionExecutor.run``.

The webhook authenticates the ``token`` query parameter (a user's API key) and sets the
call's context; actions — ours and a developer's own — read it with :func:`current_call`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RasaCall:
    user_id: str
    """The service user the actions act as (never a Spotify id)."""
    runtime: Any
    """The web runtime (:class:`skill.web.runtime.Runtime`): orchestrator, client, metrics."""


_CALL: ContextVar[RasaCall | None] = ContextVar("skill_rasa_call", default=None)


def current_call() -> RasaCall:
    """The call being served; a ``RuntimeError`` outside a webhook call."""
    call = _CALL.get()
    if call is None:
        raise RuntimeError("no Rasa call in progress: actions run inside the webhook")
    return call


def enter(call: RasaCall) -> object:
    return _CALL.set(call)


def leave(token: object) -> None:
    _CALL.reset(token)  # type: ignore[arg-type]
