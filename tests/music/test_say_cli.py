"""``skill say``: the whole chain in-process, in sandbox mode and against a linked user."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from skill.cli import main
from skill.commands.say import link_sandbox_user
from skill.web.services import open_services
from tests.music.conftest import World, settings_for

ENV = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_API_BASE", "SPOTIFY_ACCOUNTS_BASE",
       "SKILL_ENCRYPTION_KEYS", "SKILL_KEY_FILE", "SKILL_SANDBOX", "SKILL_SANDBOX_CATALOG",
       "SKILL_SANDBOX_WORLD")


@pytest.fixture
def sandbox_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SKILL_DB", str(tmp_path / "untouched.sqlite3"))
    return tmp_path


def test_say_one_utterance(sandbox_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["say", "play blinding lights by the weeknd in the kitchen"])
    assert code == 0
    assert capsys.readouterr().out == "Playing Blinding Lights by The Weeknd on Kitchen Speaker.\n"
    # sandbox mode keeps its database to itself
    assert not (sandbox_env / "untouched.sqlite3").exists()


def test_say_file_json_lines(sandbox_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = sandbox_env / "utterances.txt"
    script.write_text(
        "# a morning\n"
        "play hello by adele in the bedroom\n"
        "\n"
        "turn it up\n"
        "what's playing\n"
        "the first one\n",
        encoding="utf-8",
    )
    code = main(["say", "--file", str(script), "--json", "--source", "bedroom"])
    lines = capsys.readouterr().out.splitlines()
    outcomes = [json.loads(line) for line in lines]
    assert [o["intent"]["name"] for o in outcomes] == [
        "music.play", "music.volume", "music.now_playing", "music.choose"]
    assert outcomes[0]["ok"] and outcomes[0]["playing"]["device"] == "Bedroom Speaker"
    assert outcomes[0]["playing"]["uri"] == "spotify:track:4aebBr4JAihzJQR0CiIZJv"
    assert outcomes[1]["reply"] == "Volume 40 percent on Bedroom Speaker."
    assert outcomes[2]["reply"] == "Playing: Hello by Adele on Bedroom Speaker."
    assert outcomes[3]["ok"] is False and outcomes[3]["error"]["code"] == "not_found"
    assert set(outcomes[0]) == {"ok", "text", "intent", "action", "reply", "playing",
                                "clarification", "error"}
    assert code == 1  # one outcome failed


def test_say_needs_text(sandbox_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say"]) == 2
    assert "Say something" in capsys.readouterr().err


def test_say_for_the_linked_user_of_skill_db(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With credentials: the user linked in SKILL_DB, over real HTTP to a standalone sandbox."""
    settings = settings_for(world, tmp_path)

    async def link() -> None:
        async with open_services(settings) as services:
            await link_sandbox_user(services, "alice", "demo")

    asyncio.run(link())
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", "skill-sandbox")
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_BASE", settings.accounts_base)
    monkeypatch.setenv("SPOTIFY_API_BASE", settings.api_base)
    monkeypatch.setenv("SKILL_DB", str(settings.db_path))
    monkeypatch.setenv("SKILL_ENCRYPTION_KEYS", ",".join(settings.encryption_keys))
    world.play_on("Living Room TV", uris=["spotify:track:0sf12qNH5qcw8qpgymFOqD"])
    assert main(["say", "--json", "pause"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["reply"] == "Paused on Living Room TV."
    assert world.player()["is_playing"] is False
