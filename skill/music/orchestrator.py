"""``MusicOrchestrator``: the one entrance from a command to an outcome.

Text (``handle_text``: parse, then handle), REST and Rasa (``handle`` with a ready
:class:`Command`) all arrive here and get the one :class:`Outcome` shape back. ``handle``
never raises for a domain failure: every ``skill.errors`` instance becomes a failed outcome
with a spoken reply derived from its code (``replies``); anything else is a bug, answered as
``internal`` with a correlation id that is logged with the traceback.

Per command:

1. **idempotency** — with a key, the command runs at most once per user and key: the
   outcome is stored in ``music.store`` (SQLite, so a replay survives a restart) and replayed;
   the same key with another command is a ``conflict``; concurrent requests with one key wait
   for the first (an in-process lock, and the store's ``running`` record across instances). A
   failed command that never sent a write to the provider gives its key back, so a retry
   after, say, ``rate_limited`` really runs.
2. **budget** — the Spotify client runs in the command's budget mode (``short``: the voice
   deadline) and the command has an overall deadline that bounds waits such as verifying a
   transfer.
3. **premium** — player intents are refused up front for a user Spotify refused for lack of
   Premium a few minutes ago.
4. **dispatch** — the handler of the intent (``handlers.HANDLERS``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from skill.errors import (
    Conflict,
    InternalError,
    InvalidRequest,
    PremiumRequired,
    SkillError,
    UpstreamTimeout,
)
from skill.music import replies
from skill.music.devices import Devices
from skill.music.events import EventBus
from skill.music.handlers import HANDLERS, PLAYER_INTENTS
from skill.music.handlers.base import Deps, PremiumMemo, ResolverLike, Turn
from skill.music.handlers.choose import ask_device
from skill.music.handlers.playback import CHOICE
from skill.music.outcome import Budget, Command, Outcome
from skill.music.providers.base import MusicProvider
from skill.music.store import MusicStore
from skill.nlu.models import DECLINED, Intent
from skill.spotify.budget import budget_mode
from skill.spotify.client import SpotifyClient
from skill.storage.locks import LocalLocks

log = logging.getLogger("skill.music.orchestrator")

SHORT_BUDGET = 10.0
NORMAL_BUDGET = 30.0
COMMAND_GRACE = 1.5
"""A whole command may take this multiple of its budget (each Spotify call has its own
deadline inside); past it the command is cut and answers ``upstream_timeout``."""
RUNNING_POLL = 0.1
PURGE_EVERY = 3600.0
"""Seconds between purges of expired store records (done on the way of a keyed command)."""
"""How often a request waits on a key another instance is executing."""


@functools.cache
def default_parser() -> Any:
    """The repository's parser, built once per process (grammars and gazetteers)."""
    from skill.nlu import Parser

    return Parser.default()


def fingerprint(command: Command) -> str:
    """What makes two commands "the same request" for an idempotency key."""
    body = {
        "intent": command.intent.name,
        "slots": dict(command.intent.slots),
        "text": command.text,
        "uri": command.uri,
        "device": command.device,
        "source": command.source,
    }
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _internal(where: str, user_id: str) -> InternalError:
    """A bug: logged with its traceback and a correlation id the outcome carries."""
    correlation = secrets.token_hex(6)
    log.exception("user %s: %s failed (correlation id %s)", user_id, where, correlation)
    return InternalError(
        f"Internal error (correlation id {correlation}).",
        details={"correlation_id": correlation},
    )


def failure(error: SkillError, *, command: Command | None = None,
            intent: Intent | None = None, text: str | None = None) -> Outcome:
    """A failed outcome for ``error``, its reply spoken from the code."""
    return Outcome(
        ok=False,
        reply=replies.for_error(error),
        intent=intent if intent is not None else (command.intent if command else None),
        text=text if text is not None else (command.text if command else None),
        action=None,
        error=error,
    )


@dataclasses.dataclass
class _Attempt:
    """The turns of one execution, so a cancelled one can tell whether it wrote."""

    turns: list[Turn] = dataclasses.field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return any(turn.wrote for turn in self.turns)


class MusicOrchestrator:
    """Commands in, outcomes out, for every intent of the schema."""

    def __init__(
        self,
        provider: MusicProvider,
        resolver: ResolverLike,
        store: MusicStore,
        *,
        parser: Any = None,
        events: EventBus | None = None,
        devices: Devices | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        short_budget: float = SHORT_BUDGET,
        normal_budget: float = NORMAL_BUDGET,
        choice_ttl: float = 120.0,
    ) -> None:
        self.provider = provider
        self.store = store
        self.events = events or EventBus()
        self.devices = devices or Devices(provider, store, clock=monotonic)
        self._parser = parser
        self._budgets = {"short": short_budget, "normal": normal_budget}
        self._locks = LocalLocks()
        self._last_purge: float | None = None
        self._monotonic = monotonic
        self._sleep = sleep
        self.deps = Deps(
            provider=provider,
            devices=self.devices,
            store=store,
            resolver=resolver,
            events=self.events,
            premium=PremiumMemo(monotonic),
            monotonic=monotonic,
            sleep=sleep,
            choice_ttl=choice_ttl,
        )

    @classmethod
    def for_spotify(
        cls, client: SpotifyClient, store: MusicStore, **options: Any
    ) -> MusicOrchestrator:
        """The orchestrator over the Spotify provider and resolver of ``client``."""
        from skill.music.providers.spotify import SpotifyProvider
        from skill.music.resolve import Resolver

        return cls(SpotifyProvider(client), Resolver(client), store, **options)

    @property
    def parser(self) -> Any:
        if self._parser is None:
            self._parser = default_parser()
        return self._parser

    # ------------------------------------------------------------------ entrances

    async def handle_text(
        self,
        user_id: str,
        text: str,
        *,
        device: str | None = None,
        source: str | None = None,
        idempotency_key: str | None = None,
        budget: Budget = "short",
    ) -> Outcome:
        """Parse ``text`` and handle the command it asks for."""
        try:
            intent = self.parser.parse(text)
        except SkillError as exc:
            return failure(exc, text=text if isinstance(text, str) else None)
        except Exception:
            return failure(_internal("parse", user_id), text=text if isinstance(text, str)
                           else None)
        return await self.handle(
            Command(
                user_id=user_id,
                intent=intent,
                text=text,
                device=device,
                source=source,
                idempotency_key=idempotency_key,
                budget=budget,
            )
        )

    async def handle(self, command: Command) -> Outcome:
        """Execute ``command`` (at most once with an idempotency key); never raises for a
        domain failure."""
        if command.idempotency_key:
            return await self._idempotent(command)
        outcome, _ = await self._execute(command)
        return outcome

    # ------------------------------------------------------------------ idempotency

    async def _purge_now_and_then(self) -> None:
        """Drop expired idempotency records and context, at most once per PURGE_EVERY."""
        now = self._monotonic()
        if self._last_purge is not None and now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        removed = await self.store.purge()
        if removed:
            log.info("music store: %d expired records removed", removed)

    async def _idempotent(self, command: Command) -> Outcome:
        await self._purge_now_and_then()
        key = str(command.idempotency_key)
        user = command.user_id
        print_ = fingerprint(command)
        async with self._locks.hold(f"{user}\x00{key}"):
            deadline = self._monotonic() + self._budgets.get(command.budget, SHORT_BUDGET)
            while True:
                claim = await self.store.claim(user, key, print_)
                if claim.state == "claimed":
                    break
                if claim.state == "done":
                    assert claim.outcome is not None
                    replayed = Outcome.from_dict(claim.outcome)
                    return dataclasses.replace(replayed, details={"replayed": True})
                if claim.state == "conflict":
                    return failure(Conflict(
                        "This idempotency key was used for a different command.",
                        details={"reason": "idempotency_key_reused"},
                    ), command=command)
                if claim.state == "stale":
                    return failure(Conflict(
                        "An earlier request with this idempotency key did not finish; it may "
                        "or may not have acted. Use a new key to try again.",
                        details={"reason": "idempotency_unfinished"},
                    ), command=command)
                if self._monotonic() + RUNNING_POLL > deadline:
                    return failure(Conflict(
                        "A request with this idempotency key is still running.",
                        details={"reason": "idempotency_in_progress"},
                    ), command=command)
                await self._sleep(RUNNING_POLL)
            attempt = _Attempt()
            try:
                outcome, wrote = await self._execute(command, attempt)
            except BaseException:
                # Cancelled mid-command: with no write sent the key is given back; otherwise
                # the record stays "running" and later reads as "stale" (never run twice).
                if not attempt.wrote:
                    await asyncio.shield(self.store.release(user, key))
                raise
            if outcome.ok or wrote:
                await self.store.finish(user, key, outcome.to_dict())
            else:
                await self.store.release(user, key)
            return outcome

    # ------------------------------------------------------------------ execution

    async def _question_waits(self, user_id: str) -> bool:
        return await self.store.get_context(user_id, CHOICE) is not None

    async def _execute(
        self, command: Command, attempt: _Attempt | None = None
    ) -> tuple[Outcome, bool]:
        name = command.intent.name
        if name == "none" and command.intent.reason == DECLINED:
            # "don't play anything", "never mind": nothing to do, and a question that waits
            # is called off with it
            await self.store.drop_context(command.user_id, CHOICE)
            return Outcome(ok=True, reply=replies.declined(), intent=command.intent,
                           text=command.text), False
        if name == "none" and command.text and await self._question_waits(command.user_id):
            # Perhaps an answer the grammar does not know ("the kitchen speaker") to the
            # question that waits; if it answers nothing, it was just not understood.
            answer = dataclasses.replace(
                command, intent=Intent("music.choose", {"text": command.text},
                                       command.intent.confidence))
            outcome, wrote = await self._run(answer, attempt)
            if outcome.error is None or outcome.error.details.get("reason") != "no_such_choice":
                return outcome, wrote
        if name not in HANDLERS:
            if name != "none":
                return failure(InvalidRequest(
                    "Unknown intent.", details={"intent": name}), command=command), False
            return Outcome(ok=False, reply=replies.not_understood(), intent=command.intent,
                           text=command.text), False
        return await self._run(command, attempt)

    async def _run(
        self, command: Command, attempt: _Attempt | None = None
    ) -> tuple[Outcome, bool]:
        budget = self._budgets.get(command.budget, SHORT_BUDGET)
        started = self._monotonic()
        turn = Turn(command=command, deps=self.deps, deadline=started + budget)
        if attempt is not None:
            attempt.turns.append(turn)
        name = command.intent.name
        handler = HANDLERS[name]
        with budget_mode(command.budget):
            try:
                if name in PLAYER_INTENTS:
                    self.deps.premium.check(command.user_id)
                async with asyncio.timeout(budget * COMMAND_GRACE):
                    outcome = await handler(turn)
            except TimeoutError:
                outcome = failure(UpstreamTimeout(
                    "The command did not finish within its time budget.",
                    details={"reason": "command_deadline", "budget_seconds": budget},
                ), command=command)
            except PremiumRequired as exc:
                self.deps.premium.note(command.user_id)
                outcome = failure(exc, command=command)
            except SkillError as exc:
                outcome = failure(exc, command=command)
                if name in PLAYER_INTENTS and name != "music.choose":
                    await ask_device(command, exc, self.store, self.deps.choice_ttl)
            except Exception:
                outcome = failure(_internal(name, command.user_id), command=command)
        log.info(
            "user %s: %s -> %s in %.0f ms%s",
            command.user_id,
            name,
            outcome.action if outcome.ok else (outcome.error.code if outcome.error else "none"),
            (self._monotonic() - started) * 1000,
            " (wrote)" if turn.wrote else "",
        )
        return outcome, turn.wrote
