"""The long-lived parts of the service, built once and closed together.

``open_services`` is shared by the web app's lifespan and the CLI commands (``skill jobs``):
one SQLite store, one ``httpx.AsyncClient`` for every Spotify call, the breakers and budget,
the Accounts client, the token manager, the OAuth flow and the Web API client.

Upstreams: with ``SPOTIFY_CLIENT_ID`` set, ``SPOTIFY_ACCOUNTS_BASE`` and ``SPOTIFY_API_BASE``
(the real Spotify, or a standalone ``skill sandbox`` to rehearse). Without one the service
is *embedded*: the sandbox app runs in this process and the service reaches it through an
in-process transport (the browser reaches it at ``/sandbox``).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from skill.config import Settings
from skill.spotify.accounts import AccountsClient
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget
from skill.spotify.client import SpotifyClient
from skill.spotify.oauth import OAuthFlow, profile_fetcher
from skill.spotify.tokens import TokenManager
from skill.storage import open_store
from skill.storage.base import LockProvider
from skill.storage.locks import FileLocks, LocalLocks, StackedLocks
from skill.storage.sqlite import SQLiteStore

log = logging.getLogger(__name__)

SANDBOX_CLIENT_ID = "skill-sandbox"
#: Host name of the in-process sandbox (never resolved: the transport is in-process).
EMBEDDED_BASE = "http://sandbox.internal"
CALLBACK_PATH = "/v1/spotify/auth/callback"

#: The base URL the current request reached this service at (set by the web app); in
#: embedded mode links are built from it so they work on whatever port the service runs.
request_base: ContextVar[str | None] = ContextVar("skill_request_base", default=None)


def _loopback_http(base: str) -> bool:
    parts = urlsplit(base)
    try:
        return parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False


class InProcessTransport(httpx.AsyncBaseTransport):
    """The embedded sandbox, reached in-process but failing the way a socket does.

    A bug in the app becomes a 500 answer (as uvicorn would send), and an answer that never
    completes (the sandbox's dropped-connection fault) becomes ``RemoteProtocolError``
    instead of an assertion inside httpx's ASGI transport.
    """

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except httpx.HTTPError:
            raise
        except Exception as exc:
            raise httpx.RemoteProtocolError(
                "the in-process sandbox closed the connection without an answer",
                request=request,
            ) from exc


@dataclass
class Services:
    settings: Settings
    store: SQLiteStore
    locks: LockProvider
    """One refresh per user at a time: in this process, and across processes sharing the
    database (the service and a cron refresh job)."""
    http: httpx.AsyncClient
    breakers: Breakers
    budget: Budget
    accounts: AccountsClient
    tokens: TokenManager
    flow: OAuthFlow
    client: SpotifyClient
    clock: Callable[[], float]
    embedded: bool
    """True when the upstream is the in-process sandbox."""
    accounts_base: str
    api_base: str

    def redirect_uri(self) -> str:
        """The redirect URI for a flow started now (in embedded mode: this very server)."""
        base = request_base.get()
        if self.embedded and base and _loopback_http(base):
            return base.rstrip("/") + CALLBACK_PATH
        return self.settings.spotify_redirect_uri

    def authorize_base(self) -> str | None:
        """Where browsers find ``/authorize`` (None: the flow's configured base)."""
        base = request_base.get()
        if self.embedded and base:
            return base.rstrip("/") + "/sandbox"
        return None

    def login_url(self, user_id: str, purpose: str = "relink") -> str:
        """Where a user (re)starts a link: the service's own login route."""
        return f"{self.settings.public_url}/v1/spotify/auth/login?purpose={purpose}&redirect=1"

    def upstream_status(self) -> dict[str, Any]:
        return {
            "breakers": self.breakers.snapshot(),
            "cooldowns": {
                "api": self.budget.api_cooldown.snapshot(),
                "accounts": self.budget.accounts_cooldown.snapshot(),
            },
        }


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.time,
    transport: httpx.AsyncBaseTransport | None = None,
    sandbox_app: Any = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> AsyncIterator[Services]:
    """Build every shared part; ``transport`` replaces the one Spotify calls go through."""
    embedded = settings.spotify_client_id is None
    if embedded:
        if transport is None:
            if sandbox_app is None:
                raise ValueError("embedded mode needs the sandbox app (no SPOTIFY_CLIENT_ID)")
            transport = InProcessTransport(sandbox_app)
        accounts_base, api_base = EMBEDDED_BASE, EMBEDDED_BASE + "/v1"
        client_id, secret = SANDBOX_CLIENT_ID, None
        authorize_base = settings.public_url + "/sandbox"
    else:
        accounts_base, api_base = settings.accounts_base, settings.api_base
        client_id, secret = str(settings.spotify_client_id), settings.spotify_client_secret
        authorize_base = settings.accounts_base

    store = open_store(settings)
    http = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout_seconds),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        follow_redirects=False,
    )
    try:
        locks = StackedLocks(LocalLocks(), FileLocks(settings.db_path.parent / "locks"))
        breakers = Breakers(clock=monotonic)
        budget = Budget(
            clock=monotonic,
            default_deadline=settings.timeout_seconds,
            short_deadline=settings.short_timeout_seconds,
        )
        accounts = AccountsClient(
            http,
            base=accounts_base,
            client_id=client_id,
            client_secret=secret,
            breaker=breakers.accounts,
            cooldown=budget.accounts_cooldown,
            timeout=settings.timeout_seconds,
            short_timeout=settings.short_timeout_seconds,
            monotonic=monotonic,
        )
        relink = f"{settings.public_url}/v1/spotify/auth/login?purpose=relink&redirect=1"
        tokens = TokenManager(
            store,
            accounts,
            locks,
            refresh_ahead=settings.refresh_ahead_seconds,
            relink_url=lambda _user: relink,
            clock=clock,
        )
        flow = OAuthFlow(
            states=store,
            tokens=store,
            accounts=accounts,
            profile=profile_fetcher(
                http, api_base, breaker=breakers.api, timeout=settings.short_timeout_seconds
            ),
            authorize_base=authorize_base,
            default_scopes=settings.spotify_scopes,
            clock=clock,
        )
        services: Services | None = None

        async def consent_url(user_id: str, missing: list[str]) -> str:
            assert services is not None
            start = await flow.start_incremental(
                user_id,
                missing,
                redirect_uri=services.redirect_uri(),
                authorize_base=services.authorize_base(),
            )
            return start.authorize_url

        client = SpotifyClient(
            http,
            tokens,
            api_base=api_base,
            breakers=breakers,
            budget=budget,
            consent_url=consent_url,
        )
        services = Services(
            settings=settings,
            store=store,
            locks=locks,
            http=http,
            breakers=breakers,
            budget=budget,
            accounts=accounts,
            tokens=tokens,
            flow=flow,
            client=client,
            clock=clock,
            embedded=embedded,
            accounts_base=accounts_base,
            api_base=api_base,
        )
        yield services
    finally:
        await http.aclose()
        store.close()
