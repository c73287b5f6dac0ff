"""Fixtures of the web tests: a fresh app per test, and one app with the four seeds ingested per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS

# A short outage write-up of our own: a second incident that is not the seeds.
SHORT_ARTICLE = (
    "On 3 March 2024 at 14:05 UTC, a faulty configuration push to the Acme load balancer fleet removed "
    "the health check timeout. The missing timeout caused the load balancers to mark every backend as "
    "unhealthy. As a result, the Acme checkout service returned errors to customers for 40 minutes. "
    "Engineers rolled back the configuration at 14:45 UTC and the checkout service recovered."
)


@pytest.fixture
def make_app(tmp_path: Path, nlp: Any):
    """A factory of apps on a fresh DATA_DIR with the session's nlp pipeline; extra config merges in."""
    from app import create_app

    def make(**config: Any):
        return create_app({"DATA_DIR": str(tmp_path / "data"), "NLP": nlp, **config})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seeded_app(tmp_path_factory: pytest.TempPathFactory, nlp: Any, seed_manifest: dict):
    """An app whose DATA_DIR holds the four seed articles, ingested once through the CLI command.

    Tests using it must only read: it is shared by the whole session.
    """
    from app import create_app

    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    app = create_app({"DATA_DIR": str(data_dir), "NLP": nlp})
    result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS), "--incident", seed_manifest["id"]])
    assert result.exit_code == 0, result.output
    app.config["INGEST_OUTPUT"] = result.output
    return app


@pytest.fixture
def seeded(seeded_app):
    """A test client of the seeded app."""
    return seeded_app.test_client()


@pytest.fixture(scope="session")
def seed_id(seed_manifest: dict) -> str:
    return seed_manifest["id"]
