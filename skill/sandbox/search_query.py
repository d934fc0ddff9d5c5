"""Search text: folding, tokens, and the parsed form of a Spotify ``q``.

Folding lower-cases (casefold), strips diacritics (``Beyoncé`` → ``beyonce``, ``Motörhead`` →
``motorhead``) while keeping non-Latin scripts (Hangul recomposes, kana lose only their voicing
marks), drops apostrophes inside words (``don't`` → ``dont``), reads ``!`` between letters as ``i``
(``P!nk`` → ``pink``) and ``&`` as ``and``.
Tokens are the runs of letters and digits that remain.

A query mixes free words and field filters, as Spotify documents them: ``artist:``,
``track:``, ``album:``, ``genre:``, ``year:`` (``1999`` or ``1990-1999``), plus ``isrc:``,
``upc:`` and ``tag:`` (``new``/``hipster``). A filter value is either quoted
(``track:"Blue in Green"``) or runs up to the next filter (``artist:Miles Davis
album:Kind of Blue``); words before the first filter are free words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

FIELDS = ("track", "artist", "album", "genre", "year", "isrc", "upc", "tag")
_FILTER = re.compile(r"\b(" + "|".join(FIELDS) + r"):", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’`´](?=\w)")
_BANG = re.compile(r"(?<=[a-z])!(?=[a-z])")
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


def fold(text: str) -> str:
    """Lower-case, diacritic-free text (see the module doc)."""
    text = text.casefold()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", stripped)
    if "'" in text or not text.isascii():
        text = _APOSTROPHES.sub("", text)
    if "!" in text:
        text = _BANG.sub("i", text)  # P!nk is searched as "pink"
    return text.replace("&", " and ") if "&" in text else text


@lru_cache(maxsize=262144)
def _cached_tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``."""
    return list(_cached_tokens(text))


def joined_token(text: str) -> str | None:
    """``AC/DC`` → ``acdc``, ``Jay-Z`` → ``jayz``, ``P!nk`` → ``pnk``: the name written without
    its inner punctuation, for names people type as one word; None when nothing joins."""
    return joined_from(tokens(text))


def joined_from(parts: list[str]) -> str | None:
    """:func:`joined_token` of already folded tokens."""
    if len(parts) < 2 or len(parts) > 3 or any(len(p) > 3 for p in parts):
        return None
    return "".join(parts)


def core_title(name: str) -> str:
    """A title without its version suffix: ``Bohemian Rhapsody - Remastered 2011`` →
    ``Bohemian Rhapsody``, ``Timeless (with Playboi Carti)`` → ``Timeless``."""
    cut = len(name)
    for mark in (" - ", " (", " ["):
        index = name.find(mark)
        if 0 < index < cut:
            cut = index
    return name[:cut].strip() or name


@dataclass(frozen=True)
class Query:
    """A parsed ``q``: free tokens and per-field tokens, plus the year range and flags."""

    free: tuple[str, ...] = ()
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    tags: frozenset[str] = frozenset()
    impossible: bool = False
    """A filter nothing in the sandbox can satisfy (``isrc:``, ``upc:``, a bad year)."""

    @property
    def empty(self) -> bool:
        return not self.free and not self.fields and self.years is None and not self.tags


def parse_query(q: str) -> Query:
    """Parse a Spotify search query (see the module doc)."""
    matches = list(_FILTER.finditer(q))
    free_text = q[: matches[0].start()] if matches else q
    fields: dict[str, list[str]] = {}
    years: tuple[int, int] | None = None
    tags: set[str] = set()
    impossible = False
    extra_free: list[str] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(q)
        raw = q[match.end() : end].strip()
        if raw.startswith('"'):
            closing = raw.find('"', 1)
            value = raw[1:closing] if closing > 0 else raw[1:]
            if closing > 0:
                extra_free.append(raw[closing + 1 :])
        else:
            value = raw
        name = match.group(1).lower()
        if name == "year":
            found = _YEAR.match(value)
            if found is None:
                impossible = True
                continue
            low = int(found.group(1))
            high = int(found.group(2) or low)
            years = (min(low, high), max(low, high))
        elif name == "tag":
            tags.update(tokens(value))
        elif name in ("isrc", "upc"):
            impossible = True
        else:
            words = tokens(value)
            if words:
                fields.setdefault(name, []).extend(words)
    free = tokens(free_text) + [t for text in extra_free for t in tokens(text)]
    if tags - {"hipster"}:
        impossible = True  # tag:new = released in the past two weeks; the data has years only
    return Query(
        free=tuple(free),
        fields={k: tuple(v) for k, v in fields.items()},
        years=years,
        tags=frozenset(tags),
        impossible=impossible,
    )
