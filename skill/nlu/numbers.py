"""Spoken numbers to digits: "forty five" -> 45, "one hundred and six" -> 106,
"ninety six point five" -> 96.5, "one oh seven point five" -> 107.5, "two thirds" -> 2/3.

The word tables are data (``data/entities/numbers.yaml``); this module only holds the
arithmetic. A :class:`NumberReader` consumes a run of number words from a token list and
says how many tokens it used, so the normaliser can replace them with one digit token
whose span covers the whole spoken phrase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class NumberWords:
    """The vocabulary of spoken numbers."""

    #: "zero".."nineteen" (and "oh" as a digit inside digit strings) -> value
    units: Mapping[str, int]
    #: "twenty".."ninety" -> value
    tens: Mapping[str, int]
    #: "hundred", "thousand", "million" -> multiplier
    scales: Mapping[str, int]
    #: "half", "halves", "third", "thirds", "quarter", "quarters" -> denominator
    fractions: Mapping[str, int]
    #: words that join parts of one number ("and" in "one hundred and six")
    joiners: frozenset[str]
    #: words that start a decimal part ("point")
    points: frozenset[str]
    #: unit words that may only appear inside a run of digits ("oh", "o")
    digit_only: frozenset[str]

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> NumberWords:
        def table(key: str) -> dict[str, int]:
            raw = data.get(key, {})
            if not isinstance(raw, Mapping):
                raise ValueError(f"numbers: {key} must be a mapping")
            return {str(k): int(v) for k, v in raw.items()}

        def words(key: str) -> frozenset[str]:
            raw = data.get(key, [])
            if not isinstance(raw, Sequence) or isinstance(raw, str):
                raise ValueError(f"numbers: {key} must be a list")
            return frozenset(str(w) for w in raw)

        return cls(
            units=table("units"),
            tens=table("tens"),
            scales=table("scales"),
            fractions=table("fractions"),
            joiners=words("joiners"),
            points=words("points"),
            digit_only=words("digit_only"),
        )

    def is_number_word(self, word: str) -> bool:
        return word in self.units or word in self.tens or word in self.scales


@dataclass(frozen=True, slots=True)
class SpokenNumber:
    """A number read from tokens."""

    #: the value; a Fraction for "two thirds", a float-like string is kept in ``text``
    value: Fraction
    #: how many tokens were consumed
    used: int
    #: the digit form that replaces the words ("45", "96.5", "2/3")
    text: str


#: words before a bare "hundred" that make it a level ("volume to hundred")
_BEFORE_LEVEL = frozenset("to at volume level".split())
#: words that may follow such a level
_AFTER_LEVEL = frozenset("percent please now".split())
#: decade words after a century ("nineteen eighties")
_DECADES = {"tens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fourties": 40,
            "fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}


class NumberReader:
    """Reads the longest spoken number at a position of a token list."""

    def __init__(self, words: NumberWords) -> None:
        self.words = words

    def _integer(self, tokens: Sequence[str], i: int) -> tuple[int, int] | None:
        """An integer phrase starting at ``i`` -> (value, tokens used)."""
        w = self.words
        total = 0
        current = 0
        used = 0
        j = i
        last_kind = ""
        while j < len(tokens):
            tok = tokens[j]
            if tok in w.units and tok not in w.digit_only:
                if last_kind in ("unit", "teen") or last_kind == "tens" and w.units[tok] >= 10:
                    break  # "twenty nineteen" is a year, no 39
                current += w.units[tok]
                last_kind = "teen" if w.units[tok] >= 10 else "unit"
            elif tok in w.tens:
                if last_kind in ("unit", "teen", "tens"):
                    break
                current += w.tens[tok]
                last_kind = "tens"
            elif tok in w.scales and (
                last_kind in ("unit", "teen", "tens", "scale")
                or last_kind == "" and w.scales[tok] == 100 and self._bare_hundred(tokens, i, j)
            ):
                scale = w.scales[tok]
                if scale == 100:
                    current = max(current, 1) * 100
                else:
                    total += max(current, 1) * scale
                    current = 0
                last_kind = "scale"
            elif tok in w.joiners and last_kind == "scale" and self._number_after(tokens, j):
                last_kind = "joiner"
            else:
                break
            j += 1
            used = j - i
        if used == 0 or last_kind == "joiner":
            return None
        return total + current, used

    def _bare_hundred(self, tokens: Sequence[str], i: int, j: int) -> bool:
        """Whether "hundred" at ``j``, said without its "one", is a number (the phrase read
        starts at ``i``): "hundred and four point three", a frequency with no "and"
        ("hundred one point one"), a level said last ("set the volume to hundred")."""
        return (
            j + 1 < len(tokens) and tokens[j + 1] in self.words.joiners
            and self._number_after(tokens, j + 1)
            or self._number_after(tokens, j) and "point" in tokens[j + 2 : j + 4]
            or j == i and i > 0 and tokens[i - 1] in _BEFORE_LEVEL
            and (j + 1 == len(tokens) or tokens[j + 1] in _AFTER_LEVEL)
        )

    def _number_after(self, tokens: Sequence[str], j: int) -> bool:
        """Whether the word after ``j`` is a unit or a tens word (not "oh", a digit said
        alone): after the "and" of "hundred and | six", after the "hundred" of "hundred | one
        point one"."""
        w = self.words
        nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
        return (nxt in w.units or nxt in w.tens) and nxt not in w.digit_only

    def _digit_string(self, tokens: Sequence[str], i: int) -> tuple[str, int] | None:
        """Digit by digit ("one oh seven") -> ("107", 3); needs at least three tokens."""
        w = self.words
        digits: list[str] = []
        j = i
        while j < len(tokens):
            tok = tokens[j]
            value = w.units.get(tok)
            if value is None or value > 9:
                break
            digits.append(str(value))
            j += 1
        if len(digits) < 3 or not any(t in w.digit_only for t in tokens[i:j]):
            return None
        return "".join(digits), j - i

    def _year(
        self, tokens: Sequence[str], i: int, value: int, used: int
    ) -> SpokenNumber | None:
        """A year said in two halves: "nineteen ninety five" -> 1995, "nineteen oh five" ->
        1905, "twenty twenty" -> 2020, "nineteen eighties" -> "1980s" (a decade)."""
        w = self.words
        if used != 1 or not 17 <= value <= 20 or tokens[i].isdigit():
            return None
        j = i + 1
        if j >= len(tokens):
            return None
        decade = _DECADES.get(tokens[j])
        if decade is not None and value in (18, 19):  # not "top twenty fourties"
            return SpokenNumber(Fraction(value * 100 + decade), 2, f"{value * 100 + decade}s")
        if tokens[j] in w.digit_only and j + 1 < len(tokens):
            unit = w.units.get(tokens[j + 1])
            if unit is not None and 1 <= unit <= 9 and tokens[j + 1] not in w.digit_only:
                return SpokenNumber(Fraction(value * 100 + unit), 3, str(value * 100 + unit))
            return None
        rest = self._integer(tokens, j)
        if rest is None or not 10 <= rest[0] <= 99:
            return None
        year = value * 100 + rest[0]
        return SpokenNumber(Fraction(year), 1 + rest[1], str(year))

    def read(self, tokens: Sequence[str], i: int) -> SpokenNumber | None:
        """The number starting at token ``i``, or None when ``tokens[i]`` starts none."""
        w = self.words
        tok = tokens[i]
        # isdecimal, not isdigit: "²" and "⓵" are digits that int() refuses
        if tok.isdecimal():
            whole: tuple[int, int] | None = (int(tok), 1)
            digit_text = tok
        else:
            digit_string = self._digit_string(tokens, i)
            if digit_string is not None:
                digit_text, n = digit_string
                whole = (int(digit_text), n)
            else:
                whole = self._integer(tokens, i)
                if whole is None:
                    return None
                digit_text = str(whole[0])
        assert whole is not None
        value, used = whole
        year = self._year(tokens, i, value, used)
        if year is not None:
            return year
        j = i + used
        # a decimal part: "point five", "point two five"
        if j + 1 < len(tokens) and tokens[j] in w.points:
            decimals: list[str] = []
            k = j + 1
            while k < len(tokens) and tokens[k] in w.units and w.units[tokens[k]] <= 9:
                decimals.append(str(w.units[tokens[k]]))
                k += 1
            if decimals:
                text = f"{digit_text}.{''.join(decimals)}"
                return SpokenNumber(Fraction(text), k - i, text)
        # a fraction: "two thirds", "one half", "three quarters"
        if j < len(tokens) and tokens[j] in w.fractions and 0 < value < w.fractions[tokens[j]]:
            denominator = w.fractions[tokens[j]]
            return SpokenNumber(Fraction(value, denominator), used + 1, f"{value}/{denominator}")
        if used == 1 and not tok.isdecimal() and tok in w.units and w.units[tok] == 1:
            # a lone "one" is a word ("the first one", "one direction"), not a number
            return None
        if tok.isdecimal():
            return None  # already digits: nothing to replace
        return SpokenNumber(Fraction(value), used, digit_text)


def percent_of(value: Fraction) -> int:
    """A fraction of the whole as a rounded percentage: 2/3 -> 67."""
    return int(round(value * 100)) if value < 1 else int(round(value))
