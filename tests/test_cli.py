from __future__ import annotations

import importlib

import pytest

from skill.cli import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_registered_command_module_exists(name: str) -> None:
    module = importlib.import_module(COMMANDS[name][0])
    assert callable(module.add_arguments)
    assert callable(module.run)


def test_settings_command_hides_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "hunter2")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert "spotify_client_secret = (set)" in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out
