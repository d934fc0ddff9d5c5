"""The music skill engine: spoken or typed music commands into Spotify actions."""

from __future__ import annotations

from skill.config import Settings
from skill.errors import SkillError

__all__ = ["Settings", "SkillError", "__version__"]

__version__ = "0.1.0"
