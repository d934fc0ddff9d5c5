"""Service throughput on the sandbox: one uvicorn worker, requests per second and p50/p99 for
``GET /v1/music/state`` and ``POST /v1/skill/command`` ("pause"), and the overhead ratio
against calling the sandbox's Web API directly (``GET /v1/me/player``,
``PUT /v1/me/player/pause``) with the same client and concurrency.

    .venv/bin/python benchmarks/service_throughput.py [--seconds 5] [--concurrency 8]

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
                concurrency: int, **kwargs: Any) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            r = await client.request(method, url, **kwargs)
            latencies.append(time.perf_counter() - started)
            if r.status_code >= 400:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "requests": float(len(ordered)),
        "errors": float(errors),
    }


async def main(seconds: float, concurrency: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    env = {**os.environ, "SKILL_DB": str(tmp / "bench.sqlite3"),
           "SKILL_ENCRYPTION_KEYS": generate_key(), "SKILL_REFRESH_INTERVAL_SECONDS": "0",
           "SKILL_LOG_LEVEL": "WARNING", "SKILL_PORT": str(port)}
    env.pop("SPOTIFY_CLIENT_ID", None)
    settings = Settings.from_env(env)
    store = open_store(settings)
    _, key = await store.create_user("demo", at=time.time())
    store.close()
    skill = str(Path(sys.executable).with_name("skill"))
    # the service in its own process: one uvicorn worker, as `skill serve` runs it
    server = subprocess.Popen([skill, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(url)
        store = open_store(settings)
        record = await store.get_token("demo", "spotify")
        store.close()
        assert record is not None, "the demo user is linked at start-up"
        ours = {"Authorization": f"Bearer {key}"}
        theirs = {"Authorization": f"Bearer {record.access_token}"}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
            # start something on the kitchen speaker so state and pause have work to do
            await client.post("/v1/skill/command", headers=ours,
                              json={"text": "play some jazz in the kitchen"})
            await client.get("/v1/music/state", headers=ours)
            rows = [
                ("GET /v1/music/state", await _load(
                    client, "GET", "/v1/music/state", seconds, concurrency, headers=ours)),
                ("GET sandbox /v1/me/player (direct)", await _load(
                    client, "GET", "/sandbox/v1/me/player", seconds, concurrency,
                    headers=theirs)),
                ("POST /v1/skill/command pause", await _load(
                    client, "POST", "/v1/skill/command", seconds, concurrency, headers=ours,
                    json={"text": "pause"})),
                ("PUT sandbox /v1/me/player/pause (direct)", await _load(
                    client, "PUT", "/sandbox/v1/me/player/pause", seconds, concurrency,
                    headers=theirs)),
            ]
    finally:
        server.terminate()
        server.wait(10)
    print(f"one uvicorn worker, {concurrency} concurrent clients, {seconds:g} s each")
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
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency))
