"""Understanding music commands: text -> :class:`Intent` with slots, confidence and spans.

    from skill.nlu import Parser
    parser = Parser.default()          # build once (grammars/ and data/entities/)
    intent = parser.parse("play some 80s rock in the kitchen")
    intent.name, intent.slots, intent.confidence, intent.spans, intent.to_dict()
"""

from __future__ import annotations

from skill.nlu.models import INTENT_SLOTS, Intent
from skill.nlu.pipeline import MAX_CHARS, Parser

__all__ = ["INTENT_SLOTS", "MAX_CHARS", "Intent", "Parser"]
