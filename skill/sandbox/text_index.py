"""The search engine: an inverted index over the fields of one kind of item.

The rules (an approximation of Spotify's search; see also :mod:`skill.sandbox.search`):

* every query word must match (AND), each in the fields it may match: free words in the
  track/album/artist names, filter words only in their field (``search_query`` parses ``q``);
* a word matches a token exactly, as a prefix (``blind`` → ``blinding``, words of 3+
  characters) or, only when nothing matches otherwise, with one typo (one insertion,
  deletion, substitution or swap; words of 3+ characters). If still nothing matches, one word
  may be left unmatched (a free word when there are two or more, or one word of a multi-word
  filter value);
* results are ordered by match quality (how well the words matched, how much of the core
  title and of the primary artist's name they cover, rare words counting more than common
  ones) in buckets of 0.25, then by popularity, then by id.

Typo candidates come from a symmetric-deletion index (every vocabulary token and its
one-character deletions), verified with the optimal-string-alignment distance.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from skill.sandbox.search_query import Query, core_title, joined_from, tokens

_FIELD_WEIGHT = {"name": 1.0, "artist": 1.0, "album": 0.9, "genre": 0.8}
_PREFIX_MIN, _TYPO_MIN, _PREFIX_CAP = 3, 3, 200
_NARROW_MAX = 40_000
"""Terms with longer postings are checked per candidate instead of by set intersection."""


RankKey = tuple[int, int, str]
"""(-quality bucket, -popularity, id): ascending order is rank order."""


@dataclass(frozen=True, slots=True)
class Hits:
    """One page of results: ids in rank order and the total number of matches."""

    ids: list[str]
    total: int


@dataclass(frozen=True, slots=True)
class Doc:
    """What an index needs of one searchable item."""

    id: str
    popularity: int
    fields: Mapping[str, str | Sequence[str]]
    """field -> text (or several texts, e.g. every artist of a track; the first is primary)."""
    year: int | frozenset[int] | None = None
    """The release year, or every year the item has releases in (an artist)."""


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TextIndex:
    """Inverted index over the fields of one kind of item (tracks, artists, ...)."""

    def __init__(
        self,
        docs: Iterable[Doc],
        free_fields: Sequence[str],
        filters: Mapping[str, str] | None = None,
        lazy_fields: Iterable[str] = (),
    ) -> None:
        """``filters`` maps a query filter (``artist``) to the field it searches; filters
        of other names do not apply to this kind and are ignored. ``lazy_fields`` (rarely
        searched, e.g. genres) get their postings on first use; they never count in the
        word statistics, so ranking does not depend on what was searched before."""
        self.free_fields = tuple(free_fields)
        self.filters = dict(filters or {})
        self.ids: list[str] = []
        self.popularity: list[int] = []
        self.years: list[int | frozenset[int] | None] = []
        self.core_len: list[int] = []
        self.primary_len: list[int] = []
        self.fields: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self.lazy_fields = frozenset(lazy_fields)
        postings: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._texts: dict[tuple[str, bool], tuple[tuple[int, ...], tuple[int, ...], int]] = {}
        self._multi: dict[
            tuple[tuple[str, ...], bool], tuple[tuple[int, ...], tuple[int, ...]]
        ] = {}
        self._cores: dict[str, int] = {}
        for number, doc in enumerate(docs):
            self.ids.append(doc.id)
            self.popularity.append(doc.popularity)
            self.years.append(doc.year)
            core = primary = 0
            for name, value in doc.fields.items():
                joined = name in ("name", "artist")
                if isinstance(value, str):
                    ids, unique, plain = self._text(value, joined)
                    if name == "name":
                        core = self._core_len(value)
                    elif name == "artist":
                        primary = plain
                elif len(value) == 1:
                    ids, unique, plain = self._text(value[0], joined)
                    if name == "artist":
                        primary = plain
                else:
                    ids, unique = self._several(tuple(value), joined)
                    if name == "artist" and value:
                        primary = self._text(value[0], joined)[2]
                self.fields[name].append(ids)
                if name in self.lazy_fields:
                    continue
                by_token = postings[name]
                for token_id in unique:
                    by_token[token_id].append(number)
            self.core_len.append(core)
            self.primary_len.append(primary)
        for name, per_doc in self.fields.items():
            if len(per_doc) != len(self.ids):
                raise ValueError(f"every document needs the field {name!r}")
        self.postings = {name: dict(by_token) for name, by_token in postings.items()}
        self.df = [0] * len(self.words)
        for by_token in self.postings.values():
            for token_id, posting in by_token.items():
                self.df[token_id] += len(posting)
        ranked_popularity = sorted(self.popularity)
        self.hipster_max = ranked_popularity[len(ranked_popularity) // 10] if self.ids else 0
        count = max(1, len(self.ids))
        self.idf = [math.log(1 + count / max(1, df)) for df in self.df]
        idf = self.idf
        names = self.fields.get("name", [])
        artists = self.fields.get("artist", [])
        self.core_idf = [
            sum(idf[t] for t in names[d][: self.core_len[d]]) if names else 0.0
            for d in range(len(self.ids))
        ]
        self.primary_idf = [
            sum(idf[t] for t in artists[d][: self.primary_len[d]]) if artists else 0.0
            for d in range(len(self.ids))
        ]
        self.sorted_words = sorted(self.words)
        # Deletion key -> token id, or -(1 + n) for the n-th list of several ids (most keys
        # have one token; a list per key would double the index's memory).
        self.typo_keys: dict[str, int] = {}
        self.typo_lists: list[list[int]] = []
        for token_id, word in enumerate(self.words):
            if len(word) < _TYPO_MIN - 1:
                continue
            keys = _deletions(word) if len(word) >= _TYPO_MIN else set()
            keys.add(word)
            for deletion in keys:
                known = self.typo_keys.get(deletion)
                if known is None:
                    self.typo_keys[deletion] = token_id
                elif known >= 0:
                    self.typo_lists.append([known, token_id])
                    self.typo_keys[deletion] = -len(self.typo_lists)
                else:
                    self.typo_lists[-known - 1].append(token_id)
        del self._texts, self._multi, self._cores

    def _text(self, text: str, joined: bool) -> tuple[tuple[int, ...], tuple[int, ...], int]:
        """``(token ids, distinct ids, number of plain tokens)`` of ``text``, memoised; with
        ``joined`` the name written as one word (``joined_token``) is added as a last token."""
        key = (text, joined)
        cached = self._texts.get(key)
        if cached is None:
            words = tokens(text)
            plain = len(words)
            extra = joined_from(words) if joined else None
            if extra:
                words.append(extra)
            ids = tuple(self._word_id(w) for w in words)
            cached = self._texts[key] = (ids, tuple(dict.fromkeys(ids)), plain)
        return cached

    def _several(
        self, texts: tuple[str, ...], joined: bool
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        key = (texts, joined)
        cached = self._multi.get(key)
        if cached is None:
            ids = tuple(i for text in texts for i in self._text(text, joined)[0])
            cached = self._multi[key] = (ids, tuple(dict.fromkeys(ids)))
        return cached

    def _core_len(self, name: str) -> int:
        core = self._cores.get(name)
        if core is None:
            core = self._cores[name] = len(tokens(core_title(name)))
        return core

    def _postings(self, field: str) -> dict[int, list[int]]:
        """The field's postings; a lazy field's are built on first use."""
        found = self.postings.get(field)
        if found is None:
            if field not in self.fields:
                return {}
            built: dict[int, list[int]] = defaultdict(list)
            for number, ids in enumerate(self.fields[field]):
                for token_id in dict.fromkeys(ids):
                    built[token_id].append(number)
            found = self.postings[field] = dict(built)
        return found

    def _word_id(self, word: str) -> int:
        token_id = self.vocab.get(word)
        if token_id is None:
            token_id = self.vocab[word] = len(self.words)
            self.words.append(word)
        return token_id

    # -- expansion ------------------------------------------------------------------------

    def expand(self, word: str, *, typos: bool) -> dict[int, float]:
        """Vocabulary tokens ``word`` may stand for, with a match quality in (0, 1]."""
        found: dict[int, float] = {}
        exact = self.vocab.get(word)
        if exact is not None:
            found[exact] = 1.0
        if len(word) >= _PREFIX_MIN:
            start = bisect.bisect_left(self.sorted_words, word)
            end = bisect.bisect_left(self.sorted_words, word + "\U0010ffff", start)
            candidates = self.sorted_words[start:end]
            if len(candidates) > _PREFIX_CAP:
                candidates = heapq.nlargest(
                    _PREFIX_CAP, candidates, key=lambda w: self.df[self.vocab[w]]
                )
            for other in candidates:
                if other != word:
                    found[self.vocab[other]] = 0.55 + 0.35 * len(word) / len(other)
        if typos and len(word) >= _TYPO_MIN:
            seen: set[int] = set()
            for key in _deletions(word) | {word}:
                known = self.typo_keys.get(key)
                if known is None:
                    continue
                if known >= 0:
                    seen.add(known)
                else:
                    seen.update(self.typo_lists[-known - 1])
            for token_id in seen:
                if token_id not in found and OSA.distance(word, self.words[token_id]) <= 1:
                    found[token_id] = 0.6
        return found

    # -- search ---------------------------------------------------------------------------

    def search(self, query: Query, *, limit: int, offset: int) -> Hits:
        ranked, total = self.ranked(query, wanted=offset + limit)
        return Hits([item_id for _, item_id in ranked[offset:]], total)

    def ranked(
        self, query: Query, *, wanted: int, exclude: frozenset[str] = frozenset()
    ) -> tuple[list[tuple[RankKey, str]], int]:
        """The best ``wanted`` matches in rank order with their sort keys, and how many
        matched in all; ids in ``exclude`` are left out (shadowed by a newer copy)."""
        terms: list[tuple[str, Sequence[str]]] = [(w, self.free_fields) for w in query.free]
        droppable = [len(query.free) >= 2] * len(query.free)
        for name, words in query.fields.items():
            field = self.filters.get(name)
            if field is None:
                continue
            allowed = (field,) if field in self.fields else ()
            terms.extend((w, allowed) for w in words)
            droppable.extend([len(words) >= 2] * len(words))
        if query.impossible or not terms and query.years is None and not query.tags:
            return [], 0
        if not terms:  # filters only: everything that passes them, most popular first
            matched = [(0.0, n) for n in range(len(self.ids)) if self._filters_ok(n, query)]
            return self._top(matched, wanted, exclude)
        for typos, missing in ((False, 0), (True, 0), (True, 1)):
            if missing and not any(droppable):
                break
            expanded: list[tuple[dict[int, float], Sequence[str]]] = [
                (self.expand(w, typos=typos), fields) for w, fields in terms
            ]
            matched = self._match(expanded, query, missing=missing, droppable=droppable)
            if exclude:
                matched = [m for m in matched if self.ids[m[1]] not in exclude]
            if matched:
                return self._top(matched, wanted, exclude)
        return [], 0

    def _filters_ok(self, doc: int, query: Query) -> bool:
        """``year:`` and ``tag:hipster`` (the least popular tenth of this kind of item)."""
        if "hipster" in query.tags and self.popularity[doc] > self.hipster_max:
            return False
        if query.years is None:
            return True
        low, high = query.years
        year = self.years[doc]
        if isinstance(year, frozenset):
            return any(low <= y <= high for y in year)
        return year is not None and low <= year <= high

    def _postings_size(self, expansion: dict[int, float], fields: Sequence[str]) -> int:
        return sum(len(self._postings(f).get(t, ())) for f in fields for t in expansion)

    def _candidates(self, expansion: dict[int, float], fields: Sequence[str]) -> set[int]:
        docs: set[int] = set()
        for field in fields:
            by_token = self._postings(field)
            for token_id in expansion:
                docs.update(by_token.get(token_id, ()))
        return docs

    def _match(
        self,
        terms: list[tuple[dict[int, float], Sequence[str]]],
        query: Query,
        *,
        missing: int,
        droppable: list[bool],
    ) -> list[tuple[float, int]]:
        sizes = [self._postings_size(*term) for term in terms]
        order = sorted(range(len(terms)), key=lambda i: sizes[i])
        # Narrow the candidates with set operations before scoring them one by one: every
        # result holds the rarest terms (all of them, or all but one when one may miss).
        rare = [self._candidates(*terms[i]) for i in order[:3] if sizes[i] <= _NARROW_MAX]
        rare = rare or [self._candidates(*terms[order[0]])]
        if not missing:
            candidates = set.intersection(*rare)
        elif len(rare) >= 3:
            first, second, third = rare[:3]
            candidates = (first & second) | (first & third) | (second & third)
        else:
            candidates = set.union(*[self._candidates(*terms[i]) for i in order[:2]])
        matched: list[tuple[float, int]] = []
        for doc in candidates:
            if not self._filters_ok(doc, query):
                continue
            quality = self._quality(doc, terms, missing=missing, droppable=droppable)
            if quality is not None:
                matched.append((quality, doc))
        return matched

    def _quality(
        self,
        doc: int,
        terms: list[tuple[dict[int, float], Sequence[str]]],
        *,
        missing: int,
        droppable: list[bool],
    ) -> float | None:
        """Mean of each term's best match (weighted by field), plus how much of the core
        title and of the primary artist's name the terms cover (see :meth:`_coverage`);
        None when more terms miss than ``missing`` allows."""
        fields = self.fields
        total = 0.0
        unmatched = 0
        name_hits: dict[int, float] = {}
        artist_hits: dict[int, float] = {}
        for index, (expansion, allowed) in enumerate(terms):
            best = 0.0
            for field in allowed:
                weight = _FIELD_WEIGHT[field]
                hits = name_hits if field == "name" else artist_hits if field == "artist" else None
                for position, token_id in enumerate(fields[field][doc]):
                    quality = expansion.get(token_id)
                    if quality is None:
                        continue
                    if quality * weight > best:
                        best = quality * weight
                    if hits is not None and quality > hits.get(position, 0.0):
                        hits[position] = quality
            if best == 0.0:
                unmatched += 1
                if unmatched > missing or not droppable[index]:
                    return None
            total += best
        score = total / len(terms)
        if name_hits:
            score += 0.5 * self._coverage(
                fields["name"][doc], self.core_len[doc], self.core_idf[doc], name_hits
            )
        if artist_hits:
            score += 0.5 * self._coverage(
                fields["artist"][doc], self.primary_len[doc], self.primary_idf[doc], artist_hits
            )
        return score * (0.7 if unmatched else 1.0)

    def _coverage(
        self, token_ids: Sequence[int], length: int, whole: float, hits: dict[int, float]
    ) -> float:
        """How much of a name (its first ``length`` tokens, idf sum ``whole``) the query
        covers, rare words weighing more than common ones: ``the`` covers little of
        "The Hills", ``hills`` most of it."""
        if not whole:
            return 0.0
        idf = self.idf
        covered = sum(idf[token_ids[p]] * q for p, q in hits.items() if p < length)
        return covered / whole

    def _top(
        self, matched: list[tuple[float, int]], wanted: int, exclude: frozenset[str]
    ) -> tuple[list[tuple[RankKey, str]], int]:
        if exclude:
            matched = [m for m in matched if self.ids[m[1]] not in exclude]
        keyed = [
            ((-round(quality * 4), -self.popularity[doc], self.ids[doc]), self.ids[doc])
            for quality, doc in matched
        ]
        top = heapq.nsmallest(wanted, keyed) if wanted < len(keyed) else sorted(keyed)
        return top, len(matched)
