"""Every outcome's short spoken reply: from the result, or from the error's CODE.

Replies never repeat an upstream message (it may be cryptic, English-only or carry a
secret): failures are spoken from ``error.code`` and the structured ``details`` the lower
layers attach (device names, the missing scopes, ``retry_after``, a player ``reason``).
Sentences are short, say what happened, and — for failures — what to do next.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from skill.errors import SkillError
from skill.music.names import split_version


def join(items: Sequence[str], word: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    listed = [i for i in items if i]
    if not listed:
        return ""
    if len(listed) == 1:
        return listed[0]
    return ", ".join(listed[:-1]) + f" {word} " + listed[-1]


_UNSPOKEN_VERSION = re.compile(r"remaster|^(?:feat|ft|with)\b|mono|stereo|single version",
                               re.IGNORECASE)


def title(name: str) -> str:
    """A title as spoken: without a suffix that only says remastered or featuring
    ("Bohemian Rhapsody - Remastered 2011" → "Bohemian Rhapsody"); "- Live" stays."""
    core, version = split_version(name)
    if version and core and _UNSPOKEN_VERSION.search(version):
        return core
    return name


def describe(name: str, artists: Sequence[str] = ()) -> str:
    """``Blinding Lights by The Weeknd``."""
    spoken = title(name)
    return f"{spoken} by {join(list(artists[:2]))}" if artists else spoken


_MINOR_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "or", "the", "to"})


def capitalized(name: str) -> str:
    """A name said in lower case, capitalized as a title ("i want you" → "I Want You",
    "the man who sold the world" → "The Man Who Sold the World"); a name with capitals of
    its own is left as it is."""
    if name != name.lower():
        return name
    words = name.split()
    last = len(words) - 1
    return " ".join(
        word if 0 < i < last and word in _MINOR_WORDS else word[:1].upper() + word[1:]
        for i, word in enumerate(words)
    )


def question(labels: Sequence[str]) -> str:
    """``Which one: Hello by Adele or Hello by Lionel Richie?``"""
    return f"Which one: {join(labels, 'or')}?"


def _on(device: str | None) -> str:
    return f" on {device}" if device else ""


def about_seconds(seconds: float) -> str:
    """``about 20 seconds``, ``about 2 minutes``, ``a moment``."""
    if seconds <= 1.5:
        return "a moment"
    if seconds < 90:
        value = int(math.ceil(seconds))
        if value > 10:
            value = max(10, int(5 * round(seconds / 5)))
        return f"about {value} seconds"
    minutes = max(2, int(round(seconds / 60)))
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {int(math.ceil(minutes / 60))} hours"


def duration(ms: int) -> str:
    seconds = max(0, ms // 1000)
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if rest or not minutes:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


# ---------------------------------------------------------------------- success

def playing(what: str, device: str | None, *, shuffle: bool = False) -> str:
    return f"{'Shuffling' if shuffle else 'Playing'} {what}{_on(device)}."


def instead(missing: str, what: str, device: str | None) -> str:
    """What plays when the named song or album was not found but its artist was."""
    return f"I couldn't find {missing}, so here's {what}{_on(device)}."


def queued(what: str) -> str:
    return f"Added {what} to the queue."


def paused(device: str | None, *, already: bool = False) -> str:
    return f"Already paused{_on(device)}." if already else f"Paused{_on(device)}."


def resumed(device: str | None, *, already: bool = False) -> str:
    return f"Already playing{_on(device)}." if already else f"Resuming{_on(device)}."


def skipped(forward: bool) -> str:
    return "Skipping to the next track." if forward else "Going back to the previous track."


def volume(percent: int, device: str | None) -> str:
    return f"Volume {percent} percent{_on(device)}."


def muted(device: str | None) -> str:
    return f"Muted{_on(device)}."


def unmuted(percent: int, device: str | None) -> str:
    return f"Unmuted{_on(device)}, volume {percent} percent."


def seeked(position_ms: int) -> str:
    return f"Jumped to {duration(position_ms)}."


def shuffle(state: bool) -> str:
    return "Shuffle is on." if state else "Shuffle is off."


def repeat(state: str) -> str:
    return {"track": "Repeating this track.", "context": "Repeating all.",
            "off": "Repeat is off."}.get(state, "Repeat is off.")


def transferred(device: str) -> str:
    return f"Moved playback to {device}."


def devices(names: Sequence[str], active: str | None) -> str:
    if not names:
        return ("Spotify can't see any of your devices. Open Spotify on a speaker, phone or "
                "computer, then try again.")
    text = f"Spotify can see {join(list(names))}."
    return text + (f" {active} is active." if active else "")


def now_playing(what: str | None, device: str | None, is_playing: bool) -> str:
    if what is None:
        return "Nothing is playing right now."
    return f"{'Playing' if is_playing else 'Paused'}: {what}{_on(device)}."


def liked(what: str) -> str:
    return f"Added {what} to your Liked Songs."


def unliked(what: str) -> str:
    return f"Removed {what} from your Liked Songs."


def added_to_playlist(what: str, playlist: str) -> str:
    return f"Added {what} to {playlist}."


def created_playlist(name: str) -> str:
    return f"Created the playlist {name}."


def declined() -> str:
    """A command said not to be done, or called off: nothing was done."""
    return "OK."


def not_understood() -> str:
    return ("Sorry, I can't help with that. You can ask me to play a song, an artist, an album "
            "or a playlist, or to pause, skip or change the volume.")


# ---------------------------------------------------------------------- failures

_SCOPE_WORDS = {
    "user-modify-playback-state": "control playback",
    "user-read-playback-state": "see your devices and what's playing",
    "user-read-currently-playing": "see what's playing",
    "user-library-modify": "change your Liked Songs",
    "user-library-read": "read your Liked Songs",
    "playlist-modify-private": "change your playlists",
    "playlist-modify-public": "change your playlists",
    "playlist-read-private": "read your playlists",
    "playlist-read-collaborative": "read your playlists",
    "user-read-recently-played": "see what you played recently",
}

_PLAYER_REASONS = {
    "NO_NEXT_TRACK": "There's no next track.",
    "NO_PREV_TRACK": "There's no previous track.",
    "NO_SPECIFIC_TRACK": "That track isn't in what's playing.",
    "NOT_PAUSED": "Playback isn't paused.",
    "ALREADY_PAUSED": "It's already paused.",
    "ALREADY_PLAYING": "It's already playing.",
    "NOT_PLAYING_TRACK": "No track is playing right now.",
    "NOT_PLAYING_CONTEXT": "Nothing is playing from an album or playlist right now.",
    "ENDLESS_CONTEXT": "That isn't possible while a radio is playing.",
    "CONTEXT_DISALLOW": "What's playing doesn't allow that.",
    "NOT_PLAYING_LOCALLY": "Nothing is playing on that device.",
    "UNKNOWN": "Spotify refused that right now. Try it again in a moment.",
}


def _devices_hint(names: Sequence[str]) -> str:
    return f" Spotify can see {join(list(names))}." if names else ""


def _rate_limited(e: SkillError, d: Mapping[str, Any]) -> str:
    if e.retry_after is None:
        return "Spotify is busy, try again in a moment."
    return f"Spotify is busy, try again in {about_seconds(e.retry_after)}."


def _no_active_device(e: SkillError, d: Mapping[str, Any]) -> str:
    names = list(d.get("devices") or [])
    if not names:
        return ("Spotify can't see any of your devices. Open Spotify on a speaker, phone or "
                "computer, then try again.")
    return (f"Which device should I use? Spotify can see {join(names, 'and')}. "
            f"Say, for example, \"{names[0]}\" or \"the first one\".")


def _device_not_found(e: SkillError, d: Mapping[str, Any]) -> str:
    name = str(d.get("device") or "that device")
    ambiguous = list(d.get("ambiguous") or [])
    if ambiguous and d.get("reason") == "every_device":
        return (f"Spotify plays on one speaker at a time. Which one: "
                f"{join(ambiguous, 'or')}?")
    if ambiguous:
        return f"\"{name}\" could be {join(ambiguous, 'or')}. Which one?"
    hint = _devices_hint(d.get("devices") or [])
    return (f"I can't find {name} among your Spotify devices.{hint}"
            f" If it's a speaker, open Spotify on it once or check it's set up for Spotify "
            f"Connect, then try again.")


def _restricted(e: SkillError, d: Mapping[str, Any]) -> str:
    device = str(d.get("device") or "That device")
    if d.get("reason") == "volume" or d.get("reason") == "VOLUME_CONTROL_DISALLOW":
        return (f"{device}'s volume can't be changed from Spotify. "
                f"Use the volume control on the device itself.")
    return (f"{device} doesn't accept remote control from Spotify. "
            f"Choose another device, or control it from the device itself.")


def _premium(e: SkillError, d: Mapping[str, Any]) -> str:
    return ("Controlling playback needs Spotify Premium, and this account is on the free plan. "
            "I can still tell you what's playing.")


def _relink(e: SkillError, d: Mapping[str, Any]) -> str:
    return ("Your Spotify connection has expired or was removed. Please reconnect Spotify: "
            "open the skill's account page and sign in to Spotify again.")


def _not_linked(e: SkillError, d: Mapping[str, Any]) -> str:
    return ("Spotify isn't connected yet. Link your Spotify account on the skill's account "
            "page first.")


def _scope(e: SkillError, d: Mapping[str, Any]) -> str:
    missing = [str(s) for s in d.get("missing_scopes") or []]
    words = list(dict.fromkeys(_SCOPE_WORDS.get(s, "do that") for s in missing))
    what = join(words) if words else "do that"
    return (f"Spotify hasn't allowed me to {what}. Reconnect Spotify on the skill's account "
            f"page and allow it.")


def _not_found(e: SkillError, d: Mapping[str, Any]) -> str:
    reason = d.get("reason")
    if reason == "no_pending_choice":
        return "There's nothing to choose from right now. Tell me what you'd like to hear."
    if reason == "no_such_choice":
        return "I didn't catch which one. Say \"the first one\" or name the artist."
    if reason == "nothing_playing":
        return "Nothing is playing right now."
    if reason == "nothing_to_resume":
        return (f"There's nothing to resume on {d.get('device', 'that device')}. "
                "Tell me what you'd like to hear.")
    if reason == "playlist":
        return f"I can't find a playlist called {d.get('playlist', 'that')} in your library."
    if reason == "empty":
        return f"{d.get('name') or 'That playlist'} is empty, so there's nothing to play."
    if reason == "spotify_playlist":
        name = capitalized(str(d.get("query") or "that playlist"))
        return (f"I couldn't find {name}: Spotify doesn't let this app open its own playlists "
                "like that one.")
    if reason == "radio_station":
        return (f"Spotify doesn't carry radio stations, so I can't play "
                f"{d.get('query') or 'that station'}. Ask me for an artist, a song or a genre "
                "instead.")
    if reason == "no_match":
        query = d.get("query")
        return f"I couldn't find {query} on Spotify." if query else (
            "I couldn't find that on Spotify.")
    return "Spotify doesn't know that item."


def _conflict(e: SkillError, d: Mapping[str, Any]) -> str:
    if d.get("reason") == "idempotency_key_reused":
        return "That request ID was already used for a different command."
    if d.get("reason") == "idempotency_in_progress":
        return "I'm still working on that request."
    return _PLAYER_REASONS.get(str(d.get("reason")), "Spotify refused that right now.")


def _forbidden(e: SkillError, d: Mapping[str, Any]) -> str:
    reason = d.get("reason")
    if reason == "user_not_registered":
        return ("This Spotify account isn't allowed to use this app yet. The app's owner has "
                "to add it in the Spotify Developer Dashboard.")
    if reason == "owner_premium_required":
        return "The owner of this Spotify app needs Premium before it can be used."
    if reason in _PLAYER_REASONS:
        return _PLAYER_REASONS[str(reason)]
    return "Spotify doesn't allow that."


_MISSING_SLOT = {
    "device": "Which device should I use?",
    "level": "What volume would you like?",
    "position_ms": "Where in the track should I jump to?",
    "playlist": "Which playlist?",
    "name": "What should the playlist be called?",
}
_INVALID_REASONS = {
    "queue_tracks_only": "I can only add songs and episodes to the queue.",
    "playlist_tracks_only": "I can only add songs to a playlist that way.",
}


def _invalid(e: SkillError, d: Mapping[str, Any]) -> str:
    slot = d.get("slot")
    if isinstance(slot, str) and slot in _MISSING_SLOT:
        return _MISSING_SLOT[slot]
    reason = d.get("reason")
    if isinstance(reason, str) and reason in _INVALID_REASONS:
        return _INVALID_REASONS[reason]
    if d.get("max_chars"):
        return "That was too long for me. Please say it more briefly."
    return "Sorry, I couldn't do that: the request doesn't make sense to me."


def _unavailable(e: SkillError, d: Mapping[str, Any]) -> str:
    when = f" in {about_seconds(e.retry_after)}" if e.retry_after else " in a minute"
    return f"I can't reach Spotify right now. Please try again{when}."


def _timeout(e: SkillError, d: Mapping[str, Any]) -> str:
    return "Spotify took too long to answer. Please try again."


def _internal(e: SkillError, d: Mapping[str, Any]) -> str:
    return "Something went wrong on my side. Please try again."


_BY_CODE: dict[str, Callable[[SkillError, Mapping[str, Any]], str]] = {
    "rate_limited": _rate_limited,
    "no_active_device": _no_active_device,
    "device_not_found": _device_not_found,
    "restricted_device": _restricted,
    "premium_required": _premium,
    "relink_required": _relink,
    "not_linked": _not_linked,
    "insufficient_scope": _scope,
    "not_found": _not_found,
    "conflict": _conflict,
    "forbidden": _forbidden,
    "invalid_request": _invalid,
    "upstream_unavailable": _unavailable,
    "upstream_timeout": _timeout,
    "internal": _internal,
}


def for_error(error: SkillError) -> str:
    """The spoken reply for a failure, from its code and details only."""
    speak = _BY_CODE.get(error.code, _internal)
    return speak(error, error.details)
