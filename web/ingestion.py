"""Adding one article through the API: limits first, then a turn to read it, then the one write.

The steps, cheapest refusal first: the article's size (ARTICLE_MAX_CHARS), the same text
already stored (200, nothing read), the incident's article count (checked again by the
store under its write lock), a turn among this process's readers (INGEST_CONCURRENCY,
INGEST_QUEUE), then ``workflows.articles.add_articles`` with the cost budget (INGEST_MAX_SECONDS,
INGEST_MAX_MB: parse and extraction in a child process that is ended at the budget): the
article, its conflicts and the model's links are stored in one write, or nothing is.

If the store reports a failure yet holds the article (a journal append it could not cut back
may have landed whole), the answer says the article was stored, with a warning; otherwise the
503 says nothing was stored. Re-sending is always safe: the same text is never stored twice.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from graph.errors import StoreUnavailable
from graph.schema import node_id
from ingest.reading.sources import ArticleRejected, article_from_text
from web.ingest_gate import IngestGate
from web.limits import limits
from web.resources import graph_store, known_articles, nlp
from web.schemas import ArticleIn
from workflows.articles import add_articles

STORED_DESPITE_FAILURE = ("the store reported a failure ({reason}), but it holds the article: its one write, "
                          "with the conflicts and model links it brought, landed whole")


def ingest_gate() -> IngestGate:
    """The current app's gate of article reads (created on first use from its limits)."""
    gate = current_app.extensions.get("ingest_gate")
    if gate is None:
        current = limits()
        gate = current_app.extensions.setdefault("ingest_gate", IngestGate(
            concurrency=current.ingest_concurrency, queue=current.ingest_queue, wait_s=current.budget.wall_seconds))
    return gate


def add_article_text(iid: str, article: ArticleIn, *, sources: int) -> dict[str, Any]:
    """Ingest ``article`` into incident ``iid`` (which holds ``sources`` articles); the ArticleOut body."""
    store = graph_store()
    limits().check_article(article.text)
    seen = known_articles().get(iid, article.text)
    if seen is not None and store.get_node(seen) is not None:
        # The exact text came before and its Source is still stored: nothing to clean, parse or write.
        return {"article_id": seen, "created": False, "added": {}, "warnings": []}
    limits().check_article_count(sources)
    pipeline = nlp()  # built before the read forks, so the child shares it
    with ingest_gate().admit():
        try:
            cleaned = article_from_text(article.text, title=article.title, source=article.source,
                                        published=article.published)
            added = add_articles(store, pipeline, iid, [cleaned], budget=limits().budget, keep_empty=False,
                                 strict=True)
        except StoreUnavailable as err:
            stored = _stored_id(iid, article)
            if stored is None:
                raise
            return _stored_anyway(stored, err)
    result = added.report.articles[0]
    known_articles().remember(iid, article.text, result.article_id)
    return {"article_id": result.article_id, "created": result.created, "added": dict(result.added),
            "warnings": list(result.warnings)}


def _stored_id(iid: str, article: ArticleIn) -> str | None:
    """The article's Source id if the store holds it (the store may have failed after storing it)."""
    try:
        cleaned = article_from_text(article.text, title=article.title, source=article.source,
                                    published=article.published)
        source_id = node_id(iid, "Source", cleaned.content_hash[:16])
        return source_id if graph_store().get_node(source_id) is not None else None
    except (ArticleRejected, StoreUnavailable):
        return None


def _stored_anyway(article_id: str, err: StoreUnavailable) -> dict[str, Any]:
    current_app.logger.warning("article %s stored, though the store reported a failure: %s", article_id, err)
    return {"article_id": article_id, "created": True, "added": {},
            "warnings": [STORED_DESPITE_FAILURE.format(reason=err.public)]}
