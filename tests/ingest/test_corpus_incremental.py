"""ingest.writing.corpus with the per-process IndexCache: same graph as a fresh read per article, foreign writes seen."""

from __future__ import annotations

import pytest

from bench.generated_articles import outage_article
from graph.build import IndexCache, apply_extraction, ensure_incident
from graph.errors import StoreUnavailable
from graph.memory_store import MemoryStore
from graph.schema import Node
from ingest.claims.contradiction_updates import ClaimSet
from ingest.writing import corpus
from tests.conftest import SEEDS
from tests.ingest.test_build import extraction


def _export(store: MemoryStore, iid: str) -> tuple[list, list]:
    graph = store.incident_graph(iid)
    return (sorted((n, sorted(d.items(), key=str)) for n, d in graph.nodes(data=True)),
            sorted((a, b, k, sorted(d.items(), key=str)) for a, b, k, d in graph.edges(keys=True, data=True)))


def test_cached_ingest_builds_the_same_graph_as_reading_the_incident_for_every_article(nlp, monkeypatch):
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [outage_article(n) for n in range(6)]
    cached, fresh = MemoryStore(None), MemoryStore(None)
    for text in texts:
        corpus.ingest_text(cached, nlp, "inc", text)
    for text in texts:
        monkeypatch.setattr(corpus, "INDEXES", IndexCache())  # a new cache: one export per article, as before
        corpus.ingest_text(fresh, nlp, "inc", text)
    assert len(texts) == 10 and _export(cached, "inc") == _export(fresh, "inc")


def test_second_article_reads_the_incident_no_more(nlp, monkeypatch):
    store = MemoryStore(None)
    monkeypatch.setattr(corpus, "INDEXES", IndexCache())
    corpus.ingest_text(store, nlp, "inc", outage_article(1))
    exports = []
    real = store.incident_graph
    monkeypatch.setattr(store, "incident_graph", lambda iid: exports.append(iid) or real(iid))
    result = corpus.ingest_text(store, nlp, "inc", outage_article(2))
    assert result.created and exports == []


def test_component_another_writer_stored_is_merged_into():
    store, cache = MemoryStore(None), IndexCache()
    ensure_incident(store, "inc", title="t")
    with cache.hold(store, "inc") as index:
        apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])),
                         index=index)
    store.upsert([Node("Component", "inc:c:droplet-workflow-manager",
                       {"incident": "inc", "slug": "droplet-workflow-manager", "name": "Droplet Workflow Manager",
                        "aliases": ["DWFM"]})])
    with cache.hold(store, "inc") as index:
        report = apply_extraction(store, extraction("b", ("dwfm", "DWFM", []), ("y", "outage", ["outage"])),
                                  index=index)
    comps = sorted(n for n, d in store.incident_graph("inc").nodes(data=True) if d["label"] == "Component")
    assert comps == ["inc:c:droplet-workflow-manager", "inc:c:s3"] and report.merged["components"] == 1


def test_index_is_reused_while_only_this_cache_writes():
    store, cache = MemoryStore(None), IndexCache()
    ensure_incident(store, "inc", title="t")
    with cache.hold(store, "inc") as first:
        apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])),
                         index=first)
    with cache.hold(store, "inc") as second:
        pass
    assert second is first and first.version == store.version("inc")


def test_index_is_rebuilt_after_the_incident_is_deleted():
    store, cache = MemoryStore(None), IndexCache()
    ensure_incident(store, "inc", title="t")
    with cache.hold(store, "inc") as index:
        apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])),
                         index=index)
    store.delete_incident("inc")
    with cache.hold(store, "inc") as index:
        assert index.nodes == {}


def test_failed_write_drops_the_cached_index(monkeypatch):
    store, cache = MemoryStore(None), IndexCache()
    ensure_incident(store, "inc", title="t")

    def refuse(nodes, edges=(), **kwargs):
        raise StoreUnavailable("disk gone")

    with cache.hold(store, "inc") as first:
        monkeypatch.setattr(store, "upsert", refuse)
        with pytest.raises(StoreUnavailable):
            apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])),
                             index=first)
    monkeypatch.undo()
    with cache.hold(store, "inc") as second:
        assert second is not first and "inc:c:s3" not in second.nodes


def test_article_without_new_claims_does_not_recheck_contradictions(monkeypatch):
    store = MemoryStore(None)
    ensure_incident(store, "inc", title="t")
    checked = []
    real_add = ClaimSet.add
    monkeypatch.setattr(ClaimSet, "add", lambda self, claims: checked.append(len(claims)) or real_add(self, claims))
    index = corpus.IncidentIndex(store, "inc")
    apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])),
                     index=index)
    assert corpus.refresh_contradictions(store, "inc", index=index) == 0 and checked in ([], [0])
