"""Rasa action-server support: our music actions as ``rasa_sdk.Action`` subclasses over the
orchestrator (:mod:`skill.rasa.actions`), run by rasa-sdk's ``ActionExecutor`` behind the
service's own Starlette webhook (:mod:`skill.rasa.server`, :mod:`skill.web.routes_rasa`)."""

from __future__ import annotations

from skill.rasa.context import RasaCall, current_call

__all__ = ["RasaCall", "current_call"]
