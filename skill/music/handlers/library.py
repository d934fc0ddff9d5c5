"""What is playing, and liking or unliking it."""

from __future__ import annotations

from skill.errors import NotFound
from skill.music import replies
from skill.music.handlers.base import Turn
from skill.music.handlers.transport import playing_of
from skill.music.outcome import Outcome, Playing


async def now_playing(turn: Turn) -> Outcome:
    state = await turn.playback()
    playing = playing_of(state)
    if state is None or playing is None:
        return turn.ok("now_playing", replies.now_playing(None, None, False))
    what = replies.describe(playing.name, playing.artists)
    return turn.ok("now_playing", replies.now_playing(what, playing.device, state.is_playing),
                   playing=playing, is_playing=state.is_playing)


async def _current(turn: Turn) -> Playing:
    playing = playing_of(await turn.playback())
    if playing is None:
        raise NotFound("Nothing is playing.", details={"reason": "nothing_playing"})
    return playing


async def like(turn: Turn) -> Outcome:
    playing = await _current(turn)
    await turn.act(turn.provider.save(turn.user_id, [playing.uri]))
    return turn.ok("like", replies.liked(replies.describe(playing.name, playing.artists)),
                   playing=playing)


async def unlike(turn: Turn) -> Outcome:
    playing = await _current(turn)
    await turn.act(turn.provider.remove(turn.user_id, [playing.uri]))
    return turn.ok("unlike", replies.unliked(replies.describe(playing.name, playing.artists)),
                   playing=playing)
