"""The endpoint table: scopes, retry safety and paths agree with BEHAVIOR.md and the link."""

from __future__ import annotations

import pytest

from skill.errors import InvalidRequest
from skill.spotify.endpoints import (
    ENDPOINTS,
    check_limit,
    library_scopes,
    missing_scopes,
    playlist_modify_scopes,
)
from skill.spotify.retry import Safety
from skill.spotify.scopes import FEATURE_SCOPES, scopes_for


def test_a_default_link_covers_every_endpoint() -> None:
    granted = scopes_for(FEATURE_SCOPES)
    for endpoint in ENDPOINTS.values():
        assert missing_scopes(endpoint.scopes, granted) == [], endpoint.name


def test_reads_are_gets_and_only_gets_are_reads() -> None:
    for endpoint in ENDPOINTS.values():
        assert (endpoint.method == "GET") == (endpoint.safety is Safety.READ), endpoint.name


def test_commands_that_act_twice_are_unsafe() -> None:
    unsafe = {name for name, ep in ENDPOINTS.items() if ep.safety is Safety.UNSAFE}
    assert unsafe == {
        "next",
        "previous",
        "queue_add",
        "create_playlist",
        "add_playlist_items",
        "reorder_playlist_items",
    }


def test_player_commands_need_modify_playback_and_use_2026_paths() -> None:
    for endpoint in ENDPOINTS.values():
        if endpoint.player_command:
            assert endpoint.scopes == (("user-modify-playback-state",),)
        assert "/tracks" not in endpoint.path or endpoint.path in (
            "/albums/{id}/tracks",
            "/me/tracks",
            "/tracks/{id}",
        )


def test_scope_rules_by_argument() -> None:
    assert library_scopes(["spotify:track:a", "spotify:album:b"], modify=True) == (
        ("user-library-modify",),
    )
    assert library_scopes(["spotify:artist:a", "spotify:playlist:p"], modify=True) == (
        ("user-follow-modify",),
        ("playlist-modify-public",),
    )
    assert library_scopes(["spotify:user:u"], modify=False) == (("user-follow-read",),)
    assert playlist_modify_scopes(True) == (("playlist-modify-public",),)
    assert playlist_modify_scopes(None) == (("playlist-modify-private", "playlist-modify-public"),)
    with pytest.raises(InvalidRequest):
        library_scopes(["spotify:video:x"], modify=True)


def test_missing_scopes_names_the_first_of_each_unmet_group() -> None:
    rule = (("a", "b"), ("c",))
    assert missing_scopes(rule, {"b", "c"}) == []
    assert missing_scopes(rule, {"c"}) == ["a"]
    assert missing_scopes(rule, set()) == ["a", "c"]


def test_check_limit() -> None:
    assert check_limit(10, 10) == 10
    for bad in (0, 11, True):
        with pytest.raises(InvalidRequest):
            check_limit(bad, 10)
