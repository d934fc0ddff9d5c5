"""Where a command plays: device listing (cached briefly), matching and targeting.

Targeting follows one fixed order (DESIGN.md, USER-DEMANDS #1 and #7):

1. the device **named** in the command (the ``device`` slot or ``Command.device``): an id, a
   name or a room word, matched fuzzily ("kitchen" → "Kitchen Speaker", "the tv" → "Living
   Room TV", "phone" → "Alex's Phone");
2. the device of the **room the request came from** (``Command.source``): the device last
   used from that room or satellite, else a device whose name matches the room;
3. the **active** device, where Spotify is playing or paused right now (for commands that act
   on what plays — pause, next, volume … — it comes first, before the room);
4. the user's **default**, then **last-used** device (remembered in ``music.store``, by id
   and by name since ids change);
5. the **only** available device.

Anything else is never guessed: several devices and no rule picks one → ``no_active_device``
with the list of what Spotify can see. Restricted devices (``is_restricted``) are refused up
front with ``restricted_device``.

The device list is cached per user for :data:`DEVICE_TTL` seconds and dropped whenever we
change something (transfer, play, volume) and on Spotify's ``Device not found``.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from skill.errors import DeviceNotFound, NoActiveDevice, RestrictedDevice
from skill.music.names import normalize
from skill.music.providers.base import DeviceInfo, MusicProvider
from skill.music.store import MusicStore

DEVICE_TTL = 10.0
"""Seconds a user's device list is reused."""
_CACHE_LIMIT = 5_000
MATCH_THRESHOLD = 75.0
"""The lowest fuzzy score (0–100) that counts as naming a device."""
TIE_MARGIN = 4.0
"""Two devices within this many points of each other are too close to call."""

TargetReason = Literal["named", "source", "active", "default", "last", "only"]

_FILLER = re.compile(
    r"\b(?:the|my|our|on|in|at|to|speaker in|device|one|please|use|satellite|voice)\b"
)
#: spoken word → canonical word, applied to both sides before matching
_SYNONYMS = {
    "television": "tv", "telly": "tv", "lounge": "living room", "sound bar": "soundbar",
    "speakers": "speaker", "cellphone": "phone", "mobile": "phone", "iphone": "phone",
    "laptop": "computer", "desktop": "computer", "pc": "computer", "mac": "computer",
}
#: spoken word → Spotify device types it designates
_TYPE_WORDS = {
    "tv": {"tv"}, "phone": {"smartphone"}, "computer": {"computer"}, "speaker": {"speaker"},
    "tablet": {"tablet"}, "car": {"automobile"}, "soundbar": {"avr", "speaker"},
    "stereo": {"avr", "speaker"}, "chromecast": {"castaudio", "castvideo"},
}


def _canon(text: str) -> str:
    out = " " + normalize(text) + " "
    for word, canonical in _SYNONYMS.items():
        out = out.replace(f" {word} ", f" {canonical} ")
    return " ".join(out.split())


def _query(text: str) -> str:
    return " ".join(_FILLER.sub(" ", _canon(text)).split())


def _word_score(query: str, name: str) -> float:
    """Each spoken word against its best word of the name ("kichen" ~ "kitchen"), averaged."""
    words = name.split()
    spoken = query.split()
    if not words or not spoken:
        return 0.0
    return sum(max(float(fuzz.ratio(w, n)) for n in words) for w in spoken) / len(spoken) - 3.0


def match_score(query: str, device: DeviceInfo) -> float:
    """How well the spoken ``query`` names ``device`` (0–100)."""
    q = _query(query)
    if not q:
        return 0.0
    name = _canon(device.name)
    score = max(float(fuzz.token_set_ratio(q, name)), float(fuzz.ratio(q, name)),
                _word_score(q, name))
    # token_set_ratio scores a subset at 100 ("kitchen" ⊂ "kitchen speaker"); prefer the
    # name that says the least beyond the query so "living room" picks "Living Room TV" over
    # a hypothetical "Living Room TV Soundbar".
    score -= min(5.0, 0.2 * max(0, len(name) - len(q)))
    types = _TYPE_WORDS.get(q)
    if types and device.type.lower() in types:
        score = max(score, 90.0)
    return score


@dataclass(frozen=True)
class DeviceMatch:
    device: DeviceInfo | None
    """The device named, or None."""
    ties: tuple[DeviceInfo, ...] = ()
    """Devices too close to call (two or more) when ``device`` is None."""


def match_device(query: str, devices: Sequence[DeviceInfo]) -> DeviceMatch:
    """The device ``query`` names: an exact id, an exact name, else the best fuzzy match."""
    wanted = query.strip()
    for device in devices:
        if device.id is not None and device.id == wanted:
            return DeviceMatch(device)
    exact = [d for d in devices if _canon(d.name) == _canon(wanted)]
    if len(exact) == 1:
        return DeviceMatch(exact[0])
    scored = sorted(((match_score(wanted, d), d) for d in devices), key=lambda p: -p[0])
    good = [(s, d) for s, d in scored if s >= MATCH_THRESHOLD]
    if not good:
        return DeviceMatch(None)
    if len(good) > 1 and good[0][0] - good[1][0] < TIE_MARGIN:
        top = good[0][0]
        return DeviceMatch(None, tuple(d for s, d in good if top - s < TIE_MARGIN))
    return DeviceMatch(good[0][1])


@dataclass(frozen=True)
class Target:
    device: DeviceInfo
    reason: TargetReason


def device_names(devices: Sequence[DeviceInfo]) -> list[str]:
    return [d.name for d in devices]


def _not_found(name: str, devices: Sequence[DeviceInfo]) -> DeviceNotFound:
    return DeviceNotFound(
        f"No device called '{name}' is among this account's Spotify devices.",
        details={"device": name, "devices": device_names(devices)},
    )


#: names of every device at once ("play it everywhere"), after :func:`_query`
_EVERY_DEVICE = frozenset(
    ("everywhere", "whole house", "entire house", "all rooms", "every room", "all speaker",
     "every speaker", "all house", "all devices", "every", "all over house")
)


def names_every_device(name: str) -> bool:
    """Whether ``name`` asks for all the devices at once ("everywhere", "all speakers")."""
    return _query(name).replace("all of ", "all ") in _EVERY_DEVICE


def _every(name: str, devices: Sequence[DeviceInfo]) -> DeviceNotFound:
    """Spotify Connect plays on one device at a time: ask which one."""
    names = device_names(devices)
    return DeviceNotFound(
        f"Spotify plays on one device at a time, so '{name}' needs one of them.",
        details={"device": name, "ambiguous": names, "devices": names, "reason": "every_device"},
    )


def _ambiguous(name: str, ties: Sequence[DeviceInfo]) -> DeviceNotFound:
    return DeviceNotFound(
        f"'{name}' could be more than one device.",
        details={"device": name, "ambiguous": device_names(ties), "devices": device_names(ties)},
    )


def check_controllable(device: DeviceInfo) -> None:
    if device.is_restricted:
        raise RestrictedDevice(
            "That device does not accept remote control.",
            details={"device": device.name, "reason": "restricted"},
        )


def check_volume(device: DeviceInfo) -> None:
    check_controllable(device)
    if not device.supports_volume:
        raise RestrictedDevice(
            "That device does not allow volume control.",
            details={"device": device.name, "reason": "volume"},
        )


class Devices:
    """Device listing, matching and targeting for every user of one provider."""

    def __init__(
        self,
        provider: MusicProvider,
        store: MusicStore,
        *,
        ttl: float = DEVICE_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._provider = provider
        self._store = store
        self._ttl = ttl
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, list[DeviceInfo]]] = OrderedDict()
        self.listings = 0
        """How many times the provider was asked (for tests and stats)."""

    async def list(self, user_id: str, *, fresh: bool = False) -> list[DeviceInfo]:
        now = self._clock()
        cached = self._cache.get(user_id)
        if not fresh and cached is not None and cached[0] > now:
            self._cache.move_to_end(user_id)
            return list(cached[1])
        devices = await self._provider.devices(user_id)
        self.listings += 1
        self._cache[user_id] = (now + self._ttl, list(devices))
        self._cache.move_to_end(user_id)
        while len(self._cache) > _CACHE_LIMIT:
            self._cache.popitem(last=False)
        return list(devices)

    def invalidate(self, user_id: str) -> None:
        """Forget the user's list (we changed something, or Spotify lost a device)."""
        self._cache.pop(user_id, None)

    async def find(self, user_id: str, name: str) -> DeviceInfo:
        """The device ``name`` designates; re-lists once on a miss (devices appear late)."""
        devices = await self.list(user_id)
        found = match_device(name, devices)
        if found.device is None and not found.ties:
            devices = await self.list(user_id, fresh=True)
            found = match_device(name, devices)
        if found.device is not None:
            return found.device  # a speaker group may be called "Whole House"
        if names_every_device(name) and devices:
            # of the devices Spotify lets this app control (a restricted one is no choice)
            usable = [d for d in devices if not d.is_restricted] or list(devices)
            if len(usable) == 1:
                return usable[0]  # "everywhere" with one device is that device
            raise _every(name, usable)
        if found.ties:
            raise _ambiguous(name, found.ties)
        raise _not_found(name, devices)

    async def refind(self, user_id: str, device: DeviceInfo) -> DeviceInfo:
        """After Spotify said ``Device not found``: the same device (by name) re-listed."""
        self.invalidate(user_id)
        devices = await self.list(user_id, fresh=True)
        for candidate in devices:
            if candidate.id == device.id:
                return candidate
        for candidate in devices:
            if _canon(candidate.name) == _canon(device.name):
                return candidate
        raise _not_found(device.name, devices)

    async def choose(
        self,
        user_id: str,
        *,
        named: str | None,
        source: str | None,
        active: DeviceInfo | None,
        active_first: bool = False,
    ) -> Target:
        """The device to act on, by the fixed order of the module docstring."""
        if named:
            return Target(await self.find(user_id, named), "named")
        devices = await self.list(user_id)
        if active_first and active is not None:
            return Target(_fresh(active, devices), "active")
        if source:
            by_room = await self._from_source(user_id, source, devices)
            if by_room is not None:
                return Target(by_room, "source")
        if active is not None:
            return Target(_fresh(active, devices), "active")
        listed_active = [d for d in devices if d.is_active]
        if len(listed_active) == 1:
            return Target(listed_active[0], "active")
        for slot in ("default", "last"):
            remembered = await self._store.remembered_device(user_id, slot)
            if remembered is not None:
                device = _remembered(remembered.id, remembered.name, devices)
                if device is not None:
                    return Target(device, slot)
        usable = [d for d in devices if not d.is_restricted]
        if len(usable) == 1:
            return Target(usable[0], "only")
        if not devices:
            raise NoActiveDevice(
                "Spotify cannot see any device of this account right now.",
                details={"devices": []},
            )
        raise NoActiveDevice(
            "Several devices are available and none was named.",
            details={"devices": device_names(devices)},
        )

    async def _from_source(
        self, user_id: str, source: str, devices: Sequence[DeviceInfo]
    ) -> DeviceInfo | None:
        remembered = await self._store.remembered_device(user_id, source_slot(source))
        if remembered is not None:
            device = _remembered(remembered.id, remembered.name, devices)
            if device is not None:
                return device
        return match_device(source, devices).device

    async def remember(
        self, user_id: str, target: Target, *, source: str | None
    ) -> None:
        """Note where a command played: last-used always; the room's device when the user
        named it from a room whose name matches no device ("play it in the bedroom" from the
        study makes the bedroom the study's device)."""
        device = target.device
        await self._store.remember_device(user_id, "last", device.id, device.name)
        if source and target.reason == "named":
            devices = await self.list(user_id)
            if match_device(source, devices).device is None:
                await self._store.remember_device(
                    user_id, source_slot(source), device.id, device.name
                )


def source_slot(source: str) -> str:
    return "source:" + (normalize(source) or source.strip().lower())


def _fresh(device: DeviceInfo, devices: Sequence[DeviceInfo]) -> DeviceInfo:
    """The listed copy of ``device`` (the list carries restriction flags the state may not)."""
    for candidate in devices:
        if device.id is not None and candidate.id == device.id:
            return candidate
    return device


def _remembered(
    device_id: str | None, name: str, devices: Sequence[DeviceInfo]
) -> DeviceInfo | None:
    for device in devices:
        if device_id is not None and device.id == device_id:
            return device
    for device in devices:
        if _canon(device.name) == _canon(name):
            return device
    return None
