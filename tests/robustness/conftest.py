"""Fixtures of the bad-input and security tests: a fresh app per test over its own DATA_DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# A short outage account of our own (not the seeds), so the incident has events, sources and a review.
OUTAGE = ("On 3 March 2024 at 14:05 UTC, a faulty configuration push to the Acme load balancer fleet removed the "
          "health check timeout. The missing timeout caused the load balancers to mark every backend as unhealthy. "
          "As a result, the Acme checkout service returned errors to customers for 40 minutes. Engineers rolled "
          "back the configuration at 14:45 UTC and the checkout service recovered.")


class NlpSpy:
    """Wraps the session's nlp pipeline and counts how many texts reached it (to prove checks run first)."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.calls = 0

    def __call__(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._nlp(text, *args, **kwargs)

    def pipe(self, texts: Any, *args: Any, **kwargs: Any) -> Any:
        for doc in self._nlp.pipe(texts, *args, **kwargs):
            self.calls += 1
            yield doc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)


@pytest.fixture
def nlp_spy(nlp: Any) -> NlpSpy:
    return NlpSpy(nlp)


@pytest.fixture
def make_app(tmp_path: Path, nlp_spy: NlpSpy):
    """A factory of apps on a fresh DATA_DIR with the (spied) session nlp; extra config merges in."""
    from app import create_app

    def make(**config: Any):
        return create_app({"DATA_DIR": str(tmp_path / "data"), "NLP": nlp_spy, **config})

    return make


@pytest.fixture
def client(make_app):
    return make_app().test_client()


@pytest.fixture
def incident(client) -> str:
    """An incident "rb" holding one article; returns its id."""
    assert client.post("/api/incidents", json={"id": "rb", "title": "Robustness"}).status_code == 201
    resp = client.post("/api/incidents/rb/articles", json={"text": OUTAGE, "title": "Acme outage"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return "rb"
