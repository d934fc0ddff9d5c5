"""State changes as events: a tiny in-process publish/subscribe.

After every command that changes playback the orchestrator publishes a
:class:`PlaybackChanged`; the WebSocket of the web app subscribes per user. Subscribers get
an async iterator over a bounded queue: a slow subscriber loses its oldest events (it is
told how many through ``dropped``) and never slows a command down.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from skill.music.outcome import Playing

DEFAULT_QUEUE_SIZE = 64


@dataclass(frozen=True)
class PlaybackChanged:
    """Something we did changed the user's playback."""

    user_id: str
    action: str
    """The orchestrator's action ("play", "pause", "volume", "transfer", ...)."""
    device: str | None = None
    """Name of the device the change happened on."""
    playing: Playing | None = None
    is_playing: bool | None = None
    volume_percent: int | None = None
    at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "playback_changed",
            "user_id": self.user_id,
            "action": self.action,
            "device": self.device,
            "playing": None if self.playing is None else self.playing.to_dict(),
            "is_playing": self.is_playing,
            "volume_percent": self.volume_percent,
            "at": self.at,
        }


class Subscription:
    """One subscriber's queue; iterate it, close it when done (or use ``async with``)."""

    def __init__(self, bus: EventBus, user_id: str | None, size: int) -> None:
        self._bus = bus
        self.user_id = user_id
        self._queue: asyncio.Queue[PlaybackChanged | None] = asyncio.Queue(size)
        self.dropped = 0
        self.closed = False

    def _offer(self, event: PlaybackChanged) -> None:
        if self.closed:
            return
        while True:
            try:
                self._queue.put_nowait(event)
                return
            except asyncio.QueueFull:
                self._queue.get_nowait()
                self.dropped += 1

    async def get(self) -> PlaybackChanged | None:
        """The next event, or None once closed."""
        if self.closed and self._queue.empty():
            return None
        return await self._queue.get()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._bus._remove(self)
        try:
            self._queue.put_nowait(None)
        except asyncio.QueueFull:
            self._queue.get_nowait()
            self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[PlaybackChanged]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[PlaybackChanged]:
        while True:
            event = await self.get()
            if event is None:
                return
            yield event

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """Publish to everyone subscribed to that user (or to all users)."""

    def __init__(self) -> None:
        self._subscribers: list[Subscription] = []
        self.published = 0

    def subscribe(
        self, user_id: str | None = None, *, size: int = DEFAULT_QUEUE_SIZE
    ) -> Subscription:
        """Events of ``user_id`` (every user's when None)."""
        sub = Subscription(self, user_id, size)
        self._subscribers.append(sub)
        return sub

    def publish(self, event: PlaybackChanged) -> None:
        self.published += 1
        for sub in list(self._subscribers):
            if sub.user_id is None or sub.user_id == event.user_id:
                sub._offer(event)

    def _remove(self, sub: Subscription) -> None:
        if sub in self._subscribers:
            self._subscribers.remove(sub)

    def __len__(self) -> int:
        return len(self._subscribers)
