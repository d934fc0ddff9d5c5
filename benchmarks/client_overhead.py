"""Per-call overhead of the skill's Spotify client against the sandbox, in one run, beside a
plain httpx call and spotipy (a popular Python Spotify client) pointed at the same sandbox.

The sandbox runs as its own process (``skill sandbox``, uvicorn on loopback, rate limit off)
so the three clients share nothing but the machine. One user token comes from the sandbox's
real PKCE flow. Each client makes the same sequential calls:

* ``GET /me/player/devices`` (read + JSON decode; ours also builds ``Device`` models), and
* ``PUT /me/player/volume`` (a player command, 204).

Ours runs with every policy on (deadline, cooldown check, per-user budget, breaker, retry
bookkeeping, scope check, log line); its per-user bucket is widened so the benchmark measures
overhead, not the throttle. Calls interleave the clients one by one so that drift hits all
three alike. A second table isolates the client's own cost: ours and plain httpx over an
in-process ``httpx.MockTransport`` answering instantly (spotipy cannot take a transport).
Usage:

    .venv/bin/python benchmarks/client_overhead.py [--calls 300] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import spotipy

from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget, UserBudgets
from skill.spotify.client import SpotifyClient
from skill.spotify.seams import AccessToken

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.standalone import (  # noqa: E402
    StaticTokens,
    free_port,
    pkce_token,
    start_sandbox,
)

SCOPES = "user-read-playback-state user-modify-playback-state user-read-currently-playing"


def user_token(base: str) -> AccessToken:
    """The demo user's token, with a track playing on the kitchen speaker."""
    token = pkce_token(base, SCOPES)
    with httpx.Client(base_url=base, timeout=10) as http:
        devices = http.get(
            "/v1/me/player/devices", headers={"Authorization": f"Bearer {token.value}"}
        ).json()["devices"]
        kitchen = next(d["id"] for d in devices if d["name"] == "Kitchen Speaker")
        started = http.put(
            "/v1/me/player/play",
            params={"device_id": kitchen},
            json={"uris": ["spotify:track:2374M0fQpWi3dLnB54qaLX"]},
            headers={"Authorization": f"Bearer {token.value}"},
        )
        assert started.status_code in (200, 204), started.text
    return token


async def measure(call: Callable[[], object]) -> float:
    """Seconds one call takes (spotipy's calls are synchronous and block the loop, which is
    fine here: calls run one at a time)."""
    started = time.perf_counter()
    result = call()
    if isinstance(result, Awaitable):
        await result
    return time.perf_counter() - started


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.mean(samples) * 1e6, statistics.median(samples) * 1e6, p99 * 1e6


async def run(calls: int, rounds: int) -> None:
    port = free_port()
    sandbox = start_sandbox(port)
    base = f"http://127.0.0.1:{port}"
    try:
        token = user_token(base)
        headers = {"Authorization": f"Bearer {token.value}"}
        logging.getLogger("skill.spotify").setLevel(logging.INFO)  # the log line is part of it
        logging.getLogger("skill.spotify").addHandler(logging.NullHandler())
        logging.getLogger("skill.spotify").propagate = False
        async with httpx.AsyncClient() as http:
            ours = SpotifyClient(
                http,
                StaticTokens(token),
                api_base=f"{base}/v1",
                breakers=Breakers(),
                budget=Budget(users=UserBudgets(rate=1e6, burst=1e6)),
            )
            sp = spotipy.Spotify(auth=token.value, requests_timeout=10, retries=0)
            sp.prefix = f"{base}/v1/"

            async def plain_devices() -> object:
                response = await http.get(f"{base}/v1/me/player/devices", headers=headers)
                response.raise_for_status()
                return response.json()

            async def plain_volume() -> object:
                response = await http.put(
                    f"{base}/v1/me/player/volume", params={"volume_percent": 40}, headers=headers
                )
                response.raise_for_status()
                return None

            cases: dict[str, dict[str, Callable[[], object]]] = {
                "GET devices": {
                    "httpx": plain_devices,
                    "ours": lambda: ours.devices("bench"),
                    "spotipy": sp.devices,
                },
                "PUT volume": {
                    "httpx": plain_volume,
                    "ours": lambda: ours.volume("bench", 40),
                    "spotipy": lambda: sp.volume(40),
                },
            }
            results: dict[str, dict[str, list[float]]] = {
                case: {name: [] for name in clients} for case, clients in cases.items()
            }
            for case, clients in cases.items():
                for _ in range(20):  # warm-up: connections, caches
                    for call in clients.values():
                        await measure(call)
                for _ in range(rounds * calls):  # interleaved call by call: drift hits all
                    for name, call in clients.items():
                        results[case][name].append(await measure(call))
            sp._session.close()
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=10)

    print(f"client overhead per call against the sandbox ({calls * rounds} calls each)")
    print("ratios are of the p50 (the loopback's tail is noise shared by all three)")
    header = f"{'case':<12} {'client':<8} {'mean µs':>9} {'p50 µs':>9} {'p99 µs':>9}"
    print(f"{header} {'x httpx':>8}")
    for case, by_client in results.items():
        plain_p50 = summary(by_client["httpx"])[1]
        for name, samples in by_client.items():
            mean, p50, p99 = summary(samples)
            print(
                f"{case:<12} {name:<8} {mean:>9.0f} {p50:>9.0f} {p99:>9.0f} {p50 / plain_p50:>8.2f}"
            )
        ours_extra = summary(by_client["ours"])[1] - plain_p50
        print(f"{case:<12} ours adds {ours_extra:.0f} µs (p50) per call over plain httpx")


DEVICES = json.dumps(
    {
        "devices": [
            {
                "id": f"{n:040x}",
                "name": f"Speaker {n}",
                "type": "Speaker",
                "is_active": n == 0,
                "is_private_session": False,
                "is_restricted": False,
                "volume_percent": 30,
                "supports_volume": True,
            }
            for n in range(4)
        ]
    }
).encode()


def instant_spotify(request: httpx.Request) -> httpx.Response:
    if request.method == "GET":
        return httpx.Response(
            200, content=DEVICES, headers={"content-type": "application/json; charset=utf-8"}
        )
    return httpx.Response(204)


async def in_process(calls: int) -> None:
    token = AccessToken(
        value="x" * 120,
        scopes=frozenset(SCOPES.split()),
        expires_at=time.time() + 3600,
    )
    headers = {"Authorization": f"Bearer {token.value}"}
    base = "http://spotify.invalid/v1"
    async with httpx.AsyncClient(transport=httpx.MockTransport(instant_spotify)) as http:
        ours = SpotifyClient(
            http,
            StaticTokens(token),
            api_base=base,
            breakers=Breakers(),
            budget=Budget(users=UserBudgets(rate=1e6, burst=1e6)),
        )

        async def plain_devices() -> object:
            return (await http.get(f"{base}/me/player/devices", headers=headers)).json()

        async def plain_volume() -> object:
            return await http.put(
                f"{base}/me/player/volume", params={"volume_percent": 40}, headers=headers
            )

        cases: dict[str, dict[str, Callable[[], object]]] = {
            "GET devices": {"httpx": plain_devices, "ours": lambda: ours.devices("bench")},
            "PUT volume": {"httpx": plain_volume, "ours": lambda: ours.volume("bench", 40)},
        }
        print(f"\nin-process transport, no network ({calls} calls each)")
        print(f"{'case':<12} {'client':<8} {'mean µs':>9} {'p50 µs':>9} {'x httpx':>8}")
        for case, clients in cases.items():
            samples: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(200):
                for call in clients.values():
                    await measure(call)
            for _ in range(calls):
                for name, call in clients.items():
                    samples[name].append(await measure(call))
            plain_p50 = summary(samples["httpx"])[1]
            for name, values in samples.items():
                mean, p50, _ = summary(values)
                print(f"{case:<12} {name:<8} {mean:>9.0f} {p50:>9.0f} {p50 / plain_p50:>8.2f}")
            extra = summary(samples["ours"])[1] - plain_p50
            print(f"{case:<12} ours adds {extra:.0f} µs (p50) of its own per call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per client per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.rounds))
    asyncio.run(in_process(args.calls * args.rounds))


if __name__ == "__main__":
    main()
