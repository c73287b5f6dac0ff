"""ingest.writing.reextract: an incident rebuilt from its Sources' stored text, on the embedded and the Bolt store."""

from __future__ import annotations

from analysis.model.links import relink
from graph.schema import Edge, Extraction, Node
from ingest.writing import workers
from ingest.writing.corpus import ingest_text
from ingest.writing.reextract import reingest_incident

ACME = ("On 3 March 2024 at 14:05 UTC, a faulty configuration push to the Acme load balancer fleet removed the health "
        "check timeout. The missing timeout caused the load balancers to mark every backend as unhealthy. As a "
        "result, the Acme checkout service returned errors to customers for 40 minutes. Engineers rolled back the "
        "configuration at 14:45 UTC and the checkout service recovered.")
FOLLOW_UP = ("The Acme checkout outage began at 14:05 UTC when a configuration push removed the load balancer health "
             "check timeout. Customers saw errors until 14:45 UTC, when the rollback finished.")


def exported(store, iid: str) -> tuple[dict, dict]:
    graph = store.incident_graph(iid)
    return dict(graph.nodes(data=True)), {(a, b, k): d for a, b, k, d in graph.edges(keys=True, data=True)}


def ingested(store, nlp, iid: str) -> None:
    ingest_text(store, nlp, iid, ACME, title="Acme postmortem", source="https://acme.example/pm", published="2024-03-05")
    ingest_text(store, nlp, iid, FOLLOW_UP, title="Follow-up")
    relink(store, iid)  # as the API does after an article


def relabelling(monkeypatch, new_id) -> None:
    """Make the extractor give each node the id ``new_id(node)`` (None: leave the node out)."""
    real = workers.extract_article

    def extract(*args, **kwargs) -> Extraction:
        got = real(*args, **kwargs)
        ids = {n.id: new_id(n) for n in got.nodes}
        nodes = [Node(n.label, ids[n.id], n.props) for n in got.nodes if ids[n.id]]
        edges = [Edge(e.type, ids.get(e.source, e.source), ids.get(e.target, e.target), e.props) for e in got.edges
                 if ids.get(e.source, e.source) and ids.get(e.target, e.target)]
        return Extraction(got.incident_id, got.source, nodes, edges, got.warnings)

    monkeypatch.setattr(workers, "extract_article", extract)


def test_an_unchanged_extractor_rebuilds_the_same_graph(store, new_incident, nlp):
    iid = new_incident()
    ingested(store, nlp, iid)
    before = exported(store, iid)
    report = reingest_incident(store, nlp, iid, workers=1)
    assert (report.rebuilt, report.sources, report.renamed, report.merged, report.added, report.dropped,
            report.edges_added, report.edges_dropped) == (True, 2, [], [], [], [], 0, 0)
    assert exported(store, iid) == before


def test_sources_keep_their_text_and_metadata(store, new_incident, nlp):
    iid = new_incident()
    ingested(store, nlp, iid)
    reingest_incident(store, nlp, iid, workers=1)
    sources = sorted((d["order"], d["title"], d.get("url"), d.get("published"), d["text"])
                     for _, d in store.incident_graph(iid).nodes(data=True) if d["label"] == "Source")
    assert sources == [(0, "Acme postmortem", "https://acme.example/pm", "2024-03-05", ACME),
                       (1, "Follow-up", None, None, FOLLOW_UP)]


def test_the_report_lists_renamed_merged_added_and_dropped_nodes(store, new_incident, nlp, monkeypatch):
    iid = new_incident()
    ingested(store, nlp, iid)
    events = sorted(n for n, d in store.incident_graph(iid).nodes(data=True) if d["label"] == "Event")
    assert len(events) >= 4
    renamed, merged_a, merged_b, dropped = events[:4]
    plan = {renamed: f"{renamed}-v2", merged_a: f"{iid}:e:both", merged_b: f"{iid}:e:both", dropped: None}
    relabelling(monkeypatch, lambda node: plan.get(node.id, node.id))
    report = reingest_incident(store, nlp, iid, workers=1)
    assert report.renamed == [(renamed, f"{renamed}-v2")]
    assert report.merged == [(f"{iid}:e:both", [merged_a, merged_b])]
    assert (report.added, report.dropped) == ([], [dropped])
    nodes = set(store.incident_graph(iid).nodes)
    assert {f"{renamed}-v2", f"{iid}:e:both"} <= nodes and not {renamed, merged_a, merged_b, dropped} & nodes


def test_a_new_node_is_reported_added(store, new_incident, nlp, monkeypatch):
    iid = new_incident()
    ingested(store, nlp, iid)
    real = workers.extract_article

    def extract(*args, **kwargs) -> Extraction:
        got = real(*args, **kwargs)
        extra = Node("Event", f"{iid}:e:extra-{got.source.content_hash[:6]}", {"incident": iid, "summary": "extra"})
        return Extraction(got.incident_id, got.source, [*got.nodes, extra], got.edges, got.warnings)

    monkeypatch.setattr(workers, "extract_article", extract)
    report = reingest_incident(store, nlp, iid, workers=1)
    assert len(report.added) == 2 and all(":e:extra-" in n for n in report.added)
    assert (report.renamed, report.merged, report.dropped) == ([], [], [])


def test_the_incident_and_the_model_links_are_kept(store, new_incident, nlp, monkeypatch):
    iid = new_incident()
    ingested(store, nlp, iid)
    store.upsert([Node("Incident", iid, {"incident": iid, "title": "Acme checkout outage", "region": "eu-west-1",
                                         "started_at": "2024-03-03T14:05:00Z"})])
    before = exported(store, iid)
    relabelling(monkeypatch, lambda node: node.id)
    reingest_incident(store, nlp, iid, workers=1)
    after = exported(store, iid)
    assert after[0][iid] == before[0][iid]
    models = {k: d for k, d in before[1].items() if k[2] == "MODELS"}
    assert {k: d for k, d in after[1].items() if k[2] == "MODELS"} == models


def test_a_source_without_text_leaves_the_incident_unchanged(store, new_incident, nlp):
    iid = new_incident()
    ingested(store, nlp, iid)
    nodes, edges = exported(store, iid)
    old_source = next(n for n, d in nodes.items() if d["label"] == "Source" and d["title"] == "Follow-up")
    del nodes[old_source]["text"]  # as stored before Sources kept their text
    store.replace_incident(iid, [Node(d.pop("label"), n, d) for n, d in nodes.items()],
                           [Edge(k, a, b, {x: y for x, y in d.items() if x != "type"}) for (a, b, k), d in edges.items()])
    before = exported(store, iid), store.version(iid)
    report = reingest_incident(store, nlp, iid, workers=1)
    assert (report.rebuilt, report.missing_text) == (False, [(old_source, "Follow-up")])
    assert "left unchanged" in report.table() and "ingest the same files again" in report.table()
    assert (exported(store, iid), store.version(iid)) == before


def test_the_same_text_ingested_again_gives_an_old_source_its_text(nlp):
    from graph.memory_store import MemoryStore

    store = MemoryStore(None)
    ingest_text(store, nlp, "inc", ACME)
    source = next(n for n, d in store.incident_graph("inc").nodes(data=True) if d["label"] == "Source")
    nodes, edges = exported(store, "inc")
    del nodes[source]["text"]
    store.replace_incident("inc", [Node(d.pop("label"), n, d) for n, d in nodes.items()],
                           [Edge(k, a, b, {x: y for x, y in d.items() if x != "type"}) for (a, b, k), d in edges.items()])
    assert not ingest_text(store, nlp, "inc", ACME).created
    assert store.get_node(source).props["text"] == ACME
    assert reingest_incident(store, nlp, "inc", workers=1).rebuilt


def test_many_sources_are_read_by_workers_into_the_same_graph(nlp, monkeypatch):
    from bench.generated_articles import outage_article
    from graph.memory_store import MemoryStore

    store = MemoryStore(None)
    for n in range(24):
        ingest_text(store, nlp, "inc", outage_article(n))
    relink(store, "inc")
    before = exported(store, "inc")
    forked = []
    real = workers.ProcessPoolExecutor
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda **kw: forked.append(kw) or real(**kw))
    report = reingest_incident(store, nlp, "inc", workers=2)
    assert forked and report.renamed == report.dropped == report.added == []
    assert exported(store, "inc") == before


def test_the_seed_incident_rebuilds_unchanged(store, new_incident, nlp):
    from ingest.writing.corpus import ingest_paths
    from tests.conftest import SEEDS

    iid = new_incident("seeds")
    ingest_paths(store, nlp, [str(SEEDS)], iid, workers=1)
    relink(store, iid)
    before = exported(store, iid)
    report = reingest_incident(store, nlp, iid, workers=1)
    assert (report.renamed, report.merged, report.added, report.dropped) == ([], [], [], [])
    assert exported(store, iid) == before
