"""Analysis benchmarks: reasoning over an incident against the cost of exporting it from the store.

* Generated incident of 10,000 events (each caused by one or two earlier ones, with mentions, sources,
  components and claims), held in the embedded store. Baseline: ``store.incident_graph(iid)``, the export
  every answer starts from, measured in the same run. Ours: ``root_causes``, ``blast_radius``,
  ``timeline`` on the exported graph. Target: each at most 3x the export.
* The seed incident, if ingestion is available: ``root_causes`` and ``classify`` on the ingested seeds.
  Target: under 20 ms each.

Run with ``python -m bench analysis``; each figure is the median of several runs.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.blast_radius import blast_radius
from analysis.causal import classify, root_causes
from analysis.timeline import timeline
from graph.memory_store import MemoryStore
from graph.schema import (
    ClaimNode,
    ComponentNode,
    Edge,
    EventNode,
    IncidentNode,
    MentionNode,
    Node,
    SourceNode,
    edge,
    node_id,
)

EVENTS = 10_000
RATIO_TARGET = 3.0
SEED_TARGET_MS = 20.0
SEED_INCIDENT = "aws-us-east-1-2025-10"


def median_ms(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def synthetic_incident(events: int = EVENTS, *, seed: int = 11, iid: str = "bench") -> MemoryStore:
    """An embedded store holding one generated incident shaped like an ingested write-up."""
    rng = random.Random(seed)
    kinds = ("condition", "action", "failure", "symptom", "impact", "recovery", "mitigation")
    nodes: list[Node] = [IncidentNode(iid, iid, "Generated outage").to_node()]
    edges: list[Edge] = []
    sources = [node_id(iid, "Source", f"s{i}") for i in range(8)]
    nodes += [SourceNode(s, iid, f"hash{i}", f"Article {i}").to_node() for i, s in enumerate(sources)]
    comps = [node_id(iid, "Component", f"c{i}") for i in range(events // 20)]
    nodes += [ComponentNode(c, iid, f"c{i}", f"component {i}").to_node() for i, c in enumerate(comps)]
    edges += [edge("DEPENDS_ON", comps[i], comps[rng.randrange(i)], iid) for i in range(1, len(comps), 3)]
    for i in range(events):
        eid, src = node_id(iid, "Event", f"e{i}"), rng.choice(sources)
        mid = node_id(iid, "Mention", f"m{i}")
        nodes.append(MentionNode(mid, iid, src, f"Sentence {i} of the write-up.", 0, 8, f"event {i}").to_node())
        at = f"2025-10-20T{(i // 60) % 24:02d}:{i % 60:02d}:00Z" if i % 3 == 0 else None
        nodes.append(EventNode(eid, iid, f"event {i} of component {i % len(comps)}", rng.choice(kinds), at=at,
                               components=[comps[i % len(comps)]], evidence=[mid], sources=[src]).to_node())
        edges.append(edge("AFFECTS", eid, comps[i % len(comps)], iid))
        for parent in {rng.randrange(i) for _ in range(rng.choice((1, 2)))} if i > 20 else ():
            edges.append(edge("CAUSES", node_id(iid, "Event", f"e{parent}"), eid, iid, cue="led to",
                              confidence=0.8, evidence=[mid]))
    for i in range(0, events, 500):
        cid = node_id(iid, "Claim", f"cl{i}")
        nodes.append(ClaimNode(cid, iid, "root_cause", f"event {i} was the root cause", sources[0]).to_node())
        edges.append(edge("ABOUT", cid, node_id(iid, "Event", f"e{i}"), iid))
    store = MemoryStore(None)
    store.upsert(nodes, edges)
    return store


def _row(name: str, ours: float, baseline: float, target: str, met: bool) -> dict[str, Any]:
    return {"name": name, "ours": round(ours, 2), "baseline": round(baseline, 2),
            "ratio": round(ours / baseline, 2) if baseline else None, "target": target, "met": met}


def generated_rows() -> list[dict[str, Any]]:
    store = synthetic_incident()
    export = median_ms(lambda: store.incident_graph("bench"))
    graph = store.incident_graph("bench")
    rows = []
    for name, fn in (("root_causes", root_causes), ("blast_radius", blast_radius), ("timeline", timeline)):
        ours = median_ms(lambda fn=fn: fn(graph), repeat=3)
        rows.append(_row(f"{name}, {EVENTS:,} events (ms) vs export", ours, export, f"ratio <= {RATIO_TARGET}",
                         ours <= RATIO_TARGET * export))
    return rows


def seed_rows() -> list[dict[str, Any]]:
    """Rows for the ingested seed incident; none if the ingestion pipeline is not available."""
    try:
        from ingest.language.pipeline import build_nlp
        from ingest.writing.corpus import ingest_paths
    except ImportError:
        return []
    store = MemoryStore(None)
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    ingest_paths(store, build_nlp(), [str(seeds)], SEED_INCIDENT)
    export = median_ms(lambda: store.incident_graph(SEED_INCIDENT))
    graph = store.incident_graph(SEED_INCIDENT)
    rows = []
    for name, fn in (("root_causes", lambda: root_causes(graph)), ("classify 'DNS'", lambda: classify(graph, "DNS"))):
        ours = median_ms(fn)
        rows.append(_row(f"{name}, seed incident (ms) vs export", ours, export, f"< {SEED_TARGET_MS:g} ms",
                         ours < SEED_TARGET_MS))
    return rows


def run() -> list[dict[str, Any]]:
    """Benchmark rows: the generated incident, then the seeds when ingestion is available."""
    return generated_rows() + seed_rows()
