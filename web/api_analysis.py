"""API views answering questions about one incident's graph: graph, roles, classify, why, timeline,
conflicts, blast radius and the review export.

Answers come from the app's AnswerCache, which recomputes them only when the incident's data changed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app

from analysis.review import review_pack
from web.errors import ApiProblem, Problem
from web.openapi import endpoint
from web.resources import answers, incident_id
from web.resources import node_id as known_node_id
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
    kinds = frozenset(query.kind) if query.kind else None
    return answers().graph_payload(incident_id(iid), kinds=kinds, component=query.component).to_dict()


@bp.get("/incidents/<iid>/root-causes")
@endpoint(ok={200: RootCausesOut}, tags=TAGS, errors=(404, 503))
def incident_root_causes(iid: str) -> Any:
    """Every event sorted into root causes, triggers, contributing factors, symptoms...; plus open questions."""
    return answers().root_causes(incident_id(iid)).to_dict()


@bp.get("/incidents/<iid>/classify")
@endpoint(query=ClassifyQuery, ok={200: ClassifyOut}, tags=TAGS, errors=(404, 503))
def incident_classify(iid: str, query: ClassifyQuery) -> Any:
    """Answer "was <q> the root cause?": the best-matching node, its role, the reason, evidence and alternatives."""
    return answers().classify(incident_id(iid), query.q).to_dict()


@bp.get("/incidents/<iid>/why/<node_id>")
@endpoint(ok={200: WhyOut}, tags=TAGS, errors=(404, 503))
def incident_why(iid: str, node_id: str) -> Any:
    """Every causal chain from the root causes to one node, each step with its quotes."""
    return answers().why_chains(incident_id(iid), known_node_id(node_id)).to_dict()


@bp.get("/incidents/<iid>/timeline")
@endpoint(ok={200: TimelineOut}, tags=TAGS, errors=(404, 503))
def incident_timeline(iid: str) -> Any:
    """Events in UTC order with precision, durations between milestones, and times that disagree."""
    return answers().timeline(incident_id(iid)).to_dict()


@bp.get("/incidents/<iid>/conflicts")
@endpoint(ok={200: ConflictsOut}, tags=TAGS, errors=(404, 503))
def incident_conflicts(iid: str) -> Any:
    """Claims that disagree across sources, with which side is more likely right and why."""
    return answers().conflicts(incident_id(iid)).to_dict()


@bp.get("/incidents/<iid>/blast-radius")
@endpoint(ok={200: BlastOut}, tags=TAGS, errors=(404, 503))
def incident_blast_radius(iid: str) -> Any:
    """Components and customer-facing services affected, each with the path that explains it."""
    return answers().blast_radius(incident_id(iid)).to_dict()


@bp.get("/incidents/<iid>/review")
@endpoint(query=ReviewQuery, ok={200: ReviewOut}, tags=("review",), errors=(404, 409, 503))
def incident_review(iid: str, query: ReviewQuery) -> Any:
    """The postmortem review pack as Markdown, HTML, CSV or JSON (``format``)."""
    iid = incident_id(iid)
    try:
        pack = answers().answer(iid, "review_pack", lambda graph: review_pack(graph, incident_id=iid))
    except ValueError as err:  # the incident has nothing to review yet: a state, not a bad request
        raise ApiProblem(Problem(409, str(err), title="Nothing to review")) from err
    if query.format == "json":
        return current_app.json.response(pack.to_json())
    text = {"md": pack.to_markdown, "html": pack.to_html, "csv": pack.to_csv}[query.format]()
    return Response(text, mimetype=REVIEW_TYPES[query.format])
