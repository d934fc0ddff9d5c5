"""The content phrase of a play request, read word by word into typed slots.

"play a 1998 sound track from Sam The Kid on Last Fm" has a structure that regexes only cover
by enumerating every order: [descriptors] [year] [kind] [title] [by/from artist] [year]
[on service] [in device]. :func:`read_content` takes the words after the play verb and fills
``track``/``album``/``artist``/``playlist``/``genre``/``year``/``query``/``kind``/``device``
with the gazetteers (through the spaCy matcher) and these rules:

* a service mention ("on deezer", "with spotify", a bare "Netflix") is dropped;
* a device at the end ("in the kitchen") becomes ``device``;
* a decade or a four-digit year becomes ``year``, with its "from the" / "in" / "of";
* the text after the last " by " (or " from ", when it does not start a year) is ``artist``;
* kind words ("song", "album", "soundtrack") set ``kind``; descriptor words ("the newest",
  "top ten", "some") around them are dropped;
* what is left is the title: typed by a kind word in front of it ("the album X"), else a
  track when an artist was named, else an artist when followed by "music"/"songs", else a
  genre when it is one, else a free ``query``;
* a genre or a famous song title (``catalog``, catalog_names.py) keeps words the descriptor
  trimming would drop ("new age", "how you remind me"); "sort by X" is an ordering; "music
  that is X" names X.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from skill.nlu.catalog_names import CatalogNames
from skill.nlu.entities import Entity
from skill.nlu.titles import MEDIA_KINDS

_DEVICE_NOUNS = frozenset(
    {"speaker", "speakers", "tv", "echo", "display", "device", "sonos", "homepod"}
)
#: devices people name after their owner ("alexs phone")
_NAMED_DEVICES = frozenset({"phone", "iphone", "laptop", "computer", "tablet", "ipad", "room"})
_OWNED_DEVICES = _DEVICE_NOUNS | _NAMED_DEVICES
#: what may follow a room at the end ("in the kitchen speaker", "the living room stereo")
_DEVICE_WORDS_AFTER = _DEVICE_NOUNS | frozenset({"stereo", "sonos", "homepod", "system"})
_DEVICE_PREP = frozenset({"in", "on", "at", "through", "via", "for", "to"})
_SERVICE_PREP = frozenset("on with using from off of via in at through over use".split())
_YEAR_PREP = frozenset(
    "from of in the year around during released decade era early late mid half last first part"
    .split()
)
#: parts of a book or show a listener left off in ("from the last chapter")
_PLACES_IN = frozenset("chapter episode page part session time".split())
#: a word after a decade that says it is one ("the eighties era")
_YEAR_AFTER = frozenset({"era", "decade", "period"})
_DESCRIPTORS = frozenset(
    """a an the some any me us for my this that his her their its good great nice best top
    ten fifty 50 20 10 5 twenty most popular newest new latest last greatest hottest recent
    famous biggest first full whole entire certain particular something anything few random
    genre kind type style selling best-selling bestselling that's thats which's only just
    upwards onwards again everything today's todays yesterday's yesterdays tonight's tonights
    sort sorted by all every favorite favourite preferred played current favorited favourited
    bookmarked downloaded subscribed recently sung performed listened bit week's weeks""".split()
)
_MUSIC_WORDS = frozenset("music songs tunes stuff hits".split())
#: an owner's room or device ("jacob's room", "emma's speaker"): the same words as the
#: owner's alternative of the grammars' ``{device}`` macro (grammars/macros.yaml)
OWNED_DEVICE = (
    r"[a-z]+'s (?:room|bedroom|office|speaker|speakers|phone|tablet|ipad|laptop|computer|echo|tv)"
)
#: where to play, said without "in" or "on" ("jazz upstairs", "abba everywhere")
ROOM_ADVERBS = frozenset(("upstairs", "downstairs", "everywhere"))
#: words after which a name follows ("the song everywhere" is a song)
_NAMED_NEXT = frozenset(
    "the a an my song track tune album record playlist podcast audiobook book called named"
    " titled".split()
)
#: descriptors of praise, which end titles as often as they describe ("someone great")
_PRAISE = frozenset("good great nice".split())
#: MOOD values (entities.LIST_VALUES) that stay part of a genre named after them
_NAMING_MOODS = frozenset(("language", "occasion"))
#: what music is for, after a genre ("classical for my baby", "jazz to relax to")
_PURPOSE = frozenset("for to while when during".split())
_RELATIVE = frozenset("is are has have was were sounds sound feels feel".split())
_SORT_WORDS = frozenset("sort sorted order ordered rank ranked".split())
_EDGE_WORDS = frozenset("from of off on with music".split())
#: the slots a content reading fills: media.refine_content drops and sets exactly these
CONTENT_SLOTS = ("query", "track", "album", "artist", "playlist", "genre", "year", "device")
#: a title ending in a phrasal verb keeps its "on" ("what's going on", "hold on", "carry on")
_ON_PHRASAL = frozenset(
    """going hold holding come coming carry carrying move moving hang hanging keep keeping
    right walk walking shine dream dreaming live living get getting turn turned""".split()
)
#: words that may open or close a title named with its artist, though they are descriptors
#: elsewhere ("play something by X" names no title; "something special by X" does)
TITLE_LEAD = frozenset(
    "this that that's thats my something new best one every all only just first last good "
    "great".split()
)
#: descriptor words that open a name said right after "the song/album/playlist"
_NAME_OPENERS = frozenset(
    "the a an new good great best random kind top first last this my all every greatest big old"
    .split()
)
_TITLE_TAIL = frozenset("me us with all top again tonight today".split())
#: words that may open a famous title said before its artist, though trimming drops them
#: ("good news | mac miller", "whole lotta rosie | acdc")
_OPENS_TITLE = TITLE_LEAD | {"a", "an"} | _DESCRIPTORS
#: lists of shows and books whose names keep the words trimming would drop ("the daily")
_SHOW_LABELS = frozenset(("PODCAST", "AUDIOBOOK", "STATION"))
_ALBUM_WORDS = frozenset("album albums record ep lp".split())
_SPEAKER_WORDS = frozenset(("speaker", "speakers"))
#: words that open chatter after an artist's name ("... by adele for my mother", "... right now")
_CHATTER_OPENERS = frozenset(
    "right now its it's for i i'm she he we they please because so while tonight today this"
    .split()
)
#: a time after "from", not an artist ("the radiolab episode from yesterday")
_WHEN = frozenset("yesterday today tonight last this earlier".split())
#: the words between an artist and a trailing album word ("by inxs the whole album")
_ALBUM_TAIL = frozenset("the whole full entire complete their his her".split())
_CLAUSE_WORDS = frozenset("is was are i i'll i'd you please".split())
#: words that may open a title ("That Would Be Something", "Her Majesty", "By The Sea")
_TITLE_OPENERS = frozenset("that his her their its what by".split())
_POSSESSIVES = frozenset("his her their its".split())
#: words before "his/her/their" that say whose album it is ("a song from his thriller album")
_ALBUM_FROM = frozenset("from off on of".split())
_KIND_WORDS = frozenset("playlist album record ep list radio station podcast genre style".split())
#: "songs of X" / "music of X": X is the artist
_OF_ARTIST_WORDS = frozenset("song songs music tracks hits album albums".split())
_NOT_ARTIST_AFTER_OF = frozenset("my your our this that these all the".split())
#: words that introduce a name ("the playlist called X", "a song by sia called X")
_NAMING = frozenset("called named titled entitled".split())
#: a song named after "from the": "music from the track X" names no artist
_SONG_WORDS = frozenset(("track", "song"))
#: nouns before an artist's name ("by the band X", "by musical artist X")
_ARTIST_NOUNS = frozenset(
    "the artist band singer group musical musician rapper composer songwriter".split()
)
#: words before a closing "me"/"us" that make it no part of a title ("for me", "to us")
_FOR = frozenset("for to with".split())
#: what a second "and play" asks for ("... and play some of his songs")
_PLAY_WHAT = frozenset("some it them me something all his her their any one a".split())
_TITLE_KINDS = {"track": "track", "album": "album", "playlist": "playlist", "artist": "artist"}


@dataclass
class Content:
    """Slots read from a content phrase: slot -> (start, end) in the phrase, plus kind."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    kind: str | None = None


_NON_SPACE = re.compile(r"\S+")
#: a device noun right after a room word belongs to the device ("the living room tv")
DEVICE_NOUN = r"(?:speakers?|tv|echo|display|sonos|homepod|echo dot)"
DEVICE_NOUN_AFTER = re.compile(rf" {DEVICE_NOUN}(?= |$)")


def _artist_name(
    text: str, a: int, b: int, entities: Sequence[Entity], catalog: CatalogNames
) -> bool:
    """Whether ``text[a:b]`` names an artist: a known one that is no everyday word, or a
    person ("junior delgado"), and holds no genre, mood or decade word."""
    if any(e.label in ("GENRE", "MOOD", "DECADE", "KIND") and a <= e.start < b for e in entities):
        return False
    name = text[a:b]
    if " " not in name and catalog.is_common_word(name):
        return False
    if catalog.artist(name) is not None:
        return True
    return " " in name and any(e.label == "PERSON" and e.start == a for e in entities)


def _known_album(catalog: CatalogNames, phrase: str) -> bool:
    """Whether ``phrase`` (its "the" left out or not) is a known album and no artist."""
    if catalog.type_of(phrase) == "artist":
        return False
    return catalog.album(phrase) is not None or catalog.album("the " + phrase) is not None


def _music_phrase(words: Sequence[tuple[str, int, int]]) -> bool:
    """Whether ``words`` only say "music" ("the music", "some of the songs")."""
    return any(w in _MUSIC_WORDS for w, _, _ in words) and all(
        w in _MUSIC_WORDS or w in _DESCRIPTORS or w == "of" for w, _, _ in words
    )


def text_words(text: str) -> list[tuple[str, int, int]]:
    """The runs of non-white-space characters of ``text`` with their offsets."""
    if not (text.isascii() and text.isprintable()):
        return [(m.group(), m.start(), m.end()) for m in _NON_SPACE.finditer(text)]
    # printable ASCII: the space is its only white space
    words = []
    at = 0
    for word in text.split(" "):
        if word:
            words.append((word, at, at + len(word)))
        at += len(word) + 1
    return words


def read_content(
    text: str, entities: Sequence[Entity], catalog: CatalogNames | None = None
) -> Content:
    """Read ``text`` (normalised, the words after the verb) with its gazetteer entities;
    ``catalog`` (famous titles) keeps a known title whole."""
    out = Content()
    words = text_words(text)
    n = len(words)
    used = [False] * n
    start_of: dict[int, int] = {}
    end_of: dict[int, int] = {}
    #: the words present: the passes below that look for one word are skipped without it
    present: set[str] = set()
    for i, (word, start, end) in enumerate(words):
        start_of[start] = i
        end_of[end] = i
        present.add(word)

    def span_words(entity: Entity) -> tuple[int, int] | None:
        a = start_of.get(entity.start)
        b = end_of.get(entity.end)
        return None if a is None or b is None else (a, b)

    if "little" in present:
        # "a little bit of jazz", "a little classical": an amount, not a title's first words
        # (not "little lies", "a little respect")
        at = 1 if n > 2 and words[0][0] == "a" and words[1][0] == "little" else (
            0 if words[0][0] == "little" else -1
        )
        if at >= 0 and at + 2 < n and words[at + 1][0] == "bit":
            lead = at + 3 if words[at + 2][0] == "of" else at + 2
        elif at == 1 and any(
            e.start == words[2][1] and e.label in ("GENRE", "MOOD", "DECADE") for e in entities
        ):
            lead = 2
        else:
            lead = 0
        for i in range(lead):
            used[i] = True

    # services and devices
    for entity in entities:
        if entity.label != "SERVICE" and entity.label != "DEVICE":
            continue
        idx = span_words(entity)
        if idx is None:
            continue
        a, b = idx
        if entity.label == "SERVICE":
            if a > 1 and words[a - 1][0] in ("my", "the") and words[a - 2][0] in _SERVICE_PREP:
                a -= 1  # "from my pandora app"
            while a > 0 and words[a - 1][0] in _SERVICE_PREP:
                a -= 1
            for i in range(a, b + 1):
                used[i] = True
            if b + 1 < n and words[b + 1][0] in ("app", "service", "music", "radio", "to"):
                used[b + 1] = True
        elif (
            entity.label == "DEVICE" and a > 0
            and (b == n - 1 or (b == n - 2 and words[b + 1][0] in _DEVICE_WORDS_AFTER))
        ):
            prep = a - 1
            first = a
            if (
                b == n - 1
                and words[a][0] in _OWNED_DEVICES
                and prep > 0
                and words[prep][0].endswith(("s", "'s"))
                and words[prep - 1][0] in _DEVICE_PREP
            ):
                # "on alexs phone", "on john's speaker": an owner's name before the device noun
                first = prep
                prep -= 1
            if words[prep][0] in ("the", "my") and prep > 0:
                prep -= 1
            # "on (the) speaker (in the) bedroom": the speaker said before its room
            if prep > 0 and words[prep][0] in _SPEAKER_WORDS:
                said = _speaker_said_on(words, prep)
                if said is not None:
                    prep = said  # "on speaker | bedroom"
            elif prep > 1 and words[prep][0] in ("in", "on") and (
                words[prep - 1][0] in _SPEAKER_WORDS
            ):
                said = _speaker_said_on(words, prep - 1)
                for i in range(prep if said is None else said, prep):
                    used[i] = True  # "on the speaker | in the bedroom"
            if words[prep][0] in _DEVICE_PREP and (
                words[prep][0] not in ("for", "to") or prep < a - 1  # not "music to study"
            ):
                # "on the kitchen speaker": the device noun after the room belongs to it
                end = b + 1 if b + 1 < n and words[b + 1][0] in _DEVICE_NOUNS else b
                out.spans["device"] = (words[first][1], words[end][2])
                for i in range(prep, end + 1):
                    used[i] = True
            elif (
                a == b == n - 1 and words[a][0] in ROOM_ADVERBS
                and words[a - 1][0] not in _NAMED_NEXT
            ):
                out.spans["device"] = (words[a][1], words[a][2])  # "jazz upstairs"
                used[a] = True
            elif (
                b == n - 2 and words[b + 1][0] in _DEVICE_NOUNS
                and words[prep][0] not in _NAMED_NEXT
            ):
                # "classic fm living room speaker": a room and its speaker said last
                out.spans["device"] = (words[a][1], words[b + 1][2])
                for i in range(a, b + 2):
                    used[i] = True
    # "adele on the speaker": a bare device noun said last, when no room was named
    if (
        "device" not in out.spans and n > 3 and words[-1][0] in ("speaker", "speakers")
        and words[-2][0] in ("the", "my") and words[-3][0] in ("on", "through", "via")
        and not used[n - 3]
    ):
        out.spans["device"] = (words[-1][1], words[-1][2])
        for i in range(n - 3, n):
            used[i] = True
    # a playback mode said after the content ("hello by adele on repeat in the kitchen")
    for i in range(n - 2, 0, -1) if "repeat" in present or "loop" in present else ():
        if (
            words[i][0] in ("on", "in") and not used[i]
            and (words[i + 1][0] in ("repeat", "loop")
                 or (words[i + 1][0] == "a" and i + 2 < n and words[i + 2][0] == "loop"))
        ):
            last = i + 1 if words[i + 1][0] != "a" else i + 2
            if last == n - 1 or used[last + 1]:
                for k in range(i, last + 1):
                    used[k] = True
    # "open youtube and play X": the joining words after a service name
    for i in range(n - 1) if True in used else ():
        if used[i] and not used[i + 1] and words[i + 1][0] in ("and", "then", "to"):
            j = i + 1
            while j < n and not used[j] and words[j][0] in ("and", "then", "to", "play", "listen",
                                                             "start", "search", "for"):
                used[j] = True
                j += 1
    # "search for X and play some of his songs": the second verb joins two phrases
    for i in range(1, n - 2) if "and" in present else ():
        if (
            words[i][0] == "and" and words[i + 1][0] in ("play", "playing") and not used[i - 1]
            and words[i + 2][0] in _PLAY_WHAT  # not "come out and play by the offspring"
        ):
            used[i] = used[i + 1] = True
    # years and decades
    decade_starts = {e.start: e.end for e in entities if e.label == "DECADE"}
    years = [
        i for i, (word, start, _) in enumerate(words)
        if (word.isdigit() and len(word) == 4) or start in decade_starts
    ] if decade_starts or any(map(str.isdigit, present)) else []
    for i in years:
        if used[i]:
            continue
        if (
            i + 2 < n and words[i + 1][0] == "by"
            and all(words[k][0] in ("the", "song", "track") for k in range(i))
        ):
            continue  # "1979 by the smashing pumpkins": a title that is a year
        if i >= 2 and words[i - 1][0] == "the" and words[i - 2][0] == "by":
            continue  # "the sound by the 1975": a band named like a year
        if i >= 1 and words[i - 1][0] in ("album", "record", "song", "track", "single"):
            continue  # "the album 1984 by van halen": a title that is a year
        last = i  # a decade of several words: "2 thousands" ("two thousands")
        end = decade_starts.get(words[i][1], words[i][2])
        while last + 1 < n and words[last + 1][2] <= end:
            last += 1
        if "year" not in out.spans:
            out.spans["year"] = (words[i][1], words[last][2])
        if last + 1 < n and words[last + 1][0] in _YEAR_AFTER and not used[last + 1]:
            last += 1  # "the eighties era": the era is no artist
        for k in range(i, last + 1):
            used[k] = True
        j = i - 1
        while j >= 0 and not used[j] and words[j][0] in _YEAR_PREP:
            used[j] = True
            j -= 1
    # "music from the noise genre": the words before "genre" name it
    for g in range(n - 1, 1, -1) if "genre" in present else ():
        if words[g][0] != "genre" or used[g] or (g + 1 < n and not used[g + 1]):
            continue
        p = g - 1
        while p >= 0 and not used[p] and words[p][0] not in ("from", "of", "in"):
            p -= 1
        if p >= 0 and not used[p] and p + 1 < g:
            first = p + 2 if words[p + 1][0] == "the" and p + 2 < g else p + 1
            out.spans["genre"] = (words[first][1], words[g - 1][2])
            for k in range(p, g + 1):
                used[k] = True
        break
    # "sort by top", "sorted by popularity": an ordering, not an artist
    for i in range(n - 2) if "by" in present else ():
        if words[i][0] in _SORT_WORDS and words[i + 1][0] == "by" and not used[i + 2]:
            for k in range(i, i + 3):
                used[k] = True
    # "from the beginning", "from the start", "from start to end": where to start, no artist
    for i in range(n - 1) if "from" in present else ():
        if words[i][0] != "from":
            continue
        k = i + 2 if words[i + 1][0] in ("the", "its", "it's") else i + 1
        if k + 1 < n and words[k][0] == "last" and words[k + 1][0] in _PLACES_IN:
            for j in range(i, n):  # "from the last chapter i was on": where, to the end
                used[j] = True
            break
        if k >= n or words[k][0] not in ("beginning", "start", "top"):
            continue
        to_end = k + 3 if k + 3 < n and words[k + 2][0] == "the" else k + 2
        if to_end < n and words[k + 1][0] == "to" and words[to_end][0] in ("end", "finish"):
            k = to_end  # "from start to end", "from the beginning to the end"
        elif k == i + 1:
            continue  # "from start" alone may open a name
        if k + 1 == n or used[k + 1]:
            for j in range(i, k + 1):
                used[j] = True
    # "the radiolab episode from yesterday": when it aired, not an artist
    for i in range(n - 2, max(n - 4, 0), -1) if "from" in present else ():
        if (
            words[i][0] == "from" and words[i + 1][0] in _WHEN and not used[i]
            and (i + 2 == n or (i + 3 == n and words[i + 1][0] in ("last", "this")))
        ):
            for k in range(i, n):
                used[k] = True
            break
    # "by X" / "from X": the artist runs to the next used word or the end
    split = -1
    bys = [
        i for i in range(n - 1, -1, -1)
        if not used[i] and words[i][0] == "by" and i + 1 < n and not used[i + 1]
    ] if "by" in present else []
    if len(bys) > 1 and catalog is not None:
        # a band with "by" in its name: the leftmost "by" before a known artist names it
        # ("life is good on the open road by trampled by turtles")
        split = next((i for i in reversed(bys) if _artist_after(text, words, used, i, catalog)), -1)
    for i in bys if split < 0 else ():
        if _by_in_title(text, words, used, i, catalog):
            continue  # "stand by me", "killing me softly by the fugees" splits later
        split = i
        break
    kind_starts = {e.start for e in entities if e.label == "KIND"}
    if split < 0 and "of" in present:
        # "songs of arijit singh": "of" after a music word names the artist
        for i in range(n - 1, 0, -1):
            if (
                not used[i] and words[i][0] == "of" and i + 1 < n and not used[i + 1]
                and words[i - 1][0] in _OF_ARTIST_WORDS
                and words[i + 1][0] not in _NOT_ARTIST_AFTER_OF
                and not any(w[1] in kind_starts for w in words[i + 1 :])
                and not (  # "the whole album of abbey road" names the album
                    words[i - 1][0] in ("album", "record") and catalog is not None
                    # (or "the whole album of oracular spectacular | from mgmt")
                    and _album_not_artist(
                        catalog, _run_after(text, words, used, i).split(" from ", 1)[0]
                    )
                )
            ):
                split = i
                break
    if split < 0 and catalog is not None and "of" in present:
        for i in range(n - 2, 0, -1):
            # "gasolina of daddy yankee", "the album thriller of michael jackson": a non-native
            # "of" before a famous artist names them, unless the whole run is a known name
            if words[i][0] != "of" or used[i] or used[i - 1] or used[i + 1]:
                continue
            end = _stretch(words, used, i + 1)
            start = i - 1
            while start > 0 and not used[start - 1]:
                start -= 1
            named_by = text[words[i + 1][1] : words[end - 1][2]]
            whole = text[words[start][1] : words[end - 1][2]]
            if all(words[k][0] in _DESCRIPTORS or words[k][0] in _AMOUNT for k in range(start, i)):
                continue  # "a little bit of cream": an amount of the artist
            if (
                (end - i > 2 or not catalog.is_common_word(named_by))
                and catalog.famous_artist(named_by) and catalog.type_of(named_by) == "artist"
                and catalog.title(whole) is None and catalog.album(whole) is None
            ):
                split = i
                break
    if split < 0 and "from" in present:
        for i in range(n - 1, 0, -1):
            if not used[i] and words[i][0] == "from" and i + 1 < n and not used[i + 1]:
                after = [w for w, _, _ in words[i + 1 : i + 5]]
                if any(w in _KIND_WORDS for w in after) or not _SONG_WORDS.isdisjoint(after[:2]):
                    continue  # "from the playlist X", "from the track X": not an artist
                split = i
                break
    named: tuple[int, int] | None = None
    if split == 0 and (
        n < 2 or catalog is None
        or catalog.type_of(text[words[1][1] :]) != "artist" or catalog.famous_title(text)
    ):
        split = -1  # "play by the way": a title; "(got anything) by the notorious big"
    if split >= 0:
        end = split + 1
        while end < n and not used[end]:
            end += 1
        stop = end
        for i in range(split + 2, end):
            word = words[i][0]
            ahead = [w for w, _, _ in words[i + 1 : min(end, i + 8)]]
            if word in ("from", "on", "off", "of") and any(w in _ALBUM_WORDS for w in ahead):
                # "by X from their Y album" / "by X on the album Y": the album is named too
                stop = i
                names = [
                    j for j in range(i + 1, end)
                    if words[j][0] not in _ALBUM_WORDS
                    and words[j][0] not in ("the", "their", "his", "her", "my")
                ]
                if names:
                    out.spans["album"] = (words[names[0]][1], words[names[-1]][2])
                    out.kind = out.kind or "album"
                break
            if word in _NAMING and i + 1 < end:
                stop = i  # "a song by sia called cheap thrills": the title follows
                named = (words[i + 1][1], words[end - 1][2])
                break
            if word in ("that", "and", "which") and ahead[:1] and ahead[0] in _CLAUSE_WORDS:
                stop = i  # "by X that is popular", "by X and i'll be happy"
                break
        last = stop - 1
        while last > split and words[last][0] in _MUSIC_WORDS:
            last -= 1
        if last == n - 1 and last > split + 2 and words[last][0] in _ALBUM_WORDS:
            # "is this it by the strokes the whole album": the kind said after the artist
            tail = last - 1
            while tail > split + 1 and words[tail][0] in _ALBUM_TAIL:
                tail -= 1
            if tail < last - 1:
                out.kind = out.kind or "album"
                last = tail
        if last == n - 1 and last > split + 1 and words[last][0] == "on":
            last -= 1  # "put waltz for debby by bill evans on"
        first = split + 1
        while first < last and words[first][0] in _ARTIST_NOUNS:
            if words[first][0] == "the" and (
                words[first + 1][0] not in _ARTIST_NOUNS or first + 1 == last
            ):
                break  # "by the artist X", but "by the band" names The Band
            first += 1
        if last > first + 1 and catalog is not None:
            last = _known_artist_before_chatter(text, words, first, last, catalog)
        if last >= first:
            span = (words[first][1], _strip_possessive(words[last]))
            is_genre = any(
                e.label == "GENRE" and (e.start, e.end) == span for e in entities
            ) and not any(  # a title before "by" makes the genre word a band: "... by jungle"
                not used[k] and words[k][0] not in _DESCRIPTORS
                and words[k][0] not in _MUSIC_WORDS and words[k][0] not in _KIND_WORDS
                for k in range(split)
            )
            out.spans["genre" if is_genre else "artist"] = span
        for i in range(split, end):
            used[i] = True
    # kind words
    kind_at: list[int] = []
    #: where a run begins right after "the song", "the album", "the playlist": a name
    names_after: set[int] = set()
    for entity in entities:
        if entity.label != "KIND":
            continue
        idx = span_words(entity)
        if idx is None or any(used[i] for i in range(idx[0], idx[1] + 1)):
            continue
        if (
            entity.value == "track" and catalog is not None and idx[0] > 0
            and words[idx[0] - 1][0].endswith("'s") and not used[idx[0] - 1]
            and catalog.famous_title(text[words[idx[0] - 1][1] : entity.end])
        ):
            continue  # "annie's song by john denver": the word belongs to the title
        if (
            entity.value == "track" and idx[1] + 2 < n and words[idx[1] + 1][0] == "to"
            and words[-1][0] == "playlist" and not used[idx[1] + 1]
        ):
            continue  # "my songs to cry to playlist": the playlist's name opens with the word
        if (
            out.kind in ("track", "album") and idx[1] == n - 1 and entity.value == "playlist"
            and any(
                k + 1 in names_after and k + 2 < idx[0]
                and (k == 0 or (k == 1 and words[0][0] == "the"))
                and words[k + 1][0] not in _SERVICE_PREP and words[k + 1][0] != "to"
                for k in kind_at
            )
        ):
            continue  # "the album the rock list": the name holds the word
        out.kind = entity.value
        kind_at.append(idx[0])
        if entity.value in _TITLE_KINDS:
            names_after.add(idx[1] + 1)
        for i in range(idx[0], idx[1] + 1):
            used[i] = True
    if named is not None:
        out.spans[{"album": "album", "playlist": "playlist"}.get(out.kind or "", "track")] = named
        return out
    # the title: the longest run of unused words, without descriptors at its edges
    genre_spans = {(e.start, e.end) for e in entities if e.label in ("GENRE", "MOOD")}
    show_spans = {(e.start, e.end) for e in entities if e.label in _SHOW_LABELS}
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if used[i]:
            i += 1
            continue
        j = i
        while j < n and not used[j]:
            j += 1
        a, b = i, j - 1
        while True:
            while a <= b and (
                (
                    words[a][0] in _DESCRIPTORS
                    and words[a][0] not in _TITLE_OPENERS
                    and not (a == 0 and words[a][0] in ("that's", "thats"))  # "that's amore"
                    # "the album random access memories", "the record kind of blue"
                    and not (a == i and i in names_after and words[a][0] in _NAME_OPENERS)
                    # "this is guns n roses": Spotify's This Is playlists, "this is me"
                    and not (words[a][0] == "this" and a < b and words[a + 1][0] == "is")
                )
                or words[a][0] in _EDGE_WORDS
                or (words[a][0] in _NAMING and a > 0 and a < b)
                # "a song from his thriller album": whose album it is, not its name
                or (0 < a < b and words[a][0] in _POSSESSIVES and j < n
                    and words[j][0] in _ALBUM_WORDS and words[a - 1][0] in _ALBUM_FROM)
            ) and not _spelled(words, a, b):
                a += 1
            if (
                0 < a < b - 1
                and words[a][0] in ("that", "which")
                and words[a + 1][0] in _RELATIVE
            ):
                a += 2  # "music that is classical", "music which has humour"
                continue
            break
        while b >= a and (
            (
                words[b][0] in _DESCRIPTORS
                # "every woman in me", "stand by me": a title's last word, not "for me"
                and not (words[b][0] in ("me", "us") and b > a and words[b - 1][0] not in _FOR)
                # "someone great", "feel good": praise said last ends a title
                and not (
                    words[b][0] in _PRAISE and b > a and words[b - 1][0] not in _DESCRIPTORS
                )
            )
            or (words[b][0] in _MUSIC_WORDS and (i not in names_after or b == a))
            or (
                words[b][0] in _EDGE_WORDS
                and words[b][0] != "off"
                and not (words[b][0] == "on" and b > a and words[b - 1][0] in _ON_PHRASAL)
            )
        ) and not (b > a and _spelled(words, b - 1, b)) and not (
            b > a and words[b][0].isdigit() and words[b - 1][0] not in ("top", "the")
        ):
            b -= 1
        if (
            "artist" in out.spans
            and a <= b
            and (a, b) != (i, j - 1)
            and all(words[k][0] in TITLE_LEAD for k in range(i, a))
            and all(words[k][0] in _TITLE_TAIL for k in range(b + 1, j))
        ):
            # a title named with its artist keeps its own first and last words ("my kinda
            # lover by billy squier", "this is the way by ...", "best of me by bts")
            a, b = i, j - 1
        if a > i and words[i][0] in _OPENS_TITLE and catalog is not None and (
            "artist" not in out.spans
        ) and _titled_first(catalog, [w for w, _, _ in words[i:j]], a - i):
            a, b = i, j - 1  # "good news mac miller": a famous title and its artist, whole
        elif b < j - 1 and catalog is not None and "artist" not in out.spans and (
            _artist_then_title(catalog, [w for w, _, _ in words[i:j]])
        ):
            a, b = i, j - 1  # "etta james at last": an artist and their famous title, whole
        if (a, b) != (i, j - 1):
            # a genre or a famous title keeps the words the trimming would drop ("new age",
            # "how you remind me", "good morning by kanye west")
            # at most three trimmed words on each side (long inputs stay linear)
            spans = sorted(
                (
                    (x, y)
                    for x in range(i, min(a, i + 3) + 1)
                    for y in range(max(b, x, j - 4), j)
                ),
                key=lambda r: r[0] - r[1],
            )
            # ... but descriptors before a kind word describe it: "the greatest chant by X",
            # "the best songs by X" name no song "the greatest"
            described = j < n and (words[j][1] in kind_starts or words[j][0] in _MUSIC_WORDS)
            for x, y in spans:
                if described and all(words[k][0] in _DESCRIPTORS for k in range(x, y + 1)):
                    continue
                if y + 1 == split and _music_phrase(words[x : y + 1]):
                    continue  # "the music of tupac shakur", "the songs by queen": no title
                if x < y and (
                    (words[x][1], words[y][2]) in genre_spans
                    or (words[x][1], words[y][2]) in show_spans  # "the daily | podcast today"
                    or (
                        catalog is not None
                        and (
                            catalog.title(text[words[x][1] : words[y][2]]) is not None
                            or catalog.famous_artist(text[words[x][1] : words[y][2]])
                            # "the beatles songs"
                            or (  # "5 seconds of summer teeth": a band opens the run
                                x < a and y == b and catalog.opens_with_artist(
                                    [w for w, _, _ in words[x : y + 1]]
                                )
                            )
                        )
                    )
                ):
                    a, b = x, y
                    break
        if a <= b:
            runs.append((a, b))
        i = j
    if not runs:
        return out
    # a run right after a kind word ("the playlist Get Lit") is the title; else the longest
    after_kind = [r for r in runs if any(k < r[0] and all(used[x] or words[x][0] in
                  _DESCRIPTORS for x in range(k + 1, r[0])) for k in kind_at)] if kind_at else []
    found = after_kind or runs
    a, b = found[0] if len(found) == 1 else max(found, key=lambda r: r[1] - r[0])
    if (
        "artist" in out.spans
        and a == 1
        and not used[0]
        and words[0][0] in ("the", "a", "an", "this")
        and b - a >= 1
        and words[a][0] not in _DESCRIPTORS
        and not words[a][0].isdigit()
        and not any(k > b for k in kind_at)
    ):
        a = 0  # "play The Lady Is A Tramp by X": the article opens the title
    trailing_music = b + 1 < n and words[b + 1][0] in _MUSIC_WORDS
    title = (words[a][1], words[b][2])
    kind_before = any(k < a for k in kind_at) if kind_at else False
    kind_after = any(k > b for k in kind_at) if kind_at else False
    genre = any(
        (e.label == "GENRE" or (e.label == "MOOD" and ("artist" not in out.spans or kind_after)))
        and e.start == title[0]
        and e.end == title[1]
        for e in entities
    ) if entities else False  # a mood word by an artist is a title: "happy by pharrell",
    # "halloween by X"; before a kind word it is a mood: "a sad song by adele"
    if not genre and "artist" not in out.spans and entities:
        # "old country", "chill jazz": a mood or genre word before a genre names one genre
        firsts = [x for x in entities if x.label in ("GENRE", "MOOD") and x.start == title[0]]
        for e in entities:
            before = [x for x in firsts if x.end + 1 == e.start]
            if e.label == "GENRE" and e.end == title[1] and before:
                genre = True
                if all(x.label == "MOOD" and x.value not in _NAMING_MOODS for x in before):
                    # "relaxing jazz", "old funk": the mood is no part of the genre (the
                    # data README keeps a descriptor apart when a genre names the music);
                    # a language or an occasion is ("french rap", "dinner jazz": often a
                    # playlist's name), and so is a genre's own name ("soft rock")
                    title = (e.start, e.end)
                break
    if not genre and not kind_before:
        # "classical music for studying", "jazz songs to relax to": the genre names the
        # music and the rest says what it is for
        for e in entities:
            if e.label in ("GENRE", "MOOD") and e.start == title[0] and e.end < title[1]:
                rest = [k for k in range(a, b + 1) if words[k][1] > e.end]
                if rest and (words[rest[0]][0] in _MUSIC_WORDS or words[rest[0]][0] in _PURPOSE):
                    title = (e.start, e.end)
                    genre = True
                    break
    if not genre and not kind_before and "artist" not in out.spans and catalog is not None:
        # "some mandrill funk", "junior delgado reggae": an artist's name before a genre
        for e in entities:
            if e.label == "GENRE" and e.end == title[1] and e.start > title[0] + 1:
                if _artist_name(text, title[0], e.start - 1, entities, catalog) and (
                    catalog.type_of(text[title[0] : title[1]]) is None
                ):
                    out.spans["artist"] = (title[0], e.start - 1)
                    title = (e.start, e.end)
                    genre = True
                break
            if (
                e.label == "GENRE" and e.start == title[0] and e.end + 1 < title[1]
                and catalog.famous_artist(text[e.end + 1 : title[1]])
            ):
                # "reggae bob marley": a genre said before a famous artist of it
                out.spans["artist"] = (e.end + 1, title[1])
                title = (e.start, e.end)
                genre = True
                break
    if genre and not (out.kind in ("track", "album") and kind_before):
        out.spans["genre"] = title
    elif out.kind in _TITLE_KINDS and kind_before or (out.kind == "playlist" and kind_after):
        slot = _TITLE_KINDS[out.kind]
        if (
            slot == "track"
            and "artist" not in out.spans
            and catalog is not None
            and catalog.type_of(text[title[0] : title[1]]) == "artist"
        ):
            slot = "artist"  # "play the latest song adele": the name is the singer's
        out.spans[slot] = title
        if slot in ("track", "album") and "artist" not in out.spans and catalog is not None:
            halves = split_artist_title(words, title, catalog)
            if halves is not None:  # "the song faded alan walker", "the album rumours
                out.spans["artist"], out.spans[slot] = halves  # fleetwood mac"
        if slot in ("track", "album") and "artist" not in out.spans:
            owner = _owner(text, words, runs, kind_at, a, catalog, genre_spans)
            if owner is not None:
                out.spans["artist"] = owner  # "adele's song hello", "queen song X"
    elif "artist" in out.spans:
        slot = "album" if out.kind == "album" else "track"
        if out.kind in MEDIA_KINDS:
            slot = "query"  # "it ends with us audiobook by colleen hoover"
        if slot == "track" and out.kind is None and catalog is not None:
            a2, b2 = out.spans["artist"]
            named_title = text[title[0] : title[1]]
            if catalog.album_rather_than_track(named_title, text[a2:b2]):
                slot = "album"  # "abbey road by the beatles", "21 by adele"
        out.spans[slot] = title
    elif (
        b + 1 < n
        and words[b + 1][0] in ("soundtrack", "sound")
        and not any(e.label == "PERSON" and e.start == title[0] for e in entities)
        and (catalog is None or catalog.type_of(text[title[0] : title[1]]) != "artist")
    ):
        # "the frozen soundtrack", "the lion king soundtrack": a film's music is an album
        # (a person's name before it is the composer: "larry graham soundtrack")
        out.spans["album"] = title
    elif (
        kind_after and out.kind == "track" and "artist" not in out.spans and catalog is not None
        and catalog.type_of(text[_after_pointer(text, title) : title[1]]) == "track"
    ):
        # "the baby shark song", "that umbrella song": a famous title, not a singer
        out.spans["track"] = (_after_pointer(text, title), title[1])
    elif kind_after and out.kind in MEDIA_KINDS:
        out.spans["query"] = title  # "a radiolab episode": a show's name, not a singer
    elif (
        kind_after and out.kind == "album" and "artist" not in out.spans and catalog is not None
        and (
            _known_album(catalog, text[title[0] : title[1]])
            or catalog.type_of(text[title[0] : title[1]]) == "track"
        )
    ):
        # "dark side of the moon album": an album, not a band; "thriller album": a famous
        # title (an album's title song), no singer
        out.spans["album"] = title
    elif (
        kind_after and out.kind == "album" and "artist" not in out.spans and catalog is not None
        and (halves := split_artist_title(words, title, catalog, artist_first=True)) is not None
    ):
        out.spans["artist"], out.spans["album"] = halves  # "the beatles abbey road album"
    elif (
        kind_after
        or trailing_music
        or (out.kind in ("track", "album") and not kind_before)
        or "year" in out.spans
        or (a > 0 and words[a - 1][0] in ("some", "more") and out.kind is None)
    ):
        end = _strip_possessive(words[b])
        if b - a >= 2 and words[a + 1][0] == "of" and words[a][0] in ("one", "some", "any", "all"):
            title = (words[a + 2][1], title[1])  # "one of eric clapton's most popular songs"
        if (
            end == words[b][2] and words[b][0].endswith("s") and catalog is not None
            and catalog.artist(text[title[0] : end]) is None
            and catalog.artist(text[title[0] : end - 1]) is not None
        ):
            end -= 1  # "taylor swifts new album": a possessive typed without its apostrophe
        start = _after_pointer(text, (title[0], end))
        if start > title[0] and (catalog is None or catalog.artist(text[start:end]) is None):
            start = title[0]  # "that adele song", but a name of its own ("this mortal coil")
        if trailing_music and not kind_after and _described_music(
            text, (start, end), entities, catalog
        ):
            out.spans["query"] = (start, end)  # "some cheerful music", "rainy day music"
            return out
        out.spans["artist"] = (start, end)
    else:
        # "the" belongs to a free title ("the two towers")
        if a > 0 and words[a - 1][0] == "the" and not used[a - 1]:
            title = (words[a - 1][1], title[1])
        out.spans["query"] = title
    return out


def _described_music(
    text: str, span: tuple[int, int], entities: Sequence[Entity] | None,
    catalog: CatalogNames | None,
) -> bool:
    """Whether the words before "music"/"songs" describe the music rather than name its
    artist: a title the catalog knows and no artist ("rainy day music", "shower songs"), or
    one word that names no known artist and is no given name ("cheerful music", "hype
    music"; the free query still finds an artist of that name)."""
    if catalog is None or text[span[1] : span[1] + 2] == "'s":
        return False
    name = text[span[0] : span[1]]
    if catalog.artist(name) is not None:
        return False
    if catalog.type_of(name) == "track":
        return True
    moods = [e for e in entities or () if e.label == "MOOD" and span[0] <= e.start < span[1]]
    if sum(e.end - e.start + 1 for e in moods) == span[1] - span[0] + 1:
        return True  # "dreamy summer evening music": mood words only
    return " " not in name and not any(
        e.label == "PERSON" and e.start == span[0] for e in entities or ()
    )


def _known_artist_before_chatter(
    text: str, words: Sequence[tuple[str, int, int]], first: int, last: int,
    catalog: CatalogNames,
) -> int:
    """The last word of the artist named after "by" in ``words[first..last]``: the whole
    run, unless a known artist opens it and chatter follows ("happy by pharrell williams
    right now its monday", "songs of celine dion for my mother she is visiting")."""
    if catalog.artist(text[words[first][1] : words[last][2]]) is not None:
        return last
    for end in range(min(last - 1, first + 4), first - 1, -1):
        if words[end + 1][0] in _CHATTER_OPENERS and catalog.famous_artist(
            text[words[first][1] : words[end][2]]
        ):
            # ... unless a famous title follows ("by the weeknd i feel it coming")
            rest = text[words[end + 1][1] : words[last][2]]
            return last if catalog.famous_title(rest) else end
    return last


def _speaker_said_on(words: Sequence[tuple[str, int, int]], at: int) -> int | None:
    """Where "on (the|my) speaker" starts when ``words[at]`` (``at`` > 0) is its speaker
    word, or None."""
    k = at - 1
    if k > 0 and words[k][0] in ("the", "my"):
        k -= 1
    return k if words[k][0] in ("on", "through", "via") else None


def _artist_then_title(catalog: CatalogNames, words: Sequence[str]) -> bool:
    """Whether ``words`` are an artist and then a famous title the catalog pairs with them,
    one that ends with a descriptor word ("etta james | at last", "daft punk | one more
    time"; not "adele | the best", another artist's song)."""
    pair = catalog.split(words)
    if pair is None or pair.artist[0] != 0 or pair.title[1] != len(words):
        return False
    title = " ".join(words[pair.title[0] :])
    return catalog.famous_title(title) and catalog.paired(title, " ".join(words[: pair.artist[1]]))


def _titled_first(catalog: CatalogNames, words: Sequence[str], trimmed: int) -> bool:
    """Whether ``words`` are a famous title of two words or more and then its artist, the
    title holding the ``trimmed`` descriptor words that open it ("good news | mac miller",
    "a place for my head | linkin park")."""
    pair = catalog.split(words)
    return pair is not None and pair.title[0] == 0 and pair.title[1] > max(1, trimmed) and (
        catalog.famous_title(" ".join(words[: pair.title[1]]))
    )


def split_artist_title(
    words: Sequence[tuple[str, int, int]], span: tuple[int, int], catalog: CatalogNames,
    slot: str | None = None, artist_first: bool = False,
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The artist and the title spans of ``span`` read as a known artist next to one of
    their titles ("faded alan walker", "the beatles abbey road"), or None; ``slot`` asks
    for a song or an album title, ``artist_first`` for the artist said first."""
    held = [w for w in words if span[0] <= w[1] and w[2] <= span[1]]
    pair = catalog.split([w for w, _, _ in held]) if len(held) > 1 else None
    if pair is None or (slot and pair.slot != slot) or (artist_first and pair.artist[0] != 0):
        return None
    (u, v), (x, y) = pair.artist, pair.title
    return (held[u][1], _strip_possessive(held[v - 1])), (held[x][1], held[y - 1][2])


def _after_pointer(text: str, span: tuple[int, int]) -> int:
    """Where ``span`` starts, past a pointing "that "/"this " before a famous title."""
    start, end = span
    for word in ("that ", "this "):
        if text.startswith(word, start) and start + len(word) < end:
            return start + len(word)
    return start


#: words of an amount before "of" ("a little bit of cream", "a couple of")
_AMOUNT = frozenset("a an bit little lot lots couple few some more best greatest".split())


def _album_not_artist(catalog: CatalogNames, said: str) -> bool:
    """Whether the catalog knows ``said`` as an album and not as an artist."""
    return catalog.album(said) is not None and catalog.type_of(said) != "artist"


def _stretch(words: Sequence[tuple[str, int, int]], used: Sequence[bool], at: int) -> int:
    """The end (exclusive) of the run of unused words from word ``at``."""
    end = at
    while end < len(words) and not used[end]:
        end += 1
    return end


def _run_after(
    text: str, words: Sequence[tuple[str, int, int]], used: Sequence[bool], at: int
) -> str:
    """The words after word ``at`` to the end of their run of unused words."""
    end = _stretch(words, used, at + 1)
    return text[words[at + 1][1] : words[end - 1][2]]


def _artist_after(
    text: str,
    words: Sequence[tuple[str, int, int]],
    used: Sequence[bool],
    at: int,
    catalog: CatalogNames,
) -> bool:
    """Whether the words after the "by" at word ``at`` (to the end of their run) are a
    known artist."""
    return catalog.type_of(_run_after(text, words, used, at)) == "artist"


def _by_in_title(
    text: str,
    words: Sequence[tuple[str, int, int]],
    used: Sequence[bool],
    at: int,
    catalog: CatalogNames | None,
) -> bool:
    """Whether the "by" at word ``at`` is inside a name rather than naming the artist: a
    famous song title that runs to the end of its stretch of words ("stand by me"; the words
    after it must not be a known artist: "hello by adele" splits), or a known artist's name
    that the stretch is ("some trampled by turtles")."""
    if catalog is None:
        return False
    end = _stretch(words, used, at + 1)
    after = text[words[at + 1][1] : words[end - 1][2]]
    if catalog.type_of(after) == "artist":
        return False
    first = at
    while first > 0 and not used[first - 1]:
        first -= 1
    named = first
    while named < at and words[named][0] in _DESCRIPTORS:
        named += 1
    if named < at and catalog.artist(text[words[named][1] : words[end - 1][2]]) is not None:
        return True
    for start in range(first, at):
        if catalog.famous_title(text[words[start][1] : words[end - 1][2]]):
            return True
    return False


def _owner(
    text: str,
    words: Sequence[tuple[str, int, int]],
    runs: Sequence[tuple[int, int]],
    kind_at: Sequence[int],
    title_start: int,
    catalog: CatalogNames | None,
    genre_spans: set[tuple[int, int]],
) -> tuple[int, int] | None:
    """The artist named before the kind word of a title: "adele's song hello", "the beatles
    song yesterday", "queen's new album X". A possessive names the artist; a bare name must
    be a known artist (a genre or a mood word before "song" is no singer)."""
    for ra, rb in runs:
        kind = next((k for k in kind_at if rb < k < title_start), None)
        if kind is None or any(words[x][0] not in _DESCRIPTORS for x in range(rb + 1, kind)):
            continue
        end = _strip_possessive(words[rb])
        if end != words[rb][2]:
            return words[ra][1], end
        if catalog is None or (words[ra][1], end) in genre_spans:
            return None
        if ra > 0 and words[ra - 1][0] == "the":
            with_the = text[words[ra - 1][1] : end]
            if catalog.type_of(with_the) == "artist":
                return words[ra - 1][1], end
        if catalog.type_of(text[words[ra][1] : end]) == "artist":
            return words[ra][1], end
    return None


def _spelled(words: Sequence[tuple[str, int, int]], a: int, b: int) -> bool:
    """Words ``a`` and ``a + 1`` are two spelled letters, one of them "a" ("a c d c",
    "a b b a"): that "a" is a letter of a name, not an article."""
    pair = (words[a][0], words[a + 1][0]) if a + 1 <= b else ("", "")
    return (
        "a" in pair
        and all(len(w) == 1 and w.isalpha() for w in pair)
    )


def _strip_possessive(word: tuple[str, int, int]) -> int:
    text, _, end = word
    return end - 2 if text.endswith("'s") and len(text) > 2 else end
