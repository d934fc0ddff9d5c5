"""Refinement steps named by grammar patterns (``refine: media``, ``refine: playlist``).

``media`` tidies what a play/queue pattern captured:

* sort words ("the newest", "most popular") and service names ("on deezer") that ended up in
  a captured title are cut off;
* a captured text made only of genre, decade, mood and kind words ("some 80s rock", "a
  symphony") is turned into typed slots (``genre``, ``year``, ``kind``) by the spaCy entity
  matcher instead of being searched as a title;
* a captured text that ends in a device phrase ("... in the kitchen") moves it to ``device``;
* ``kind`` is filled from a kind word in the captured text when the pattern gave none.

``playlist`` strips an owner ("cassie's") and the words "playlist"/"list" from the playlist name
and applies the same clean-up as ``media`` to the item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from skill.nlu.catalog_names import CHATTER_AFTER_ARTIST, OPENING_ARTIST_WORDS
from skill.nlu.content import (
    CONTENT_SLOTS,
    DEVICE_NOUN_AFTER,
    OWNED_DEVICE,
    ROOM_ADVERBS,
    read_content,
    split_artist_title,
    text_words,
)
from skill.nlu.content import TITLE_LEAD as _TITLE_LEAD
from skill.nlu.grammar import slot_of
from skill.nlu.titles import MEDIA_KINDS

if TYPE_CHECKING:
    from skill.nlu.catalog_names import CatalogNames
    from skill.nlu.normalize import Normalized
    from skill.nlu.pipeline import Draft

Span = tuple[int, int]

#: words allowed around entities in a query that is "only entities"
_GLUE = frozenset(
    """some a an the my any of from in by music songs song tunes tune tracks track stuff
    something anything hits era decade genre style type kind good great nice best top popular
    new newest latest old year years released me us for more sound sounds""".split()
)
_SORT_PREFIX = re.compile(
    r"^(?:(?:the|a|an|some|my) )?(?:(?:newest|latest|new|top|top rated|best|greatest|most popular|"
    r"popular|good|great|recent|most recent|hottest|famous|biggest|last|first|top \d+|"
    r"top ten|week's|(?:last|this) week's|yesterday's|today's|tonight's|(?:last|this) night's|"
    r"this morning's|morning's) )+"
)
#: words after which a name begins: "the audiobook good omens" keeps its "good"
_NAMED_AFTER = tuple(
    f" {w} " for w in
    "audiobook book novel podcast called named titled entitled song track album record playlist"
    .split()
)
_TRAILING_SORT = re.compile(r" (?:sort(?:ed)? by [a-z0-9 ]+|that is popular|that'?s popular)$")
_FREE = ("query", "track", "artist", "album", "playlist")
#: slots the entity pass may turn a query into, by entity label
_TYPED = {"GENRE": "genre", "DECADE": "year", "MOOD": "genre"}


def _trim(draft: Draft, slot: str) -> None:
    """Cut sort words at the front and sort phrases at the back of a free slot."""
    if slot not in draft.spans:
        return
    a, b = draft.spans[slot]
    text = draft.norm.text[a:b]
    m = _SORT_PREFIX.match(text)
    # the sort words stay in "the great gatsby", in a title named with its artist ("queue last
    # name by future") and in a band's name ("5 seconds of summer teeth")
    if m and m.end() < len(text) and not draft.norm.text.endswith(_NAMED_AFTER, 0, a) and not (
        slot == "query" and draft.parser.gazetteers.title_kind(text, bare=True) is not None
    ) and not (
        slot in ("track", "query")
        and ("artist" in draft.spans or " by " in text[m.end() :])
        and all(word in _TITLE_LEAD for word in text[: m.end()].split())
    ) and not draft.parser.catalog_names.opens_with_artist(text.split(" ")) and not (
        slot in ("album", "query") and (
            draft.parser.catalog_names.album(text) is not None
            or draft.parser.catalog_names.album("the " + text) is not None
        )
    ):  # "the greatest showman" is an album's name
        a += m.end()
    m2 = _TRAILING_SORT.search(draft.norm.text[a:b])
    if m2 and m2.start() > 0:
        b = a + m2.start()
    entities = draft.entities_in(a, b, ("SERVICE",))
    text = draft.norm.text[a:b]
    for entity in reversed(entities):
        before = text[: entity.start].rstrip()
        for word in (" on", " from", " with", " using", " via", " in", " off of", " off", " at"):
            if before.endswith(word) and entity.end >= len(text) - 4:
                b = a + len(before) - len(word)
                text = draft.norm.text[a:b]
                break
    while b > a and draft.norm.text[b - 1] == " ":
        b -= 1
    draft.set_text(slot, a, b)


def _trim_sort(draft: Draft, slot: str) -> None:
    """Cut sort words at the front of a free slot ("new drake" -> "drake"), no more."""
    a, b = draft.spans[slot]
    m = _SORT_PREFIX.match(draft.norm.text[a:b])
    if m and a + m.end() < b:
        draft.set_text(slot, a + m.end(), b)


def _entity_only(draft: Draft, slot: str) -> bool:
    """Replace a free slot by typed slots when it holds only genre/decade/kind words."""
    if slot not in draft.spans:
        return False
    a, b = draft.spans[slot]
    text = draft.norm.text[a:b]
    entities = draft.entities_in(a, b)
    if not entities:
        return False
    covered = [False] * len(text)
    for entity in entities:
        if entity.label not in ("GENRE", "DECADE", "MOOD", "KIND"):
            return False
        for i in range(entity.start, entity.end):
            covered[i] = True
    if _FREQUENCY.search(text):
        return False  # "1037 fm" is a station, not a year
    rest = "".join(" " if covered[i] else ch for i, ch in enumerate(text)).split()
    if any(word not in _GLUE and not (word.isdigit() and len(word) == 4) for word in rest):
        return False
    draft.drop(slot)
    for entity in entities:
        if entity.label == "KIND":
            draft.slots.setdefault("kind", entity.value)
            continue
        target = _TYPED[entity.label]
        if target not in draft.slots:
            draft.set_text(target, a + entity.start, a + entity.end)
    for m in _FOUR_DIGITS.finditer(text):
        if "year" not in draft.slots:
            draft.set_text("year", a + m.start(), a + m.end())
    return True


_FOUR_DIGITS = re.compile(r"\b\d{4}\b")
_FREQUENCY = re.compile(r"\b\d+(?:\.\d+)? (?:fm|am)\b")
_DEVICE_PREP = re.compile(r" (?:in|on|at|through|via)(?: the| my)? $")


def _device_tail(draft: Draft, slot: str) -> None:
    """"X in the kitchen" -> X, device "kitchen" (when the pattern found no device)."""
    if slot not in draft.spans or "device" in draft.slots:
        return
    a, b = draft.spans[slot]
    text = draft.norm.text[a:b]
    for entity in draft.entities_in(a, b, ("DEVICE",)):
        if entity.end != len(text):
            continue
        head = text[: entity.start]
        m = _DEVICE_PREP.search(head)
        if m and m.start() > 0:
            draft.set_text("device", a + entity.start, a + entity.end)
            draft.set_text(slot, a, a + m.start())
            return
    owned = _owned_device(draft, a, b)
    if owned is not None and owned[0] > a:  # "the gruffalo audiobook in jacob's room"
        draft.set_text("device", owned[1], owned[2])
        draft.set_text(slot, a, owned[0])


_YEAR_TAIL = re.compile(
    r"(?: (?:music|songs|song|tunes|tracks|stuff))?(?: (?:released )?(?:from|of|in|during) "
    r"(?:the )?(?:year |decade |era )?)(?P<year>[a-z0-9]+)$"
)
_ARTIST_NOISE = re.compile(
    r"^(?:(?:a|an|some|any|more|early|classic|old school) )"
    r"|(?:'s)?(?: (?:music|songs|tunes|stuff|hits))?(?: read(?: (?:to|for) (?:me|us))?)?$"
)


def _year_tail(draft: Draft, slot: str) -> None:
    """"X from the eighties" -> X, year "eighties"."""
    if slot not in draft.spans:
        return
    a, b = draft.spans[slot]
    text = draft.norm.text[a:b]
    m = _YEAR_TAIL.search(text)
    if not m or m.start() == 0:
        return
    word = m.group("year")
    is_year = (word.isdigit() and len(word) == 4) or draft.parser.gazetteers.lookup(
        "DECADE", word
    )
    if not is_year:
        return
    if "year" not in draft.slots:
        draft.set_text("year", a + m.start("year"), a + m.end("year"))
    draft.set_text(slot, a, a + m.start())


def _artist_noise(draft: Draft) -> None:
    """"some Queen music" -> "Queen"; "Dave Seaman's" -> "Dave Seaman"."""
    if "artist" not in draft.spans:
        return
    a, b = draft.spans["artist"]
    text = draft.norm.text[a:b]
    start, end = 0, len(text)
    for m in _ARTIST_NOISE.finditer(text):
        if m.start() == 0 and m.end() > 0 and m.end() < len(text):
            start = m.end()
        elif m.end() == len(text) and m.start() > start and end == len(text):
            end = m.start()  # the first match that ends the text, not the empty one after it
    draft.set_text("artist", a + start, a + end)


def _author_called(draft: Draft) -> None:
    """"the book by stephen king | called misery": a book or podcast's author, then its
    name, both read as the artist; the name after "called" is the query."""
    if "artist" not in draft.spans or "query" in draft.spans or draft.slots.get("kind") not in (
        "audiobook", "podcast"
    ):
        return
    a, b = draft.spans["artist"]
    named = _AUTHOR_CALLED.search(draft.norm.text, a, b)
    if named is not None:
        draft.set_text("artist", a, named.start())
        draft.set_text("query", named.end(), b)


#: the name of a book said after its author ("by stephen king | called misery")
_AUTHOR_CALLED = re.compile(r" (?:called|named|titled) (?=\S)")


#: words that describe rather than name: a query made only of them names nothing
_DESCRIPTORS = frozenset(
    """the a an my this that these some any more me us of from for on in at to with by new
    latest last newest recent recently played most favorite favourite favourites favorites
    preferred current currently today's yesterday's todays yesterdays point time file player
    app list one ones again now next previous good best great nice all only particular some
    day which i heard listen listening playback started start starting where left off it
    them what whatever episode episodes something anything random bookmarked favorited
    favourited downloaded subscribed saved subscription subscriptions upload uploads uploaded
    music before earlier was were programme program programmes programs show shows""".split()
)
_QUERY_LEAD = re.compile(
    r"^(?:(?:me|us|some|more|of|about|on|for|into|in to|aloud|out loud|called|named|"
    r"a little bit of|little bit of|a little|a bit of|bit of|read aloud|read out loud|"
    r"(?:to )?catch up (?:with|on)|"
    r"the programs? (?:of|about)|frequency|channel for|station for|my favorite|my favourite|"
    r"favorite|favourite) )+"
)


_STATION_OF = re.compile(
    r"radio (?:frequency |station |channel )?(?P<name>\d[\d.]*(?: fm| am)?)"
    r"|(?:\S+ ){0,3}(?:program|programme|show|news|music) (?:on|from) (?P<name__2>.+)"
    r"|(?:(?:a |the )?radio (?:channel|station|band) (?:for|with|about|playing) )(?P<name__3>.+)"
    r"|(?:the )?(?:radio|radio station|station|channel) from (?P<name__4>.+)"
)
#: words a station's name is said after that are not part of it ("radio on | 104.9", "radio
#: now | heart london", "radio i want the station | power 105", "channel | hot 97")
_RADIO_LEAD = re.compile(
    r"(?:radio (?:on|now|(?:i want|i need|i'd like)(?: the| a)?(?: station| channel)?)"
    r"|channel|frequency|(?:that|this|the) station|fm radio|what about the) (?=\S)"
)
#: and after it ("radio paradise | playing", "capital fm | on"), a bare verb too ("radio jack
#: fm | listen i want", "radio for sport talksport | open", "one hundred point three | and play")
_RADIO_TAIL = re.compile(
    r" (?:playing|on)(?: please| now)?$"
    r"|(?: and| then)? (?:open|listen|play|start|put on|put|turn on|switch on|hear)"
    r"(?: (?:it|i want|please|now))*$"
)
#: when, said after a show or book ("an audiobook | before sleeping"): no part of its name
_BEFORE_SLEEP_WORDS = (
    r"(?:before (?:bed|bedtime|sleeping|sleep|i sleep|i go to (?:bed|sleep)|going to (?:bed|sleep))"
    r"|in bed)"
)
_BEFORE_SLEEP = re.compile(_BEFORE_SLEEP_WORDS)
#: a condition said after the name ("is there a new call her daddy | if yes put it on")
_IF_TAIL = re.compile(r" if (?:yes|so|there is(?: one)?|it exists|you (?:can|have it|find it))$")
#: a choice left to the skill, no name ("a radio station | any one is ok")
_ANY_WILL_DO = re.compile(
    r"(?:any|anyone|any one|whichever|whatever)(?: one| station| of them)?(?: is| will)?"
    r"(?: (?:ok|okay|fine|good|do))?"
)
_WHEN_TAIL = re.compile(
    r" (?:(?:after|in|at|when it is|when|for|from|until|this) (?:\S+ ){0,3}"
    r"(?:min|mins|minutes?|hours?|seconds?|pm|am|o'clock|morning|evening|tonight|today|year|week)"
    r"|where i am|on the way to \S+(?: \S+)?|in the car|right now|with no commercials"
    r"|" + _BEFORE_SLEEP_WORDS +
    r"|starting (?:from )?where (?:i|we|you) (?:left off|stopped|were|was)"
    # "harry potter from the place i last stopped listening", "... from the last chapter"
    r"|(?:from|at) (?:the )?(?:place|point|spot|part|bit|where|last chapter|chapter|my last "
    r"session|the last session)(?: \S+){0,8})$"
)


_DECIMAL = re.compile(r"\d")
_AND_PLAY = re.compile(
    r"^(?:\S+ )*?(?:and|then) (?:play|tune into|tune in to|tune to|go to|start|put on) (?:the )?"
)
_FAVORITE_TAIL = re.compile(r" (?:favorite|favourite|favourites|favorites)$")


def _looks_like_frequency(text: str) -> bool:
    """A query holding a radio frequency ("hot 97", "101.1 the whiz", "fm 95")."""
    if not _DECIMAL.search(text):
        return False  # without a digit float() reads only "inf"/"nan" words: no frequency
    words = text.split()
    for i, word in enumerate(words):
        try:
            value = float(word)
        except ValueError:
            continue
        if i and words[i - 1] in ("top", "number", "volume", "chapter", "episode", "part"):
            continue
        if "." in word or 87 <= value <= 108 or 530 <= value <= 1710:
            return True
    return False


def _query_noise(draft: Draft) -> None:
    """Drop a query of descriptor words only ("new", "from this point"); cut "me some more"
    and trailing time phrases ("after thirty min", "when it is one pm")."""
    if "query" not in draft.spans:
        return
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    if draft.parser.gazetteers.title_kind(text) is not None:
        return  # a known title is whole: "my favorite murder", "first things first"
    if _BEFORE_SLEEP.fullmatch(text) or "kind" in draft.slots and _ANY_WILL_DO.fullmatch(text):
        draft.drop("query")  # "an audiobook | before sleeping": when, not what ("a radio
        return  # station | any one is ok": no name; but "play anyone" is a song)
    if text.endswith(" on") and "device" in draft.spans and draft.spans["device"][0] > b and (
        not draft.parser.catalog_names.famous_title(text)
    ):  # "put my book the hunger games on | in the kitchen" ("hold on" stays whole)
        b -= len(" on")
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    opener, _, described = text.partition(" ")
    if opener in ("something", "anything") and described and " " not in described and (
        "kind" in draft.slots
    ):  # "a podcast | something funny": the word that describes it
        a += len(opener) + 1
        draft.set_text("query", a, b)
        text = described
    m = _WHEN_TAIL.search(text) or (_IF_TAIL.search(text) if " if " in text else None)
    cut = m.start() if m else _said_after_at(draft, a, b) - a
    if cut > 0:
        b = a + cut
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    # "radio and play hello fm station": the request is the last clause
    m = _AND_PLAY.search(text) if "and " in text or "then " in text else None
    if m and m.end() < len(text):
        a += m.end()
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    m = _FAVORITE_TAIL.search(text)
    if m and m.start() > 0:
        b = a + m.start()
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    if draft.slots.get("kind") == "radio":
        m = _STATION_OF.fullmatch(text)
        if m is not None:
            # "radio frequency 99.5", "program on xmtune", "football news from radio one",
            # "a radio channel for trance music", "the radio from france inter": the station
            # (or what it plays) is the name
            group = _matched(m, ("name", "name__2", "name__3", "name__4"))
            a, b = a + m.start(group), a + m.end(group)
            draft.set_text("query", a, b)
            text = draft.norm.text[a:b]
    kind = draft.slots.get("kind")
    # the name said after a joining word: "something to listen on my walk maybe | the daily",
    # "i need the traffic news so | capital fm" (a station the lists know or a frequency)
    for joint, said in ((" maybe ", kind in MEDIA_KINDS), (" so ", kind == "radio")):
        after = text.rsplit(joint, 1)[1] if said and joint in text else ""
        if after and (joint == " maybe " or _station_said(draft, after)):
            a, text = b - len(after), after
            draft.set_text("query", a, b)
    if kind == "radio":
        lead = _RADIO_LEAD.match(text)  # "radio on | 104.9", "channel | hot 97"
        tail = _RADIO_TAIL.search(text)  # "radio paradise | playing"
        first = lead.end() if lead else 0
        last = tail.start() if tail else len(text)
        if 0 < first < last or first < last < len(text):
            a, b = a + first, a + last
            draft.set_text("query", a, b)
            text = draft.norm.text[a:b]
    if "kind" not in draft.slots and _looks_like_frequency(text):
        draft.slots["kind"] = "radio"
    if _DESCRIPTORS.issuperset(text.split()) and not (
        # "at last", "one more time": a song's title (a show's query is never one)
        " " in text and draft.slots.get("kind") not in MEDIA_KINDS
        and draft.parser.catalog_names.famous_title(text)
    ):
        draft.drop("query")
        return
    m = _QUERY_LEAD.match(text)
    if m and m.end() < len(text) and not (
        text.startswith(_ME_TITLE, m.end())
        and draft.parser.catalog_names.famous_title(text)
    ):  # "me and bobby mcgee" keeps its "me"
        draft.set_text("query", a + m.end(), b)


def _station_said(draft: Draft, text: str) -> bool:
    """Whether ``text`` is a station the lists know or a frequency ("capital fm", "104.9")."""
    return draft.parser.gazetteers.lookup("STATION", text) is not None or (
        _looks_like_frequency(text)
    )


def refine_media(draft: Draft) -> None:
    for slot in _FREE:
        _trim(draft, slot)
        _device_tail(draft, slot)
        _year_tail(draft, slot)
    _artist_noise(draft)
    _author_called(draft)
    _query_noise(draft)
    if draft.intent == "music.play":
        if "kind" not in draft.slots:
            _name_beside_artist(draft)
        _named_broadcast(draft)
        _known_media(draft)
        if draft.slots.get("kind") == "audiobook" and "query" in draft.spans and (
            "artist" not in draft.spans
        ):
            _title_by_artist(draft)  # "odd thomas by dean koontz": the author
        _catalog_name(draft)
    spoken_kind = draft.slots.get("kind") in ("audiobook", "podcast", "episode")
    for slot in ("query", "artist", "track"):
        if not spoken_kind and _entity_only(draft, slot):
            break
    _room_adverb(draft)
    _media_tail(draft)


def _room_adverb(draft: Draft) -> None:
    """"play my audiobook upstairs", "blues downstairs", "radio capital fm upstairs": a room
    said last without "in" is the device; a free slot that ran on into it ends before it (a
    query of that word alone is dropped), any other slot holding it keeps it."""
    if "device" in draft.spans or draft.intent != "music.play":
        return
    text = draft.norm.text
    cut = text.rfind(" ")
    if cut < 0 or text[cut + 1 :] not in ROOM_ADVERBS:
        return
    for slot, (a, b) in list(draft.spans.items()):
        if b > cut:
            if slot not in _FREE or (a > cut and slot != "query"):
                return  # "the song everywhere" names a song
            if a > cut:
                draft.drop(slot)  # "play my audiobook upstairs": the query was the room
            else:
                draft.set_text(slot, a, cut)  # "blues downstairs"
    draft.set_text("device", cut + 1, len(text))


def _media_tail(draft: Draft) -> None:
    """The last steps of both media refiners: a kind word inside the query says the kind
    ("the daily podcast"), broadcast names lose their article and kind words, a mood said
    alone is the query."""
    if "kind" not in draft.slots and "query" in draft.spans:
        for entity in draft.entities_in(*draft.spans["query"], ("KIND",)):
            if entity.value in ("radio", "podcast", "audiobook"):
                draft.slots["kind"] = entity.value
                break
    _broadcast_article(draft)
    if draft.slots.get("kind") == "radio" and "query" in draft.spans:
        _station_after_with(draft)
    if draft.intent == "music.play":
        _mood_as_query(draft)
        _purpose_query(draft)
    _band_article(draft)


_PURPOSE_QUERY = re.compile(r"(?:to|for) (\S+)(?: to)?")


def _purpose_query(draft: Draft) -> None:
    """"music to relax", "songs to sleep", "some music to study to": the activity a mood or
    occasion list knows is the query, without its "to"."""
    slot = "query" if "query" in draft.spans else "track" if "track" in draft.spans else None
    if slot is None or "artist" in draft.spans:
        return
    a, b = draft.spans[slot]
    m = _PURPOSE_QUERY.fullmatch(draft.norm.text, a, b)
    if m is None:
        return
    x, y = m.span(1)
    mood = draft.parser.gazetteers.lookup("MOOD", draft.norm.text[x:y])
    if mood is not None and mood != "language":  # not "love song to spanish"
        draft.drop(slot)
        draft.set_text("query", x, y)


def _band_article(draft: Draft) -> None:
    """A band's "the" the frame left out: "play the weeknd's starboy album" names "the
    weeknd" (the catalog knows the name with its article and not without)."""
    if "artist" not in draft.spans:
        return
    a, b = draft.spans["artist"]
    text = draft.norm.text
    if a < 4 or text[a - 4 : a] != "the ":
        return
    names = draft.parser.catalog_names
    said = text[a:b]
    if names.artist(said) is None and names.type_of("the " + said) == "artist":
        draft.set_text("artist", a - 4, b)


def _mood_as_query(draft: Draft) -> None:
    """A mood or an activity said with no genre and no name is the query ("something
    relaxing", "some party music"): the schema keeps a descriptor in ``query`` when nothing
    else names the content, and the playlist's name when the playlist word follows ("play
    workout playlist"). Beside a genre the genre stands (content.py: "relaxing jazz" is
    jazz, "dinner jazz" is one genre)."""
    if "genre" not in draft.spans or any(slot in draft.spans for slot in _FREE):
        return
    a, b = draft.spans["genre"]
    found = draft.entities_in(a, b, ("GENRE", "MOOD"))
    if not found or any(e.label == "GENRE" for e in found):
        return
    draft.drop("genre")
    # "play workout playlist": with the playlist word the mood names the user's playlist
    draft.set_text("playlist" if draft.slots.get("kind") == "playlist" else "query", a, b)


def _queue_title_edges(draft: Draft) -> None:
    """A famous title that holds a queue word the grammar took for the frame: "put thank u
    next in the queue", "queue on god". The word just before or after the item joins it
    when together they are a famous title and the item alone is not."""
    if "query" not in draft.spans:
        return
    a, b = draft.spans["query"]
    text = draft.norm.text
    names = draft.parser.catalog_names
    if names.famous_title(text[a:b]):
        return
    before = text.rfind(" ", 0, a - 1) + 1 if a > 1 else a
    after = text.find(" ", b + 1)
    after = len(text) if after < 0 else after
    for lo, hi in ((a, after), (before, b)):
        if (lo, hi) != (a, b) and hi > lo and names.famous_title(text[lo:hi]):
            draft.set_text("query", lo, hi)
            return


def refine_queue(draft: Draft) -> None:
    """Queue items name a track unless they say otherwise: "hurt by johnny cash" ->
    query/track "hurt", artist "johnny cash"; "sleeptime playlist" -> kind playlist."""
    refine_media(draft)
    _queue_title_edges(draft)
    if "query" not in draft.spans and "genre" in draft.spans:
        # "queue up some jazz": the queue has no genre slot; "play happy playlist next" names
        # the playlist with its word
        a, b = draft.spans["genre"]
        more = _PLAYLIST_WORD.match(draft.norm.text, b)
        draft.set_text("query", a, more.end() if more and draft.slots.get("kind") else b)
        return
    if "query" not in draft.spans:
        return
    a, b = draft.spans["query"]
    m = _QUEUE_NOISE.fullmatch(draft.norm.text, a, b)
    if m is not None and m.end("item") > m.start("item"):
        a, b = m.span("item")  # "up despacito", "cheap thrills ready to play"
        draft.set_text("query", a, b)
    text = draft.norm.text[a:b]
    if text.startswith("by ") and len(text) > 3:
        # "queue the latest by adele": sort words cut, the artist is the item
        draft.set_text("artist", a + 3, b)
        draft.set_text("query", a + 3, b)
        return
    split = _by_at(draft, text)  # "queue stand by me": the title holds the "by"
    if split is not None and split[0] > 0:
        by, artist = split
        draft.set_text("artist", a + artist, b)
        if text[:by] in _GENERIC_ITEMS:
            # "some songs by adele": the artist is the item
            draft.set_text("query", a + artist, b)
            return
        head, slot = a, "track"
        typed = _QUEUE_ALBUM.fullmatch(text, 0, by) or _QUEUE_SONG.fullmatch(text, 0, by)
        if typed is not None:
            # "queue the album random access memories by daft punk"
            head = a + typed.start(1)
            slot = "album" if typed.re is _QUEUE_ALBUM else "track"
            draft.slots["kind"] = slot
        draft.set_text("query", head, a + by)
        draft.set_text(slot, head, a + by)
        return
    m = _QUEUE_EPISODE.fullmatch(text)
    if m is not None:  # "add the latest episode of the daily to my queue"
        draft.set_text("query", a + m.start(1), b)
        draft.slots["kind"] = "episode"
        return
    for pattern, slot in ((_QUEUE_ALBUM, "album"), (_QUEUE_SONG, "track")):
        m = pattern.fullmatch(text)
        if m is not None:  # "queue the album X", "put the song despacito in the queue"
            draft.slots["kind"] = slot
            end = b
            cut = _from_artist(draft, text, m.start(1))
            if cut is not None:  # "queue the song africa from toto"
                draft.set_text("artist", a + cut[1], b)
                end = a + cut[0]
            draft.set_text("query", a + m.start(1), end)
            draft.set_text(slot, a + m.start(1), end)
            return
    # "queue the podcast serial", "queue the hobbit audiobook": the kind word said before or
    # after the show's name is no part of it
    m = _QUEUE_SHOW.fullmatch(text) or _QUEUE_SHOW_LAST.fullmatch(text)
    if m is not None:
        draft.set_text("query", a + m.start("name"), a + m.end("name"))
        draft.slots["kind"] = draft.parser.gazetteers.lookup("KIND", m.group("kind")) or "podcast"
        return
    if draft.slots.get("kind") in ("podcast", "episode", "audiobook", "radio"):
        return  # "add the daily podcast to my queue": a show, no song
    known = draft.parser.gazetteers.title_kind(text, bare=True)
    if known is not None and not draft.parser.catalog_names.famous_title(text):
        draft.slots["kind"] = known  # "queue serial": a show or a book by name
        return
    kinds = draft.entities_in(a, b, ("KIND",))
    if kinds and kinds[-1].end == len(text):
        draft.slots["kind"] = kinds[-1].value
        return
    if _is_person(draft, text) and draft.parser.catalog_names.split(text.split()) is None:
        draft.set_text("artist", a, b)  # "play adele next" (not "harry styles watermelon sugar")
        return
    m = _POSSESSIVE.fullmatch(text)
    if m is not None and m.group(1) not in _NOT_OWNER and not _famous_unowned(
        draft.parser.catalog_names, text, m.group(1)
    ):
        draft.set_text("artist", a + m.start(1), a + m.end(1))
        draft.set_text("query", a + m.start(2), b)
        draft.set_text("track", a + m.start(2), b)
        return
    # "after this play hello from adele", "payphone maroon five": a title and its artist
    _title_and_artist(draft)
    if draft.spans["query"] != draft.spans.get("artist"):  # not "something of the weekend"
        draft.set_text("track", *draft.spans["query"])


_FROM_WORD = re.compile(r" (?:(?P<from>from)|of) ")


def _from_artist(draft: Draft, text: str, start: int = 0) -> tuple[int, int] | None:
    """Where " from " (or " of ") starts and where the artist after it starts, when
    ``text[start:]`` names a title "from" a known artist ("hello from adele"), "of" a famous
    one ("yellow of coldplay"), or "of" the title's own artist heard wrong ("levitating of
    dua leepa"), else None."""
    names = draft.parser.catalog_names
    for m in _FROM_WORD.finditer(text, start):
        if m.start() <= start:
            continue
        artist = text[m.end() :]
        if m.group("from"):
            if names.type_of(artist) == "artist":
                return m.start(), m.end()
        else:
            heard = artist.split(" ")
            split = names.split_on_title([*heard, *text[start : m.start()].split(" ")])
            if names.famous_artist_said(artist) or (
                split is not None and split.artist == (0, len(heard))
            ):
                return m.start(), m.end()
    return None
#: a time of day, a loudness or "instead" said after the content ("some jazz today", "hello
#: by adele tonight", "put on queen loud", "radio paradise instead of this"; a wish such as
#: "would help" is a trailing filler of fillers.yaml)
_SAID_AFTER = re.compile(
    r" (?:today|tonight|this (?:morning|evening|afternoon)"
    r"|(?:(?:really|very|nice and|good and|super) )?(?:loud|loudly)"
    r"|instead(?: of (?:this|that|it|this one|that one))?)$"
)
_SAID_AFTER_WORDS = (" today", " tonight", " morning", " evening", " afternoon", " loud",
                      " loudly", " instead", " this", " that", " it", " one")


def _said_after_at(draft: Draft, a: int, b: int) -> int:
    """Where a time of day or a loudness said after ``draft.norm.text[a:b]`` starts ("some
    jazz today", "put on queen loud"), or ``a`` when there is none or a known title holds it
    ("in the air tonight")."""
    text = draft.norm.text
    if not text.endswith(_SAID_AFTER_WORDS, 0, b):
        return a
    when = _SAID_AFTER.search(text, a, b)
    if when is None or draft.parser.catalog_names.title(text[a:b]) is not None:
        return a
    return when.start()


_QUEUE_NOISE = re.compile(
    r"(?:up )?(?P<item>.+?)"
    r"(?: (?:ready to play|ready|to play|to be played|to play next|after|afterwards|later|lined"
    r"|in line|put it in line|put it))?"
)
_QUEUE_EPISODE = re.compile(
    r"(?:the )?(?:next |latest |last |new |newest |most recent )?episode (?:of|from) (.+)"
)
_QUEUE_ALBUM = re.compile(r"(?:the |an |this )?(?:album|record|ep) (?:called |named )?(.+)")
_QUEUE_SONG = re.compile(r"(?:the |a |this )?(?:song|track|tune|single) (?:called |named )?(.+)")
_QUEUE_SHOW = re.compile(
    r"(?:the |a |this |my )?(?P<kind>podcast|audiobook|audio book) (?:called |named )?(?P<name>.+)"
)
_QUEUE_SHOW_LAST = re.compile(r"(?P<name>.+) (?P<kind>podcast|audiobook|audio book)")
#: queue items that only say "some music": the artist after "by" is what to queue
_GENERIC_ITEMS = frozenset(
    ("songs", "song", "some songs", "a song", "something", "some music", "music", "anything",
     "tracks", "a track", "some tracks", "stuff", "some stuff", "more", "more songs")
)


_OWNER = re.compile(r"^(?:[a-z0-9]+(?: [a-z0-9]+)?'s )(?=\S)")
#: the user's liked songs named as a playlist
_LIKED = frozenset(
    "liked|liked songs|likes|favorites|favourites|favorite|favourite|loved songs".split("|")
)
_CALLED = re.compile(
    r"(?:playlist|play list) (?:(?:called|named|titled|entitled) )?"
    r"|list (?:called|named|titled|entitled) "
)
_LIST_WORD = re.compile(r" (?:playlist|play list|list)$")
#: an item's kind word said before its name in a playlist add
_ITEM_KINDS = {
    "song": "track", "track": "track", "tune": "track", "album": "album", "record": "album",
    "ep": "album",
}
#: what to add to a playlist: "the song X", "something by the artist X", "X album"
_PLAYLIST_ITEM = re.compile(
    r"(?:(?:the )?name )?(?:(?:the|a|an|this|some|another|my|something) )?"
    r"(?:(?:artist|band|singer|song|songs|track|tracks|tune|album|record|ep|music|stuff)"
    r"(?: named| called)?"
    r" (?:by |from )?)?(?:(?:by|from) (?:the )?(?:artist |band |singer )?)?(?P<name>.+?)"
    r"(?: (?P<kind>song|songs|track|tune|album|record|ep|music))?"
)
_PERSON_LEAD = re.compile(
    r"(?:some|something|the artist|the band|artist|band|this artist|this band) "
)


#: where an item and a playlist meet: "X to my Y", "X on the Y"
_INTO_PLAYLIST = re.compile(
    r" (?:to|onto|into|in|on) (?:(?P<owner>my|the|our|a) )?"
    r"(?P<list>(?:playlist|play list) (?:(?:called|named|titled) )?)?"
)
#: an item that names only music ("add songs by queen to my rock playlist")
_ONLY_MUSIC = frozenset(
    "song songs track tracks music tune tunes something stuff some songs some music".split(" ")
)


_TO_OWNED = re.compile(r"to (?:my|the|our) (?=\S)")


def _in_to(draft: Draft) -> None:
    """"add pull me in to my indie playlist", "put it in to my playlist": "in to" is "into"
    (the grammar cut at "in"); an item that ends right before it ends with "in"."""
    pa, pb = draft.spans["playlist"]
    text = draft.norm.text
    if not text.endswith(" in ", 0, pa):
        return
    if text[pa:pb] in ("to my", "to the", "to our"):
        draft.drop("playlist")  # "put it in to my playlist": which one is not said
        return
    m = _TO_OWNED.match(text, pa, pb)
    if m is None:
        return
    if "query" in draft.spans and draft.spans["query"][1] == pa - 4:
        qa, qb = draft.spans["query"]
        draft.set_text("query", qa, qb + 3)
    draft.set_text("playlist", m.end(), pb)


def _title_across(draft: Draft) -> None:
    """Where the item ends and the playlist starts when the grammar cut at the first "to":
    a famous title runs across it ("add stairway to heaven to my classic rock playlist"),
    else the last "to my" / "to the playlist" names the playlist."""
    qa, qb = draft.spans["query"]
    pa, pb = draft.spans["playlist"]
    if qb > pa:
        return  # "add to my playlist X Y": the playlist comes first
    text = draft.norm.text
    names = draft.parser.catalog_names
    later = [m for m in _INTO_PLAYLIST.finditer(text, pa, pb) if m.end() < pb]
    for m in later:
        item = text[qa : m.start()]
        by = _known_artist_by(draft, item)
        if names.famous_title(item) or (  # "add joy to the world by three dog night to ..."
            by is not None and by[0] > 0 and names.title(item[: by[0]]) is not None
        ):
            draft.set_text("query", qa, m.start())
            draft.set_text("playlist", m.end(), pb)
            return
    # "add i hate myself and i want to die to my six string peacefulness", "add blood on
    # the face to the playlist called heartland country": the last "to my" (or "to the
    # playlist") names the playlist; an earlier "to"/"on" was part of the title ("dancing on
    # my own by calum scott to my road trip playlist")
    strong = [m for m in later if m.group("owner") in ("my", "our") or m.group("list")]
    if strong:
        m = strong[-1]
        draft.set_text("query", qa, m.start())
        draft.set_text("playlist", m.end(), pb)


#: the song playing, named as the item of a playlist add
_PLAYING_NOW = re.compile(
    r"(?:the )?(?:song |track |tune |music )?(?:now playing|playing now|playing|that is playing"
    r"|that's playing|currently playing|on now)"
)


def _capital_list_word(draft: Draft, at: int) -> bool:
    """Whether the list word at ``at`` (after its space) is written with a capital inside a
    name of capitals, so part of the name ("The Refugee Playlist", "Guitar Hero Live
    Playlist")."""
    start, _ = draft.norm.span(at + 1, at + 2)
    before, _ = draft.norm.span(at - 1, at)
    return draft.norm.original[start] == "P" and draft.norm.original[before].isalnum() and (
        draft.norm.original[: before + 1].split()[-1][:1].isupper()
    )


def _named_the(draft: Draft, a: int, b: int) -> int:
    """-4 when the "the" said before the playlist name at ``a`` is part of it, else 0: a
    capital "The" inside the sentence ("to The New Waltz playlist") or a name said last with
    no playlist word after it ("put once bitten twice bitten into the pulse of americana")."""
    text = draft.norm.text
    if a < 5 or not text.startswith("the ", a - 4) or text[a - 5] != " ":
        return 0
    start, _ = draft.norm.span(a - 4, a - 3)
    if draft.norm.original[start] == "T" or (b == len(text) and text.count(" ", a, b) >= 1):
        return -4
    return 0


def refine_playlist(draft: Draft) -> None:
    if "playlist" in draft.spans and "query" in draft.spans:
        _title_across(draft)
    if "playlist" in draft.spans:
        _in_to(draft)
    if "playlist" in draft.spans:
        a, b = draft.spans["playlist"]
        text = draft.norm.text[a:b]
        m = _OWNER.match(text)
        # an owner is cut in front of a name of two words or more ("cassie's Punk Rock
        # Workout") or when it is a given name ("rosanna's ejercicio"); "Assassin's Creed"
        # and "Women's Lit" are names themselves
        if m and (
            len(text[m.end() :].split()) >= 2
            or draft.parser.gazetteers.lookup("PERSON", text[: m.end() - 3]) is not None
        ):
            a += m.end()
        text = draft.norm.text[a:b]
        named = _CALLED.match(text)
        if named and named.end() < len(text):
            a += named.end()  # "michele's playlist called 88 keys", "in playlist gym"
            text = draft.norm.text[a:b]
        m2 = _LIST_WORD.search(text)
        if m2 and m2.start() > 0:
            b = a + m2.start()
        elif draft.norm.text.startswith(" playlist", b) and _capital_list_word(draft, b):
            b += len(" playlist")  # "to The Refugee Playlist": the list word is in the name
        if draft.norm.text[a:b] in ("playlist", "play list", "list"):
            draft.drop("playlist")  # "add hello to my playlist": which one is not said
        else:
            draft.set_text("playlist", a + _named_the(draft, a, b), b)
    query = draft.spans.get("query")
    if draft.intent == "playlist.add" and query is not None and _PLAYING_NOW.fullmatch(
        draft.norm.text, *query
    ):  # "song now playing put to my sleep playlist": the song playing, added
        draft.intent = "playlist.add_current"
        draft.drop("query")
        draft.drop("kind")
    if draft.intent == "playlist.add_current" and draft.slots.get("playlist") in _LIKED:
        draft.intent = "music.like"  # "put this song in liked": the user's liked songs
        draft.drop("playlist")
        return
    if "query" in draft.spans:
        a, b = draft.spans["query"]
        text = draft.norm.text[a:b]
        m = _PLAYLIST_ITEM.fullmatch(text)
        if m and text.startswith("from "):
            m = None  # "add from the ashes to ...": a title that starts with "from"
        if m:
            name_a = a + m.start("name")
            name_b = a + m.end("name")
            kind_word = m.group("kind")
            lead = text[: m.start("name")]
            by = lead.endswith(("by ", "from "))
            by = by or " by " in f" {lead}" or " from " in f" {lead}"
            person_lead = _PERSON_LEAD.match(lead)
            if (kind_word or by or person_lead) and not (
                person_lead and draft.parser.catalog_names.famous_title(text)
            ):  # but "add something just like this to ...": a famous title
                draft.drop("query")
                if text[: m.end("name")].endswith("'s"):
                    name_b -= 2  # "dimitri fampas's song"
                draft.set_text("artist", name_a, name_b)
                _trim_sort(draft, "artist")  # "the new drake song": drake
                words = [w for w in lead.split() if w not in ("by", "named", "called")]
                word = kind_word or (words[-1] if words else "")
                kind = draft.parser.gazetteers.lookup("KIND", word)
                if kind:
                    draft.slots["kind"] = kind
            elif (
                " by " not in text
                and not any(w in _ITEM_KINDS for w in lead.split())  # "the song rose room"
                and _names_person(draft, text[m.start("name") : m.end("name")])
            ):
                draft.drop("query")
                draft.set_text("artist", name_a, name_b)
            else:
                # "the" belongs to titles ("The Stars and Stripes Forever"); "this/some" do not,
                # unless the title is named with its artist ("my love by justin timberlake")
                # or "this is" opens it ("this is love")
                keep_article = lead in ("the ", "a ", "an ") or (
                    " by " in text and lead.strip() in ("this", "my", "something")
                ) or (lead == "this " and text.startswith("is ", m.start("name"))) or (
                    draft.parser.catalog_names.famous_title(text)  # "something just like this"
                )
                draft.set_text("query", a if keep_article else name_a, name_b)
                owned = _POSSESSIVE.fullmatch(draft.norm.text, name_a, name_b)
                if (
                    owned is not None and not keep_article and " by " not in text
                    and (
                        _is_person(draft, owned.group(1))
                        or draft.parser.catalog_names.famous_artist(owned.group(1))
                    )
                ):
                    # "add tove lo's no one dies from love to ...": the owner is the artist
                    draft.set_text("artist", *owned.span(1))
                    draft.set_text("query", *owned.span(2))
                said = next((w for w in lead.split() if w in _ITEM_KINDS), None)
                if said is not None and "kind" not in draft.slots:
                    draft.slots["kind"] = _ITEM_KINDS[said]  # "add the song yellow to …"
                _title_by_artist(draft)
                if "artist" not in draft.spans:
                    _title_and_artist(draft)  # "add lose yourself eminem to my running playlist"
                if "artist" in draft.spans and draft.text_of("query") in _ONLY_MUSIC:
                    draft.drop("query")  # "add songs by queen to ...": the artist's songs
                    draft.slots.setdefault("kind", "track")


def _title_and_artist(draft: Draft) -> None:
    """A query that is a title said with its known artist, without "by": "umbrella rihanna",
    "the scientist from coldplay" (a famous title whole stays as it is): the artist is set
    and the query keeps the title."""
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    names = draft.parser.catalog_names
    if names.famous_title(text):
        return
    cut = _from_artist(draft, text)
    if cut is not None:
        draft.set_text("artist", a + cut[1], b)
        # "something of the weekend": the artist is the item
        generic = text[: cut[0]] in _GENERIC_ITEMS
        draft.set_text("query", *((a + cut[1], b) if generic else (a, a + cut[0])))
        return
    halves = split_artist_title(text_words(draft.norm.text), (a, b), names, "track")
    if halves is not None:
        draft.set_text("artist", *halves[0])
        draft.set_text("query", *halves[1])


_BY_ARTIST = re.compile(
    r" by (?!(?:me|you|us|him|her|them|my|your|the way|myself|yourself)(?: |$))"
    r"(?:the artist |the band )?"
)


def _title_by_artist(draft: Draft) -> None:
    """ "add hello by adele to my party playlist": the title is the query, the artist named."""
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    split = _by_at(draft, text)  # "add cake by the ocean to my party playlist": no split
    if split is None or split[0] == 0 or split[1] >= len(text):
        return
    by, artist = split
    draft.set_text("artist", a + artist, b)
    if draft.intent == "music.play" and _DESCRIPTORS.issuperset(text[:by].split()):
        draft.drop("query")  # "read me something by stephen king": the author is all
    else:
        draft.set_text("query", a, a + by)


#: words inside a title, never inside a person's name ("joy to the world", "may i")
_NOT_IN_NAMES = frozenset("to the of in on for with my your me you is are it".split())


def _by_at(draft: Draft, text: str) -> tuple[int, int] | None:
    """(where the " by " that names the artist starts, where the artist starts) in ``text``
    (a queued or added item), or None: none when a famous title holds it ("stand by me",
    "cake by the ocean") and no known artist follows; the leftmost one a known artist
    follows ("down by the water by pj harvey", "joy to the world by three dog night");
    else the last one."""
    known = _known_artist_by(draft, text)
    if known is not None:
        return known
    if draft.parser.catalog_names.famous_title(text):
        return None
    found = list(_BY_ARTIST.finditer(text))
    return (found[-1].start(), found[-1].end()) if found else None


def _known_artist_by(draft: Draft, text: str) -> tuple[int, int] | None:
    """(where the " by " starts, where the artist starts) for the leftmost " by " in
    ``text`` that a known artist follows to the end, or None."""
    names = draft.parser.catalog_names
    for m in _BY_ARTIST.finditer(text):
        if names.type_of(text[m.end() :]) == "artist":
            return m.start(), m.end()
    return None


def _is_person(draft: Draft, text: str) -> bool:
    """A well-known artist; two to four words starting with a common given name or with
    initials ("j j cale", "a j mclean"); or a given name alone that is no song title
    ("sheila", but not "roxanne")."""
    words = text.split()
    gazetteers = draft.parser.gazetteers
    if gazetteers.lookup("ARTIST", text) is not None:
        return True
    if 2 <= len(words) <= 4 and _NOT_IN_NAMES.isdisjoint(words[1:]) and (
        gazetteers.lookup("PERSON", words[0]) is not None
        or (len(words[0]) == 1 and len(words[1]) == 1 and words[0] not in ("a", "i"))
        or (words[0] == "a" and len(words[1]) == 1 and len(words) > 2)
    ):
        # but "billie jean", "johnny b goode": a song the catalog knows and no such artist
        return draft.parser.catalog_names.type_of(text) != "track"
    return (
        len(words) == 1
        and gazetteers.lookup("PERSON", words[0]) is not None
        and draft.parser.catalog_names.title(words[0]) is None
    )


#: words that say a kind or a version, not a person's name ("rodriguez artist")
_NOT_A_NAME = frozenset("artist singles single album albums songs ep lp remix live".split())


def _names_person(draft: Draft, text: str) -> bool:
    """:func:`_is_person`, or two words that no song title holds ("afdlin shauki", "gabrial
    mcnair"): an item added to a playlist named so is most often an artist (nine in ten such
    items of the SNIPS-style development data are)."""
    if _is_person(draft, text):
        return True
    words = text.split()
    names = draft.parser.catalog_names
    return len(words) == 2 and not any(
        names.in_titles(w) or not w.isalpha() or w in _NOT_A_NAME for w in words
    ) and names.type_of(text) is None


def _artist_playlist(draft: Draft) -> None:
    """"play my michael jackson playlist": a playlist named after an artist asks for the
    artist's music (nothing else is named)."""
    if "playlist" not in draft.spans or any(s in draft.spans for s in _FREE[:4]):
        return
    a, b = draft.spans["playlist"]
    if draft.parser.gazetteers.lookup("ARTIST", draft.norm.text[a:b]) is not None:
        draft.drop("playlist")
        draft.set_text("artist", a, b)
        if draft.slots.get("kind") == "playlist":
            del draft.slots["kind"]


_OWNER_ONLY = re.compile(r"((?:[^ ]+ ){0,3}[^ ]+?)'s")
_POSSESSIVE = re.compile(r"((?:[^ ]+ ){0,3}?[^ ]+?)(?:'s|') ([^ ].*)")
#: possessives that describe rather than name an artist ("today's hits", "children's songs")
_NOT_OWNER = frozenset(
    """today tonight yesterday tomorrow week year world children kids men women people
    everyone everybody somebody someone nobody mother mothers father fathers valentine
    new year st patrick halloween christmas it that this one what who where there here he
    she let""".split()
)  # "what's going on", "here's to you": a contraction, not an owner


#: words after a possessive that name no title: "kaori mochida's most popular music"
_WHOSE_MUSIC = frozenset(
    """most popular best greatest latest newest new top old older early recent famous
    music songs song tracks hits stuff tunes album albums records work catalogue
    catalog discography""".split()
)


def _famous_unowned(names: CatalogNames, phrase: str, owner: str) -> bool:
    """Whether ``phrase`` ("jessie's girl", "gangsta's paradise") is a famous title whose
    possessive ``owner`` is no artist: the title whole, not the owner's song."""
    return names.famous_title(phrase) and names.artist(owner) is None


def _possessive_title(draft: Draft) -> None:
    """ "play kenny rogers' the gambler", "adele's hello": the owner is the artist and the
    rest the title (a track unless a kind word said otherwise)."""
    named = [s for s in _FREE if s in draft.spans]
    if named not in (["query"], ["artist"]):
        return
    if draft.slots.get("kind") not in (None, "track", "album"):
        return
    a, b = draft.spans[named[0]]
    text = draft.norm.text
    if text.find("'", a, b) >= 0:
        m = _POSSESSIVE.fullmatch(text, a, b)
        if m is None:
            alone = _OWNER_ONLY.fullmatch(text, a, b)
            if alone is not None and named == ["query"] and "kind" not in draft.slots:
                draft.drop("query")  # "kaori mochida's (most popular music)"
                draft.set_text("artist", alone.start(1), alone.end(1))
            return
        owner_at, title_at = m.span(1), m.span(2)
    else:
        if "'" not in draft.norm.original and "\u2019" not in draft.norm.original:
            return
        found = _plural_possessive(draft.norm, a, b)
        if found is None:
            return
        owner_at, title_at = found
    owner = text[slice(*owner_at)]
    title = text[slice(*title_at)]
    last = owner.split()[-1]
    if owner.split()[0] in ("the", "my", "a") or last in _NOT_OWNER or owner in _NOT_OWNER:
        return
    if _famous_unowned(draft.parser.catalog_names, text[a:b], owner):
        return  # "play jessie's girl"
    halves = split_artist_title(text_words(text), (a, b), draft.parser.catalog_names, "track")
    if halves is not None and halves[1][0] < owner_at[1] < halves[1][1]:
        # "coolio gangsta's paradise": the possessive is inside the title of a known artist
        draft.drop(named[0])
        draft.set_text("artist", *halves[0])
        draft.set_text("track", *halves[1])
        return
    slot = "album" if draft.slots.get("kind") == "album" else "track"
    if slot == "track" and "kind" not in draft.slots and (
        draft.parser.catalog_names.album_rather_than_track(title, owner)
    ):
        slot = "album"  # "adele's 21", "the beatles' abbey road"
    draft.drop(named[0])
    draft.set_text("artist", *owner_at)
    if not all(w in _WHOSE_MUSIC for w in title.split()):
        draft.set_text(slot, *title_at)  # "sia's popular songs" names no title


def _plural_possessive(norm: Normalized, a: int, b: int) -> tuple[Span, Span] | None:
    """(owner, title) spans in ``norm.text[a:b]`` around a word typed with a closing
    apostrophe ("Richard Fortus' Live Collection"), which normalisation drops."""
    original = norm.original
    for k, (word, _, end) in enumerate(norm.tokens[:-1]):
        at = norm.offsets[k]
        if at < a or at + len(word) >= b:
            continue
        if (
            word.endswith("s") and original.startswith(("' ", "\u2019 "), end)
            and at + len(word) - a <= 40
        ):
            return (a, at + len(word)), (norm.offsets[k + 1], b)
    return None


def _person_query(draft: Draft) -> None:
    """A two-to-four word query that starts with a given name is an artist ("Kevin Cadogan");
    so is a query that is exactly a well-known artist ("adele", "the rolling stones")."""
    if "query" not in draft.spans or "kind" in draft.slots:
        return
    a, b = draft.spans["query"]
    if _is_person(draft, draft.norm.text[a:b]):
        draft.drop("query")
        draft.set_text("artist", a, b)


def _station_after_with(draft: Draft) -> None:
    """A known station's name after a "with" the frame left in the query: "turn radio on |
    with magic fm", "put the radio on | with capital fm"."""
    a, b = draft.spans["query"]
    text = draft.norm.text
    if text.startswith("with ", a) and a + 5 < b and (
        draft.parser.gazetteers.lookup("STATION", text[a + 5 : b]) is not None
    ):
        draft.set_text("query", a + 5, b)


def _broadcast_article(draft: Draft) -> None:
    """Station, show and podcast names drop a leading "the" ("play the bob and tom show" ->
    "bob and tom show"; the catalog search ignores it anyway), a podcast's name its closing
    podcast word and season ("the bill simmons podcast" -> "bill simmons", "serial season
    two" -> "serial"), a station's name the radio word before it ("radio capital fm"),
    unless the whole is a known name ("the daily", "radio one")."""
    if draft.slots.get("kind") not in ("radio", "podcast", "episode") or "query" not in draft.spans:
        return
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    for tail in (_SHOW_WORD, _SEASON) if draft.slots["kind"] != "radio" else ():
        found = tail.search(text)  # "the bill simmons podcast", "serial season two"
        if found is not None and found.start() > 0 and (
            draft.parser.gazetteers.title_kind(text) is None
        ):
            b = a + found.start()
            draft.set_text("query", a, b)
            text = draft.norm.text[a:b]
    show = _SHOW_NAMED.match(text)
    if show is not None and draft.slots["kind"] == "radio" and show.end() < len(text) and (
        draft.norm.text.endswith(("radio ", "radio's "), 0, a)
    ):  # "the radio show car talk", "that radio programme desert island discs"
        a += show.end()
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    if text.startswith("radio ") and draft.slots["kind"] == "radio" and (
        draft.parser.gazetteers.title_kind(text) is None
        and (draft.parser.gazetteers.title_kind(text[6:]) or text.endswith((" fm", " am")))
    ):
        draft.set_text("query", a + 6, b)  # "start radio capital fm": the station's name
        return
    if not text.startswith("the ") or " " not in text[4:]:
        return  # "the intern" keeps its article: one word is too little of a name
    if draft.parser.gazetteers.title_kind(text) is not None:
        return
    draft.set_text("query", a + 4, b)


_MUSIC_AFTER = re.compile(r" (?:music|songs|tunes)\b")


def _catalog_name(draft: Draft) -> None:
    """A free query that is a famous name takes its type: "play purple haze" is a track,
    "play green day" an artist, "play marvin gaye i want you" both (catalog_names.py)."""
    named = [s for s in _FREE if s in draft.spans]
    if named not in (["query"], ["artist"]):
        return
    a, b = draft.spans[named[0]]
    if draft.slots.get("kind") == "audiobook" and named == ["query"]:
        # "play taylor swift love story": "story" ends a song title, not a kind word
        story = _STORY.match(draft.norm.text, b)
        if story is None or re.search(r"\bread(?:ing)?\b", draft.norm.text[:a]):
            return  # "read me a love story" asks for a book
        phrase = draft.norm.text[a : story.end()].split()
        names = draft.parser.catalog_names
        if names.type_of(" ".join(phrase)) != "track" and names.split(phrase) is None:
            return
        del draft.slots["kind"]
        draft.set_text("query", a, story.end())
        a, b = draft.spans["query"]
    kind = draft.slots.get("kind")
    if kind is not None and not (named == ["artist"] and kind in ("track", "album")):
        return  # but "song of miley cyrus flowers", "album of sabrina carpenter short and sweet"
    if named == ["query"] and draft.norm.text.endswith(" my ", 0, a):
        return  # "play my road trip": the user's own thing, of any kind, not the famous song
    if named == ["query"] and _MUSIC_AFTER.match(draft.norm.text, b):
        return  # "some rainy day music": words that describe the music
    text = draft.norm.text[a:b]
    names = draft.parser.catalog_names
    if named == ["query"]:
        if draft.norm.text.endswith(" the ", 0, a) and names.type_of("the " + text) == "artist":
            a -= 4  # "i am in the mood for the beatles": the frame left "the" out
            text = draft.norm.text[a:b]
        version = _whose_version(names, text)
        if version is not None:
            # "viva la vida the coldplay one", "jolene dolly parton version": whose song
            draft.drop("query")
            draft.set_text("track", a + version[0][0], a + version[0][1])
            draft.set_text("artist", a + version[1][0], a + version[1][1])
            return
        slot = names.type_of(text)
        if slot is None and draft.parser.gazetteers.lookup("ARTIST", text) is not None:
            slot = "artist"  # "i want some frank sinatra": a singer the gazetteer knows
        elif slot is None and names.is_artist_said(text):
            slot = "artist"  # "the music of the bee gees": a band the catalog has without "the"
        if slot is not None:
            draft.drop("query")
            draft.set_text(slot, a, b)
            return
    elif names.artist(text) is not None:
        return  # "play michael jackson": an artist indeed
    words = text_words(text)
    plain = [word for word, _, _ in words]
    split = names.split(plain) or names.split_on_title(plain)
    before = draft.norm.text[:a].rsplit(" ", 2)[-2:] if split is None else []
    if len(before) == 2 and before[0] in _TRIMMED_OPENERS and not before[1]:
        # "all i want for christmas is you mariah carey": the trimming took the title's
        # first word
        a -= len(before[0]) + 1
        text = draft.norm.text[a:b]
        words = text_words(text)
        split = names.split([word for word, _, _ in words])
        if split is None or split.title[0] != 0:
            return
    if split is None and named == ["artist"]:
        # "play zach bryan bass boat", "the new album of sabrina carpenter short n' sweet": a
        # famous artist and a name the lists do not hold
        split = names.split_after_artist(plain)
        if split is not None and draft.parser.entities.find(
            text[words[split.title[0]][1] :], _NOT_A_TITLE
        ):
            return  # "adele eighties", "queen in the kitchen"
    if split is None or kind is not None and split.artist[0] != 0:
        return
    draft.drop(named[0])
    for slot, (i, j) in (("artist", split.artist), (kind or split.slot, split.title)):
        draft.set_text(slot, a + words[i][1], a + words[j - 1][2])


#: gazetteer labels that say the words after an artist describe the music, not name it
_NOT_A_TITLE = ("GENRE", "DECADE", "MOOD", "KIND", "DEVICE", "SERVICE")
_STORY = re.compile(r" (?:story|stories)\b")
#: words the trimming cuts that may open a famous title ("all i want for christmas is you")
_TRIMMED_OPENERS = frozenset(("all", "every", "one", "something", "only", "just", "my"))
_PLAYLIST_WORD = re.compile(r" (?:playlist|play list)\b")


def _whose_version(names: CatalogNames, text: str) -> tuple[Span, Span] | None:
    """(title, artist) spans of ``text`` (normalised) when it is a title and then whose
    song it is: "viva la vida the coldplay one", "jolene dolly parton version" (the artist a
    famous one), else None."""
    words = text_words(text)
    if len(words) < 3 or words[-1][0] not in ("one", "version"):
        return None
    for i in range(1, len(words) - 1):
        first = i + 1 if words[i][0] == "the" else i
        if first >= len(words) - 1:
            break
        end = words[-2][2] - 2 if words[-2][0].endswith("'s") else words[-2][2]
        if names.famous_artist_said(text[words[first][1] : end]):
            return (0, words[i - 1][2]), (words[first][1], end)
    return None


def _matched(m: re.Match[str], groups: Sequence[str]) -> str:
    """The first of ``groups`` that took part in ``m`` (alternatives that name one thing)."""
    return next(g for g in groups if m.group(g))
_SHOW_TAIL = re.compile(r" (?:show|programme|program|radio show)$")


#: the gazetteer labels of the stations and podcasts a kind asks for
_BROADCAST_LABELS = {
    None: ("STATION", "PODCAST"), "radio": ("STATION",), "podcast": ("PODCAST",),
    "episode": ("PODCAST",),
}
#: words that start what follows a station's or podcast's name rather than go on naming it
#: ("triple j from australia", "planet money the npr"; not "radio one xtra", "the joe rogan
#: experience", "the daily show")
_AFTER_NAME = frozenset(
    "from in on at the a please live i it that this which for with and so because now "
    "tonight too not you about while when".split()
)
#: the most words said after a known name that still leave the name alone
_AFTER_NAME_WORDS = 4


def _named_broadcast(draft: Draft) -> None:
    """A station or podcast the lists know at the head of a name that ran on into other
    words ("triple j from australia", "planet money the npr", "kexp seattle live")."""
    kind = draft.slots.get("kind")
    labels = _BROADCAST_LABELS.get(kind) if isinstance(kind, str) or kind is None else None
    if labels is not None and kind is None and "query" not in draft.spans:
        _station_from_place(draft, labels)
        return
    if labels is None or "query" not in draft.spans or any(
        s in draft.spans for s in ("artist", "track", "album", "playlist")
    ):
        return
    a, b = draft.spans["query"]
    heads = [e for e in draft.entities_in(a, b, labels) if e.start == 0 and a + e.end < b]
    if not heads:
        return
    head = max(heads, key=lambda e: e.end)
    rest = draft.norm.text[a + head.end : b].split()
    if len(rest) > _AFTER_NAME_WORDS or rest[0] not in _AFTER_NAME:
        return
    draft.set_text("query", a, a + head.end)
    if kind is None:
        draft.slots["kind"] = "radio" if head.label == "STATION" else "podcast"


def _this_is(draft: Draft) -> None:
    """"play this is taylor swift": Spotify's playlist of an artist's best known songs, when
    the artist is one a list knows and "this is ..." is no song ("this is me")."""
    if "query" not in draft.spans or "kind" in draft.slots:
        return
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    if not text.startswith("this is ") or draft.parser.catalog_names.title(text) is not None:
        return
    artist = text[len("this is ") :]
    names = draft.parser.catalog_names
    if names.type_of(artist) == "artist" or (
        draft.parser.gazetteers.lookup("ARTIST", artist) is not None
    ):
        draft.drop("query")
        draft.set_text("playlist", a, b)
        draft.slots["kind"] = "playlist"


def _station_from_place(draft: Draft, labels: tuple[str, ...]) -> None:
    """"triple j from australia": a station or podcast the lists know, read as a title "from"
    an artist no list knows, is the station said with its place."""
    if "track" not in draft.spans or "artist" not in draft.spans:
        return
    (ta, tb), (aa, ab) = draft.spans["track"], draft.spans["artist"]
    text = draft.norm.text
    if text[tb:aa] != " from " or draft.parser.catalog_names.type_of(text[aa:ab]) is not None:
        return
    whole = [e for e in draft.entities_in(ta, tb, labels) if e.start == 0 and e.end == tb - ta]
    if not whole:
        return
    draft.drop("track")
    draft.drop("artist")
    draft.set_text("query", ta, tb)
    draft.slots["kind"] = "radio" if whole[0].label == "STATION" else "podcast"


def _known_media(draft: Draft) -> None:
    """Well-known titles say their kind: "play animal farm" is an audiobook, "play npr" radio,
    "the bob and tom show" radio; "treasure island by robert louis stevenson" names an
    audiobook (query) and its author (artist)."""
    if (
        draft.slots.get("kind") == "audiobook"
        and draft.match.pattern.slots.get("kind") == "audiobook"
        and "query" in draft.spans
    ):
        _resumed_show(draft)
    if "query" in draft.spans:
        _whole_title(draft)
    if draft.slots.get("kind") == "audiobook" and (
        "query" in draft.spans or "artist" in draft.spans
    ):
        _book_author(draft)
    if "kind" in draft.slots and draft.slots["kind"] not in ("track",):
        return
    artist = draft.spans.get("artist")
    if artist is not None and not {"track", "query", "album"}.intersection(draft.spans):
        said = draft.norm.text[artist[0] : artist[1]]
        kind = draft.parser.gazetteers.title_kind(said)
        if kind is not None and draft.parser.catalog_names.type_of(said) != "artist":
            draft.drop("artist")  # "let's hear some my favorite murder": a show, no singer
            draft.set_text("query", *artist)
            draft.slots["kind"] = kind
            return
    if "artist" in draft.spans and ("track" in draft.spans or "query" in draft.spans):
        a, b = draft.spans["artist"]
        if draft.parser.gazetteers.lookup("AUTHOR", draft.norm.text[a:b]) is not None:
            title = draft.spans.get("track") or draft.spans["query"]
            draft.drop("track")
            draft.set_text("query", *title)
            draft.slots["kind"] = "audiobook"
            return
    slot = "query" if "query" in draft.spans else "track" if "track" in draft.spans else None
    if slot is None or "artist" in draft.spans:
        return
    a, b = draft.spans[slot]
    text = draft.norm.text[a:b]
    kind = draft.parser.gazetteers.title_kind(text, bare=True)
    if kind is not None:
        draft.drop(slot)
        draft.set_text("query", a, b)
        draft.slots["kind"] = kind
        return
    if _SHOW_TAIL.search(text) and "kind" not in draft.slots:
        draft.slots["kind"] = "radio"


def _whole_title(draft: Draft) -> None:
    """A known show or book whose first word a pattern read as a pointer takes it back:
    "this american life latest episode" (the pattern's "this" is the show's)."""
    a, b = draft.spans["query"]
    text = draft.norm.text
    for word in ("this ", "that ", "my "):
        start = a - len(word)
        if start >= 0 and text.startswith(word, start) and (
            draft.parser.gazetteers.title_kind(text[start:b]) is not None
        ):
            draft.set_text("query", start, b)
            return
    if draft.slots.get("kind") not in ("audiobook", "podcast"):
        return
    # "the great gatsby book tonight": the descriptor words a reader trimmed off a known
    # book or show ("the great") are its own
    start = a - 1
    for _ in range(_TRIMMED_WORDS):
        start = text.rfind(" ", 0, start) + 1 if start > 0 else -1
        if start < 0:
            return
        if draft.parser.gazetteers.title_kind(text[start:b]) is not None:
            draft.set_text("query", start, b)
            return
        start -= 1


#: the most words a reader trims off the front of a known title
_TRIMMED_WORDS = 3


def _book_author(draft: Draft) -> None:
    """"the alchemist from paulo coelho": a known author after "by", "from" or "of" in a
    book's name is the artist; a book asked for by its author alone ("a stephen king book",
    "read me some dr seuss") names only the artist. "the author" is no part of either."""
    artist = draft.spans.get("artist")
    if artist is not None:
        said = _AUTHOR_WORD.match(draft.norm.text, *artist)
        if said is not None and said.end() < artist[1]:
            draft.set_text("artist", said.end(), artist[1])  # "by the author stephen king"
        return
    if "query" not in draft.spans:
        return
    a, b = draft.spans["query"]
    if draft.parser.gazetteers.lookup("AUTHOR", draft.norm.text[a:b]) is not None and (
        draft.parser.gazetteers.lookup("AUDIOBOOK", draft.norm.text[a:b]) is None
    ):
        draft.drop("query")
        draft.set_text("artist", a, b)
        return
    for m in _BY_OR_FROM.finditer(draft.norm.text, a, b):
        if draft.parser.gazetteers.lookup("AUTHOR", draft.norm.text[m.end() : b]) is not None:
            draft.set_text("artist", m.end(), b)
            draft.set_text("query", a, m.start())
            return
    text = draft.norm.text
    kind_by = _KIND_BY.match(text, b)
    if kind_by is not None:  # "the alchemist | audiobook of paulo coelho": the kind, the author
        words = text[kind_by.end() :].split(" ")[:_AUTHOR_WORDS]
        for n in range(len(words), 0, -1):
            author = " ".join(words[:n])
            if draft.parser.gazetteers.lookup("AUTHOR", author) is not None:
                draft.set_text("artist", kind_by.end(), kind_by.end() + len(author))
                return
    # "audiobook of stephen king the shining": the author said first, then the book
    for cut in _spaces_in(text, a, b)[:_AUTHOR_WORDS]:
        if draft.parser.gazetteers.lookup("AUTHOR", text[a:cut]) is not None and (
            draft.parser.gazetteers.lookup("AUDIOBOOK", text[a:b]) is None
        ):
            draft.set_text("artist", a, cut)
            draft.set_text("query", cut + 1, b)
            return
    # "the michelle obama book becoming": the author, the kind word, the book
    kind = _AUTHOR_BOOK.search(text, a, b)
    if kind is not None:
        first = a + 4 if text.startswith("the ", a) else a
        if draft.parser.gazetteers.lookup("AUTHOR", text[first : kind.start()]) is not None:
            draft.set_text("artist", first, kind.start())
            draft.set_text("query", kind.end(), b)
            return
    # "the alchemist paulo coelho": the book, then its author
    for cut in _spaces_in(text, a, b)[-_AUTHOR_WORDS:]:
        if draft.parser.gazetteers.lookup("AUTHOR", text[cut + 1 : b]) is not None and (
            draft.parser.gazetteers.lookup("AUDIOBOOK", text[a:b]) is None
        ):
            draft.set_text("artist", cut + 1, b)
            if _AUTHOR_WORD.fullmatch(text[a:cut] + " "):
                draft.drop("query")  # "audiobook of the author j k rowling"
            else:
                draft.set_text("query", a, cut)
            return


#: the most words of an author's name said before or after the book's
_AUTHOR_WORDS = 4


def _spaces_in(text: str, a: int, b: int) -> list[int]:
    """Where the spaces of ``text[a:b]`` are."""
    return [i for i in range(a, b) if text[i] == " "]


_BY_OR_FROM = re.compile(r" (?:by|from|of) ")
#: a book's kind word and "by" after its name ("the alchemist | audiobook of paulo coelho")
_KIND_BY = re.compile(r" (?:audiobook|audio book|book|novel) (?:by|from|of) (?=\S)")
#: the word that says a name is the author's ("by the author stephen king")
_AUTHOR_WORD = re.compile(r"(?:the )?(?:author|writer) ")
#: a book's kind word between its author and its name ("michelle obama | book | becoming")
_AUTHOR_BOOK = re.compile(r" (?:book|novel|audiobook|audio book) (?=\S)")
#: a show's kind word before its name, after "radio" ("the radio show car talk")
_SHOW_NAMED = re.compile(
    r"(?:show|shows|programme|program|programs|programmes)(?: called| named)? "
)
_SHOW_WORD = re.compile(r" (?:podcast|podcasts|pod cast)$")
_SEASON = re.compile(r" season (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)$")
_BOOK_KINDS = {"AUDIOBOOK": "audiobook", "AUTHOR": "audiobook"}
_SHOW_KINDS = {"PODCAST": "podcast", "STATION": "radio"}
_BOOK_WORD = re.compile(r" (?:audiobook|audio book|book)$")
_SPOKEN_BOOK = re.compile(r"\b(?:audiobooks?|audio books?|books?|novels?|chapters?|read|reading)\b")
_RESUMED_TYPED = re.compile(
    r"(?:(?:my|the|our) )?(?:(?P<playlist>.+?) (?:playlist|play list)"
    r"|(?:album|record) (?P<album>.+?)|(?P<album__2>.+?) (?:album|record))"
)


def _resumed_show(draft: Draft) -> None:
    """"resume X" guesses an audiobook; X says otherwise when it is a playlist or an album
    ("resume my road trip playlist"), a famous artist and no book word was said ("resume
    playing the beatles"), a podcast ("resume the joe rogan podcast", "continue serial") or a
    station ("continue npr")."""
    a, b = draft.spans["query"]
    text = draft.norm.text[a:b]
    typed = _RESUMED_TYPED.fullmatch(text)
    if typed is not None:
        # "resume my road trip playlist", "continue playing the album thriller"
        group = _matched(typed, ("playlist", "album", "album__2"))
        slot = "playlist" if group == "playlist" else "album"
        draft.drop("query")
        draft.set_text(slot, a + typed.start(group), a + typed.end(group))
        draft.slots["kind"] = slot
        return
    m = _BOOK_WORD.search(text)
    if m is not None and m.start() > 0:
        b = a + m.start()  # "continue the harry potter audiobook"
        draft.set_text("query", a, b)
        text = draft.norm.text[a:b]
    spoken_book = _SPOKEN_BOOK.search(draft.norm.text) is not None
    if (
        not spoken_book
        and draft.parser.catalog_names.type_of(text) == "artist"
        and draft.parser.gazetteers.title_kind(text, _BOOK_KINDS) is None
    ):
        draft.drop("query")  # "resume playing the beatles": the artist's music
        draft.set_text("artist", a, b)
        del draft.slots["kind"]
        return
    m = _SHOW_WORD.search(text)
    if m is not None and m.start() > 0:
        draft.set_text("query", a, a + m.start())
        draft.slots["kind"] = "podcast"
        if text.startswith("the "):
            draft.set_text("query", a + 4, a + m.start())
        return
    kind = draft.parser.gazetteers.title_kind(text, _SHOW_KINDS, bare=True)
    if kind is not None:
        draft.slots["kind"] = kind


#: words that cannot follow "play me" unless "me" opens the title
_ME_TITLE = ("and ", "& ", "too", "myself", "against ", "n ")
#: a play verb left after a request frame that the prefix read as the verb ("i would like")
_VERB_LEAD = re.compile(
    r"(?:to (?:hear|listen to|listen|play|put on|have)|hearing|listening to|listening)"
    r"(?: me| us)? "
)

#: "... and play it" said after what was named ("find a country station and play it"): the
#: grammar's tail macro has it too
_AND_PLAY_IT = re.compile(
    r" and (?:(?:put|turn|switch) (?:it|that) on|play (?:it|that)|let (?:it|that) (?:play|run))"
    r"(?: please)?$"
)

#: the last words :data:`_AND_PLAY_IT` can end with (a cheap test before the regex)
_AND_PLAY_IT_ENDS = (" it", " that", " on", " run", " play", " please")


def _bare_device_tail(draft: Draft) -> None:
    """"play hello by adele living room", "play adele kitchen": a room said last without
    "in" after a known artist's name or song title is where to play (the name must be known
    without it)."""
    slot = "artist" if "artist" in draft.spans else "query"
    if slot not in draft.spans or draft.slots.get("kind") is not None:
        return
    a, b = draft.spans[slot]
    rooms = draft.entities_in(a, b, ("DEVICE",))
    if not rooms or rooms[-1].start == 0:
        return
    end = a + rooms[-1].end
    noun = DEVICE_NOUN_AFTER.match(draft.norm.text, end, b)
    if (noun.end() if noun else end) != b:
        return
    cut = a + rooms[-1].start - 1
    known = draft.parser.catalog_names.type_of(draft.norm.text[a:cut])
    if known is None or (slot == "artist" and known != "artist"):
        return
    draft.drop(slot)
    draft.set_text(known, a, cut)  # "play adele kitchen", "play hello living room"
    draft.set_text("device", cut + 1, b)


#: a playlist named with its frame: "my X", "the X playlist", "the playlist called X"
_PLAYLIST_FRAME = re.compile(
    r"(?:(?:my|the|our|a) )?(?:(?:playlist|play list) (?:called |named |titled )?)?"
    r"(?P<name>.+?)(?: (?:playlist|play list))?"
    r"(?: (?:on|from|using|with) (?:spotify|the spotify app))?(?: (?:on|in|at|to)(?: the| my)?)?"
)


def _known_playlist(draft: Draft, start: int, end: int) -> bool:
    """"play todays top hits", "play my daily mix 2", "the playlist called top 40": a
    well-known Spotify playlist (``playlists.txt``) named whole is the playlist, every word
    kept (the sort word "top", the kind word "mix" and the number are part of the name)."""
    while end > start and draft.norm.text[end - 1] == " ":
        end -= 1
    firsts = draft.parser.gazetteers.first_words("PLAYLIST")
    phrase = draft.norm.text[start:end]
    words = phrase.split(" ", 4)[:4]
    if "'" in phrase:
        words = [word.replace("'", "") for word in words]
    if firsts.isdisjoint(words):
        return False  # the name starts within the first words, after "my the playlist called"
    m = _PLAYLIST_FRAME.fullmatch(draft.norm.text, start, end)
    if m is None:
        return False
    if not draft.parser.gazetteers.lookup("PLAYLIST", m.group("name").replace("'", "")):
        return False
    for slot in _FREE + ("genre", "year"):
        draft.drop(slot)
    device = draft.spans.get("device")
    if device is not None and device[0] < end:
        draft.drop("device")  # "songs to sing in the car": the room word is in the name
    draft.set_text("playlist", m.start("name"), m.end("name"))
    draft.slots["kind"] = "playlist"
    return True


#: an album edition asked for: "the deluxe version of rumours", "21 deluxe edition"
_EDITION = re.compile(
    r"(?:(?:the )?(?:super deluxe|deluxe|expanded|remastered|anniversary|\d+(?:st|nd|rd|th)? "
    r"anniversary|special|collector's|collectors) (?:version|edition) of .+"
    r"|.+ (?:super deluxe|deluxe|expanded|remastered|anniversary|special) (?:version|edition))"
)


def _edition(draft: Draft) -> None:
    """"play the deluxe version of rumours by fleetwood mac": an edition is an album's; the
    words stay in the album name (the resolver honours the edition asked for)."""
    for slot in ("track", "query"):
        span = draft.spans.get(slot)
        if span is None or (
            draft.norm.text.find("version", *span) < 0
            and draft.norm.text.find("edition", *span) < 0
        ):
            continue  # every match of _EDITION says "version" or "edition"
        if _EDITION.fullmatch(draft.norm.text, *span):
            draft.drop(slot)
            draft.set_text("album", *span)
            draft.slots["kind"] = "album"
            return


_FRAME_LEAD = re.compile(r"(?:(?:the|my|a|our|this(?! is )|your|new|newest|latest) )+")
#: words that join a name to something else ("hopsin from my latest playlist")
_JOINING = frozenset("from on to by in at with and".split())


def _framed_playlist(draft: Draft, framed: Span | None = None) -> None:
    """"play my piano ballads playlist", "the spain top 50 playlist": the words the grammar
    framed with "playlist" (or ``framed``) are the name, kind words ("ballads"), genres and
    numbers too, when they are a plain name (no joining word such as "from", "on", "by")."""
    framed = framed or draft.match.groups.get("playlist")
    if framed is None:
        return
    a, b = framed
    lead = _FRAME_LEAD.match(draft.norm.text, a, b)
    if lead is not None and not draft.norm.text.endswith(("playlist ", " list "), 0, a):
        a = lead.end()  # "my new playlist", but "the playlist new jack swing" is named whole
    words = draft.norm.text[a:b].split(" ")
    if a >= b or len(words) < 2 or not _JOINING.isdisjoint(words):
        return
    read = draft.spans.get("playlist")
    if read is not None and read[0] <= a and read[1] == b:
        return  # the reading holds the frame and more: "this is guns n roses"
    for slot in _FREE + ("genre", "year"):
        span = draft.spans.get(slot)
        if span is not None and span[0] < b and a < span[1]:
            draft.drop(slot)
    draft.set_text("playlist", a, b)


def _artist_called_mix(draft: Draft) -> None:
    """"play little mix", "some little mix in the kitchen": the word "mix" that framed a
    playlist ends a famous artist's name."""
    framed = draft.match.groups.get("playlist")
    text = draft.norm.text
    if framed is None or not text.startswith(" mix", framed[1]):
        return
    a, b = framed[0], framed[1] + 4
    if text.startswith(("some ", "the "), a):
        a = text.index(" ", a) + 1
    if not draft.parser.catalog_names.famous_artist_said(text[a:b]):
        return
    for slot in _FREE:
        draft.drop(slot)
    if draft.slots.get("kind") == "playlist":
        del draft.slots["kind"]
    draft.set_text("artist", a, b)


def _artist_and_album(draft: Draft) -> None:
    """"stop by pink floyd from the wall": an artist read with "from/off (the album) X"
    after it, where X is an album of that artist, is the artist and the album."""
    span = draft.spans.get("artist")
    if span is None or "album" in draft.spans:
        return
    a, b = span
    m = _FROM_ALBUM.search(draft.norm.text, a, b)
    if m is None or m.start() == a:
        return
    artist, album = draft.norm.text[a : m.start()], draft.norm.text[m.end() : b]
    if draft.parser.catalog_names.album(album, artist) is None:
        return
    draft.set_text("artist", a, m.start())
    draft.set_text("album", m.end(), b)


_FROM_ALBUM = re.compile(r" (?:from|off|off of|on) (?:the album |the record |their album )?")


def _name_beside_artist(draft: Draft) -> None:
    """An album or track read whole with its artist in it, said first or last: "the album
    views drake", "max richter sleep album", "figure it out royal blood song". The catalog
    must pair the two, or the artist be a famous one of two words or more (not opening with
    "the": "a rush of blood to | the head" is one album); the rest is the album or track."""
    kind = draft.slots.get("kind")
    text = draft.norm.text
    if kind is None and "query" in draft.spans and "artist" not in draft.spans:
        # "play the summoning sleep token": a query that ends with a famous artist
        a, b = draft.spans["query"]
        for cut in _spaces_in(text, a, b)[-_ARTIST_WORDS:]:
            title = text[a:cut].split(" ")
            if _DESCRIPTORS.issuperset(title) or not _CHATTER_WORDS.isdisjoint(title) or (
                title[0] in _TITLE_EDGES or title[-1] in _TITLE_EDGES
            ):
                continue  # "i miss my dad he loved | ray charles", "a little | zach bryan"
            if _pairs_with_artist(draft, text[a:cut], text[cut + 1 : b]):
                draft.drop("query")  # (a single is an album too: the title reads as a song)
                draft.set_text("track", a, cut)
                draft.set_text("artist", cut + 1, b)
                return
        return
    if kind not in ("album", "track"):
        return
    title_slot = str(kind)
    if title_slot in draft.spans and "artist" not in draft.spans:
        a, b = draft.spans[title_slot]
        for cut in _spaces_in(text, a, b)[-_ARTIST_WORDS:]:
            if _pairs_with_artist(draft, text[a:cut], text[cut + 1 : b]):
                draft.set_text(title_slot, a, cut)
                draft.set_text("artist", cut + 1, b)
                return
    elif "artist" in draft.spans and title_slot not in draft.spans:
        a, b = draft.spans["artist"]
        if draft.parser.catalog_names.is_artist_said(text[a:b]):
            return
        spaces = _spaces_in(text, a, b)
        for cut in reversed(spaces[:_ARTIST_WORDS]):  # "max richter | sleep album"
            if _pairs_with_artist(draft, text[cut + 1 : b], text[a:cut], paired_only=True):
                # (a possessive's "'s" is no part of the name: "bill evans's | undercurrent")
                draft.set_text("artist", a, cut - 2 if text.endswith("'s", a, cut) else cut)
                draft.set_text(title_slot, cut + 1, b)
                return
        for cut in spaces[-_ARTIST_WORDS:] if kind == "track" else ():
            if _pairs_with_artist(draft, text[a:cut], text[cut + 1 : b]):
                draft.set_text("track", a, cut)  # "figure it out | royal blood song"
                draft.set_text("artist", cut + 1, b)
                return


def _pairs_with_artist(draft: Draft, title: str, artist: str, paired_only: bool = False) -> bool:
    """Whether ``title`` and ``artist`` read as an album or track and its artist: the
    catalog pairs them (an album for an album request or a name the catalog holds as one of
    the artist's albums, else a song), or, unless ``paired_only``, ``artist`` is a famous
    artist of two words or more that opens with no "the"/"a" and ``title`` ends with no
    joining word ("shape of you buy | ed sheeran")."""
    names = draft.parser.catalog_names
    kind = draft.slots.get("kind")
    # an album request pairs by the artist's albums only; a request of no kind by an album
    # of theirs or a song, a track request by a song
    paired = kind in ("album", None) and names.album(title, artist) is not None or (
        kind != "album" and names.paired(title, artist)
    )
    if paired or paired_only:
        return paired
    words = artist.split(" ")
    return len(words) >= 2 and words[0] not in ("the", "a") and title.split(" ")[-1] not in (
        _JOINS_ARTIST
    ) and names.famous_artist_said(artist)


#: words of chatter about the speaker, never in a title read before its artist
_CHATTER_WORDS = frozenset(
    "i i'm im my we our us he she they his her loved loves wants want miss have".split()
)
#: words a title read before its artist neither opens nor ends with
_TITLE_EDGES = frozenset(
    "the a an in on to of by buy for and with little favourite favorite".split()
)
#: words that join a title to its artist, never a title's last word here
_JOINS_ARTIST = frozenset("from by of its it's is".split())


#: the most words of an artist's name said next to an album or track read whole
_ARTIST_WORDS = 4


def _group_span(draft: Draft, slot: str) -> tuple[int, int] | None:
    """Where the match's group for ``slot`` read its text: ``device``, or ``device__r5``
    when a macro used twice in a pattern renamed it (grammar.slot_of), or None."""
    for group, span in draft.match.groups.items():
        if span[1] > span[0] and slot_of(group) == slot:
            return span
    return None


_OWNED_AT_END = re.compile(rf" (?:in|on|at|through|to) (?:the |my )?({OWNED_DEVICE})$")


def _owned_device(draft: Draft, start: int, end: int) -> tuple[int, int, int] | None:
    """(where " on" starts, the device's range) for an owner's room or speaker said last
    ("on emma's speaker", "in jacob's room")."""
    if "'s " not in draft.norm.text:
        return None
    m = _OWNED_AT_END.search(draft.norm.text, start, end)
    return None if m is None else (m.start(), *m.span(1))


_PURPOSE_AFTER = re.compile(r" (?:to|while|for|so|because|cause) \S+(?: \S+){0,5}$")


def _before_purpose(draft: Draft, start: int, end: int) -> int:
    """Where a purpose or a reason said after the room ends the content: "salsa music in
    the kitchen to dance", "some podcast on the kitchen speaker while i am cooking"; else
    ``end``."""
    text = draft.norm.text
    m = _PURPOSE_AFTER.search(text, start, end)
    if m is None:
        return end
    for entity in draft.entities_in(start, m.start(), ("DEVICE",)):
        room_end = start + entity.end
        noun = DEVICE_NOUN_AFTER.match(text, room_end, m.start())
        if (noun.end() if noun else room_end) == m.start() and _DEVICE_PREP.search(
            text, start, start + entity.start
        ):
            return m.start()
    return end


def refine_content(draft: Draft) -> None:
    """Re-read everything after the play verb with :func:`read_content`."""
    verb = draft.match.groups.get("x_prefix") or draft.match.groups.get("x_verb")
    start = 0 if verb is None else verb[1] + 1
    lead = _VERB_LEAD.match(draft.norm.text, start)
    if lead is not None and lead.end() < len(draft.norm.text):
        start = lead.end()  # "i would like | to hear some music": the frame took the verb
    if start > 3 and draft.norm.text.startswith(_ME_TITLE, start) and (
        draft.norm.text.endswith(" me ", 0, start)
    ):
        start -= 3  # "play me and bobby mcgee", "play me too by meghan trainor": a title
    shuffle = draft.spans.get("shuffle")
    end = len(draft.norm.text) if shuffle is None or shuffle[0] < start else shuffle[0]
    if end == len(draft.norm.text) and draft.norm.text.endswith(_AND_PLAY_IT_ENDS):
        asked = _AND_PLAY_IT.search(draft.norm.text, start)
        if asked is not None:
            end = asked.start()
    when = _said_after_at(draft, start, end)
    if when > start:
        end = when  # "some jazz today", "hello by adele tonight" ("in the air tonight" stays)
    owned = _owned_device(draft, start, end)
    if owned is not None:
        end = owned[0]  # "... by olivia rodrigo on emma's speaker": an owner's speaker
    else:
        end = _before_purpose(draft, start, end)  # "salsa in the kitchen | to dance"
    text = draft.norm.text[start:end]
    if not text:
        refine_media(draft)
        return
    content = read_content(text, draft.entities_in(start, end), draft.parser.catalog_names)
    for slot in CONTENT_SLOTS:
        if slot in draft.slots or slot in draft.spans:
            draft.drop(slot)
    for slot, (a, b) in content.spans.items():
        draft.set_text(slot, start + a, start + b)
    if draft.match.pattern.slots.get("kind") == "playlist":
        _framed_playlist(draft)
        _artist_called_mix(draft)
    elif content.kind == "playlist" and "playlist" not in content.spans and text.endswith(
        " playlist"
    ) and not text.startswith(("for ", "to ", "in ", "on ", "from ")):
        # "sad trap playlist olly": the words before "playlist" are its name
        _framed_playlist(draft, (start, end - len(" playlist")))
    _edition(draft)
    _artist_and_album(draft)
    _name_beside_artist(draft)
    if "track" in draft.spans and "artist" in draft.spans:
        _paired_title(draft, verb)
    device = content.spans.get("device")
    if _known_playlist(draft, start, end) or (
        device is not None and _known_playlist(draft, start, start + device[0])
    ):
        return
    device = _group_span(draft, "device") if owned is None else owned[1:]
    if "device" not in content.spans and device is not None and device[0] >= end:
        draft.set_text("device", *device)  # "play X shuffled in the kitchen"
    if "device" not in draft.spans:
        _bare_device_tail(draft)
    if content.kind and "kind" not in draft.match.pattern.slots:
        draft.slots["kind"] = content.kind
    _query_noise(draft)
    if draft.intent == "music.play":
        _named_broadcast(draft)
        _known_media(draft)
        _this_is(draft)
        _artist_playlist(draft)
        _possessive_title(draft)
    _person_query(draft)
    if draft.intent == "music.play":
        _catalog_name(draft)
        _genre_first(draft)
    _media_tail(draft)
    if draft.slots.get("kind") == "track":
        _song_in_title(draft)
    if "artist" in draft.spans:
        _artist_then_chatter(draft)


def _paired_title(draft: Draft, verb: tuple[int, int] | None) -> None:
    """A title the catalog pairs with the artist named, when the words read as the title
    are not one: the request verb's last words open it ("listen to your heart by roxette")
    or a story before it is no part of it ("i keep thinking about the night we met by lord
    huron")."""
    names = draft.parser.catalog_names
    text = draft.norm.text
    a, b = draft.spans["track"]
    track = text[a:b]
    artist = draft.text_of("artist")
    if names.paired(track, artist):
        return
    if verb is not None and a == verb[1] + 1:
        said = text[verb[0] : verb[1]].split(" ")
        for k in range(min(len(said), 2), 0, -1):
            opening = " ".join(said[-k:])
            if names.paired(f"{opening} {track}", artist):
                draft.set_text("track", a - len(opening) - 1, b)
                return
    if names.title(track) is not None:
        return
    for cut in _spaces_in(text, a, b)[:-1]:  # (two words or more are left)
        if names.paired(text[cut + 1 : b], artist):
            draft.set_text("track", cut + 1, b)
            return


def _artist_then_chatter(draft: Draft) -> None:
    """"play hello by adele it is so beautiful", "fight song by rachel platten it gives me
    power": a famous artist's name, then chatter that the artist slot ran on into; the name
    alone is the artist (the chatter starts with a word no name goes on with)."""
    a, b = draft.spans["artist"]
    words = draft.norm.text[a:b].split(" ")
    if len(words) < 3 or not draft.norm.text.endswith((" by ", " from ", " of "), 0, a):
        return  # (not "eminem was better in the two thousands": taste, said of the artist)
    names = draft.parser.catalog_names
    if names.artist(" ".join(words)) is not None:
        return
    for cut in range(min(len(words) - 1, OPENING_ARTIST_WORDS), 0, -1):
        if words[cut] == "i" and cut == len(words) - 2:
            continue  # "chad i ginsburg": an initial
        if words[cut] not in CHATTER_AFTER_ARTIST:
            continue
        name = " ".join(words[:cut])
        if names.famous_artist_said(name):
            draft.set_text("artist", a, a + len(name))
            return


def _song_in_title(draft: Draft) -> None:
    """"play your song by elton john", "play the lazy song", "play fight song": the kind word
    "song" ends a famous title, which the name read before it lost ("your", "lazy"). The
    name becomes the track, "the" before it included when the title holds it; a mood or genre
    or "a" before it stays a description ("play sad song", "play a love song")."""
    text = draft.norm.text
    names = draft.parser.catalog_names
    for slot in ("track", "query", "artist"):
        span = draft.spans.get(slot)
        if span is None:
            continue
        a, b = span
        if not text.startswith(" song", b) or text[b + 5 : b + 6] not in ("", " "):
            continue
        if text.endswith(("a ", "an ", "another ", "any "), 0, a) or any(
            draft.parser.gazetteers.lookup(label, text[a:b]) for label in ("MOOD", "GENRE")
        ):
            return  # "a love song", "sad song": what kind of song
        if text.endswith("the ", 0, a) and names.famous_title(text[a - 4 : b + 5]):
            a -= 4
        elif not names.famous_title(text[a : b + 5]):
            return
        draft.drop(slot)
        draft.set_text("track", a, b + 5)
        return


#: what may follow a genre that opens an artist slot (:func:`_genre_first`)
_GENRE_OF = re.compile(r" (?:of|from|by) (?=\S)")
_GENRE_WORDS = frozenset("vibes vibe beats music songs tunes stuff hits".split())


def _genre_first(draft: Draft) -> None:
    """An artist slot that opens with a listed genre: "some jazz of stan getz", "the blues
    of bb king" are the genre and the artist; "some reggae vibes" is the genre alone."""
    if "artist" not in draft.spans or "genre" in draft.spans:
        return
    a, b = draft.spans["artist"]
    genres = [e for e in draft.entities_in(a, b, ("GENRE",)) if e.start == 0]
    if not genres:
        return
    genre = max(genres, key=lambda e: e.end)
    text = draft.norm.text[a:b]
    rest = text[genre.end :]
    of = _GENRE_OF.match(rest)
    if of is not None:
        draft.set_text("genre", a, a + genre.end)
        draft.set_text("artist", a + genre.end + of.end(), b)
    elif rest and _GENRE_WORDS.issuperset(rest.split()):
        draft.drop("artist")
        draft.set_text("genre", a, a + genre.end)


def refine_lyric(draft: Draft) -> None:
    """A song named by its words: the words are the search, not re-read, except a known
    artist named last ("the one that goes cruel summer from taylor swift")."""
    if "track" not in draft.spans:
        return
    a, b = draft.spans["track"]
    text = draft.norm.text[a:b]
    cut = _known_artist_by(draft, text) or _from_artist(draft, text)
    if cut is not None and 0 < cut[0] and cut[1] < len(text):
        draft.set_text("artist", a + cut[1], b)
        draft.set_text("track", a, a + cut[0])


#: where a new clause starts after a device's name ("to my phone i'm leaving")
_AFTER_DEVICE = re.compile(
    r" (?:i|i'm|im|i am|we|we're|we are|because|cause|cuz|so|as|since|and|then|now|please|"
    r"thanks|thank you)(?= |$)"
)


def refine_device(draft: Draft) -> None:
    """"send the podcast to my phone i'm leaving": a device named as free text ends where a
    new clause starts, when what is left still names a room or device the lists know."""
    if "device" not in draft.spans:
        return
    a, b = draft.spans["device"]
    m = _AFTER_DEVICE.search(draft.norm.text, a, b)
    if m is None or m.start() <= a:
        return
    if draft.entities_in(a, m.start(), ("DEVICE",)):
        draft.set_text("device", a, m.start())


def refine_choice(draft: Draft) -> None:
    """"the one from adele", "the one of adele": an answer naming an artist the catalog knows
    is the artist, not free text ("the one from the live album" stays text)."""
    span = draft.spans.get("text")
    if span is None or not draft.norm.text.endswith((" from ", " of "), 0, span[0]):
        return  # "the live version": no band called live
    if draft.parser.catalog_names.type_of(draft.norm.text[span[0] : span[1]]) == "artist":
        draft.drop("text")
        draft.set_text("artist", *span)


REFINERS: dict[str, Callable[[Draft], None]] = {
    "choice": refine_choice,
    "content": refine_content,
    "device": refine_device,
    "lyric": refine_lyric,
    "media": refine_media,
    "playlist": refine_playlist,
    "queue": refine_queue,
}
