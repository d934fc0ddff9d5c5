"""A TokenSource for tests that gets real tokens from the sandbox's Accounts service.

It links a test user through the scripted PKCE flow (``/authorize`` with
``sandbox_user``/``sandbox_consent`` then ``POST /api/token``) and refreshes with the rotating
refresh token on a 401, exactly as a real client would; no token is made up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from skill.errors import NotLinked, RelinkRequired
from skill.spotify.seams import AccessToken
from tests.sandbox.accounts_flow import ALL_PLAYER_SCOPES, REDIRECT, Pkce, query_of

CLIENT_ID = "skill-sandbox"


@dataclass
class _Link:
    access: AccessToken
    refresh_token: str


@dataclass
class SandboxTokens:
    http: httpx.AsyncClient
    base_url: str
    links: dict[str, _Link] = field(default_factory=dict)
    gets: int = 0
    refreshes: int = 0

    async def link(
        self, user_id: str, *, sandbox_user: str = "demo", scopes: str = ALL_PLAYER_SCOPES
    ) -> AccessToken:
        pkce = Pkce.new()
        params = pkce.authorize_params(scopes, sandbox_user=sandbox_user, sandbox_consent="accept")
        response = await self.http.get(f"{self.base_url}/authorize", params=params)
        assert response.status_code == 302, response.text
        code = query_of(response.headers["location"])["code"]
        body = await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": CLIENT_ID,
                "code_verifier": pkce.verifier,
            }
        )
        self.links[user_id] = _Link(self._access(body), str(body["refresh_token"]))
        return self.links[user_id].access

    async def get(self, user_id: str) -> AccessToken:
        self.gets += 1
        link = self.links.get(user_id)
        if link is None:
            raise NotLinked()
        return link.access

    async def refresh_after_401(self, user_id: str, rejected: AccessToken) -> AccessToken:
        link = self.links.get(user_id)
        if link is None:
            raise NotLinked()
        if link.access.value != rejected.value:
            return link.access  # someone refreshed already
        self.refreshes += 1
        response = await self.http.post(
            f"{self.base_url}/api/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": link.refresh_token,
                "client_id": CLIENT_ID,
            },
        )
        if response.status_code == 400 and response.json().get("error") == "invalid_grant":
            raise RelinkRequired()
        assert response.status_code == 200, response.text
        body = response.json()
        link.access = self._access(body)
        link.refresh_token = str(body.get("refresh_token", link.refresh_token))
        return link.access

    def spoil(self, user_id: str) -> None:
        """Replace the user's access token with one Spotify never issued (a revoked one)."""
        link = self.links[user_id]
        link.access = AccessToken(
            value="BQ-revoked-" + link.access.value[-6:],
            scopes=link.access.scopes,
            expires_at=link.access.expires_at,
        )

    async def _token(self, form: dict[str, str]) -> dict[str, object]:
        response = await self.http.post(f"{self.base_url}/api/token", data=form)
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    @staticmethod
    def _access(body: dict[str, object]) -> AccessToken:
        return AccessToken(
            value=str(body["access_token"]),
            scopes=frozenset(str(body.get("scope", "")).split()),
            expires_at=time.time() + float(str(body["expires_in"])),
        )
