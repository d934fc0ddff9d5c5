"""Famous names that hold a media word, and titles that end in a filler word.

"play love story by taylor swift" holds "story", a kind word that makes the audiobook
patterns read an audiobook; "play video killed the radio star" holds "radio" (and "video",
which the out-of-domain rules read as a film); "play tv on the radio" names a band. When every
media word of an utterance sits inside a famous song title or artist name (the catalog name
lists, popularity >= :data:`~skill.nlu.catalog_names.FAMOUS_POPULARITY`), the word is part
of the name: :meth:`MediaTitles.spans` finds those names, :meth:`MediaTitles.explain` tells the
parser which grammar matches they explain away, and the pipeline drops the media KIND entities
inside them. A name that is also a well-known book, podcast or station keeps its media reading
("the book thief"), and "the next episode of serial" is no title.

:meth:`MediaTitles.ends_with_tail` covers the other way a title loses a word: the normaliser
drops closing fillers ("now", "for me"), so "play don't stop me now" would ask for "don't stop
me"; the parser normalises again keeping them when they end a famous title.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skill.nlu.catalog_names import FAMOUS_POPULARITY, TITLE_WORDS, CatalogNames
from skill.nlu.entities import Gazetteers
from skill.nlu.grammar import Match
from skill.nlu.normalize import Normalized

#: kinds whose word makes a pattern read a name as something other than music
MEDIA_KINDS = frozenset(("audiobook", "radio", "podcast", "episode"))
#: the words before a title that only ask to play it ("can you play ", "put on the song ")
_PLAY_LEAD = re.compile(
    r"(?:[a-z' ]+ )?(?:play|put on|listen to|hear|queue|queue up)(?: me| us)?"
    r"(?: the (?:song|track|tune|single))? "
)
#: where to play, said after the artist ("in the kitchen", "on my phone")
_DEVICE_END = re.compile(r" (?:in|on|at|through) (?:the |my |our )?[^ ]+(?: [^ ]+)?$")
#: a play verb before the title ("play ... by X", "put on ... by X")
_PLAY_VERB = re.compile(r"\b(?:play|put on|listen to|hear|queue)\b")
_ARTICLES = frozenset(("the", "a", "an", "my"))
#: a play verb that opens the request ("play ...", "i want to hear ...")
_OPENING_PLAY = re.compile(
    r"(?:(?:i (?:want to|wanna|would like to)|i'd like to|can you|let me) )?"
    r"(?:play|put on|listen to|hear) (?:me )?"
)
#: words that point at what plays rather than name a title
_POINTERS = frozenset(("it", "this", "that", "them", "something", "anything", "music"))
_READ = frozenset(("read", "reading"))
#: a name starting so is a media request ("the next episode", "the latest episode")
NOT_A_TITLE_START = frozenset(
    "next last final latest newest new first previous current this that".split()
)

Spans = tuple[tuple[int, int], ...]


class MediaTitles:
    """The media-word checks of one parser (its gazetteers and catalog names)."""

    def __init__(self, gazetteers: Gazetteers, names: Callable[[], CatalogNames]) -> None:
        self.gazetteers = gazetteers
        #: the catalog name lists, loaded on first use (the parser's lazy property)
        self._names = names
        #: one-word kind words of MEDIA_KINDS ("story", "radio", "podcast", "fm")
        self.media_words = frozenset(
            phrase for phrase, value in gazetteers.tables.get("KIND", {}).items()
            if value in MEDIA_KINDS and " " not in phrase
        )

    def spans(self, text: str) -> Spans:
        """Character ranges of ``text`` (normalised) of the famous names that hold its media
        words, when every media word is inside one; empty otherwise, and for the texts
        without a media word (one set test)."""
        words = text.split(" ")
        if self.media_words.isdisjoint(words) or not _READ.isdisjoint(words):
            return ()  # no media word; or "read me a love story": reading asks for a book
        names = self._names().holding(self.media_words)
        starts = _starts(words)
        found: list[tuple[int, int]] = []
        for i, word in enumerate(words):
            if word not in self.media_words:
                continue
            span = names.around(words, i)
            if span is None:
                return ()
            head = span[0] + 1 if words[span[0]] in _ARTICLES else span[0]
            after = words[span[1]] if span[1] < len(words) else ""
            if (
                span[1] - head < 2
                or words[head] in NOT_A_TITLE_START
                or after in ("of", "from", "about")
            ):
                return ()  # "the story", "the next episode of serial", "the story of abba"
            a, b = starts[span[0]], starts[span[1] - 1] + len(words[span[1] - 1])
            if self.gazetteers.title_kind(text[a:b], bare=True) is not None:
                return ()
            found.append((a, b))
        return tuple(found)

    def explain(self, match: Match, titled: Spans, text: str) -> bool:
        """Whether ``match`` reads a media kind the names explain away: a pattern that gives
        a media kind or reads a media kind word inside a name, or an out-of-domain pattern
        when a play verb asks for the name and nothing else ("play video killed the radio
        star" asks for no video)."""
        pattern = match.pattern
        if pattern.intent == "none":
            a, b = titled[-1]
            return b == len(text) and _PLAY_LEAD.fullmatch(text, 0, a) is not None
        if pattern.slots.get("kind") in MEDIA_KINDS:
            return True
        word = match.groups.get("kind_word")
        return word is not None and any(a <= word[0] and word[1] <= b for a, b in titled)

    def by_famous_artist(self, text: str) -> int | None:
        """Where " by " (or " from ") starts when ``text`` asks to play something by a famous
        artist named at its end ("play show yourself by idina menzel", "put on down by
        mokita", "play something just like this from coldplay"), else None: music, whatever
        words the title holds (the out-of-domain, volume, like and episode rules read "show",
        "down", "like", "episode")."""
        at, link = max((text.rfind(" by "), 4), (text.rfind(" from "), 6))
        if at < 0 or _PLAY_VERB.search(text, 0, at) is None:
            return None
        named = text[at + link :]  # "play something just like this from coldplay" too
        names = self._names()
        # the whole rest, or the rest without a device ("... by idina menzel in the kitchen")
        for artist in dict.fromkeys((named, _DEVICE_END.sub("", named))):
            popularity = names.artist(artist) if artist.count(" ") <= 4 else None
            if (
                popularity is not None
                and popularity >= FAMOUS_POPULARITY
                and names.type_of(artist) == "artist"
            ):
                return at
        return None

    def plays_by(self, text: str) -> int | None:
        """Where " by " starts when ``text`` opens with a play verb and asks for a title of
        one to :data:`TITLE_WORDS` words by one to four words of artist ("play mute by
        shygirl", "play again by noah cyrus"), else None. Unlike :meth:`by_famous_artist`,
        the artist may be unknown, so this only outvotes commands, never the out-of-domain
        rules; a title that points at what plays ("play it louder by 10") is none."""
        at = text.rfind(" by ")
        verb = _OPENING_PLAY.match(text)
        if at < 0 or verb is None or verb.end() >= at:
            return None
        title = text[verb.end() : at].split(" ")
        artist = _DEVICE_END.sub("", text[at + 4 :]).split(" ")
        if len(title) > TITLE_WORDS or title[0] in _POINTERS or not 1 <= len(artist) <= 4:
            return None
        if all(w.isdigit() or w in ("percent", "points", "notches") for w in artist):
            return None  # "turn it up by 10 percent"
        return at

    def holds_filler(self, norm: Normalized, fillers: frozenset[str]) -> bool:
        """Whether ``norm`` (normalised keeping the inner fillers) has a filler word inside a
        famous title ("play bitch please by snoop dogg", "play please please me")."""
        words = norm.text.split(" ")
        if fillers.isdisjoint(words):
            return False
        names = self._names().holding(fillers)
        return any(
            word in fillers and names.around(words, i) is not None
            for i, word in enumerate(words)
        )

    def ends_with_tail(self, norm: Normalized) -> bool:
        """Whether the closing filler words dropped from ``norm`` end a famous song title
        ("play don't stop me now"; "play shape of you for me" does not)."""
        words = norm.text.split(" ")
        tail = list(norm.tail)
        names = self._names()
        for start in range(max(0, len(words) - TITLE_WORDS), len(words)):
            if names.famous_title(" ".join(words[start:] + tail)):
                return True
        return False


def _starts(words: list[str]) -> list[int]:
    """The start offset of each word of a text split on single spaces."""
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word) + 1
    return starts
