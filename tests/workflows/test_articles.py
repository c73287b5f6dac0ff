"""Adding an article reads it, titles its incident and links the model in one write: all of it is stored, or,
when any step or the store fails, nothing of it; on both stores (FalkorDB through its compensation)."""

from __future__ import annotations

import errno

import pytest

import graph.bolt_store as bolt_module
import workflows.articles
from graph.build import ensure_incident
from graph.errors import StoreUnavailable
from graph.journal import JournalFile
from ingest.reading.sources import article_from_text
from tests.analysis.model.test_scope import AWS_REVIEW, DNS_ELSEWHERE
from workflows.articles import add_articles


def aws_review():
    return article_from_text(AWS_REVIEW.read_text(), title="AWS summary")


def test_the_article_its_title_and_its_model_links_are_one_write(store, new_incident, nlp):
    iid = new_incident("aws")
    added = add_articles(store, nlp, iid, [aws_review()], title="AWS us-east-1, October 2025", region="us-east-1")
    assert store.version(iid) == 1  # one batch: a reader never sees the article without its links
    assert store.get_node(iid).props["title"] == "AWS us-east-1, October 2025"
    assert store.get_node(iid).props["region"] == "us-east-1"
    counts = store.counts(iid)
    assert counts["Source"] == 1 and counts["ModelElement"] == 34 and counts["MODELS"] == len(added.links.links)
    assert added.links.applies and added.report.articles[0].created


def test_an_article_the_model_does_not_describe_gets_no_model_node(store, new_incident, nlp):
    iid = new_incident("contoso")
    added = add_articles(store, nlp, iid, [article_from_text(DNS_ELSEWHERE)])
    assert not added.links.applies
    assert store.counts(iid).get("ModelElement", 0) == 0 and store.counts(iid)["Source"] == 1
    assert store.get_node(iid).props["title"] == iid  # a new incident is titled with its id


def test_a_failure_in_the_link_step_stores_nothing_of_the_article(store, new_incident, nlp, monkeypatch):
    iid = new_incident("aws")
    ensure_incident(store, iid, title="before")
    before, version = store.counts(iid), store.version(iid)
    real = workflows.articles.update_links

    def links_then_fail(writer, index):
        real(writer, index)  # the links are computed and handed to the write...
        raise RuntimeError("simulated failure while relinking")  # ...then the step fails

    monkeypatch.setattr(workflows.articles, "update_links", links_then_fail)
    with pytest.raises(RuntimeError, match="while relinking"):
        add_articles(store, nlp, iid, [aws_review()], title="after")
    assert (store.counts(iid), store.version(iid)) == (before, version)
    assert store.get_node(iid).props["title"] == "before"
    monkeypatch.undo()
    add_articles(store, nlp, iid, [aws_review()])  # the next try reads the incident as it is, and stores it all
    assert store.counts(iid)["Source"] == 1 and store.counts(iid)["ModelElement"] == 34


def fail_when_writing_links(store, monkeypatch) -> list[bool]:
    """Make the store fail part-way through the write that holds the MODELS edges: FalkorDB after it ran the
    statements before them (its compensation must undo those), the embedded store's journal append."""
    failed: list[bool] = []
    if store.kind == "bolt":
        real = bolt_module._run_all

        def fail_at_models(tx, statements):
            models = [i for i, (query, _, _) in enumerate(statements) if "[e:MODELS]" in query]
            if models and not failed:
                failed.append(True)
                real(tx, statements[:models[0]])  # the article's nodes and edges are written...
                raise bolt_module._Incomplete("simulated failure at the MODELS edges")  # ...then it breaks
            return real(tx, statements)

        monkeypatch.setattr(bolt_module, "_run_all", fail_at_models)
    else:
        real_append = JournalFile.append

        def fail_at_models(self, data, **kwargs):
            if b"MODELS" in data and not failed:
                failed.append(True)
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_append(self, data, **kwargs)

        monkeypatch.setattr(JournalFile, "append", fail_at_models)
    return failed


def test_the_store_failing_at_the_links_keeps_nothing_of_the_article(store, new_incident, nlp, monkeypatch):
    iid = new_incident("aws")
    ensure_incident(store, iid, title="before")
    before = store.counts(iid)
    failed = fail_when_writing_links(store, monkeypatch)
    with pytest.raises(StoreUnavailable):
        add_articles(store, nlp, iid, [aws_review()])
    monkeypatch.undo()
    assert failed
    assert store.counts(iid) == before
    assert not [n for n in store.incident_graph(iid).nodes if n != iid]
