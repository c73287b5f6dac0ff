"""API views of the executable model: overview, exhaustive check of the DNS race, counterfactuals."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from analysis.counterfactual import graph_intervention, run_scenario, sweep
from analysis.incidents import incident_summaries
from analysis.model.explore import StatesExceeded, check
from analysis.model.overview import model_overview
from web.errors import ApiProblem
from web.limits import limit_problem, limits
from web.openapi import endpoint
from web.resources import answers, graph_store, incident_id
from web.schemas import CheckIn, CheckOut, CounterfactualIn, CounterfactualOut, ModelOut, ModelQuery, RemoveIn, SweepIn

bp = Blueprint("model", __name__)
TAGS = ("model",)


@bp.get("/model")
@endpoint(query=ModelQuery, ok={200: ModelOut}, tags=TAGS, errors=(404, 503))
def model(query: ModelQuery) -> Any:
    """The model's elements, parameters (units, bounds, defaults), scenarios, fixes, and links to graph nodes.

    ``incident`` picks the graph whose nodes the links point to; by default the incident with the most
    sources (the one the knowledge base knows best), and no links when there is no incident at all.
    """
    iid = incident_id(query.incident) if query.incident else _best_known_incident()
    graph = answers().graph(iid) if iid else None
    return model_overview(graph=graph).to_dict()


def _best_known_incident() -> str | None:
    summaries = incident_summaries(graph_store())
    if not summaries:
        return None
    return max(summaries, key=lambda s: (s.sources, s.id)).id


@bp.post("/model/check")
@endpoint(body=CheckIn, ok={200: CheckOut}, tags=TAGS, errors=(413, 415))
def model_check(body: CheckIn) -> Any:
    """Explore every interleaving of the DNS race within the bounds: does the record ever go empty?"""
    limits().check_model_bounds(enactors=body.enactors, plans=body.plans, endpoints=body.endpoints)
    try:
        return check(enactors=body.enactors, plans=body.plans, endpoints=body.endpoints, fixes=body.fixes,
                     max_states=limits().model_max_states).to_dict()
    except StatesExceeded as err:  # the operator's MODEL_MAX_STATES, not a model cap: name the setting
        raise ApiProblem(limit_problem(422, "model_max_states", limits().model_max_states, str(err),
                                       what="lower the bounds")) from None


@bp.post("/incidents/<iid>/counterfactuals")
@endpoint(body=CounterfactualIn, ok={200: CounterfactualOut}, tags=TAGS)
def incident_counterfactuals(iid: str, body: CounterfactualIn) -> Any:
    """Remove nodes from the graph, run a model scenario, or sweep one parameter; compared with the baseline."""
    graph = answers().graph(incident_id(iid))
    request = body.root
    if isinstance(request, RemoveIn):
        return graph_intervention(graph, request.remove).to_dict()
    if isinstance(request, SweepIn):
        limits().check_sweep(len(request.sweep.points()))
        return sweep(request.sweep.parameter, request.sweep.points(), scenario=request.scenario, graph=graph).to_dict()
    params = request.params.model_dump(exclude_none=True) if request.params else None
    return run_scenario(request.scenario, params, graph=graph).to_dict()
