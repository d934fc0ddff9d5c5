"""Text normalisation for matching, with spans that still point into the original text.

``Normalizer.normalize(text)`` returns a :class:`Normalized`: lower-case, diacritics folded,
punctuation turned into single spaces, spoken numbers turned into digits ("forty five
percent" -> "45 percent"), wake words and fillers removed ("hey google can you pause" ->
"pause"). Every character of the normalised text knows the original range it came from, so
a regex match on the normalised text maps back to an exact slice of what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from skill.nlu.numbers import NumberReader, NumberWords

#: characters that join the parts of a word instead of separating words
_INNER = {"'", "’", "‘", "ʼ", "`", "´"}
#: characters replaced by a word of their own
_SYMBOL_WORDS = {"%": "percent", "&": "and", "+": "plus", "#": "number", "@": "at"}
#: an ASCII word: letters and digits, inner apostrophes, digit groups ("96.5", "1,000")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:(?<=[0-9])[.,](?=[0-9])[a-z0-9]+|['`][a-z0-9]+)*|[%&+#@]")
#: most commands: words of letters and digits one space apart, perhaps with a final mark (the
#: tokens of ``_ASCII_TOKEN`` are then the words, at offsets found by counting)
_PLAIN_WORDS = re.compile(r"([a-z0-9]+(?: [a-z0-9]+)*)[.?!]?")


class Token(NamedTuple):
    """One word of the normalised text."""

    #: the normalised form ("45", "beyonce", "don't")
    text: str
    #: start offset in the original text
    start: int
    #: end offset (exclusive) in the original text
    end: int


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised form of an utterance and the way back to the original."""

    #: the original text, untouched
    original: str
    #: the words left after normalisation, joined by single spaces
    text: str
    #: the tokens of ``text`` in order
    tokens: tuple[Token, ...]
    #: the offset in ``text`` where each token starts
    offsets: tuple[int, ...]
    #: the closing filler words that were dropped ("now", "for me"), in order
    tail: tuple[str, ...] = ()
    #: whether a filler dropped anywhere ("please") stood inside the kept words
    inner_filler: bool = False

    def _start_of(self, i: int) -> int:
        """The start offset in ``original`` of the source of character ``i`` of ``text``."""
        offsets = self.offsets
        k = bisect_right(offsets, i) - 1
        word, start, end = self.tokens[k]
        inside = i - offsets[k]
        if inside >= len(word):  # the space after token k
            return end
        if len(word) == end - start:
            return start + inside
        return start

    def _end_of(self, i: int) -> int:
        """The end offset in ``original`` of the source of character ``i`` of ``text``."""
        offsets = self.offsets
        k = bisect_right(offsets, i) - 1
        word, start, end = self.tokens[k]
        inside = i - offsets[k]
        if inside >= len(word):  # the space after token k
            return self.tokens[k + 1].start
        if len(word) == end - start:
            return start + inside + 1
        return end

    @property
    def starts(self) -> tuple[int, ...]:
        """For every character of ``text``: the start offset of its source in ``original``."""
        return tuple(self._start_of(i) for i in range(len(self.text)))

    @property
    def ends(self) -> tuple[int, ...]:
        """For every character of ``text``: the end offset of its source in ``original``."""
        return tuple(self._end_of(i) for i in range(len(self.text)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original range of the normalised range ``[start, end)`` (end > start): the
        ``_start_of(start)`` and ``_end_of(end - 1)`` of one call (the hot path)."""
        offsets = self.offsets
        tokens = self.tokens
        k = bisect_right(offsets, start) - 1
        word, first, last = tokens[k]
        inside = start - offsets[k]
        if inside >= len(word):
            a = last
        elif len(word) == last - first:
            a = first + inside
        else:
            a = first
        i = end - 1
        k = bisect_right(offsets, i) - 1
        word, first, last = tokens[k]
        inside = i - offsets[k]
        if inside >= len(word):
            b = tokens[k + 1].start
        elif len(word) == last - first:
            b = first + inside + 1
        else:
            b = last
        return a, b

    def original_slice(self, start: int, end: int) -> str:
        """The original text of the normalised range ``[start, end)``; a filler dropped
        inside it ("play the uh rolling stones") is left out of the value, as one space."""
        a, b = self.span(start, end)
        piece = self.original[a:b]
        if not self.inner_filler:
            return piece
        kept = [token for token in self.tokens if a <= token.start and token.end <= b]
        out = [piece[: kept[0].end - a]] if kept else [piece]
        for before, token in zip(kept, kept[1:], strict=False):
            gap = self.original[before.end : token.start]
            out.append(" " if any(ch.isalnum() for ch in gap) else gap)
            out.append(self.original[token.start : token.end])
        if kept:
            out.append(piece[kept[-1].end - a :])
        return "".join(out)


#: ``Token(*fields)`` without the keyword handling of the generated ``__new__`` (hot path)
_new_token: Any = tuple.__new__


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Lower-case and strip diacritics from one character ("É" -> "e", "ß" -> "ss")."""
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case and diacritic-folded ``text`` (no other change)."""
    if text.isascii():
        return text.lower()  # what fold_char does to every ASCII character
    return "".join(fold_char(c) for c in text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


class Normalizer:
    """Builds :class:`Normalized` texts. Construct once from the filler and number tables."""

    def __init__(
        self,
        *,
        numbers: NumberWords,
        wake: Iterable[str] = (),
        leading: Iterable[str] = (),
        trailing: Iterable[str] = (),
        anywhere: Iterable[str] = (),
        spelling: Mapping[str, str] | None = None,
    ) -> None:
        self.reader = NumberReader(numbers)
        self.numbers = numbers
        #: the words ``numbers.is_number_word`` accepts
        self._number_words = frozenset([*numbers.units, *numbers.tens, *numbers.scales])
        self._wake = self._phrases(wake)
        self._leading = self._phrases(leading)
        self._trailing = self._phrases(trailing)
        self._anywhere = frozenset(anywhere)
        #: typed misspellings -> the word ("teh" -> "the"), one word for one word
        self._spelling = {
            fold(k): fold(v) for k, v in (spelling or {}).items() if " " not in v + k
        }
        #: a word heard as two -> the word ("pod cast" -> "podcast", "re peat" -> "repeat")
        self._joined = {
            (first, second): fold(v)
            for k, v in (spelling or {}).items() if " " not in v
            for first, _, second in [fold(k).partition(" ")] if second and " " not in second
        }
        self._join_first = frozenset(first for first, _ in self._joined)
        #: the words dropped wherever they occur ("please")
        self.anywhere = self._anywhere
        #: leading phrases by their first word, trailing ones by their last (longest first)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._wake + self._leading:
            self._by_first.setdefault(phrase[0], []).append(phrase)
        self._by_last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._trailing:
            self._by_last.setdefault(phrase[-1], []).append(phrase)

    @staticmethod
    def _phrases(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
        split = {tuple(fold(p).split()) for p in phrases if p.strip()}
        return tuple(sorted(split, key=lambda p: (-len(p), p)))

    # -- stage 1: characters -> raw tokens -------------------------------------------------
    def _tokenize(self, text: str) -> list[Token]:
        if text.isascii():
            return self._tokenize_ascii(text)
        return self._tokenize_unicode(text)

    @staticmethod
    def _tokenize_ascii(text: str) -> list[Token]:
        """The same tokens as :meth:`_tokenize_unicode` for ASCII text, by one regex pass."""
        tokens: list[Token] = []
        lower = text.lower()
        plain = _PLAIN_WORDS.fullmatch(lower)
        if plain is not None:
            start = 0
            for word in plain.group(1).split(" "):
                end = start + len(word)
                tokens.append(_new_token(Token, (word, start, end)))
                start = end + 1
            return tokens
        end = 0
        for word in _ASCII_TOKEN.findall(lower):
            # the leftmost occurrence after the previous word is this match: any earlier one
            # would have been matched first
            start = lower.find(word, end)
            end = start + len(word)
            if end - start == 1 and word in _SYMBOL_WORDS:
                word = _SYMBOL_WORDS[word]
            else:
                if "`" in word:
                    word = word.replace("`", "'")
                if "," in word:
                    word = word.replace(",", "")
            tokens.append(_new_token(Token, (word, start, end)))
        return tokens

    def _tokenize_unicode(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        buf: list[str] = []
        start = -1
        n = len(text)

        def flush(end: int) -> None:
            nonlocal start
            if buf:
                tokens.append(Token("".join(buf), start, end))
                buf.clear()
            start = -1

        for i, ch in enumerate(text):
            if _is_word_char(ch):
                if start < 0:
                    start = i
                buf.append(fold_char(ch))
            elif ch in _INNER and buf and i + 1 < n and _is_word_char(text[i + 1]):
                buf.append("'")
            elif ch in ".," and buf and buf[-1].isdigit() and i + 1 < n and text[i + 1].isdigit():
                buf.append("." if ch == "." else "")
            elif ch in _SYMBOL_WORDS:
                flush(i)
                tokens.append(Token(_SYMBOL_WORDS[ch], i, i + 1))
            else:
                flush(i)
        flush(n)
        return [t for t in tokens if t.text]

    # -- stage 2: spoken numbers -> digits ------------------------------------------------
    def _numbers(
        self, tokens: list[Token], words: list[str]
    ) -> tuple[list[Token], list[str]]:
        """(tokens, their words) with spoken numbers read; ``words`` are the tokens' texts."""
        if self._number_words.isdisjoint(words) and not any(map(str.isdigit, words)):
            return tokens, words
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.text in self._number_words or tok.text.isdigit():
                number = self.reader.read(words, i)
                if number is not None:
                    last = tokens[i + number.used - 1]
                    out.append(Token(number.text, tok.start, last.end))
                    i += number.used
                    continue
            out.append(tok)
            i += 1
        return out, [t.text for t in out]

    # -- stage 3: wake words and fillers --------------------------------------------------
    def _strip_fillers(
        self,
        tokens: list[Token],
        words: list[str],
        keep_tail: bool = False,
        keep_inner: bool = False,
    ) -> tuple[list[Token], list[str]]:
        """(tokens, their words) without wake words and fillers."""
        if not keep_inner and not self._anywhere.isdisjoint(words):
            if "like" in words:
                tokens = _hesitant_likes(tokens, words, self._anywhere)
            tokens = [t for t in tokens if t.text not in self._anywhere]
            words = [t.text for t in tokens]
        lo, hi = 0, len(tokens)
        changed = not keep_tail
        while changed and lo < hi:
            changed = False
            for phrase in self._by_last.get(words[hi - 1], ()):
                if hi - len(phrase) > lo and tuple(words[hi - len(phrase) : hi]) == phrase:
                    hi -= len(phrase)
                    changed = True
                    break
        changed = True
        while changed and lo < hi:
            changed = False
            for phrase in self._by_first.get(words[lo], ()):
                if lo + len(phrase) < hi and tuple(words[lo : lo + len(phrase)]) == phrase:
                    if words[lo + len(phrase)] == "by":
                        break  # "hello by adele": a title said with its artist
                    if phrase in _HOLD and words[lo + len(phrase)] in _HELD:
                        break  # "hold on the music": a pause, not a pause before a command
                    lo += len(phrase)
                    changed = True
                    break
        return tokens[lo:hi], words[lo:hi]

    def _join(self, tokens: list[Token], words: list[str]) -> tuple[list[Token], list[str]]:
        """The words heard as two joined ("pod cast" -> "podcast"), the span on both."""
        joined = self._joined
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            word = joined.get((words[i], words[i + 1])) if i + 1 < len(tokens) else None
            if word is None:
                out.append(tokens[i])
                i += 1
                continue
            out.append(_new_token(Token, (word, tokens[i].start, tokens[i + 1].end)))
            i += 2
        return out, [t.text for t in out]

    def numbers_read(self, text: str) -> str:
        """``text`` in lower case with its spoken numbers read as the parser reads them
        ("thirty seconds to mars" -> "30 seconds to mars"), nothing else removed: the form
        a name takes in a normalised utterance (scripts/build-name-lists)."""
        tokens = self._tokenize(text)
        _, words = self._numbers(tokens, [t.text for t in tokens])
        return " ".join(words)

    def normalize(
        self, text: str, keep_tail: bool = False, keep_inner: bool = False
    ) -> Normalized:
        """``text`` normalised; ``keep_tail`` keeps the closing fillers ("don't stop me now"
        is a title) and ``keep_inner`` the fillers dropped anywhere when they are inside the
        text ("play bitch please by snoop dogg"; see Parser.parse)."""
        tokens = self._tokenize(text)
        words = [t.text for t in tokens]
        spelling = self._spelling
        if not spelling.keys().isdisjoint(words):  # "teh" -> "the", the span on "teh"
            tokens = [
                _new_token(Token, (spelling[t.text], t.start, t.end)) if t.text in spelling else t
                for t in tokens
            ]
            words = [t.text for t in tokens]
        if not self._join_first.isdisjoint(words):
            tokens, words = self._join(tokens, words)
        numbered, words = self._numbers(tokens, words)
        fillers = not self._anywhere.isdisjoint(words)
        tokens, words = self._strip_fillers(numbered, words, keep_tail, keep_inner)
        tail: tuple[str, ...] = ()
        if tokens and tokens[-1] is not numbered[-1]:
            tail = tuple(t.text for t in numbered[numbered.index(tokens[-1]) + 1 :])
        inner = fillers and not keep_inner and len(tokens) > 1 and any(
            t.text in self._anywhere
            for t in numbered[numbered.index(tokens[0]) + 1 : numbered.index(tokens[-1])]
        )
        offsets = []
        at = 0
        for word in words:
            offsets.append(at)
            at += len(word) + 1
        # what Normalized(text, " ".join(words), tuple(tokens), tuple(offsets), tail, inner)
        # builds, without the frozen __init__'s object.__setattr__ calls (0.86 -> 0.49 µs)
        norm = _new_object(Normalized)
        set_original, set_text, set_tokens, set_offsets, set_tail, set_inner = _SET_FIELDS
        set_original(norm, text)
        set_text(norm, " ".join(words))
        set_tokens(norm, tuple(tokens))
        set_offsets(norm, tuple(offsets))
        set_tail(norm, tail)
        set_inner(norm, inner)
        return norm


#: fillers of a pause before a command ("hold on play the next one") that are the pause
#: itself before what is held ("hold on the music", "hang on this song")
_HOLD = frozenset((("hold", "on"), ("hang", "on")))
_HELD = frozenset("the it music everything playback my olly ollie alexa with".split())
#: the words before a "like" that make it the verb ("i like uh this one")
_LIKE_SUBJECTS = frozenset(
    "i we you they he she really would 'd i'd we'd you'd to do don't".split()
)


def _hesitant_likes(
    tokens: list[Token], words: list[str], hesitations: frozenset[str]
) -> list[Token]:
    """``tokens`` without a "like" said next to a hesitation ("like uh i wanna the radio",
    "olly uh like the podcast"), unless a subject makes it the verb ("i like uh this one")."""
    last = len(words) - 1
    return [
        t for i, t in enumerate(tokens)
        if words[i] != "like" or (i > 0 and words[i - 1] in _LIKE_SUBJECTS) or not (
            (i > 0 and words[i - 1] in hesitations) or (i < last and words[i + 1] in hesitations)
        )
    ]


#: the slot descriptors of Normalized's fields, in field order (normalize's hot path)
_SET_FIELDS = tuple(
    Normalized.__dict__[name].__set__
    for name in ("original", "text", "tokens", "offsets", "tail", "inner_filler")
)
_new_object = object.__new__
