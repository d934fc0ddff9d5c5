"""Linking over real HTTP: the service in front of a standalone sandbox, like a deployment."""

from __future__ import annotations

import asyncio

import httpx

from skill.storage import open_store
from tests.web.conftest import Browser, SandboxEnv, ServiceFactory, WallClock, query_of


def _token_version(settings: object, user: str) -> tuple[int, str] | None:
    async def read() -> tuple[int, str] | None:
        store = open_store(settings)  # type: ignore[arg-type]
        try:
            record = await store.get_token(user)
            return None if record is None else (record.version, record.access_token)
        finally:
            store.close()

    return asyncio.run(read())


def test_browser_flow_links_and_names_both_accounts(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        authorize_url = browser.login(service, "alice")
        assert authorize_url.startswith(sandbox_env.url + "/authorize?")
        query = query_of(authorize_url)
        assert query["code_challenge_method"] == "S256"
        assert len(query["code_challenge"]) == 43 and len(query["state"]) >= 43
        assert query["redirect_uri"] == service.settings.spotify_redirect_uri
        cookie = next(c for c in browser.http.cookies.jar if c.name == "skill_link")
        assert cookie.path == "/v1/spotify/auth" and cookie.has_nonstandard_attr("HttpOnly")

        page = browser.open(browser.consent(authorize_url, "guest"))
        assert page.status_code == 200, page.text
        account = sandbox_env.account_id("guest")
        assert "<strong>alice</strong>" in page.text and account in page.text
        assert page.headers["cache-control"] == "no-store"

        status = service.status("alice")
        assert status["linked"] is True and status["account_id"] == account
        assert status["display_name"] == "Guest"
        assert set(status["scopes"]) == set(service.settings.spotify_scopes)
        assert status["last_refresh_result"] is None and status["relink_required"] is False
        assert 3500 < status["expires_in"] <= 3600
        assert status["consent_age_days"] < 0.01 and status["consent_expires_in_days"] > 180
        assert status["upstream"]["breakers"]["accounts"]["state"] == "closed"
        assert sandbox_env.code_exchanges() == 1


def test_api_flow_completes_with_the_api_key(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv
) -> None:
    with service_factory() as service:
        service.user("hub")
        start = service.get("/v1/spotify/auth/login", "hub").json()
        # A headless hub: the user consents on a phone; the redirect cannot reach the hub,
        # so the hub hands the URL in with its API key.
        phone = Browser()
        callback = phone.consent(start["authorize_url"], "demo")
        phone.close()
        done = service.post("/v1/spotify/auth/complete", "hub", json={"callback_url": callback})
        assert done.status_code == 200, done.text
        assert done.json()["account_id"] == sandbox_env.account_id("demo")
        assert service.status("hub")["linked"] is True
        state = service.get("/v1/music/state", "hub")
        assert state.status_code == 200, state.text


def test_redirect_1_sends_the_browser_to_spotify(service_factory: ServiceFactory) -> None:
    with service_factory() as service:
        service.user("alice")
        r = httpx.get(service.url + "/v1/spotify/auth/login?redirect=1",
                      headers=service.headers("alice"))
        assert r.status_code == 302
        assert r.headers["location"].startswith(service.settings.accounts_base + "/authorize?")
        assert "skill_link=" in r.headers["set-cookie"]
        assert "httponly" in r.headers["set-cookie"].lower()
        assert "samesite=lax" in r.headers["set-cookie"].lower()


def test_replayed_state_is_refused_and_nothing_changes(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        callback = browser.consent(browser.login(service, "alice"), "guest")
        assert browser.open(callback, as_json=True).status_code == 200
        before = _token_version(service.settings, "alice")
        again = browser.open(callback, as_json=True)
        assert again.status_code == 400
        error = again.json()["error"]
        assert error["code"] == "oauth_invalid_state"
        assert error["details"]["reason"] == "already_used"
        assert _token_version(service.settings, "alice") == before
        assert sandbox_env.code_exchanges() == 1  # the replayed code never reached Spotify
        page = browser.open(callback)
        assert page.status_code == 400 and "oauth_invalid_state" in page.text


def test_expired_and_unknown_states_are_refused(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    clock = WallClock()
    with service_factory(clock=clock) as service:
        service.user("alice")
        callback = browser.consent(browser.login(service, "alice"), "guest")
        clock.advance(601)
        r = browser.open(callback, as_json=True)
        assert r.json()["error"]["details"]["reason"] == "expired"
        forged = callback.replace(query_of(callback)["state"], "x" * 43)
        r = browser.open(forged, as_json=True)
        assert r.json()["error"]["details"]["reason"] == "unknown"
        r = browser.open(service.url + "/v1/spotify/auth/callback?code=abc", as_json=True)
        assert r.json()["error"]["code"] == "oauth_invalid_state"
        assert service.status("alice")["linked"] is False
        assert sandbox_env.code_exchanges() == 0


def test_foreign_users_state_is_refused(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        service.user("mallory")
        callback = browser.consent(browser.login(service, "alice"), "guest")
        r = service.post("/v1/spotify/auth/complete", "mallory", json={"callback_url": callback})
        assert r.status_code == 400
        assert r.json()["error"]["details"]["reason"] == "foreign_user"
        assert service.status("mallory")["linked"] is False
        assert service.status("alice")["linked"] is False
        assert sandbox_env.code_exchanges() == 0
        # The state is spent: it cannot be used by its owner afterwards either.
        assert browser.open(callback, as_json=True).json()["error"]["code"] == (
            "oauth_invalid_state"
        )


def test_login_csrf_callback_in_another_browser_is_not_linked_silently(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    """Mallory starts a link and sends the authorize URL to Victor, who consents with his
    Spotify in his own browser (no cookie of Mallory's)."""
    with service_factory() as service:
        service.user("mallory")
        authorize_url = browser.login(service, "mallory")
        victor = Browser()
        try:
            page = victor.open(victor.consent(authorize_url, "guest"))
            assert page.status_code == 200
            assert "Confirm the Spotify link" in page.text
            assert "<strong>mallory</strong>" in page.text
            assert sandbox_env.account_id("guest") in page.text
            assert service.status("mallory")["linked"] is False
            token = page.text.split('name="confirm" value="')[1].split('"')[0]
            cancel = victor.http.post(service.url + "/v1/spotify/auth/confirm",
                                      data={"confirm": token, "decision": "cancel"})
            assert cancel.status_code == 200 and "Nothing was linked" in cancel.text
            assert service.status("mallory")["linked"] is False
            # The confirmation is single use.
            again = victor.http.post(service.url + "/v1/spotify/auth/confirm",
                                     data={"confirm": token, "decision": "confirm"},
                                     headers={"Accept": "application/json"})
            assert again.json()["error"]["code"] == "oauth_invalid_state"
            assert service.status("mallory")["linked"] is False
        finally:
            victor.close()


def test_callback_from_another_device_links_after_explicit_confirmation(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        authorize_url = browser.login(service, "alice")
        phone = Browser()
        try:
            pending = phone.open(phone.consent(authorize_url, "guest"), as_json=True)
            assert pending.status_code == 202
            body = pending.json()
            assert body["confirmation_required"] is True and body["user"] == "alice"
            assert body["account_id"] == sandbox_env.account_id("guest")
            r = phone.http.post(body["confirm_url"], data={"confirm": body["confirm_token"]},
                                headers={"Accept": "application/json"})
            assert r.status_code == 200 and r.json()["linked"] is True
        finally:
            phone.close()
        assert service.status("alice")["account_id"] == sandbox_env.account_id("guest")


def test_restart_mid_flow(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as first:
        first.user("alice")
        authorize_url = browser.login(first, "alice")
    # A new process: same database, same key, same port; the state survived.
    with service_factory() as second:
        second.keys.update(first.keys)
        page = browser.open(browser.consent(authorize_url, "guest"))
        assert page.status_code == 200 and "Spotify linked" in page.text
        assert second.status("alice")["linked"] is True


def test_denied_consent_maps_to_oauth_denied(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        callback = browser.consent(browser.login(service, "alice"), "guest", decision="deny")
        r = browser.open(callback, as_json=True)
        assert r.status_code == 400 and r.json()["error"]["code"] == "oauth_denied"
        assert service.status("alice")["linked"] is False
        assert sandbox_env.code_exchanges() == 0


def test_code_issued_for_another_redirect_maps_to_oauth_invalid_redirect(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        authorize_url = browser.login(service, "alice")
        # The code is bound to another (still loopback) redirect URI than the flow's.
        callback = browser.consent(authorize_url, "guest",
                                   redirect_uri="http://127.0.0.1:9/elsewhere")
        params = query_of(callback)
        r = browser.open(
            f"{service.url}/v1/spotify/auth/callback?code={params['code']}"
            f"&state={params['state']}",
            as_json=True,
        )
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "oauth_invalid_redirect"
        assert r.json()["error"]["details"]["redirect_uri"] == (
            service.settings.spotify_redirect_uri)
        assert service.settings.spotify_redirect_uri in r.json()["error"]["message"]
        assert service.status("alice")["linked"] is False


def test_wrong_client_secret_maps_to_oauth_invalid_client(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv, browser: Browser
) -> None:
    sandbox_env.world({"clients": [{
        "id": "home-hub", "secret": "right-secret",
        "redirect_uris": ["http://127.0.0.1/v1/spotify/auth/callback"],
    }]})
    with service_factory(spotify_client_id="home-hub", spotify_client_secret="wrong") as service:
        service.user("alice")
        r = browser.link(service, "alice")
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "oauth_invalid_client"
        assert "wrong" not in r.text and "right-secret" not in r.text


def test_unlink_removes_the_link(
    service_factory: ServiceFactory, browser: Browser
) -> None:
    with service_factory() as service:
        service.user("alice")
        assert browser.link(service, "alice").status_code == 200
        r = service.post("/v1/spotify/auth/unlink", "alice")
        assert r.json() == {"unlinked": True, "user": "alice"}
        assert service.status("alice")["linked"] is False
        state = service.get("/v1/music/state", "alice")
        assert state.status_code == 409 and state.json()["error"]["code"] == "not_linked"


def test_each_user_has_their_own_link(
    service_factory: ServiceFactory, sandbox_env: SandboxEnv
) -> None:
    with service_factory() as service:
        service.user("alice")
        service.user("bob")
        alice, bob = Browser(), Browser()
        try:
            assert alice.link(service, "alice", spotify_user="guest").status_code == 200
            assert bob.link(service, "bob", spotify_user="demo").status_code == 200
        finally:
            alice.close()
            bob.close()
        assert service.status("alice")["account_id"] == sandbox_env.account_id("guest")
        assert service.status("bob")["account_id"] == sandbox_env.account_id("demo")
        assert service.post("/v1/spotify/auth/unlink", "alice").json()["unlinked"] is True
        assert service.status("bob")["linked"] is True
        assert service.get("/v1/music/state", "bob").status_code == 200
        assert service.get("/v1/music/state", "alice").json()["error"]["code"] == "not_linked"
