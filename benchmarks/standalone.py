"""What the benchmarks share: a standalone ``skill sandbox`` process and a real user token.

Benchmarks measure against the sandbox as its own process (as a deployment would reach
Spotify), and take their token through the sandbox's scripted PKCE flow, not a fake one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from skill.spotify.seams import AccessToken

ROOT = Path(__file__).resolve().parents[1]
REDIRECT = "http://127.0.0.1:9/cb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sandbox(port: int, *args: str, timeout: float = 180) -> subprocess.Popen[bytes]:
    """``skill sandbox --port PORT --rate-limit 0 ARGS`` in a child process, once it answers."""
    command = [sys.executable, "-m", "skill", "sandbox", "--port", str(port),
               "--rate-limit", "0", *args]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SKILL_LOG_LEVEL": "WARNING"},
        cwd=ROOT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the sandbox did not start")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the sandbox did not answer within {timeout:.0f} s")


def pkce_token(base: str, scopes: str, *, user: str = "demo") -> AccessToken:
    """``user``'s token through the sandbox's scripted PKCE flow."""
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    with httpx.Client(base_url=base, timeout=30) as http:
        authorize = http.get(
            "/authorize",
            params={
                "client_id": "skill-sandbox",
                "response_type": "code",
                "redirect_uri": REDIRECT,
                "state": "bench",
                "scope": scopes,
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256",
                "sandbox_user": user,
                "sandbox_consent": "accept",
            },
        )
        code = parse_qs(urlsplit(authorize.headers["location"]).query)["code"][0]
        body = http.post(
            "/api/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": "skill-sandbox",
                "code_verifier": verifier,
            },
        ).json()
    return AccessToken(
        value=body["access_token"],
        scopes=frozenset(body["scope"].split()),
        expires_at=time.time() + body["expires_in"],
    )


class StaticTokens:
    """One real token from the sandbox, served to the client (a run ends before it expires)."""

    def __init__(self, token: AccessToken) -> None:
        self.token = token

    async def get(self, user_id: str) -> AccessToken:
        return self.token

    async def refresh_after_401(self, user_id: str, rejected: AccessToken) -> AccessToken:
        raise RuntimeError("the benchmark's token should not be refused")
