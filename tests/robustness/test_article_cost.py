"""Every article within ARTICLE_MAX_CHARS is read within its budget or refused naming the setting, storing nothing.

The shapes are the hostile probe's, at its sizes: runs of brackets (quadratic in spaCy's
tokenizer), "1:" repeated, clock times and dates repeated, prose repeated (quadratic merging),
thousands of short sentences. The budget here is INGEST_MAX_SECONDS=3 to keep the suite short;
the outcome must hold for any budget.
"""

from __future__ import annotations

import re
import time

import pytest

from bench.costly_shapes import SHAPES
from ingest.reading.token_runs import PUNCT_RUN, WORD_RUN, break_long_runs
from ingest.writing.budget import Budget
from tests.robustness.problems import assert_problem

BUDGET_S = 3



def test_long_runs_are_broken_before_spacy():
    broken = break_long_runs(SHAPES["brackets-20k"])
    assert max(len(run) for run in re.findall(r"[^\w\s]+", broken)) <= PUNCT_RUN
    assert max(len(run) for run in break_long_runs(SHAPES["colons-198k"]).split()) <= WORD_RUN
    assert broken.replace(" ", "") == SHAPES["brackets-20k"].replace(" ", "")  # nothing dropped


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_costly_shape_is_read_within_the_budget_or_refused_storing_nothing(make_app, shape):
    client = make_app(INGEST_MAX_SECONDS=BUDGET_S).test_client()
    assert client.post("/api/incidents", json={"id": "cost", "title": "Cost"}).status_code == 201
    before = client.get("/api/incidents/cost").get_json()
    started = time.monotonic()
    resp = client.post("/api/incidents/cost/articles", data=SHAPES[shape].encode(), content_type="text/plain")
    elapsed = time.monotonic() - started
    assert elapsed < Budget(seconds=BUDGET_S).wall_seconds + 5, elapsed
    if resp.status_code == 201:
        assert client.get("/api/incidents/cost").get_json()["sources"] == 1
        return
    body = assert_problem(resp, 422)
    assert body["setting"] in ("INGEST_MAX_SECONDS", "INGEST_MAX_MB"), body
    assert body["type"] == f"urn:problem:limit-exceeded:{body['setting'].lower()}"
    assert "nothing was stored" in body["detail"]
    assert client.get("/api/incidents/cost").get_json() == before


def test_an_article_over_the_memory_bound_is_refused_naming_ingest_max_mb(make_app):
    client = make_app(INGEST_MAX_MB=64).test_client()
    assert client.post("/api/incidents", json={"id": "mem", "title": "Mem"}).status_code == 201
    resp = client.post("/api/incidents/mem/articles", data=SHAPES["brackets-20k"].encode(), content_type="text/plain")
    body = assert_problem(resp, 422, type="urn:problem:limit-exceeded:ingest_max_mb")
    assert body["limit"] == 64
    assert client.get("/api/incidents/mem").get_json()["sources"] == 0
