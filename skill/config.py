"""Settings, built once from the environment and passed down.

Nothing else in the package reads ``os.environ``: callers build a :class:`Settings`
with :meth:`Settings.from_env` (tests pass their own mapping) and hand it to the
parts that need it. Every variable is listed in ``SETTINGS_DOC`` and in the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from skill.errors import ConfigError

T = TypeVar("T")

DEFAULT_SCOPES = (
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "user-read-recently-played",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-library-read",
    "user-library-modify",
)

#: name -> (default shown in the docs, one-line description). The README table is
#: generated from this mapping (``skill settings --markdown``) and a test keeps them equal.
SETTINGS_DOC: dict[str, tuple[str, str]] = {
    "SPOTIFY_CLIENT_ID": ("(unset)", "Spotify app client id; unset = sandbox mode"),
    "SPOTIFY_CLIENT_SECRET": ("(unset)", "client secret; optional with PKCE"),
    "SPOTIFY_REDIRECT_URI": (
        "http://127.0.0.1:8000/v1/spotify/auth/callback",
        "OAuth redirect URI registered for the app (loopback IP literal or https)",
    ),
    "SPOTIFY_SCOPES": ("(what enabled features need)", "space-separated scopes to request"),
    "SPOTIFY_REFRESH_AHEAD_SECONDS": ("300", "refresh access tokens this long before expiry"),
    "SPOTIFY_API_BASE": ("https://api.spotify.com/v1", "Web API base, up to and including /v1"),
    "SPOTIFY_ACCOUNTS_BASE": (
        "https://accounts.spotify.com",
        "Accounts base; /authorize and /api/token are appended",
    ),
    "SPOTIFY_TIMEOUT_SECONDS": ("30", "default deadline of one upstream call"),
    "SPOTIFY_SHORT_TIMEOUT_SECONDS": ("10", "deadline when the caller's budget is short (voice)"),
    "SKILL_DB": ("./var/skill.sqlite3", "SQLite file for tokens, OAuth state, users, idempotency"),
    "SKILL_KEY_FILE": ("<SKILL_DB dir>/skill.key", "key file created (0600) when no keys are set"),
    "SKILL_ENCRYPTION_KEYS": ("(key file)", "comma-separated encryption keys, newest first"),
    "SKILL_PUBLIC_URL": ("http://127.0.0.1:8000", "base URL this service is reached at"),
    "SKILL_HOST": ("127.0.0.1", "address `skill serve` binds"),
    "SKILL_PORT": ("8000", "port `skill serve` binds"),
    "SKILL_LOG_LEVEL": ("INFO", "logging level"),
    "SKILL_SANDBOX": ("on when SPOTIFY_CLIENT_ID is unset", "mount the sandbox at /sandbox"),
    "SKILL_SANDBOX_CATALOG": ("data/catalog (shipped subset)", "catalog CSV(.gz) for the sandbox"),
    "SKILL_SANDBOX_WORLD": ("data/world.yaml (shipped)", "world file (clients, users, devices)"),
    "SKILL_REFRESH_INTERVAL_SECONDS": ("60", "in-process refresh job period; 0 turns it off"),
    "SKILL_MAX_BODY_BYTES": ("65536", "largest request body accepted"),
    "SKILL_LIVE_POLL_SECONDS": ("2", "live-state poll period while playing and someone listens"),
    "SKILL_LIVE_IDLE_SECONDS": ("10", "live-state poll period when paused or idle"),
    "REDIS_URL": ("(unset)", "enables shared mode (tokens, locks, cooldowns in Redis)"),
    "HOME_ASSISTANT_URL": ("(unset)", "Home Assistant base URL for the device fallback"),
    "HOME_ASSISTANT_TOKEN": ("(unset)", "Home Assistant long-lived access token"),
}


def _get(env: Mapping[str, str], name: str, cast: Callable[[str], T], default: T) -> T:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw.strip())
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} has an invalid value", details={"setting": name}) from exc


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


def _non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError(raw)
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; frozen, built once."""

    spotify_client_id: str | None = None
    spotify_client_secret: str | None = field(default=None, repr=False)
    spotify_redirect_uri: str = "http://127.0.0.1:8000/v1/spotify/auth/callback"
    spotify_scopes: tuple[str, ...] = DEFAULT_SCOPES
    refresh_ahead_seconds: int = 300
    api_base: str = "https://api.spotify.com/v1"
    accounts_base: str = "https://accounts.spotify.com"
    timeout_seconds: float = 30.0
    short_timeout_seconds: float = 10.0
    db_path: Path = Path("var/skill.sqlite3")
    key_file: Path | None = None
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    sandbox: bool = True
    sandbox_catalog: Path | None = None
    sandbox_world: Path | None = None
    refresh_interval_seconds: int = 60
    max_body_bytes: int = 65536
    live_poll_seconds: float = 2.0
    live_idle_seconds: float = 10.0
    redis_url: str | None = field(default=None, repr=False)
    home_assistant_url: str | None = None
    home_assistant_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: the process environment)."""
        env: Mapping[str, str] = os.environ if environ is None else environ
        client_id = _get(env, "SPOTIFY_CLIENT_ID", str, None)
        scopes_raw = _get(env, "SPOTIFY_SCOPES", str, "")
        keys_raw = _get(env, "SKILL_ENCRYPTION_KEYS", str, "")
        key_file = _get(env, "SKILL_KEY_FILE", str, "")
        catalog = _get(env, "SKILL_SANDBOX_CATALOG", str, "")
        world = _get(env, "SKILL_SANDBOX_WORLD", str, "")
        settings = cls(
            spotify_client_id=client_id,
            spotify_client_secret=_get(env, "SPOTIFY_CLIENT_SECRET", str, None),
            spotify_redirect_uri=_get(
                env, "SPOTIFY_REDIRECT_URI", str, cls.spotify_redirect_uri
            ),
            spotify_scopes=tuple(scopes_raw.split()) if scopes_raw else DEFAULT_SCOPES,
            refresh_ahead_seconds=_get(
                env, "SPOTIFY_REFRESH_AHEAD_SECONDS", _non_negative_int, 300
            ),
            api_base=_get(env, "SPOTIFY_API_BASE", str, cls.api_base).rstrip("/"),
            accounts_base=_get(env, "SPOTIFY_ACCOUNTS_BASE", str, cls.accounts_base).rstrip("/"),
            timeout_seconds=_get(env, "SPOTIFY_TIMEOUT_SECONDS", _positive_float, 30.0),
            short_timeout_seconds=_get(
                env, "SPOTIFY_SHORT_TIMEOUT_SECONDS", _positive_float, 10.0
            ),
            db_path=Path(_get(env, "SKILL_DB", str, str(cls.db_path))),
            key_file=Path(key_file) if key_file else None,
            encryption_keys=tuple(k.strip() for k in keys_raw.split(",") if k.strip()),
            public_url=_get(env, "SKILL_PUBLIC_URL", str, cls.public_url).rstrip("/"),
            host=_get(env, "SKILL_HOST", str, cls.host),
            port=_get(env, "SKILL_PORT", _non_negative_int, cls.port),
            log_level=_get(env, "SKILL_LOG_LEVEL", str, "INFO").upper(),
            sandbox=_get(env, "SKILL_SANDBOX", _bool, client_id is None),
            sandbox_catalog=Path(catalog) if catalog else None,
            sandbox_world=Path(world) if world else None,
            refresh_interval_seconds=_get(
                env, "SKILL_REFRESH_INTERVAL_SECONDS", _non_negative_int, 60
            ),
            max_body_bytes=_get(env, "SKILL_MAX_BODY_BYTES", _non_negative_int, 65536),
            live_poll_seconds=_get(env, "SKILL_LIVE_POLL_SECONDS", _positive_float, 2.0),
            live_idle_seconds=_get(env, "SKILL_LIVE_IDLE_SECONDS", _positive_float, 10.0),
            redis_url=_get(env, "REDIS_URL", str, None),
            home_assistant_url=_get(env, "HOME_ASSISTANT_URL", str, None),
            home_assistant_token=_get(env, "HOME_ASSISTANT_TOKEN", str, None),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse settings that cannot work, with a message that says how to fix them."""
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError("SKILL_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        if not self.sandbox and not self.spotify_client_id:
            raise ConfigError("SKILL_SANDBOX=off needs SPOTIFY_CLIENT_ID")
        check_redirect_uri(self.spotify_redirect_uri)

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.db_path.parent / "skill.key"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields changed (for tests and the CLI's flags)."""
        updated = replace(self, **changes)
        updated.validate()
        return updated


def check_redirect_uri(uri: str) -> None:
    """Spotify's redirect rules: https, or http on a loopback IP literal; never localhost."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} and "." not in parts.scheme:
        raise ConfigError(
            "SPOTIFY_REDIRECT_URI must be an http(s) URL",
            details={"setting": "SPOTIFY_REDIRECT_URI"},
        )
    if host == "localhost" or host.endswith(".localhost"):
        raise ConfigError(
            "Spotify refuses 'localhost' redirect URIs: use http://127.0.0.1:PORT/... instead",
            details={"setting": "SPOTIFY_REDIRECT_URI"},
        )
    if parts.scheme == "http" and host not in {"127.0.0.1", "::1"}:
        raise ConfigError(
            "Spotify accepts plain http only on a loopback IP literal (127.0.0.1 or [::1]); "
            "use https otherwise",
            details={"setting": "SPOTIFY_REDIRECT_URI"},
        )
