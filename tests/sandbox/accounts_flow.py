"""Helpers that drive the sandbox's Accounts service the way a real client does."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

REDIRECT = "http://127.0.0.1:9/cb"
ALL_PLAYER_SCOPES = (
    "user-read-playback-state user-modify-playback-state user-read-currently-playing "
    "user-read-recently-played playlist-read-private playlist-read-collaborative "
    "playlist-modify-private playlist-modify-public user-library-read user-library-modify"
)


def make_verifier() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)[:64]
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Pkce:
    verifier: str
    challenge: str
    state: str

    @classmethod
    def new(cls) -> Pkce:
        verifier, challenge = make_verifier()
        return cls(verifier, challenge, secrets.token_urlsafe(8))

    def authorize_params(
        self, scope: str = ALL_PLAYER_SCOPES, client_id: str = "skill-sandbox", **extra: str
    ) -> dict[str, str]:
        return {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": REDIRECT,
            "state": self.state,
            "scope": scope,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **extra,
        }


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def scripted_code(
    client: httpx.Client, pkce: Pkce, user: str = "demo", scope: str = ALL_PLAYER_SCOPES,
    **extra: str,
) -> str:
    r = client.get(
        "/authorize",
        params=pkce.authorize_params(scope, sandbox_user=user, sandbox_consent="accept", **extra),
    )
    assert r.status_code == 302, r.text
    params = query_of(r.headers["location"])
    assert params["state"] == pkce.state
    return params["code"]


def user_tokens(
    client: httpx.Client, user: str = "demo", scope: str = ALL_PLAYER_SCOPES, **extra: str
) -> dict[str, str]:
    """A user's token response through the real scripted PKCE flow."""
    pkce = Pkce.new()
    code = scripted_code(client, pkce, user, scope, **extra)
    r = client.post(
        "/api/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "skill-sandbox",
            "code_verifier": pkce.verifier,
        },
    )
    assert r.status_code == 200, r.text
    body: dict[str, str] = r.json()
    return body
