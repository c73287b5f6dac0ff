"""API views of the executable model: overview, exhaustive check of the DNS race, counterfactuals."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from flask import Blueprint, current_app

from analysis.counterfactual import graph_intervention, run_scenario, sweep
from analysis.incidents import incident_summaries
from analysis.model.explore import StatesExceeded, check
from analysis.model.links import steps_on_graph
from analysis.model.overview import model_overview
from web.errors import ApiProblem
from web.limits import limit_problem, limits
from web.openapi import endpoint
from web.resources import answers, cached_json, graph_store, incident_id, json_bytes
from web.schemas import CheckIn, CheckOut, CounterfactualIn, CounterfactualOut, ModelOut, ModelQuery, RemoveIn, SweepIn

bp = Blueprint("model", __name__)
TAGS = ("model",)


@bp.get("/model")
@endpoint(query=ModelQuery, ok={200: ModelOut}, tags=TAGS, errors=(404, 503))
def model(query: ModelQuery) -> Any:
    """The model's elements, parameters (units, bounds, defaults), scenarios, fixes, and links to graph nodes.

    ``incident`` picks the graph whose nodes the links point to; by default the incident with the most
    sources among those the model describes (the one the knowledge base knows best), and no links when
    there is none. Out of scope, ``scope`` says why and no element links.
    """
    iid = incident_id(query.incident) if query.incident else _best_known_incident()
    if iid is None:
        return current_app.response_class(json_bytes(model_overview()), mimetype="application/json")
    # Linking elements to nodes walks the whole graph: once per incident version.
    return cached_json(iid, "model", lambda: model_overview(graph=answers().graph(iid)))


def _best_known_incident() -> str | None:
    """The in-scope incident (one holding the model's nodes) with the most sources, None if there is none."""
    summaries = incident_summaries(graph_store(), answers().summary)
    in_scope = [s for s in summaries if graph_store().counts(s.id).get("ModelElement")]
    if not in_scope:
        return None
    return max(in_scope, key=lambda s: (s.sources, s.id)).id


@bp.post("/model/check")
@endpoint(body=CheckIn, ok={200: CheckOut}, tags=TAGS, errors=(404, 413, 415, 503))
def model_check(body: CheckIn) -> Any:
    """Explore every interleaving of the DNS race within the bounds: does the record ever go empty?

    Each step of the shortest counterexample names the model element it exercises and, for ``incident``
    (default: the in-scope incident with the most sources), the graph node that element links to; for an
    incident the model does not describe, the steps carry no node and ``model`` says why.
    """
    limits().check_model_bounds(enactors=body.enactors, plans=body.plans, endpoints=body.endpoints)
    key = (body.enactors, body.plans, body.endpoints, tuple(sorted(set(body.fixes))), limits().model_max_states)
    try:
        verdict = _verdict(*key)
    except StatesExceeded as err:  # the operator's MODEL_MAX_STATES, not a model cap: name the setting
        raise ApiProblem(limit_problem(422, "model_max_states", limits().model_max_states, str(err),
                                       what="lower the bounds")) from None
    iid = incident_id(body.incident) if body.incident else _best_known_incident()
    if iid is None:
        return current_app.response_class(verdict, mimetype="application/json")

    def on_graph() -> dict[str, Any]:
        data = json.loads(verdict)
        scope = answers().model_scope(iid)
        if not scope.applies:  # no node of this incident stands for the steps: say why instead
            data["model"] = scope.to_dict()
        elif data["counterexample"]:
            data["counterexample"] = steps_on_graph(data["counterexample"], answers().graph(iid), iid)
        return data
    # Each step names the graph node its element links to: once per question and incident version.
    return cached_json(iid, ("check", *key), on_graph)


@lru_cache(maxsize=128)
def _verdict(enactors: int, plans: int, endpoints: int, fixes: tuple[str, ...], max_states: int) -> bytes:
    """The check's answer as JSON bytes; exhaustive exploration is deterministic, so each question is explored once.

    ``seconds`` in the answer is what the exploration took when it ran. Errors are not cached.
    """
    return json_bytes(check(enactors=enactors, plans=plans, endpoints=endpoints, fixes=fixes,
                            max_states=max_states).to_dict())


@bp.post("/incidents/<iid>/counterfactuals")
@endpoint(body=CounterfactualIn, ok={200: CounterfactualOut}, tags=TAGS, errors=(404, 409, 413, 415, 503))
def incident_counterfactuals(iid: str, body: CounterfactualIn) -> Any:
    """Remove nodes from the graph, run a model scenario, or sweep one parameter; compared with the baseline.

    Scenarios and sweeps answer 409 for an incident the model does not describe; removals always answer.
    """
    iid = incident_id(iid)
    request = body.root
    if isinstance(request, RemoveIn):
        remove = tuple(request.remove)
        return cached_json(iid, ("remove", remove), lambda: graph_intervention(answers().graph(iid), remove))
    if isinstance(request, SweepIn):
        return _sweep(iid, request)
    params = request.params.model_dump(exclude_none=True) if request.params else None
    # A scenario run is deterministic given its name and parameters: cached per incident version.
    key = ("scenario", request.scenario, json.dumps(params, sort_keys=True))
    return cached_json(iid, key, lambda: run_scenario(request.scenario, params, graph=answers().graph(iid),
                                                         max_hours=limits().sim_max_hours))


def _sweep(iid: str, request: SweepIn) -> dict[str, Any]:
    """Run a sweep (a grid with ``against``) after the operator's limits on its size and horizon."""
    axes = request.axes()
    limits().check_sweep(math.prod(len(points) for _, points in axes))
    fixed = request.params.model_dump(exclude_none=True) if request.params else {}
    (parameter, values), *against = axes
    return sweep(parameter, values, scenario=request.scenario, graph=answers().graph(iid), params=fixed,
                 against=against[0] if against else None, max_hours=limits().sim_max_hours).to_dict()
