"""The one translation boundary and the retry policy, without a network."""

from __future__ import annotations

import inspect
import random

import httpx
import pytest

from skill.errors import (
    InternalError,
    OAuthDenied,
    OAuthInvalidClient,
    OAuthInvalidGrant,
    OAuthInvalidRedirect,
    RateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from skill.spotify.retry import (
    Outcome,
    RetryPolicy,
    Safety,
    may_repeat,
    outcome_of_exception,
    outcome_of_status,
)
from skill.spotify.translate import (
    parse_failure,
    redact,
    retry_after_seconds,
    translate_accounts_error,
    translate_exception,
)


def all_httpx_errors() -> list[type[httpx.HTTPError]]:
    return [
        cls
        for _, cls in inspect.getmembers(httpx, inspect.isclass)
        if issubclass(cls, httpx.HTTPError) and cls is not httpx.HTTPStatusError
    ]


@pytest.mark.parametrize("cls", all_httpx_errors(), ids=lambda c: c.__name__)
def test_no_httpx_error_is_left_unmapped(cls: type[httpx.HTTPError]) -> None:
    error = translate_exception(cls("boom"))
    assert not isinstance(error, InternalError)
    expected = UpstreamTimeout if issubclass(cls, httpx.TimeoutException) else UpstreamUnavailable
    assert isinstance(error, expected)
    assert error.details["error"] == cls.__name__


def test_our_deadline_and_unreadable_bodies() -> None:
    assert isinstance(translate_exception(TimeoutError()), UpstreamTimeout)
    assert isinstance(translate_exception(ValueError("not json")), UpstreamUnavailable)


def test_only_connect_failures_prove_nothing_was_sent() -> None:
    request = httpx.Request("POST", "https://api.spotify.com/v1/me/player/next")
    assert outcome_of_exception(httpx.ConnectError("refused", request=request)) is Outcome.NOT_SENT
    assert outcome_of_exception(httpx.ConnectTimeout("slow")) is Outcome.NOT_SENT
    assert outcome_of_exception(httpx.PoolTimeout("busy")) is Outcome.NOT_SENT
    for exc in (
        httpx.ReadTimeout("t"),
        httpx.WriteTimeout("t"),
        httpx.ReadError("r"),
        httpx.RemoteProtocolError("dropped"),
        TimeoutError(),
    ):
        assert outcome_of_exception(exc) is Outcome.MAYBE_ACTED


def test_statuses_that_prove_spotify_did_not_act() -> None:
    assert outcome_of_status(429) is Outcome.NOT_ACTED
    assert outcome_of_status(503) is Outcome.NOT_ACTED
    for status in (500, 502, 504):
        assert outcome_of_status(status) is Outcome.MAYBE_ACTED


@pytest.mark.parametrize("outcome", list(Outcome))
def test_reads_and_idempotent_writes_may_always_repeat(outcome: Outcome) -> None:
    assert may_repeat(Safety.READ, outcome) and may_repeat(Safety.IDEMPOTENT, outcome)


def test_unsafe_commands_repeat_only_when_spotify_did_not_act() -> None:
    assert may_repeat(Safety.UNSAFE, Outcome.NOT_SENT)
    assert may_repeat(Safety.UNSAFE, Outcome.NOT_ACTED)
    assert not may_repeat(Safety.UNSAFE, Outcome.MAYBE_ACTED)


def test_backoff_is_capped_exponential_with_jitter() -> None:
    policy = RetryPolicy(rng=random.Random(1))
    assert [policy.nominal(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    for n in range(10):
        delay = policy.delay(n)
        assert policy.nominal(n) * 0.5 <= delay <= policy.nominal(n) <= 60
    exact = RetryPolicy(jitter=0)
    assert [exact.delay(n) for n in range(5)] == [1, 2, 4, 8, 16]
    assert not policy.should_retry(attempt=6, safety=Safety.READ, outcome=Outcome.NOT_SENT)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_retry_after_forms() -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": "13749"})) == 13749
    assert retry_after_seconds(httpx.Headers({"Retry-After": "1.5"})) == 1.5
    assert retry_after_seconds(httpx.Headers({})) is None
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({"Retry-After": "-3"})) is None
    past = retry_after_seconds(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert past == 0


def test_error_bodies_of_every_shape() -> None:
    pretty = (
        b'{\n  "error" : {\n    "status" : 404,\n    "message" : "x",\n'
        b'    "reason" : "NO_ACTIVE_DEVICE"\n  }\n}'
    )
    assert parse_failure(404, pretty).reason == "NO_ACTIVE_DEVICE"
    assert parse_failure(403, b"User not approved for app").plain_text
    assert parse_failure(400, b'{"error":"invalid_grant","error_description":"d"}').error == (
        "invalid_grant"
    )
    assert parse_failure(500, b"").message == ""
    assert parse_failure(500, b"\xff\xfe garbage").plain_text
    assert parse_failure(400, b"[1, 2]").plain_text


def test_redact_removes_token_like_runs() -> None:
    token = "BQDtA7r9Xk2" + "a" * 120
    assert token not in redact(f"bad token {token} here")
    assert len(redact("x" * 10 + " " + "word " * 100)) <= 200


def _accounts(status: int, body: dict[str, str], **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_accounts_errors() -> None:
    denied = translate_accounts_error(_accounts(400, {"error": "access_denied"}))
    assert isinstance(denied, OAuthDenied)
    grant = translate_accounts_error(
        _accounts(400, {"error": "invalid_grant", "error_description": "Refresh token revoked"})
    )
    assert isinstance(grant, OAuthInvalidGrant)
    assert grant.details["spotify_message"] == "Refresh token revoked"
    assert isinstance(
        translate_accounts_error(_accounts(401, {"error": "invalid_client"})), OAuthInvalidClient
    )
    assert isinstance(
        translate_accounts_error(
            _accounts(
                400, {"error": "invalid_request", "error_description": "Invalid redirect URI"}
            )
        ),
        OAuthInvalidRedirect,
    )
    mismatch = _accounts(
        400, {"error": "invalid_grant", "error_description": "Invalid redirect URI"}
    )
    assert isinstance(translate_accounts_error(mismatch), OAuthInvalidRedirect)
    limited = translate_accounts_error(_accounts(429, {"error": "x"}, **{"Retry-After": "7"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 7
    assert isinstance(translate_accounts_error(httpx.Response(502, text="")), UpstreamUnavailable)
