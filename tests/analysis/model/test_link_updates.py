"""Link updates after each article give exactly the links a full relink gives, and write only what changed."""

from __future__ import annotations

from pathlib import Path

from analysis.model.link_updates import update_links
from analysis.model.links import link_elements, relink
from graph.build import IncidentIndex, ensure_incident
from graph.memory_store import MemoryStore
from ingest.writing.corpus import INDEXES, ingest_text

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def stored_links(store: MemoryStore, iid: str) -> dict[str, str]:
    graph = store.incident_graph(iid)
    return {graph.nodes[u]["element"]: v for u, v, key in graph.edges(keys=True) if key == "MODELS"}


def full_links(store: MemoryStore, iid: str) -> dict[str, str]:
    return dict(link_elements(store.incident_graph(iid), iid).links)


def test_updates_after_each_seed_article_match_a_full_relink(nlp, seed_manifest):
    store, iid = MemoryStore(None), seed_manifest["id"]
    ensure_incident(store, iid, title=seed_manifest["title"])
    for name in seed_manifest["articles"]:
        ingest_text(store, nlp, iid, (SEEDS / name).read_text(encoding="utf-8"), keep_empty=True)
        with INDEXES.hold(store, iid) as index:
            update_links(store, index)
        assert stored_links(store, iid) == full_links(store, iid), name
    assert len(stored_links(store, iid)) == len(relink(store, iid).links)


def test_an_update_with_nothing_new_writes_nothing(nlp, seed_manifest):
    store, iid = MemoryStore(None), seed_manifest["id"]
    ensure_incident(store, iid, title=seed_manifest["title"])
    ingest_text(store, nlp, iid, (SEEDS / seed_manifest["articles"][0]).read_text(encoding="utf-8"))
    with INDEXES.hold(store, iid) as index:
        assert update_links(store, index) > 0
        version = store.version(iid)
        assert update_links(store, index) == 0
    assert store.version(iid) == version


def test_a_fresh_index_relinks_from_the_whole_incident(nlp, seed_manifest):
    store, iid = MemoryStore(None), seed_manifest["id"]
    ensure_incident(store, iid, title=seed_manifest["title"])
    for name in seed_manifest["articles"][:2]:
        ingest_text(store, nlp, iid, (SEEDS / name).read_text(encoding="utf-8"), keep_empty=True)
    update_links(store, IncidentIndex(store, iid))  # as after another process wrote: no state, one full pass
    assert stored_links(store, iid) == full_links(store, iid)
