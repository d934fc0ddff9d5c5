"""Real songs by real artists, asked for in everyday phrasings: does the parser keep the title
and the artist whole?

The NLU evaluation sets (../shared/data/nlu) hold mostly rare or invented names; this check
uses the real catalog shipped in the repository (``data/catalog/tracks.csv.gz``, the openly
licensed TidyTuesday subset): a seeded sample of popular tracks (popularity >= 60), their
title cleaned as speech would say it (version suffix cut, punctuation dropped, lower case)
and their first artist, put into carrier phrases ("play {title} by {artist}", "queue {title}
by {artist}", "add {title} by {artist} to my road trip playlist" ...). A case is right when
the title comes back in one slot (track, query or album) and the artist in ``artist``,
compared in the catalog-name form (``name_key``). Titles that are real song names such as
"show yourself", "work from home", "the next episode", "stand by me" or "best of me" are
exactly what the grammars' out-of-domain and kind-word rules could take apart.

    .venv/bin/python benchmarks/nlu_catalog_requests.py [--n 250] [--seed 7] [--show 5]

prints the accuracy per phrasing and the first failures of each. ``tests/nlu/
test_catalog_requests.py`` keeps floors on the same measurement.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skill.nlu.catalog_names import name_key  # noqa: E402
from skill.nlu.pipeline import Parser  # noqa: E402

CATALOG = ROOT / "data" / "catalog" / "tracks.csv.gz"
#: carrier phrases; {t} the title, {a} the artist
PHRASINGS = (
    "play {t} by {a}",
    "play the song {t} by {a}",
    "put on {t} by {a}",
    "i want to hear {t} by {a}",
    "play {t} by {a} in the kitchen",
    "queue {t} by {a}",
    "add {t} by {a} to my road trip playlist",
)
_VERSION = re.compile(r" - | \(| \[")
_SPOKEN = re.compile(r"[^\w' &]+")


@dataclass
class Result:
    """Per phrasing: cases tried and the failures (text, intent, slots)."""

    tried: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[tuple[str, str, dict[str, object]]]] = field(default_factory=dict)

    def accuracy(self, phrasing: str | None = None) -> float:
        keys = [phrasing] if phrasing else list(self.tried)
        tried = sum(self.tried[k] for k in keys)
        failed = sum(len(self.failed.get(k, ())) for k in keys)
        return 1 - failed / tried if tried else 0.0


def spoken(name: str) -> str:
    """A catalog name as speech gives it: no version suffix, no punctuation, lower case."""
    return " ".join(_SPOKEN.sub(" ", _VERSION.split(name)[0]).lower().split())


def sample(n: int, seed: int, path: Path = CATALOG) -> list[tuple[str, str]]:
    """``n`` (title, artist) pairs of popular catalog tracks, seeded."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if int(r["popularity"] or 0) >= 60]
    rows.sort(key=lambda r: r["track_id"])
    random.Random(seed).shuffle(rows)
    pairs: list[tuple[str, str]] = []
    for row in rows:
        title = spoken(row["track_name"])
        artist = spoken(row["artist_names"].split(";")[0])
        if title and artist and len(title) <= 40 and (title, artist) not in pairs:
            pairs.append((title, artist))
        if len(pairs) == n:
            break
    return pairs


def run(parser: Parser, pairs: list[tuple[str, str]]) -> Result:
    result = Result()
    for phrasing in PHRASINGS:
        result.tried[phrasing] = len(pairs)
        for title, artist in pairs:
            text = phrasing.format(t=title, a=artist)
            intent = parser.parse(text)
            slots = dict(intent.slots)
            got = slots.get("track") or slots.get("query") or slots.get("album")
            ok = (
                isinstance(got, str)
                and name_key(got) == name_key(title)
                and name_key(str(slots.get("artist", ""))) == name_key(artist)
            )
            if not ok:
                result.failed.setdefault(phrasing, []).append((text, intent.name, slots))
    return result


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--n", type=int, default=250)
    args.add_argument("--seed", type=int, default=7)
    args.add_argument("--show", type=int, default=5, help="failures to print per phrasing")
    opts = args.parse_args()
    result = run(Parser.default().warm(), sample(opts.n, opts.seed))
    for phrasing in PHRASINGS:
        print(f"{result.accuracy(phrasing):6.1%}  {phrasing}")
        for text, name, slots in result.failed.get(phrasing, [])[: opts.show]:
            print(f"          {text!r} -> {name} {slots}")
    print(f"{result.accuracy():6.1%}  all ({opts.n} tracks x {len(PHRASINGS)} phrasings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
