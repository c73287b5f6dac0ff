"""Bolt-store behaviour that only a Bolt server shows: statement size limits, outages, compensation."""

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


@pytest.fixture
def iid(bolt_store):
    name = f"b-{uuid.uuid4().hex[:10]}"
    yield name
    bolt_store.delete_incident(name)


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
    nodes = [Node("Event", f"{iid}:e:a", {"incident": iid}),
             Node("Mention", f"{iid}:m:big", {"incident": iid, "source": "s", "sentence": "y" * 5000,
                                             "start": 0, "end": 1, "quote": "y"})]
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
