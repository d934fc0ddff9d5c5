"""Service throughput on the sandbox: one uvicorn worker, requests per second and p50/p99 for
``GET /v1/music/state`` and ``POST /v1/skill/command`` ("pause"), and the overhead ratio
against calling the sandbox's Web API directly (``GET /v1/me/player``,
``PUT /v1/me/player/pause``) with the same client, users and concurrency.

    .venv/bin/python benchmarks/service_throughput.py [--seconds 5] [--users 4]

Each user has one client in flight (the service keeps a budget of 10 Spotify calls per
second per user, so one user alone measures that policy, not the service). The sandbox's
per-app rate limit is switched off for the run.

The service runs as ``skill serve`` in its own process (one uvicorn worker, the sandbox
mounted in-process at /sandbox, as ``./scripts/run`` starts it); "direct" calls the very same
sandbox app through the same server, with the demo user's own Spotify access token. Note
that a direct ``pause`` of a paused player is Spotify's 403 (counted as errors): it does the
same work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.config import Settings  # noqa: E402
from skill.storage import open_store  # noqa: E402
from skill.storage.crypto import generate_key  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_ready(url: str) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(300):
            try:
                if (await client.get(url + "/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the service did not start")


async def _load(client: httpx.AsyncClient, method: str, url: str, seconds: float,
                headers: list[dict[str, str]], **kwargs: Any) -> dict[str, float]:
    """One worker per entry of ``headers`` (one user each), for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(sent: dict[str, str]) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            r = await client.request(method, url, headers=sent, **kwargs)
            latencies.append(time.perf_counter() - started)
            if r.status_code >= 400:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker(h) for h in headers))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "requests": float(len(ordered)),
        "errors": float(errors),
    }


def _link(url: str, key: str, spotify_user: str) -> None:
    """The browser flow: login, consent on the sandbox, callback with the cookie."""
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        r = browser.get(url + "/v1/spotify/auth/login",
                        headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
        consent = httpx.URL(r.json()["authorize_url"]).copy_merge_params(
            {"sandbox_user": spotify_user, "sandbox_consent": "accept"})
        r = browser.get(consent)
        r = browser.get(r.headers["location"], headers={"Accept": "application/json"})
        if r.status_code != 200:
            raise SystemExit(f"could not link {spotify_user}: {r.text}")


async def main(seconds: float, users: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    env = {**os.environ, "SKILL_DB": str(tmp / "bench.sqlite3"),
           "SKILL_ENCRYPTION_KEYS": generate_key(), "SKILL_REFRESH_INTERVAL_SECONDS": "0",
           "SKILL_LOG_LEVEL": "WARNING", "SKILL_PORT": str(port)}
    env.pop("SPOTIFY_CLIENT_ID", None)
    settings = Settings.from_env(env)
    names = [f"bench{i}" for i in range(users)]
    store = open_store(settings)
    keys = {name: (await store.create_user(name, at=time.time()))[1] for name in names}
    store.close()
    skill = str(Path(sys.executable).with_name("skill"))
    # the service in its own process: one uvicorn worker, as `skill serve` runs it
    server = subprocess.Popen([skill, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(url)
        control = url + "/sandbox/control"
        async with httpx.AsyncClient(timeout=30) as c:
            # Spotify's per-app rolling limit would turn the run into a 429 benchmark
            await c.post(control + "/config", json={"rate_limit": 0})
            await c.post(control + "/world", json={"users": [
                {"id": name, "display_name": name, "product": "premium",
                 "devices": [{"name": "Speaker", "type": "Speaker", "volume_percent": 50}]}
                for name in names]})
        for name in names:
            await asyncio.to_thread(_link, url, keys[name], name)
        store = open_store(settings)
        tokens = {}
        for name in names:
            record = await store.get_token(name, "spotify")
            assert record is not None
            tokens[name] = record.access_token
        store.close()
        ours = [{"Authorization": f"Bearer {keys[n]}"} for n in names]
        theirs = [{"Authorization": f"Bearer {tokens[n]}"} for n in names]
        limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
            for sent in ours:  # something plays for everyone
                await client.post("/v1/skill/command", headers=sent,
                                  json={"text": "play some jazz"})
            rows = [
                ("GET /v1/music/state", await _load(
                    client, "GET", "/v1/music/state", seconds, ours)),
                ("GET sandbox /v1/me/player (direct)", await _load(
                    client, "GET", "/sandbox/v1/me/player", seconds, theirs)),
                ("POST /v1/skill/command pause", await _load(
                    client, "POST", "/v1/skill/command", seconds, ours,
                    json={"text": "pause"})),
                ("PUT sandbox /v1/me/player/pause (direct)", await _load(
                    client, "PUT", "/sandbox/v1/me/player/pause", seconds, theirs)),
            ]
    finally:
        server.terminate()
        server.wait(10)
    print(f"one uvicorn worker, {users} users with one client each, {seconds:g} s per row")
    print(f"{'request':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in rows:
        print(f"{name:44} {row['rps']:8.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
              f"{row['errors']:7.0f}")
    state, direct_state, command, direct_pause = (r for _, r in rows)
    print("overhead (p50 ratio, service / direct): "
          f"state {state['p50_ms'] / direct_state['p50_ms']:.2f}x, "
          f"command {command['p50_ms'] / direct_pause['p50_ms']:.2f}x")
    print("throughput ratio (direct / service): "
          f"state {direct_state['rps'] / state['rps']:.2f}x, "
          f"command {direct_pause['rps'] / command['rps']:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=4,
                        help="linked users, one client each (the per-user budget is 10 req/s)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.users))
