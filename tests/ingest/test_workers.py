"""ingest_paths with worker processes builds exactly the graph one process builds."""

from __future__ import annotations

from pathlib import Path

from bench.bench_ingest import generated_articles
from bench.generated_articles import outage_article
from graph.memory_store import MemoryStore
from ingest.writing import workers
from ingest.writing.corpus import ingest_paths


def exported(store: MemoryStore, iid: str) -> tuple[dict, dict]:
    graph = store.incident_graph(iid)
    return ({n: d for n, d in graph.nodes(data=True)},
            {(a, b, k): d for a, b, k, d in graph.edges(keys=True, data=True)})


def test_two_workers_build_the_same_graph_as_one(nlp, tmp_path: Path, monkeypatch):
    texts = generated_articles(22) + [outage_article(n) for n in range(8)]
    for i, text in enumerate(texts):
        (tmp_path / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    forked = []
    real = workers.ProcessPoolExecutor
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda **kw: forked.append(kw) or real(**kw))
    one, two = MemoryStore(None), MemoryStore(None)
    report_one = ingest_paths(one, nlp, [str(tmp_path)], "inc", workers=1)
    report_two = ingest_paths(two, nlp, [str(tmp_path)], "inc", workers=2)
    assert [kw["max_workers"] for kw in forked] == [2]
    assert len(report_two.articles) == 30 and not report_two.errors
    assert report_one.totals == report_two.totals
    assert exported(one, "inc") == exported(two, "inc")


def test_a_small_batch_stays_in_process(nlp, tmp_path: Path, monkeypatch):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(outage_article(i), encoding="utf-8")
    monkeypatch.setattr(workers, "ProcessPoolExecutor", None)  # calling it would fail the test
    report = ingest_paths(MemoryStore(None), nlp, [str(tmp_path)], "inc", workers=4)
    assert [a.created for a in report.articles] == [True, True, True]
