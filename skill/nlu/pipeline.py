"""The intent pipeline: normalise -> grammar match -> typed slots -> refinement -> Intent.

Build it once (``Parser.default()`` reads ``grammars/`` and ``data/entities/`` of the
repository) and call :meth:`Parser.parse` per utterance. Parsing is pure CPU, allocation-light
and thread-safe. The spaCy entity matcher is built on the first utterance that needs it (or by
:meth:`Parser.warm`), so a plain "pause" never imports spaCy.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.errors import InvalidRequest
from skill.nlu import slots as convert
from skill.nlu.catalog_names import TITLE_WORDS, CatalogNames, catalog_names
from skill.nlu.content import (
    CONTENT_SLOTS,
    DEVICE_NOUN,
    DEVICE_NOUN_AFTER,
    OWNED_DEVICE,
    ROOM_ADVERBS,
    text_words,
)
from skill.nlu.entities import Entity, EntityMatcher, Gazetteers
from skill.nlu.grammar import Grammar, Match, slot_of, trie_regex
from skill.nlu.models import BOOL_SLOTS, DECLINED, INT_SLOTS, INTENT_SLOTS, Intent, SlotValue
from skill.nlu.normalize import Normalized, Normalizer
from skill.nlu.numbers import NumberWords
from skill.nlu.regexcache import RegexCache
from skill.nlu.titles import MEDIA_KINDS, NOT_A_TITLE_START, MediaTitles
from skill.nlu.verbless import (
    MEDIA_CUES,
    NAMED_CONTENT,
    QUEUE_TAIL,
    TYPED_CONTENT,
    VERBS,
    artist_and_title,
    named_without_verb,
    names_content,
    plays_named,
    read_verbless,
    show_opens,
)
from skill.nlu.wanted import (
    SHOW_MAX_WORDS,
    longest_show,
    name_wanted,
    show_played,
    words_range,
)
from skill.nlu.yamlio import load_yaml

#: utterances longer than this are refused with InvalidRequest (a spoken command is < 200)
MAX_CHARS = 500
#: a joining word and a command after it: "... and play", "... then skip this"
#: a wish said in the first person ("i need", "we'd love"): a request after chatter
_I_WISH = r"(?:i|we)(?: need| want| would like|'d like| would love|'d love)"
_CLAUSE_JOIN = re.compile(
    r"(?<=\S) (?:(?:and|then|so|and then|and also|but) (?P<command>(?:play|put on|start|skip|pause|"
    r"freeze|resume|go on with|hold on with|turn (?:it |the music |the volume |the sound )?"
    r"(?:up|down)|shuffle|repeat|"
    r"queue|add this|mute|unmute|next|stop the (?:music|song|radio|podcast)|" + _I_WISH
    + r" (?:some|my (?:favou?rites?|liked|loved|saved)|to hear|to listen to"
    r"|a little|a bit of)|can (?:i|we) (?:have|get) some)\b)"
    r"|(?P<command__2>(?:let'?s|lets) (?:have|hear"
    r"|play|put on|listen to)\b|go (?:back |forward |ahead )?\d|(?:play|put on|put) (?:some|me some"
    r"|us some|something|me something|anything|a bit of|a little)\b))"
)
#: requests whose parse loads what :meth:`Parser.prime` loads ahead of the first command
_PRIMING = (
    "play hello please by adele",
    "play the album thriller by michael jackson",
    "put on bbc radio two in the kitchen",
    "queue don't stop me now",
    "the alchemist audiobook by paulo coelho",
    "i keep thinking about the night we met by lord huron",
)
#: "let's play" said last with nothing after it
_LETS_PLAY = re.compile(r"(?:let'?s|lets) play(?: now| please)?")
#: where a command may start after chatter said first, with no joining word ("these ads are
#: so long skip ahead thirty seconds", "i'm done with this song go to the next")
_TAIL_COMMAND = re.compile(
    r" (?=(?:skip|pause|halt|stop (?:the|this|it|playing|music)|resume|continue|rewind|fast forward"
    r"|go (?:back|forward|ahead|on with|to the next|to the following"
    r"|to the previous)|give (?:me|other|another)|get (?:me|us) (?!(?:a|an)\b)|play|put on"
    r"|put (?:some|the|this|on)"
    r"|start (?:again|over|from|the music|the song|it again)|transfer"
    r"|turn (?:it |the music |the volume |the sound )?(?:up|down)|louder|quieter"
    r"|make it (?:up|down|louder|quieter|lower|higher|softer)"
    r"|mute|unmute|shuffle|repeat|more volume|less volume|add (?:this|it)|save (?:this|it)"
    r"|(?:mark|remember|keep) (?:it|this|that)|(?:can you |could you )?hold (?:the|this|it)"
    r"|queue|(?:move|take|send|bring) (?:the|it|this|my)|move on|forward|back (?=\d)"
    # "this tune is catchy who made it"
    r"|who (?:made|sings|sang|is singing|performs) (?:it|this|that)(?: one| song)?$"
    # "i want to dance put electronic", "dinner with friends tonight put jazz playlist"
    # (and "traffic is terrible put classic fm so i calm down": a station put on)
    r"|put (?!(?:it|in|on|back|this|that|them|me|us|her|him|to|into|onto|up|down|off)\b)"
    r"(?=\S+(?: (?:playlist|music|songs|please))?$|\S+(?: \S+)? (?:fm|radio)\b)"
    r"|turn (?:the )?radio on\b"
    # "... but put umbrella next"
    r"|put (?!(?:something|anything|another|some other)\b)(?=\S+(?: \S+){0,6} (?:up )?next$)"
    r"|change (?:the |this )?(?:song|track|music)"
    r"|" + _I_WISH + r" (?:my|our|some|the|a|to hear)"
    r"|can (?:i|we) (?:have|get))\b"
    r"|(?:next|skip)(?: (?:one|song|track|please))?$"  # "boring next", "nope next please"
    # "i can't sleep read dune to me", "long drive ahead continue reading the hobbit"
    r"|read (?:me|us|to me|to us) \S|read \S+(?: \S+){0,5} (?:to|for) (?:me|us)$"
    r"|(?:continue|keep|keep on|go on|carry on|start) reading \S)"
)
#: an item named by its kind word ("the song halo"), not pointed at ("this song is boring")
_NAMES_ITEM = re.compile(r"\b(?:the|a|that) (?:song|track|tune|album|record|single) (?!is\b)\w")
#: commands that control what plays, said after a story (:meth:`Parser._control_after_clause`)
_CONTROL_WORDS = (
    "hold on with", "go on with", "pause", "freeze", "resume", "skip", "next", "mute", "unmute",
    "turn", "stop the", "shuffle", "repeat",
)
_CONTROLS = frozenset(
    "music.pause music.resume music.next music.previous music.volume music.seek music.shuffle"
    " music.repeat".split()
)
#: a book or show said to be half heard ("i was in the middle of pride and prejudice")
_MIDDLE_OF = re.compile(
    r"(?:i was|we were|i am|i'm|im) (?:in the middle of|halfway through|half way through"
    r"|almost done with|nearly done with|not done with|not finished with) "
)
#: a wait said first, then a story ("hold on i got a call"): :meth:`Parser._held`
_HELD_STORY = re.compile(
    r"(?:(?:hey |ok |okay )?(?:olly|ollie),? )?(?:hold on|hang on)(?: a (?:sec|second|minute))?"
    r"[,.!]? (?:i|i've|i'm|im|we|we've|we're|someone|somebody|there's|the (?:phone|door|doorbell"
    r"|baby|kids?))\b"
)
#: names a mood said beside only describes (the data's convention): :meth:`Parser._finish`
_DESCRIBED_NAMES = frozenset(("year", "genre", "artist"))
#: the most spaces of what is read after "so" (:meth:`Parser._named_after_so`)
_NAMED_AFTER_SO_SPACES = 4
#: where chatter may start after a whole command ("rewind twenty seconds i missed what he said")
_CHATTER_AFTER = re.compile(
    r" (?=(?:i|i'm|im|i've|it's|its|it is|we|we're|he|she|they|my|this is|that's|there's"
    r"|there is|these|those|someone|somebody|(?:the|this) [a-z]+ (?:is|are|was|were|rang|rings))\b)"
)
#: an assistant's name said after chatter ("i'm bored olly podcast about history"); the
#: normaliser drops it only at the start; names that are everyday words (google) are left
_INNER_WAKE = re.compile(r" (?:olly|ollie|alexa|siri|mycroft|bixby|cortana),? (?=\S)")
#: a command said not to be done opens so (none.yaml reads it; a famous title wins)
_NEGATED = ("don't ", "dont ", "do not ", "never ")
#: a negation: the words before it ask for nothing ("tonight no music olly ...")
_NO_MORE = re.compile(r"\b(?:no|not|don't|dont|never|stop)\b")
#: intents whose rules may read a word of a song title said with its artist and no verb
_TITLE_WORD_INTENTS = frozenset(("none", "music.like", "music.unlike", "music.volume"))
#: words of wanting before a famous title (:meth:`Parser._title_asked`)
_WANT_LEAD = re.compile(
    r"(?:(?:can|could|may) (?:i|we|you) (?:get|have|give me)|how about|what about|i need|we need"
    r"|i want|we want|i'd like|i would like|give me|maybe|i'd love|i would love|listening to)"
    r"(?P<kind>(?: (?:some|a bit of|a little|the|that))?(?: (?:song|track|tune))?) "
)
#: someone else wanting something (:meth:`Parser._for_someone`)
#: someone else, said first ("my little sister", "the kids", "grandma")
_SOMEONE = (
    r"(?:(?:my|the|our|his|her) (?:[a-z]+ )?[a-z]+|grandma|grandpa|granny|mom|mum|dad|mommy"
    r"|daddy)"
)
#: a habit said before the thing the verb said last points back at ("every day after lunch
#: i listen to lbc radio so put that on")
_HABIT_LEAD = re.compile(
    r"(?:.+ )?(?:i|we) (?:usually |always |often |normally |sometimes )?listen(?: to)? (?=\S)"
)
_SOMEONE_WANTS = re.compile(
    _SOMEONE + r" (?:wants?|would like|would love|asks? for|is asking for"
    r"|are asking for|keeps? asking for|needs?|likes? to hear|loves? to hear)"
    r"(?: to (?:hear|listen to|listen))? "
)
#: someone's taste or tip, said before a request pointing back at it ("my mother loves celine
#: dion could you put her", "my cousin told me about la roux can i hear them")
_SOMEONE_LIKES = re.compile(
    _SOMEONE + r" (?:loves?|likes?|adores?|really likes"
    r"|(?:is|are) (?:a |such a )?(?:big |huge )?fans? of|told me about|recommended|showed me) "
)
#: a kind word alone before it ("the song blinding lights")
_KIND_LEAD = re.compile(r"(?:the |this |that )?(?:song|track|tune) ")
#: and after it
_WANT_AFTER = re.compile(
    r" (?:i need it|i want it|is what i need|is what i want|is what we need"
    r"|is the one (?:i|we) (?:want|need)(?: now| right now)?|would make my day"
    r"|would be (?:nice|great))$"
)
#: what may follow a famous title said alone (:meth:`Parser._famous_lead`)
_TITLE_TAILS = frozenset(
    ("", "next", "please", "now", "olly", "after this", "after this one", "next please",
     "after this song", "after the current one")
)
_SHOW_KIND_WORDS = frozenset(("podcast", "audiobook", "book"))
#: lists of words that describe a podcast or book, or name an app, rather than name it
_NOT_SHOW_NAMES = ("GENRE", "MOOD", "DECADE", "SERVICE")
#: words no podcast or book name holds, where :meth:`Parser._show_named` stops reading back
_SHOW_STOP = frozenset(
    """so some that this my your our his her wants want wanted start started lets let's olly
    now i me to put play playing listen hear hearing for have get need maybe please is are
    was am can can't cant sleep could would you it a an any of about like left named called
    current favourite favorite recent best most over make read rewind episode new newest
    latest last next previous first good nice great another other different random funny
    interesting short long whole same usual old daily weekly kids kid children children's
    childrens bedtime family resume continue restart finish finished finishing on""".split()
)
#: things of other apps that music may be asked for ("an alarm ... with some rock music")
_ALARM_WORDS = re.compile(
    r"\b(?:alarms?|timers?|reminders?|ringtones?|ring tone|wake up call|doorbell)\b"
)
#: parts of a text the chatter split tries, each way (the work stays bounded)
CHATTER_TRIES = 3
#: texts this long or longer are no command beside chatter (and skip the part parses)
CHATTER_MAX_WORDS = 24
#: a name alone is read as an artist only when the artist is at least this popular
BARE_ARTIST_POPULARITY = 60
#: a correction said on the way, in the original text (fillers such as "um" are gone from
#: the normalised one): "no wait", "actually no make it", "uh i mean"
_CORRECTION = re.compile(
    r"(?:,? (?:(?:um|uh|er|erm) )?(?:no,? wait|wait,? no|actually,? no|no,? actually|no,? sorry"
    r"|sorry,? no|no no|(?:um|uh|er|erm),? no|(?:um|uh|er|erm),? i mean|(?:no|sorry),? i mean"
    r"|i mean|or rather|scratch that|no,? make (?:it|that)|actually,? make (?:it|that)|make that)"
    r"[,.!]? )(?:(?:make (?:it|that)|play|put on|instead) )?"
)
#: normalised words one of the markers above leaves (a cheap test before the regex)
_CORRECTION_WORDS = frozenset(("no", "mean", "rather", "scratch", "make"))
#: what a re-read part of the text must ask for to answer (a correction, the verb said last)
_PLAY_OR_QUEUE = frozenset(("music.play", "music.queue"))
_QUEUE_FIRST = re.compile(r"(?:\S+ ){0,3}?(?:queue|add)\b")
#: the verb said last, pointing back at the thing named first ("... play that")
_VERB_LAST = re.compile(
    r"(?P<item>.+?),? (?:(?:so |and |(?<!right )now |just )?(?:can you |could you |would you "
    r"|please )?)"
    r"(?:(?P<verb>play|put on|put|start|queue|queue up|throw on|throw|read)"
    r" (?:it|that|this|them|those|her|him)(?: on)?(?: for me| to me| to us| now| please| next)?"
    r"|(?P<ask>(?:can|could|may) (?:i|we) (?:hear|listen to)"
    r"(?: (?:it|that|this|them|those|her|him))?(?: now| please)?)"
    r"|(?:make it|let it) (?:play|run)(?: now| please)?"
    r"|(?:let'?s|lets|let us) (?:have|hear|play) (?:it|that|this)(?: now| please)?"
    r"|(?P<bare>play)|(?P<on>(?:switch |turn )?on)"
    # "podcast the daily put", "the book pride and prejudice you read for me", "radio virgin
    # olly start", "the podcast stuff you should know i want hear now"
    r"|(?:you )?(?P<bare__2>put on|put|start|open|continue|tune|read)(?: for me| for us| it| now)?"
    r"|(?<!\bwhat )(?<! the one )"
    r"(?P<want>i (?:want|wanna)(?: to)?(?: hear| listen| listen to)?(?: it| now)?))"
)
#: words naming the user's liked songs ("my liked songs put")
_LIKED_WORDS = frozenset("liked favourites favorites".split())
#: a search said before the thing, the verb pointing back at it last ("find creep radiohead
#: and put it on")
_SEARCH_LEAD = re.compile(r"(?:find|search for|look for|look up)(?: me| us)? (?=\S+ \S)")
#: a station asked about, then wanted ("what's on kiss fm right now i want to hear it")
_WHATS_ON = re.compile(r"(?:what'?s|whats|what is) (?:on|playing on) (?=\S)")
#: a verb alone after the assistant's name ("podcast of call her daddy olly you play")
_VERB_ONLY = re.compile(r"(?:you |please )?(?:play|put|put on|start|open|continue|read|tune)"
                        r"(?: (?:it|her|him|them|that|on|for me|now|please))*")
#: a bare verb said last, after a thing named without one (:meth:`Parser._verb_last`)
_BARE_VERB_ENDS = (" play", " put", " start", " put on", " listen", " hear")
_VERB_LAST_ENDS = (
    " it", " that", " this", " them", " those", " on", " me", " now", " next", " play", " please",
    " put", " start", " open", " continue", " tune", " read", " want", " wanna", " hear", " listen",
    " us", " her", " him", " run",
)
#: a room named for a person at the end of a command ("... in jacob's room")
_NAMED_ROOM = re.compile(
    r" (?:in|on|at|to|into|through) (?:the )?(?P<room>[a-z]+'s (?:room|bedroom|office|study))$"
)
#: a second request joined with "and" that may be of another domain ("and turn off the lights")
_AND_OTHER_REQUEST = re.compile(
    r" and (?:then |also )?(?P<other>(?:turn|switch|set|open|close|lock|unlock|dim|remind|text"
    r"|tell|start|stop|order) )"
)
#: a request verb at the start: a famous title after it may hold an out-of-domain word
_REQUEST_VERB = re.compile(
    r"(?:(?:can|could|would|will) you |i want to |i'd like to |let's )?"
    r"(?:play|put on|put|queue up|queue|throw on|line up) "
)
#: what may follow such a title: "on", "now"/"next", a room ("put sweater weather on in
#: the kitchen")
_AFTER_TITLE = re.compile(r"(?: on)?(?: now| next)?(?: (?:in|on|at) (?:the |my )?[a-z' ]+)?")
#: words a title found under an out-of-domain rule may not start with ("play this game")
_NOT_TITLE_START = frozenset(
    "this that these those it more some a an my your our".split()
)
_POINTS_BACK = re.compile(r"(?:play|put on|resume|start)(?: me| us)? (?:it|them|that|this|one)\b")
#: the verb alone last ("... find some podcast and play"): it points back when a kind is named
_BARE_PLAY_LAST = re.compile(r"(?:play|put it on|start)(?: now| please)?$")
#: an owner's room or speaker in a volume command ("in emma's room", "on jacob's speaker")
_OWNERS_ROOM = re.compile(rf"\b(?:in|on) ({OWNED_DEVICE})\b")
#: words a room is said after in a volume command, with no "the": "in kitchen", "volume bedroom"
_ROOM_SAID_AFTER = (" the ", " my ", " in ", " on ", " volume ")
#: what a "put X" said after chatter must name to be asked for ("... put electronic")
_GENRE_OR_LIST = frozenset(("genre", "playlist"))
#: someone on a call, said before "phone": "i'm on the phone with my boss so mute it"
_ON_A_CALL = re.compile(r"\b(?:i'?m|i am|we'?re|we are|he'?s|she'?s|is|are|was|were) on the $")
#: patterns below this priority catch a media word anywhere ("{any} podcast {any}"); a
#: command after a joining word ("... so play some jazz") is read before them
CATCH_ALL_PRIORITY = 20
#: confidence of ``none`` when no pattern matched at all
NO_MATCH_CONFIDENCE = 0.6
#: the intents that name content to play or add
_MUSIC_REQUESTS = frozenset(("music.play", "music.queue", "playlist.add"))
#: intents a famous title asked for with a request verb wins over (a word of the title read
#: as out of domain, a volume or a transport command)
_TITLE_OVER = frozenset(
    ("none", "music.volume", "music.next", "music.previous", "music.pause", "music.seek",
     "playlist.add")  # "put rolling in the deep": no playlist "the deep"
)
#: the slots _draft converts from the matched text; every other slot takes the original text
_CONVERTED_SLOTS = frozenset(
    ("kind_word", "level", "delta", "delta_ms", "position_ms", "index", "shuffle")
)
#: the slots `refine: content` drops and reads again (media.refine_content)
_REREAD_SLOTS = frozenset(CONTENT_SLOTS)
#: the slots _finish converts to a bool or an int
_TYPED_SLOTS = BOOL_SLOTS | INT_SLOTS
#: ``Entity(*fields)`` without the keyword handling of the generated ``__new__`` (hot path)
_new_entity: Any = tuple.__new__


_SLOT_OF: dict[str, str] = {}


def _slot_of(group: str) -> str:
    """:func:`~skill.nlu.grammar.slot_of`, remembered per group name (a few hundred)."""
    slot = _SLOT_OF.get(group)
    if slot is None:
        slot = _SLOT_OF[group] = slot_of(group)
    return slot


def repo_root() -> Path:
    """The repository root: ``grammars/`` and ``data/entities/`` live there."""
    import skill

    return Path(skill.__file__).resolve().parents[1]


@dataclass
class Draft:
    """The intent under construction, handed to refinement steps."""

    intent: str
    slots: dict[str, SlotValue]
    #: slot -> (start, end) in the NORMALISED text
    spans: dict[str, tuple[int, int]]
    norm: Normalized
    match: Match
    parser: Parser
    confidence: float
    #: character ranges of famous names holding a media word (titles.MediaTitles.spans)
    titled: tuple[tuple[int, int], ...] = ()
    _entities: list[Entity] | None = None

    def text_of(self, slot: str) -> str:
        """The normalised text a slot was read from."""
        a, b = self.spans[slot]
        return self.norm.text[a:b]

    def set_text(self, slot: str, start: int, end: int) -> None:
        """Set a string slot from a range of the normalised text (value from the original)."""
        if end <= start:
            self.drop(slot)
            return
        self.spans[slot] = (start, end)
        self.slots[slot] = self.norm.original_slice(start, end)

    def drop(self, slot: str) -> None:
        self.slots.pop(slot, None)
        self.spans.pop(slot, None)

    def entities_in(
        self, start: int, end: int, labels: Iterable[str] | None = None
    ) -> list[Entity]:
        """Gazetteer entities lying inside ``[start, end)`` of the normalised text, with
        offsets relative to ``start``. The spaCy matcher runs once per utterance."""
        if self._entities is None:
            found = self.parser.entities.find(self.norm.text)
            if self.titled:
                # "love story by taylor swift": "story" is part of the title, not a kind
                found = [
                    e for e in found
                    if not (e.label == "KIND" and e.value in MEDIA_KINDS and any(
                        a <= e.start and e.end <= b for a, b in self.titled
                    ))
                ]
            self._entities = found
        wanted = None if labels is None else frozenset(labels)
        return [
            _new_entity(Entity, (label, a - start, b - start, text, value))
            for label, a, b, text, value in self._entities
            if start <= a and b <= end and (wanted is None or label in wanted)
        ]


Refiner = Callable[[Draft], None]


def normalizer_from(entities: Path) -> Normalizer:
    """The normaliser of the filler and number tables of a gazetteer directory
    (``fillers.yaml``, ``numbers.yaml``)."""
    fillers: Any = load_yaml((entities / "fillers.yaml").read_text(encoding="utf-8"))
    numbers: Any = load_yaml((entities / "numbers.yaml").read_text(encoding="utf-8"))
    return Normalizer(
        numbers=NumberWords.from_mapping(numbers),
        wake=fillers.get("wake", ()),
        leading=fillers.get("leading", ()),
        trailing=fillers.get("trailing", ()),
        anywhere=fillers.get("anywhere", ()),
        spelling=fillers.get("spelling") or {},
    )


def _refiners() -> dict[str, Refiner]:
    from skill.nlu.media import REFINERS

    return dict(REFINERS)


#: how deep the pre-passes may parse parts of parts ("... so i can relax" inside a verbless
#: text inside a correction): a bound, so no chain of pre-passes can loop
MAX_NESTED_PARSES = 3
_NESTED = threading.local()
#: a request asked as a question or a wish
_WRAPPED = re.compile(
    r"is there (?:any|an?|some) (?:chance (?:to|of|that (?:i|we) (?:could|can)|(?:i|we) "
    r"(?:could|can)) (?:hear|hearing|listen to|listening to|play|playing) (?P<item__2>.+)"
    r"|(?P<item>.+?) (?:you can|you could|i can|i could|we can|to) (?:put on|play|hear|listen to"
    r"|put)"
    r"(?: for (?:me|us))?(?: please| now| right now)?)"
    r"|i wish (?:i|we|you) could (?:hear|listen to|play) (?P<item__3>.+?)(?: right now| now)?"
    r"|is there (?:a|any) way (?:i|we|you) (?:can|could) (?:hear|listen to|play|put on|get)"
    r" (?P<item__4>.+?)(?: right now| now| please)?"
    r"|(?:is there|do you have) (?P<item__5>.+?) (?:(?:i|we) (?:want|would like|wanna|need|like)"
    r"(?: to)?(?: (?:hear|listen(?: to)?)(?: (?:it|that|them|one))?| (?:it|that|them|one))"
    r"|(?:(?:can|could) you |please )?(?:start|play|put on|put|turn on) it)"
    r"(?: on| now| please| right now)*"
    r"|is there (?:any|an?|some) chance (?:that )?you (?:could|can) (?:play|put on)"
    r" (?P<item__6>.+?)(?: for (?:me|us))?(?: please| now| right now)?"
    r"|is it possible (?:to |that (?:i|we) (?:can |could ))?(?:hear|listen to|listen|play|put on)"
    r" (?P<item__7>.+?)(?: for (?:me|us))?(?: please| now| right now)?"
    r"|is there (?:any|an?|some) chance (?:that )?you (?:have|got) (?P<had>.+?)(?: please)?"
)
_WRAPPED_ITEMS = ("item", "item__2", "item__3", "item__4", "item__5", "item__6", "item__7", "had")
#: a book or podcast said last with its name after its kind word (:meth:`Parser._show_last`)
_SHOW_LAST = re.compile(
    r"(?:^|(?<=\S ))(?:the (?:audiobook|audio book|podcast)(?: of| called| named)?"
    r"|an? (?:audiobook|audio book|podcast) (?:of|called|named)"
    r"|(?:audiobook|audio book|podcast)(?= the ))"
    r"(?= (?!(?:is|are|was|were|would|will|can|could|should|for|with|to|follow|that|which|who"
    r"|please|now|again|from|where|about|on|in|i|it|so|and|but)\b)\S+(?: \S+){0,5}$)"
)
#: music asked for by "get ... going" (:meth:`Parser._get_going`)
_GET_GOING = re.compile(
    r"\bget (?:some |a little |a bit of |me some |us some )(?P<item>.+?) going(?: on)?"
    r"(?P<room> (?:in|on) .+)?(?: please| now)?$"
)
#: a two-word song title this popular said alone is the song, though a word of it is a home or
#: weather word ("blinding lights", "sweater weather"; not "traffic lights", "wake up")
BARE_HIT_POPULARITY = 75
#: how long a text must be (spaces) before a story after its request is looked for
CHATTER_TAIL_WORDS = 8
#: the fewest spaces of a text no grammar read (or an out-of-domain rule read) in which a
#: command and a story after it are looked for ("atomic habits audiobook | i am on the train")
STORY_AFTER_WORDS = 6
#: the intents of rules that read a word anywhere, which may be a word of a story said after
#: a whole command (:meth:`Parser._command_then_story`)
_STORY_READERS = frozenset(
    ("music.like", "music.unlike", "music.volume", "playlist.add", "playlist.add_current")
)
#: where what the music is for starts (:meth:`Parser._before_purpose`)
_PURPOSE_START = re.compile(
    r"(?<=\S) (?:to (?:help (?:me |us )?)?(?:cry|sleep|fall asleep|relax|wake (?:me |us )?up"
    r"|wake up|dance|study|work out|workout|cook|clean|drive|run|chill|focus|read|party|celebrate"
    r"|meditate|unwind|calm (?:me |us )?down|get (?:me |us )?(?:going|pumped|moving|ready))\b"
    r"|for (?:a |the |my |our |this )?"
    r"(?:lonely |long |late |quiet |rainy |lazy |cozy |sunday |friday |sunny |cold |hot |summer )?"
    r"(?:night|evening|morning|day|afternoon|weekend|party|dinner|workout|run|drive|trip|sleep"
    r"|kids|grandma|grandpa|mom|mum|dad|me|us|yoga|studying|bed)\b)"
)
#: the most words of what the music is for, and words that make it a statement
_PURPOSE_WORDS = 8
_STATING = frozenset("is are was were isn't aren't makes make made helps help works".split())
#: "do" asked of a name (:meth:`Parser._do_asked`)
_DO_ASKED = re.compile(r"(?:(?:can|could|would|will) (?:you|u) |please )?do (?!you\b|it\b|that\b)")
#: verbs that add a song to a playlist (:meth:`Parser._song_added`)
_ADD_VERBS = ("add ", "put ", "save ", "include ")
#: a playlist said as one
_LIST_SAID = re.compile(r"\b(?:playlist|play list|list)\b")
#: the most words of a title a story cut is checked against
_LONG_TITLE = 10
#: the slots a story may run on into
_NAME_SLOTS = frozenset(("query", "track", "artist", "album", "playlist", "genre"))
#: where a story about a request may start after it (:meth:`Parser._before_chatter`)
_STORY_STARTS = re.compile(
    r"(?<! my)(?<! the)(?<! a)(?<! an)(?<! to)(?<! in)(?<! on)(?<! of)(?<! for)(?<! by)"
    r" (?P<join>please |when |while |and |so |but |as |before |after )?"
    r"(?:(?:i|we) (?:heard|think|thought|want to (?:learn|know|hear (?:him|her|them))"
    r"|didn't|don't|usually|just|finished|fell|had|have|am|was|were|will|bought|started|need to"
    r"|got|go|came|can't|love the|like the|always)"
    r"|(?:i'll|ill) (?:continue|listen|finish|be|do|call|go|come|watch|read|try)\b"
    r"|my (?!this |that )[a-z]+(?: [a-z]+){0,2} (?:is|are|was|were|has|have|wants|likes|loves"
    r"|says|said|told|will|can't|and me|comes|came)"
    r"|it (?:is|was|has|will|makes|helps|reminds)|it's"
    r"|the (?:kids|children|girls|boys|baby|guests) (?:are|want|is|were|will)"
    # "fast forward thirty seconds | this podcast intro is long"
    r"|(?:this|the)(?= (?:podcast|song|episode|book|audiobook|show|intro|ad|ads)(?: [a-z]+)?"
    r" (?:is|are)\b)"
    r"|(?:he|she|they) (?:is|are|was|were|likes|like|loves|love|wants|want|says|said|will|only)"
    r"|because|until i|not the other|but (?:let|wait|first|keep|don't|do not))\b"
)
#: a reason said after a command ("... so i can relax", "... while i cook", "... for the drive")
_REASON = re.compile(
    r" (?:so(?: that)? (?:i|we|you|it|everyone)|because|cause|cuz|since (?:i|we|it)"
    r"|while (?:i|we|you)(?:'m|'re)?|as (?:i|we)(?:'m|'re)?"
    r"|for (?:the|my|our|a) (?:drive|ride|road trip|trip|party"
    r"|workout|run|walk|commute|dinner|morning|night|evening|weekend|kids|baby)|for (?:dinner"
    r"|lunch|breakfast|cleaning|cooking|studying|sleeping|working|running|work|school|sleep|bed"
    r"|bedtime)"
    r"|i'?m going (?:to|out)|i am going (?:to|out)|i have a (?:long|call|meeting)"
    r"|i need to (?:concentrate|focus|sleep|work|study)"
    r"|my \S+ (?:is|are) (?:sleeping|asleep|working|coming|here|over|visiting|arriving)"
    r"|(?:friends|guests|people|the kids) are (?:coming|here|over|arriving)"
    r"|i (?:have|got|'ve got|ve got) (?:a |an )?(?:phone call|call|visitor|meeting|guests)"
    r"|i (?:have|got|need) to (?:answer|take|pick up|go out|leave)"
    r"|(?:someone|somebody|there is someone|there's someone) (?:is )?(?:at the door|knocking"
    r"|calling)|the (?:phone|doorbell) is ringing"
    r"|(?:i'?m|i am) (?:cooking|doing the|cleaning|studying|working|on the phone|back)"
    r"|(?:i'?m|i am|we'?re|we are) (?:just |still )?[a-z]+ing"
    r"|i had a (?:long|hard|bad|tough) day|i (?:feel|am feeling|'m feeling) (?:sad|tired|down)"
    r"|i (?:can't|cant|cannot) sleep|i want to (?:relax|dance|sleep|chill)"
    r"|i need (?:some )?(?:motivation|energy)|for (?:me|us) to (?:relax|sleep|chill|dance|study"
    r"|focus|work|calm down)"
    r"|for a (?:bit|moment|minute|second|while)|for the (?:traffic|news))(?= |$)"
    r"|for (?:my|our|the) \S+'s (?:birthday|party|wedding)(?= |$)"
    r"|(?: to| for) (?:my|the|our) (?:kid|kids|son|daughter|children|child|baby|boy|girl|wife"
    r"|mother|father|mom|mum|dad|grandma|grandpa|grandmother|grandfather|parents|friends|guest"
    r"|husband|family|little one|guests)$"
)
#: words a station's name said before "radio" does not hold ("turn on npr radio")
_STATION_STOP = frozenset(
    """on play put start turn switch hear listen to the a my some and i want please olly
    from of in set make get have like love is it any for go edit mix version song fine
    station with little bit more maybe""".split()
)
#: words between the radio word and the station's name ("make the radio go to X")
_STATION_LINK = frozenset(
    """go to play switch tune on the station channel show programme program called named
    maybe""".split()
)
#: a room or device said last ("... in the kitchen", "... on the tv"), group 1 the name
_ROOM_END = re.compile(
    rf" (?:on|in|at|(?:to|for)(?= the | my )) (?:the |my )?"
    rf"((?P<room>[a-z]+(?: [a-z]+)??)(?: {DEVICE_NOUN})?)$"
)
#: the commands a reason may follow (a playlist name may hold "for the road trip")
_REASON_HEADS = frozenset(
    """music.play music.queue music.volume music.pause music.resume music.next
    music.previous music.seek music.shuffle music.repeat music.like music.unlike
    music.now_playing""".split()
)
#: what a command found beside chatter may ask for (an answer to a question needs one asked)
_CHATTER_HEADS = _REASON_HEADS | {"music.transfer", "playlist.add_current", "playlist.add"}
#: words after which a room word said last is no bare room (:meth:`Parser._bare_room_last`)
_BEFORE_NO_ROOM = tuple(
    f" {w} " for w in "in on at the my our to for and with of from by into".split()
)
#: "... loud": how loud a request is said to be (:meth:`Parser._content_said_loud`)
_LOUD_END = (" loud", " loudly")
#: what :meth:`Parser._described` reads: a description of the music wanted
_DESCRIPTIONS = ("MOOD", "GENRE", "DECADE")
_MUSIC_NOUN_AFTER = re.compile(r" (?:music|songs|tunes|vibes|beats|hits)\b")
#: "music for studying", "songs to sleep", "music for my workout": a mood said after these
#: (at the end of the text) is the query
_MUSIC_FOR = re.compile(r"(?:music|songs|something) (?:for|to) (?:my |the |a )?$")
#: asking to go on with a book or podcast, said last (:meth:`Parser._show_resumed`)
_RESUMING = re.compile(
    r" (?:(?:can|could) we |let'?s |please |so )?(?:go on|carry on|continue|keep going"
    r"|resume|put it (?:back )?on(?: again)?|put it back|start it again)(?: (?:with it|from there"
    r"|where (?:i|we) (?:was|were|stopped|left off)|please|now|again))*$"
)
#: what a book or podcast resumed after a story may be (:meth:`Parser._show_resumed`)
_RESUMED_KINDS = {"AUDIOBOOK": "audiobook", "PODCAST": "podcast"}
#: which one is meant, said after a name (:meth:`Parser._clarified`)
_CLARIFIER = re.compile(
    r" (?:not )?the (?:(?!the )[a-z0-9']+ ){0,4}?(?:one|version|stuff)"
    r"(?: (?:with|from|by|of|in|for)(?: [a-z0-9']+){1,4})?$"
)
#: words that describe no music when said before "music" ("make some music", "the music")
_NOT_DESCRIBING = VERBS | frozenset(
    """transfer take break bring move send carry get keep the my your our his her their
    love like hate want need some any more""".split()
)
#: "... play homework music", "nostalgic music please": one or two words before a music noun,
#: after a play verb or first
_WORDS_BEFORE_MUSIC = re.compile(
    r"(?:^|(?<= )(?:play|put on|put|give me|make|need|want|hear)(?: me| us)?)"
    r"(?:^| )(?:some |a little |a bit of |more )?(?P<what>[a-z][a-z']*(?: [a-z][a-z']*)?)"
    r" (?:music|songs|tunes)\b"
)
#: "some" anywhere before a genre or an artist said last (:meth:`Parser._some_named`)
_SOME_ANYWHERE = re.compile(r"(?:^| )(?P<some>(?:some|a (?:little )?bit of|a little)) ")
#: words before "some" that say a taste ("love me some X")
_SOME_TASTE = ("love me ", "i love ", "i like ", "we love ", "loves ", "likes ")
#: entities a name after "some" holds only when it is no genre or artist
_NOT_SOME_NAMED = ("KIND", "DEVICE", "SERVICE", "STATION", "PODCAST")
#: what may follow a name said last ("some X", "something X"): the assistant's name, a time,
#: who it is for (:func:`_before_tails`)
_SOME_TAIL = re.compile(
    r" (?:olly|now|right now|today|tonight|this (?:morning|evening|afternoon)|on|please"
    r"|in the background|for (?:me|us|her|him|them|the kids|my [a-z]+|our [a-z]+|the [a-z]+))$"
)


def _before_tails(text: str, start: int, end: int) -> int:
    """Where ``text[start:end]`` ends without the tails said after a name (:data:`_SOME_TAIL`,
    one after another: "... now please olly"); never before ``start``."""
    while (tail := _SOME_TAIL.search(text, start, end)) is not None and tail.start() >= start:
        end = tail.start()
    return end
#: "some" before a bare artist's name ("some taylor swift", "a little bit of queen")
_SOME_OF = re.compile(
    r"(?:(?:let'?s|lets|let us|can i|can we|could i|could we|may i|may we) have "
    r"(?:some |more |a (?:little )?bit of |a little )?"
    r"|(?:some|more|a (?:little )?bit of|a little|(?:the |some )?(?:new|newest|latest)) )"
)


class Parser:
    """Text -> :class:`Intent`. See the module docstring."""

    def __init__(
        self,
        grammar: Grammar,
        normalizer: Normalizer,
        gazetteers: Gazetteers,
        refiners: Mapping[str, Refiner],
        names_dir: Path | None = None,
        regex_cache: RegexCache | None = None,
    ) -> None:
        self.grammar = grammar
        self.normalizer = normalizer
        self.gazetteers = gazetteers
        self.refiners = dict(refiners)
        #: where the catalog name lists live (catalog_names.py); loaded on first use
        self.names_dir = names_dir or repo_root() / "data" / "entities"
        #: compiled regexes shared between processes (regexcache.py); the entity matcher's
        #: tokenizer takes its regexes from it too
        self.regex_cache = regex_cache
        self._entities: EntityMatcher | None = None
        self._lock = threading.Lock()
        self._names: CatalogNames | None = None
        #: a room or speaker said first ("in the kitchen play jazz"), compiled on first use
        self._device_lead: re.Pattern[str] | None = None
        self._device_lead_words: frozenset[str] = frozenset()
        #: famous names holding a media word ("love story"), see titles.py
        self.titles = MediaTitles(gazetteers, lambda: self.catalog_names)

    @classmethod
    def from_paths(cls, grammars: Path, entities: Path, cache: Path | None = None) -> Parser:
        """Build from a grammar and a gazetteer directory; ``cache`` is a file for compiled
        regexes (see regexcache.py), None to compile everything in this process."""
        normalizer = normalizer_from(entities)
        gazetteers = Gazetteers.load(entities)
        refiners = _refiners()
        regex_cache = RegexCache(cache)
        grammar = Grammar.load(
            grammars, gazetteers.regex_lists(), refiners=refiners, cache=regex_cache
        )
        return cls(
            grammar, normalizer, gazetteers, refiners, names_dir=entities, regex_cache=regex_cache
        )

    @classmethod
    def default(cls) -> Parser:
        """The parser over the repository's ``grammars/`` and ``data/entities/``; compiled
        regexes are cached in ``.skill/nlu-regex.cache`` (git-ignored) between processes."""
        root = repo_root()
        return cls.from_paths(
            root / "grammars", root / "data" / "entities", root / ".skill" / "nlu-regex.cache"
        )

    @property
    def entities(self) -> EntityMatcher:
        """The spaCy entity matcher, built on first use."""
        if self._entities is None:
            with self._lock:
                if self._entities is None:
                    self._entities = EntityMatcher(self.gazetteers, self.regex_cache)
        return self._entities

    @property
    def catalog_names(self) -> CatalogNames:
        """Famous artist names and song titles for typing a bare name, loaded on first use."""
        if self._names is None:
            self._names = catalog_names(self.names_dir)
        return self._names

    def warm(self) -> Parser:
        """Build everything that is otherwise built lazily (the spaCy matcher)."""
        _ = self.entities
        return self

    def prime(self) -> Parser:
        """:meth:`warm`, then parse a few requests that load what the first request of their
        kind otherwise loads (the catalog's names, its title-artist pairs and albums, the
        famous names that hold a filler or a media word), so that a service's first command
        costs what later ones do. About 0.1-0.2 s more than :meth:`warm`, whose build budget
        it stays out of."""
        self.warm()
        for text in _PRIMING:
            self.parse(text)
        return self

    def parse(self, text: str) -> Intent:
        """Understand one utterance. Raises InvalidRequest past :data:`MAX_CHARS`."""
        if not isinstance(text, str):
            raise InvalidRequest("The text must be a string.")
        if len(text) > MAX_CHARS:
            raise InvalidRequest(
                f"The text is too long ({len(text)} characters; at most {MAX_CHARS}).",
                details={"max_chars": MAX_CHARS, "length": len(text)},
            )
        norm = self.normalizer.normalize(text)
        inner = False
        if norm.inner_filler:  # "please" is a filler, unless a famous title holds it
            kept = self.normalizer.normalize(text, keep_inner=True)
            if self.titles.holds_filler(kept, self.normalizer.anywhere):
                norm, inner = kept, True  # "play bitch please by snoop dogg"
        if norm.tail and not self.normalizer.anywhere.issuperset(norm.tail) and (
            self.titles.ends_with_tail(norm)
        ):  # "don't stop me now"
            norm = self.normalizer.normalize(text, keep_tail=True, keep_inner=inner)
        if not norm.text:
            return Intent.none(NO_MATCH_CONFIDENCE)
        if "'s " in norm.text:
            room = self._trailing_room(norm)  # "turn it down in jacob's room"
            if room is not None:
                return room
        if " and " in norm.text:
            first = self._before_other_request(norm)  # "... and turn off the lights"
            if first is not None:
                return first
        if " going" in norm.text and "get " in norm.text:
            going = self._get_going(norm)  # "can i get some diplo going in the living room"
            if going is not None:
                return going
        if norm.text.startswith(("is there ", "i wish ", "do you have ", "is it possible ")):
            wrapped = self._wrapped(norm)  # "is there any reggae you can put on"
            if wrapped is not None:
                return wrapped
        if " so " in norm.text or " now " in norm.text:
            # a story, then a name of the lists ("it's so quiet without the news so bbc world
            # service", "on the way to the gym now huberman lab please") or a command that
            # controls what plays ("... take this call so hold on with the song"), whatever
            # rule read a word of the story
            after = self._named_after_so(norm, listed=True) or (
                self._control_after_clause(norm) if " so " in norm.text else None
            )
            if after is not None:
                return after
        reasoned = _REASON.search(norm.text)
        if reasoned is not None:
            reason = self._before_reason(norm, reasoned)  # "put some jazz on so i can relax"
            if reason is not None:
                return reason
        if " " in norm.text and _CORRECTION_WORDS.intersection(norm.text.split(" ")):
            corrected = self._corrected(norm)
            if corrected is not None:
                return corrected
        match = self.grammar.best(norm.text)
        if match is None or match.pattern.intent == "none":
            resumed = self._show_resumed(norm)  # "i was reading dune yesterday can we go on"
            if resumed is not None:
                return resumed
        titled = self.titles.spans(norm.text)
        if titled and match is not None and self.titles.explain(match, titled, norm.text):
            match = self.grammar.best(
                norm.text, lambda m: not self.titles.explain(m, titled, norm.text)
            )
        if match is not None and match.pattern.options.get("reason") == DECLINED and (
            not self._famous_lead(norm.text)
        ):  # "don't play anything": no later pass may find "play anything" in it (but "don't
            # start now" is a song)
            return Intent.none(0.9, match.pattern.id, DECLINED)
        if match is not None and (
            match.pattern.intent not in _MUSIC_REQUESTS
            or match.pattern.slots.get("kind") in MEDIA_KINDS
        ):
            by = self.titles.by_famous_artist(norm.text)
            if by is None and match.pattern.intent not in _MUSIC_REQUESTS | {"none"}:
                by = self.titles.plays_by(norm.text)  # "play mute by shygirl": no volume
            if by is not None:
                # "play show yourself by idina menzel", "play the next episode by dr dre": a
                # title by a famous artist is music, whatever words it holds
                titled = titled or ((0, by),)
                match = self.grammar.best(
                    norm.text,
                    lambda m: m.pattern.intent in _MUSIC_REQUESTS
                    and m.pattern.slots.get("kind") not in MEDIA_KINDS,
                ) or match
        if match is not None and match.pattern.intent in _TITLE_OVER:
            # "put sweater weather on", "put the sound of silence", "play turn down for what"
            match = self._title_over(norm, match)
        if norm.text.count(" ") >= CHATTER_TAIL_WORDS and not getattr(_NESTED, "led", False):
            # (not in a part another pass parses with a verb it put in front)
            head = None
            if match is not None and match.pattern.intent in _CHATTER_HEADS:
                head = self._before_chatter(norm, match)  # "tune in to 105.1 my son is calling"
            if head is None and match is not None and match.pattern.intent in _STORY_READERS:
                # "jump to the next song quickly before my husband comes home he hates this
                # band": a rule of taste or loudness read a word of the story
                head = self._command_then_story(norm)
            if head is not None:
                return head
        if match is None or match.pattern.intent == "none" or (
            match.pattern.priority < CATCH_ALL_PRIORITY
        ):  # "i'm cooking dinner so play some jazz": only a catch-all read the whole
            if norm.text.count(" ") >= STORY_AFTER_WORDS:
                head = self._command_then_story(norm)  # "change the song i heard it twice"
                if head is not None:
                    return head
            woken = _INNER_WAKE.search(norm.text)
            if woken is not None and not _VERB_ONLY.fullmatch(norm.text, woken.end()) and not (
                norm.text.startswith(("for ", "to "), woken.end())  # "mozart olly | for my baby"
            ):
                # "i'm bored olly podcast about history": what follows (not "... olly you play")
                start, _ = norm.span(woken.end(), woken.end() + 1)
                after = self.parse_part(norm, start, len(norm.original))
                if after.name == "music.resume" and " " in norm.text[: woken.start()]:
                    # "where the crawdads sing audiobook olly go on from where i stopped": go
                    # on with what was named first
                    _, end = norm.span(0, woken.start())
                    first = self.parse_part(norm, 0, end)
                    if first.name == "music.play" and NAMED_CONTENT.intersection(first.slots):
                        return dataclasses.replace(first, confidence=first.confidence * 0.9)
                if after.name != "none":
                    return dataclasses.replace(after, confidence=after.confidence * 0.9)
                if " " in norm.text[: woken.start()] and not _NO_MORE.search(
                    norm.text, 0, woken.start()
                ):  # "hold on please olly someone is at the door": a command, then the story
                    # (not "tonight no music olly i want a story")
                    _, end = norm.span(0, woken.start())
                    before = self._chatter_part(self.parse_part(norm, 0, end))
                    if before is not None:
                        return before
            command = self._command_after_clause(norm, match is not None)
            if command is not None:
                return command
            if " " in norm.text:
                leading = self._leading_device(norm)  # "in the kitchen i want some jazz"
                if leading is not None:
                    return leading
                wished = self._for_someone(norm)  # "my dad wants songs of elvis"
                if wished is not None:
                    return wished
                some = self._some_named(norm)  # "any chance you got some coldplay"
                if some is not None:
                    return some
                if " so " in norm.text:
                    named = self._named_after_so(norm)  # "i am bored so bbc radio two"
                    if named is not None:
                        return named
            if match is not None and match.pattern.intent != "none":
                # "i need to take this call put the music on hold": a catch-all read "music"
                command = self._beside_chatter(norm, caught=True)
                if command is not None:
                    return command
            elif match is not None:
                # "traffic is terrible put classic fm so i calm down": an out-of-domain rule
                # read a word of the story; a station, podcast or book of the lists asked for
                # beside it answers
                command = self._beside_chatter(norm)
                if command is not None and command.name == "music.play" and self._listed_show(
                    command
                ):
                    return command
            if norm.text.endswith(_VERB_LAST_ENDS):
                last = self._verb_last(norm)  # "blinding lights the weeknd play that"
                if last is not None:
                    return last
        if match is None or ("device" not in match.groups and "query" not in match.groups):
            leading = self._leading_device(norm)
            if leading is not None:
                return leading
        if match is None:
            return (
                self._bare_artist(norm)
                or self._one_word_hit(norm)
                or (read_verbless(self, norm) if names_content(self, norm.text) or (
                    self._famous_lead(norm.text) or artist_and_title(self, norm.text)
                ) else None)
                or self._bare_room_last(norm)
                or self._beside_chatter(norm)
                or self._described(norm)
                or self._title_asked(norm)
                or self._before_purpose(norm)
                or name_wanted(self, norm)
                or self._clarified(norm)
                or self._held(norm)
                or Intent.none(NO_MATCH_CONFIDENCE)
            )
        pattern = match.pattern
        if pattern.family == "verbless" and norm.text.endswith(_BARE_VERB_ENDS):
            last = self._verb_last(norm)  # "music of bollywood play", "reggaeton put"
            if last is not None:
                return last
        if pattern.intent in _TITLE_WORD_INTENTS:
            # "song blinding lights from the weeknd", "blinding lights of the weeknd": a title and
            # its artist, no verb, that an out-of-domain, like or volume rule read a word of
            # ("something just like this from coldplay", "acdc highway to hell loud")
            named = read_verbless(self, norm) if (
                ("by" in norm.text or "from" in norm.text or " of " in norm.text)
                and names_content(self, norm.text)
                or artist_and_title(self, norm.text)
            ) else None
            if named is not None and "artist" in named.slots and (
                "track" in named.slots or "album" in named.slots
            ):
                return named
            if self._famous_lead(
                norm.text, bare=norm.text.startswith(_NEGATED) or (
                    pattern.intent in ("none", "music.volume") and norm.text.startswith("the ")
                )
            ) or self._two_word_hit(norm.text):
                # "blinding lights next"; "blinding lights", "sweater weather" said alone; a
                # famous title that says not to ("don't stop me now", "don't stop believin");
                # one named as a thing that an out-of-domain word is in ("the final countdown")
                named = read_verbless(self, norm)
                if named is not None:
                    return named
            asked = self._title_asked(norm)  # "can i get the song blinding lights"
            if asked is not None:
                return asked
            if pattern.intent == "none" and _DO_ASKED.match(norm.text):
                done = self._do_asked(norm)  # "can you do the beatles"
                if done is not None:
                    return done
            if pattern.intent == "none" and norm.text.startswith(_ADD_VERBS):
                added = self._song_added(norm, titled)  # "add blinding lights to gym bangers"
                if added is not None:
                    return added
            if pattern.intent == "none" and show_opens(self, norm.text):
                named = read_verbless(self, norm)  # "where the crawdads sing audiobook"
                if named is not None and (
                    named.spans.get("query", (-1,))[0] == norm.span(0, 1)[0]
                ):
                    return named  # the show opening the text is what is asked for
        if pattern.intent == "music.volume" and norm.text.endswith(_LOUD_END):
            loud = self._content_said_loud(norm)  # "heavy metal loud", "acdc please loud"
            if loud is not None:
                return loud
        if pattern.intent == "none":
            return Intent.none(0.9, pattern.id, pattern.options.get("reason", ""))
        found = self._read(match, norm, titled)
        if found is None:
            return Intent.none(NO_MATCH_CONFIDENCE, pattern.id)
        if (
            pattern.priority < CATCH_ALL_PRIORITY and found.name == "music.play"
            and not NAMED_CONTENT.intersection(found.slots)
        ):
            # "heart fm in the bathroom please": a catch-all read a media word and no name
            named = read_verbless(self, norm) if names_content(self, norm.text) else None
            if named is not None:
                return named
            if found.slots.get("kind") == "radio":
                station = self._station_named(norm)  # "olly radio lbc"
                if station is not None:
                    return station
            elif found.slots.get("kind") in ("podcast", "audiobook"):
                show = self._show_named(norm, str(found.slots["kind"]))
                if show is None and found.slots["kind"] == "podcast":
                    show = self._listed_named(norm, "PODCAST", "podcast")
                if show is None:  # "... now the audiobook the midnight library"
                    show = self._show_last(norm)
                if show is None:  # "audio book of the little prince in french please"
                    show = self._listed_anywhere(norm, str(found.slots["kind"]))
                if show is not None:  # "long commute so lets start that crime junkie podcast"
                    return show
            if "kind" not in found.slots:
                described = self._described(norm)  # "rough day just need some sad music"
                if described is not None:
                    return described
            room_said = self.room_at_end(norm.text) if "device" not in found.slots else None
            if room_said is not None:  # "radio in the bedroom", "music on the kitchen speaker"
                return self.with_device(norm, found, room_said.span(1)) or found
        return found

    def _for_someone(self, norm: Normalized) -> Intent | None:
        """"my dad wants songs of elvis", "the kids keep asking for baby shark", "grandma
        would like to listen agatha christie book": what someone else wants, said as a
        statement. The wanted thing is parsed with "play" in front; it answers when it names
        a known name or a genre (a show or book is left to the show readers)."""
        found = _SOMEONE_WANTS.match(norm.text)
        liked = found is None
        if liked:
            found = _SOMEONE_LIKES.match(norm.text)
        if found is None or found.end() >= len(norm.text):
            return None
        start, _ = norm.span(found.end(), found.end() + 1)
        end = len(norm.original)
        last = _VERB_LAST.fullmatch(norm.text, found.end())
        if liked and (last is None or not (last.group("verb") or last.group("ask"))):
            return None  # "my sister loves adele": taste, with no request pointing back
        if last is not None:  # "my mom wants to hear some dean martin play that"
            _, end = norm.span(last.end("item") - 1, last.end("item"))
        part = self.parse_part(norm, start, end, "play ")
        if part.name != "music.play" or part.slots.get("kind") in MEDIA_KINDS:
            return None  # a show or book is the show readers' ("... the matilda audio book")
        slots = part.slots
        artist = slots.get("artist")
        title = slots.get("track", slots.get("query"))
        if not (
            "genre" in slots or "year" in slots
            or isinstance(artist, str) and self.known_artist(
                self.normalizer.normalize(artist).text, listed=True
            )
            or isinstance(title, str)
            and self.catalog_names.famous_title(self.normalizer.normalize(title).text)
        ):
            return None
        return dataclasses.replace(part, confidence=part.confidence * 0.8)

    def _some_named(self, norm: Normalized) -> Intent | None:
        """"is there any chance of some jazz", "olly hit me with some drake", "what about a
        bit of taylor swift on the bedroom speaker": "some" before a genre or a well-known
        artist said last (a room, the assistant's name or a time after it aside), among
        words no grammar read as a request. The part from "some" on is parsed as "play
        some X"; it answers when that names the genre or the artist and nothing else."""
        text = norm.text
        found = max(_SOME_ANYWHERE.finditer(text), key=lambda m: m.start(), default=None)
        if found is None:
            return None
        if text.endswith(_SOME_TASTE, 0, found.start("some")):
            return None  # "love me some brad paisley": taste, no request
        if _ALARM_WORDS.search(text, 0, found.start("some")) is not None:
            return None  # "put an alarm at five with some rock music": the alarm's sound
        start = found.end()
        room = self.room_at_end(text, start, after_for=True)  # "some adele for the kitchen"
        end = room.start() if room is not None else len(text)
        end = _before_tails(text, start + 1, end)
        name = text[start:end]
        if not name or name.count(" ") > 4:
            return None
        if self.entities.find(name, _NOT_SOME_NAMED):
            return None  # "some podcast", "some music on the tv": no genre or artist
        a, _ = norm.span(found.start("some"), found.start("some") + 1)
        _, b = norm.span(end - 1, end)
        part = self.parse_part(norm, a, b, "play ")
        named = NAMED_CONTENT.intersection(part.slots)
        if part.name != "music.play" or not named or not named <= {"artist", "genre", "year"}:
            return None
        artist = part.slots.get("artist")
        if artist is not None and not self.known_artist(
            self.normalizer.normalize(str(artist)).text
        ):
            return None
        if room is not None:
            return self.with_device(norm, part, room.span(1)) or part
        return dataclasses.replace(part, confidence=part.confidence * 0.8)

    def known_artist(self, key: str, listed: bool = True) -> bool:
        """Whether ``key`` (normalised) is a well-known artist a name alone may stand for: a
        catalog artist of popularity :data:`BARE_ARTIST_POPULARITY` or more that is no
        everyday word ("home", "heart", "not": an everyday word alone names no band), or,
        when ``listed`` counts, one of the artist gazetteer."""
        if listed and self.gazetteers.lookup("ARTIST", key) is not None:
            return True  # "some kiss": the list's bands are no everyday words
        if " " not in key and self.catalog_names.is_common_word(key):
            return False
        popularity = self.catalog_names.artist(key)
        if popularity is None and not key.startswith("the "):
            key = "the " + key  # "beatles", "rolling stones": a band said without its "the"
            popularity = self.catalog_names.artist(key)
        return (
            popularity is not None and popularity >= BARE_ARTIST_POPULARITY
            and self.catalog_names.type_of(key) == "artist"
        )

    def _bare_room_last(self, norm: Normalized) -> Intent | None:
        """"one more time daft punk kitchen": a room said last without "in" after content
        named without a verb (an artist and a title, a known name) is where to play it."""
        text = norm.text
        rooms = self.entities.find(text, ("DEVICE",)) if " " in text else ()
        if not rooms or rooms[-1].end != len(text) or rooms[-1].start < 2:
            return None
        start = rooms[-1].start
        if text.endswith(_BEFORE_NO_ROOM, 0, start):
            return None  # "... in the kitchen" is the grammars' to read; "beats to study"
        _, end = norm.span(start - 2, start - 1)
        head = self.parse_part(norm, 0, end)
        if not named_without_verb(head):
            return None
        return self.with_device(norm, head, (start, len(text)))

    def _content_said_loud(self, norm: Normalized) -> Intent | None:
        """"heavy metal loud", "olly rock music please loud": content named without a verb
        and asked for loud is a play request (the loudness is how), not a volume change."""
        cut = norm.text.rfind(" ")
        if cut <= 0:
            return None
        _, end = norm.span(cut - 1, cut)
        head = self.parse_part(norm, 0, end)
        return head if named_without_verb(head) else None

    def _described(self, norm: Normalized) -> Intent | None:
        """Music asked for by its description among other words, when no grammar or only a
        catch-all read the text: "i had a rough day just need some sad music", "romantic
        songs for tonight" (a mood, genre or decade right before a music noun, read as "play
        X music"), "i need music for studying", "music to sleep" (a mood after "music
        for/to", the query). The last such description counts; a room said last joins it."""
        text = norm.text
        found = self.entities.find(text, _DESCRIPTIONS)
        if not found:
            return self._described_words(norm)
        for e in reversed(found):
            after = _MUSIC_NOUN_AFTER.match(text, e.end)
            if after is not None:
                start = e.start
                for x in found:  # "some relaxing old jazz music": the words run together
                    if x.end + 1 == start:
                        start = x.start
                a, _ = norm.span(start, start + 1)
                _, b = norm.span(after.end() - 1, after.end())
                part = self.parse_part(norm, a, b, "play ")
                if not plays_named(part):
                    continue
            elif e.label == "MOOD" and (
                _MUSIC_FOR.search(text, 0, e.start) and (
                    e.end == len(text) or self.room_at_end(text, e.end) is not None
                )
                or text.endswith(("something ", "anything "), 0, e.start)
                and _before_tails(text, e.end, len(text)) == e.end
            ):  # "... so tired something relaxing", "something cheerful olly for the kids"
                span = norm.span(e.start, e.end)
                part = Intent.owned("music.play", {"query": norm.original_slice(e.start, e.end)},
                                    0.6, {"query": span}, "described")
            else:
                continue
            room = self.room_at_end(text, e.end)
            if room is not None and "device" not in part.slots:
                return self.with_device(norm, part, room.span(1)) or part
            return dataclasses.replace(part, confidence=part.confidence * 0.8)
        return self._described_words(norm)

    def _described_words(self, norm: Normalized) -> Intent | None:
        """"i'm doing my homework play homework music", "nostalgic music please": a word no
        list knows, said before "music" after a play verb or first, read as "play X music"
        (which names an artist only when the catalog knows one)."""
        said = max(_WORDS_BEFORE_MUSIC.finditer(norm.text), key=lambda m: m.start(), default=None)
        if said is None or not _NOT_DESCRIBING.isdisjoint(said.group("what").split(" ")):
            return None  # "make some music", "transfer the music", "i want music"
        a, _ = norm.span(said.start("what"), said.start("what") + 1)
        _, b = norm.span(said.end() - 1, said.end())
        part = self.parse_part(norm, a, b, "play ")
        if not plays_named(part):
            return None
        room = self.room_at_end(norm.text, said.end())  # "adele songs in the kitchen"
        if room is not None and "device" not in part.slots:
            return self.with_device(norm, part, room.span(1)) or part
        return dataclasses.replace(part, confidence=part.confidence * 0.8)

    def _beside_chatter(self, norm: Normalized, caught: bool = False) -> Intent | None:
        """"i'm done with this song go to the next", "rewind twenty seconds i missed what he
        said": a command said next to chatter with no joining word, in a text no grammar
        read. The part from a command word on, else the part before a new clause, is parsed
        alone and answers when it is a whole request (a play request names what to play).
        When a catch-all ``caught`` the whole as a play request, only a part that asks for no
        play or queue answers, and no part from a play word on ("i need to take this call put
        the music on hold", but "freakonomics podcast make it play")."""
        text = norm.text
        if not 0 < text.count(" ") < CHATTER_MAX_WORDS:
            return None  # one word, or a long story: no parts to try
        for cut in itertools.islice(_TAIL_COMMAND.finditer(text), CHATTER_TRIES):
            if caught and (
                text.startswith(("play", "put on", "give me", "queue"), cut.end())
                or " " not in text[cut.end() :]  # "book swan resume" names the book
            ):
                continue
            if text.startswith("next", cut.end()) and self._names_item(text[: cut.start()]):
                # "the song halo next please", "wonderwall next": queued, not skipped to
                _, end = norm.span(0, cut.start())
                queued = self.parse_part(norm, 0, end, "queue ")
                if queued.name == "music.queue" and NAMED_CONTENT.intersection(queued.slots):
                    return dataclasses.replace(queued, confidence=queued.confidence * 0.8)
                continue
            start, _ = norm.span(cut.end(), cut.end() + 1)
            found = self._chatter_part(self.parse_part(norm, start, len(norm.original)))
            if found is not None and not (caught and found.name in _PLAY_OR_QUEUE and not (
                text.startswith(("put ", "i want ", "we want "), cut.end())
                and _GENRE_OR_LIST.intersection(found.slots)
            )):  # but "i want to dance | put electronic", "from the radio | i want a rock
                # station": a genre or a playlist put on or wanted
                return found
        # a one-word command before it is no whole request ("stop, this is not right")
        cuts = [
            cut for cut in _CHATTER_AFTER.finditer(text)
            if " " in text[: cut.start()] or text[: cut.start()] in ("pause", "mute") and (
                text.startswith(("i ", "i'm ", "im ", "we ", "we're ", "someone "), cut.end())
            )
        ]  # but "pause | i'm on a call" (not "pause | my netflix download")
        for cut in reversed(cuts[-CHATTER_TRIES:]):
            _, end = norm.span(0, cut.start())
            found = self._chatter_part(self.parse_part(norm, 0, end))
            if found is not None and not (caught and found.name in _PLAY_OR_QUEUE):
                return found
        return None

    def _names_item(self, text: str) -> bool:
        """Whether ``text`` (normalised) names a song: by its kind word ("the song halo"),
        as a famous title that is no everyday word ("wonderwall"; not "no"), or as an artist
        and a title ("numb linkin park")."""
        names = self.catalog_names
        return _NAMES_ITEM.search(text) is not None or (
            names.famous_title(text) and not (" " not in text and names.is_common_word(text))
        ) or names.split(text.split(" ")) is not None

    @staticmethod
    def _chatter_part(part: Intent) -> Intent | None:
        if part.name not in _CHATTER_HEADS or (
            part.name in _PLAY_OR_QUEUE and not NAMED_CONTENT.intersection(part.slots)
            and part.slots.get("kind") not in MEDIA_KINDS
        ):
            return None
        return dataclasses.replace(part, confidence=part.confidence * 0.8)

    def _station_named(self, norm: Normalized) -> Intent | None:
        """"radio capital please", "i am home now play radio one oh one point one", "make the
        radio go to eighty eight point three", "turn on npr radio": a catch-all read the radio
        word and no name. The station is the few words after the last radio word: said as
        they are after a link ("go to", "play the station"), else read as "play radio X"; or
        the one or two words before a radio word that ends the text, read as "play X radio".
        A reading answers when it names a station; a room said last ("... in the kitchen")
        is the device."""
        room = self.room_at_end(norm.text)
        found = self._station_in(norm, norm.text if room is None else norm.text[: room.start()])
        if found is None:
            return self._listed_named(norm, "STATION", "radio")
        if room is None:
            return found
        return self.with_device(norm, found, room.span(1)) or found

    def _listed_named(self, norm: Normalized, label: str, kind: str) -> Intent | None:
        """The longest station or podcast of the lists said anywhere before a room said last,
        when the words around the kind word named none: "i feel like classic fm tonight", "can
        i have cbc radio one the toronto one", "big fm 92.7 in the kitchen"."""
        room = self.room_at_end(norm.text)
        text = norm.text if room is None else norm.text[: room.start()]
        found = self.entities.find(text, (label,))
        if not found:
            return None
        name = max(found, key=lambda e: e.end - e.start)
        named = Intent.owned(
            "music.play", {"query": norm.original_slice(name.start, name.end), "kind": kind},
            0.6, {"query": norm.span(name.start, name.end)}, "listed",
        )
        return named if room is None else self.with_device(norm, named, room.span(1)) or named

    def _station_in(self, norm: Normalized, text: str) -> Intent | None:
        """:meth:`_station_named` on ``text``, the start of ``norm.text``."""
        words = text_words(text)
        names = [w for w, _, _ in words]
        at = max((i for i, w in enumerate(names) if w == "radio"), default=-1)
        if at < 0 and names and names[-1] == "station":  # "switch over to la mega station"
            at = len(names) - 1
        if at < 0 or len(words) > 16:
            return None
        first = at + 1
        while first < len(names) and names[first] in _STATION_LINK:
            first += 1  # "the radio go to X", "radio play the station X", "radio show X"
        if first < len(names) - 1 and names[first] in ("with", "playing"):
            # "it is boring here a radio station with rock maybe": a radio of a genre
            a, b = norm.span(words[at][1], words[-1][2])
            item = self.parse_part(norm, a, b, "play ")
            if item.name == "music.play" and item.slots.get("kind") == "radio" and (
                "genre" in item.slots or "query" in item.slots
            ):
                return dataclasses.replace(item, confidence=item.confidence * 0.9)
        last = first  # the name ends where a new clause starts ("... weekend edition put it on")
        while last < len(names) and names[last] not in _STATION_STOP:
            last += 1
        if 0 < last - first <= 5 and (last == len(names) or first > at + 1):
            end = words[last - 1][2]
            if first > at + 1:  # the words after the link name the station as said
                start = words[first][1]
                return Intent(
                    "music.play",
                    {"query": norm.original_slice(start, end), "kind": "radio"},
                    0.7,
                    {"query": norm.span(start, end), "kind": norm.span(*words[at][1:])},
                    "station",
                )
            start = words[at][1]
            for k in (2, 1):  # "put bbc | radio 4": the station's name may open before "radio"
                if at >= k and self.gazetteers.lookup(
                    "STATION", " ".join(names[at - k : last])
                ) is not None:
                    start = words[at - k][1]
                    break
            found = self._station_part(norm, start, end)
            if found is not None:
                return found
        first = at
        while first > 0 and at - first < 2 and names[first - 1] not in _STATION_STOP:
            first -= 1
        if first < at and at == len(names) - 1:
            return self._station_part(norm, words[first][1], words[-1][2])
        return None

    def _listed_anywhere(self, norm: Normalized, kind: str) -> Intent | None:
        """The longest book or podcast of the lists (as ``kind`` asks) said anywhere in a
        text a catch-all read its kind word in and no name, and for a book the longest
        author of the lists apart from it: "book on tape of dune", "my audiobook from my
        library the hunger games", "audio book from agatha christie some". A room said last
        is the device."""
        label = {"audiobook": "AUDIOBOOK", "podcast": "PODCAST"}[kind]
        room = self.room_at_end(norm.text)
        words = (norm.text if room is None else norm.text[: room.start()]).split(" ")
        best = longest_show(self, words, {label: kind}, one_word=True)
        if best is not None and best[0] > 0 and words[best[0] - 1] == "and":
            return None  # "harry potter and | the prisoner of azkaban": part of a longer name
        author = longest_show(self, words, {"AUTHOR": kind}) if kind == "audiobook" else None
        if author is not None and best is not None and author[1] > best[0] and (
            author[0] < best[1]
        ):
            author = None  # an author's name inside the book's
        slots: dict[str, SlotValue] = {"kind": kind}
        spans: dict[str, tuple[int, int]] = {}
        # "book on tape of dune"; "audiobook by agatha christie some": the author too
        for slot, found in (("query", best), ("artist", author)):
            if found is not None:
                start, end = words_range(words, found[0], found[1])
                slots[slot], spans[slot] = norm.original_slice(start, end), norm.span(start, end)
        if not spans:
            return None
        named = Intent.owned("music.play", slots, 0.6, spans, "listed")
        return named if room is None else self.with_device(norm, named, room.span(1)) or named

    def _show_last(self, norm: Normalized) -> Intent | None:
        """"the kids are asleep finally now the audiobook the midnight library", "long flight
        tomorrow i will need the audiobook of the martian": a catch-all read the kind word of a
        podcast or book said last with its name after it. The kind word and what follows are
        parsed with "play" in front; they answer when they name the show."""
        found = _SHOW_LAST.search(norm.text)
        if found is None:
            return None
        a, b = norm.span(found.start(), len(norm.text))
        show = self.parse_part(norm, a, b, "play ")
        if show.name != "music.play" or "query" not in show.slots:
            return None
        return dataclasses.replace(show, confidence=show.confidence * 0.8)

    def _show_named(self, norm: Normalized, kind: str) -> Intent | None:
        """"kids bed time so some wow in the world podcast", "can't sleep olly maybe some
        pride and prejudice audiobook", "my husband wants the joe rogan podcast in the
        garage": a catch-all read the kind word of a podcast or book and no name. The name
        is the words right before the last kind word: the longest run of up to
        :data:`SHOW_MAX_WORDS` that the podcast or book list knows, else the words back to
        a word no name holds ("so", "some", "wants", "now"). A room said last is the
        device."""
        text = norm.text
        room = self.room_at_end(text)
        words = text_words(text if room is None else text[: room.start()])
        names = [w for w, _, _ in words]
        at = max((i for i, w in enumerate(names) if w in _SHOW_KIND_WORDS), default=-1)
        if at > 0 and names[at] == "book" and names[at - 1] == "audio":
            at -= 1  # "the matilda audio book"
        if at <= 0:
            return None
        label = "PODCAST" if kind == "podcast" else "AUDIOBOOK"
        if at >= 2 and at + 2 < len(names) and names[at + 1] == "of" and (
            len(names) - at - 2 <= SHOW_MAX_WORDS
        ):  # "i need distraction the podcast of conan o'brien": the name after the kind word
            a, _ = norm.span(words[at][1], words[at][2])
            part = self.parse_part(norm, a, len(norm.original), "play the ")
            if part.name == "music.play" and "query" in part.slots:
                return dataclasses.replace(part, confidence=part.confidence * 0.8)
        first = -1
        for i in range(max(0, at - SHOW_MAX_WORDS), at):
            if self.gazetteers.lookup(label, " ".join(names[i:at])) is not None:
                first = i
                break
        if first < 0:
            first = at
            while first > 0 and at - first < SHOW_MAX_WORDS and names[first - 1] not in _SHOW_STOP:
                first -= 1
            if names[first] in ("the", "a"):
                first += 1
        last = at
        if names[last - 1] == "the" and last - 1 > first:
            last -= 1  # "my wife asks for hardcore history the podcast"
        if first >= last:
            return None
        said = " ".join(names[first:last])
        if any(self.gazetteers.lookup(label, said) for label in _NOT_SHOW_NAMES):
            return None  # "some comedy podcast", "a relaxing audiobook": described, not named
        start, end = words[first][1], words[last - 1][2]
        if kind == "audiobook" and (" by " in said or " from " in said):
            # "educated by tara westover the audiobook": the book and its author
            if first > 0 and names[first - 1] == "the":
                start = words[first - 1][1]  # "the alchemist from paulo coelho audiobook"
            a, b = norm.span(start, end)
            book = self.parse_part(norm, a, b, "play the audiobook ")
            if book.name == "music.play" and "artist" in book.slots and "query" in book.slots:
                return book if room is None else self.with_device(norm, book, room.span(1)) or book
        span = norm.span(start, end)
        found = Intent.owned(
            "music.play", {"query": norm.original_slice(start, end), "kind": kind}, 0.6,
            {"query": span, "kind": norm.span(words[at][1], words[at][2])}, "show",
        )
        return found if room is None else self.with_device(norm, found, room.span(1)) or found

    def _station_part(self, norm: Normalized, start: int, end: int) -> Intent | None:
        """:meth:`_station_named`'s reading of ``norm.text[start:end]`` with "play" in
        front."""
        a, b = norm.span(start, end)
        item = self.parse_part(norm, a, b, "play ")
        if item.name != "music.play" or "query" not in item.slots or (
            item.slots.get("kind") != "radio"
        ):
            return None
        return dataclasses.replace(item, confidence=item.confidence * 0.9)

    def _bare_artist(self, norm: Normalized) -> Intent | None:
        """"the beatles", "adele please": a famous artist's name alone asks for their music
        (no grammar matched; the name must be well known, popularity >= 60, and a one-word
        name no everyday word)."""
        if len(norm.text) > 40:
            return None
        start = 0
        some = _SOME_OF.match(norm.text)
        if some is not None and some.end() < len(norm.text):
            start = some.end()  # "some taylor swift", "a bit of queen"
        room = self.room_at_end(norm.text, start)  # "some daft punk in the bedroom"
        end = len(norm.text) if room is None else room.start()
        name = norm.text[start:end]
        # a listed name only with "some" or a room: "mozart in the kids room"
        if not self.known_artist(name, listed=start > 0 or room is not None):
            return None
        span = norm.span(start, end)
        found = Intent.owned("music.play", {"artist": norm.original_slice(start, end)},
                             0.6, {"artist": span}, "catalog:artist")
        return found if room is None else self.with_device(norm, found, room.span(1)) or found

    def _title_asked(self, norm: Normalized) -> Intent | None:
        """"can i get the song blinding lights", "how about some rihanna umbrella", "cruel
        summer by taylor swift is what i need", "the song blinding lights": a famous title
        (with its artist, or by one) asked for with words of wanting or a kind word before it,
        or words of wanting after it, that an out-of-domain, like or volume rule read a word
        of. The title is parsed with "play" in front."""
        text = norm.text
        lead = _WANT_LEAD.match(text)
        kind = _KIND_LEAD.match(text) if lead is None else None  # "the song blinding lights"
        start = lead.end() if lead is not None else kind.end() if kind is not None else 0
        want = _WANT_AFTER.search(text, start)
        end = want.start() if want is not None else len(text)
        if (lead is None and kind is None and want is None) or end <= start:
            return None
        said = QUEUE_TAIL.sub("", text[start:end])  # "... after this one": queued
        if not (
            self._famous_lead(said)
            # one word only after a kind word: "that song espresso"
            or (" " in said or kind is not None) and self.catalog_names.famous_title(said)
            or artist_and_title(self, said)
            or self.titles.by_famous_artist("play " + said) is not None
        ):
            return None
        # "the song" stays with the title: it says the kind
        if lead is not None and lead.group("kind"):
            a, _ = norm.span(lead.start("kind") + 1, lead.end())
        else:
            a, _ = norm.span(0 if kind is not None else start, start + 1)
        _, b = norm.span(end - 1, end)
        part = self.parse_part(norm, a, b, "play ")
        if part.name not in _PLAY_OR_QUEUE or not {"track", "query"}.intersection(part.slots):
            return None
        return dataclasses.replace(part, confidence=part.confidence * 0.8)

    def _before_purpose(self, norm: Normalized) -> Intent | None:
        """"something sad to cry to", "give me something energetic to wake me up", "sad jazz
        for a lonely night": what to play, then what it is for, in a text no rule read. The
        words before each of the first places a purpose may start are parsed alone; the first
        that names what to play (a typed name, a genre, a mood or a show) answers."""
        text = norm.text
        if getattr(_NESTED, "depth", 0) or text.startswith(_ADD_VERBS):
            return None  # a part another pass reads; "add X to Y" names a playlist
        for cut in itertools.islice(_PURPOSE_START.finditer(text), CHATTER_TRIES):
            said = text[cut.start() + 1 :].split(" ")  # what the music is for
            if len(said) > _PURPOSE_WORDS or not _STATING.isdisjoint(said):
                continue  # "jazz for dinner is the best": a taste, no request
            _, end = norm.span(0, cut.start())
            head = self.parse_part(norm, 0, end)
            query = head.slots.get("query")
            if head.name == "music.play" and (
                TYPED_CONTENT.intersection(head.slots)
                or isinstance(query, str) and (
                    self.gazetteers.lookup("MOOD", query) is not None
                    or head.slots.get("kind") in MEDIA_KINDS
                )
            ):  # a name, a genre, a mood ("something sad") or a show, not any words
                return dataclasses.replace(head, confidence=head.confidence * 0.8)
        return None

    def _do_asked(self, norm: Normalized) -> Intent | None:
        """"can you do the beatles", "can u do heat waves glass animals", "do planet money
        podcast for me on the kitchen echo": "do" asked of a name. What follows is parsed
        alone; it answers when that names known content without a verb (a catalog name, a
        listed show, a playlist by its word), so "can you do my homework" stays out."""
        found = _DO_ASKED.match(norm.text)
        if found is None or found.end() >= len(norm.text):
            return None
        start, _ = norm.span(found.end(), found.end() + 1)
        part = self.parse_part(norm, start, len(norm.original))
        if not named_without_verb(part):
            return None
        return dataclasses.replace(part, confidence=part.confidence * 0.9)

    def _song_added(
        self, norm: Normalized, titled: tuple[tuple[int, int], ...]
    ) -> Intent | None:
        """"add blinding lights to gym bangers", "add video killed the radio star to eighties
        night": an out-of-domain rule read a word of the song added to a playlist. The text
        is read by the playlist rules alone; it answers when the song is a name the catalog
        knows (a title or an artist of two words or more, or a title by an artist: "add
        butter to the list" is shopping)."""
        match = self.grammar.best(norm.text, lambda m: m.pattern.intent == "playlist.add")
        found = None if match is None else self._read(match, norm, titled)
        if found is None:
            return None
        item = found.slots.get("track") or found.slots.get("query")
        names = self.catalog_names
        if found.name != "playlist.add" or not isinstance(item, str) or not (
            " " in item and (names.famous_title(item) or names.famous_artist(item))
            or isinstance(found.slots.get("artist"), str)
            and names.type_of(str(found.slots["artist"])) == "artist"
        ):
            return None
        return dataclasses.replace(found, confidence=found.confidence * 0.8)

    def _famous_lead(self, text: str, bare: bool = True) -> bool:
        """Whether ``text`` is a famous title of two words or more and a short tail ("next",
        "please", "after this one"); with ``bare``, a title of three words or more may be
        the whole text ("rolling in the deep", but not "follow me")."""
        for tail in _TITLE_TAILS:
            if tail and not text.endswith(" " + tail):
                continue
            title = text[: len(text) - len(tail) - 1] if tail else text
            size = title.count(" ") + 1
            if 1 < size <= TITLE_WORDS and (tail or bare and size > 2) and (
                self.catalog_names.famous_title(title)
            ):
                return True
            if bare and not tail and self._two_word_hit(title):
                return True  # "bohemian rhapsody", "the chain": a hit of two words alone
        return False

    def _one_word_hit(self, norm: Normalized) -> Intent | None:
        """"wonderwall", "despacito": a song title of one word said alone, a hit of
        :data:`BARE_HIT_POPULARITY` that is no everyday word (not "hello", "yesterday"). A
        name said alone is a search (``query``), as the data's convention has it."""
        text = norm.text
        if " " in text or not text.isalpha() or self.catalog_names.is_common_word(text) or (
            (self.catalog_names.title(text) or 0) < BARE_HIT_POPULARITY
        ) or self.gazetteers.lookup("PERSON", text) is not None:
            return None
        return Intent.owned(
            "music.play", {"query": norm.original_slice(0, len(text))}, 0.5,
            {"query": norm.span(0, len(text))}, "catalog:title",
        )

    def _two_word_hit(self, text: str) -> bool:
        """Whether ``text`` is a song title of two words and :data:`BARE_HIT_POPULARITY`:
        said alone, it is the song ("blinding lights", "bohemian rhapsody")."""
        return text.count(" ") == 1 and (
            self.catalog_names.title(text) or 0
        ) >= BARE_HIT_POPULARITY

    def _leading_device(self, norm: Normalized) -> Intent | None:
        """"in the kitchen play some jazz", "bedroom, turn it up": a room or speaker said
        first. The command after it is parsed alone and takes the device, when it is in
        domain and its intent has a device slot (spans still point into the whole text)."""
        if self._device_lead is None:
            phrases = self.gazetteers.phrases("DEVICE")
            # the regex matches only when the first word is one of its leading words or the
            # first word of a device phrase (phrases end at a space: the regex needs one)
            self._device_lead_words = frozenset(
                ("in", "on", "at", "for", "the", "my", "our", *(p.split(" ")[0] for p in phrases))
            )
            self._device_lead = re.compile(
                r"(?:(?:in|on|at|for) )?(?:the |my |our )?(?P<device>"
                + trie_regex(phrases)
                + r"(?: (?:speaker|speakers|tv|echo|display))?) "
                # "my gym playlist start it": a room's word naming a playlist is no room
                r"(?!(?:playlist|play list|list|album|mix|songs?|music|radio|station|channel"
                r"|podcast|audiobook|book|show)\b)"
                # "the phone call is finished so go on": the room's word opens another
                # thing, or a sentence about it
                r"(?!(?:call|calls|is|was|are|were|has|had|battery|charger|number|bill|screen"
                r"|died|broke|rang|rings|ringing)\b)"
            )
        text = norm.text
        space = text.find(" ")
        if space < 0 or text[:space] not in self._device_lead_words:
            return None
        found = self._device_lead.match(text)
        if found is None or found.end() >= len(norm.text):
            return None
        if self._device_lead.match(norm.text, found.end()) is not None:
            return None  # one room first, not a list of them (and no deep recursion)
        start, _ = norm.span(found.end(), found.end() + 1)
        rest = self.parse_part(norm, start, len(norm.original))
        return self.with_device(norm, rest, found.span("device"))

    @staticmethod
    def with_device(norm: Normalized, rest: Intent, device: tuple[int, int]) -> Intent | None:
        """``rest`` with the device at ``device`` (a normalised range), when its intent has a
        device slot and names none; else None."""
        if rest.name == "none" or "device" in rest.slots:
            return None
        if "device" not in INTENT_SLOTS[rest.name]:
            return None
        a, b = device
        spans = {**rest.spans, "device": norm.span(a, b)}
        slots = {**rest.slots, "device": norm.original_slice(a, b)}
        return dataclasses.replace(rest, slots=slots, spans=spans)

    def parse_part(self, norm: Normalized, start: int, end: int, lead: str = "") -> Intent:
        """The parse of ``norm.original[start:end]`` (with ``lead``, a verb such as "play ",
        put in front), its spans moved to point into the whole original text."""
        depth = getattr(_NESTED, "depth", 0)
        if depth >= MAX_NESTED_PARSES:
            return Intent.none(NO_MATCH_CONFIDENCE)  # pre-passes parsing their own parts
        led = getattr(_NESTED, "led", False)
        _NESTED.depth, _NESTED.led = depth + 1, bool(lead)
        try:
            part = self.parse(lead + norm.original[start:end])
        finally:
            _NESTED.depth, _NESTED.led = depth, led
        shift = start - len(lead)
        if not shift or not part.spans:
            return part
        spans = {slot: (a + shift, b + shift) for slot, (a, b) in part.spans.items()}
        return dataclasses.replace(part, spans=spans)

    def _title_over(self, norm: Normalized, match: Match) -> Match:
        """"put sweater weather on after this one", "queue the heat is on", "put the sound of
        silence": an out-of-domain, volume or transport word ("weather", "heat", "silence")
        inside a famous song title asked for with a request verb. The best music request
        whose slots hold the whole title wins over the out-of-domain rule; over a command
        only a title of three words or more that ends the request ("play the next episode"
        stays a command). Otherwise ``match`` stands."""
        text = norm.text
        verb = _REQUEST_VERB.match(text)
        if verb is None:
            return match
        words = text[verb.end() :].split(" ")
        starts = [verb.end()]
        for word in words[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        names = self.catalog_names
        title: tuple[int, int] | None = None  # the longest famous title of two words or more
        longest = 1
        # the title comes right after the verb ("put sweater weather on", "queue the heat is on")
        for i in range(2 if words[0] in ("the", "me", "us") else 1):
            if words[i] in _NOT_TITLE_START:
                continue
            for j in range(min(len(words), i + TITLE_WORDS), i + longest, -1):
                if names.famous_title(" ".join(words[i:j])):
                    title, longest = (starts[i], starts[j - 1] + len(words[j - 1])), j - i
                    break
        if title is None:
            return match
        a, b = title
        if match.pattern.intent == "none" and self.gazetteers.lookup(
            "TVSHOW", text[a:b]
        ) is not None:
            return match  # "play stranger things on netflix": the series, on a screen
        command = match.pattern.intent != "none"
        if command and (
            longest < 3 or _AFTER_TITLE.fullmatch(text, b) is None
            or text[a:b].removeprefix("the ").split(" ", 1)[0] in NOT_A_TITLE_START
        ):
            return match  # "play the next song", "play the next episode": commands

        def names_title(m: Match) -> bool:
            """The match asks for the title: a slot of exactly it, or the content after the
            verb when the words between are the title and frame words ("put X on")."""
            if m.pattern.intent not in _MUSIC_REQUESTS:
                return False
            for group, (x, y) in m.groups.items():
                if not group.startswith("x_") and y == b and (
                    x <= a and text[x:a] in ("", "the ") or command and text[a:x] == "the "
                ):
                    return True
            verb_end = m.groups.get("x_verb", (0, -1))[1]
            return (
                m.pattern.refine == "content"
                and text[verb_end:a].strip() in ("", "the")
                and _AFTER_TITLE.fullmatch(text, b) is not None
            )

        return self.grammar.best(text, names_title) or match

    def _trailing_room(self, norm: Normalized) -> Intent | None:
        """"play some cold war kids in jacob's room", "pause the music in jacob's room": a
        room named for a person at the end. The command before it is parsed alone and takes
        the room as its device when its intent has a device slot and names none (the
        grammars' device macro keeps to gazetteer rooms, so that the families' suffixes
        stay indexable by their first characters)."""
        found = _NAMED_ROOM.search(norm.text)
        if found is None or found.start() == 0:
            return None
        whole = self.grammar.best(norm.text)
        if whole is not None and whole.pattern.intent == "music.transfer":
            return None  # "send the music to jacob's room": the transfer reads it whole
        _, end = norm.span(0, found.start())
        return self.with_device(norm, self.parse_part(norm, 0, end), found.span("room"))

    def _before_other_request(self, norm: Normalized) -> Intent | None:
        """"put on some music in the kitchen and turn off the lights": a music request joined
        to a request of another domain. The music request before the join answers alone,
        when the words after it are out of domain and the words before it a request."""
        found = _AND_OTHER_REQUEST.search(norm.text)
        if found is None or found.start() == 0:
            return None
        _, end = norm.span(0, found.start())
        start, _ = norm.span(found.start("other"), found.start("other") + 1)
        if self.parse(norm.original[start:]).name != "none":
            return None  # "play jazz and turn it up": both are ours
        first = self.parse_part(norm, 0, end)
        return first if first.name != "none" else None

    def _get_going(self, norm: Normalized) -> Intent | None:
        """"can i get some diplo going in the living room", "let's get some september of
        earth wind and fire going": music asked for by "get ... going". What is got is
        parsed with "play" in front; it answers when that names a genre, a decade or an
        artist the catalog knows, with a room said last as its device."""
        found = _GET_GOING.search(norm.text)
        if found is None:
            return None
        a, b = norm.span(found.start("item"), found.end("item"))
        part = self.parse_part(norm, a, b, "play ")
        artist = part.slots.get("artist")
        if part.name != "music.play" or not (
            "genre" in part.slots or "year" in part.slots
            or isinstance(artist, str) and self.catalog_names.type_of(artist) == "artist"
        ):
            return None  # a genre, a decade or a known artist ("let's get some coffee going")
        part = dataclasses.replace(part, confidence=part.confidence * 0.9)
        if not found.group("room"):
            return part
        room = self.room_at_end(norm.text, found.end("item"))
        return None if room is None else self.with_device(norm, part, room.span(1)) or part

    def _wrapped(self, norm: Normalized) -> Intent | None:
        """"is there any reggae you can put on", "is there any chance to hear radio x", "i
        wish i could hear rabbit in your headlights": a request asked as a question or a
        wish. The thing asked for is parsed with "play" in front; it answers when that names
        something to play."""
        found = _WRAPPED.fullmatch(norm.text)
        if found is None:
            return None
        group = next(g for g in _WRAPPED_ITEMS if found.group(g))
        a, b = norm.span(found.start(group), found.end(group))
        part = self.parse_part(norm, a, b, "play ")
        if not plays_named(part) or group == "had" and NAMED_CONTENT.intersection(
            part.slots
        ) == {"query"} and part.slots.get("kind") not in MEDIA_KINDS:
            return None  # "is there any chance you have time tomorrow": no name of music
        return dataclasses.replace(part, confidence=part.confidence * 0.9)

    def room_at_end(
        self, text: str, pos: int = 0, *, after_for: bool = False
    ) -> re.Match[str] | None:
        """The room or device of the device gazetteer that ends ``text[pos:]`` with its
        preposition ("... in the kitchen", "... on the kitchen speaker"), or None; group 1 is
        the name with its device noun, group "room" the room. ``after_for``: "for the
        kitchen" too, where no purpose can be meant ("for the gym" may be one)."""
        room = _ROOM_END.search(text, pos)
        if room is None or (not after_for and text.startswith(" for ", room.start())) or (
            self.gazetteers.lookup("DEVICE", room.group("room")) is None
        ):
            return None
        return room

    def _before_reason(self, norm: Normalized, found: re.Match[str]) -> Intent | None:
        """"put some jazz on so i can relax a bit", "play hello by adele while i cook", "turn
        it up because i can't hear": a command followed by the reason for it. The command
        answers alone when it asks for something (a play request names its content), unless a
        famous title holds the joining word."""
        if " " not in norm.text[: found.start()] or norm.text.count(" ", 0, found.start()) > 11:
            return None  # "play because of you": a title after the verb; a long story before
        if any(a <= found.start() + 1 < b for a, b in self.titles.spans(norm.text)):
            return None  # "play hello by adele while my guitar gently weeps"
        _, end = norm.span(0, found.start())
        head = self.parse_part(norm, 0, end)
        if head.name not in _REASON_HEADS or (
            head.name in _PLAY_OR_QUEUE and not NAMED_CONTENT.intersection(head.slots)
            and head.slots.get("kind") not in MEDIA_KINDS
        ):
            return None
        room = self.room_at_end(norm.text, found.end())
        if room is not None:  # "put on bluey for the kids on the tv": the room after the reason
            return self.with_device(norm, head, room.span(1)) or head
        return head

    def _before_chatter(self, norm: Normalized, match: Match) -> Intent | None:
        """"tune in to one oh five point one please my son is calling to the show", "play the
        podcast huberman lab i want to learn about sleep": a long text, a whole request and
        then a story about it, which the request's name ran on into. Where a story starts
        inside the name (a new subject and its verb, "because", "until i") with three words
        or more after it, the words before are parsed alone and answer when they are a whole
        request (a play request names what to play); not when the name is a famous title
        ("play when i was your man")."""
        text = norm.text
        for group, (x, y) in match.groups.items():
            if group.startswith("x_") or slot_of(group) not in _NAME_SLOTS:
                continue
            if x == 0:
                continue  # a name said first, no request before it
            cut = _STORY_STARTS.search(text, x, y)
            if cut is None or cut.start() <= x or text.count(" ", cut.end(), y) < 2:
                continue
            if self._title_across(text, cut):
                return None
            _, end = norm.span(0, cut.start())
            return self._chatter_part(self.parse_part(norm, 0, end))
        return None

    def _command_then_story(self, norm: Normalized) -> Intent | None:
        """"change the song please i heard it already three times this week", "go back to the
        song before this one i didn't hear it well because the kettle was whistling": a long
        text no grammar read whole (or an out-of-domain rule read a word of the story), a
        whole command first and a story after it. The words before each of the first places
        a story may start are parsed alone; the first whole request answers (a play request
        names what to play)."""
        text = norm.text
        for cut in itertools.islice(_STORY_STARTS.finditer(text), 2 * CHATTER_TRIES):
            if text.count(" ", 0, cut.start()) < 1 or text.count(" ", cut.end()) < 2:
                continue  # a command of two words or more, a story of three
            if self._title_across(text, cut):
                return None  # "play i want it that way by the backstreet boys ..."
            _, end = norm.span(0, cut.start())
            head = self._chatter_part(self.parse_part(norm, 0, end))
            if head is None or head.name in _PLAY_OR_QUEUE and not (
                NAMED_CONTENT.intersection(head.slots)
            ):
                continue  # a kind word alone ("... the radio") is no whole request
            if head.name.startswith("playlist.") and not _LIST_SAID.search(text, 0, cut.start()):
                continue  # "put X on Y" with no list word: no playlist before a story
            return head
        return None

    def _title_across(self, text: str, cut: re.Match[str]) -> bool:
        """Whether a famous title runs across the ``cut`` where a story starts (normalised),
        or starts with its joining word: "play when i was your man", "save the song as it
        was into ..." hold one title."""
        words = text.split(" ")
        k = text.count(" ", 0, cut.start()) + 1  # the words before the cut
        last = k + 1 if cut.group("join") else k  # "as | it was": a title may open with it
        return any(
            self.catalog_names.famous_title(" ".join(words[i:j]))
            for i in range(max(0, k - _LONG_TITLE + 1), last)
            for j in range(max(k + 1, i + 2), min(len(words), i + _LONG_TITLE) + 1)
        )

    def _verb_last(self, norm: Normalized) -> Intent | None:
        """"blinding lights the weeknd play that", "that new sabrina carpenter song
        espresso play it": the thing first, the verb last pointing back at it. The thing is
        parsed with "play" in front; it answers when that names something to play."""
        found = _VERB_LAST.fullmatch(norm.text)
        if found is None:
            return None
        words = found.group("item").split(" ")
        late = found.group("bare__2") or found.group("want")  # "put", "start", "i want"
        bare = found.group("bare") or late
        if bare and (
            len(words) > (8 if late else 6)
            or late and len(words) < 2 and self.gazetteers.lookup("GENRE", words[0]) is None
            # "audio start" (but "reggaeton put")
            or MEDIA_CUES.isdisjoint(words) and _LIKED_WORDS.isdisjoint(words)
            and not names_content(self, found["item"])
        ):
            return None  # "come out and play": a title; "book the alchemist play" names a book
        asked_on = _WHATS_ON.match(norm.text, 0, found.end("item")) if found.group("want") else None
        if (found.group("on") or bare) and words[0] in VERBS and asked_on is None and (
            words[0] not in MEDIA_CUES  # "book of stephen king i want listen"
        ):
            return None  # "what album is dean town on": a question (but "what's on kiss fm
            # right now i want to hear it")
        if found.group("on") == "on" and len(words) > 4:
            return None  # "find the best rock station near my location and turn it on"
        # "my son wants the gruffalo audiobook can you put it", "my husband likes the
        # classical station can you put that", "i always listen to lbc so put that on"
        item_end = found.end("item")
        searched = asked_on or _SEARCH_LEAD.match(norm.text, 0, item_end) or (
            _SOMEONE_WANTS.match(norm.text, 0, item_end)
            or _SOMEONE_LIKES.match(norm.text, 0, item_end)
            or _HABIT_LEAD.match(norm.text, 0, item_end)
        )
        a, b = norm.span(0 if searched is None else searched.end(), item_end)
        verb = found.group("verb") or found.group("bare__2") or ""
        verb = "queue " if verb.startswith("queue") else "read " if verb == "read" else "play "
        item = self.parse_part(norm, a, b, verb)
        if item.name not in _PLAY_OR_QUEUE or not item.slots:
            return None
        if late and item.slots.get("kind") in MEDIA_KINDS and (
            "query" not in item.slots and "genre" not in item.slots  # (not "jazz radio put")
        ):
            return None  # "the shining audio book stephen king start": the show's name is lost
        if found.group("on") and item.slots.get("kind") not in MEDIA_KINDS and not (
            TYPED_CONTENT.intersection(item.slots)
        ):
            return None  # "the lights turn on": no station, show or known name
        return dataclasses.replace(item, confidence=item.confidence * 0.9)

    def _corrected(self, norm: Normalized) -> Intent | None:
        """"play adele no wait play taylor swift", "play coldplay actually no make it oasis":
        a request corrected on the way is the correction. When the words before the last
        correction marker ask for something, the words after it are parsed alone, or with
        "play" put in front when they name only the thing ("oasis"); the correction answers
        only when it is a play or queue request (spans still point into the whole text)."""
        lowered = norm.original.lower()
        markers = list(_CORRECTION.finditer(lowered))
        found = markers[-1] if markers else None
        if found is None or found.end() >= len(lowered) or found.start() == 0:
            return None
        before = self.parse(norm.original[: found.start()])
        end = len(lowered)
        if before.name == "music.volume":
            # "volume up sorry i mean down", "turn it up no wait down": the other way
            rest = self.parse_part(norm, found.end(), end)
            if rest.name != "music.volume":
                rest = self.parse_part(norm, found.end(), end, "turn it ")
            if rest.name != "music.volume":
                return None
            return dataclasses.replace(rest, confidence=rest.confidence * 0.9)
        if before.name not in _PLAY_OR_QUEUE or not before.slots:
            return None  # nothing asked before the marker: "play i mean it by g eazy"
        rest = self.parse_part(norm, found.end(), end)
        if rest.name not in _PLAY_OR_QUEUE:
            verb = "queue " if _QUEUE_FIRST.match(lowered) else "play "
            rest = self.parse_part(norm, found.end(), end, verb)
        if rest.name not in _PLAY_OR_QUEUE or not rest.slots:
            return None
        return dataclasses.replace(rest, confidence=rest.confidence * 0.9)

    def _show_resumed(self, norm: Normalized) -> Intent | None:
        """"i was reading dune yesterday can we go on with it", "where were we in the hobbit
        book lets go on", "i fell asleep during the daily put it back where i was": a story
        that names a book or podcast the lists know, then asks to go on; the longest such
        name said before the asking is what to play (an everyday word alone names none)."""
        found = _RESUMING.search(norm.text)
        if found is None:
            middle = _MIDDLE_OF.match(norm.text)  # "i was in the middle of pride and prejudice"
            if middle is None:
                return None
            words = norm.text.split(" ")
            after = norm.text.count(" ", 0, middle.end())
            best = longest_show(self, words[after:], _RESUMED_KINDS, one_word=True)
            if best is None or after + best[1] < len(words) - 2:
                return None  # (at most "last night" or "yesterday" after the name)
            return show_played(
                norm, words, (after + best[0], after + best[1], best[2]), 0.6, "show:resumed"
            )
        words = norm.text[: found.start()].split(" ")
        best = longest_show(self, words, _RESUMED_KINDS, one_word=True)
        if best is None:
            return None
        first, last, kind = best
        if kind == "podcast" and "episode" in words:
            kind = "episode"  # "any new episode of radiolab put it on"
        return show_played(norm, words, (first, last, kind), 0.6, "show:resumed")

    def _held(self, norm: Normalized) -> Intent | None:
        """"hold on i got a call", "hang on someone is at the door": a wait said first (the
        normaliser drops it as a filler), then only a story, no command: a pause."""
        if _HELD_STORY.match(norm.original.lower()) is None:
            return None
        return Intent.owned("music.pause", {}, 0.6, {}, "held")

    def _clarified(self, norm: Normalized) -> Intent | None:
        """"dynamite taio cruz not the bts one", "lady gaga shallow the one with bradley
        cooper", "my heart will go on celine dion the titanic one": a name, then which one is
        meant; the name answers alone when it names something without a verb."""
        found = _CLARIFIER.search(norm.text)
        if found is None or found.start() == 0:
            return None
        _, end = norm.span(found.start() - 1, found.start())
        part = self.parse_part(norm, 0, end)
        if not named_without_verb(part):
            return None
        return dataclasses.replace(part, confidence=part.confidence * 0.9)

    def _listed_show(self, item: Intent) -> bool:
        """Whether ``item``'s query is a station, podcast or book of the lists."""
        query = item.slots.get("query")
        return isinstance(query, str) and self.gazetteers.title_kind(
            self.normalizer.normalize(query).text
        ) is not None

    def _named_after_so(self, norm: Normalized, listed: bool = False) -> Intent | None:
        """"my husband wants the news so npr", "i feel like dancing so disco": a story, then
        "so" and the name of what to play alone, which answers when it names something the
        lists know (read as said alone, without a verb). With ``listed``, "now" may join
        too and only a station, podcast or book of the lists answers."""
        at = norm.text.rfind(" so ")
        if listed:
            at = max(at, norm.text.rfind(" now "))
        if at < 0 or " " not in norm.text[:at]:
            return None
        at = norm.text.index(" ", at + 1)  # the space after the joining word
        if norm.text.count(" ", at + 1) > (_NAMED_AFTER_SO_SPACES + 3 if listed else (
            _NAMED_AFTER_SO_SPACES
        )):  # (a name of the lists may have a room said after it)
            return None
        if listed and longest_show(self, norm.text[at + 1 :].split(" ")) is None:
            return None  # the cheap test first: no name of the lists after it
        start, _ = norm.span(at + 1, at + 2)
        part = self.parse_part(norm, start, len(norm.original))
        if not named_without_verb(part):
            return None
        if (listed or NAMED_CONTENT.intersection(part.slots) == {"query"}) and not (
            self._listed_show(part)
        ):
            return None  # "long drive ahead so some funny podcast": a description, not a name
        return dataclasses.replace(part, confidence=part.confidence * 0.9)

    def _control_after_clause(self, norm: Normalized) -> Intent | None:
        """"i need to take this call so hold on with the song", "the phone call is over so go
        on with the song": a story, then "so" and a command that controls what plays (no
        play request), whatever rule read a word of the story."""
        joins = [
            m for m in _CLAUSE_JOIN.finditer(norm.text)
            if m.group("command") and m.group(0).startswith(" so ")
        ]
        if not joins or not joins[-1].group("command").startswith(_CONTROL_WORDS):
            return None
        at = joins[-1].start("command")
        start, _ = norm.span(at, at + 1)
        tail = self.parse_part(norm, start, len(norm.original))
        if tail.name not in _CONTROLS:
            return None
        return dataclasses.replace(tail, confidence=tail.confidence * 0.9)

    def _command_after_clause(self, norm: Normalized, caught: bool = False) -> Intent | None:
        """"stop talking and play some music": an out-of-domain clause joined to a command.
        The command after the last joining word is parsed alone; it answers only when it is
        in domain (spans still point into the whole text). When a catch-all pattern
        ``caught`` the text, a command that points back ("... and play it") leaves it be."""
        joins = list(_CLAUSE_JOIN.finditer(norm.text))
        if not joins:
            return None
        found = joins[-1]
        if found.group("command__2"):
            leading = self._leading_device(norm)  # "in the kitchen play some jazz": a room first
            if leading is not None:
                return leading
        at = found.start("command") if found.group("command") else found.start("command__2")
        if _LETS_PLAY.fullmatch(norm.text, at):
            return None  # "rock paper scissors let's play": a game, nothing named to play
        if caught and (_POINTS_BACK.match(norm.text, at) or _BARE_PLAY_LAST.match(
            norm.text, at
        ) and not MEDIA_CUES.isdisjoint(norm.text[:at].split(" "))):
            return None  # "find the best folk podcast and play it": the first clause names it
        start, _ = norm.span(at, at + 1)
        tail = self.parse_part(norm, start, len(norm.original))
        if tail.name == "none":
            return None
        return dataclasses.replace(tail, confidence=tail.confidence * 0.9)

    def _read(
        self, match: Match, norm: Normalized, titled: tuple[tuple[int, int], ...] = ()
    ) -> Intent | None:
        """The intent ``match`` reads: its draft refined and finished, or None when the draft
        is refused."""
        draft = self._draft(match, norm, titled)
        if draft is None:
            return None
        if match.pattern.refine:
            self.refiners[match.pattern.refine](draft)
        return self._finish(draft)

    def _draft(
        self, match: Match, norm: Normalized, titled: tuple[tuple[int, int], ...] = ()
    ) -> Draft | None:
        pattern = match.pattern
        slots: dict[str, SlotValue] = {}
        spans: dict[str, tuple[int, int]] = {}
        sign = int(pattern.options.get("sign", 1))
        # `refine: content` re-reads every content slot from the words after the verb (it
        # drops what the groups held first), so their text is not read here
        reread = _REREAD_SLOTS if pattern.refine == "content" else frozenset()
        for group, (a, b) in match.groups.items():
            if b <= a or group.startswith("x_"):
                continue
            slot = _slot_of(group)
            value: SlotValue | None
            if slot not in _CONVERTED_SLOTS:
                if slot not in reread:
                    slots[slot] = norm.original_slice(a, b)
                    spans[slot] = (a, b)
                continue
            text = norm.text[a:b]
            if slot == "kind_word":
                kind = self.gazetteers.lookup("KIND", text)
                if kind is None:
                    continue
                slot, value = "kind", kind
            elif slot == "level":
                value = convert.level(text)
            elif slot == "delta":
                found = convert.amount(text)
                value = None if found is None else sign * found
            elif slot == "delta_ms":
                found = convert.duration_ms(text)
                value = None if found is None else sign * found
            elif slot == "position_ms":
                value = convert.clock_ms(text)
            elif slot == "index":
                value = convert.ordinal(text)
            else:  # shuffle
                value = "on"  # the group only matches a request for shuffle
            if value is None:
                return None
            slots[slot] = value
            spans[slot] = (a, b)
        for slot, fixed in pattern.slots.items():
            if slot not in slots:
                slots[slot] = fixed
        literal = match.literal / max(1, len(norm.text))
        confidence = 0.55 + 0.45 * literal
        return Draft(pattern.intent, slots, spans, norm, match, self, confidence, titled)

    @staticmethod
    def _named_device(draft: Draft) -> None:
        """"raise the volume of the living room speaker to 60", "make the kitchen louder": a
        room or speaker named with "the" or "my" anywhere in a volume command is its device."""
        text = draft.norm.text
        owned = _OWNERS_ROOM.search(text)
        if owned is not None:
            draft.set_text("device", *owned.span(1))  # "softer in emma's room she's asleep"
            return
        for entity in draft.entities_in(0, len(text), ("DEVICE",)):
            if entity.text == "phone" and _ON_A_CALL.search(text, 0, entity.start):
                continue  # a call, not the phone's speaker
            if entity.text in ROOM_ADVERBS:
                draft.set_text("device", entity.start, entity.end)  # "the music downstairs"
                return
            noun = DEVICE_NOUN_AFTER.match(text, entity.end)
            before = " " + text[max(0, entity.start - 7) : entity.start]  # a word at the start too
            if noun is not None or before.endswith(_ROOM_SAID_AFTER):
                # "the kitchen", "raise volume kitchen speaker by ten", "volume bedroom to
                # forty", "lower in kitchen the music"
                draft.set_text("device", entity.start, entity.end if noun is None else noun.end())
                return

    def _finish(self, draft: Draft) -> Intent:
        allowed = INTENT_SLOTS[draft.intent]
        query = draft.spans.get("query")
        if draft.intent == "music.play" and query is not None and not (
            _DESCRIBED_NAMES.isdisjoint(draft.slots)
        ) and self.gazetteers.lookup("MOOD", draft.norm.text[query[0] : query[1]]):
            draft.drop("query")  # "some sad songs from the fifties": the mood describes them
        if draft.intent == "music.volume" and "device" not in draft.spans:
            self._named_device(draft)
        if "device" in draft.spans:
            a, b = draft.spans["device"]
            noun = DEVICE_NOUN_AFTER.match(draft.norm.text, b)
            if noun is not None and not DEVICE_NOUN_AFTER.search(draft.norm.text, a, b):
                draft.set_text("device", a, noun.end())  # "the kitchen | speaker too loud"
        slots: dict[str, SlotValue] = {}
        spans: dict[str, tuple[int, int]] = {}
        read = draft.spans
        span = draft.norm.span
        for slot, value in draft.slots.items():
            if slot not in allowed:
                continue
            if slot in _TYPED_SLOTS:
                value = bool(value) if slot in BOOL_SLOTS else int(value)
            elif value.__class__ is not str:
                value = ("on" if value else "off") if isinstance(value, bool) else str(value)
            slots[slot] = value
            where = read.get(slot)
            if where is not None:
                spans[slot] = span(*where)
        return Intent.owned(draft.intent, slots, draft.confidence, spans, draft.match.pattern.id)
