"""The Accounts service over real HTTP: /authorize (page and scripted) and /api/token."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import httpx
import pytest

from skill.sandbox import create_sandbox_app
from skill.sandbox.state import Sandbox
from tests.sandbox.accounts_flow import REDIRECT, Pkce, query_of, scripted_code, user_tokens
from tests.sandbox.contract import assert_matches_spec, assert_token_response
from tests.servers import serve_app

CONFIDENTIAL = ("skill-confidential", "sandbox-secret-change-me")
SIX_MONTHS_MS = 183 * 24 * 3600 * 1000


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_app(create_sandbox_app(sandbox=Sandbox())) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=10) as client:
        client.post("/control/reset")
        yield client
        client.post("/control/reset")


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_error(r: httpx.Response) -> tuple[int, str, str]:
    assert_token_response(r)
    body = r.json()
    assert set(body) == {"error", "error_description"}
    return r.status_code, body["error"], body["error_description"]


# -- /authorize ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_id": None}, "Missing required parameter: client_id"),
        ({"client_id": "nobody"}, "INVALID_CLIENT: Invalid client"),
        ({"redirect_uri": "http://localhost:9/cb"}, "INVALID_CLIENT: Insecure redirect URI"),
        ({"redirect_uri": "http://192.168.1.5:9/cb"}, "INVALID_CLIENT: Insecure redirect URI"),
        ({"scope": "user-read-playback-state not-a-scope"}, "Illegal scope"),
    ],
)
def test_bad_authorize_requests_render_an_error_page_and_never_redirect(
    http: httpx.Client, change: dict[str, str | None], message: str
) -> None:
    params: dict[str, str] = Pkce.new().authorize_params()
    for key, value in change.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    r = http.get("/authorize", params=params)
    assert r.status_code == 400
    assert "location" not in r.headers
    assert r.headers["content-type"].startswith("text/html")
    assert message in r.text


def test_confidential_client_redirects_must_be_registered(http: httpx.Client) -> None:
    pkce = Pkce.new()
    params = pkce.authorize_params(client_id=CONFIDENTIAL[0], sandbox_user="demo")
    params["redirect_uri"] = "http://127.0.0.1:9/elsewhere"
    r = http.get("/authorize", params=params)
    assert r.status_code == 400 and "INVALID_CLIENT: Invalid redirect URI" in r.text
    # Registered on the loopback literal without a port: any port is accepted (RFC 8252).
    params["redirect_uri"] = "http://127.0.0.1:45678/callback"
    r = http.get("/authorize", params=params)
    assert r.status_code == 302
    assert r.headers["location"].startswith("http://127.0.0.1:45678/callback?code=")


def test_public_client_must_use_pkce(http: httpx.Client) -> None:
    params = Pkce.new().authorize_params(sandbox_user="demo")
    del params["code_challenge"], params["code_challenge_method"]
    r = http.get("/authorize", params=params)
    assert r.status_code == 302
    assert query_of(r.headers["location"])["error"] == "invalid_request"


def test_consent_page_lists_users_and_scopes_and_grants_a_subset(http: httpx.Client) -> None:
    pkce = Pkce.new()
    params = pkce.authorize_params("user-read-playback-state user-modify-playback-state")
    page = http.get("/authorize", params=params)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'value="demo"' in page.text and 'value="freeloader"' in page.text
    assert "playlist-curator" not in page.text
    assert "user-modify-playback-state" in page.text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    assert hidden["state"] == pkce.state
    form = {**hidden, "user": "guest", "decision": "accept",
            "grant_scope": "user-read-playback-state"}
    r = http.post("/authorize", data=form)
    assert r.status_code == 302
    query = query_of(r.headers["location"])
    assert query["state"] == pkce.state
    token = http.post(
        "/api/token",
        data={"grant_type": "authorization_code", "code": query["code"], "redirect_uri": REDIRECT,
              "client_id": "skill-sandbox", "code_verifier": pkce.verifier},
    ).json()
    assert token["scope"] == "user-read-playback-state"
    me = http.get("/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["id"] == "guest"


def test_consent_page_cancel_redirects_with_access_denied(http: httpx.Client) -> None:
    pkce = Pkce.new()
    form = {**pkce.authorize_params(), "user": "demo", "decision": "deny"}
    r = http.post("/authorize", data=form)
    assert r.status_code == 302
    assert query_of(r.headers["location"]) == {"error": "access_denied", "state": pkce.state}


def test_scripted_deny_and_partial_grant(http: httpx.Client) -> None:
    pkce = Pkce.new()
    r = http.get("/authorize", params=pkce.authorize_params(sandbox_user="demo",
                                                            sandbox_consent="deny"))
    assert query_of(r.headers["location"]) == {"error": "access_denied", "state": pkce.state}
    tokens = user_tokens(http, sandbox_scopes="user-read-playback-state")
    assert tokens["scope"] == "user-read-playback-state"
    r = http.get("/authorize", params=pkce.authorize_params(sandbox_user="ghost"))
    assert r.status_code == 400 and "Unknown sandbox user" in r.text


# -- authorization_code ----------------------------------------------------------------------


def exchange(http: httpx.Client, code: str, verifier: str | None, **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "skill-sandbox", **extra}
    if verifier is not None:
        data["code_verifier"] = verifier
    return http.post("/api/token", data=data)


def test_pkce_exchange_success_shape(http: httpx.Client) -> None:
    pkce = Pkce.new()
    r = exchange(http, scripted_code(http, pkce), pkce.verifier)
    assert r.status_code == 200
    assert_token_response(r)
    body = r.json()
    assert set(body) == {"access_token", "token_type", "scope", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert r.headers["cache-control"] == "no-store"
    assert http.get("/control/stats").json()["token_requests"]["authorization_code"] == 1


def test_code_is_single_use_and_reuse_revokes_what_it_issued(http: httpx.Client) -> None:
    pkce = Pkce.new()
    code = scripted_code(http, pkce)
    first = exchange(http, code, pkce.verifier).json()
    again = exchange(http, code, pkce.verifier)
    assert token_error(again) == (400, "invalid_grant", "Invalid authorization code")
    r = http.post("/api/token", data={"grant_type": "refresh_token", "client_id": "skill-sandbox",
                                      "refresh_token": first["refresh_token"]})
    assert token_error(r)[1] == "invalid_grant"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("expired", ("invalid_grant", "Authorization code expired")),
        ("redirect", ("invalid_grant", "Invalid redirect URI")),
        ("wrong_verifier", ("invalid_grant", "code_verifier was incorrect")),
        ("short_verifier", ("invalid_grant", "code_verifier was incorrect")),
        ("no_verifier", ("invalid_request", "code_verifier required")),
        ("garbled", ("invalid_grant", "Invalid authorization code")),
    ],
)
def test_code_exchange_errors(
    http: httpx.Client, case: str, expected: tuple[str, str]
) -> None:
    pkce = Pkce.new()
    code = scripted_code(http, pkce)
    verifier: str | None = pkce.verifier
    extra: dict[str, str] = {}
    if case == "expired":
        http.post("/control/clock", json={"advance_ms": 601_000})
    elif case == "redirect":
        extra["redirect_uri"] = "http://127.0.0.1:9/other"
    elif case == "wrong_verifier":
        verifier = Pkce.new().verifier
    elif case == "short_verifier":
        verifier = "abc"
    elif case == "no_verifier":
        verifier = None
    elif case == "garbled":
        code = code + "x"
    r = exchange(http, code, verifier, **extra)
    assert token_error(r) == (400, *expected)


# -- the token endpoint's own errors ---------------------------------------------------------


def test_json_body_is_not_parsed(http: httpx.Client) -> None:
    r = http.post("/api/token", json={"grant_type": "client_credentials"})
    assert token_error(r) == (400, "unsupported_grant_type", "grant_type parameter is missing")


def test_unknown_grant_type(http: httpx.Client) -> None:
    r = http.post("/api/token", data={"grant_type": "password", "client_id": "skill-sandbox"})
    assert token_error(r) == (400, "unsupported_grant_type", "grant_type password is not supported")


@pytest.mark.parametrize(
    ("headers", "data", "description"),
    [
        ({}, {"client_id": "nobody"}, "Invalid client"),
        (basic("nobody", "x"), {}, "Invalid client"),
        ({"Authorization": "Basic !!!notbase64"}, {}, "Invalid client"),
        (basic(CONFIDENTIAL[0], "wrong"), {}, "Invalid client secret"),
        ({}, {"client_id": CONFIDENTIAL[0], "client_secret": "wrong"}, "Invalid client secret"),
        ({}, {"client_id": "skill-sandbox"}, "Invalid client"),
    ],
)
def test_client_authentication_errors(
    http: httpx.Client, headers: dict[str, str], data: dict[str, str], description: str
) -> None:
    r = http.post("/api/token", data={"grant_type": "client_credentials", **data},
                  headers=headers)
    assert token_error(r) == (400, "invalid_client", description)


def test_client_credentials_token_is_app_only(http: httpx.Client) -> None:
    r = http.post("/api/token", data={"grant_type": "client_credentials"},
                  headers=basic(*CONFIDENTIAL))
    body = r.json()
    assert r.status_code == 200
    assert_token_response(r)
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    me = http.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 401
    assert me.json()["error"]["message"] == "This request requires user authentication."
    assert http.get("/control/stats").json()["token_requests"]["client_credentials"] == 1


# -- refresh ---------------------------------------------------------------------------------


def refresh(http: httpx.Client, token: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "skill-sandbox"}
    return http.post("/api/token", data={**data, **extra})


def test_pkce_refresh_rotates_and_the_old_token_dies(http: httpx.Client) -> None:
    first = user_tokens(http)
    r = refresh(http, first["refresh_token"])
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == first["scope"]
    assert token_error(refresh(http, first["refresh_token"])) == (
        400, "invalid_grant", "Refresh token revoked")
    assert refresh(http, second["refresh_token"]).status_code == 200
    assert token_error(refresh(http, "AQgarbage")) == (400, "invalid_grant",
                                                       "Invalid refresh token")
    r = http.post("/api/token", data={"grant_type": "refresh_token", "client_id": "skill-sandbox"})
    assert token_error(r)[1] == "invalid_request"
    assert http.get("/control/stats").json()["token_requests"]["refresh_token"] == 5


def test_confidential_client_refresh_does_not_rotate(http: httpx.Client) -> None:
    params = {"client_id": CONFIDENTIAL[0], "response_type": "code",
              "redirect_uri": "http://127.0.0.1/callback", "state": "st",
              "scope": "user-read-playback-state", "sandbox_user": "demo"}
    code = query_of(http.get("/authorize", params=params).headers["location"])["code"]
    # Without the secret, a non-PKCE code cannot be exchanged.
    r = http.post("/api/token", data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": "http://127.0.0.1/callback",
                                      "client_id": CONFIDENTIAL[0]})
    assert token_error(r) == (400, "invalid_client", "Invalid client")
    r = http.post("/api/token", data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": "http://127.0.0.1/callback"},
                  headers=basic(*CONFIDENTIAL))
    tokens = r.json()
    for _ in range(2):
        r = http.post("/api/token", data={"grant_type": "refresh_token",
                                          "refresh_token": tokens["refresh_token"]},
                      headers=basic(*CONFIDENTIAL))
        assert r.status_code == 200
        assert "refresh_token" not in r.json()


def test_refresh_tokens_die_six_months_after_consent(http: httpx.Client) -> None:
    tokens = user_tokens(http)
    http.post("/control/clock", json={"advance_ms": SIX_MONTHS_MS - 60_000})
    rotated = refresh(http, tokens["refresh_token"])
    assert rotated.status_code == 200  # refreshing does not restart the clock...
    http.post("/control/clock", json={"advance_ms": 120_000})
    r = refresh(http, rotated.json()["refresh_token"])
    assert token_error(r) == (400, "invalid_grant", "Refresh token revoked")
    # ...only a fresh authorization does.
    assert refresh(http, user_tokens(http)["refresh_token"]).status_code == 200


def test_user_revoking_the_app_kills_tokens(http: httpx.Client) -> None:
    tokens = user_tokens(http, user="guest")
    r = http.post("/control/users/guest/revoke")
    assert r.json()["revoked_refresh_tokens"] >= 1
    assert token_error(refresh(http, tokens["refresh_token"])) == (
        400, "invalid_grant", "Invalid refresh token")
    me = http.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 401


# -- bearer checks on the Web API ------------------------------------------------------------


def test_access_tokens_expire_with_the_2026_and_legacy_messages(http: httpx.Client) -> None:
    tokens = user_tokens(http)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    ok = http.get("/v1/me", headers=auth)
    assert ok.status_code == 200
    assert_matches_spec(ok)
    assert ok.json()["account_id"]
    assert "product" not in ok.json()  # development mode
    http.post("/control/clock", json={"advance_ms": 3_600_000})
    expired = http.get("/v1/me", headers=auth)
    assert expired.status_code == 401
    assert expired.json() == {"error": {"status": 401,
                                        "message": "Missing/invalid/expired access token"}}
    assert_matches_spec(expired)
    http.post("/control/config", json={"legacy_401_messages": True})
    try:
        assert http.get("/v1/me", headers=auth).json()["error"]["message"] == (
            "The access token expired")
        assert http.get("/v1/me", headers={"Authorization": "Bearer nope"}).json()["error"][
            "message"] == "Invalid access token"
        missing = http.get("/v1/me")
        assert missing.json()["error"]["message"] == "No token provided"
        assert missing.headers["www-authenticate"] == 'Bearer realm="spotify"'
    finally:
        http.post("/control/config", json={"legacy_401_messages": False})


def test_non_bearer_scheme_is_a_400(http: httpx.Client) -> None:
    r = http.get("/v1/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Only valid bearer authentication supported"
