"""Bolt-store behaviour that only a Bolt server shows: string escaping, statement size limits, outages, compensation."""

from __future__ import annotations

import os
import time
import uuid

import pytest

import graph.bolt_store as bolt_module
from graph.cypher_batches import packed_size
from graph.errors import StoreUnavailable
from graph.schema import Edge, Node
from tests.conftest import open_bolt_store
from tests.graph.bolt_server import BoltServer

pytestmark = [pytest.mark.bolt, pytest.mark.timeout(60)]
ON_FALKORDB = not os.environ.get("GRAPH_URI")


# Text that a server splicing parameters into '...' would break on or misread (FalkorDB does, unescaped).
TRICKY = {
    "apostrophe": "Amazon's DNS",
    "backslash": "C:\\dns\\planner",
    "escaped_quote": "a \\' b",
    "double_quotes": 'the "Enactor" stalled',
    "newlines": "line one\nline two\r\n\tindented",
    "unicode": "\u200fRTL mark, zero\u200dwidth joiner, emoji 🔥🧑\u200d💻, 東京",
    "control_chars": "bell\x07 escape\x1b unit\x1f",
    "trailing_backslash": "ends with a backslash\\",
    "backslash_n_literal": "not a newline: \\n, not a quote: \\x27",
}


@pytest.fixture
def iid(bolt_store):
    name = f"b-{uuid.uuid4().hex[:10]}"
    yield name
    bolt_store.delete_incident(name)


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_text_round_trips_through_upsert_and_get_node(bolt_store, iid, name):
    text = TRICKY[name]
    bolt_store.upsert([Node("Event", f"{iid}:e:a", {"incident": iid, "summary": text, "evidence": [text, "plain"]})])
    stored = bolt_store.get_node(f"{iid}:e:a")
    assert stored.props == {"incident": iid, "summary": text, "evidence": [text, "plain"]}


def test_every_tricky_text_round_trips_through_incident_graph_on_nodes_and_edges(bolt_store, iid):
    texts = list(TRICKY.values())
    nodes = [Node("Event", f"{iid}:e:{i}", {"incident": iid, "summary": t}) for i, t in enumerate(texts)]
    edges = [Edge("CAUSES", f"{iid}:e:0", f"{iid}:e:{i}", {"incident": iid, "cues": [t]})
             for i, t in enumerate(texts) if i]
    bolt_store.upsert(nodes, edges)
    graph = bolt_store.incident_graph(iid)
    assert [graph.nodes[f"{iid}:e:{i}"]["summary"] for i in range(len(texts))] == texts
    assert [graph.edges[f"{iid}:e:0", f"{iid}:e:{i}", "CAUSES"]["cues"] for i in range(1, len(texts))] == \
        [[t] for t in texts[1:]]


def test_merged_list_keeps_tricky_items_exactly_on_a_second_upsert(bolt_store, iid):
    node_id = f"{iid}:e:a"
    bolt_store.upsert([Node("Event", node_id, {"incident": iid, "evidence": [TRICKY["apostrophe"]]})])
    bolt_store.upsert([Node("Event", node_id, {"incident": iid, "evidence": [TRICKY["apostrophe"],
                                                                             TRICKY["trailing_backslash"]]})])
    assert bolt_store.get_node(node_id).props["evidence"] == [TRICKY["apostrophe"], TRICKY["trailing_backslash"]]


def test_search_with_an_apostrophe_finds_the_node(bolt_store, iid):
    bolt_store.upsert([Node("Event", f"{iid}:e:a", {"incident": iid, "summary": "Amazon's DNS record was empty"}),
                       Node("Event", f"{iid}:e:b", {"incident": iid, "summary": "Amazons of the river"})])
    assert [n.id for n in bolt_store.search("amazon's dns") if n.props["incident"] == iid] == [f"{iid}:e:a"]


def test_quote_in_an_id_argument_finds_nothing_and_deletes_nothing(bolt_store, iid):
    bolt_store.upsert([Node("Event", f"{iid}:e:a", {"incident": iid})])
    assert bolt_store.get_node(f"{iid}:e:a' OR 1=1 //") is None
    assert bolt_store.delete_incident(f"{iid}' MATCH (n) DETACH DELETE n //") == 0
    assert bolt_store.version(f"{iid}'") == 0
    assert list(bolt_store.incident_graph(iid).nodes) == [f"{iid}:e:a"]


def test_apostrophe_heavy_batch_is_split_by_its_escaped_size_and_the_server_survives(bolt_store, iid):
    # 500 quotes are 500 bytes as given but 1000 once escaped: four rows fit 3000 bytes as given, not once escaped
    nodes = [Node("Mention", f"{iid}:m:{i}", {"incident": iid, "source": "s", "sentence": "'" * 500, "start": i,
                                             "end": i + 1, "quote": "\\"}) for i in range(12)]
    bolt_store.upsert(nodes)
    assert bolt_store.get_node(f"{iid}:m:11").props["sentence"] == "'" * 500
    assert bolt_store.health()["reachable"] is True


def test_packed_size_counts_the_escape_a_splicing_server_needs():
    assert packed_size("it's") == 10
    assert packed_size("a\\b") == 9
    assert packed_size(["'"]) == 12


@pytest.mark.skipif(not ON_FALKORDB, reason="FalkorDB's splicing; a GRAPH_URI server shows its own")
def test_falkordb_is_found_to_splice_strings_and_gets_them_escaped(bolt_store):
    assert bolt_store.health()["escapes_strings"] is True


def test_packed_size_bounds_strings_lists_and_maps():
    assert packed_size("héllo") == 11
    assert packed_size([1, 2.5, True]) == 32
    assert packed_size({"a": []}) == 16


@pytest.mark.skipif(not ON_FALKORDB, reason="FalkorDB's limits; a GRAPH_URI server has its own")
def test_falkordb_is_guarded_by_indexes_and_small_statements(bolt_store):
    health = bolt_store.health()
    assert (health["reachable"], health["id_guard"], health["max_batch_bytes"]) == (True, "index", 3000)


def test_batch_far_over_4kb_is_split_and_the_server_survives(bolt_store, iid):
    nodes = [Node("Mention", f"{iid}:m:{i}", {"incident": iid, "source": "s", "sentence": "x" * 900, "start": i,
                                             "end": i + 1, "quote": "q"}) for i in range(40)]
    bolt_store.upsert(nodes)
    assert bolt_store.incident_graph(iid).number_of_nodes() == 40
    assert bolt_store.health()["reachable"] is True


def test_one_row_over_the_statement_limit_is_refused_before_anything_is_written(bolt_store, iid):
    if bolt_store.health()["max_batch_bytes"] > 10_000:
        pytest.skip("this server takes large statements")
    # a long string is stored in parts, a long merged list in pieces (tests/graph/test_long_text.py); other lists not
    nodes = [Node("Event", f"{iid}:e:a", {"incident": iid}),
             Node("Event", f"{iid}:e:big", {"incident": iid, "terms": [f"term {i:03d}" for i in range(400)]})]
    with pytest.raises(StoreUnavailable, match="GRAPH_MAX_BATCH_BYTES"):
        bolt_store.upsert(nodes)
    assert bolt_store.get_node(f"{iid}:e:a") is None
    assert bolt_store.health()["reachable"] is True


@pytest.mark.skipif(not ON_FALKORDB, reason="Neo4j rolls the transaction back itself")
def test_a_write_failing_part_way_is_undone(bolt_store, iid, monkeypatch):
    bolt_store.upsert([Node("Event", f"{iid}:e:old", {"incident": iid, "evidence": ["m1"]})])
    real = bolt_module._run_all

    def fail_at_edges(tx, statements):
        if any("MERGE (a)-[e:" in query for query, _, _ in statements):
            real(tx, [s for s in statements if "MERGE (n:" in s[0]])  # the nodes get written...
            raise bolt_module._Incomplete("simulated failure after the node statements")  # ...then it breaks
        return real(tx, statements)

    monkeypatch.setattr(bolt_module, "_run_all", fail_at_edges)
    with pytest.raises(StoreUnavailable, match="simulated failure"):
        bolt_store.upsert([Node("Event", f"{iid}:e:old", {"incident": iid, "evidence": ["m2"], "kind": "failure"}),
                           Node("Event", f"{iid}:e:new", {"incident": iid})],
                          [Edge("CAUSES", f"{iid}:e:old", f"{iid}:e:new", {"incident": iid})])
    monkeypatch.undo()
    assert bolt_store.get_node(f"{iid}:e:new") is None
    assert bolt_store.get_node(f"{iid}:e:old").props == {"incident": iid, "evidence": ["m1"]}


def models_graph(iid: str, n: int) -> tuple[list[Node], list[Edge]]:
    """``n`` model elements, element i modelling event i, and the events."""
    nodes = [Node("Event", f"{iid}:e:{i}", {"incident": iid}) for i in range(n)]
    nodes += [Node("ModelElement", f"{iid}:me:{i}", {"incident": iid, "element": f"el{i}"}) for i in range(n)]
    edges = [Edge("MODELS", f"{iid}:me:{i}", f"{iid}:e:{i}", {"incident": iid, "via": "Amazon's alias"})
             for i in range(n)]
    return nodes, edges


def test_replacing_hundreds_of_sources_is_split_and_the_server_survives(bolt_store, iid):
    nodes, edges = models_graph(iid, 300)
    bolt_store.upsert(nodes, edges)
    moved = [Edge("MODELS", f"{iid}:me:{i}", f"{iid}:e:{(i + 1) % 300}", {"incident": iid}) for i in range(300)]
    bolt_store.upsert([], moved, replace=[("MODELS", f"{iid}:me:{i}") for i in range(300)])
    stored = sorted((u, v) for u, v, k in bolt_store.incident_graph(iid).edges(keys=True) if k == "MODELS")
    assert stored == sorted((e.source, e.target) for e in moved)
    assert bolt_store.health()["reachable"] is True


@pytest.mark.skipif(not ON_FALKORDB, reason="Neo4j rolls the transaction back itself")
def test_edges_removed_by_replace_come_back_when_the_write_fails(bolt_store, iid, monkeypatch):
    nodes, edges = models_graph(iid, 2)
    bolt_store.upsert(nodes, edges)
    edges_before, version = sorted(bolt_store.incident_graph(iid).edges(keys=True, data=True)), bolt_store.version(iid)
    real = bolt_module._run_all
    failed = []

    def fail_at_edges(tx, statements):
        if not failed and any("MERGE (a)-[e:" in query for query, _, _ in statements):
            failed.append(True)
            real(tx, [s for s in statements if " DELETE e" in s[0] or "MERGE (n:" in s[0]])  # removed, nodes written
            raise bolt_module._Incomplete("simulated failure after the delete and node statements")
        return real(tx, statements)

    monkeypatch.setattr(bolt_module, "_run_all", fail_at_edges)
    with pytest.raises(StoreUnavailable, match="simulated failure"):
        bolt_store.upsert([Node("Event", f"{iid}:e:new", {"incident": iid})],
                          [Edge("MODELS", f"{iid}:me:0", f"{iid}:e:new", {"incident": iid}),
                           Edge("MODELS", f"{iid}:me:1", f"{iid}:e:1", {"incident": iid, "via": "time"})],
                          replace=[("MODELS", f"{iid}:me:0"), ("MODELS", f"{iid}:me:1")])
    monkeypatch.undo()
    assert failed
    assert bolt_store.get_node(f"{iid}:e:new") is None
    assert sorted(bolt_store.incident_graph(iid).edges(keys=True, data=True)) == edges_before
    assert bolt_store.version(iid) == version


@pytest.mark.skipif(not ON_FALKORDB, reason="needs a server the tests may stop and start")
def test_store_fails_fast_while_the_server_is_down_and_recovers_after(tmp_path):
    server = BoltServer()
    server.start()
    store = open_bolt_store(server.uri)
    try:
        store.upsert([Node("Event", "r:e:a", {"incident": "r"})])
        server.stop()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="unavailable"):
            store.get_node("r:e:a")
        assert time.monotonic() - started < 10
        assert store.health()["reachable"] is False
        server.start()  # same ports, empty database
        store.upsert([Node("Event", "r:e:b", {"incident": "r"})])
        assert store.get_node("r:e:b") is not None and store.health()["reachable"] is True
    finally:
        server.stop()
        store.close()


@pytest.mark.skipif(not ON_FALKORDB, reason="FalkorDB's reconnect quirk")
def test_a_new_store_gets_past_the_unanswered_handshake_after_another_client_closed():
    server = BoltServer()
    server.start()
    try:
        writer = open_bolt_store(server.uri)
        writer.upsert([Node("Event", "h:e:a", {"incident": "h"})])
        writer.close()  # FalkorDB now leaves the next new connection's handshake unanswered
        reader = open_bolt_store(server.uri)
        started = time.monotonic()
        assert reader.get_node("h:e:a") is not None
        assert time.monotonic() - started < 10
        reader.close()
    finally:
        server.stop()
