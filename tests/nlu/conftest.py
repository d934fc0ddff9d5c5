from __future__ import annotations

from pathlib import Path

import pytest

from skill.nlu import Parser

SHARED_NLU = Path(__file__).parents[2] / ".." / "shared" / "data" / "nlu"


@pytest.fixture(scope="session")
def parser() -> Parser:
    return Parser.default().warm()


@pytest.fixture(scope="session")
def shared_nlu() -> Path:
    if not (SHARED_NLU / "dev.jsonl").exists():
        pytest.skip("../shared/data/nlu is not available")
    return SHARED_NLU


SHARED_CATALOG = Path(__file__).parents[2] / ".." / "shared" / "data" / "catalog"


@pytest.fixture(scope="session")
def shared_catalog() -> Path:
    if not (SHARED_CATALOG / "tracks.csv.gz").exists():
        pytest.skip("../shared/data/catalog is not available")
    return SHARED_CATALOG
