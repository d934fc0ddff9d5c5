"""Contract checks: sandbox responses against the vendored Spotify OpenAPI description.

``assert_matches_spec(response)`` finds the operation from the request's method and path
(everything after ``/v1``), then validates the status and the JSON body against the
operation's response schema. The spec (``data/spotify/openapi.yaml``, OpenAPI 3.0) is
converted once to JSON Schema: ``nullable`` becomes a ``null`` alternative and refs point
into the loaded document.

The spec's known gaps (BEHAVIOR.md §11) are handled here, explicitly and nowhere else:

1. ``actions`` is wrapped in ``disallows`` on the wire; the spec flattens it.
2. ``GET /me/player/currently-playing`` and ``GET /me/player/queue`` may answer 204, and
   ``GET /me/player`` answers 204 when nothing is active.
3. Player commands may answer 200 (or 202) with a short plain-text body; only 204 is listed.
4. ``ErrorObject`` lacks ``reason``; it is added as an optional string.
5. Each operation lists only some error statuses; every error uses the same envelope, so an
   unlisted error status is validated against ``{"error": ErrorObject}``; plain-text error
   bodies (development-mode gates) are accepted for 403.
6. Development mode removes deprecated fields the spec still lists as required
   (BEHAVIOR.md §6): ``available_markets`` (albums), album ``popularity``, discography
   ``album_group``; they are dropped from ``required``.
7. Null entries Spotify sends (BEHAVIOR.md §5, §6): hidden Spotify-owned playlists in
   ``playlists.items`` of search and ``/me/playlists``, ``item``/``track`` of a playlist
   entry whose track is unavailable, and unknown ids in the batch ``GET /tracks|albums|
   artists?ids=`` answers.
8. Properties whose description says "Can be `null`" (playback ``context``, ``item``,
   ``progress_ms``, the queue's ``currently_playing``) are not marked ``nullable``.
9. Cursor pages: ``next`` is ``null`` on the last page (its description says so), and
   ``cursors`` is ``null`` when the page is empty (recently played with no history; tekore
   models it as optional).
10. The 400 answers of ``/me/library`` and ``/me/library/contains`` are described as a bare
    ``ErrorObject``; on the wire they carry the usual ``{"error": ...}`` envelope.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_PATH = Path(__file__).resolve().parents[2] / "data" / "spotify" / "openapi.yaml"
SPEC_URI = "urn:spotify-openapi"
PLAYER_COMMANDS = {
    ("PUT", "/me/player"),
    ("PUT", "/me/player/play"),
    ("PUT", "/me/player/pause"),
    ("POST", "/me/player/next"),
    ("POST", "/me/player/previous"),
    ("PUT", "/me/player/seek"),
    ("PUT", "/me/player/volume"),
    ("PUT", "/me/player/shuffle"),
    ("PUT", "/me/player/repeat"),
    ("POST", "/me/player/queue"),
}
MAY_BE_EMPTY = {
    ("GET", "/me/player"),
    ("GET", "/me/player/currently-playing"),
    ("GET", "/me/player/queue"),
}


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    skip = {"example", "x-spotify-docs-type"}
    out = {k: _to_json_schema(v) for k, v in node.items() if k not in skip}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        out["$ref"] = SPEC_URI + ref
    if out.pop("nullable", False):
        if "type" in out and "$ref" not in out:
            kind = out["type"]
            out["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


@functools.cache
def spec() -> dict[str, Any]:
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    patched = copy.deepcopy(raw)
    schemas = patched["components"]["schemas"]
    # Gap 1: actions is {"disallows": {...}} on the wire.
    context = schemas["CurrentlyPlayingContextObject"]["properties"]
    context["actions"] = {
        "type": "object",
        "properties": {"disallows": {"$ref": "#/components/schemas/DisallowsObject"}},
    }
    # Gap 4: the player reason.
    schemas["ErrorObject"]["properties"]["reason"] = {"type": "string"}
    # Gap 6: deprecated fields development mode removes are not required.
    schemas["AlbumBase"]["required"].remove("available_markets")
    schemas["AlbumObject"]["required"].remove("popularity")
    schemas["ArtistDiscographyAlbumObject"]["allOf"][1]["required"].remove("album_group")
    # Gap 7: null entries.
    playlist_items = schemas["PagingPlaylistObject"]["allOf"][1]["properties"]["items"]
    playlist_items["items"] = {**playlist_items["items"], "nullable": True}
    for key in ("item", "track"):
        schemas["PlaylistTrackObject"]["properties"][key]["nullable"] = True
    for name, key in (
        ("ManyTracks", "tracks"),
        ("ManyAlbums", "albums"),
        ("ManyArtists", "artists"),
    ):
        listed = patched["components"]["responses"][name]["content"]["application/json"]
        listed["schema"]["properties"][key]["items"]["nullable"] = True
    # Gap 8: "Can be `null`" in the description, without ``nullable``.
    for schema in schemas.values():
        for prop in (schema.get("properties") or {}).values():
            if "can be `null`" in " ".join(str(prop.get("description", "")).split()).lower():
                prop["nullable"] = True
    # Gap 9: cursor pages end with next null; an empty one has no cursors.
    for key in ("next", "cursors"):
        schemas["CursorPagingObject"]["properties"][key]["nullable"] = True
    # Gap 10: the /me/library 400s use the envelope.
    for method, path in (
        ("put", "/me/library"),
        ("delete", "/me/library"),
        ("get", "/me/library/contains"),
    ):
        bad = patched["paths"][path][method]["responses"]["400"]
        bad["content"]["application/json"]["schema"] = {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"$ref": "#/components/schemas/ErrorObject"}},
        }
    converted: dict[str, Any] = _to_json_schema(patched)
    return converted


@functools.cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT7))


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", r"[^/]+", template)
        out.append((re.compile(f"^{pattern}$"), template))
    # Literal paths before templated ones (/me/player/queue before /me/{x}/...).
    out.sort(key=lambda item: item[1].count("{"))
    return out


def operation_path(url_path: str) -> str:
    """The spec's path template for a request path (``/sandbox/v1/me`` → ``/me``)."""
    _, sep, rest = url_path.partition("/v1/")
    if not sep:
        raise AssertionError(f"not a Web API path: {url_path}")
    rest = "/" + rest.rstrip("/")
    for pattern, template in _templates():
        if pattern.match(rest):
            return template
    raise AssertionError(f"no operation in the spec for {rest}")


def _validate(instance: Any, schema: Any, where: str) -> None:
    validator = jsonschema.Draft7Validator(schema, registry=_registry())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        raise AssertionError(
            f"{where}: body does not match the spec at {list(first.path)}: {first.message}"
        )


def _response_schema(response_spec: dict[str, Any]) -> Any | None:
    if "$ref" in response_spec:
        name = response_spec["$ref"].rsplit("/", 1)[1]
        response_spec = spec()["components"]["responses"][name]
    content = response_spec.get("content") or {}
    media = content.get("application/json")
    return None if media is None else media.get("schema")


def assert_matches_spec(response: httpx.Response, template: str | None = None) -> None:
    """Validate ``response`` (status and body) against the operation it answers."""
    method = response.request.method.upper()
    path = template or operation_path(response.request.url.path)
    where = f"{method} {path} -> {response.status_code}"
    operation = spec()["paths"].get(path, {}).get(method.lower())
    assert operation is not None, f"{where}: operation not in the spec"
    status = response.status_code
    listed = operation.get("responses", {})
    if status == 204:
        assert response.content == b"", f"{where}: a 204 must have an empty body"
        assert "204" in listed or (method, path) in MAY_BE_EMPTY | PLAYER_COMMANDS, (
            f"{where}: 204 is not a documented answer"
        )
        return
    if (method, path) in PLAYER_COMMANDS and status in (200, 202):  # gap 3
        assert not response.headers.get("content-type", "").startswith("application/json") or (
            response.content
        ), where
        return
    if status >= 400:
        if status == 403 and response.headers.get("content-type", "").startswith("text/plain"):
            assert response.text, f"{where}: empty plain-text error"  # gap 5
            return
        schema = _response_schema(listed[str(status)]) if str(status) in listed else None
        if schema is None:
            schema = {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"$ref": f"{SPEC_URI}#/components/schemas/ErrorObject"}},
            }
        _validate(response.json(), schema, where)
        return
    assert str(status) in listed, f"{where}: status not documented (has {sorted(listed)})"
    schema = _response_schema(listed[str(status)])
    if schema is not None:
        _validate(response.json(), schema, where)


# -- the Accounts service ----------------------------------------------------------------------
# The OpenAPI file describes the Web API only; the Accounts service's answers are checked
# against the shapes BEHAVIOR.md §1.4 documents (gap 6 of this module).

TOKEN_SUCCESS = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"type": "string", "enum": ["Bearer", "bearer"]},
        "expires_in": {"type": "integer", "minimum": 1},
        "scope": {"type": "string"},
        "refresh_token": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
TOKEN_ERROR = {
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {
        "error": {"enum": ["invalid_grant", "invalid_request", "invalid_client",
                           "unsupported_grant_type", "server_error"]},
        "error_description": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}


def assert_token_response(response: httpx.Response) -> None:
    """Validate an ``/api/token`` answer (success or error) against BEHAVIOR.md §1.4."""
    assert response.headers["content-type"].startswith("application/json")
    schema = TOKEN_SUCCESS if response.status_code == 200 else TOKEN_ERROR
    if response.status_code != 200:
        assert response.status_code in (400, 401), response.status_code
    _validate(response.json(), schema, f"POST /api/token -> {response.status_code}")
