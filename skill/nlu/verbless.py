"""Content said without a verb: "olly bohemian rhapsody queen", "audio book sapiens",
"heart fm in the bathroom please".

:func:`read_verbless` parses the text with "play" in front and keeps the reading only when
every name in it is one the lists know (catalog names, gazetteers, a station's "fm", a short
name next to its kind word) and at most two other words remain; :func:`names_content` is the
cheap test the parser runs first, so most out-of-domain texts skip the second parse.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from skill.nlu.models import Intent
from skill.nlu.titles import MEDIA_KINDS

if TYPE_CHECKING:
    from skill.nlu.catalog_names import CatalogNames
    from skill.nlu.normalize import Normalized
    from skill.nlu.pipeline import Parser

#: slots that name what to play (a query alone may be anything)
NAMED_CONTENT = frozenset({"query", "track", "artist", "album", "playlist", "genre", "year"})
TYPED_CONTENT = NAMED_CONTENT - {"query"}
#: first words that make a text no verbless request ("play", "turn", "what")
VERBS = frozenset(
    """play put start listen hear turn switch stop pause resume skip set add queue what who
    how when where why which is are can could will would do does did tell show find search
    make give let i i'm im it it's its this that what's whats who's whos where's how's was
    were has have had should shall does don't dont look browse locate buy purchase order
    download rent sell""".split()
)
#: question words that open many famous titles ("how deep is your love", "what is love")
_QUESTION_OPENERS = frozenset(("who", "how", "what", "where", "why", "when"))
#: the popularity of title and artist together (0-200) above which a title opening with a
#: question word, said with its artist last, is that song though the catalog's most popular
#: row of the title is another artist's (Bee Gees' "how deep is your love")
ASKED_PAIR_POPULARITY = 140
#: the most words of a title said before "by" with no verb
_TITLE_MAX_WORDS = 6
#: first words that ask a question or give an order: no title starts a text with them (the
#: verbs but those that open titles: "i'm a believer", "it's my life", "this love")
_ASKING = VERBS - frozenset("i'm im it it's its this that don't dont".split())
#: words a verbless request may hold besides its names ("some jazz for the dinner")
_VERBLESS_GLUE = frozenset(
    """some any a an the my of from by in on at to for with please now olly music songs song
    tunes track tracks album record ep playlist list radio station channel fm am podcast
    podcasts episode episodes audiobook audio book books latest newest new last next more
    little bit good nice""".split()
)
_WORD = re.compile(r"[a-z0-9']+")
#: media words a short verbless request may name its content with ("audio book sapiens")
MEDIA_CUES = frozenset(
    "podcast podcasts talks audiobook audiobooks audio book episode fm am radio station album song"
    " playlist"
    .split()
)
#: kind words a short podcast or book name is said next to ("network podcast")
_KIND_NOUNS = ("podcast", "podcasts", "audiobook", "audio book", "book", "episode", "show")
#: transport words that are no part of a name ("book swan resume", "rewind the episode")
_TRANSPORT_WORDS = frozenset(
    "resume resuming playing rewind again begin continue restart pause next previous".split()
)
#: sort words said between a show's name and its kind word ("X latest episode")
_SORTS = tuple(
    f"{kind}{sort}" for kind in ("", "podcast ")  # "planet money podcast latest episode"
    for sort in ("latest", "newest", "new", "last", "recent", "most recent")
)
#: how a radio show's name is said next to its kind words ("fresh air on the radio")
_RADIO_SHOW_FRAMES = (
    "{} on the radio", "{} on radio", "radio show {}", "radio programme {}", "radio program {}",
    "{} radio show", "{} show on the radio", "{} programme on the radio", "{} program on radio",
    "{} program on the radio", "{} programme on radio", "{} show on radio",
)
#: the item words after "this" or "that" that open a verbless request ("that song X")
_NAMED_ITEMS = ("song ", "track ", "tune ", "album ")
#: words that present a playlist's name ("my playlist called sunday morning")
_PLAYLIST_FRAMES = ("playlist called", "playlist named", "playlist titled")
#: words that present a title ("the song called safe haven")
_TITLE_FRAMES = tuple(
    f"{kind} {verb}" for kind in ("song", "track", "tune", "album", "record")
    for verb in ("called", "named", "titled")
)
#: an album's kind word said first, with no verb: any words after it name the album ("the
#: album thriller please")
ALBUM_FIRST = re.compile(
    r"(?:the |this )?(?:whole |full )?album (?!(?:is|was|are|were|has|had|sounds?|of|by|that"
    r"|which|i|you|we|he|she|it|they|so|too|very|please|now)\b)"
)
#: which day's show ("yesterday's the daily")
_WHEN_OWNED = frozenset(
    ("yesterday's", "today's", "tonight's", "last week's", "this week's", "this morning's",
     "last night's")
)
#: a show's or station's name said first, and the most words said after it
_OPENING_NAME_WORDS = 5
_AFTER_OPENING_NAME = 4
#: the words that may follow it: a place, a time, "please" ("npr is biased" says no more)
_AFTER_OPENING = frozenset("from in on at live now tonight please for".split())
#: the words that queue a thing said last ("... after this one", "... next in line")
QUEUE_TAIL = re.compile(
    r" (?:after (?:this|that|it|the current)(?: one| song| track)?|next(?: in line| please)?"
    r"|once this (?:one |song )?is (?:over|done|finished))\W*$"
)
#: music said to be an artist's ("the music of shakira")
_MUSIC_OF = re.compile(r"\b(?:music|songs|tunes|hits) (?:of|by|from) ")
_FREQUENCY_NAME = re.compile(r"(?:fm |am )?\d+(?:\.\d+)?(?: fm| am)?")


def read_verbless(parser: Parser, norm: Normalized) -> Intent | None:
    """"olly bohemian rhapsody queen", "audio book sapiens", "podcast of ted talks daily":
    the thing asked for, said without a verb. The text is parsed with "play" in front; it
    answers when that names known content (a typed name, a genre or year, or a station,
    podcast or book by name), never a free query alone."""
    if len(norm.text) > 80 or "lyrics" in norm.text:
        return None  # "lyrics of hello by adele": words to read, nothing to play
    first, _, rest = norm.text.partition(" ")
    # Spotify's "this is logic" playlist; "don't stop me now", a famous title said whole
    whole = first == "this" and rest.startswith("is ") and norm.text.endswith(" playlist") or (
        first in ("don't", "dont") and rest.count(" ") >= 1
        and parser.catalog_names.famous_title(norm.text)
    )
    if not whole and first in VERBS and not (
        first in ("this", "that") and rest.startswith(_NAMED_ITEMS)
    ) and (
        parser.catalog_names.split(_without_room(parser, norm.text)) is None
    ) and (
        # a title by a known artist; after a question word only a famous title ("what is
        # love by haddaway"; "what is the new song by adele" names none)
        (before := _before_artist(parser, norm.text)) is None
        or first in _ASKING and not parser.catalog_names.famous_title(before)
    ) and not show_opens(parser, norm.text):
        return None  # but "that song shape of you", "let it be beatles", "i'm a believer by
        # the monkees", "what is love by haddaway", "this american life latest episode"
    a, b = norm.span(0, len(norm.text))
    item = parser.parse_part(norm, a, b, "play ")
    if not plays_named(item) and not (
        item.name == "music.queue" and not NAMED_CONTENT.isdisjoint(item.slots)
    ):
        return None  # "blinding lights next" queues
    if NAMED_CONTENT.intersection(item.slots) == {"artist"} and item.slots.get("kind") not in (
        "audiobook", "album", "track"  # "some book by stephen king", "the new album of adele"
    ) and not _MUSIC_OF.search(norm.text):  # "the music of shakira please"
        return None  # an artist alone is _bare_artist's to judge ("the national")
    lowered = norm.original.lower()
    covered = [False] * len(lowered)
    for slot, value in item.slots.items():
        if slot in NAMED_CONTENT and not (
            slot == "query" and item.slots.get("track") == value  # a queued title
        ) and not _known(parser, slot, str(value), item, norm.text):
            return None
        if slot in item.spans:
            x, y = item.spans[slot]
            covered[x:y] = [True] * (y - x)
    rest = "".join(" " if covered[i] else ch for i, ch in enumerate(lowered[:b]))
    if item.name == "music.queue":  # "hotel california after this one": the words of queueing
        rest = QUEUE_TAIL.sub("", rest)
    loose = [w for w in _WORD.findall(rest[a:]) if w not in _VERBLESS_GLUE]
    if len(loose) > 2:
        return None  # "my jazz for loving couples needs more push the button"
    return dataclasses.replace(item, confidence=item.confidence * 0.8, source="verbless:play")


def plays_named(item: Intent) -> bool:
    """``item`` is a play request that names what to play (not "play some music")."""
    return item.name == "music.play" and not NAMED_CONTENT.isdisjoint(item.slots)


def named_without_verb(item: Intent) -> bool:
    """``item`` names what to play and was read without a verb (verbless content or a bare
    artist): "heavy metal" in "heavy metal loud", not "play it" in "play it really loud"."""
    return plays_named(item) and item.source.startswith(("verbless", "catalog"))


def names_content(parser: Parser, text: str) -> bool:
    """A cheap test of whether ``text`` (no grammar matched it) could name something to
    play: a short text with a media word, a genre or decade, an artist next to a title,
    or a known artist after "by"/"from"/"of". Most out-of-domain texts fail it, and
    so skip the second parse of :func:`read_verbless`."""
    words = text.split(" ")
    if ALBUM_FIRST.match(text):
        return True  # "the whole album a rush of blood to the head": the kind said first
    if words[-1] in ("one", "version") and 2 < len(words) <= 9:
        return True  # "viva la vida the coldplay one": a title and whose it is
    if not MEDIA_CUES.isdisjoint(words) and (
        len(words) <= 7 or len(_without_room(parser, text)) <= 7
    ):
        return True  # "audiobook of the little prince in the bedroom"
    genres = parser.gazetteers.tables.get("GENRE", {})
    decades = parser.gazetteers.tables.get("DECADE", {})
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n])
            if phrase in genres or phrase in decades:
                return True
    words = _without_room(parser, text)
    if len(words) > 2 and " ".join(words[:2]) in _WHEN_OWNED:
        words = words[2:]  # "last week's freakonomics", "yesterday's the daily"
    elif len(words) > 1 and words[0] in _WHEN_OWNED:
        words = words[1:]
    said = " ".join(words)
    if parser.gazetteers.title_kind(said) is not None:
        return True  # "huberman lab", "wnyc in the kitchen": a show, station or book by name
    for n in range(min(len(words) - 1, _OPENING_NAME_WORDS), 0, -1):
        if len(words) - n <= _AFTER_OPENING_NAME and words[n] in _AFTER_OPENING and (
            parser.gazetteers.title_kind(" ".join(words[:n])) is not None
        ):
            return True  # "triple j from australia", "kexp seattle live": a name said first
    for n in range(min(len(words) - 2, _OPENING_NAME_WORDS), 0, -1):
        if words[-n - 1] in ("on", "from") and (
            parser.gazetteers.title_kind(" ".join(words[-n:])) is not None
        ):
            return True  # "the football on five live": a show on a station the lists know
    names = parser.catalog_names
    for i, word in enumerate(words[1:-1], 1):
        if word in ("by", "from", "of") and names.is_artist_said(" ".join(words[i + 1 :])):
            return True
    return names.split(words) is not None


def artist_and_title(parser: Parser, text: str) -> bool:
    """Whether ``text`` (a room said last left out) is an artist next to one of their
    titles: "the weeknd blinding lights in the living room", which holds a home word, or
    "ed sharon shape of you", an artist heard wrong. A text that runs long is no such pair,
    nor one that opens with a verb or a question word, unless the catalog pairs its title
    with the artist said last ("i like me better lauv")."""
    if text.count(" ") > 9:
        return False
    names = parser.catalog_names
    first = text.split(" ", 1)[0]
    room = parser.room_at_end(text)
    if first in VERBS:
        said = text.split(" ")
        artists = names.artists
        if room is None and not any(  # the cheap test: an artist's name said last (name keys)
            " ".join(said[-k:]).replace("'", "") in artists for k in range(1, min(4, len(said)))
        ):
            return False
    words = (text if room is None else text[: room.start()]).split(" ")
    if first in VERBS:  # "i like me better lauv": a title the catalog pairs with its artist
        pair = names.split(words)
        if pair is None or pair.title[0] != 0:
            return False
        if first in _QUESTION_OPENERS and pair.artist[1] == len(words) and (
            pair.popularity >= ASKED_PAIR_POPULARITY
        ):
            return True  # "how deep is your love calvin harris": a hit and a star, said whole
        return names.paired(
            " ".join(words[: pair.title[1]]), " ".join(words[pair.artist[0] : pair.artist[1]])
        )
    # "ed sharon shape of you": the artist heard wrong before the title
    return names.split(words) is not None or names.split_on_title(words) is not None


def _without_room(parser: Parser, text: str) -> list[str]:
    """The words of ``text`` without a room said last ("... in the kitchen")."""
    room = parser.room_at_end(text)
    return (text if room is None else text[: room.start()]).split(" ")


def show_opens(parser: Parser, text: str) -> bool:
    """Whether ``text`` opens with a station, podcast or book of the lists (two to five
    words): "this american life latest episode"."""
    words = text.split(" ")
    for n in range(min(5, len(words)), 1, -1):
        said = " ".join(words[:n])
        if parser.gazetteers.title_kind(said) is not None:
            return True
    return False


def _before_artist(parser: Parser, text: str) -> str | None:
    """The words of ``text`` (a room said last left out) before its last "by" or "from" when
    an artist the catalog knows follows ("what is love | by haddaway", "let you love me | from
    rita ora"), else None."""
    said = " ".join(_without_room(parser, text))
    for link in (" by ", " from "):
        before, by, artist = said.rpartition(link)
        if by and parser.catalog_names.is_artist_said(artist):
            return before
    return None



def _title_by(names: CatalogNames, item: Intent, text: str) -> bool:
    """Whether ``item`` is a title said right before "by" and an artist the catalog knows,
    the two all the text names: "groove me by guy", "five minutes by jeremy zucker" (any
    title, even everyday words, when an artist the catalog holds follows "by")."""
    track, artist = item.slots.get("track"), item.slots.get("artist")
    if not isinstance(track, str) or not isinstance(artist, str) or "album" in item.slots or (
        track.count(" ") >= _TITLE_MAX_WORDS
    ):
        return False  # "it's raining outside and i need calling wisdom by karunesh": a story
    said = f"{track} by {artist}".lower()
    at = text.find(said)
    return at >= 0 and _VERBLESS_GLUE.issuperset(text[:at].split()) and (
        names.type_of(artist) == "artist"
    )


def _heard_wrong(parser: Parser, artist: str, item: Intent) -> bool:
    """Whether ``artist`` (normalised) is the title's own artist heard wrong ("ed sharon |
    shape of you"): the catalog's split on the title reads the two names."""
    track = item.slots.get("track")
    if not isinstance(track, str):
        return False
    words = [*artist.split(" "), *parser.normalizer.normalize(track).text.split(" ")]
    return parser.catalog_names.split_on_title(words) is not None


def _known(parser: Parser, slot: str, value: str, item: Intent, text: str) -> bool:
    """Whether a name read from a verbless text is one the lists know (a genre or year
    is always read from a list; a station, podcast or book by its list or its kind word)."""
    names = parser.catalog_names
    key = parser.normalizer.normalize(value).text
    if slot in ("genre", "year"):
        return True
    if slot in ("query", "playlist") and parser.gazetteers.lookup("MOOD", key) is not None:
        return True  # "something chill", "workout playlist": a mood read from the list
    artist = item.slots.get("artist")
    if slot in ("artist", "track") and " " not in key and names.is_common_word(key) and not (
        slot == "track" and isinstance(artist, str)
        and names.paired(key, parser.normalizer.normalize(artist).text)
    ) and not (
        slot == "track" and text.startswith(key + " by ") and _title_by(names, item, text)
    ) and not (  # "the song happy by pharrell": a kind word presents it, an artist follows
        slot == "track" and isinstance(artist, str) and _known(parser, "artist", artist, item, text)
        and any(f"{kind} {key} by " in text for kind in ("song", "track", "tune", "single"))
    ):
        # but "lights | ellie goulding": a song and its singer; "low by sza": the whole text
        return False  # "home", "not now", "how are you today": everyday words
    if slot == "artist":
        # "let it be beatles": a famous band said without its "the"
        known = names.famous_artist_said(key) or parser.gazetteers.lookup("ARTIST", key)
        return bool(known) or _title_by(names, item, text) or (
            item.slots.get("kind") == "audiobook"
            and parser.gazetteers.lookup("AUTHOR", key) is not None  # "some book by stephen king"
        ) or _heard_wrong(parser, key, item)
    if slot in ("track", "album") and any(
        f"{frame} {key}" in text for frame in _TITLE_FRAMES
    ):  # "the song called safe haven": any words, when a kind word presents them
        return True
    if slot == "track":  # a one-word title alone may be any word ("today")
        # (the title as said, too: normalising drops a closing "now": "don't stop me now")
        famous = names.famous_title(key) or names.famous_title(value.lower())
        return famous and (" " in key or "artist" in item.slots) or (
            _title_by(names, item, text)  # "again by lenny kravitz"
        )
    if slot == "album":  # "album thriller from michael jackson"
        if names.album(key) is not None or (
            item.slots.get("kind") == "album" and "artist" in item.slots
        ):
            return True
        # "the album thriller please", but not "the album rumours fleetwood mac": an artist
        # said last is no album's name
        return ALBUM_FIRST.match(text) is not None and not any(
            names.is_artist_said(" ".join(key.split(" ")[-n:])) for n in range(1, 4)
        )
    if slot == "playlist":  # a known name, or any name said after "playlist called"
        return parser.gazetteers.lookup("PLAYLIST", key) is not None or any(
            f"{frame} {key}" in text for frame in _PLAYLIST_FRAMES
        ) or key.startswith("this is ") and names.famous_artist_said(key[8:])  # "this is logic"
    kind = item.slots.get("kind")
    if kind not in MEDIA_KINDS:
        return False
    label = {"radio": "STATION", "audiobook": "AUDIOBOOK"}.get(str(kind), "PODCAST")
    if parser.gazetteers.lookup(label, key) is not None:
        return True
    if kind == "radio" and (
        key.endswith((" fm", " am")) or _FREQUENCY_NAME.fullmatch(key) is not None
    ):
        return True
    # "audio book sapiens", "network podcast", "fresh air on the radio": a short name right
    # next to its kind word
    words = key.split()
    if kind in ("podcast", "episode") and 0 < len(words) <= 5 and words[0] not in VERBS and (
        _TRANSPORT_WORDS.isdisjoint(words)
    ) and any(f"{key} {sort} {kind_word}" in text for sort in _SORTS for kind_word in _KIND_NOUNS):
        return True  # "the rest is history latest episode", "serial new episode"
    if not 0 < len(words) <= 3 or not VERBS.isdisjoint(words) or (
        not _TRANSPORT_WORDS.isdisjoint(words)
    ):
        return False
    if kind == "radio":
        return any(frame.format(key) in text for frame in _RADIO_SHOW_FRAMES)
    return any(
        f"{kind_word} {key}" in text or f"{key} {kind_word}" in text
        or f"{kind_word} of {key}" in text or f"{kind_word} with {key}" in text
        or f"{kind_word} about {key}" in text
        for kind_word in _KIND_NOUNS
    )
