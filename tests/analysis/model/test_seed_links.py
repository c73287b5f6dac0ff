"""End to end over the seed articles: after ingestion the model's elements link to the graph's nodes."""

from __future__ import annotations

from pathlib import Path

from analysis.counterfactual import run_scenario
from analysis.model.links import elements, relink
from graph.build import ensure_incident
from graph.memory_store import MemoryStore
from ingest.writing.corpus import ingest_paths

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def test_seed_ingestion_links_the_model_and_grounds_its_calibration(nlp, seed_manifest) -> None:
    store = MemoryStore(None)
    iid = seed_manifest["id"]
    ensure_incident(store, iid, title=seed_manifest["title"], region=seed_manifest["region"])
    ingest_paths(store, nlp, [str(SEEDS / name) for name in seed_manifest["articles"]], iid)
    report = relink(store, iid)
    linked = dict(report.links)
    # The one element without a node: no seed article says when engineers identified the DNS fault (the
    # Pragmatic Engineer piece only imagines them "wondering how the DNS records were emptied").
    assert set(report.unlinked) == {"dns_identified"}, report.unlinked
    assert len(linked) == len(elements()) - 1
    assert {"dwfm", "dynamodb", "record_empty", "dwfm_congestive_collapse", "network_backlog",
            "nlb_health_check_failures", "lease_timeout", "enactor_delay"} <= set(linked)
    graph = store.incident_graph(iid)
    assert graph.nodes[linked["dwfm"]]["label"] == "Component"
    assert graph.nodes[linked["record_empty"]]["label"] == "Event"
    calibration = run_scenario("baseline", graph=graph).baseline["calibration"]
    assert all(len(row["timepoints"]) == 1 for row in calibration), calibration
