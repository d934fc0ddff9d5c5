"""One handler per intent of the schema, in a dispatch table (``HANDLERS``).

A handler takes the command in flight (:class:`~skill.music.handlers.base.Turn`) and returns
an :class:`~skill.music.outcome.Outcome`, or raises a ``skill.errors`` class that the
orchestrator turns into a failed outcome.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from skill.music.handlers import (
    choose,
    connect,
    library,
    playback,
    playlists,
    transport,
    volume,
)
from skill.music.handlers.base import Turn
from skill.music.outcome import Outcome

Handler = Callable[[Turn], Awaitable[Outcome]]

HANDLERS: dict[str, Handler] = {
    "music.play": playback.play,
    "music.queue": playback.queue,
    "music.choose": choose.choose,
    "music.pause": transport.pause,
    "music.resume": transport.resume,
    "music.next": transport.next_track,
    "music.previous": transport.previous_track,
    "music.seek": transport.seek,
    "music.shuffle": transport.shuffle,
    "music.repeat": transport.repeat,
    "music.volume": volume.volume,
    "music.transfer": connect.transfer,
    "music.devices": connect.devices,
    "music.now_playing": library.now_playing,
    "music.like": library.like,
    "music.unlike": library.unlike,
    "playlist.add_current": playlists.add_current,
    "playlist.add": playlists.add,
    "playlist.create": playlists.create,
}

#: intents that control the player: refused up front for a user Spotify recently refused
#: for lack of Premium (read-only ones keep working)
PLAYER_INTENTS = frozenset({
    "music.play", "music.queue", "music.choose", "music.pause", "music.resume", "music.next",
    "music.previous", "music.seek", "music.shuffle", "music.repeat", "music.volume",
    "music.transfer",
})

__all__ = ["HANDLERS", "PLAYER_INTENTS", "Handler", "Turn"]
