"""Session-wide fixtures shared by every test folder.

Folder-specific fixtures live in that folder's conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def nlp():
    """The full ingestion pipeline, built once per test session (loading spaCy takes about a second)."""
    from ingest.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def seed_manifest() -> dict:
    return json.loads((SEEDS / "incident.json").read_text())
