"""Search quality and speed of the sandbox's catalog search on the full shared catalog.

For N tracks drawn (seeded) from ../shared/data/catalog/tracks.csv.gz, query "title artist"
(exact) and "title-with-one-typo artist", ask for the first page of 10 tracks and count a hit
when the track, or a duplicate with the same title and the same primary artist, is on it.
Prints hit rates and per-query latency percentiles. Usage:

    .venv/bin/python benchmarks/sandbox_search.py [--n 1000] [--seed 7] [--catalog FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from skill.sandbox.catalog import Catalog, Track
from skill.sandbox.search import SearchIndex
from skill.sandbox.search_query import fold

ROOT = Path(__file__).resolve().parents[1]
SHARED_CATALOG = ROOT.parent / "shared" / "data" / "catalog" / "tracks.csv.gz"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_typo(text: str, rng: random.Random) -> str:
    """One edit (delete, insert, substitute or swap with the next character) at a random
    letter or digit of ``text``; the text is returned unchanged when it has none."""
    positions = [i for i, c in enumerate(text) if c.isalnum()]
    if not positions:
        return text
    i = rng.choice(positions)
    op = rng.choice(("delete", "insert", "substitute", "swap"))
    if op == "swap" and i + 1 < len(text) and text[i + 1].isalnum() and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == "delete" and len(positions) > 1:
        return text[:i] + text[i + 1 :]
    if op == "insert":
        return text[:i] + rng.choice(_LETTERS) + text[i:]
    replacement = rng.choice([c for c in _LETTERS if c != text[i].lower()])
    return text[:i] + replacement + text[i + 1 :]


@dataclass
class Result:
    hit_rate: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    misses: list[str]


def _same_song(a: Track, b: Track) -> bool:
    return fold(a.name) == fold(b.name) and fold(a.artist_names[0]) == fold(b.artist_names[0])


def measure(index: SearchIndex, catalog: Catalog, queries: list[tuple[str, Track]]) -> Result:
    hits = 0
    times: list[float] = []
    cpu: list[float] = []
    misses: list[str] = []
    for q, target in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        found = index.search(q, "track", limit=10).ids
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if any(t == target.id or _same_song(catalog.tracks[t], target) for t in found):
            hits += 1
        else:
            misses.append(q)
    return Result(
        hit_rate=hits / len(queries),
        p50_ms=statistics.median(times),
        p99_ms=_p99(times),
        cpu_p50_ms=statistics.median(cpu),
        cpu_p99_ms=_p99(cpu),
        misses=misses,
    )


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


Queries = list[tuple[str, Track]]


def sample_queries(catalog: Catalog, n: int, seed: int) -> dict[str, Queries]:
    """The seeded query sets: exact, one typo, and one typo in Spotify's filter syntax."""
    rng = random.Random(seed)
    picked = rng.sample(sorted(catalog.tracks), n)
    sets: dict[str, Queries] = {
        "exact title + artist": [],
        "one typo + artist": [],
        "track:typo artist:": [],
    }
    for track_id in picked:
        track = catalog.tracks[track_id]
        artist = track.artist_names[0]
        typo = one_typo(track.name, rng)
        sets["exact title + artist"].append((f"{track.name} {artist}", track))
        sets["one typo + artist"].append((f"{typo} {artist}", track))
        sets["track:typo artist:"].append((f'track:"{typo}" artist:"{artist}"', track))
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--catalog", type=Path, default=SHARED_CATALOG)
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        print(f"catalog not found: {args.catalog}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    catalog = Catalog.load(args.catalog)
    loaded = time.perf_counter()
    index = SearchIndex.for_catalog(catalog)
    ready = time.perf_counter()
    build_cpu = time.process_time()
    SearchIndex(catalog)  # an uncached build, for the record
    build_cpu = time.process_time() - build_cpu
    load1, _, _ = os.getloadavg()
    print(
        f"catalog: {len(catalog)} tracks, loaded in {loaded - started:.1f}s; index ready in "
        f"{ready - loaded:.1f}s (an uncached build takes {build_cpu:.1f}s CPU); "
        f"load average {load1:.1f} on {os.cpu_count()} CPUs"
    )
    for label, queries in sample_queries(catalog, args.n, args.seed).items():
        result = measure(index, catalog, queries)
        print(
            f"{label:22s} top-10 hit rate {result.hit_rate:6.1%}   "
            f"p50 {result.p50_ms:5.2f} ms   p99 {result.p99_ms:6.2f} ms   "
            f"(CPU p50 {result.cpu_p50_ms:5.2f} ms, p99 {result.cpu_p99_ms:5.2f} ms)"
        )
        for q in result.misses[: args.show_misses]:
            print(f"    miss: {q}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
