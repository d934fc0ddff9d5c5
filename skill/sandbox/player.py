"""Simulated Spotify Connect playback of one user: the state machine behind ``/v1/me/player``.

Playback is simulated, not faked. A :class:`PlayerState` holds what is loaded (a context or an
explicit ``uris`` list, the position in it, the user's queue), where it plays (at most one
active device of the user) and a progress anchored to the sandbox clock. Time moves only when
the clock does; every read or command first calls :meth:`PlayerState.sync`, which replays
what happened since the last call: tracks ending one after the other (queue first, then the
context in play order, honouring shuffle and repeat), the end of the context, and transfers
that were accepted earlier and take effect ``transfer_delay_ms`` later.

The play order (what comes next, shuffle, edits of the playing context) is ``play_order.py``;
refusals shared with the control plane are ``player_checks.py``.

Choices where Spotify is not documented (BEHAVIOR.md §4) are marked [inf] in the docstrings.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from skill.sandbox.play_order import Cursor, PlayOrder
from skill.sandbox.player_checks import (
    device_not_found,
    no_active_device,
    parse_item_uri,
    restriction_violated,
)
from skill.sandbox.responses import ApiError, bad_request, player_error

if TYPE_CHECKING:
    from skill.sandbox.state import Sandbox
    from skill.sandbox.world import Device, User

RepeatState = Literal["off", "track", "context"]
REPEAT_STATES: tuple[RepeatState, ...] = ("off", "track", "context")
PREVIOUS_RESTARTS_AFTER_MS = 3000
"""``previous`` later than this into a track restarts it instead of going back."""
HISTORY_LIMIT = 50
"""Recently played keeps the last 50 plays, as Spotify does."""
COUNTS_AS_PLAYED_MS = 30_000
"""A track left after this much listening (or finished) counts as played."""
MIN_DURATION_MS = 1000
QUEUE_VIEW_LIMIT = 20
"""``GET /me/player/queue`` lists about 20 upcoming items."""


@dataclass(frozen=True)
class Played:
    """One entry of the recently-played history."""

    uri: str
    played_at_ms: int
    context_uri: str | None


@dataclass(frozen=True)
class PendingTransfer:
    """A transfer accepted at some time that takes effect at ``at_ms``."""

    device_id: str
    play: bool
    at_ms: int


class PlayerState:
    """Playback of one user; lives in ``Sandbox.players[user_id]`` (see :func:`player_for`).

    Methods raise :class:`ApiError` with Spotify's status, message and reason; the Web API
    routes let them through and the control plane re-renders them.
    """

    def __init__(self, sandbox: Sandbox, user_id: str) -> None:
        self.sandbox = sandbox
        self.user_id = user_id
        now = sandbox.clock.now_ms()
        self.device_id: str | None = None
        self.is_playing = False
        self.context_uri: str | None = None
        self.uris: list[str] | None = None
        """The explicit list of a ``uris`` play call (then ``context_uri`` is None)."""
        self.index = 0
        """Position of ``context_item`` in the (unshuffled) list of the context."""
        self.occurrence = 0
        """Which occurrence of ``context_item`` in the list (playlists may repeat a track)."""
        self.context_item: str | None = None
        self.current: str | None = None
        """The item playing: the context item, or a queued one when ``from_queue``."""
        self.from_queue = False
        self.queue: list[str] = []
        self.progress_ms = 0
        self.anchor_ms = now
        """Clock time at which ``progress_ms`` was exact; while playing it grows from there."""
        self.shuffle = False
        self.shuffle_round = 0
        self.shuffle_first: tuple[str, int] | None = None
        self.repeat: RepeatState = "off"
        self.timestamp_ms = now
        self.pending: PendingTransfer | None = None
        self.history: deque[Played] = deque(maxlen=HISTORY_LIMIT)

    # -- lookups ---------------------------------------------------------------------------

    @property
    def user(self) -> User:
        return self.sandbox.world.users[self.user_id]

    @property
    def active_device(self) -> Device | None:
        if self.device_id is None:
            return None
        device = self.user.device(self.device_id)
        return device if device is not None and device.visible else None

    def listed_devices(self) -> list[Device]:
        return [d for d in self.user.devices if d.visible]

    def find_device(self, device_id: str) -> Device:
        """A listed device of the user, else 404 ``Device not found`` (no reason)."""
        device = self.user.device(device_id)
        if device is None or not device.visible:
            raise device_not_found()
        return device

    def duration_ms(self, uri: str) -> int:
        kind, _, item_id = uri.removeprefix("spotify:").partition(":")
        track = self.sandbox.catalog.track(item_id) if kind == "track" else None
        return max(track.duration_ms if track else 0, MIN_DURATION_MS)

    def playable(self, uri: str) -> bool:
        parsed = parse_item_uri(uri)
        return parsed is not None and parsed[0] == "track" and (
            self.sandbox.catalog.track(parsed[1]) is not None
        )

    def items(self) -> list[str]:
        """The list being played, resolved now (playlist edits show at once)."""
        if self.uris is not None:
            return self.uris
        if self.context_uri is None:
            return []
        ids = self.sandbox.context_track_ids(self.context_uri, self.user_id) or []
        catalog = self.sandbox.catalog
        return [f"spotify:track:{t}" for t in ids if catalog.track(t) is not None]

    def progress_at(self, at_ms: int) -> int:
        if self.is_playing:
            return self.progress_ms + max(0, at_ms - self.anchor_ms)
        return self.progress_ms

    # -- play order --------------------------------------------------------------------------

    def order(self, items: Sequence[str]) -> PlayOrder:
        return PlayOrder(items, shuffle=self.shuffle, seed=f"{self.user_id}|{self.shuffle_round}",
                         first=self.shuffle_first)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.context_item, self.index, self.occurrence)

    def upcoming(self, limit: int = QUEUE_VIEW_LIMIT) -> list[str]:
        """What plays next, as ``GET /me/player/queue`` shows it: the queue, then the context."""
        self.sync()
        out = list(self.queue[:limit])
        items = self.items()
        if items and self.current is not None and len(out) < limit:
            following = self.order(items).following(
                self.cursor, limit - len(out), wrap=self.repeat != "off"
            )
            out.extend(following)
        return out

    # -- time ----------------------------------------------------------------------------

    def sync(self) -> int:
        """Replay everything up to the sandbox clock's now; returns now (ms)."""
        now = self.sandbox.clock.now_ms()
        pending = self.pending
        if pending is not None and pending.at_ms <= now:
            self._advance(pending.at_ms)
            self.pending = None
            device = self.user.device(pending.device_id)
            if device is not None and device.visible:
                self._apply_transfer(device.id, pending.play, pending.at_ms)
        self._advance(now)
        return now

    def _advance(self, until_ms: int) -> None:
        order: PlayOrder | None = None  # one per replay: the list and shuffle stay put
        skipped = False
        while self.is_playing and self.current is not None:
            duration = self.duration_ms(self.current)
            if self.progress_ms + (until_ms - self.anchor_ms) < duration:
                return
            end_at = max(self.anchor_ms, self.anchor_ms + duration - self.progress_ms)
            if order is None:
                order = self.order(self.items())
            self._finish_track(order, end_at, natural=True)
            if not skipped and self.is_playing:
                skipped = self._skip_whole_cycles(order.items, until_ms)

    def _skip_whole_cycles(self, items: Sequence[str], until_ms: int) -> bool:
        """Jump over repeat cycles that leave no trace, so a clock moved by days stays cheap.

        Called at a track start; once the queue is empty, repeat makes playback periodic.
        Keeps enough cycles for the last ``HISTORY_LIMIT`` plays to be simulated exactly.
        Returns whether the check could be made (it is made once per advance).
        """
        if self.current is None:
            return False
        if self.repeat == "track":
            cycle, length = self.duration_ms(self.current), 1
        elif self.repeat == "context":
            if self.queue or self.from_queue or not items:
                return False
            cycle, length = sum(self.duration_ms(uri) for uri in items), len(items)
        else:
            return True
        keep = HISTORY_LIMIT // length + 2
        skip = (until_ms - self.anchor_ms) // cycle - keep
        if skip > 0:
            self.anchor_ms += skip * cycle
        return True

    def _finish_track(self, order: PlayOrder, at_ms: int, *, natural: bool) -> None:
        """The current item ends at ``at_ms`` (or is skipped past by a seek beyond its end)."""
        self._leave(at_ms, completed=natural)
        if natural and self.repeat == "track":
            self._restart(at_ms)
            return
        if self.queue:
            self._load_queued(self.queue.pop(0), at_ms)
            return
        following = order.step(self.cursor, 1, wrap=self.repeat != "off")
        if following is None:
            self._stop_at_end(order, at_ms)
            return
        self._load(order, following, at_ms)

    def _stop_at_end(self, order: PlayOrder, at_ms: int) -> None:
        """The context ran out (repeat off): back to its first item, paused [inf]."""
        self.is_playing = False
        if order.items:
            self._load(order, order.first_index(), at_ms)
        else:
            self.current = self.context_item = None
            self.from_queue = False
            self.progress_ms, self.anchor_ms = 0, at_ms
        self.timestamp_ms = at_ms

    # -- state changes -------------------------------------------------------------------

    def _leave(self, at_ms: int, *, completed: bool = False) -> None:
        if self.current is None:
            return
        listened = self.progress_at(at_ms)
        if completed or listened >= min(COUNTS_AS_PLAYED_MS, self.duration_ms(self.current)):
            self.history.append(Played(self.current, at_ms, self.context_uri))

    def _load(self, order: PlayOrder, index: int, at_ms: int) -> None:
        cursor = order.cursor_at(index)
        self.index, self.occurrence = index, cursor.occurrence
        self.context_item = self.current = cursor.uri
        self.from_queue = False
        self.progress_ms, self.anchor_ms, self.timestamp_ms = 0, at_ms, at_ms

    def _load_queued(self, uri: str, at_ms: int) -> None:
        self.current = uri
        self.from_queue = True
        self.progress_ms, self.anchor_ms, self.timestamp_ms = 0, at_ms, at_ms

    def _restart(self, at_ms: int) -> None:
        self.progress_ms, self.anchor_ms, self.timestamp_ms = 0, at_ms, at_ms

    def _apply_transfer(self, device_id: str, play: bool, at_ms: int) -> None:
        self.device_id = device_id
        if play and self.current is not None and not self.is_playing:
            self.is_playing = True
            self.anchor_ms = at_ms
        self.timestamp_ms = at_ms

    def _already(self, playing: bool) -> ApiError:
        if self.sandbox.config.specific_already_reasons:
            if playing:
                return player_error(403, "Already playing", "ALREADY_PLAYING")
            return player_error(403, "Already paused", "ALREADY_PAUSED")
        return restriction_violated()

    # -- devices ---------------------------------------------------------------------------

    def target(self, device_id: str | None) -> Device:
        """The device a command goes to: the named (listed) one, else the active one.

        No side effect; :meth:`wake` makes a named idle device the active one.
        """
        if device_id:
            return self.find_device(device_id)
        self.sync()
        device = self.active_device
        if device is None:
            raise no_active_device()
        return device

    def wake(self, device: Device) -> None:
        """A command named an idle listed device: it becomes the active one at once."""
        now = self.sync()
        self.pending = None
        if self.device_id != device.id:
            self.device_id = device.id
            self.timestamp_ms = now

    def run_on(self, device: Device | None, action: Callable[[bool], None]) -> None:
        """Run a command, first waking ``device`` if the caller named one.

        ``action`` gets whether the command moved playback to another device. A refused
        command (any exception) leaves the devices as they were.
        """
        self.sync()
        before = (self.device_id, self.pending, self.timestamp_ms)
        moved = device is not None and device.id != self.device_id
        if device is not None:
            self.wake(device)
        try:
            action(moved)
        except Exception:
            self.device_id, self.pending, self.timestamp_ms = before
            raise

    def transfer(self, device: Device, *, play: bool, delay_ms: int) -> None:
        """Move playback to ``device``; takes effect ``delay_ms`` later (BEHAVIOR.md §4.1)."""
        now = self.sync()
        if delay_ms <= 0:
            self.pending = None
            self._apply_transfer(device.id, play, now)
        else:
            self.pending = PendingTransfer(device.id, play, now + delay_ms)

    def disconnect(self) -> None:
        """The active device leaves: playback stops and no device is active (GET → 204)."""
        now = self.sync()
        if self.is_playing:
            self.progress_ms, self.anchor_ms = self.progress_at(now), now
        self.is_playing = False
        self.device_id = None
        self.pending = None
        self.timestamp_ms = now

    def set_device_visible(self, device: Device, visible: bool) -> None:
        """Idle devices drop out of the list; hiding the active one ends its session."""
        self.sync()
        if not visible and device.id == self.device_id:
            self.disconnect()
        if not visible and self.pending is not None and self.pending.device_id == device.id:
            self.pending = None
        device.visible = visible

    def set_volume(self, device: Device, volume_percent: int) -> None:
        now = self.sync()
        device.volume_percent = volume_percent
        self.timestamp_ms = now

    # -- commands --------------------------------------------------------------------------

    def play(
        self,
        *,
        context_uri: str | None = None,
        uris: list[str] | None = None,
        offset: dict[str, object] | None = None,
        position_ms: int | None = None,
        moved: bool = False,
    ) -> None:
        """``PUT /me/player/play``: start a context or a list of items, or resume.

        The caller has validated the field types (:func:`check_play_fields`); this checks
        what depends on the world. ``moved``: the call also moved playback to a named device.
        """
        if context_uri is None and uris is None:
            if offset is not None or position_ms is not None:
                self._replay_current(offset, position_ms)
                return
            self.resume(moved=moved)
            return
        if context_uri is not None:
            ids = self.sandbox.context_track_ids(context_uri, self.user_id)
            if ids is None:
                raise bad_request("Invalid context uri")
            new_items = [f"spotify:track:{t}" for t in ids if self.sandbox.catalog.track(t)]
        else:
            assert uris is not None
            if any(parse_item_uri(uri) is None for uri in uris):
                raise bad_request("Invalid track uri")
            if len(set(uris)) != len(uris) or not all(self.playable(u) for u in uris):
                raise restriction_violated()
            new_items = list(uris)
        if not new_items:
            raise restriction_violated()
        start = self._offset_index(new_items, offset) if offset is not None else None
        now = self.sync()
        self._leave(now)
        self.context_uri = context_uri
        self.uris = None if context_uri is not None else new_items
        self.context_item = None
        self.shuffle_round += 1
        self.shuffle_first = None
        if start is not None and self.shuffle:
            self.shuffle_first = (new_items[start], new_items[:start].count(new_items[start]))
        order = self.order(new_items)
        self._load(order, start if start is not None else order.first_index(), now)
        self.is_playing = True
        if position_ms:
            self._seek_to(new_items, position_ms, now)

    def _offset_index(self, items: Sequence[str], offset: dict[str, object]) -> int:
        position = offset.get("position")
        if isinstance(position, int):
            if not 0 <= position < len(items):
                raise bad_request("position out of range")
            return position
        uri = offset.get("uri")
        assert isinstance(uri, str)
        if uri not in items:
            raise player_error(403, "No specific track", "NO_SPECIFIC_TRACK")  # [inf]
        return items.index(uri)

    def _replay_current(self, offset: dict[str, object] | None, position_ms: int | None) -> None:
        """A play call with ``offset``/``position_ms`` but no context: within what is loaded."""
        now = self.sync()
        items = self.items()
        if self.current is None or not items:
            raise restriction_violated()
        self.progress_ms, self.anchor_ms = self.progress_at(now), now
        if offset is not None:
            index = self._offset_index(items, offset)
            self._leave(now)
            self._load(self.order(items), index, now)
        self.is_playing = True
        self.anchor_ms = now
        self.timestamp_ms = now
        if position_ms:
            self._seek_to(items, position_ms, now)

    def resume(self, *, moved: bool = False) -> None:
        """Resume; already playing is refused unless the call moved playback to a device."""
        now = self.sync()
        if self.current is None:
            raise restriction_violated()
        if self.is_playing:
            if not moved:
                raise self._already(True)
            return
        self.is_playing = True
        self.anchor_ms = self.timestamp_ms = now

    def pause(self) -> None:
        now = self.sync()
        if not self.is_playing:
            raise self._already(False)
        self.progress_ms, self.anchor_ms = self.progress_at(now), now
        self.is_playing = False
        self.timestamp_ms = now

    def next(self) -> None:
        """Skip forward: the queue first, then the context (wrapping unless repeat is off)."""
        now = self.sync()
        if self.current is not None and self.queue:
            self._leave(now)
            self._load_queued(self.queue.pop(0), now)
            return
        order = self.order(self.items())
        wrap = self.repeat != "off"
        following = order.step(self.cursor, 1, wrap=wrap) if self.current else None
        if following is None:
            raise player_error(403, "No next track", "NO_NEXT_TRACK")
        self._leave(now)
        self._load(order, following, now)

    def previous(self) -> None:
        """Back a track within the first 3 s; later, restart the current one."""
        now = self.sync()
        if self.current is None:
            raise player_error(403, "No previous track", "NO_PREV_TRACK")
        if self.progress_at(now) >= PREVIOUS_RESTARTS_AFTER_MS:
            self._restart(now)
            return
        order = self.order(self.items())
        if self.from_queue:
            earlier = order.find(self.cursor)  # back to the context entry
        else:
            earlier = order.step(self.cursor, -1, wrap=self.repeat != "off")
        if earlier is None:
            raise player_error(403, "No previous track", "NO_PREV_TRACK")
        self._load(order, earlier, now)

    def seek(self, position_ms: int) -> None:
        now = self.sync()
        if self.current is None:
            raise restriction_violated()
        self._seek_to(self.items(), position_ms, now)

    def _seek_to(self, items: Sequence[str], position_ms: int, now: int) -> None:
        assert self.current is not None
        if position_ms >= self.duration_ms(self.current):
            self.progress_ms = position_ms
            self._finish_track(self.order(items), now, natural=False)
        else:
            self.progress_ms, self.anchor_ms = position_ms, now
        self.timestamp_ms = now

    def set_shuffle(self, state: bool) -> None:
        now = self.sync()
        if state and not self.shuffle:
            self.shuffle_round += 1
            self.shuffle_first = (
                (self.context_item, self.occurrence) if self.context_item is not None else None
            )
        self.shuffle = state
        self.timestamp_ms = now

    def set_repeat(self, state: RepeatState) -> None:
        now = self.sync()
        self.repeat = state
        self.timestamp_ms = now

    def add_to_queue(self, uri: str) -> None:
        """Queue after the current item and the existing queue."""
        now = self.sync()
        if parse_item_uri(uri) is None:
            raise bad_request("Invalid track uri")
        if self.current is None:
            raise no_active_device()
        if not self.playable(uri):
            raise restriction_violated()
        self.queue.append(uri)
        self.timestamp_ms = now


def player_for(sandbox: Sandbox, user_id: str) -> PlayerState:
    """The user's player, created idle on first use."""
    player = sandbox.players.get(user_id)
    if player is None:
        player = sandbox.players[user_id] = PlayerState(sandbox, user_id)
    return player
