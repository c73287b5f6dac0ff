"""End to end over the four seed articles: ingest them, then ask the questions a reader asks."""

from __future__ import annotations

import json
import re

import pytest

from analysis.causal import blast_radius, classify, root_causes
from analysis.conflicts import conflicts
from analysis.review import review_pack
from analysis.timeline import timeline
from graph.memory_store import MemoryStore
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow
IID = "aws-us-east-1-2025-10"


@pytest.fixture(scope="module")
def seed_graph(nlp):
    from ingest.writing.corpus import ingest_paths

    store = MemoryStore(None)
    ingest_paths(store, nlp, [str(SEEDS)], IID)
    return store.incident_graph(IID)


def test_seed_root_cause_is_the_race_and_dns_is_a_symptom(seed_graph):
    report = root_causes(seed_graph)
    assert "race" in report.root_causes[0].label.lower()
    assert report.root_causes[0].evidence[0].quote
    for root in report.root_causes:
        assert not re.search(r"dns.*(fail|resol|empty|record)", root.label.lower())
    assert any("dns" in f.label.lower() for f in report.first_symptoms + report.symptoms)


@pytest.mark.parametrize("query, roles", [
    ("DNS", {"first_symptom", "symptom"}), ("DNS failure", {"first_symptom", "symptom"}),
    ("empty DNS record", {"first_symptom", "symptom"}), ("race condition", {"root_cause"}),
    ("Enactor delay", {"trigger"}),
])
def test_seed_classify(seed_graph, query, roles):
    assert classify(seed_graph, query).role in roles


def test_seed_open_questions_include_the_unexplained_enactor_delay(seed_graph):
    labels = [q.label.lower() for q in root_causes(seed_graph).open_questions]
    assert any("enactor" in label and "delay" in label for label in labels)


def test_seed_timeline_conflicts_and_blast_radius(seed_graph):
    times = [e.at for e in timeline(seed_graph).events]
    assert {"2025-10-20T06:48:00Z", "2025-10-20T09:25:00Z", "2025-10-20T20:50:00Z"} <= set(times)
    spans = {d.text for d in timeline(seed_graph).durations}
    assert {"2 h 37 min", "14 h 2 min"} <= spans
    blob = json.dumps(conflicts(seed_graph).to_dict())
    assert "2023" in blob and "7:48" in blob
    hit = {c.label.lower() for c in blast_radius(seed_graph).components}
    assert {"ec2", "lambda"} <= hit


def test_seed_outage_runs_from_0648_to_2050_utc_not_from_midnight(seed_graph):
    data = timeline(seed_graph).to_dict()
    assert (data["start"]["at"], data["end"]["at"], data["duration_minutes"]) == (
        "2025-10-20T06:48:00Z", "2025-10-20T20:50:00Z", 842)
    assert f"{IID}:e:website-affected" in data["start"]["ids"]
    midnight = [e for e in data["events"] if e["at"] == "2025-10-20T00:00:00Z"]
    assert midnight and all(e["band"] == {"from": "2025-10-20T00:00:00Z", "to": "2025-10-21T00:00:00Z"}
                            for e in midnight)


def test_seed_2050_is_labelled_by_the_recovery_its_sentence_tells_not_the_outage_in_its_aside(seed_graph):
    # "At 1:50 PM [14 hours after the outage started], all EC2 APIs ... were operating normally."
    point = next(e for e in timeline(seed_graph).to_dict()["events"] if e["at"] == "2025-10-20T20:50:00Z")
    kinds = {seed_graph.nodes[e].get("kind") for e in point.get("told", [point["id"]])}
    assert point["label"] != "DynamoDB inaccessible" and kinds <= {"recovery", "mitigation"}, point


def test_seed_review_pack_says_the_outage_ran_about_14_hours_from_0648(seed_graph):
    pack = review_pack(seed_graph, incident_id=IID)
    assert "From 2025-10-20 06:48 UTC to 2025-10-20 20:50 UTC (14 h 2 min)." in pack.summary
    rows = next(s.table for s in pack.sections if s.key == "timeline").to_dict("records")
    assert not any(r["UTC"].endswith("00:00") for r in rows)
    assert next(r for r in rows if r["UTC"] == "2025-10-20 20:50")["Since start"] == "14 h 2 min"
