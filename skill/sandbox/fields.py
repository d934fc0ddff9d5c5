"""The ``fields`` filter of the playlist endpoints, as Spotify documents it.

``fields=description,uri`` keeps two keys; dots walk into objects
(``items.items(added_at,added_by.id)``); parentheses apply a filter to every element of a
list or to an object (``item(name,album(name,href))``); a ``!`` prefix drops a key instead
(``album(!available_markets)``). When a level names only exclusions, every other key stays.
"""

from __future__ import annotations

from typing import Any

#: key -> (excluded, filter of its value; None keeps the whole value)
Tree = dict[str, tuple[bool, "Tree | None"]]


class FieldsError(ValueError):
    """A ``fields`` value that does not parse."""


def parse_fields(text: str) -> Tree:
    tree, end = _parse(text.replace(" ", ""), 0)
    if end != len(text.replace(" ", "")):
        raise FieldsError(f"unexpected ')' at {end}")
    return tree


def _parse(text: str, pos: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while pos < len(text) and text[pos] != ")":
        excluded = text[pos] == "!"
        if excluded:
            pos += 1
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = text[start:pos].split(".")
        if not all(path):
            raise FieldsError(f"empty field name at {start}")
        sub: Tree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise FieldsError("unbalanced parentheses")
            pos += 1
        _insert(tree, path, excluded, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
    return tree, pos


def _insert(tree: Tree, path: list[str], excluded: bool, sub: Tree | None) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        known = tree.get(head)
        if known is not None and known[1] is not None and sub is not None:
            sub = {**known[1], **sub}
        tree[head] = (excluded, sub)
        return
    known = tree.get(head)
    if known is not None and known[1] is None and not known[0]:
        return  # the whole value is already kept
    child: Tree = dict(known[1]) if known is not None and known[1] is not None else {}
    _insert(child, rest, excluded, sub)
    tree[head] = (False, child)


def apply_fields(value: Any, tree: Tree | None) -> Any:
    """``value`` filtered by ``tree`` (lists are filtered element by element)."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [apply_fields(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    kept = {k: sub for k, (excluded, sub) in tree.items() if not excluded}
    dropped = {k for k, (excluded, _) in tree.items() if excluded}
    if kept:
        return {k: apply_fields(value[k], sub) for k, sub in kept.items() if k in value}
    return {k: v for k, v in value.items() if k not in dropped}
