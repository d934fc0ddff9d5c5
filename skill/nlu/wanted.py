"""A well-known name wanted among words no grammar reads: "feeling lonely need john legend",
"my mum is visiting put frank sinatra for her", "olly abba my mother is visiting", "my dad
wants the bbc world service on".

:func:`name_wanted` is the parser's last resort before ``none``: an artist of the artist
list or the catalog, or a station, podcast or book of the lists, is played at confidence
0.5 when the text wants something (a word of wanting or playing, or the artist opens or ends
it) and says nothing that makes it talk about the person rather than ask for them (a
question, taste, "talk about", "will come", tickets, lyrics). A title said next to the artist
comes along (:func:`wanted_title`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from skill.nlu.catalog_names import TITLE_WORDS
from skill.nlu.entities import SHOW_TITLE_KINDS
from skill.nlu.models import Intent, SlotValue

if TYPE_CHECKING:
    from skill.nlu.normalize import Normalized
    from skill.nlu.pipeline import Parser

#: the most words of a text :func:`name_wanted` reads
WANTED_MAX_WORDS = 16
#: the most words of a podcast's or book's name (here and before its kind word)
SHOW_MAX_WORDS = 6
#: words that ask for something to be played, said around an artist's name
_PLAY_CUES = frozenset("put play playing give spin throw queue".split())
_WANT_CUES = _PLAY_CUES | frozenset(
    """need needs needed want wants wanna appreciate maybe try craving crave fancy asking
    help""".split()
)
#: first words of a question
_QUESTION_FIRST = frozenset(
    "what what's whats who who's whos when where why how which is are was were do does did"
    " can could would will should tell".split()
)
#: words of taste said before an artist ("my sister loves adele")
_TASTE_WORDS = frozenset(
    "love loves loved like likes liked hate hates hated adore adores prefer prefers".split()
)
#: what someone is to the speaker ("beyonce is my queen")
_SAID_OF_ARTIST = re.compile(r" (?:is|was|are|were) (?:my|our|the) ")
#: words that may close a request after the artist ("adele now please")
_POLITE_TAIL = frozenset("please now olly thanks today tonight".split())
#: words before an artist that talk about the person ("talk about kanye", "like adele")
_ABOUT_ARTIST = frozenset(
    "about like than as with meet see saw met call text email marry next new".split()
)
#: words after an artist that say what the person does ("ed sheeran will come to town")
_ARTIST_DOES = frozenset(
    """will is was has had does did can could said says came comes come went lives died are
    were just""".split()
)
#: a word between a title and its artist ("bohemian rapsody of queen", "carnival of rust
#: song poets of the fall")
_BEFORE_ARTIST = frozenset("of by song track".split())
#: the most words of a title said alone before the artist that ends the text
_SAID_TITLE_WORDS = 4
#: words of a clause about the speaker, never inside a title said before its artist
_CHATTER = frozenset(
    "i i'm im my we our us she he they please olly is was are were would could will so".split()
)
#: words of a spoken answer or of thinking aloud, no title ("hmm let me think yes adele")
_ANSWER_WORDS = frozenset("yes yeah yep no nope hmm hm um uh erm ok okay well think".split())
#: words that end a title said next to an artist ("beyonce cuff it for my sister")
_TITLE_STOP = frozenset(
    """for please olly now i she he we they my our and so because put play to of by from
    about with on in would could will is was""".split()
)
#: words that may follow a title said after its artist ("metallica nothing else matters go")
_AFTER_TITLE = _TITLE_STOP | _POLITE_TAIL | frozenset({"go", "start", "begin"})
#: words said before "of" an artist that name no title ("something of shakira")
_NO_TITLE = frozenset("something anything musics musica musik stuffs hits".split())
#: words that are no title by themselves ("put them on", "a bit of")
_TITLE_GLUE = frozenset("a an the some bit little of them her him it me us up on more".split())
#: kind words that make words before an artist no title ("the whole album of duke dumont")
_MUSIC_KIND_WORDS = frozenset(
    "album albums song songs music track tracks playlist stuff tunes".split()
)
#: words a title said alone before its artist never holds: chatter, a kind word, an answer
#: or thinking aloud, a word that names no title (one set, one test per text)
_NOT_IN_SAID_TITLE = _CHATTER | _MUSIC_KIND_WORDS | _ANSWER_WORDS | _NO_TITLE
#: words that make a text about an artist no request to play them
_NOT_WANTED = frozenset(
    """tickets ticket concert concerts tour gig show lyrics married marry dating born died
    dead age old news interview movie film documentary biography poster shirt merch video
    videos book books meet photo picture pictures autograph learn lesson lessons sing
    karaoke cover be become birthday facts fact net worth height rich funeral death
    wedding divorce fan fans favourite favorite best ever greatest worst grew""".split()
)


def name_wanted(parser: Parser, norm: Normalized) -> Intent | None:
    """The artist (or, failing one, the station, podcast or book) the text wants, or None;
    a room said last is the device ("... need john legend in the kitchen")."""
    room = parser.room_at_end(norm.text)
    found = _wanted(parser, norm, norm.text if room is None else norm.text[: room.start()])
    if found is None or room is None:
        return found
    return parser.with_device(norm, found, room.span(1)) or found


def _wanted(parser: Parser, norm: Normalized, text: str) -> Intent | None:
    """:func:`name_wanted` on ``text``, the start of ``norm.text``. The longest artist name
    of the artist list or the catalog, the last of equals, counts; a one-word name only
    from the list ("beatles"; "next" is a band and a word)."""
    words = text.split(" ")
    if not 2 <= len(words) <= WANTED_MAX_WORDS or words[0] in _QUESTION_FIRST or (
        not _NOT_WANTED.isdisjoint(words) or _SAID_OF_ARTIST.search(text)
    ):
        return None
    found: tuple[int, int] | None = None
    listed = parser.gazetteers.tables.get("ARTIST", {})
    artists = parser.catalog_names.artists
    for i in range(len(words)):
        for n in range(min(4, len(words) - i), 0, -1):
            if found is not None and n < found[1] - found[0]:
                break
            key = " ".join(words[i : i + n])
            if key not in listed and key.replace("'", "") not in artists:
                continue  # the cheap test first: no name of either list
            if parser.known_artist(key, listed=True) and (
                n > 1 or key in listed or "the " + key in listed
            ):
                found = (i, i + n)
                break
    if found is None:
        return None if _WANT_CUES.isdisjoint(words) else _show_wanted(parser, norm, words)
    if _WANT_CUES.isdisjoint(words):  # no word of wanting: the name opens or ends it
        first = 1 if words[0] == "olly" else 0
        last = len(words)
        while last > found[1] and words[last - 1] in _POLITE_TAIL:
            last -= 1
        if (found[0] == first) == (found[1] == last):
            return None  # but "olly abba my mother is visiting", "kendrick lamar not like us"
    before = words[: found[0]]
    if not _TASTE_WORDS.isdisjoint(before) and _PLAY_CUES.isdisjoint(words):
        return None  # "i want to be like beyonce", "my sister loves adele"
    if before and before[-1] in _ABOUT_ARTIST or (
        found[1] < len(words) and words[found[1]] in _ARTIST_DOES
        and words[found[1] + 1 : found[1] + 2] != ["what"]  # "dua lipa is what i need"
    ):
        return None  # "we need to talk about kanye west", "maybe ed sheeran will come"
    starts = [0]
    for w in words:
        starts.append(starts[-1] + len(w) + 1)
    slots: dict[str, SlotValue] = {}
    spans: dict[str, tuple[int, int]] = {}
    word = words[found[1]] if found[1] + 1 < len(words) else ""
    kind = parser.gazetteers.lookup("KIND", word) if not word.endswith("s") else None
    if kind in ("track", "album"):  # one kind word after the artist: "bts album map of ..."
        last = len(words)
        while last > found[1] + 2 and words[last - 1] in _POLITE_TAIL:
            last -= 1
        title, title_slot = (found[1] + 1, last), str(kind)
        slots["kind"] = title_slot
    else:
        title = wanted_title(words, *found, parser.catalog_names.famous_title)
        title_slot = "track"
    for slot, (i, j) in (("artist", found), (title_slot, title)):
        if i < j:
            a, b = starts[i], starts[j] - 1
            slots[slot], spans[slot] = norm.original_slice(a, b), norm.span(a, b)
    return Intent.owned("music.play", slots, 0.5, spans, "catalog:wanted")


def _show_wanted(parser: Parser, norm: Normalized, words: list[str]) -> Intent | None:
    """"my dad wants the bbc world service on", "my kids want the gruffalo read to them": a
    station, podcast or book of the lists (two words or more, the longest) among the words."""
    best = longest_show(parser, words)
    if best is None:
        return None
    return show_played(norm, words, best, 0.5, "show:wanted")


def words_range(words: list[str], first: int, last: int) -> tuple[int, int]:
    """Where ``words[first:last]`` lie in the text ``words`` were split from by spaces."""
    start = sum(len(w) + 1 for w in words[:first])
    return start, start + len(" ".join(words[first:last]))


def show_played(
    norm: Normalized,
    words: list[str],
    show: tuple[int, int, str],
    confidence: float,
    source: str,
) -> Intent:
    """Play the show :func:`longest_show` found among ``words`` (the words of the start of
    ``norm.text``): its name as the query, its kind."""
    first, last, kind = show
    start, end = words_range(words, first, last)
    return Intent.owned(
        "music.play", {"query": norm.original_slice(start, end), "kind": kind}, confidence,
        {"query": norm.span(start, end)}, source,
    )


def longest_show(
    parser: Parser,
    words: list[str],
    kinds: Mapping[str, str] = SHOW_TITLE_KINDS,
    *,
    one_word: bool = False,
) -> tuple[int, int, str] | None:
    """(first word, end word, kind) of the longest name of the lists ``kinds`` names (label
    -> kind; on a name in two lists the first wins) among ``words``, leftmost on a tie: two
    to :data:`SHOW_MAX_WORDS` words, or one with ``one_word`` when it is no everyday word
    ("dune", not "home"). None when no such name is said."""
    tables = [(parser.gazetteers.tables.get(label, {}), k) for label, k in kinds.items()]
    shortest = 1 if one_word else 2
    best: tuple[int, int, str] | None = None
    for i in range(len(words)):
        for n in range(min(SHOW_MAX_WORDS, len(words) - i), shortest - 1, -1):
            if best is not None and n <= best[1] - best[0]:
                break
            said = " ".join(words[i : i + n])
            kind = next((k for table, k in tables if said in table), None)
            if kind is not None and (n > 1 or not parser.catalog_names.is_common_word(said)):
                best = (i, i + n, kind)
                break
    return best


def wanted_title(
    words: list[str], start: int, end: int, famous: Callable[[str], bool]
) -> tuple[int, int]:
    """The words of a title said next to the artist at ``words[start:end]``: a famous title
    (``famous``) right before or after it, or before "of"/"by" and it ("girls just want to
    have fun cyndi lauper", "bad guy of billie eilish", "mariah carey all i want for
    christmas"), else the words right after it up to a new clause or a tail word ("beyonce
    cuff it for my sister"), else those right before it after a word of wanting ("appreciate
    paradise city guns n roses"); an empty range when there is none."""
    opening = 1 if words[0] == "olly" else 0
    for i in range(max(0, start - TITLE_WORDS), start - 1):  # two words or more before
        # (a glue word opens a title only where the text starts: "on melancholy hill
        # gorillaz", not "put some | love story taylor swift")
        if (i == opening or words[i] not in _TITLE_GLUE) and famous(" ".join(words[i:start])):
            return i, start
    if start > 2 and words[start - 1] in ("of", "by", "from") and (
        words[start - 2] not in _MUSIC_KIND_WORDS  # "that happy song by pharrell": a kind
    ):  # "bad guy of billie eilish"
        for i in range(max(0, start - 1 - TITLE_WORDS), start - 2):
            if words[i] not in _TITLE_GLUE and famous(" ".join(words[i : start - 1])):
                return i, start - 1
    if end < len(words) and words[end] not in _TITLE_STOP:  # not "johnny cash | for him"
        for j in range(min(len(words), end + TITLE_WORDS), end, -1):
            if (j == len(words) or words[j] in _AFTER_TITLE) and famous(" ".join(words[end:j])):
                return end, j  # a title that ends where its words do ("metallica | nothing
                # else matter" names no "nothing")
    after = end
    while after < len(words) and words[after] not in _TITLE_STOP:
        after += 1
    if 1 < after - end <= 5 and not _TITLE_GLUE.issuperset(words[end:after]):
        return end, after
    cue = max((i for i in range(start) if words[i] in _WANT_CUES), default=-1)
    if cue < 0:  # "good days sza", "olly breakeven the script please": the title, the artist
        first = opening
        if words[first] in ("that", "this") and start - first > 1:
            first += 1  # "that dance monkey song tones and i": a pointer, no title word
        last = len(words)
        while last > end and words[last - 1] in _POLITE_TAIL:
            last -= 1
        said = start - 1 if start > first + 1 and words[start - 1] in _BEFORE_ARTIST else start
        title = words[first:said]
        if last == end and 0 < said - first <= _SAID_TITLE_WORDS and (
            # a stop word only inside a title of three words or more ("sweet child of mine")
            words[first] not in _TITLE_STOP and words[said - 1] not in _TITLE_STOP
            and (len(title) > 2 or _TITLE_STOP.isdisjoint(title))
            and _NOT_IN_SAID_TITLE.isdisjoint(title)
            and words[first] not in _TITLE_GLUE
        ):
            return first, said  # "bohemian rapsody of queen": a title heard wrong, "of" them
    first = cue + 1
    while first < start and words[first] in _TITLE_GLUE:
        first += 1  # "maybe a bit of", "put some"
    if cue >= 0 and 0 < start - first <= 5 and _MUSIC_KIND_WORDS.isdisjoint(
        words[first:start]
    ) and words[start - 1] not in _TITLE_STOP:
        return first, start
    return 0, 0
