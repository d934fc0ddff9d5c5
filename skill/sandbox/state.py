"""Everything one sandbox instance holds: world, catalog, grants, counters, logs, players."""

from __future__ import annotations

import collections
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.sandbox.clock import SandboxClock
from skill.sandbox.config import SandboxConfig
from skill.sandbox.faults import FaultRules
from skill.sandbox.ids import opaque_token
from skill.sandbox.ratelimit import RollingWindowLimiter
from skill.sandbox.world import (
    World,
    catalog_playlists_document,
    load_world_document,
)

if TYPE_CHECKING:
    from skill.sandbox.catalog import Catalog
    from skill.sandbox.player import PlayerState


@functools.lru_cache(maxsize=4)
def shared_catalog(path: Path | None) -> Catalog:
    """One loaded catalog per file per process.

    A catalog never changes after it is built (extending one builds a new object), so every
    sandbox of a process — the tests make many — shares the load and its search index.
    """
    from skill.sandbox.catalog import Catalog

    return Catalog.load(path)


@dataclass
class AuthCode:
    """An authorization code: single use, short-lived, bound to client, redirect and challenge."""

    client_id: str
    redirect_uri: str
    code_challenge: str | None
    scopes: frozenset[str]
    user_id: str
    expires_at: float
    used: bool = False


@dataclass
class RefreshGrant:
    """A refresh token: dies six months after the user's consent; rotates for PKCE clients."""

    user_id: str
    client_id: str
    scopes: frozenset[str]
    consent_at: float
    revoked: str | None = None
    """None while usable; otherwise the error_description Spotify gives for it."""
    rotating: bool = True
    """PKCE grants rotate (one-shot refresh tokens); confidential-client grants do not."""


@dataclass
class AccessGrant:
    user_id: str | None
    """None for client-credentials (app-only) tokens."""
    client_id: str
    scopes: frozenset[str]
    expires_at: float
    revoked: bool = False


@dataclass
class Stats:
    """Counters read by ``GET /control/stats``."""

    token_requests: dict[str, int] = field(
        default_factory=lambda: {"authorization_code": 0, "refresh_token": 0,
                                 "client_credentials": 0}
    )
    api_requests: int = 0
    api_requests_by_path: collections.Counter[str] = field(default_factory=collections.Counter)
    rate_limited: int = 0
    faults_served: int = 0
    authorize_requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "token_requests": dict(self.token_requests),
            "api_requests": self.api_requests,
            "api_requests_by_path": dict(self.api_requests_by_path),
            "rate_limited": self.rate_limited,
            "faults_served": self.faults_served,
            "authorize_requests": self.authorize_requests,
        }


@dataclass
class LogEntry:
    """One state-changing player call, as ``GET /control/users/{id}/log`` lists it."""

    at: float
    method: str
    path: str
    body: Any
    status: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "status": self.status,
        }


class Sandbox:
    """The state of one simulated Spotify.

    All handlers run on one event loop and never await while changing this state, so
    each change is atomic without a lock.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        catalog: Catalog | None = None,
        clock: SandboxClock | None = None,
        world_doc: dict[str, Any] | None = None,
    ) -> None:

        self.config = config or SandboxConfig()
        self.clock = clock or SandboxClock()
        self.catalog: Catalog = catalog or shared_catalog(self.config.catalog)
        self.stats = Stats()
        self.faults = FaultRules()
        self.limiter = RollingWindowLimiter(
            self.config.rate_limit, self.config.rate_window, self.clock.now
        )
        self.codes: dict[str, AuthCode] = {}
        self.refresh_tokens: dict[str, RefreshGrant] = {}
        self.access_tokens: dict[str, AccessGrant] = {}
        self.logs: dict[str, list[LogEntry]] = collections.defaultdict(list)
        self.players: dict[str, PlayerState] = {}
        self.world = World()
        # The world this sandbox started with: ``POST /control/reset`` goes back to it.
        self.world_doc: dict[str, Any] = (
            world_doc if world_doc is not None else load_world_document(self.config.world)
        )
        self.reset_world()

    # -- world ---------------------------------------------------------------------------

    def reset_world(self, doc: dict[str, Any] | None = None) -> None:
        """Replace the world: the catalog's playlists, then ``doc`` (default: the world this
        sandbox started with) on top."""
        doc = self.world_doc if doc is None else doc
        self.world = World()
        self.players.clear()
        now = self.clock.now()
        self.world.extend(catalog_playlists_document(self.catalog.playlists.values()), now=now)
        self.world.extend(doc, now=now)

    def extend_catalog(self, rows: list[dict[str, Any]]) -> None:
        """Add catalog rows (the tracks.csv columns) to the catalog: fixtures such as two
        same-title tracks by different artists. Names resolve against the loaded catalog
        and the search index only indexes the additions (``Catalog.extended``)."""
        self.catalog = self.catalog.extended(rows)

    # -- grants --------------------------------------------------------------------------

    def issue_tokens(
        self,
        *,
        user_id: str | None,
        client_id: str,
        scopes: frozenset[str],
        consent_at: float | None,
        with_refresh: bool,
    ) -> tuple[str, str | None]:
        access = opaque_token("BQ")
        self.access_tokens[access] = AccessGrant(
            user_id=user_id,
            client_id=client_id,
            scopes=scopes,
            expires_at=self.clock.now() + self.config.token_ttl,
        )
        refresh: str | None = None
        if with_refresh and user_id is not None:
            refresh = opaque_token("AQ")
            self.refresh_tokens[refresh] = RefreshGrant(
                user_id=user_id,
                client_id=client_id,
                scopes=scopes,
                consent_at=consent_at if consent_at is not None else self.clock.now(),
            )
        return access, refresh

    def revoke_user_grants(self, user_id: str, client_id: str | None = None) -> int:
        """The user revoked the app: every refresh and access token dies."""
        count = 0
        for grant in self.refresh_tokens.values():
            if grant.user_id == user_id and client_id in (None, grant.client_id):
                if grant.revoked is None:
                    grant.revoked = "Invalid refresh token"
                    count += 1
        for access in self.access_tokens.values():
            if access.user_id == user_id and client_id in (None, access.client_id):
                access.revoked = True
        return count

    # -- playback contexts -----------------------------------------------------------------

    def context_track_ids(self, context_uri: str, user_id: str) -> list[str] | None:
        """The ordered track ids of a playable context, or None if it is not one.

        Albums play in track order, playlists in entry order, an artist context plays the
        artist's tracks most popular first, and ``spotify:user:<id>:collection`` is the
        user's liked songs.
        """
        parts = context_uri.split(":")
        if len(parts) == 3 and parts[0] == "spotify":
            kind, item_id = parts[1], parts[2]
            if kind == "album":
                album = self.catalog.album(item_id)
                return list(album.track_ids) if album else None
            if kind == "artist":
                if self.catalog.artist(item_id) is None:
                    return None
                return self.catalog.artist_track_ids(item_id)
            if kind == "playlist":
                playlist = self.world.playlists.get(item_id)
                if playlist is None:
                    return None
                return [u.rsplit(":", 1)[1] for u in playlist.track_uris
                        if u.startswith("spotify:track:")]
        if len(parts) == 4 and parts[:2] == ["spotify", "user"] and parts[3] == "collection":
            user = self.world.users.get(parts[2])
            if user is None or parts[2] != user_id:
                return None
            return user.liked_track_ids()
        return None

    def log(self, user_id: str, method: str, path: str, body: Any, status: int) -> None:
        self.logs[user_id].append(LogEntry(self.clock.now(), method, path, body, status))
