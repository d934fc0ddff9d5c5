"""What every handler works with: the long-lived parts (:class:`Deps`) and one command in
flight (:class:`Turn`), plus the steps several handlers share (targeting, verified transfer,
one retry after ``Device not found``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from skill.errors import DeviceNotFound, PremiumRequired
from skill.music.devices import Devices, Target, check_controllable
from skill.music.events import EventBus, PlaybackChanged
from skill.music.outcome import Clarification, Command, Outcome, Playing
from skill.music.providers.base import DeviceInfo, MusicProvider, PlaybackInfo
from skill.music.store import MusicStore
from skill.nlu.models import Intent, SlotValue

log = logging.getLogger("skill.music")

T = TypeVar("T")

TRANSFER_VERIFY_MAX = 3.0
"""Longest wait for a transfer to show in the player state before playing anyway."""
PLAY_RESERVE = 1.0
"""Seconds of the command's budget kept for the play call after a transfer."""
PREMIUM_MEMO_TTL = 600.0
"""After Spotify said Premium is required, refuse playback up front for this long."""
_MEMO_LIMIT = 10_000


class ResolverLike(Protocol):
    """``skill.music.resolve.Resolver`` as the orchestrator uses it."""

    async def resolve(self, user_id: str, request: Any) -> Any: ...

    async def artist_instead(self, user_id: str, request: Any) -> Any: ...


class PremiumMemo:
    """Users Spotify recently refused for lack of Premium (bounded, expiring)."""

    def __init__(self, clock: Callable[[], float], ttl: float = PREMIUM_MEMO_TTL) -> None:
        self._clock = clock
        self._ttl = ttl
        self._until: OrderedDict[str, float] = OrderedDict()

    def note(self, user_id: str) -> None:
        self._until[user_id] = self._clock() + self._ttl
        self._until.move_to_end(user_id)
        while len(self._until) > _MEMO_LIMIT:
            self._until.popitem(last=False)

    def check(self, user_id: str) -> None:
        until = self._until.get(user_id)
        if until is None:
            return
        if until < self._clock():
            del self._until[user_id]
            return
        raise PremiumRequired(
            "Controlling playback needs Spotify Premium.",
            details={"reason": "PREMIUM_REQUIRED", "remembered": True},
        )


@dataclass
class Deps:
    """The long-lived parts every command uses."""

    provider: MusicProvider
    devices: Devices
    store: MusicStore
    resolver: ResolverLike
    events: EventBus
    premium: PremiumMemo
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    choice_ttl: float = 120.0
    """How long a clarification waits for ``music.choose``."""


@dataclass
class Turn:
    """One command being executed."""

    command: Command
    deps: Deps
    deadline: float
    """``deps.monotonic()`` time by which the command should be done."""
    wrote: bool = False
    """True once a write was sent to the provider (the command may have acted)."""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.command.user_id

    @property
    def intent(self) -> Intent:
        return self.command.intent

    @property
    def slots(self) -> Mapping[str, SlotValue]:
        return self.command.intent.slots

    @property
    def provider(self) -> MusicProvider:
        return self.deps.provider

    def slot_str(self, name: str) -> str | None:
        value = self.slots.get(name)
        if value is None or isinstance(value, bool):
            return None
        text = str(value).strip()
        return text or None

    def slot_int(self, name: str) -> int | None:
        value = self.slots.get(name)
        if isinstance(value, bool) or value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def named_device(self) -> str | None:
        """The device named in the utterance, else by the caller."""
        return self.slot_str("device") or (self.command.device or None)

    def remaining(self) -> float:
        return self.deadline - self.deps.monotonic()

    async def act(self, call: Awaitable[T]) -> T:
        """Send a write to the provider (noted: the command may have acted from here on)."""
        self.wrote = True
        return await call

    # ------------------------------------------------------------------ outcomes

    def ok(
        self,
        action: str,
        reply: str,
        *,
        playing: Playing | None = None,
        clarification: Clarification | None = None,
        **details: Any,
    ) -> Outcome:
        return Outcome(
            ok=True,
            reply=reply,
            intent=self.intent,
            text=self.command.text,
            action=action,
            playing=playing,
            clarification=clarification,
            details={**self.details, **details},
        )

    def changed(
        self,
        action: str,
        *,
        device: DeviceInfo | None = None,
        playing: Playing | None = None,
        is_playing: bool | None = None,
        volume_percent: int | None = None,
    ) -> None:
        """We changed the player: drop the device cache and tell subscribers."""
        self.deps.devices.invalidate(self.user_id)
        self.deps.events.publish(
            PlaybackChanged(
                user_id=self.user_id,
                action=action,
                device=device.name if device is not None else None,
                playing=playing,
                is_playing=is_playing,
                volume_percent=volume_percent,
            )
        )

    # ------------------------------------------------------------------ shared steps

    async def playback(self) -> PlaybackInfo | None:
        return await self.provider.playback(self.user_id)

    async def target(self, *, active_first: bool, playback: PlaybackInfo | None = None) -> Target:
        """The device to act on (``devices.Devices.choose``), checked for remote control."""
        active = playback.device if playback is not None and playback.device else None
        target = await self.deps.devices.choose(
            self.user_id,
            named=self.named_device(),
            source=self.command.source,
            active=active,
            active_first=active_first,
        )
        check_controllable(target.device)
        return target

    async def make_active(self, device: DeviceInfo, *, play: bool = False) -> DeviceInfo:
        """Transfer to ``device`` unless it is active, then poll the player until the
        transfer shows (Spotify applies it a moment later), within the command's budget.

        Returns the device (found again by name when Spotify no longer knew its id);
        ``details["transfer_verified"]`` says whether the transfer was seen."""
        if device.is_active or device.id is None:
            return device
        device = (await self.on_device(device, lambda d: self.act(
            self.provider.transfer(self.user_id, str(d.id), play=play))))[1]
        self.deps.devices.invalidate(self.user_id)
        limit = self.deps.monotonic() + min(TRANSFER_VERIFY_MAX, self.remaining() - PLAY_RESERVE)
        delay = 0.05
        while True:
            state = await self.playback()
            if state is not None and state.device is not None and state.device.id == device.id:
                self.details["transfer_verified"] = True
                return device
            if self.deps.monotonic() + delay > limit:
                log.warning("user %s: transfer to %s not visible yet; playing with its id",
                            self.user_id, device.name)
                self.details["transfer_verified"] = False
                return device
            await self.deps.sleep(delay)
            delay = min(delay * 2, 0.4)

    async def on_device(
        self, device: DeviceInfo, call: Callable[[DeviceInfo], Awaitable[T]]
    ) -> tuple[T, DeviceInfo]:
        """Run ``call(device)``; on ``Device not found`` re-list once (ids change) and retry
        with the same device found again by name."""
        try:
            return await call(device), device
        except DeviceNotFound:
            again = await self.deps.devices.refind(self.user_id, device)
            check_controllable(again)
            return await call(again), again
