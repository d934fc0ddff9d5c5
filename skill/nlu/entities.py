"""Gazetteers from ``data/entities/`` and the spaCy matcher that finds them in text.

Labels: GENRE, MOOD, DECADE, DEVICE, SERVICE and KIND (kind words carry their schema value,
"song" -> "track"). The files are plain lists (``genres.txt``) or, for kinds, a YAML mapping of
value -> words. Phrases are stored in their normalised form, the same form the normaliser gives
the utterance, so "R&B", "r & b" and "R and B" all match "r and b".

:class:`EntityMatcher` is spaCy ``blank("en")`` with a ``PhraseMatcher`` over every phrase,
run on the normalised text (only the tokenizer and the matcher: about 5 µs for a short
command, where a full ``nlp()`` call costs about 25 µs). spaCy is imported when the matcher is
built, not when this module is imported, so commands that need no entities never pay for it.
On the normalised text (lower-case ASCII words one space apart) :meth:`EntityMatcher.find`
gives spaCy's answer without running it: the phrases are looked up by runs of whole words
(about 1 µs; see ``_find_words``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from skill.nlu.normalize import fold
from skill.nlu.regexcache import RegexCache
from skill.nlu.yamlio import load_yaml

#: file name -> label, for the plain phrase lists
LIST_FILES: Mapping[str, str] = {
    "genres.txt": "GENRE",
    "moods.txt": "MOOD",
    "languages.txt": "MOOD",
    "occasions.txt": "MOOD",
    "decades.txt": "DECADE",
    "devices.txt": "DEVICE",
    "services.txt": "SERVICE",
    "given_names.txt": "PERSON",
    "stations.txt": "STATION",
    "podcasts.txt": "PODCAST",
    # looked up for whole titles only (media.py) and read by the grammars as `{@label}` tries,
    # not in LABEL_ORDER: never matched in text (770 book titles and authors would cost the
    # spaCy matcher's build 0.03 s for nothing)
    "audiobooks.txt": "AUDIOBOOK",
    "playlists.txt": "PLAYLIST",
    "authors.txt": "AUTHOR",
    "artists.txt": "ARTIST",
    "tv_shows.txt": "TVSHOW",
}
#: file name -> the value its phrases carry (else the phrase itself)
LIST_VALUES: Mapping[str, str] = {"languages.txt": "language", "occasions.txt": "occasion"}
KIND_FILE = "kinds.yaml"
#: when two phrases overlap, the longer wins; on equal length, the earlier label here
LABEL_ORDER = (
    "KIND", "SERVICE", "DEVICE", "DECADE", "GENRE", "MOOD", "PERSON",
    "STATION", "PODCAST",
)
_NON_WORD = re.compile(r"[^\w']+|_")


def phrase_key(text: str) -> str:
    """The normalised form of a gazetteer phrase: folded, words separated by one space."""
    return " ".join(_NON_WORD.sub(" ", fold(text).replace("&", " and ")).split())


class Entity(NamedTuple):
    """A gazetteer phrase found in a text (a named tuple: built several times per parse)."""

    #: GENRE, MOOD, DECADE, DEVICE, SERVICE or KIND
    label: str
    #: start offset in the text that was searched
    start: int
    #: end offset (exclusive)
    end: int
    #: the phrase as it appears in the searched text
    text: str
    #: the normalised value: the schema kind for KIND, the phrase itself otherwise
    value: str


#: ``Entity(*fields)`` without the keyword handling of the generated ``__new__`` (hot path)
_new_entity: Any = tuple.__new__


#: gazetteers of well-known non-music titles (stations, podcasts, books), with the kind a
#: name of each says: a famous name that is also one of these keeps its media reading ("the
#: book thief" stays a book), and a name of these said alone asks for that kind
SHOW_TITLE_KINDS: Mapping[str, str] = {
    "STATION": "radio", "PODCAST": "podcast", "AUDIOBOOK": "audiobook",
}


class Gazetteers:
    """label -> normalised phrase -> value."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        self.tables = {label: dict(table) for label, table in tables.items()}
        self._first_words: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, directory: Path) -> Gazetteers:
        tables: dict[str, dict[str, str]] = {}
        for name, label in LIST_FILES.items():
            path = directory / name
            table = tables.setdefault(label, {})
            value = LIST_VALUES.get(name)
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    key = phrase_key(line)
                    table[key] = value or key
        kinds: Any = load_yaml((directory / KIND_FILE).read_text(encoding="utf-8"))
        table = tables.setdefault("KIND", {})
        for value, words in kinds.items():
            for word in words:
                table[phrase_key(str(word))] = str(value)
        return cls(tables)

    def first_words(self, label: str) -> frozenset[str]:
        """The first words of a label's phrases (a cheap test before a whole lookup)."""
        found = self._first_words.get(label)
        if found is None:
            found = frozenset(p.split(" ", 1)[0] for p in self.tables.get(label, {}))
            self._first_words[label] = found
        return found

    def lookup(self, label: str, phrase: str) -> str | None:
        """The value of ``phrase`` (normalised) under ``label``, or None."""
        return self.tables.get(label, {}).get(phrase)

    def title_kind(
        self, phrase: str, kinds: Mapping[str, str] = SHOW_TITLE_KINDS, *, bare: bool = False
    ) -> str | None:
        """The kind of a well-known title (a station, podcast or book by name) in the lists
        ``kinds`` names (label -> kind; the first list holding it wins), looked up as said
        and, with ``bare``, without a leading "the"; None when unknown."""
        forms = (phrase, phrase[4:]) if bare and phrase.startswith("the ") else (phrase,)
        tables = self.tables
        for label, kind in kinds.items():
            table = tables.get(label, {})
            for form in forms:
                if table.get(form):
                    return kind
        return None

    def phrases(self, label: str) -> list[str]:
        """Every phrase of a label, longest first (the order regex alternatives need)."""
        return sorted(self.tables.get(label, {}), key=lambda p: (-len(p), p))

    def regex_lists(self) -> dict[str, list[str]]:
        """label (lower case) -> phrases: the ``{@label}`` lists of the grammars."""
        return {label.lower(): self.phrases(label) for label in self.tables}


class EntityMatcher:
    """spaCy ``blank("en")`` + ``PhraseMatcher`` over the gazetteers (see module docstring)."""

    def __init__(self, gazetteers: Gazetteers, cache: RegexCache | None = None) -> None:
        from spacy.matcher import PhraseMatcher

        self.gazetteers = gazetteers
        self.nlp = _blank_english(cache)
        #: ``nlp.make_doc`` without its length check (a normalised command is far below it)
        self._make_doc = self.nlp.tokenizer
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        #: every phrase as the matcher compares it, its tokens' LOWER joined with nothing
        #: between them ("r and b" -> "randb"), and every proper prefix of those (see
        #: :meth:`_may_hold`)
        self._joined: set[str] = set()
        self._heads: set[str] = set()
        #: the phrases' LOWER tokens -> their labels, and phrase -> the labels of every phrase
        #: with its tokens (:meth:`_find_words`)
        by_tokens: dict[tuple[str, ...], dict[str, None]] = {}
        tokens_of: dict[str, tuple[str, ...]] = {}
        for label in LABEL_ORDER:
            phrases = gazetteers.phrases(label)
            if phrases:
                docs = list(self.nlp.tokenizer.pipe(phrases))
                self.matcher.add(label, docs)
                for phrase, doc in zip(phrases, docs, strict=True):
                    lower = tuple([token.lower_ for token in doc])
                    joined = "".join(lower)
                    self._joined.add(joined)
                    self._heads.update(joined[:i] for i in range(1, len(joined)))
                    by_tokens.setdefault(lower, {})[label] = None
                    tokens_of[phrase] = lower
        self._labels_of_tokens = {tokens: tuple(labels) for tokens, labels in by_tokens.items()}
        self._labels_of_phrase = {
            phrase: self._labels_of_tokens[tokens] for phrase, tokens in tokens_of.items()
        }
        self._rank = {label: i for i, label in enumerate(LABEL_ORDER)}
        #: match id (the label's hash in the vocabulary) -> label
        self._label_of = {self.nlp.vocab.strings[label]: label for label in LABEL_ORDER}

    def find(self, text: str, labels: Iterable[str] | None = None) -> list[Entity]:
        """Non-overlapping entities of ``text`` (normalised), in order; longest match wins.

        Only matches that start and end on word boundaries of ``text`` count, so the spaCy
        tokenizer's finer splits ("don't" -> "do", "n't") never produce a partial word.
        """
        wanted = None if labels is None else frozenset(labels)
        if _plain_words(text):
            found = self._find_words(text, wanted)
        elif self._may_hold(text):
            found = self._find_spacy(text, wanted)
        else:
            return []
        if not found:
            return []
        if len(found) > 1 and _overlap(found):
            # longest first, then the earlier label, then the earlier start; a phrase
            # overlapping one already chosen is dropped (without overlaps, all are kept)
            found.sort(key=_longest_first)
            chosen: list[tuple[int, int, int, str]] = []
            for item in found:
                a, b = item[0], item[1]
                if not any(a < y and x < b for x, y, _, _ in chosen):
                    chosen.append(item)
            chosen.sort()
            found = chosen
        tables = self.gazetteers.tables  # Gazetteers.lookup, without a call per entity
        entities = []
        for a, b, _, label in found:
            phrase = text[a:b]
            value = tables[label].get(phrase) or phrase
            entities.append(_new_entity(Entity, (label, a, b, phrase, value)))
        return entities

    def _find_spacy(
        self, text: str, wanted: frozenset[str] | None
    ) -> list[tuple[int, int, int, str]]:
        """(start, end, label rank, label) of every phrase spaCy's matcher finds on word
        boundaries of ``text``."""
        doc = self._make_doc(text)
        matches = self.matcher(doc)
        found: list[tuple[int, int, int, str]] = []
        if not matches:
            return found
        label_of = self._label_of
        rank = self._rank
        size = len(text)
        for match_id, start, end in matches:
            label = label_of.get(match_id) or self.nlp.vocab.strings[match_id]
            if wanted is not None and label not in wanted:
                continue
            # the character range of doc[start:end] (Span.start_char / end_char)
            last = doc[end - 1]
            a, b = doc[start].idx, last.idx + len(last)
            if (a > 0 and text[a - 1] != " ") or (b < size and text[b] != " "):
                continue
            found.append((a, b, rank[label], label))
        return found

    def _find_words(
        self, text: str, wanted: frozenset[str] | None
    ) -> list[tuple[int, int, int, str]]:
        """What :meth:`_find_spacy` finds, without spaCy, for lower-case printable ASCII
        words one space apart (the normalised text).

        spaCy tokenizes each run of non-space characters alone, so the tokens of whole words
        ``w_i .. w_j`` are those of the text ``w_i .. w_j``, and a match on word boundaries
        is such a run whose tokens' LOWER (here the tokens themselves) equal a phrase's.
        Their joined text is then that phrase's joined tokens (see :meth:`_may_hold`), so
        only runs that stay within ``_heads`` are looked at. A run that is a phrase itself
        has its tokens; any other run (rare: "r and b" against "randb") is tokenized."""
        found: list[tuple[int, int, int, str]] = []
        words = text.split(" ")
        joined = self._joined
        heads = self._heads
        of_phrase = self._labels_of_phrase
        rank = self._rank
        last = len(words) - 1
        start = 0
        for i, word in enumerate(words):
            first = start
            start += len(word) + 1
            run = word
            j = i
            end = first + len(word)
            while True:
                if run in joined:
                    phrase = text[first:end]
                    found_labels = of_phrase.get(phrase)
                    if found_labels is None:
                        tokens = tuple([token.lower_ for token in self._make_doc(phrase)])
                        found_labels = self._labels_of_tokens.get(tokens, ())
                    for label in found_labels:
                        if wanted is None or label in wanted:
                            found.append((first, end, rank[label], label))
                if j == last or run not in heads:
                    break
                j += 1
                run += words[j]
                end += 1 + len(words[j])
        return found

    def _may_hold(self, text: str) -> bool:
        """False only when no phrase can be found in ``text``, so the spaCy tokenizer and
        matcher need not run (about 7 µs; a fifth of the play requests of dev name no
        gazetteer phrase).

        :meth:`find` keeps a match only when it starts and ends on word boundaries of the
        text, so it covers whole words ``w_i .. w_j`` of ``text.split(" ")``. The tokenizer
        keeps every character: the tokens of those words, joined, are the words joined, and
        for ASCII text their LOWER (``str.lower`` of each token) joined is the words joined
        and lower-cased. The matcher compares LOWER token by token, so the words joined
        equal one of ``_joined``. This looks for such a run of words: a run can only grow
        into a phrase while it is a proper prefix of one (``_heads``). Text that is not
        ASCII is always matched (``str.lower`` of a whole word and of its pieces may differ
        there)."""
        if not text.isascii():
            return True
        words = text.lower().split(" ")
        joined = self._joined
        if not joined.isdisjoint(words):
            return True
        heads = self._heads
        for i, word in enumerate(words):
            if word in heads:
                run = word
                for following in words[i + 1 :]:
                    run += following
                    if run in joined:
                        return True
                    if run not in heads:
                        break
        return False


def _plain_words(text: str) -> bool:
    """Whether ``text`` is lower-case printable ASCII words one space apart (or empty)."""
    return (
        text.isascii() and text.isprintable() and text.lower() == text
        and "  " not in text and text[:1] != " " and text[-1:] != " "
    )


def _overlap(found: list[tuple[int, int, int, str]]) -> bool:
    """Sort ``found`` (start, end, ...) and say whether two of its ranges overlap."""
    found.sort()
    end = 0
    for item in found:
        if item[0] < end:
            return True
        end = item[1]
    return False


def _longest_first(item: tuple[int, int, int, str]) -> tuple[int, int, int]:
    return (item[0] - item[1], item[2], item[0])


def _blank_english(cache: RegexCache | None) -> Any:
    """``spacy.blank("en")``; with a regex cache, the tokenizer's prefix, suffix and infix
    regexes (30k characters, a third of the build) come from the cache instead of being
    parsed again. The tokenizer is built as spaCy's own factory ("spacy.Tokenizer.v1",
    ``spacy.language.create_tokenizer``) builds it, with the same regexes, and with the
    special cases ("don't" -> "do", "n't") that lower-case text can hold: the matcher only
    ever reads normalised, lower-case text, and a special case is an exact string, so "Don't"
    or "Jan." never applies there (half of the 1,347 cases, a quarter of the build). The
    empty vectors table is made directly, as "spacy.Vectors.v1" makes it, since resolving
    it through spaCy's registry imports every language's factories (Japanese among them)."""
    import spacy

    if cache is None:
        return spacy.blank("en")
    from spacy.lang.en import English
    from spacy.tokenizer import Tokenizer
    from spacy.vectors import Vectors

    def compiled(expression: str) -> re.Pattern[str]:
        return cache.compile(expression)[0]

    def tokenizer(nlp: Any) -> Any:
        defaults = nlp.Defaults
        # the expressions of spacy.util.compile_prefix_regex / _suffix_ / _infix_
        prefixes = "|".join("^" + piece for piece in defaults.prefixes if piece.strip())
        suffixes = "|".join(piece + "$" for piece in defaults.suffixes if piece.strip())
        infixes = "|".join(piece for piece in defaults.infixes if piece.strip())
        return Tokenizer(
            nlp.vocab,
            rules={
                key: pieces for key, pieces in defaults.tokenizer_exceptions.items()
                if key.lower() == key
            },
            prefix_search=compiled(prefixes).search if defaults.prefixes else None,
            suffix_search=compiled(suffixes).search if defaults.suffixes else None,
            infix_finditer=compiled(infixes).finditer if defaults.infixes else None,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    nlp = English(
        create_tokenizer=tokenizer,
        create_vectors=lambda vocab: Vectors(strings=vocab.strings),
    )
    cache.save()
    return nlp
