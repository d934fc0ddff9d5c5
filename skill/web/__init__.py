"""The HTTP service: ``create_app(settings)`` and its routes."""

from __future__ import annotations

from skill.web.app import create_app

__all__ = ["create_app"]
