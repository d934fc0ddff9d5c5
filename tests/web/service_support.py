"""The whole service in embedded mode (sandbox mounted at /sandbox), served by uvicorn.

``start_service(db_path)`` yields a :class:`Svc`: its URL, its settings, and API keys for
``demo`` (linked to the sandbox's ``demo`` household at start-up) and ``bob`` (linked to the
sandbox's ``guest`` account through the real link flow), plus ``eve`` (no link).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from skill.config import Settings
from skill.storage import open_store
from skill.web import create_app
from skill.web.live import LivePolicy
from tests.servers import serve_app

FAST_LIVE = LivePolicy(active=0.3, idle=0.5, minimum=0.1)


@dataclass
class Svc:
    url: str
    settings: Settings
    app: Any
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, name: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[name]}", "Accept": "application/json",
                **extra}

    def call(self, method: str, path: str, name: str | None = "demo", *,
             headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        sent = dict(self.headers(name) if name else {})
        sent.update(headers or {})
        return httpx.request(method, self.url + path, headers=sent, timeout=60, **kwargs)

    def sandbox(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.url + "/sandbox" + path, timeout=30, **kwargs)


def settings_for(db_path: Path, key: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "db_path": db_path,
        "encryption_keys": (key,),
        "refresh_interval_seconds": 0,
    }
    values.update(overrides)
    return Settings(**values)


async def _key(settings: Settings, name: str) -> str:
    store = open_store(settings)
    try:
        if await store.get_user(name) is None:
            _, key = await store.create_user(name, at=time.time())
            return key
        return await store.rotate_key(name, at=time.time())
    finally:
        store.close()


def api_key(settings: Settings, name: str) -> str:
    return asyncio.run(_key(settings, name))


def link(url: str, key: str, spotify_user: str) -> None:
    """The browser flow: login, consent on the sandbox, callback with the cookie."""
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        r = browser.get(url + "/v1/spotify/auth/login",
                        headers={"Authorization": f"Bearer {key}",
                                 "Accept": "application/json"})
        assert r.status_code == 200, r.text
        consent = httpx.URL(r.json()["authorize_url"]).copy_merge_params(
            {"sandbox_user": spotify_user, "sandbox_consent": "accept"})
        r = browser.get(consent)
        assert r.status_code == 302, r.text
        r = browser.get(r.headers["location"], headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()["linked"], r.text


@contextmanager
def start_service(db_path: Path, key: str, *, users: bool = True,
                  **create: Any) -> Iterator[Svc]:
    settings = settings_for(db_path, key)
    create.setdefault("live_policy", FAST_LIVE)
    wrap = create.pop("wrap", None)
    app = create_app(settings, **create)
    with serve_app(wrap(app) if wrap else app) as url:
        svc = Svc(url, settings, app)
        if users:
            svc.keys["demo"] = api_key(settings, "demo")
            svc.keys["bob"] = api_key(settings, "bob")
            svc.keys["eve"] = api_key(settings, "eve")
            link(url, svc.keys["bob"], "guest")
        yield svc


async def _revoke(settings: Settings, name: str) -> None:
    store = open_store(settings)
    try:
        await store.revoke_user(name, at=time.time())
    finally:
        store.close()


def revoke(settings: Settings, name: str) -> None:
    asyncio.run(_revoke(settings, name))
