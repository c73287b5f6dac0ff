"""Re-extracting an incident rebuilds its graph from the stored texts, then relinks the model to the new nodes."""

from __future__ import annotations

from tests.workflows.test_articles import aws_review
from workflows.articles import add_articles
from workflows.reextraction import reingest_and_relink


def test_a_rebuilt_incident_is_relinked_to_the_model(store, new_incident, nlp):
    iid = new_incident("aws")
    added = add_articles(store, nlp, iid, [aws_review()])
    report, links = reingest_and_relink(store, nlp, iid, workers=1)
    assert report.rebuilt and links is not None and links.applies
    assert sorted(links.links) == sorted(added.links.links)
    assert store.counts(iid)["MODELS"] == len(links.links)
