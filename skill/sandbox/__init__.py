"""The sandbox: a faithful local simulator of Spotify's Accounts service and Web API.

A Starlette app of its own (:func:`create_sandbox_app`), runnable alone (``skill sandbox``)
or mounted in-process under a prefix (the service mounts it at ``/sandbox``).
"""

from __future__ import annotations

from skill.sandbox.app import create_sandbox_app
from skill.sandbox.config import SandboxConfig
from skill.sandbox.state import Sandbox

__all__ = ["Sandbox", "SandboxConfig", "create_sandbox_app"]
