"""Spotify's redirect-URI rules (BEHAVIOR.md §1.2)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from skill.sandbox.world import Client


def _loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_uri_problem(uri: str) -> str | None:
    """Why Spotify would refuse to register ``uri``, or None when it is acceptable."""
    try:
        parts = urlsplit(uri)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Invalid redirect URI"
    if not parts.scheme:
        return "Invalid redirect URI"
    if parts.scheme in {"http", "https"}:
        if not host:
            return "Invalid redirect URI"
        if host == "localhost" or host.endswith(".localhost"):
            return "Insecure redirect URI"
        if parts.scheme == "http" and not _loopback_literal(host):
            return "Insecure redirect URI"
    return None


def redirect_allowed(client: Client, uri: str) -> bool:
    """Does ``uri`` match one of the client's registered redirect URIs?

    Exact match, except that a loopback URI registered without a port accepts any port;
    the built-in sandbox client accepts any loopback-IP URI.
    """
    if redirect_uri_problem(uri) is not None:
        return False
    parts = urlsplit(uri)
    if client.any_loopback_redirect and parts.scheme == "http":
        return _loopback_literal(parts.hostname or "")
    if uri in client.redirect_uris:
        return True
    for registered in client.redirect_uris:
        reg = urlsplit(registered)
        if (
            reg.scheme == "http"
            and reg.port is None
            and _loopback_literal(reg.hostname or "")
            and reg.hostname == parts.hostname
            and (reg.path, reg.query) == (parts.path, parts.query)
        ):
            return True
    return False
