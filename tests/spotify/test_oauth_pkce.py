"""PKCE values, feature scopes and the authorize URL the flow builds."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from skill.config import DEFAULT_SCOPES
from skill.errors import InsufficientScope
from skill.spotify.accounts import AccountsClient
from skill.spotify.breaker import Breaker
from skill.spotify.budget import Cooldown
from skill.spotify.oauth import OAuthFlow, Profile
from skill.spotify.pkce import VERIFIER_RE, new_state, new_verifier, s256_challenge
from skill.spotify.scopes import FEATURE_SCOPES, missing_scopes, require_scopes, scopes_for
from skill.storage.crypto import Keyring, generate_key
from skill.storage.sqlite import SQLiteStore


@pytest.mark.parametrize("length", [43, 64, 128])
def test_verifier_length_and_alphabet(length: int) -> None:
    values = {new_verifier(length) for _ in range(50)}
    assert len(values) == 50
    assert all(len(v) == length and VERIFIER_RE.match(v) for v in values)


@pytest.mark.parametrize("length", [42, 129])
def test_verifier_length_is_bounded(length: int) -> None:
    with pytest.raises(ValueError):
        new_verifier(length)


def test_s256_matches_rfc7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    with pytest.raises(ValueError):
        s256_challenge("too-short")


def test_states_are_random_and_url_safe() -> None:
    states = {new_state() for _ in range(100)}
    assert len(states) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", s) for s in states)


def test_feature_scopes() -> None:
    assert scopes_for(["playback_state", "playback_control"]) == (
        "user-modify-playback-state",
        "user-read-currently-playing",
        "user-read-playback-state",
    )
    every = scopes_for(FEATURE_SCOPES)
    assert len(every) == len(set(every)) == 10
    # The link asks for what the enabled features need (the SPOTIFY_SCOPES default).
    assert every == tuple(sorted(DEFAULT_SCOPES))
    with pytest.raises(KeyError):
        scopes_for(["time_travel"])
    assert missing_scopes({"a", "b"}, ["b", "c", "c"]) == ("c",)
    require_scopes({"a"}, ["a"])
    with pytest.raises(InsufficientScope) as err:
        require_scopes({"a"}, ["a", "z", "y"])
    assert err.value.details == {"scope": "y", "missing_scopes": ["y", "z"]}


async def _never(_: str) -> Profile:
    raise AssertionError("not called")


@pytest.mark.parametrize("secret", [None, "s3cret"])
async def test_authorize_url_and_stored_state(tmp_path: Path, secret: str | None) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite3", Keyring.from_strings([generate_key()], "t"))
    async with httpx.AsyncClient() as http:
        accounts = AccountsClient(
            http,
            base="https://accounts.example",
            client_id="cid",
            client_secret=secret,
            breaker=Breaker("accounts"),
            cooldown=Cooldown("accounts"),
        )
        flow = OAuthFlow(
            states=store,
            tokens=store,
            accounts=accounts,
            profile=_never,
            authorize_base="https://accounts.example",
            default_scopes=["b-scope", "a-scope"],
            clock=lambda: 1000.0,
        )
        start = await flow.start(
            "alice", redirect_uri="http://127.0.0.1:8000/cb", browser_nonce="n" * 43
        )
    url = httpx.URL(start.authorize_url)
    params = dict(url.params)
    assert str(url).startswith("https://accounts.example/authorize?")
    assert "%20" in str(url) and "+" not in str(url)  # scopes joined by an encoded space
    assert params["scope"] == "a-scope b-scope" and params["response_type"] == "code"
    assert start.expires_at == 1600.0 and start.purpose == "link"
    flow_state = await store.consume_state(params["state"], now=1001.0)
    assert flow_state.user_id == "alice" and flow_state.expires_at == 1600.0
    if secret is None:
        assert params["code_challenge_method"] == "S256"
        assert params["code_challenge"] == s256_challenge(flow_state.verifier)
    else:
        assert "code_challenge" not in params
    store.close()
