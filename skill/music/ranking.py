"""The score that orders catalog candidates for one request (higher is better, about 0..100).

Every name is compared after :func:`skill.music.names.normalize` with rapidfuzz, as the
best of the plain ratio, the ratio of the :func:`~skill.music.names.compact` forms (``ac dc`` /
``acdc``) and, for a title, album or playlist name, the same against its core without the
version suffix (``Bohemian Rhapsody - Remastered 2011`` → ``Bohemian Rhapsody``).
Similarities are 0..100.

``score = match + rank - penalties``

* **match** (0..90):
  - title and artist asked: ``0.55 × title + 0.35 × artist`` (artist = the best of the
    candidate's credited artists, a leading "the" optional); 0 when the artist matches less
    than :data:`ARTIST_FLOOR` or the title less than :data:`TITLE_FLOOR` (another artist's
    song, or another song of the artist, is not the one asked for);
  - only a title (or an album, artist or playlist name): ``0.90 × title``;
  - free text of unknown shape ("the weeknd blinding lights"): ``0.90 ×`` the best of the
    title similarity and the token-set similarity of the text with "title artists" and
    "artists title"; for a text with "by" in it, 0 when a split at "by" names the
    candidate's artist with another title, or its title with another artist, and none passes
    both floors, unless the whole text is its title (at least :data:`BY_TITLE_FLOOR`).
* **rank** (0..10): Spotify's popularity / 10 when the API gives it; otherwise the position
  in Spotify's result order, ``10 − position`` (the best position over the queries that
  returned the candidate). Development-mode apps get no popularity, so the order is the
  popularity signal.
* **penalties**: 15 for each unasked version marker among karaoke, cover, tribute,
  instrumental, live, remix, sped up, slowed (at most 30); 5 for an unasked acoustic or demo;
  10 when the user asked for a version (e.g. "live", or for an album "deluxe") the
  candidate is not. Editions (deluxe, remastered…) are not penalised: see below.
* **library bonus**: +5 for the user's own and followed playlists.
* **playlist floor**: a playlist whose name matches the asked one less than
  :data:`PLAYLIST_FLOOR` is out, however high its rank or library bonus
  (:func:`playlist_similarity`: the title similarity, or a name holding every asked word).
* **kind**: for free text of unknown kind, −2 for a track, −3 for an album and −5 for a
  playlist, so "play queen" is the artist and "play blinding lights" the song rather than
  the single of the same name.

Candidates for the same work (same normalised core title and primary artist and the same
penalised markers, e.g. a single and its album version) collapse to the best scoring one.
An album's editions are one work too ("Rumours", "Rumours (Super Deluxe)", "Abbey Road
(Remastered)"): the plain edition is kept unless the user asked for an edition
(:data:`~skill.music.names.EDITIONS`, :func:`unasked_editions`), and ranks as the work's best
scoring edition did, so the preference changes no order between different works. An
asked edition missing costs 10 like any asked version.
For free text of unknown kind, an album named like a track of the same artist (the single)
collapses into the track, which keeps the better score.

**Artist instead**: when a title and an artist were both named and nothing passes the floors,
the artist alone may play instead (:meth:`skill.music.resolve.Resolver.artist_instead`): only
an artist whose name matches the asked one at least :data:`ARTIST_INSTEAD_FLOOR` and that is
not too close to call against another artist.

**Ambiguity**: the top two distinct works are too close to call when their scores differ by
less than :data:`AMBIGUITY_MARGIN` (1.5, i.e. less than two positions in Spotify's order
with equal names) and the runner-up still matches well (at least :data:`AMBIGUITY_FLOOR`).
Two different artists or albums of the same name count as different works. Genre and liked
songs requests are never ambiguous: any of the top answers will do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from skill.music.names import EDITIONS, MILD, PENALIZED, compact, normalize, split_version

TITLE_AND_ARTIST = (0.55, 0.35)
NAME_ONLY = 0.90
RANK_MAX = 10.0
MARKER_PENALTY = 15.0
MARKER_PENALTY_MAX = 30.0
MILD_PENALTY = 5.0
MISSING_ASKED_PENALTY = 10.0
LIBRARY_BONUS = 5.0
#: free text of unknown kind: what else a name may be, after a track or an artist
KIND_PENALTY = {"track": 2.0, "album": 3.0, "playlist": 5.0}
#: a genre playlist loses this much per word beyond the genre's (at most 15)
EXTRA_WORD_PENALTY = 2.0
AMBIGUITY_MARGIN = 1.5
AMBIGUITY_FLOOR = 70.0
#: a name matched only without its version suffix scores at most this
CORE_MATCH_MAX = 99.0
#: below this nothing is considered a match
MATCH_FLOOR = 50.0
#: a track or album asked for by title and artist is out when its artists match less than
#: ARTIST_FLOOR ("i want you" by Marvin Gaye is not "I Don't Want You" by Martin Miller: 58)
#: or its title less than TITLE_FLOOR ("I Want To Come Home For Christmas" by Marvin Gaye: 37)
ARTIST_FLOOR = 60.0
TITLE_FLOOR = 50.0
#: the whole "X by Y" read as one title ("Stand By Me") must match at least this well
BY_TITLE_FLOOR = 80.0
#: a playlist is the one asked for only when its name matches at least this well
#: (:func:`playlist_similarity`): "dinner party" is not "Dinner Jazz" (70) nor "release radar"
#: "Road Trip" (40), even in the user's library; "90s dance" is "90s Dance Hits" (98)
PLAYLIST_FLOOR = 75.0
#: a title-and-artist request that found nothing plays the artist instead only when the
#: catalog's artist matches the asked one at least this well ("marvin gay" → Marvin Gaye: 95;
#: "prince" → Princess: 86 is not the artist asked for)
ARTIST_INSTEAD_FLOOR = 90.0
#: an artist's name said in part (:func:`name_similarity`): a whole-word run of the name
#: scores this, less PART_EXTRA_WORD per word left unsaid
PART_OF_NAME = 90.0
PART_EXTRA_WORD = 3.0


def similarity(asked: str, name: str) -> float:
    """0..100: how well the normalised ``asked`` matches ``name``."""
    a, b = normalize(asked), normalize(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    ca, cb = a.replace(" ", ""), b.replace(" ", "")
    best = max(fuzz.ratio(a, b), fuzz.ratio(ca, cb) if ca and cb else 0.0)
    return float(best)


def name_similarity(asked: str, name: str) -> float:
    """:func:`similarity` for an artist's name, where a part said alone is a whole-word run
    of the name ("elvis" in Elvis Presley, "bruno" in Bruno Mars): such a part scores
    :data:`PART_OF_NAME` less :data:`PART_EXTRA_WORD` per word not said, the same for every
    name it is part of, so Spotify's order (its popularity) decides among them rather than
    which name is shortest (Elvis Crespo is no likelier than Elvis Presley)."""
    best = similarity(asked, name)
    said, words = normalize(asked).split(), normalize(name).split()
    if not said or len(said) >= len(words) or best >= PART_OF_NAME:
        return best
    k = len(said)
    if any(words[i : i + k] == said for i in range(len(words) - k + 1)):
        best = max(best, PART_OF_NAME - PART_EXTRA_WORD * (len(words) - k))
    return best


def title_similarity(asked: str, title: str) -> float:
    """The best of the full title and its core without the version suffix (the core at most
    :data:`CORE_MATCH_MAX`, so a name said exactly as written wins a tie)."""
    core, version = split_version(title)
    best = similarity(asked, title)
    if version and best < 100:
        best = max(best, min(CORE_MATCH_MAX, similarity(asked, core)))
    return best


def artist_similarity(asked: str, artists: Sequence[str]) -> float:
    """The best credited artist; a leading "the" on either side is optional."""
    best = 0.0
    asked_bare = _without_the(asked)
    for artist in artists:
        best = max(best, similarity(asked, artist), similarity(asked_bare, _without_the(artist)))
        if best == 100:
            break
    # "simon and garfunkel" against the credits "Simon & Garfunkel" or two credited names
    if len(artists) > 1 and best < 100:
        best = max(best, similarity(asked, " and ".join(artists)) - 5)
    return best


def free_similarity(text: str, title: str, artists: Sequence[str]) -> float:
    """Free text of unknown shape against a title and its artists."""
    core = split_version(title)[0]
    best = title_similarity(text, title)
    asked = normalize(text)
    names = " ".join(normalize(a) for a in artists)
    for combined in (f"{normalize(core)} {names}", f"{names} {normalize(core)}"):
        best = max(best, float(fuzz.token_set_ratio(asked, combined)) - 2.0)
        best = max(best, float(fuzz.ratio(asked, combined)))
    return best


def contains_similarity(asked: str, name: str) -> float:
    """Like :func:`similarity`, but a name holding every asked word scores 100 less 2 per
    extra word ("jazz" in "Smooth Jazz Classics": 96)."""
    a, b = normalize(asked), normalize(name)
    if not a or not b:
        return 0.0
    extra = len(set(b.split()) - set(a.split()))
    held = float(fuzz.token_set_ratio(a, b)) - min(15.0, EXTRA_WORD_PENALTY * extra)
    return max(similarity(asked, name), held)


def playlist_similarity(asked: str, name: str) -> float:
    """How well a playlist's name matches the asked one, for :data:`PLAYLIST_FLOOR`: the
    best of :func:`title_similarity` and :func:`contains_similarity` (a name holding every
    asked word: "workout" in "Workout Mix 2023")."""
    return max(title_similarity(asked, name), contains_similarity(asked, name))


def _without_the(name: str) -> str:
    words = normalize(name).split()
    return " ".join(words[1:]) if len(words) > 1 and words[0] == "the" else " ".join(words)


def rank_bonus(position: int | None, popularity: int | None) -> float:
    if popularity is not None:
        return max(0.0, min(RANK_MAX, popularity / 10))
    if position is None:
        return 0.0
    return max(0.0, RANK_MAX - position)


def penalties(markers: Iterable[str], asked: Iterable[str]) -> tuple[float, list[str]]:
    """Total penalty and its reasons for a candidate with ``markers`` when the user asked
    for the versions ``asked``."""
    marks = set(markers)
    wanted = set(asked)
    total = 0.0
    reasons: list[str] = []
    hard = sorted((marks & PENALIZED) - wanted)
    if hard:
        total += min(MARKER_PENALTY_MAX, MARKER_PENALTY * len(hard))
        reasons.extend(f"penalty {m}" for m in hard)
    for mark in sorted((marks & MILD) - wanted):
        total += MILD_PENALTY
        reasons.append(f"penalty {mark}")
    for mark in sorted((wanted & (PENALIZED | MILD | EDITIONS)) - marks):
        total += MISSING_ASKED_PENALTY
        reasons.append(f"not {mark}")
    return total, reasons


@dataclass(frozen=True)
class Scored:
    """A score and the reasons that make it up (for debug output)."""

    score: float
    reasons: tuple[str, ...]


def compose(
    match: float,
    match_reasons: Sequence[str],
    *,
    position: int | None,
    popularity: int | None,
    markers: Iterable[str],
    asked_markers: Iterable[str],
    library: bool = False,
) -> Scored:
    """``match + rank - penalties (+ library bonus)`` with readable reasons."""
    rank = rank_bonus(position, popularity)
    penalty, penalty_reasons = penalties(markers, asked_markers)
    score = match + rank - penalty + (LIBRARY_BONUS if library else 0.0)
    reasons = [*match_reasons]
    reasons.append(f"popularity {popularity}" if popularity is not None else f"rank {position}")
    if library:
        reasons.append("library")
    reasons.extend(penalty_reasons)
    return Scored(round(score, 2), tuple(reasons))


def unasked_editions(markers: Iterable[str], asked: Iterable[str]) -> int:
    """How many edition markers (:data:`~skill.music.names.EDITIONS`: deluxe and the like,
    remastered) a candidate has that the user did not ask for; 0 for the plain edition."""
    return len((set(markers) & EDITIONS) - set(asked))


def work_key(
    kind: str, name: str, artists: Sequence[str], markers: Iterable[str]
) -> tuple[str, ...]:
    """What makes two candidates the same work (duplicates collapse to the best)."""
    primary = normalize(artists[0]) if artists else ""
    title = compact(split_version(name)[0])
    return (kind, title, primary, ",".join(sorted(set(markers) & PENALIZED)))
