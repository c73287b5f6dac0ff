"""The article cap (``max_sources``) holds against parallel writers on both stores: the count and the write
are one atomic step, so 18 stored plus 16 parallel new articles under a cap of 20 end with exactly 20."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.errors import IncidentFull
from graph.schema import Edge, Node

CAP = 20
STORED_FIRST = 18
PARALLEL = 16


def article(iid: str, key: str) -> tuple[list[Node], list[Edge]]:
    """A Source and the event it tells, as one article's write brings them."""
    source = Node("Source", f"{iid}:s:{key}", {"incident": iid, "title": f"article {key}"})
    event = Node("Event", f"{iid}:e:{key}", {"incident": iid, "summary": f"event of {key}"})
    return [source, event], [Edge("MENTIONS", source.id, event.id, {"incident": iid})]


def test_parallel_new_articles_never_take_an_incident_over_its_cap(store, new_incident):
    iid = new_incident("cap")
    saved, store.max_sources = store.max_sources, CAP
    try:
        for n in range(STORED_FIRST):
            store.upsert(*article(iid, f"a{n}"))
        start = threading.Barrier(PARALLEL)

        def post(n: int) -> str:
            nodes, edges = article(iid, f"p{n}")
            start.wait()
            try:
                store.upsert(nodes, edges)
            except IncidentFull:
                return "full"
            return "stored"

        with ThreadPoolExecutor(PARALLEL) as pool:
            outcomes = sorted(pool.map(post, range(PARALLEL)))
        counts = store.counts(iid)
        assert counts["Source"] == CAP, counts
        assert outcomes == ["full"] * (PARALLEL - CAP + STORED_FIRST) + ["stored"] * (CAP - STORED_FIRST)
        # A refused article left nothing behind: every stored event belongs to a stored article.
        assert counts["Event"] == CAP and counts["MENTIONS"] == CAP, counts
    finally:
        store.max_sources = saved


def test_a_batch_of_many_new_articles_over_the_cap_stores_none_of_them(store, new_incident):
    # 150 articles in one write (as `flask ingest` of a folder sends them): on FalkorDB the claim spans several
    # statements, and the first ones, which fit, are taken back when a later one finds the incident full.
    iid = new_incident("cap")
    saved, store.max_sources = store.max_sources, 100
    try:
        store.upsert(*article(iid, "first"))
        nodes = [node for n in range(150) for node in article(iid, f"batch-article-{n:03d}")[0]]
        with pytest.raises(IncidentFull):
            store.upsert(nodes)
        assert store.counts(iid) == {"Source": 1, "Event": 1, "MENTIONS": 1}
        store.upsert(nodes[:2 * 99])  # 99 more fit exactly
        assert store.counts(iid)["Source"] == 100
    finally:
        store.max_sources = saved
