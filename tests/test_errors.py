from __future__ import annotations

import pytest

from skill import errors
from skill.errors import (
    ERROR_CLASSES,
    STATUS_BY_CODE,
    RateLimited,
    SkillError,
    error_from_code,
)

# The table of DESIGN.md, "Error codes and HTTP statuses".
DESIGN_TABLE = {
    "invalid_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "device_not_found": 404,
    "no_active_device": 404,
    "not_linked": 409,
    "relink_required": 409,
    "conflict": 409,
    "insufficient_scope": 403,
    "premium_required": 403,
    "restricted_device": 403,
    "oauth_denied": 400,
    "oauth_invalid_state": 400,
    "oauth_invalid_grant": 400,
    "oauth_invalid_client": 400,
    "rate_limited": 429,
    "upstream_unavailable": 503,
    "upstream_timeout": 504,
    "internal": 500,
}


def test_design_table_is_kept() -> None:
    for code, status in DESIGN_TABLE.items():
        assert STATUS_BY_CODE[code] == status, code


def test_every_code_has_exactly_one_class() -> None:
    assert set(ERROR_CLASSES) == set(STATUS_BY_CODE)
    for code, cls in ERROR_CLASSES.items():
        assert cls.code == code
        assert issubclass(cls, SkillError)


def test_envelope_shape() -> None:
    err = RateLimited(retry_after=12.3456, details={"scope": "x"})
    body = err.envelope()
    assert body == {
        "error": {
            "code": "rate_limited",
            "message": "Spotify is busy; try again shortly.",
            "status": 429,
            "retry_after": 12.346,
            "details": {"scope": "x"},
        }
    }


@pytest.mark.parametrize("code", sorted(STATUS_BY_CODE))
def test_error_from_code_round_trips(code: str) -> None:
    err = error_from_code(code, "msg")
    assert err.code == code
    assert err.status == STATUS_BY_CODE[code]
    assert err.message == "msg"


def test_unknown_code_is_internal() -> None:
    assert error_from_code("nope").code == "internal"


def test_tree_groups() -> None:
    assert issubclass(errors.RateLimited, errors.Transient)
    assert issubclass(errors.NoActiveDevice, errors.UserActionRequired)
    assert issubclass(errors.OAuthInvalidState, errors.OAuthError)
