"""The player mounted under a prefix (as the service mounts the sandbox at ``/sandbox``)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from skill.sandbox.app import create_sandbox_app
from skill.sandbox.state import Sandbox
from tests.sandbox.conftest import TokenFactory, user_log
from tests.sandbox.player_support import KITCHEN, ROAD_TRIP_URI, Api
from tests.servers import serve_app


def test_player_under_a_prefix(
    sandbox: Sandbox, http: httpx.Client, user_token: TokenFactory
) -> None:
    outer = Starlette(routes=[Mount("/sandbox", app=create_sandbox_app(sandbox=sandbox))])
    with serve_app(outer) as base, httpx.Client(base_url=f"{base}/sandbox") as mounted:
        api = Api(mounted, user_token())
        assert api.play(context_uri=ROAD_TRIP_URI).status_code == 204
        state = api.state()
        assert state["context"]["href"].startswith(f"{base}/sandbox/v1/playlists/")
        assert state["item"]["href"].startswith(f"{base}/sandbox/v1/tracks/")
        assert mounted.get("/control/users/demo/player").json()["device"]["id"] == KITCHEN
    assert [e["path"] for e in user_log(http)] == ["/v1/me/player/play"]
