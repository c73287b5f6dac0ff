"""GraphStore.replace_incident, on the embedded store and the Bolt store alike: the incident is the batch, exactly."""

from __future__ import annotations

import pytest

from graph.errors import SchemaError
from graph.schema import Edge, Node
from tests.graph.test_long_text import ARTICLE


def incident(iid: str, **props) -> Node:
    return Node("Incident", iid, {"incident": iid, "title": "Outage", **props})


def event(iid: str, key: str, **props) -> Node:
    return Node("Event", f"{iid}:e:{key}", {"incident": iid, **props})


def causes(iid: str, a: str, b: str, **props) -> Edge:
    return Edge("CAUSES", f"{iid}:e:{a}", f"{iid}:e:{b}", {"incident": iid, **props})


def exported(store, iid: str) -> tuple[dict, dict]:
    graph = store.incident_graph(iid)
    return dict(graph.nodes(data=True)), {(a, b, k): d for a, b, k, d in graph.edges(keys=True, data=True)}


def test_replacing_keeps_nothing_of_the_old_graph(store, new_incident):
    iid = new_incident()
    store.upsert([incident(iid, region="us-east-1"), event(iid, "a", evidence=["m1", "m2"], unexplained=True),
                  event(iid, "b"), event(iid, "gone")], [causes(iid, "a", "b", cue="led to", evidence=["m1"])])
    version = store.version(iid)
    store.replace_incident(iid, [incident(iid), event(iid, "a", evidence=["m3"]), event(iid, "b"), event(iid, "c")],
                           [causes(iid, "b", "c", evidence=["m3"])])
    nodes, edges = exported(store, iid)
    assert nodes == {iid: {"incident": iid, "title": "Outage", "label": "Incident"},
                     f"{iid}:e:a": {"incident": iid, "evidence": ["m3"], "label": "Event"},
                     f"{iid}:e:b": {"incident": iid, "label": "Event"},
                     f"{iid}:e:c": {"incident": iid, "label": "Event"}}
    assert edges == {(f"{iid}:e:b", f"{iid}:e:c", "CAUSES"): {"incident": iid, "evidence": ["m3"], "type": "CAUSES"}}
    assert store.version(iid) == version + 1


def test_a_replacement_keeps_long_texts(store, new_incident):
    iid = new_incident()
    text = Node("Source", f"{iid}:src:a", {"incident": iid, "title": "t", "content_hash": "h", "text": ARTICLE})
    store.upsert([incident(iid), text])
    store.replace_incident(iid, [incident(iid), text])
    store.replace_incident(iid, [incident(iid), text])
    assert store.get_node(text.id).props["text"] == ARTICLE


def test_a_new_incident_can_be_written_by_replacing(store, new_incident):
    iid = new_incident()
    store.replace_incident(iid, [incident(iid), event(iid, "a")])
    assert sorted(store.incident_graph(iid).nodes) == sorted([iid, f"{iid}:e:a"])


@pytest.mark.parametrize("case", ["no incident node", "another incident's node", "a node stored in another incident"])
def test_a_wrong_replacement_changes_nothing(store, new_incident, case):
    iid, other = new_incident(), new_incident()
    store.upsert([incident(iid), event(iid, "a")])
    store.upsert([incident(other), event(other, "x")])
    before = exported(store, iid), store.version(iid)
    batch = {"no incident node": [event(iid, "b")],
             "another incident's node": [incident(iid), event(other, "y")],
             "a node stored in another incident": [incident(iid), Node("Event", f"{other}:e:x", {"incident": iid})],
             }[case]
    with pytest.raises(SchemaError):
        store.replace_incident(iid, batch)
    assert (exported(store, iid), store.version(iid)) == before
    assert sorted(store.incident_graph(other).nodes) == sorted([other, f"{other}:e:x"])
