"""Live playback state per user, for the WebSocket listeners: one watcher per listened user.

A watcher exists only while someone listens to that user. It pushes the playback state when
it changes, for two reasons:

* **our own commands**: it subscribes to the orchestrator's event bus and re-reads the
  state at once after a command of that user (``cause: "command"``);
* **changes made elsewhere** (the Spotify app, another remote, the sandbox's control plane):
  it polls adaptively (``cause: "poll"``) — every ``active`` seconds while playing, sooner
  when the track is about to end, every ``idle`` seconds when paused or nothing is active,
  and not at all when nobody listens (USER-DEMANDS #20: no background polling by default).

"Changed" ignores the clock ticking: progress counts only when it jumps (a seek), i.e. it
differs from what the elapsed time predicts by more than ``SEEK_TOLERANCE_MS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from skill.errors import SkillError
from skill.music.events import EventBus, PlaybackChanged

log = logging.getLogger("skill.web.live")

SEEK_TOLERANCE_MS = 2500
QUEUE_SIZE = 32

FetchState = Callable[[str], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class LivePolicy:
    """Poll intervals in seconds."""

    active: float = 2.0
    """While something plays."""
    idle: float = 10.0
    """Paused, nothing active, or the state could not be read."""
    end_margin: float = 0.3
    """Poll this long after the current track should end."""
    minimum: float = 0.25

    def interval(self, state: dict[str, Any] | None) -> float:
        if not state or not state.get("is_playing"):
            return self.idle
        item = state.get("item") or {}
        duration = item.get("duration_ms") if isinstance(item, dict) else None
        progress = state.get("progress_ms")
        wait = self.active
        if isinstance(duration, int) and isinstance(progress, int) and duration > 0:
            left = (duration - progress) / 1000 + self.end_margin
            wait = min(wait, left)
        return max(self.minimum, wait)


def signature(state: dict[str, Any] | None) -> tuple[Any, ...]:
    """What makes two states different for a listener (progress excluded)."""
    if not state:
        return ("none",)
    item = state.get("item") or {}
    device = state.get("device") or {}
    context = state.get("context") or {}
    return (
        bool(state.get("is_playing")),
        item.get("uri") if isinstance(item, dict) else None,
        device.get("id") if isinstance(device, dict) else None,
        device.get("volume_percent") if isinstance(device, dict) else None,
        state.get("shuffle_state"),
        state.get("repeat_state"),
        context.get("uri") if isinstance(context, dict) else None,
    )


@dataclass
class Listener:
    user_id: str
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_SIZE)
    )
    dropped: int = 0

    def offer(self, message: dict[str, Any]) -> None:
        while True:
            try:
                self.queue.put_nowait(message)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()
                self.dropped += 1


class _Watcher:
    def __init__(self, hub: LiveHub, user_id: str) -> None:
        self.hub = hub
        self.user_id = user_id
        self.listeners: list[Listener] = []
        self.last: dict[str, Any] | None = None
        self.last_error: str | None = None
        self._sig: tuple[Any, ...] | None = None
        self._fetched_at = 0.0
        self.task: asyncio.Task[None] | None = None

    def broadcast(self, message: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener.offer(message)

    def _changed(self, state: dict[str, Any]) -> bool:
        sig = signature(state)
        if sig != self._sig:
            return True
        if not state.get("is_playing") or self.last is None:
            return False
        before, now = self.last.get("progress_ms"), state.get("progress_ms")
        if not isinstance(before, int) or not isinstance(now, int):
            return False
        expected = before + (time.monotonic() - self._fetched_at) * 1000
        return abs(now - expected) > SEEK_TOLERANCE_MS

    async def refresh(self, cause: str) -> None:
        try:
            state = await self.hub.fetch(self.user_id)
        except SkillError as exc:
            if exc.code != self.last_error:
                self.last_error = exc.code
                self.broadcast({"type": "error", "error": exc.to_dict()})
            return
        except Exception:
            log.exception("live state of a user could not be read")
            return
        self.last_error = None
        changed = self._changed(state)
        self.last, self._sig, self._fetched_at = state, signature(state), time.monotonic()
        if changed:
            self.hub.pushed(cause)
            self.broadcast({"type": "state", "cause": cause, "state": state})

    async def run(self) -> None:
        events = self.hub.events
        subscription = events.subscribe(self.user_id) if events is not None else None
        try:
            await self.refresh("initial")
            while self.listeners:
                wait = self.hub.policy.interval(None if self.last_error else self.last)
                event: PlaybackChanged | None = None
                if subscription is None:
                    await asyncio.sleep(wait)
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(wait):
                            event = await subscription.get()
                if not self.listeners:
                    break
                if event is not None:
                    self.broadcast({"type": "command", "event": _event_body(event)})
                    await self.refresh("command")
                else:
                    self.hub.polled()
                    await self.refresh("poll")
        finally:
            if subscription is not None:
                subscription.close()


def _event_body(event: PlaybackChanged) -> dict[str, Any]:
    body = event.to_dict()
    body.pop("user_id", None)
    return body


class LiveHub:
    """Watchers by user; started with the first listener, stopped with the last."""

    def __init__(
        self,
        fetch: FetchState,
        *,
        events: EventBus | None,
        policy: LivePolicy | None = None,
        on_push: Callable[[str], None] | None = None,
        on_poll: Callable[[], None] | None = None,
    ) -> None:
        self.fetch = fetch
        self.events = events
        self.policy = policy or LivePolicy()
        self._watchers: dict[str, _Watcher] = {}
        self._on_push = on_push
        self._on_poll = on_poll

    def pushed(self, cause: str) -> None:
        if self._on_push is not None:
            self._on_push(cause)

    def polled(self) -> None:
        if self._on_poll is not None:
            self._on_poll()

    def listen(self, user_id: str) -> Listener:
        listener = Listener(user_id)
        watcher = self._watchers.get(user_id)
        if watcher is None:
            watcher = self._watchers[user_id] = _Watcher(self, user_id)
        watcher.listeners.append(listener)
        if watcher.last is not None:
            listener.offer({"type": "state", "cause": "initial", "state": watcher.last})
        if watcher.task is None or watcher.task.done():
            watcher.task = asyncio.create_task(watcher.run(), name=f"live-{len(self)}")
        return listener

    async def leave(self, listener: Listener) -> None:
        watcher = self._watchers.get(listener.user_id)
        if watcher is None:
            return
        if listener in watcher.listeners:
            watcher.listeners.remove(listener)
        if not watcher.listeners:
            del self._watchers[listener.user_id]
            if watcher.task is not None:
                watcher.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await watcher.task

    def listening(self, user_id: str) -> int:
        watcher = self._watchers.get(user_id)
        return len(watcher.listeners) if watcher else 0

    def __len__(self) -> int:
        return sum(len(w.listeners) for w in self._watchers.values())

    async def close(self) -> None:
        for watcher in list(self._watchers.values()):
            watcher.listeners.clear()
            if watcher.task is not None:
                watcher.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await watcher.task
        self._watchers.clear()
