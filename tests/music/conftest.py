"""Fixtures of the orchestrator tests: the real sandbox over HTTP, the real service parts.

* ``sandbox_server`` (session; a module may override it): a :class:`Sandbox` with the
  shipped catalog subset, served by uvicorn on an ephemeral loopback port.
* ``world`` (function): that sandbox reset for the test, with control-plane helpers
  (:class:`World`): the true player state, the user's Web API log, faults, devices, catalog
  fixtures.
* ``music`` (function): :class:`Music`, the service parts exactly as a deployment builds
  them against that sandbox (``open_services``: SQLite token store in a tmp dir, TokenManager,
  breaker, budget, SpotifyClient) plus a :class:`MusicOrchestrator` over the same SQLite file.
  ``await music.link("demo")`` links a service user to the sandbox account of the same name
  through the real PKCE flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from skill.commands.say import link_sandbox_user
from skill.config import Settings
from skill.music.orchestrator import MusicOrchestrator
from skill.music.outcome import Command, Outcome
from skill.music.store import MusicStore
from skill.nlu import Intent
from skill.sandbox.app import create_sandbox_app
from skill.sandbox.config import SandboxConfig
from skill.sandbox.search import SearchIndex
from skill.sandbox.state import Sandbox
from skill.storage.crypto import generate_key
from skill.web.services import Services, open_services
from tests.servers import serve_app

SHARED_CATALOG = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "catalog"


@dataclass
class World:
    """The sandbox's control plane (not Spotify's API)."""

    url: str
    http: httpx.Client
    sandbox: Sandbox

    def player(self, user: str = "demo") -> dict[str, Any]:
        r = self.http.get(f"/control/users/{user}/player")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def log(self, user: str = "demo") -> list[dict[str, Any]]:
        r = self.http.get(f"/control/users/{user}/log")
        assert r.status_code == 200, r.text
        body: list[dict[str, Any]] = r.json()
        return body

    def calls(self, user: str, path: str) -> list[dict[str, Any]]:
        """The user's logged Web API calls to ``path`` (``/v1/me/player/next`` …)."""
        return [e for e in self.log(user) if e.get("path") == path]

    def devices(self, user: str = "demo") -> dict[str, dict[str, Any]]:
        r = self.http.get(f"/control/users/{user}/devices")
        assert r.status_code == 200, r.text
        return {d["name"]: d for d in r.json()["devices"]}

    def device_id(self, name: str, user: str = "demo") -> str:
        return str(self.devices(user)[name]["id"])

    def act(self, user: str = "demo", **body: Any) -> dict[str, Any]:
        """Change the player as the user's own Spotify app would."""
        r = self.http.post(f"/control/users/{user}/player", json=body)
        assert r.status_code == 200, r.text
        state: dict[str, Any] = r.json()
        return state

    def play_on(self, device: str, user: str = "demo", **body: Any) -> dict[str, Any]:
        return self.act(user, action="play", device_id=self.device_id(device, user), **body)

    def set_device(self, name: str, user: str = "demo", **flags: Any) -> None:
        r = self.http.post(f"/control/users/{user}/devices/{self.device_id(name, user)}",
                           json=flags)
        assert r.status_code == 200, r.text

    def fault(self, **rule: Any) -> None:
        r = self.http.post("/control/faults", json=rule)
        assert r.status_code == 201, r.text

    def extend(self, doc: dict[str, Any]) -> None:
        r = self.http.post("/control/world", json=doc)
        assert r.status_code == 200, r.text

    def with_tracks(self, rows: list[dict[str, str]]) -> World:
        """The catalog with ``rows`` added, once per sandbox (the search index is rebuilt)."""
        if self.sandbox.catalog.track(rows[0]["track_id"]) is None:
            self.extend({"tracks": rows})
        return self

    def config(self, **changes: Any) -> None:
        r = self.http.post("/control/config", json=changes)
        assert r.status_code == 200, r.text

    def revoke(self, user: str) -> None:
        r = self.http.post(f"/control/users/{user}/revoke")
        assert r.status_code == 200, r.text

    def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = self.http.get("/control/stats").json()
        return body


def _serve(config: SandboxConfig) -> Iterator[World]:
    sandbox = Sandbox(config)
    # Build the search index now, not inside the first test's voice-length deadline.
    SearchIndex.for_catalog(sandbox.catalog)
    with serve_app(create_sandbox_app(sandbox=sandbox)) as url, httpx.Client(
        base_url=url, timeout=30
    ) as http:
        yield World(url, http, sandbox)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[World]:
    yield from _serve(SandboxConfig())


def _reset(world: World, initial: dict[str, Any]) -> World:
    assert world.http.post("/control/reset").status_code == 204
    world.config(**initial)
    return world


@pytest.fixture(scope="module")
def _initial(sandbox_server: World) -> dict[str, Any]:
    body: dict[str, Any] = sandbox_server.http.get("/control/config").json()
    return body


@pytest.fixture
def world(sandbox_server: World, _initial: dict[str, Any]) -> World:
    return _reset(sandbox_server, _initial)


@dataclass
class Music:
    """The service's parts against the sandbox, and the orchestrator over them."""

    world: World
    services: Services
    db: Path
    orchestrator: MusicOrchestrator
    stores: list[MusicStore] = field(default_factory=list)

    async def link(self, user: str, *, scopes: tuple[str, ...] | None = None) -> None:
        if scopes is None:
            await link_sandbox_user(self.services, user, user)
            return
        flow = self.services.flow
        original = flow.default_scopes
        flow.default_scopes = scopes
        try:
            await link_sandbox_user(self.services, user, user)
        finally:
            flow.default_scopes = original

    async def say(self, text: str, user: str = "demo", **options: Any) -> Outcome:
        return await self.orchestrator.handle_text(user, text, **options)

    async def do(self, intent: str, user: str = "demo", slots: dict[str, Any] | None = None,
                 **options: Any) -> Outcome:
        return await self.orchestrator.handle(
            Command(user_id=user, intent=Intent(intent, slots or {}), **options)
        )

    def new_orchestrator(self, **options: Any) -> MusicOrchestrator:
        """Another orchestrator over the same SQLite file (a restarted process)."""
        store = MusicStore(self.db)
        self.stores.append(store)
        return MusicOrchestrator.for_spotify(self.services.client, store, **options)


def settings_for(world: World, tmp: Path) -> Settings:
    return Settings(
        spotify_client_id="skill-sandbox",
        accounts_base=world.url,
        api_base=world.url + "/v1",
        sandbox=False,
        db_path=tmp / "skill.sqlite3",
        encryption_keys=(generate_key(),),
        short_timeout_seconds=10.0,
    )


@pytest.fixture
async def music(world: World, tmp_path: Path) -> AsyncIterator[Music]:
    settings = settings_for(world, tmp_path)
    async with AsyncExitStack() as stack:
        services = await stack.enter_async_context(open_services(settings))
        store = MusicStore(settings.db_path)
        stack.callback(store.close)
        env = Music(world, services, settings.db_path,
                    MusicOrchestrator.for_spotify(services.client, store))
        await env.link("demo")
        yield env
        for extra in env.stores:
            extra.close()
        await asyncio.sleep(0)
