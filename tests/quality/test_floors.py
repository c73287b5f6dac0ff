"""Extraction quality never falls silently: the corpus means stay at or above the floors measured last.

``floors.json`` holds, per split, the means of ``python -m bench quality`` when they were last raised
(rounded down a little for the run-to-run noise of nothing: extraction is deterministic). A change
that lowers a mean fails here; a change that raises one should raise its floor in the same commit.
``spur_t`` is a ceiling.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.bench_quality import means, score_corpus

FLOORS = Path(__file__).resolve().parent / "floors.json"


@pytest.fixture(scope="module")
def measured(nlp):
    return means(score_corpus(nlp=nlp))


@pytest.mark.slow
@pytest.mark.parametrize("split", ["dev", "test", "seeds"])
def test_means_stay_at_or_above_their_floors(measured, split):
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[split]
    got = measured[split]
    fallen = {m: (round(got[m], 3), floor) for m, floor in floors.items()
              if got[m] is not None and (got[m] > floor if m == "spur_t" else got[m] < floor)}
    assert fallen == {}, f"{split}: measure: (now, floor)"
