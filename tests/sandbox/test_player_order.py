"""Play order: shuffle is a stable permutation; next/previous walk it; edits keep the place."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skill.sandbox.play_order import Cursor, PlayOrder

entries = st.lists(st.sampled_from([f"spotify:track:{c * 22}" for c in "abcdefgh"]),
                   min_size=1, max_size=30)  # fmt: skip


def cursor_at(items: list[str], index: int) -> Cursor:
    return Cursor(items[index], index, items[:index].count(items[index]))


@given(items=entries, seed=st.text(max_size=5))
def test_shuffle_is_a_permutation_and_next_walks_it(items: list[str], seed: str) -> None:
    order = PlayOrder(items, shuffle=True, seed=seed)
    assert sorted(order.ordered) == list(range(len(items)))
    walked = [order.first_index()]
    while (following := order.step(cursor_at(items, walked[-1]), 1, wrap=False)) is not None:
        walked.append(following)
    assert walked == order.ordered
    back = order.step(cursor_at(items, walked[-1]), -1, wrap=False)
    assert back == (walked[-2] if len(walked) > 1 else None)
    assert order.step(cursor_at(items, walked[-1]), 1, wrap=True) == walked[0]


@given(items=entries, extra=st.sampled_from(["spotify:track:" + "z" * 22]),
       at=st.integers(0, 30), seed=st.text(max_size=5))  # fmt: skip
def test_adding_an_entry_keeps_the_shuffled_order_of_the_others(
    items: list[str], extra: str, at: int, seed: str
) -> None:
    before = PlayOrder(items, shuffle=True, seed=seed)
    edited = [*items[:at], extra, *items[at:]]
    after = PlayOrder(edited, shuffle=True, seed=seed)
    assert [edited[i] for i in after.ordered if edited[i] != extra] == [
        items[i] for i in before.ordered
    ]


@given(items=entries, index=st.integers(0, 29), seed=st.text(max_size=5))
def test_the_shuffle_anchor_plays_first(items: list[str], index: int, seed: str) -> None:
    index %= len(items)
    cursor = cursor_at(items, index)
    order = PlayOrder(items, shuffle=True, seed=seed, first=(cursor.uri or "", cursor.occurrence))
    assert order.first_index() == index
    assert order.step(cursor, -1, wrap=False) is None


def test_a_removed_entry_keeps_its_place() -> None:
    items = [f"spotify:track:{c * 22}" for c in "abcde"]
    playing = cursor_at(items, 2)
    edited = [u for u in items if u != items[2]]
    order = PlayOrder(edited, shuffle=False, seed="")
    assert order.find(playing) is None
    assert edited[order.step(playing, 1, wrap=False) or 0] == items[3]
    assert edited[order.step(playing, -1, wrap=False) or 0] == items[1]


def test_a_moved_entry_is_found_where_it_went() -> None:
    items = [f"spotify:track:{c * 22}" for c in "abcde"]
    playing = cursor_at(items, 1)
    moved = [items[0], items[2], items[3], items[1], items[4]]
    order = PlayOrder(moved, shuffle=False, seed="")
    assert order.find(playing) == 3
    assert order.following(playing, 5, wrap=False) == [items[4]]
    assert order.following(playing, 7, wrap=True) == [items[4], *moved, items[0]]
