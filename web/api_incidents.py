"""API views for incidents and their articles: list (paged), create, summarise, delete, ingest an article."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from analysis.incidents import incident_page, incident_summary
from graph.build import ensure_incident
from graph.schema import slugify
from web.ingestion import add_article_text
from web.limits import limits
from web.openapi import endpoint
from web.parsing import decode_utf8, json_body, media_type, query_params, read_body
from web.resources import answers, graph_store, incident_id
from web.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleQuery,
    IncidentDeletedOut,
    IncidentIn,
    IncidentListOut,
    IncidentListQuery,
    IncidentOut,
)

bp = Blueprint("incidents", __name__)
TAGS = ("incidents",)


@bp.get("/incidents")
@endpoint(query=IncidentListQuery, ok={200: IncidentListOut}, tags=TAGS, errors=(503,))
def list_incidents(query: IncidentListQuery) -> Any:
    """One page of incidents in id order (``limit``, then ``cursor`` = the page's ``next_cursor``), each with counts."""
    return incident_page(graph_store(), limit=query.limit, cursor=query.cursor, summary_of=answers().summary).to_dict()


@bp.post("/incidents")
@endpoint(body=IncidentIn, ok={201: IncidentOut, 200: IncidentOut}, tags=TAGS, errors=(413, 415, 503))
def create_incident(body: IncidentIn) -> Any:
    """Create an incident (201), or update the title of an existing one (200); the id defaults to the title's slug."""
    store = graph_store()
    iid = body.id or slugify(body.title)
    existed = store.get_node(iid) is not None
    if not existed:
        limits().check_incident_count(len(store.incident_ids()))
    ensure_incident(store, iid, title=body.title, region=body.region)
    return incident_summary(store, iid).to_dict(), 200 if existed else 201


@bp.get("/incidents/<iid>")
@endpoint(ok={200: IncidentOut}, tags=TAGS, errors=(404, 503))
def get_incident(iid: str) -> Any:
    """One incident: title, sources, counts of what its graph holds, and whether the model describes it (``model``)."""
    iid = incident_id(iid)
    summary = answers().summary(iid).to_dict()
    return {**summary, "model": answers().model_scope(iid).to_dict()}


@bp.delete("/incidents/<iid>")
@endpoint(ok={200: IncidentDeletedOut}, tags=TAGS, errors=(404, 503))
def delete_incident(iid: str) -> Any:
    """Delete one incident: every node and edge it holds, and nothing of any other incident."""
    iid = incident_id(iid)
    answers().summary(iid)  # 404 for an incident that does not exist
    return {"id": iid, "deleted_nodes": graph_store().delete_incident(iid)}


@bp.post("/incidents/<iid>/articles")
@endpoint(body=ArticleIn, ok={201: ArticleOut, 200: ArticleOut}, tags=TAGS, parse_body=False,
          errors=(404, 408, 413, 415, 422, 503))
def add_article(iid: str) -> Any:
    """Ingest one article (JSON, or the bare text as text/plain): 201 if new, 200 if the same text was already in."""
    iid = incident_id(iid)
    summary = answers().summary(iid)  # 404 before reading the body; from the store's counts, not an export
    result = add_article_text(iid, _article_from_request(), sources=summary.sources)
    return result, 201 if result["created"] else 200


def _article_from_request() -> ArticleIn:
    if media_type(request, ("application/json", "text/plain")) == "text/plain":
        text = decode_utf8(read_body(request))
        meta = query_params(request, ArticleQuery)
        return ArticleIn.model_validate({"text": text, **meta.model_dump(exclude_none=True)})
    return json_body(request, ArticleIn)
