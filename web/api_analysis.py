"""API views answering questions about one incident's graph: graph, roles, classify, why, timeline,
conflicts, blast radius and the review export.

Answers come from the app's AnswerCache, which recomputes them only when the incident's data changed;
responses are served from bytes serialized once per incident version (web.resources.cached_json).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from analysis.review import review_pack
from web.errors import ApiProblem, Problem
from web.openapi import endpoint
from web.resources import answers, cached_json, incident_id, json_bytes, valid_node_id
from web.schemas import (
    BlastOut,
    ClassifyOut,
    ClassifyQuery,
    ConflictsOut,
    GraphOut,
    GraphQuery,
    ReviewOut,
    ReviewQuery,
    RootCausesOut,
    TimelineOut,
    WhyOut,
)

bp = Blueprint("analysis", __name__)
TAGS = ("analysis",)
REVIEW_TYPES = {"md": "text/markdown", "html": "text/html", "csv": "text/csv", "json": "application/json"}


@bp.get("/incidents/<iid>/graph")
@endpoint(query=GraphQuery, ok={200: GraphOut}, tags=TAGS, errors=(404, 503))
def incident_graph(iid: str, query: GraphQuery) -> Any:
    """The incident's nodes and edges, each event with its role; filter by node ``kind`` and by ``component``."""
    iid, kinds = incident_id(iid), frozenset(query.kind) if query.kind else None
    return cached_json(iid, ("graph", kinds, query.component),
                       lambda: answers().graph_payload(iid, kinds=kinds, component=query.component))


@bp.get("/incidents/<iid>/root-causes")
@endpoint(ok={200: RootCausesOut}, tags=TAGS, errors=(404, 503))
def incident_root_causes(iid: str) -> Any:
    """Every event sorted into root causes, triggers, contributing factors, symptoms...; plus open questions."""
    iid = incident_id(iid)
    return cached_json(iid, "root_causes", lambda: answers().root_causes(iid))


@bp.get("/incidents/<iid>/classify")
@endpoint(query=ClassifyQuery, ok={200: ClassifyOut}, tags=TAGS, errors=(404, 503))
def incident_classify(iid: str, query: ClassifyQuery) -> Any:
    """Answer "was <q> the root cause?": the best-matching node, its role, the reason, evidence and alternatives."""
    iid = incident_id(iid)
    return cached_json(iid, ("classify", query.q), lambda: answers().classify(iid, query.q))


@bp.get("/incidents/<iid>/why/<node_id>")
@endpoint(ok={200: WhyOut}, tags=TAGS, errors=(404, 503))
def incident_why(iid: str, node_id: str) -> Any:
    """Every causal chain from the root causes to one node, each step with its quotes."""
    iid, nid = incident_id(iid), valid_node_id(node_id)
    return cached_json(iid, ("why", nid), lambda: answers().why_chains(iid, nid))


@bp.get("/incidents/<iid>/timeline")
@endpoint(ok={200: TimelineOut}, tags=TAGS, errors=(404, 503))
def incident_timeline(iid: str) -> Any:
    """Events in UTC order with precision, durations between milestones, and times that disagree."""
    iid = incident_id(iid)
    return cached_json(iid, "timeline", lambda: answers().timeline(iid))


@bp.get("/incidents/<iid>/conflicts")
@endpoint(ok={200: ConflictsOut}, tags=TAGS, errors=(404, 503))
def incident_conflicts(iid: str) -> Any:
    """Claims that disagree across sources, with which side is more likely right and why."""
    iid = incident_id(iid)
    return cached_json(iid, "conflicts", lambda: answers().conflicts(iid))


@bp.get("/incidents/<iid>/blast-radius")
@endpoint(ok={200: BlastOut}, tags=TAGS, errors=(404, 503))
def incident_blast_radius(iid: str) -> Any:
    """Components and customer-facing services affected, each with the path that explains it."""
    iid = incident_id(iid)
    return cached_json(iid, "blast_radius", lambda: answers().blast_radius(iid))


@bp.get("/incidents/<iid>/review")
@endpoint(query=ReviewQuery, ok={200: ReviewOut}, tags=("review",), errors=(404, 409, 503))
def incident_review(iid: str, query: ReviewQuery) -> Any:
    """The postmortem review pack as Markdown, HTML, CSV or JSON (``format``)."""
    iid = incident_id(iid)
    try:
        body = answers().answer(iid, ("review", query.format), lambda _graph: _review_bytes(iid, query.format))
    except ValueError as err:  # the incident has nothing to review yet: a state, not a bad request
        raise ApiProblem(Problem(409, str(err), title="Nothing to review")) from err
    return Response(body, mimetype=REVIEW_TYPES[query.format])


def _review_bytes(iid: str, fmt: str) -> bytes:
    """The review pack rendered as ``fmt``; cached by the caller per incident version."""
    pack = answers().answer(iid, "review_pack", lambda graph: review_pack(graph, incident_id=iid))
    if fmt == "json":
        return json_bytes(pack.to_json())
    text = {"md": pack.to_markdown, "html": pack.to_html, "csv": pack.to_csv}[fmt]()
    return text.encode("utf-8")
