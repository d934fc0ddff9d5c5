"""Options of one sandbox instance (the flags of ``skill sandbox``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ApiMode = Literal["development", "extended"]
SuccessMode = Literal["204", "200-text"]


@dataclass(frozen=True)
class SandboxConfig:
    """How the simulated Spotify behaves.

    Defaults model a development-mode app in 2026 (BEHAVIOR.md): search limit 10,
    no popularity fields, the 2026 401 message, 204 for player commands.
    """

    catalog: Path | None = None
    """CSV(.gz) with the shared catalog's columns; None = the shipped subset."""
    world: Path | None = None
    """JSON or YAML world file; None = the shipped default world (``data/world.yaml``)."""
    token_ttl: int = 3600
    """Access-token lifetime in seconds."""
    code_ttl: int = 600
    """Authorization-code lifetime in seconds."""
    refresh_token_lifetime: int = 183 * 24 * 3600
    """Refresh tokens die this long after the user's consent (six months)."""
    rate_limit: int = 1000
    """Requests per rolling 30 s window per client id; 0 turns the limiter off."""
    rate_window: float = 30.0
    api_mode: ApiMode = "development"
    legacy_401_messages: bool = False
    """True: 'The access token expired' / 'Invalid access token'; False: the 2026 message."""
    success_mode: SuccessMode = "204"
    """How player commands answer on success: 204, or 200 with a short opaque text body."""
    specific_already_reasons: bool = False
    """True: ALREADY_PLAYING/ALREADY_PAUSED; False: UNKNOWN 'Restriction violated' (observed)."""
    transfer_delay_ms: int = 300
    """A transfer takes effect this long after it is accepted (BEHAVIOR.md §4.1)."""

    @property
    def max_search_limit(self) -> int:
        return 10 if self.api_mode == "development" else 50

    @property
    def dev_mode(self) -> bool:
        return self.api_mode == "development"
