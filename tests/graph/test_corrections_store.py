"""Both stores hold reviewers' corrections (Correction nodes) and give the same corrected answers.

Runs against the embedded store and the Bolt store (FalkorDB, or Neo4j when GRAPH_URI points at one).
"""

from __future__ import annotations

from pathlib import Path

from analysis.answers import AnswerCache
from analysis.correction_log import CorrectionRequest, add_corrections, withdraw_correction
from graph.corrections import Correction
from graph.schema import EventNode, Node, edge

DATA = Path(__file__).resolve().parents[1] / "data"


def small_incident(store, iid: str) -> None:
    """bug -> errors -> outage, and a loose 'retry storm' event."""
    nodes = [Node("Incident", iid, {"incident": iid, "title": "Small outage"})]
    nodes += [EventNode(f"{iid}:e:{key}", iid, key.replace("-", " "), kind=kind).to_node()
              for key, kind in (("bug", "condition"), ("errors", "symptom"), ("outage", "impact"),
                                ("retry-storm", "condition"))]
    store.upsert(nodes, [edge("CAUSES", f"{iid}:e:bug", f"{iid}:e:errors", iid, cue="caused", confidence=0.9),
                         edge("CAUSES", f"{iid}:e:errors", f"{iid}:e:outage", iid, cue="led to", confidence=0.8)])


def test_a_correction_is_a_node_of_its_incident_with_its_audit_trail(store, new_incident):
    iid = new_incident()
    small_incident(store, iid)
    cache = AnswerCache(store)
    version = store.version(iid)
    [applied] = add_corrections(store, cache.graph(iid), iid, [CorrectionRequest(
        "set_role", "ana", {"node": f"{iid}:e:retry-storm", "role": "contributing_factor"}, "made it worse")])
    assert store.version(iid) > version
    stored = store.get_node(applied.correction.id)
    assert stored is not None and stored.label == "Correction"
    assert Correction.from_attrs(stored.id, stored.props) == applied.correction
    assert stored.props["touches"] == [f"{iid}:e:retry-storm"]
    assert stored.props["author"] == "ana" and stored.props["note"] == "made it worse"

    withdraw_correction(store, cache.graph(iid), iid, applied.correction.id, "bo")
    again = Correction.from_attrs(applied.correction.id, store.get_node(applied.correction.id).props)
    assert (again.withdrawn, again.withdrawn_by, again.author, again.action) == (True, "bo", "ana", "set_role")
    assert store.delete_incident(iid) == 6
    assert store.get_node(applied.correction.id) is None


def test_the_same_corrections_give_the_same_answers_on_either_store(store, new_incident):
    iid = new_incident()
    small_incident(store, iid)
    cache = AnswerCache(store)
    assert [f.id for f in cache.root_causes(iid).root_causes] == [f"{iid}:e:bug"]
    requests = [
        CorrectionRequest("reject_link", "ana", {"source": f"{iid}:e:bug", "target": f"{iid}:e:errors",
                                                 "type": "CAUSES"}, "the bug was fixed a week before"),
        CorrectionRequest("add_link", "ana", {"source": f"{iid}:e:retry-storm", "target": f"{iid}:e:errors",
                                              "type": "CAUSES"}, "retries overloaded the API"),
        CorrectionRequest("set_time", "ana", {"node": f"{iid}:e:outage", "utc": "2024-03-03T14:05:00Z"}),
        CorrectionRequest("rename_event", "ana", {"node": f"{iid}:e:errors", "label": "API 503 errors"}),
    ]
    add_corrections(store, cache.graph(iid), iid, requests)
    report = cache.root_causes(iid)
    assert [f.id for f in report.root_causes] == [f"{iid}:e:retry-storm"]
    assert any("added by reviewer ana" in note for note in report.root_causes[0].notes)
    [errors] = [f for f in report.first_symptoms + report.symptoms if f.id == f"{iid}:e:errors"]
    assert errors.label == "API 503 errors"
    [outage] = cache.timeline(iid).events
    assert (outage.id, outage.at) == (f"{iid}:e:outage", "2024-03-03T14:05:00Z")
    assert [a.status for a in cache.corrections(iid).corrections] == ["active"] * 4
    assert cache.corrections(iid).rejected_links[0]["source"] == f"{iid}:e:bug"
