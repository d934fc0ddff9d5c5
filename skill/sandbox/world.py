"""The sandbox's world: registered clients, users, their devices, playlists and libraries.

The world is plain mutable data guarded by the sandbox's lock; routes read and change it.
It is loaded from a JSON or YAML file (``--world``) or the shipped ``data/world.yaml``, and
``POST /control/world`` replaces or extends it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from skill.sandbox.ids import base62_id

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WORLD = REPO_ROOT / "data" / "world.yaml"
SANDBOX_CLIENT_ID = "skill-sandbox"
CURATOR_ID = "playlist-curator"


class WorldError(ValueError):
    """A world document that cannot be loaded; the message says which field."""


@dataclass
class Client:
    """A registered app. No secret = a public (PKCE) client."""

    id: str
    secret: str | None = field(default=None, repr=False)
    redirect_uris: list[str] = field(default_factory=list)
    any_loopback_redirect: bool = False
    """The built-in ``skill-sandbox`` client accepts any loopback-IP redirect URI."""

    @property
    def confidential(self) -> bool:
        return self.secret is not None


@dataclass
class Device:
    """A Spotify Connect device of one user."""

    id: str
    name: str
    type: str = "Speaker"
    volume_percent: int | None = 50
    is_restricted: bool = False
    supports_volume: bool = True
    is_private_session: bool = False
    visible: bool = True
    """Idle devices can drop out of the device list; the control plane can hide them."""


@dataclass
class PlaylistEntry:
    uri: str
    added_at: float
    added_by: str


@dataclass
class Playlist:
    """A playlist owned by one world user, possibly followed by others."""

    id: str
    name: str
    owner_id: str
    entries: list[PlaylistEntry] = field(default_factory=list)
    public: bool = True
    collaborative: bool = False
    description: str = ""
    followers: set[str] = field(default_factory=set)
    version: int = 1

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"

    @property
    def snapshot_id(self) -> str:
        return base62_id(f"snapshot:{self.id}:{self.version}")

    @property
    def track_uris(self) -> list[str]:
        return [e.uri for e in self.entries]

    def touch(self) -> None:
        self.version += 1


@dataclass
class User:
    """A Spotify account of the sandbox."""

    id: str
    display_name: str
    product: str = "premium"
    devices: list[Device] = field(default_factory=list)
    library: dict[str, float] = field(default_factory=dict)
    """Saved item URI -> added_at (seconds). Liked songs are the track URIs here."""
    followed_playlists: list[str] = field(default_factory=list)

    @property
    def account_id(self) -> str:
        return base62_id(f"account:{self.id}")

    @property
    def uri(self) -> str:
        return f"spotify:user:{self.id}"

    @property
    def premium(self) -> bool:
        return self.product == "premium"

    def device(self, device_id: str) -> Device | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def liked_track_ids(self) -> list[str]:
        """Liked songs, most recently added first (Spotify's order)."""
        items = sorted(self.library.items(), key=lambda kv: kv[1], reverse=True)
        return [uri.rsplit(":", 1)[1] for uri, _ in items if uri.startswith("spotify:track:")]


@dataclass
class World:
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)

    def extend(self, doc: Mapping[str, Any], *, now: float) -> None:
        """Add (or replace by id) the clients, users and playlists of ``doc``."""
        _check_keys(doc, {"clients", "users", "playlists"}, "world")
        for raw in _list(doc, "clients"):
            client = _client(raw)
            self.clients[client.id] = client
        for raw in _list(doc, "playlists"):
            playlist = _playlist(raw, owner_default=CURATOR_ID, now=now)
            self.playlists[playlist.id] = playlist
        for raw in _list(doc, "users"):
            user, playlists = _user(raw, now=now)
            self.users[user.id] = user
            for playlist in playlists:
                self.playlists[playlist.id] = playlist
            for pid in user.followed_playlists:
                if pid in self.playlists:
                    self.playlists[pid].followers.add(user.id)
        self.clients.setdefault(
            SANDBOX_CLIENT_ID, Client(id=SANDBOX_CLIENT_ID, any_loopback_redirect=True)
        )

    def owned_and_followed(self, user_id: str) -> list[Playlist]:
        """The user's playlists as /me/playlists lists them: owned first, then followed."""
        owned = [p for p in self.playlists.values() if p.owner_id == user_id]
        followed = [
            p for p in self.playlists.values() if user_id in p.followers and p.owner_id != user_id
        ]
        return owned + followed


def load_world_document(path: Path | None) -> dict[str, Any]:
    """Read a world file (JSON or YAML); ``None`` reads the shipped default."""
    target = path or DEFAULT_WORLD
    text = target.read_text(encoding="utf-8")
    try:
        doc = json.loads(text) if target.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise WorldError(f"{target}: not valid JSON/YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise WorldError(f"{target}: the world must be a mapping")
    return doc


def device_id(user_id: str, name: str) -> str:
    """Stable 40-hex-digit device id, like Spotify's."""
    return hashlib.sha1(f"device:{user_id}:{name}".encode()).hexdigest()


def catalog_playlists_document(playlists: Iterable[Any]) -> dict[str, Any]:
    """The catalog's real playlists as world playlists owned by the curator user."""
    return {
        "users": [{"id": CURATOR_ID, "display_name": "Playlist Curator", "product": "premium"}],
        "playlists": [
            {
                "id": p.id,
                "name": p.name,
                "owner": CURATOR_ID,
                "description": f"{p.genre} / {p.subgenre}",
                "track_ids": list(p.track_ids),
            }
            for p in playlists
        ],
    }


# -- parsing helpers -------------------------------------------------------------------


def _check_keys(raw: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise WorldError(f"{what}: unknown field(s) {sorted(unknown)}")


def _list(doc: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise WorldError(f"'{key}' must be a list of objects")
    return value


def _str(raw: Mapping[str, Any], key: str, what: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value:
        raise WorldError(f"{what}: '{key}' must be a non-empty string")
    return value


def _client(raw: Mapping[str, Any]) -> Client:
    _check_keys(raw, {"id", "secret", "redirect_uris"}, "client")
    cid = _str(raw, "id", "client")
    uris = raw.get("redirect_uris") or []
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise WorldError(f"client {cid}: 'redirect_uris' must be a list of strings")
    from skill.sandbox.redirects import redirect_uri_problem

    for uri in uris:
        problem = redirect_uri_problem(uri)
        if problem:
            raise WorldError(f"client {cid}: redirect URI {uri!r} refused: {problem}")
    secret = raw.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise WorldError(f"client {cid}: 'secret' must be a string")
    return Client(id=cid, secret=secret, redirect_uris=list(uris))


def _device(raw: Mapping[str, Any], user_id: str) -> Device:
    _check_keys(
        raw,
        {"id", "name", "type", "volume_percent", "is_restricted", "supports_volume", "visible",
         "is_private_session"},
        f"device of {user_id}",
    )
    name = _str(raw, "name", f"device of {user_id}")
    volume = raw.get("volume_percent", 50)
    if volume is not None and (not isinstance(volume, int) or not 0 <= volume <= 100):
        raise WorldError(f"device {name}: 'volume_percent' must be 0-100")
    return Device(
        id=str(raw.get("id") or device_id(user_id, name)),
        name=name,
        type=str(raw.get("type", "Speaker")),
        volume_percent=volume,
        is_restricted=bool(raw.get("is_restricted", False)),
        supports_volume=bool(raw.get("supports_volume", True)),
        is_private_session=bool(raw.get("is_private_session", False)),
        visible=bool(raw.get("visible", True)),
    )


def _playlist(raw: Mapping[str, Any], *, owner_default: str, now: float) -> Playlist:
    _check_keys(
        raw,
        {"id", "name", "owner", "track_ids", "public", "collaborative", "description", "followers"},
        "playlist",
    )
    name = _str(raw, "name", "playlist")
    owner = str(raw.get("owner") or owner_default)
    pid = str(raw.get("id") or base62_id(f"playlist:{owner}:{name}"))
    track_ids = raw.get("track_ids") or []
    if not isinstance(track_ids, list) or not all(isinstance(t, str) for t in track_ids):
        raise WorldError(f"playlist {name}: 'track_ids' must be a list of track ids")
    followers = raw.get("followers") or []
    return Playlist(
        id=pid,
        name=name,
        owner_id=owner,
        entries=[PlaylistEntry(f"spotify:track:{t}", now, owner) for t in track_ids],
        public=bool(raw.get("public", True)),
        collaborative=bool(raw.get("collaborative", False)),
        description=str(raw.get("description", "")),
        followers=set(followers),
    )


def _user(raw: Mapping[str, Any], *, now: float) -> tuple[User, list[Playlist]]:
    _check_keys(
        raw,
        {"id", "display_name", "product", "devices", "playlists", "liked", "library",
         "followed_playlists"},
        "user",
    )
    uid = _str(raw, "id", "user")
    product = raw.get("product", "premium")
    if product not in {"premium", "free"}:
        raise WorldError(f"user {uid}: 'product' must be 'premium' or 'free'")
    devices = [_device(d, uid) for d in _list(raw, "devices")]
    playlists = [_playlist(p, owner_default=uid, now=now) for p in _list(raw, "playlists")]
    for p in playlists:
        p.owner_id = uid
    library: dict[str, float] = {}
    # Liked songs keep the file's order as most-recent-first.
    for i, tid in enumerate(raw.get("liked") or []):
        library[f"spotify:track:{tid}"] = now - i
    for i, uri in enumerate(raw.get("library") or []):
        library[str(uri)] = now - i
    followed = [str(p) for p in raw.get("followed_playlists") or []]
    user = User(
        id=uid,
        display_name=str(raw.get("display_name") or uid.title()),
        product=product,
        devices=devices,
        library=library,
        followed_playlists=followed,
    )
    return user, playlists
