"""The embedded and Bolt stores hold the same random causal DAG identically."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.memory_store import MemoryStore
from graph.schema import Edge, Node

pytestmark = [pytest.mark.bolt, pytest.mark.timeout(60)]


def random_dag(iid: str, rng: random.Random, n: int = 60) -> tuple[list[Node], list[Edge]]:
    """Events in a random order with CAUSES edges only from earlier to later, plus components they affect."""
    nodes = [Node("Event", f"{iid}:e:{i}", {"incident": iid, "summary": f"event {i}", "kind": rng.choice(
        ["condition", "failure", "symptom"]), "confidence": round(rng.random(), 3), "evidence": [f"m{i}"]})
             for i in range(n)]
    nodes += [Node("Component", f"{iid}:c:{j}", {"incident": iid, "name": f"svc {j}", "aliases": [f"s{j}"]})
              for j in range(8)]
    edges = [Edge("CAUSES", f"{iid}:e:{a}", f"{iid}:e:{b}", {"incident": iid, "confidence": round(rng.random(), 3),
                                                              "cues": [rng.choice(["led to", "because"])]})
             for a in range(n) for b in range(a + 1, n) if rng.random() < 0.05]
    edges += [Edge("AFFECTS", f"{iid}:e:{rng.randrange(n)}", f"{iid}:c:{j}", {"incident": iid}) for j in range(8)]
    return nodes, edges


def exported(graph: nx.MultiDiGraph) -> tuple[list, list]:
    return (sorted(graph.nodes(data=True)), sorted((u, v, k, sorted(d.items()))
                                                   for u, v, k, d in graph.edges(keys=True, data=True)))


@pytest.fixture
def loaded(tmp_path, bolt_store):
    iid = f"parity-{random.Random().getrandbits(40):x}"
    nodes, edges = random_dag(iid, random.Random(20251020))
    memory = MemoryStore(tmp_path)
    for store in (memory, bolt_store):
        store.upsert(nodes[:30], [])
        store.upsert(nodes[30:], edges)
        store.upsert(nodes[:10], edges[:10])  # re-upsert: merges must agree too
    yield iid, memory, bolt_store
    bolt_store.delete_incident(iid)


def test_incident_export_is_identical(loaded):
    iid, memory, bolt = loaded
    assert exported(memory.incident_graph(iid)) == exported(bolt.incident_graph(iid))


def test_neighbourhoods_are_identical(loaded):
    iid, memory, bolt = loaded
    for node in (f"{iid}:e:0", f"{iid}:e:17", f"{iid}:e:59", f"{iid}:c:3"):
        for depth in (1, 2):
            assert exported(memory.neighbourhood(node, depth)) == exported(bolt.neighbourhood(node, depth)), node


def test_reachable_sets_are_identical(loaded):
    iid, memory, bolt = loaded
    mem_graph, bolt_graph = memory.incident_graph(iid), bolt.incident_graph(iid)
    for node in mem_graph:
        assert nx.descendants(mem_graph, node) == nx.descendants(bolt_graph, node)
        assert nx.ancestors(mem_graph, node) == nx.ancestors(bolt_graph, node)
    assert sum(len(nx.descendants(mem_graph, n)) for n in mem_graph) > 100  # the DAG is not trivially sparse


def test_search_results_are_identical(loaded):
    iid, memory, bolt = loaded
    for text in ("EVENT 1", "s3", "svc"):
        mine = [n.id for n in memory.search(text, limit=100) if n.incident == iid]
        assert mine == [n.id for n in bolt.search(text, limit=100) if n.incident == iid]
