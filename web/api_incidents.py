"""API views for incidents and their articles: list, create, summarise, ingest an article."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from analysis.incidents import incident_summaries, incident_summary
from analysis.model.links import relink
from graph.build import ensure_incident
from graph.schema import slugify
from ingest.corpus import ingest_text
from web.limits import limits
from web.openapi import endpoint
from web.parsing import decode_utf8, json_body, media_type, query_params, read_body
from web.resources import answers, graph_store, incident_id, known_articles, nlp
from web.schemas import ArticleIn, ArticleOut, ArticleQuery, IncidentIn, IncidentListOut, IncidentOut

bp = Blueprint("incidents", __name__)
TAGS = ("incidents",)


@bp.get("/incidents")
@endpoint(ok={200: IncidentListOut}, tags=TAGS, errors=(503,))
def list_incidents() -> Any:
    """List every incident with its number of sources (each summary cached until its incident changes)."""
    return incident_summaries(graph_store(), answers().summary).to_dict()


@bp.post("/incidents")
@endpoint(body=IncidentIn, ok={201: IncidentOut, 200: IncidentOut}, tags=TAGS, errors=(413, 415, 503))
def create_incident(body: IncidentIn) -> Any:
    """Create an incident (201), or update the title of an existing one (200); the id defaults to the title's slug."""
    store = graph_store()
    iid = body.id or slugify(body.title)
    existed = store.get_node(iid) is not None
    ensure_incident(store, iid, title=body.title, region=body.region)
    return incident_summary(store, iid).to_dict(), 200 if existed else 201


@bp.get("/incidents/<iid>")
@endpoint(ok={200: IncidentOut}, tags=TAGS, errors=(404, 503))
def get_incident(iid: str) -> Any:
    """One incident: title, sources and counts of what its graph holds."""
    return answers().summary(incident_id(iid)).to_dict()


@bp.post("/incidents/<iid>/articles")
@endpoint(body=ArticleIn, ok={201: ArticleOut, 200: ArticleOut}, tags=TAGS, parse_body=False,
          errors=(404, 413, 415, 503))
def add_article(iid: str) -> Any:
    """Ingest one article (JSON, or the bare text as text/plain): 201 if new, 200 if the same text was already in."""
    store = graph_store()
    iid = incident_id(iid)
    summary = answers().summary(iid)  # 404 before reading the body; cached until the incident changes
    article = _article_from_request()
    limits().check_article(article.text)
    seen = known_articles().get(iid, article.text)
    if seen is not None and store.get_node(seen) is not None:
        # The exact text came before and its Source is still stored: nothing to clean, parse or write.
        return {"article_id": seen, "created": False, "added": {}, "warnings": []}, 200
    limits().check_article_count(summary.sources)
    result = ingest_text(store, nlp(), iid, article.text, title=article.title, source=article.source,
                         published=article.published)
    known_articles().remember(iid, article.text, result.article_id)
    if result.created:
        # A new article can name nodes the model elements were still missing.
        relink(store, iid)
    body = {"article_id": result.article_id, "created": result.created, "added": dict(result.added),
            "warnings": list(result.warnings)}
    return body, 201 if result.created else 200


def _article_from_request() -> ArticleIn:
    if media_type(request, ("application/json", "text/plain")) == "text/plain":
        text = decode_utf8(read_body(request))
        meta = query_params(request, ArticleQuery)
        return ArticleIn.model_validate({"text": text, **meta.model_dump(exclude_none=True)})
    return json_body(request, ArticleIn)
