"""YAML reading for grammars and gazetteers: libyaml's C loader when present (about 10x
faster than the pure-Python one, which matters for the build budget), always a safe loader."""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)
