"""``skill users``, ``skill jobs`` and ``skill serve`` as a user runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from skill.cli import build_parser
from skill.commands import jobs, users
from skill.config import Settings
from skill.storage import open_store
from skill.storage.crypto import generate_key
from tests.servers import free_port


def run_users(settings: Settings, *argv: str) -> int:
    args = build_parser("users").parse_args(["users", *argv])
    return users.run(args, settings)


def test_users_create_list_rotate_revoke(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(db_path=tmp_path / "skill.sqlite3", encryption_keys=(generate_key(),))
    assert run_users(settings, "create", "alice") == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("sk_")

    async def who(api_key: str) -> str | None:
        store = open_store(settings)
        try:
            user = await store.authenticate(api_key)
            return None if user is None else user.user_id
        finally:
            store.close()

    assert asyncio.run(who(key)) == "alice"
    assert key.encode() not in (tmp_path / "skill.sqlite3").read_bytes()

    assert run_users(settings, "list") == 0
    listing = capsys.readouterr().out
    assert "alice" in listing and key[:10] in listing and key not in listing
    assert "not linked" in listing

    assert run_users(settings, "rotate", "alice") == 0
    new_key = capsys.readouterr().out.strip().splitlines()[-1]
    assert asyncio.run(who(key)) is None and asyncio.run(who(new_key)) == "alice"

    assert run_users(settings, "revoke", "alice") == 0
    assert asyncio.run(who(new_key)) is None
    assert run_users(settings, "revoke", "alice") == 1
    assert "revoked" in (capsys.readouterr().out + "")


def test_jobs_refresh_refuses_to_run_without_a_spotify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(db_path=tmp_path / "skill.sqlite3", encryption_keys=(generate_key(),))
    args = build_parser("jobs").parse_args(["jobs", "refresh"])
    assert jobs.run(args, settings) == 2
    assert "inside `skill serve`" in capsys.readouterr().out


@pytest.mark.slow
def test_skill_serve_runs_the_service(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SKILL_DB": str(tmp_path / "skill.sqlite3"),
        "SKILL_KEY_FILE": str(tmp_path / "skill.key"),
        "SKILL_LOG_LEVEL": "WARNING",
    }
    env.pop("SPOTIFY_CLIENT_ID", None)
    skill = Path(sys.executable).with_name("skill")
    proc = subprocess.Popen(
        [str(skill), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stdout.read() if proc.stdout else "") from None
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        assert (tmp_path / "skill.key").stat().st_mode & 0o777 == 0o600
    finally:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
    assert f"serving on http://127.0.0.1:{port}" in output
