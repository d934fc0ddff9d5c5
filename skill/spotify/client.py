"""``SpotifyClient``: the Web API client every Spotify call of the skill goes through.

One call = :meth:`SpotifyClient.request`, which wraps the send in the policies, outermost
first:

1. a **deadline** (30 s, or 10 s inside ``budget_mode("short")``) that nothing waits past;
2. the **token** from the ``TokenSource`` and a **scope check** before anything is sent
   (``insufficient_scope`` with the missing scopes and an incremental-consent URL);
3. the **budget**: the app-wide 429 cooldown and the user's token bucket
   (``rate_limited`` at once when the wait cannot fit the deadline);
4. the Web API **breaker** (``upstream_unavailable`` at once while open);
5. the send itself, with a per-attempt timeout inside the deadline and one INFO log line;
6. **retries** only where a repeat cannot act twice (``skill.spotify.retry``), one token
   refresh and repeat on a 401, and every failure **translated** in ``skill.spotify.translate``.

Endpoint methods (``PlayerAPI``, ``ContentAPI``) only build the request and parse the answer.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from skill.errors import InsufficientScope, SkillError, UpstreamTimeout
from skill.spotify.breaker import Breakers
from skill.spotify.budget import Budget, Deadline, Sleep
from skill.spotify.content import ContentAPI
from skill.spotify.endpoints import Endpoint, ScopeRule, missing_scopes
from skill.spotify.player import PlayerAPI
from skill.spotify.retry import (
    TRANSIENT_STATUSES,
    Outcome,
    RetryPolicy,
    Safety,
    outcome_of_exception,
    outcome_of_status,
)
from skill.spotify.seams import AccessToken, TokenSource
from skill.spotify.translate import retry_after_seconds, translate_exception, translate_response

log = logging.getLogger("skill.spotify.client")

ConsentUrl = Callable[[str, list[str]], "str | Awaitable[str]"]
"""``(user_id, missing_scopes) -> authorize URL`` asking for those scopes only."""

DEFAULT_ATTEMPT_TIMEOUT = 10.0
SAME_TOKEN_DELAY = 0.5
"""Pause before repeating a 401'd call with the same token (no fresh one was issued)."""


@dataclass(frozen=True)
class _Exchange:
    """Everything one call's send loop needs."""

    user_id: str
    endpoint: Endpoint
    path: str
    query: dict[str, Any]
    json: Any
    rule: ScopeRule
    safety: Safety
    deadline: Deadline


class SpotifyClient(PlayerAPI, ContentAPI):
    """The Spotify Web API for many users over one shared ``httpx.AsyncClient``.

    ``http`` is owned by the caller (the app's lifespan), its transport injected; the client
    never closes it. ``clock`` defaults to the budget's clock so deadlines, cooldowns and
    the breaker agree on time; ``sleep`` is how it waits (injected in tests).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        *,
        api_base: str,
        breakers: Breakers,
        budget: Budget,
        clock: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
        retry: RetryPolicy | None = None,
        attempt_timeout: float = DEFAULT_ATTEMPT_TIMEOUT,
        consent_url: ConsentUrl | None = None,
        search_limit_max: int = 10,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._api_base = api_base.rstrip("/")
        self._breakers = breakers
        self._budget = budget
        self._clock = clock or budget.clock
        self._sleep = sleep
        self._retry = retry or RetryPolicy()
        self._attempt_timeout = attempt_timeout
        self._consent_url = consent_url
        self.search_limit_max = search_limit_max
        self._inflight: dict[tuple[object, ...], asyncio.Future[httpx.Response]] = {}

    @property
    def breakers(self) -> Breakers:
        return self._breakers

    @property
    def budget(self) -> Budget:
        return self._budget

    def status(self) -> dict[str, object]:
        """Breaker and cooldown state, for status pages."""
        return {"breakers": self._breakers.snapshot(), "budget": self._budget.snapshot()}

    async def request(
        self,
        user_id: str,
        endpoint: Endpoint,
        *,
        ids: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        scopes: ScopeRule | None = None,
        safety: Safety | None = None,
    ) -> httpx.Response:
        """Send one Web API call for ``user_id``; returns the 2xx response or raises a
        ``SkillError``. ``scopes``/``safety`` override the endpoint's when they depend on
        the arguments."""
        deadline = self._budget.deadline()
        rule = endpoint.scopes if scopes is None else scopes
        safety = safety or endpoint.safety
        token = await self._within(deadline, self._tokens.get(user_id))
        await self._check_scopes(user_id, endpoint, rule, token)
        path = endpoint.path.format(**{k: quote(v, safe="") for k, v in (ids or {}).items()})
        query = {k: v for k, v in (params or {}).items() if v is not None}
        exchange = _Exchange(user_id, endpoint, path, query, json, rule, safety, deadline)
        if safety is not Safety.READ or json is not None:
            return await self._exchange(exchange, token)
        # Identical reads of one user in flight at the same moment share one upstream call
        # (a burst of "what's playing?" costs Spotify's app-wide budget once).
        key = (user_id, endpoint.method, path, tuple(sorted((k, str(v)) for k, v in query.items())))
        while (shared := self._inflight.get(key)) is not None:
            try:
                return await self._follow(shared, deadline)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if shared.cancelled() and task is not None and not task.cancelling():
                    continue  # the leader was cancelled, not us: lead or follow anew
                raise
        future: asyncio.Future[httpx.Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._exchange(exchange, token)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" noise without followers
            raise
        else:
            future.set_result(response)
            return response
        finally:
            if self._inflight.get(key) is future:
                del self._inflight[key]

    async def _follow(
        self, shared: asyncio.Future[httpx.Response], deadline: Deadline
    ) -> httpx.Response:
        try:
            async with asyncio.timeout(deadline.remaining()):
                return await asyncio.shield(shared)
        except TimeoutError:
            raise UpstreamTimeout(details={"upstream": "api", "error": "deadline"}) from None

    async def _exchange(self, call: _Exchange, token: AccessToken) -> httpx.Response:
        """The send loop of one call: budget, breaker, send, translate, retry."""
        user_id, endpoint, path, query = call.user_id, call.endpoint, call.path, call.query
        json, rule, safety, deadline = call.json, call.rule, call.safety, call.deadline
        breaker = self._breakers.api
        refreshed = False
        maybe_acted = False
        attempt = 0
        while True:
            attempt += 1
            await self._budget.admit(user_id, deadline, sleep=self._sleep)
            if deadline.remaining() <= 0:
                # Nothing was sent, so this says nothing about Spotify's health.
                raise UpstreamTimeout(details={"upstream": "api", "error": "deadline"})
            breaker.before_call()
            started = time.perf_counter()
            try:
                response = await self._send(endpoint.method, path, query, json, token, deadline)
            except asyncio.CancelledError:
                breaker.release()
                raise
            except (httpx.HTTPError, TimeoutError) as exc:
                self._log(endpoint.method, path, type(exc).__name__, started, attempt)
                breaker.record_failure()
                outcome = outcome_of_exception(exc)
                maybe_acted = maybe_acted or outcome is Outcome.MAYBE_ACTED
                error = translate_exception(exc)
                await self._backoff_or_raise(error, attempt, safety, outcome, deadline)
                continue
            status = response.status_code
            retry_after = retry_after_seconds(response.headers) if status == 429 else None
            self._log(endpoint.method, path, status, started, attempt, retry_after)
            if status >= 500:
                breaker.record_failure()
            else:
                breaker.record_success()  # any answer below 500 proves Spotify is up
            if 200 <= status < 300:
                self._budget.api_cooldown.record_success()
                return response
            if status == 401 and not refreshed:
                refreshed = True
                rejected = token
                token = await self._within(deadline, self._tokens.refresh_after_401(user_id, token))
                await self._check_scopes(user_id, endpoint, rule, token)
                if token.value == rejected.value and deadline.fits(SAME_TOKEN_DELAY):
                    # The token layer would not refresh again so soon (each refresh rotates
                    # the chain): Spotify's 401s are sometimes transient, so wait a moment
                    # and repeat with the same token (BEHAVIOR.md §10).
                    await self._sleep(SAME_TOKEN_DELAY)
                continue
            if status == 429:
                # App-wide: nothing goes out until it passes; admit() waits or fails fast.
                self._budget.api_cooldown.open(retry_after)
                if attempt < self._retry.max_attempts:
                    continue
            error = translate_response(response, required_scopes=missing_scopes(rule, ()))
            if maybe_acted and error.details.get("reason") in endpoint.done_reasons:
                # An earlier attempt did it; the repeat found the player already there.
                return response
            if isinstance(error, InsufficientScope):
                await self._add_consent_url(user_id, error)
                raise error
            if status in TRANSIENT_STATUSES and status != 429:
                outcome = outcome_of_status(status)
                maybe_acted = maybe_acted or outcome is Outcome.MAYBE_ACTED
                await self._backoff_or_raise(error, attempt, safety, outcome, deadline)
                continue
            raise error

    async def request_json(
        self,
        user_id: str,
        endpoint: Endpoint,
        **kwargs: Any,
    ) -> Any:
        """:meth:`request` and decode the JSON body (None for an empty 2xx, e.g. 204)."""
        response = await self.request(user_id, endpoint, **kwargs)
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise translate_exception(exc) from None

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        body: Any,
        token: AccessToken,
        deadline: Deadline,
    ) -> httpx.Response:
        timeout = min(self._attempt_timeout, deadline.remaining())  # > 0: checked by the caller
        headers = {"Authorization": f"Bearer {token.value}", "Accept": "application/json"}
        # Body-less PUT/POST still send Content-Length: 0 (Spotify once answered 411).
        content = None if body is not None else (b"" if method in ("PUT", "POST") else None)
        async with asyncio.timeout(timeout):
            return await self._http.request(
                method,
                self._api_base + path,
                params=dict(params),
                json=body,
                content=content,
                headers=headers,
                timeout=httpx.Timeout(timeout),
            )

    async def _backoff_or_raise(
        self,
        error: SkillError,
        attempt: int,
        safety: Safety,
        outcome: Outcome,
        deadline: Deadline,
    ) -> None:
        if not self._retry.should_retry(attempt=attempt, safety=safety, outcome=outcome):
            raise error
        if self._breakers.api.state == "open":
            # This failure opened the breaker: say so now instead of sleeping towards a refusal.
            self._breakers.api.before_call()
        delay = self._retry.delay(attempt - 1)
        if not deadline.fits(delay):
            raise error
        await self._sleep(delay)

    async def _within(self, deadline: Deadline, awaitable: Awaitable[AccessToken]) -> AccessToken:
        """Wait for the token layer, but not past the deadline."""
        remaining = deadline.remaining()
        try:
            async with asyncio.timeout(remaining if remaining > 0 else 0):
                return await awaitable
        except TimeoutError:
            raise UpstreamTimeout(
                "Getting a Spotify access token took too long.",
                details={"upstream": "accounts"},
            ) from None

    async def _check_scopes(
        self, user_id: str, endpoint: Endpoint, rule: ScopeRule, token: AccessToken
    ) -> None:
        missing = missing_scopes(rule, token.scopes)
        if not missing:
            return
        error = InsufficientScope(
            "Spotify has not granted the permission this needs: " + ", ".join(missing) + ".",
            details={"missing_scopes": missing, "endpoint": endpoint.name},
        )
        await self._add_consent_url(user_id, error)
        raise error

    async def _add_consent_url(self, user_id: str, error: SkillError) -> None:
        missing = error.details.get("missing_scopes") or []
        if self._consent_url is None or not missing:
            return
        url = self._consent_url(user_id, list(missing))
        if inspect.isawaitable(url):
            url = await url
        error.details["authorize_url"] = url

    def _log(
        self,
        method: str,
        path: str,
        status: int | str,
        started: float,
        attempt: int,
        retry_after: float | None = None,
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        extra = f" retry_after={retry_after:g}" if retry_after is not None else ""
        log.info(
            "spotify %s %s -> %s in %.1f ms (attempt %d)%s",
            method,
            path,
            status,
            elapsed_ms,
            attempt,
            extra,
        )
