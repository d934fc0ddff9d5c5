"""``GET /openapi.json``: request and response schemas for every route of the service.

Request bodies come from the same :mod:`skill.web.schemas` declarations the routes enforce.
Responses are declared per status; every failure of a ``/v1`` route is the error envelope
(player and text commands answer failed *outcomes*, which carry the envelope's ``error``
inside). The Rasa routes answer in Rasa's shapes. A test checks that every route of the app
is documented, and the API fuzzing test checks the answers against these schemas. The
sandbox mounted at ``/sandbox`` is a separate app (Spotify's own API, see
``shared/spotify/openapi.yaml``) and is not listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from skill.web import schemas
from skill.web.routes_player import COMMANDS

J = dict[str, Any]


def _ref(name: str) -> J:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: J, required: Sequence[str] = (), **extra: Any) -> J:
    schema: J = {"type": "object", "properties": props, **extra}
    if required:
        schema["required"] = list(required)
    return schema


_NSTR: J = {"type": "string", "nullable": True}
_NINT: J = {"type": "integer", "nullable": True}
_NBOOL: J = {"type": "boolean", "nullable": True}

COMPONENTS: J = {
    "Error": _obj({"error": _obj({
        "code": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
        "retry_after": {"type": "number", "nullable": True},
        "details": {"type": "object"},
    }, ["code", "message", "status", "retry_after", "details"])}, ["error"]),
    "Intent": _obj({"name": {"type": "string"}, "slots": {"type": "object"},
                    "confidence": {"type": "number"}}, ["name", "slots", "confidence"]),
    "Outcome": _obj({
        "ok": {"type": "boolean"},
        "text": _NSTR,
        "intent": {"allOf": [_ref("Intent")], "nullable": True},
        "action": _NSTR,
        "reply": {"type": "string"},
        "playing": {"type": "object", "nullable": True, "properties": {
            "uri": {"type": "string"}, "name": {"type": "string"},
            "artists": {"type": "array", "items": {"type": "string"}},
            "album": _NSTR, "device": _NSTR}},
        "clarification": {"type": "object", "nullable": True, "properties": {
            "question": {"type": "string"},
            "choices": {"type": "array", "items": _obj(
                {"label": {"type": "string"}, "uri": {"type": "string"}}, ["label", "uri"])}}},
        "error": {"type": "object", "nullable": True, "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "status": {"type": "integer"}, "retry_after": {"type": "number", "nullable": True},
            "details": {"type": "object"}}},
        "details": {"type": "object"},
    }, ["ok", "text", "intent", "action", "reply", "playing", "clarification", "error",
        "details"]),
    "PlaybackState": _obj({
        "is_playing": {"type": "boolean"},
        "item": {"type": "object", "nullable": True},
        "device": {"type": "object", "nullable": True},
        "context": {"type": "object", "nullable": True},
        "progress_ms": _NINT,
        "repeat_state": _NSTR,
        "shuffle_state": _NBOOL,
    }, ["is_playing", "item", "device", "context", "progress_ms"]),
    "Page": _obj({"items": {"type": "array", "items": {"type": "object"}},
                  "total": {"type": "integer"}, "limit": {"type": "integer"},
                  "offset": {"type": "integer"}}, ["items", "total", "limit", "offset"]),
    "RasaResult": _obj({"events": {"type": "array", "items": {"type": "object"}},
                        "responses": {"type": "array", "items": {"type": "object"}}},
                       ["events", "responses"]),
    "RasaError": _obj({"error": {"type": "string"}, "action_name": {},
                       "request_body": {}}, ["error"]),
    "SanicBadRequest": _obj({"description": {"type": "string"}, "status": {"type": "integer"},
                             "message": {"type": "string"}}, ["status", "message"]),
}
for _name, _decl in {
    "PlayBody": schemas.PLAY, "VolumeBody": schemas.VOLUME, "SeekBody": schemas.SEEK,
    "ShuffleBody": schemas.SHUFFLE, "RepeatBody": schemas.REPEAT,
    "TransferBody": schemas.TRANSFER, "QueueBody": schemas.QUEUE,
    "DeviceBody": schemas.DEVICE_ONLY, "EmptyBody": schemas.EMPTY,
    "ParseBody": schemas.PARSE, "CommandBody": schemas.COMMAND,
    "PlaylistCreateBody": schemas.PLAYLIST_CREATE, "PlaylistChangeBody": schemas.PLAYLIST_CHANGE,
    "PlaylistAddBody": schemas.PLAYLIST_ADD, "PlaylistRemoveBody": schemas.PLAYLIST_REMOVE,
    "LibraryChangeBody": schemas.LIBRARY_CHANGE,
}.items():
    COMPONENTS[_name] = _decl.json_schema()

_BODY_NAMES = {id(v): k for k, v in {
    "PlayBody": schemas.PLAY, "VolumeBody": schemas.VOLUME, "SeekBody": schemas.SEEK,
    "ShuffleBody": schemas.SHUFFLE, "RepeatBody": schemas.REPEAT,
    "TransferBody": schemas.TRANSFER, "QueueBody": schemas.QUEUE,
    "DeviceBody": schemas.DEVICE_ONLY, "EmptyBody": schemas.EMPTY,
}.items()}


def _json(schema: J, description: str = "") -> J:
    return {"description": description or "JSON", "content": {"application/json": {
        "schema": schema}}}


def _errors(*statuses: int) -> J:
    return {str(s): _json(_ref("Error"), "error envelope") for s in statuses}


_AUTH_ERRORS = (401, 500)
_BODY_ERRORS = (400, 413, 422)
_UPSTREAM = (403, 404, 409, 429, 503, 504)
_OUTCOME_OR_ERROR: J = {"anyOf": [_ref("Outcome"), _ref("Error")]}


def _outcome_responses() -> J:
    responses: J = {"200": _json(_ref("Outcome"), "the outcome (done, or a question)")}
    for status in (*_UPSTREAM, 400, 401, 413, 422, 500):
        responses[str(status)] = _json(_OUTCOME_OR_ERROR, "a failed outcome or the envelope")
    return responses


def _body(name: str, *, required: bool = True) -> J:
    return {"required": required, "content": {"application/json": {"schema": _ref(name)}}}


_IDEMPOTENCY: J = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                              "pattern": "^[!-~]([ -~]*[!-~])?$"},
                   "description": "execute at most once; the first answer is replayed"}


def _q(name: str, schema: J, description: str = "", required: bool = False) -> J:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


_PAGING = [_q("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
           _q("offset", {"type": "integer", "minimum": 0, "maximum": 100000})]
_PLAYLIST_ID: J = {"name": "playlist_id", "in": "path", "required": True,
                   "schema": {"type": "string"}}
_TOKEN = _q("token", {"type": "string"}, "a user's API key (Rasa's action endpoint token)")
_SECURED: list[J] = [{"bearer": []}]


def _op(summary: str, responses: J, *, body: J | None = None,
        params: Sequence[J] = (), secured: bool = True, tags: Sequence[str] = ()) -> J:
    op: J = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = body
    if params:
        op["parameters"] = list(params)
    op["security"] = _SECURED if secured else []
    if tags:
        op["tags"] = list(tags)
    return op


def _paths() -> J:
    paths: J = {}

    def add(method: str, path: str, op: J) -> None:
        paths.setdefault(path, {})[method] = op

    any_obj: J = {"type": "object"}
    # operations
    add("get", "/healthz", _op("liveness and upstream state", {
        "200": _json(_obj({"status": {"type": "string"}, "mode": {"type": "string"},
                           "upstream": any_obj}, ["status"])), **_errors(500)}, secured=False,
        tags=["operations"]))
    add("get", "/readyz", _op("readiness: store reachable, breakers not open", {
        "200": _json(_obj({"status": {"type": "string"}, "checks": any_obj})),
        "503": _json(_obj({"status": {"type": "string"}, "checks": any_obj})),
        **_errors(500)}, secured=False, tags=["operations"]))
    add("get", "/metrics", _op("Prometheus metrics", {
        "200": {"description": "text exposition format",
                "content": {"text/plain": {"schema": {"type": "string"}}}}},
        secured=False, tags=["operations"]))
    add("get", "/openapi.json", _op("this document", {"200": _json(any_obj)}, secured=False,
                                    tags=["operations"]))
    # music: state, devices, queue
    add("get", "/v1/music/state", _op("the playback state (nothing active: item null)", {
        "200": _json(_ref("PlaybackState")), **_errors(*_AUTH_ERRORS, *_UPSTREAM)},
        tags=["music"]))
    add("get", "/v1/music/devices", _op("the user's devices (details.devices)",
                                        _outcome_responses(), tags=["music"]))
    add("get", "/v1/music/queue", _op("what plays next", {
        "200": _json(_obj({"currently_playing": {"type": "object", "nullable": True},
                           "queue": {"type": "array", "items": any_obj}},
                          ["currently_playing", "queue"])),
        **_errors(*_AUTH_ERRORS, *_UPSTREAM)}, tags=["music"]))
    for action, (schema, _) in COMMANDS.items():
        name = _BODY_NAMES[id(schema)]
        required = bool(schema.one_of) or any(f.required for f in schema.fields.values())
        add("post", f"/v1/music/{action}", _op(
            f"{action} (through the orchestrator)", _outcome_responses(),
            body=_body(name, required=required), params=[_IDEMPOTENCY], tags=["music"]))
    # search, playlists, library
    add("get", "/v1/music/search", _op("search the catalog", {
        "200": _json(_obj({k: {"allOf": [_ref("Page")], "nullable": True}
                           for k in ("tracks", "artists", "albums", "playlists")})),
        **_errors(400, *_AUTH_ERRORS, *_UPSTREAM)}, params=[
            _q("q", {"type": "string", "minLength": 1, "maxLength": 300}, required=True),
            _q("type", {"type": "string"}, "comma-separated: track, album, artist, playlist, "
               "show, episode, audiobook"),
            _q("limit", {"type": "integer", "minimum": 1, "maximum": 10}),
            _q("offset", {"type": "integer", "minimum": 0, "maximum": 1000})],
        tags=["library"]))
    add("get", "/v1/music/playlists", _op("the user's playlists", {
        "200": _json(_ref("Page")), **_errors(400, *_AUTH_ERRORS, *_UPSTREAM)},
        params=_PAGING, tags=["library"]))
    add("post", "/v1/music/playlists", _op("create a playlist", {
        "201": _json(any_obj), **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("PlaylistCreateBody"), params=[_IDEMPOTENCY], tags=["library"]))
    add("put", "/v1/music/playlists/{playlist_id}", _op("change a playlist's details", {
        "200": _json(_obj({"id": {"type": "string"},
                           "changed": {"type": "array", "items": {"type": "string"}}})),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("PlaylistChangeBody"), params=[_PLAYLIST_ID], tags=["library"]))
    add("get", "/v1/music/playlists/{playlist_id}/items", _op("a playlist's items", {
        "200": _json(_ref("Page")), **_errors(400, *_AUTH_ERRORS, *_UPSTREAM)},
        params=[_PLAYLIST_ID, *_PAGING], tags=["library"]))
    add("post", "/v1/music/playlists/{playlist_id}/items", _op("add items", {
        "201": _json(_obj({"snapshot_id": {"type": "string"}, "added": {"type": "integer"}})),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("PlaylistAddBody"), params=[_PLAYLIST_ID, _IDEMPOTENCY], tags=["library"]))
    add("delete", "/v1/music/playlists/{playlist_id}/items", _op("remove items", {
        "200": _json(_obj({"snapshot_id": {"type": "string"}, "removed": {"type": "integer"}})),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("PlaylistRemoveBody"), params=[_PLAYLIST_ID], tags=["library"]))
    add("get", "/v1/music/library", _op("check URIs (uris=) or list saved tracks", {
        "200": _json({"anyOf": [_ref("Page"), _obj({"contains": any_obj}, ["contains"])]}),
        **_errors(400, *_AUTH_ERRORS, *_UPSTREAM)},
        params=[_q("uris", {"type": "string"}, "comma-separated Spotify URIs"), *_PAGING],
        tags=["library"]))
    add("post", "/v1/music/library", _op("save to the library", {
        "200": _json(_obj({"saved": {"type": "array", "items": {"type": "string"}}})),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("LibraryChangeBody"), params=[_IDEMPOTENCY], tags=["library"]))
    add("delete", "/v1/music/library", _op("remove from the library", {
        "200": _json(_obj({"removed": {"type": "array", "items": {"type": "string"}}})),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, *_UPSTREAM)},
        body=_body("LibraryChangeBody"), tags=["library"]))
    # live state
    add("post", "/v1/music/ws-ticket", _op("a single-use WebSocket ticket", {
        "201": _json(_obj({"ticket": {"type": "string"}, "expires_in": {"type": "integer"},
                           "url": {"type": "string"}}, ["ticket", "expires_in"])),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, 409)},
        body=_body("EmptyBody", required=False), params=[_IDEMPOTENCY], tags=["live"]))
    add("get", "/v1/music/ws", {
        "summary": "WebSocket: the playback state pushed when it changes",
        "description": "Upgrade to a WebSocket; authenticate with ?ticket= or a first message "
                       "{\"type\": \"auth\", \"api_key\": ...}. Without an upgrade: 404.",
        "x-websocket": True, "security": [], "tags": ["live"],
        "parameters": [_q("ticket", {"type": "string"})],
        "responses": {"101": {"description": "switching protocols"}, **_errors(404)}})
    # text
    add("post", "/v1/skill/parse", _op("understand an utterance", {
        "200": _json(_obj({"intent": {"type": "string"}, "slots": any_obj,
                           "confidence": {"type": "number"}, "text": {"type": "string"},
                           "spans": any_obj}, ["intent", "slots", "confidence"])),
        **_errors(*_BODY_ERRORS, *_AUTH_ERRORS, 409)},
        body=_body("ParseBody"), params=[_IDEMPOTENCY], tags=["text"]))
    add("post", "/v1/skill/command", _op("parse, act, answer with the outcome",
                                         _outcome_responses(), body=_body("CommandBody"),
                                         params=[_IDEMPOTENCY], tags=["text"]))
    # rasa
    rasa_errors = {
        "400": _json({"anyOf": [_ref("RasaError"), _ref("SanicBadRequest")]}),
        "401": _json(_ref("RasaError")), "404": _json(_ref("RasaError")),
        "413": _json(_ref("Error")), "449": _json(_ref("RasaError")),
        "500": _json({"anyOf": [_ref("RasaError"), _ref("Error")]}),
    }
    add("post", "/webhook", _op("Rasa action server: run an action", {
        "200": _json({"allOf": [_ref("RasaResult")], "nullable": True}), **rasa_errors},
        body={"required": True, "content": {"application/json": {"schema": any_obj}}},
        params=[_TOKEN], secured=False, tags=["rasa"]))
    add("get", "/actions", _op("Rasa action server: the registered actions", {
        "200": _json({"type": "array", "items": _obj({"name": {"type": "string"}},
                                                      ["name"])}),
        "401": _json(_ref("RasaError")), **_errors(500)},
        params=[_TOKEN], secured=False, tags=["rasa"]))
    add("get", "/health", _op("Rasa action server: health", {
        "200": _json(_obj({"status": {"type": "string"}}, ["status"]))}, secured=False,
        tags=["rasa"]))
    # the link flow (skill.web.routes_spotify)
    link_json: J = _obj({"linked": {"type": "boolean"}, "user": {"type": "string"}})
    html_or_json = {"description": "an HTML page, or JSON for Accept: application/json",
                    "content": {"text/html": {"schema": {"type": "string"}},
                                "application/json": {"schema": any_obj}}}
    add("get", "/v1/spotify/auth/login", _op("start a link: the authorize URL (or redirect=1)", {
        "200": _json(_obj({"authorize_url": {"type": "string"}, "expires_at": _NSTR,
                           "scopes": {"type": "array", "items": {"type": "string"}},
                           "purpose": {"type": "string"}}, ["authorize_url"])),
        "302": {"description": "redirect to Spotify's consent page"},
        **_errors(400, *_AUTH_ERRORS, 429, 503, 504)},
        params=[_q("purpose", {"type": "string", "enum": ["link", "relink", "incremental"]}),
                _q("scope", {"type": "string"}), _q("redirect", {"type": "string"})],
        tags=["link"]))
    add("get", "/v1/spotify/auth/callback", _op("Spotify's redirect back", {
        "200": html_or_json, "202": html_or_json,
        "400": {"description": "the flow failed", "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": _ref("Error")}}},
        **{str(s): {"description": "failure", "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": _ref("Error")}}} for s in (409, 429, 500, 503, 504)}},
        params=[_q("code", {"type": "string"}), _q("state", {"type": "string"}),
                _q("error", {"type": "string"})], secured=False, tags=["link"]))
    add("post", "/v1/spotify/auth/confirm", _op("confirm (or cancel) a pending link", {
        "200": html_or_json,
        **{str(s): {"description": "failure", "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": _ref("Error")}}} for s in
           (400, 409, 413, 429, 500, 503, 504)}},
        body={"required": False, "content": {"application/x-www-form-urlencoded": {
            "schema": _obj({"confirm": {"type": "string"},
                            "decision": {"type": "string", "enum": ["confirm", "cancel"]}})}}},
        secured=False, tags=["link"]))
    add("post", "/v1/spotify/auth/complete", _op("finish a link from the callback URL", {
        "200": _json(link_json), **_errors(400, 409, 413, 422, *_AUTH_ERRORS, 429, 503, 504)},
        body={"required": True, "content": {"application/json": {"schema": _obj({
            "callback_url": {"type": "string"}, "code": {"type": "string"},
            "state": {"type": "string"}, "error": {"type": "string"}},
            additionalProperties=False)}}}, params=[_IDEMPOTENCY], tags=["link"]))
    add("post", "/v1/spotify/auth/unlink", _op("forget the Spotify link", {
        "200": _json(_obj({"unlinked": {"type": "boolean"}, "user": {"type": "string"}})),
        **_errors(400, *_AUTH_ERRORS, 409, 413)}, params=[_IDEMPOTENCY], tags=["link"]))
    add("get", "/v1/integrations/spotify/status", _op("the link's status", {
        "200": _json(_obj({"user": {"type": "string"}, "linked": {"type": "boolean"}},
                          ["user", "linked"])), **_errors(*_AUTH_ERRORS)}, tags=["link"]))
    return paths


def document() -> J:
    return {
        "openapi": "3.0.3",
        "info": {"title": "music skill engine", "version": "1",
                 "description": __doc__.split("\n\n")[0] if __doc__ else ""},
        "paths": _paths(),
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a user's API key"}},
        },
    }


def documented() -> set[tuple[str, str]]:
    """``(METHOD, path)`` of every documented operation."""
    return {(m.upper(), p) for p, ops in document()["paths"].items() for m in ops}


def openapi_route(routes: Sequence[BaseRoute]) -> Route:
    body = document()

    async def openapi(request: Request) -> Response:
        return JSONResponse(body)

    return Route("/openapi.json", openapi, methods=["GET"])
