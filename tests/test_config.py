from __future__ import annotations

from pathlib import Path

import pytest

from skill.commands.settings import markdown_table
from skill.config import DEFAULT_SCOPES, Settings
from skill.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_sandbox_mode() -> None:
    s = Settings.from_env({})
    assert s.sandbox is True
    assert s.spotify_client_id is None
    assert s.spotify_scopes == DEFAULT_SCOPES
    assert s.refresh_ahead_seconds == 300
    assert s.api_base == "https://api.spotify.com/v1"


def test_client_id_turns_sandbox_off() -> None:
    s = Settings.from_env(
        {
            "SPOTIFY_CLIENT_ID": "abc",
            "SPOTIFY_API_BASE": "http://127.0.0.1:9/v1/",
            "SKILL_ENCRYPTION_KEYS": "k2, k1",
            "SPOTIFY_SCOPES": "a b",
        }
    )
    assert s.sandbox is False
    assert s.api_base == "http://127.0.0.1:9/v1"
    assert s.encryption_keys == ("k2", "k1")
    assert s.spotify_scopes == ("a", "b")


def test_secrets_stay_out_of_repr() -> None:
    s = Settings.from_env({"SPOTIFY_CLIENT_SECRET": "hunter2", "SKILL_ENCRYPTION_KEYS": "kkk"})
    assert "hunter2" not in repr(s)
    assert "kkk" not in repr(s)


@pytest.mark.parametrize(
    "env",
    [
        {"SPOTIFY_REFRESH_AHEAD_SECONDS": "-1"},
        {"SPOTIFY_REFRESH_AHEAD_SECONDS": "soon"},
        {"SKILL_SANDBOX": "maybe"},
        {"SKILL_LOG_LEVEL": "LOUD"},
        {"SPOTIFY_REDIRECT_URI": "http://localhost:8000/callback"},
        {"SPOTIFY_REDIRECT_URI": "http://192.168.1.4:8000/callback"},
        {"SKILL_SANDBOX": "off"},
    ],
)
def test_bad_settings_fail_with_a_clear_message(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert info.value.message


def test_loopback_and_https_redirects_are_fine() -> None:
    Settings.from_env({"SPOTIFY_REDIRECT_URI": "http://[::1]:9000/cb"})
    Settings.from_env({"SPOTIFY_REDIRECT_URI": "https://skill.example.org/cb"})


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
