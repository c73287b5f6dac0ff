"""End to end over the four seed articles: extract + build into MemoryStore(None)."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from ingest.lexicon import load_component_lexicon
from ingest.writing.corpus import ingest_paths

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
IID = "aws-us-east-1-2025-10"


@pytest.fixture(scope="module")
def seeded(nlp):
    store = MemoryStore(None)
    report = ingest_paths(store, nlp, [str(SEEDS)], IID)
    return store, report, store.incident_graph(IID)


def labelled(graph, kind: str, *words: str) -> list[str]:
    text = "name" if kind == "Component" else "summary"
    return [n for n, d in graph.nodes(data=True)
            if d["label"] == kind and all(w in d[text].lower() for w in words)]


def hops(graph, starts: list[str], goals: list[str]) -> int | None:
    """Fewest CAUSES hops from any start to any goal, or None."""
    queue, seen = deque((s, 0) for s in starts), set(starts)
    while queue:
        node, dist = queue.popleft()
        for _, nxt, key in graph.out_edges(node, keys=True):
            if key == "CAUSES" and nxt not in seen:
                if nxt in goals:
                    return dist + 1
                seen.add(nxt)
                queue.append((nxt, dist + 1))
    return None


def test_report_counts_every_article(seeded):
    _, report, _ = seeded
    assert report.errors == [] and report.totals["Source"] == 4
    assert "conflicts" in report.table() and report.totals["CONTRADICTS"] >= 2


def test_causal_chain_race_to_dns_to_leases(seeded):
    graph = seeded[2]
    race = labelled(graph, "Event", "race")
    dns = [n for n in labelled(graph, "Event", "dns")
           if any(w in graph.nodes[n]["summary"].lower() for w in ("empty", "record", "resol", "fail"))]
    lease = [n for n, d in graph.nodes(data=True) if d["label"] == "Event" and any(
        w in d["summary"].lower() for w in ("lease", "congesti", "insufficient capacity"))]
    assert race and dns and lease
    first = hops(graph, race, dns)
    assert first is not None and first <= 3
    assert any((h := hops(graph, [d], lease)) is not None and h <= 5 for d in dns)


def test_enactor_delay_triggers_the_race_condition(seeded):
    graph = seeded[2]
    [delay] = labelled(graph, "Event", "enactor", "delay")
    edge = graph.get_edge_data(delay, f"{IID}:e:race-condition", key="CAUSES")
    assert edge is not None and edge["cue"] == "trigger"
    assert graph.nodes[delay].get("unexplained") is True


def test_one_dwfm_component_with_its_acronym(seeded):
    graph = seeded[2]
    dwfm = [n for n, d in graph.nodes(data=True) if d["label"] == "Component" and (
        "droplet" in d["name"].lower() or "DWFM" in d.get("aliases", []))]
    assert len(dwfm) == 1 and "DWFM" in graph.nodes[dwfm[0]]["aliases"]


def test_network_manager_is_found_in_the_text_not_the_lexicon(seeded):
    graph = seeded[2]
    assert "network-manager" not in load_component_lexicon()
    assert labelled(graph, "Component", "network manager") == [f"{IID}:c:network-manager"]
    assert any(graph.has_edge(e, f"{IID}:c:network-manager", key="AFFECTS") for e in labelled(graph, "Event"))
    assert labelled(graph, "Event", "backlog")


def test_load_balancer_health_checks_and_impacted_services(seeded):
    graph = seeded[2]
    assert labelled(graph, "Event", "health check")
    affected = {t.rsplit(":", 1)[1] for _, t, k in graph.edges(keys=True) if k == "AFFECTS"}
    assert {"lambda", "ecs", "eks", "fargate", "ec2", "dynamodb", "network-load-balancer"} <= affected


def test_dependencies_on_dynamodb(seeded):
    graph = seeded[2]
    deps = {(s.rsplit(":", 1)[1], t.rsplit(":", 1)[1]) for s, t, k in graph.edges(keys=True) if k == "DEPENDS_ON"}
    assert {("ec2", "dynamodb"), ("droplet-workflow-manager", "dynamodb")} <= deps


def test_every_node_and_edge_quotes_its_article(seeded):
    graph = seeded[2]
    texts = {}
    for path in sorted(SEEDS.glob("*.txt")):
        from ingest.reading.sources import read_article

        article = read_article(path)
        texts[f"{IID}:src:{article.content_hash[:16]}"] = article.text
    for nid, data in graph.nodes(data=True):
        if data["label"] in ("Component", "Event", "TimePoint", "Claim"):
            assert data.get("evidence"), nid
            for mid in data["evidence"]:
                m = graph.nodes[mid]
                assert texts[m["source"]][m["start"]:m["end"]] == m["quote"]
    for s, t, k, data in graph.edges(keys=True, data=True):
        if k == "PART_OF" and graph.nodes[t]["label"] == "Incident":
            continue  # a Source belongs to its incident by being ingested into it
        assert data.get("evidence") and all(graph.nodes[m]["label"] == "Mention" for m in data["evidence"]), (s, t, k)


def test_reingest_changes_nothing(seeded, nlp):
    store, report, _ = seeded
    version = store.version(IID)
    again = ingest_paths(store, nlp, [str(SEEDS)], IID)
    assert [a.created for a in again.articles] == [False] * 4
    assert again.totals == report.totals and store.version(IID) == version
