"""Web fixtures: a standalone sandbox over real HTTP and the service in front of it.

* ``sandbox_env``: a fresh :class:`Sandbox` served by uvicorn (its own clock, stats, faults).
* ``service_factory(**settings)``: the service (``create_app``) configured exactly like a
  deployment pointed at that sandbox (``SPOTIFY_CLIENT_ID=skill-sandbox``, accounts and API
  bases), served on a fixed loopback port so a restart can come back on the same port.
* ``Browser``: an ``httpx.Client`` with a cookie jar that plays the user's browser.
* ``WallClock``: the service's injectable clock (real time plus an offset).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from skill.config import Settings
from skill.sandbox.app import create_sandbox_app
from skill.sandbox.state import Sandbox
from skill.storage import open_store
from skill.storage.crypto import generate_key
from skill.web import create_app
from tests.servers import free_port, serve_app

SCOPES_ALL = (
    "playlist-modify-private playlist-modify-public playlist-read-collaborative "
    "playlist-read-private user-library-modify user-library-read user-modify-playback-state "
    "user-read-currently-playing user-read-playback-state user-read-recently-played"
).split()


class WallClock:
    """``time.time()`` plus an offset the test moves."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def serve_at(app: Any, port: int) -> AbstractContextManager[str]:
    """``tests.servers.serve_app`` on a given port (a restart reuses it)."""
    return serve_app(app, port=port, lifespan="on")


@dataclass
class SandboxEnv:
    url: str
    sandbox: Sandbox
    http: httpx.Client
    initial: dict[str, Any] = field(default_factory=dict)
    """The run-time config at start, restored before every test."""

    def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = self.http.get("/control/stats").json()
        return body

    def refreshes(self) -> int:
        return int(self.stats()["token_requests"]["refresh_token"])

    def code_exchanges(self) -> int:
        return int(self.stats()["token_requests"]["authorization_code"])

    def advance(self, seconds: float) -> None:
        r = self.http.post("/control/clock", json={"advance_ms": int(seconds * 1000)})
        assert r.status_code == 200, r.text

    def world(self, doc: dict[str, Any]) -> None:
        r = self.http.post("/control/world", json=doc)
        assert r.status_code == 200, r.text

    def fault(self, **rule: Any) -> None:
        r = self.http.post("/control/faults", json=rule)
        assert r.status_code == 201, r.text

    def config(self, **changes: Any) -> None:
        r = self.http.post("/control/config", json=changes)
        assert r.status_code == 200, r.text

    def account_id(self, user: str) -> str:
        return self.sandbox.world.users[user].account_id


@pytest.fixture(scope="module")
def _sandbox_server() -> Iterator[SandboxEnv]:
    sandbox = Sandbox()
    with serve_app(create_sandbox_app(sandbox=sandbox)) as url, httpx.Client(
        base_url=url, timeout=30
    ) as http:
        yield SandboxEnv(url, sandbox, http, http.get("/control/config").json())


@pytest.fixture
def sandbox_env(_sandbox_server: SandboxEnv) -> SandboxEnv:
    """The module's sandbox, reset (faults, counters, world, run-time config) for this test.
    Its clock only moves forward; every test links fresh, so old tokens do not matter."""
    env = _sandbox_server
    assert env.http.post("/control/reset").status_code == 204
    env.config(**env.initial)
    return env


@dataclass
class Service:
    url: str
    settings: Settings
    clock: WallClock
    app: Any
    keys: dict[str, str] = field(default_factory=dict)

    def user(self, name: str) -> str:
        """Create a user of the service; returns its API key."""
        key = asyncio.run(_create_user(self.settings, name))
        self.keys[name] = key
        return key

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[name]}", "Accept": "application/json"}

    def get(self, path: str, name: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(self.url + path, headers=self.headers(name), timeout=60, **kwargs)

    def post(self, path: str, name: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.url + path, headers=self.headers(name), timeout=60, **kwargs)

    def status(self, name: str) -> dict[str, Any]:
        r = self.get("/v1/integrations/spotify/status", name)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


async def _create_user(settings: Settings, name: str) -> str:
    store = open_store(settings)
    try:
        _, key = await store.create_user(name, at=time.time())
        return key
    finally:
        store.close()


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Browser:
    """A user's browser: keeps cookies, never follows redirects by itself."""

    def __init__(self) -> None:
        self.http = httpx.Client(follow_redirects=False, timeout=60)

    def close(self) -> None:
        self.http.close()

    def login(self, service: Service, name: str, **params: str) -> str:
        """Start a link as ``name`` (the API key header plays a signed-in session)."""
        r = self.http.get(f"{service.url}/v1/spotify/auth/login",
                          headers=service.headers(name), params=params)
        assert r.status_code == 200, r.text
        url: str = r.json()["authorize_url"]
        return url

    def consent(
        self, authorize_url: str, spotify_user: str = "guest", *, decision: str = "accept",
        granted: list[str] | None = None, **overrides: str,
    ) -> str:
        """Spotify's consent (scripted): returns the callback URL Spotify redirects to."""
        url = httpx.URL(authorize_url)
        extra = {"sandbox_user": spotify_user, "sandbox_consent": decision, **overrides}
        if granted is not None:
            extra["sandbox_scopes"] = " ".join(granted)
        r = self.http.get(url.copy_merge_params(extra))
        assert r.status_code == 302, r.text
        location: str = r.headers["location"]
        return location

    def open(self, url: str, *, as_json: bool = False) -> httpx.Response:
        headers = {"Accept": "application/json"} if as_json else {"Accept": "text/html"}
        return self.http.get(url, headers=headers)

    def link(self, service: Service, name: str, spotify_user: str = "guest",
             **params: str) -> httpx.Response:
        callback = self.consent(self.login(service, name, **params), spotify_user)
        return self.open(callback, as_json=True)


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


ServiceFactory = Callable[..., Any]


@pytest.fixture
def service_factory(sandbox_env: SandboxEnv, tmp_path: Path) -> Iterator[ServiceFactory]:
    """``with service_factory(**settings_overrides) as service: ...``; the same port, DB
    and key across calls in one test (a restart is a second ``with``)."""
    port = free_port()
    key = generate_key()

    @contextmanager
    def start(*, clock: WallClock | None = None, transport: Any = None,
              **overrides: Any) -> Iterator[Service]:
        values: dict[str, Any] = {
            "spotify_client_id": "skill-sandbox",
            "sandbox": False,
            "accounts_base": sandbox_env.url,
            "api_base": sandbox_env.url + "/v1",
            "spotify_redirect_uri": f"http://127.0.0.1:{port}/v1/spotify/auth/callback",
            "public_url": f"http://127.0.0.1:{port}",
            "db_path": tmp_path / "skill.sqlite3",
            "encryption_keys": (key,),
            "refresh_interval_seconds": 0,
        }
        values.update(overrides)
        settings = Settings(**values)
        settings.validate()
        wall = clock or WallClock()
        app = create_app(settings, clock=wall, transport=transport)
        with serve_at(app, port) as url:
            yield Service(url, settings, wall, app)

    yield start
