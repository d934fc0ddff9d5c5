"""Shared sandbox fixtures: ONE sandbox per test session, served by uvicorn over real HTTP.

Loading the catalog and starting a server per test would be slow, so every sandbox test
shares one :class:`Sandbox` and resets it between tests:

* ``sandbox`` (session): the :class:`Sandbox` object itself, for direct looks at its state.
* ``sandbox_url`` (session): the base URL it is served on, ``http://127.0.0.1:<port>``.
* ``clean_sandbox`` (function): ``POST /control/reset`` plus the run-time config restored to
  its start-of-session values, before the test; returns the base URL. Use it (or ``http``,
  which resets the same way) in every test that talks to the sandbox.
* ``http`` (function): the reset sandbox's ``httpx.Client`` (``base_url`` set; one pooled
  client for the whole session, so pass headers per request rather than setting them on it).
* :func:`reset_sandbox` does the reset on any client.
* ``user_token`` (function): ``user_token("demo", scopes=PLAYER_SCOPES) -> str``, an access
  token minted through the real scripted PKCE flow (``/authorize`` → 302 with a code →
  ``POST /api/token``). Tokens survive resets but not a clock moved past their expiry, so mint
  them inside the test.
* ``api`` (function): a :class:`tests.sandbox.player_support.Api` for the demo user with
  ``PLAYER_SCOPES`` (``api.get/put/post(path, json=..., **query)``, ``api.play(...)``).
* :func:`pkce_tokens` does the same flow on any client and returns the whole token response.

Helpers for tests: :func:`advance_clock` (``POST /control/clock``), :func:`player_state`
(``GET /control/users/{id}/player``) and :func:`user_log` (``GET /control/users/{id}/log``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from skill.sandbox.app import create_sandbox_app
from skill.sandbox.config import SandboxConfig
from skill.sandbox.state import Sandbox
from tests.sandbox.player_support import Api
from tests.servers import serve_app

SANDBOX_CLIENT = "skill-sandbox"
REDIRECT_URI = "http://127.0.0.1:9/cb"
PLAYER_SCOPES = (
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "user-read-recently-played",
)

TokenFactory = Callable[..., str]


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``(verifier, S256 challenge)`` pair."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pkce_tokens(
    client: httpx.Client,
    user: str = "demo",
    scopes: tuple[str, ...] | list[str] = PLAYER_SCOPES,
    *,
    granted: tuple[str, ...] | list[str] | None = None,
) -> dict[str, Any]:
    """Log ``user`` in through the scripted consent of ``/authorize`` and redeem the code.

    ``granted`` accepts only a subset of ``scopes`` (``sandbox_scopes``). Returns the JSON of
    ``POST /api/token`` (``access_token``, ``refresh_token``, ``scope``, ...).
    """
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(8)
    query = {
        "client_id": SANDBOX_CLIENT,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": " ".join(scopes),
        "state": state,
        "sandbox_user": user,
        "sandbox_consent": "accept",
    }
    if granted is not None:
        query["sandbox_scopes"] = " ".join(granted)
    answer = client.get(f"/authorize?{urlencode(query)}", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    params = parse_qs(urlsplit(answer.headers["location"]).query)
    assert params["state"] == [state]
    redeemed = client.post(
        "/api/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": REDIRECT_URI,
            "client_id": SANDBOX_CLIENT,
            "code_verifier": verifier,
        },
    )
    assert redeemed.status_code == 200, redeemed.text
    body: dict[str, Any] = redeemed.json()
    return body


def advance_clock(client: httpx.Client, ms: int) -> None:
    """Move the sandbox clock forward (playback progress, token expiry, rate windows)."""
    answer = client.post("/control/clock", json={"advance_ms": ms})
    assert answer.status_code == 200, answer.text


def player_state(client: httpx.Client, user: str = "demo") -> dict[str, Any]:
    """The user's true playback state (``GET /control/users/{id}/player``)."""
    answer = client.get(f"/control/users/{user}/player")
    assert answer.status_code == 200, answer.text
    state: dict[str, Any] = answer.json()
    return state


def user_log(client: httpx.Client, user: str = "demo") -> list[dict[str, Any]]:
    """Every state-changing player call the sandbox executed for ``user``, in order."""
    answer = client.get(f"/control/users/{user}/log")
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()
    return entries


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(SandboxConfig())


@pytest.fixture(scope="session")
def sandbox_url(sandbox: Sandbox) -> Iterator[str]:
    with serve_app(create_sandbox_app(sandbox=sandbox)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def _initial_config(sandbox_url: str) -> dict[str, Any]:
    config: dict[str, Any] = httpx.get(f"{sandbox_url}/control/config").json()
    return config


def reset_sandbox(client: httpx.Client, config: dict[str, Any]) -> None:
    """Back to the loaded world (players, logs, faults, counters) and the given config."""
    assert client.post("/control/config", json=config).status_code == 200
    assert client.post("/control/reset").status_code == 204


@pytest.fixture
def clean_sandbox(sandbox_url: str, _initial_config: dict[str, Any]) -> str:
    """The shared sandbox, reset to its loaded world and start-of-session config."""
    with httpx.Client(base_url=sandbox_url) as client:
        reset_sandbox(client, _initial_config)
    return sandbox_url


@pytest.fixture(scope="session")
def _session_client(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        yield client


@pytest.fixture
def http(_session_client: httpx.Client, _initial_config: dict[str, Any]) -> httpx.Client:
    """A client on the shared sandbox, reset first (as ``clean_sandbox`` does).

    One connection-pooling client serves the whole session; pass headers per request.
    """
    reset_sandbox(_session_client, _initial_config)
    return _session_client


@pytest.fixture
def user_token(http: httpx.Client) -> TokenFactory:
    """``user_token(user="demo", scopes=PLAYER_SCOPES, granted=None) -> access token``."""

    def mint(
        user: str = "demo",
        scopes: tuple[str, ...] | list[str] = PLAYER_SCOPES,
        granted: tuple[str, ...] | list[str] | None = None,
    ) -> str:
        token: str = pkce_tokens(http, user, scopes, granted=granted)["access_token"]
        return token

    return mint


@pytest.fixture
def api(http: httpx.Client, user_token: TokenFactory) -> Api:
    """The demo user's Web API client (Premium, player scopes), on a clean sandbox."""
    return Api(http, user_token())
