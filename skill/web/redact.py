"""Secrets out of log lines: query values of ``code``, ``state``, ``token`` (and kin).

:func:`redact_url` rewrites a path or URL; :class:`RedactingFilter` applies it to every
argument and message of a log record, and is installed on the loggers that print URLs
(uvicorn's access and error logs, httpx). The service's own access log
(``skill.web.access``) writes redacted paths in the first place.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = (
    "code", "state", "token", "access_token", "refresh_token", "id_token", "api_key",
    "key", "client_secret", "code_verifier", "confirm", "password", "ticket",
)
_PARAM_RE = re.compile(
    r"(?P<pre>[?&;](?:" + "|".join(SECRET_PARAMS) + r")=)(?P<value>[^&#\s\"']*)",
    re.IGNORECASE,
)
_BEARER_RE = re.compile(r"(?P<pre>\bBearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_API_KEY_RE = re.compile(r"\bsk_[A-Za-z0-9_\-]{20,}")
_COOKIE_RE = re.compile(r"(?P<pre>\bskill_link=)[^;\s'\"]+")
MASK = "[redacted]"


def redact_url(text: str) -> str:
    """``/cb?code=abc&x=1`` → ``/cb?code=[redacted]&x=1``; bearer tokens and API keys too."""
    text = _PARAM_RE.sub(lambda m: m.group("pre") + (MASK if m.group("value") else ""), text)
    text = _BEARER_RE.sub(lambda m: m.group("pre") + MASK, text)
    text = _COOKIE_RE.sub(lambda m: m.group("pre") + MASK, text)
    return _API_KEY_RE.sub(MASK, text)


class RedactingFilter(logging.Filter):
    """Redacts the message and string arguments of every record passing through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        return True


def _redact_arg(value: object) -> object:
    """Strings and URL-like objects (``httpx.URL``) come back redacted; numbers untouched."""
    if value is None or isinstance(value, int | float | bool):
        return value
    text = str(value)
    cleaned = redact_url(text)
    return value if cleaned == text else cleaned


#: Loggers that print request URLs or headers written by others (a logger's filters only
#: see records logged on that very logger, so each one is listed).
URL_LOGGERS = (
    "uvicorn.access", "uvicorn.error", "httpx", "httpcore.http11", "httpcore.http2",
    "httpcore.connection", "httpcore.proxy", "skill.web.access",
)


def install_redaction() -> None:
    """Add the filter to the URL-printing loggers (once)."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
