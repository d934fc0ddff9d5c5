"""The one normalisation of names, used wherever a spoken name meets a catalog name.

:func:`normalize` turns "Beyoncé", "beyonce", "P!nk", "pink", "AC/DC", "a c d c", "twenty two",
"22", "Guns N' Roses" and "guns and roses" into comparable strings:

1. **characters**: casefold; diacritics folded (``é`` → ``e``, ``ø`` → ``o``, ``æ`` → ``ae``;
   non-Latin scripts are kept, Hangul recomposed); symbols inside a word read as the letter
   they stand for (``P!nk`` → ``pink``, ``Ke$ha`` → ``kesha``); apostrophes inside a word
   dropped (``don't`` → ``dont``); ``&`` and ``+`` read as ``and``; any other punctuation
   separates words.
2. **words**: a lone ``n`` (``rock 'n' roll``) is ``and``; ``mister``/``doctor``/``part``/
   ``volume`` take their written short forms (``mr``, ``dr``, ``pt``, ``vol``); spoken numbers
   become digits (``twenty two`` → ``22``, ``nineteen eighty nine`` → ``1989``, ``five oh
   five`` → ``505``, ``two thousand two`` → ``2002``, ``twenty fifth`` → ``25th``); roman
   numerals ``ii``..``xx`` become
   digits; decades read as digits (``seventies``, ``70's`` → ``70s``); two or more single
   letters in a row are one word (``a c d c`` → ``acdc``, ``r e m`` → ``rem``).
3. **aliases** from ``data/entities/aliases.yaml`` (homophones and nicknames: ``the
   weekend`` → ``the weeknd``, ``tupac`` → ``2pac``) replace whole phrases.

:func:`compact` removes the spaces too (``AC/DC`` → ``ac dc`` → ``acdc``), for names written
with inner punctuation. :func:`split_version` separates a title's version suffix (``-
Remastered 2011``, ``(2022 Remaster)``, ``- Live``, ``(feat. …)``, ``(with …)``) from its core,
and :func:`version_markers` says which kinds of version a title, album or artist marks
(karaoke, cover, tribute, instrumental, live, remix, sped up, slowed, acoustic, demo,
remaster, and edition: deluxe, expanded, anniversary, "… edition", bonus tracks, reissue).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from skill.nlu.entities import LIST_FILES

_LETTER_MAP = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th",
               "ð": "d", "ı": "i", "ħ": "h"}  # fmt: skip
#: symbols standing for a letter when written inside a word (``P!nk``, ``Ke$ha``, ``A$AP``)
_IN_WORD = {"!": "i", "$": "s", "@": "a"}
_APOSTROPHES = frozenset("'’‘ʼ`´")
_AND_SYMBOLS = frozenset("&+")
_WORD_FORMS = {"n": "and", "mister": "mr", "missus": "mrs", "doctor": "dr", "part": "pt",
               "volume": "vol", "okay": "ok", "versus": "vs", "twenties": "20s",
               "thirties": "30s", "forties": "40s", "fifties": "50s", "sixties": "60s",
               "seventies": "70s", "eighties": "80s", "nineties": "90s"}  # fmt: skip

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9}  # fmt: skip
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
_OH = frozenset({"oh", "o"})
_DECADE_WORDS = {w: f for w, f in _WORD_FORMS.items() if f.endswith("0s")}
_PLURAL_UNITS = {"ones": 1, "twos": 2, "threes": 3, "fours": 4, "fives": 5, "sixes": 6,
                 "sevens": 7, "eights": 8, "nines": 9}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
             "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
             "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
             "eightieth": 80, "ninetieth": 90, "hundredth": 100}  # fmt: skip
_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "xi": 11,
          "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18,
          "xix": 19, "xx": 20}  # fmt: skip

ALIASES_PATH = Path(__file__).resolve().parents[2] / "data" / "entities" / "aliases.yaml"
#: Spotify's own well-known playlists (the parser's gazetteer, one name a line, # comments)
SPOTIFY_PLAYLISTS_PATH = ALIASES_PATH.with_name("playlists.txt")
#: moods, occasions and languages: every gazetteer file the parser labels MOOD (same format)
MOOD_PATHS = tuple(
    ALIASES_PATH.with_name(name) for name, label in LIST_FILES.items() if label == "MOOD"
)


# -- characters --------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    low = ch.casefold()
    mapped = "".join(_LETTER_MAP.get(c, c) for c in low)
    decomposed = unicodedata.normalize("NFKD", mapped)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Casefolded, diacritic-free ``text`` with words and punctuation otherwise untouched."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", "".join(_fold_char(c) for c in text))


_SPECIAL = frozenset(_IN_WORD) | _APOSTROPHES | _AND_SYMBOLS
_PLAIN_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return list(_cached_words(text))


@lru_cache(maxsize=65536)
def _cached_words(text: str) -> tuple[str, ...]:
    folded = fold(text)
    if _SPECIAL.isdisjoint(folded):  # the common case: words and plain punctuation
        return tuple(_PLAIN_WORD.findall(folded))
    out: list[str] = []
    buf: list[str] = []
    n = len(folded)

    def flush() -> None:
        if buf:
            out.append("".join(buf))
            buf.clear()

    for i, ch in enumerate(folded):
        if ch.isalnum():
            buf.append(ch)
            continue
        before = bool(buf) and buf[-1].isalpha()
        after = i + 1 < n and folded[i + 1].isalnum()
        if ch in _APOSTROPHES and before and after:
            continue
        letter_next = after and folded[i + 1].isalpha()
        if ch in _IN_WORD and (before and (after or ch == "$") or ch == "$" and letter_next):
            buf.append(_IN_WORD[ch])
            continue
        flush()
        if ch in _AND_SYMBOLS:
            out.append("and")
    flush()
    return tuple(out)


# -- words -------------------------------------------------------------------------------


def _two_digit(words: Sequence[str], i: int) -> tuple[int, int] | None:
    """10..99 spoken at ``i`` ("eighty nine", "twelve", "oh five") -> (value, used)."""
    if i >= len(words):
        return None
    word = words[i]
    if word in _TEENS:
        return _TEENS[word], 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _UNITS and words[i + 1] != "zero":
            return _TENS[word] + _UNITS[words[i + 1]], 2
        return _TENS[word], 1
    if word in _OH and i + 1 < len(words) and words[i + 1] in _UNITS:
        return _UNITS[words[i + 1]], 2
    return None


def _year(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """ "nineteen eighty nine" → 1989, "twenty oh two" → 2002, "nineteen hundred" → 1900."""
    first = words[i]
    if not (first in _TEENS and _TEENS[first] >= 11 or first == "twenty"):
        return None
    century = _TEENS.get(first, 20)
    if i + 1 < len(words) and words[i + 1] == "hundred":
        if i + 2 < len(words) and words[i + 2] not in ("and",):
            rest = _two_digit(words, i + 2)
            if rest is not None:
                return str(century * 100 + rest[0]), 2 + rest[1]
        return str(century * 100), 2
    rest = _two_digit(words, i + 1)
    if rest is None or (first == "twenty" and words[i + 1] in _UNITS):
        return None
    return str(century * 100 + rest[0]), 1 + rest[1]


def _digit_string(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """ "five oh five" → 505: three or more digits, at least one of them "oh"."""
    digits: list[str] = []
    j = i
    while j < len(words) and (words[j] in _UNITS or words[j] in _OH):
        digits.append("0" if words[j] in _OH else str(_UNITS[words[j]]))
        j += 1
    if len(digits) < 3 or not any(w in _OH for w in words[i:j]):
        return None
    return "".join(digits), j - i


def _ordinal(value: int) -> str:
    if 10 <= value % 100 <= 13:
        return f"{value}th"
    return f"{value}{({1: 'st', 2: 'nd', 3: 'rd'}).get(value % 10, 'th')}"


def _cardinal(words: Sequence[str], i: int) -> tuple[str, int] | None:
    """ "twenty two" → 22, "one hundred and six" → 106, "two thousand two" → 2002,
    "twenty fifth" → 25th."""
    total = current = 0
    last = ""
    j = i
    while j < len(words):
        word = words[j]
        if word == "hundredth" and last in ("", "unit", "teen", "tens"):
            return _ordinal(total + max(current, 1) * 100), j + 1 - i
        if word in _ORDINALS and last in ("", "tens", "scale", "and"):
            return _ordinal(total + current + _ORDINALS[word]), j + 1 - i
        if word in _PLURAL_UNITS and last in ("tens", "scale", "and"):  # "fifty twos"
            return f"{total + current + _PLURAL_UNITS[word]}s", j + 1 - i
        if word in _UNITS or word in _TEENS:
            if last in ("unit", "teen"):
                break
            current += _UNITS.get(word, _TEENS.get(word, 0))
            last = "teen" if word in _TEENS else "unit"
        elif word in _TENS:
            if last in ("unit", "teen", "tens"):
                break
            current += _TENS[word]
            last = "tens"
        elif word == "hundred" and last in ("unit", "teen", "tens"):
            current = max(current, 1) * 100
            last = "scale"
        elif word == "thousand" and last in ("unit", "teen", "tens", "scale"):
            total += max(current, 1) * 1000
            current = 0
            last = "scale"
        elif (
            word == "and"
            and last == "scale"
            and j + 1 < len(words)
            and (words[j + 1] in _UNITS or words[j + 1] in _TEENS or words[j + 1] in _TENS)
        ):
            last = "and"
        else:
            break
        j += 1
    if j == i or last == "and":
        return None
    return str(total + current), j - i


def _numbers(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _UNITS or word in _TEENS or word in _TENS or word in _ORDINALS:
            found = _digit_string(words, i) or _year(words, i) or _cardinal(words, i)
            if found is not None:
                out.append(found[0])
                i += found[1]
                continue
        out.append(str(_ROMAN[word]) if word in _ROMAN else word)
        i += 1
    return out


def _letters(words: list[str]) -> list[str]:
    """Join runs of two or more single letters ("a c d c" → "acdc")."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out.extend(["".join(run)] if len(run) > 1 else run)
            run = []
        if word:
            out.append(word)
    return out


def _decades(words: list[str]) -> list[str]:
    """ "70 s" (from "70's" or "seventy s") → "70s"; "19 90s" → "1990s"."""
    out: list[str] = []
    for word in words:
        if word == "s" and out and out[-1].isdigit():
            out[-1] += "s"
        elif len(word) == 3 and word.endswith("0s") and out and out[-1] in ("19", "20"):
            out[-1] += word  # "nineteen nineties" → "1990s"
        else:
            out.append(word)
    return out


def _base(text: str) -> list[str]:
    words = [_WORD_FORMS.get(w, w) for w in _words(text)]
    return _letters(_decades(_numbers(words)))


# -- aliases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Aliases:
    """Phrase → canonical phrase, both as normalised word tuples; longest phrase first."""

    phrases: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    spelled: Mapping[tuple[str, ...], str]
    """canonical words → the catalog spelling (for search queries)."""
    respelled: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    """whole names that normalise alike but that a search engine would not match ("pink"
    for "P!nk") → the catalog spelling."""
    _starts: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for source, target in self.phrases:  # by first word, longest first
            self._starts.setdefault(source[0], []).append((source, target))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Iterable[str]]) -> Aliases:
        pairs: dict[tuple[str, ...], tuple[str, ...]] = {}
        spelled: dict[tuple[str, ...], str] = {}
        respelled: dict[tuple[str, ...], str] = {}
        for canonical, spoken in data.items():
            target = tuple(_base(str(canonical)))
            spelled[target] = str(canonical)
            for phrase in spoken:
                source = tuple(_base(str(phrase)))
                if source and source != target:
                    pairs[source] = target
                elif source:
                    respelled[source] = str(canonical)
        ordered = sorted(pairs.items(), key=lambda item: (-len(item[0]), item[0]))
        return cls(tuple(ordered), spelled, respelled)

    @classmethod
    def load(cls, path: Path = ALIASES_PATH) -> Aliases:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
            raise ValueError(f"{path}: expected 'Catalog Name: [spoken, ...]' entries")
        return cls.from_mapping(raw)

    def apply(self, words: Sequence[str]) -> tuple[list[str], list[tuple[int, int, str]]]:
        """Replace alias phrases; also returns (start, end, catalog spelling) per replacement
        in the input's word positions."""
        out: list[str] = []
        hits: list[tuple[int, int, str]] = []
        starts = self._starts
        i = 0
        while i < len(words):
            for source, target in starts.get(words[i], ()):
                if tuple(words[i : i + len(source)]) == source:
                    out.extend(target)
                    hits.append((i, i + len(source), self.spelled[target]))
                    i += len(source)
                    break
            else:
                out.append(words[i])
                i += 1
        return out, hits


@lru_cache(maxsize=1)
def aliases() -> Aliases:
    """The shipped alias table."""
    return Aliases.load()


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The comparable form of a name or a spoken phrase (see the module doc)."""
    words, _ = aliases().apply(_base(text))
    return " ".join(words)


def compact(text: str) -> str:
    """:func:`normalize` without spaces: ``AC/DC`` and ``a c d c`` both give ``acdc``."""
    return normalize(text).replace(" ", "")


def search_forms(text: str) -> list[str]:
    """Ways to send ``text`` to a search engine that matches words, not sounds, best guess
    first: with aliases in catalog spelling ("the weekend blinding lights" → "the weeknd
    blinding lights") when there are any, the text as said (diacritics folded), then with
    spoken numbers as digits and letters spoken apart joined ("twenty two" → "22", "a c d c"
    → "acdc"); each only once. Catalog spellings keep their punctuation ("P!nk" for "pink");
    elsewhere punctuation is left out."""
    plain = _words(text)
    forms: list[str] = []
    based = _base(text)
    table = aliases()
    whole = table.respelled.get(tuple(based))
    if whole is not None:
        forms.append(whole.replace('"', " "))
    _, hits = table.apply(based)
    if hits:
        parts: list[str] = []
        cursor = 0
        for start, end, spelling in hits:
            parts.extend(based[cursor:start])
            parts.append(spelling.replace('"', " "))
            cursor = end
        parts.extend(based[cursor:])
        forms.append(" ".join(parts))
    forms.append(" ".join(plain))
    spoken = _letters(_decades(_numbers([_DECADE_WORDS.get(w, w) for w in plain])))
    if spoken != plain:
        forms.append(" ".join(spoken))
    return [form for form in dict.fromkeys(forms) if form]


# -- Spotify's own playlists -------------------------------------------------------------


@lru_cache(maxsize=4)
def _name_list(path: Path) -> frozenset[str]:
    """A gazetteer of ``data/entities`` (one name a line, # comments), normalised."""
    lines = path.read_text(encoding="utf-8").splitlines()
    names = (normalize(line.split("#", 1)[0]) for line in lines)
    return frozenset(name for name in names if name)


def _spotify_playlists() -> frozenset[str]:
    return _name_list(SPOTIFY_PLAYLISTS_PATH)


def mood(name: str) -> bool:
    """``name`` is a mood, an occasion or a language of the parser's gazetteers ("relaxing",
    "workout", "feel good", "hindi"): what a playlist is named for more often than a song."""
    said = " ".join(normalize(name).split())
    return any(said in _name_list(path) for path in MOOD_PATHS)


def spotify_playlist(name: str) -> bool:
    """``name`` is one of Spotify's own editorial or personalised playlists ("release
    radar", "today's top hits", "my daily mix 2"), which development-mode apps cannot open
    (BEHAVIOR.md: search hides them, a GET is 404)."""
    words = normalize(name).split()
    known = _spotify_playlists()
    if " ".join(words) in known:
        return True
    return len(words) > 1 and words[0] in ("my", "the", "your") and " ".join(words[1:]) in known


# -- versions ----------------------------------------------------------------------------

_FEAT = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+.*$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def split_version(title: str) -> tuple[str, str]:
    """``(core, version)``: ``"Bohemian Rhapsody - Remastered 2011"`` → ``("Bohemian
    Rhapsody", "Remastered 2011")``, ``"Timeless (with Playboi Carti)"`` → ``("Timeless", "with
    Playboi Carti")``. A leading parenthesis (``(I Can't Get No) Satisfaction``) is part of
    the core; a title that would become empty keeps everything."""
    cut = len(title)
    for mark in (" - ", " – ", " — ", " (", " [", " {"):
        index = title.find(mark)
        if 0 < index < cut:
            cut = index
    feat = _FEAT.search(title[:cut])
    if feat is not None and feat.start() > 0:
        cut = feat.start()
    core = title[:cut].strip()
    if not core or not normalize(core):
        return title.strip(), ""
    version = title[cut:].strip(" -–—()[]{}")
    return core, version


def core_title(title: str) -> str:
    """The title without its version suffix."""
    return split_version(title)[0]


_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("karaoke", r"\bkaraoke\b|\bin the style of\b|\bmade famous\b|\boriginally performed\b"
                    r"|\bsing along\b|\bsingalong\b"),
        ("cover", r"\bcover(s|ed)?\b"),
        ("tribute", r"\btribute\b"),
        ("instrumental", r"\binstrumentals?\b|\bbacking tracks?\b|\bminus one\b"),
        ("live", r"\blive\b|\bunplugged\b|\bin concert\b"),
        ("remix", r"\bremix(es|ed)?\b|\brmx\b|\bmix\b|\bbootleg\b|\brework\b|\bflip\b|\bvip\b"
                  r"|\bhardstyle\b|\blo ?fi\b|\b8d\b"),
        ("sped_up", r"\bsped up\b|\bspeed up\b|\bnightcore\b|\bfaster\b"),
        ("slowed", r"\bslowed\b|\breverb\b|\bchopped and screwed\b"),
        ("acoustic", r"\bacoustic\b|\bunplugged\b|\bpiano version\b|\bstripped\b"),
        ("demo", r"\bdemo\b"),
        ("remaster", r"\bremaster(ed)?\b|\bremastering\b"),
        ("edition", r"\bdeluxe\b|\bexpanded\b|\banniversary\b|\bedition\b"
                    r"|\bbonus tracks?\b|\breissue\b"),
    )
)  # fmt: skip
_NOT_EDITION = frozenset(name for name, _ in _MARKERS if name != "edition")
_ALBUM_MARKERS = frozenset({"karaoke", "tribute", "cover", "instrumental", "sped_up", "slowed"})
_ALBUM_LIVE = re.compile(r"^live\b|\blive (at|in|from|on)\b|\blive$|\bunplugged\b|\bin concert\b")
_ARTIST_MARKERS = frozenset({"karaoke", "tribute", "cover"})

#: markers that make a version worse than the original unless asked for
PENALIZED = frozenset(
    {"karaoke", "cover", "tribute", "instrumental", "live", "remix", "sped_up", "slowed"}
)
#: markers of a legitimate but less expected version (small penalty)
MILD = frozenset({"acoustic", "demo"})
#: markers of another edition of the same work: an album's Deluxe, Super Deluxe, Expanded,
#: Anniversary or Remastered edition ("Rumours (Super Deluxe)"), a remastered track. Not
#: penalised, but when the user did not ask for one the plain album wins over its editions
#: (:func:`skill.music.candidates.rank`); asked for ("the deluxe version"), it is honoured
EDITIONS = frozenset({"edition", "remaster"})


_TRAILING = frozenset(
    {"live", "karaoke", "remix", "remixed", "acoustic", "instrumental", "cover", "demo",
     "unplugged", "version", "slowed", "reverb", "nightcore", "sped", "up", "speed", "and",
     "the", "a"}
)  # fmt: skip
#: trailing words of an album request that ask for an edition ("rumours super deluxe")
_EDITION_TRAILING = frozenset({"deluxe", "super", "edition", "remastered", "remaster"})
#: words that ask for an edition only before an edition word ("expanded edition", "20th
#: anniversary edition"): "happy anniversary" is a title
_EDITION_WORDS = frozenset({"edition", "version", "deluxe", "anniversary"})
_BEFORE_EDITION = frozenset({"anniversary", "expanded", "special", "collectors", "legacy"})
_ORDINAL_NUMBER = re.compile(r"^\d+(st|nd|rd|th)$")


_LEADING = re.compile(
    r"^(?:the |a )?(?P<kind>(?:\w+ ){1,2}?)(?:version|cover|remix|edit|edition) of "
)


def asked_version(text: str, *, editions: bool = False) -> tuple[str, frozenset[str]]:
    """A request's text without the version words it asks with, and the markers they ask
    for: "bohemian rhapsody live" → ("bohemian rhapsody", {"live"}), "blinding lights sped up"
    → ("blinding lights", {"sped_up"}), "the live version of bohemian rhapsody" →
    ("bohemian rhapsody", {"live"}). Only trailing words and a leading "the … version of"
    count, so "live forever" asks for no live version; text that would become empty is kept
    whole.

    ``editions`` (album requests): edition words ask for an edition too, "rumours super
    deluxe" → ("rumours", {"edition"}), "the deluxe version of rumours" → ("rumours",
    {"edition"}); words that only qualify one count before an edition word ("20th
    anniversary edition"), so "happy anniversary" asks for none."""
    words = _words(text)
    joined = " ".join(words) + " "
    leading = _LEADING.match(joined)
    if leading is not None:
        asked = frozenset(_found(leading.group(0), None if editions else _NOT_EDITION))
        rest = joined[leading.end() :].strip()
        if asked and rest:
            inner, more = asked_version(rest, editions=editions)
            return inner, asked | more
    trailing = _TRAILING | _EDITION_TRAILING if editions else _TRAILING
    cut = len(words)
    while cut > 0 and (
        words[cut - 1] in trailing or editions and _before_edition(words, cut - 1)
    ):
        cut -= 1
    tail = " ".join(words[cut:])
    markers = frozenset(_found(tail)) if tail else frozenset()
    if not markers or cut == 0:
        return text, frozenset()
    return " ".join(words[:cut]), markers


def _before_edition(words: Sequence[str], index: int) -> bool:
    """``words[index]`` qualifies the edition word after it ("expanded edition", "20th" or
    "twentieth anniversary")."""
    if index + 1 >= len(words) or words[index + 1] not in _EDITION_WORDS:
        return False
    word = words[index]
    if words[index + 1] == "anniversary":
        return word in _ORDINALS or bool(_ORDINAL_NUMBER.match(word))
    return word in _BEFORE_EDITION


def _found(text: str, allowed: frozenset[str] | None = None) -> set[str]:
    words = " ".join(_words(text))
    return {
        name
        for name, pattern in _MARKERS
        if (allowed is None or name in allowed) and pattern.search(words)
    }


def version_markers(
    title: str,
    *,
    album: str | None = None,
    artists: Sequence[str] = (),
    whole: bool = False,
) -> frozenset[str]:
    """The kinds of version ``title`` is (see :data:`PENALIZED`, :data:`MILD`).

    In a catalog title only the version suffix counts ("Live Forever" is not live, "Bohemian
    Rhapsody - Live" is); ``whole=True`` reads all of ``title`` (for what a user asked:
    "bohemian rhapsody live"). The album name adds karaoke/tribute/cover/instrumental/sped
    up/slowed and live albums ("Live at Wembley"); artist names add karaoke, tribute and
    cover acts.
    """
    return _version_markers(title, album, tuple(artists), whole)


@lru_cache(maxsize=65536)
def _version_markers(
    title: str, album: str | None, artists: tuple[str, ...], whole: bool
) -> frozenset[str]:
    core, version = split_version(title)
    found = _found(title if whole else version)
    if not whole and not version:
        found |= _found(core, frozenset({"karaoke"}))
    if album:
        found |= _found(album, _ALBUM_MARKERS)
        if _ALBUM_LIVE.search(" ".join(_words(album))):
            found.add("live")
    for artist in artists:
        found |= _found(artist, _ARTIST_MARKERS)
    return frozenset(found)
