"""The HTML pages: incident index, interactive graph, timeline, counterfactuals and review.

Each view fetches one incident graph from the app's answer cache, calls the
analysis functions and hands their ``to_dict()`` to an autoescaped template,
where data reaches the browser only as JSON blocks (``type="application/json"``)
that our own scripts in ``web/static`` read and draw with ``textContent``.
Every page response carries a Content-Security-Policy allowing only this origin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from analysis.causal import assign_roles
from analysis.causal_layers import causal_layers
from analysis.conflicts import conflicts
from analysis.evidence import evidence_for
from analysis.graph_payload import graph_payload
from analysis.incidents import incident_page
from analysis.node_view import node_label
from analysis.review import review_pack
from analysis.review_tables import local_clock, sources_table
from analysis.timeline import timeline
from web import graph_view

T = TypeVar("T")
bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets/pages")

# Only this origin: no inline script, no other host. JSON data blocks are not scripts, so CSP allows them.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _cached(iid: str, key: str, compute: Callable[[Any], T]) -> T:
    """``compute(graph)`` for the incident, cached until its data changes (IncidentNotFound becomes a 404 page)."""
    return current_app.extensions["answers"].answer(iid, ("pages", key), compute)


def _store() -> Any:
    return current_app.extensions["store"]


INDEX_PAGE = 20  # incidents on one page of the index
INDEX_SOURCES = 10  # sources listed per incident on the index (its graph page has them all)
# The graph pages show the causal picture; sources, mentions and claims appear as evidence in the side panel.
SHOWN_KINDS = {"Component", "Event", "TimePoint"}


def _network(graph: Any) -> dict[str, Any]:
    """vis-network data for the incident's components, events and time points, evidence resolved to quotes."""
    payload = graph_payload(graph, kinds=SHOWN_KINDS, roles=assign_roles(graph)).to_dict()
    return graph_view.network_data(payload, evidence=lambda ids: [e.to_dict() for e in evidence_for(graph, ids)])


@bp.get("/")
def index() -> str:
    """One page of incidents (INDEX_PAGE of them, ``?cursor=`` the last id of the previous page) with their sources."""
    cursor = request.args.get("cursor") or None
    answers = current_app.extensions["answers"]
    page = incident_page(_store(), limit=INDEX_PAGE, cursor=cursor, summary_of=answers.summary).to_dict()
    sources = {item["id"]: answers.small(item["id"], "index-sources", lambda iid=item["id"]: _first_sources(iid))
               for item in page["incidents"]}
    return render_template("pages/index.html", incidents=page["incidents"], sources=sources, total=page["total"],
                           next_cursor=page["next_cursor"], shown=INDEX_SOURCES)


def _first_sources(iid: str) -> list[dict[str, Any]]:
    """The first INDEX_SOURCES rows of the incident's sources table (read once per incident version)."""
    rows = _cached(iid, "sources", lambda graph: sources_table(graph).to_dict("records"))
    return rows[:INDEX_SOURCES]


def _causal_network(graph: Any) -> dict[str, Any]:
    """The causal view's vis data, with the events it leaves out and its root-cause-to-impact chains as labels."""
    roles = assign_roles(graph)
    found = causal_layers(graph, roles={node: found.role for node, found in roles.items()})
    label = {node: node_label(graph, node) for node in graph.nodes}
    return {"network": graph_view.causal_view(_network(graph), found.layers, found.cycles),
            "unlinked": [{"id": n, "label": label[n], "role": roles[n].role.replace("_", " ") if n in roles else ""}
                         for n in found.unlinked],
            "chains": [[label[n] for n in chain] for chain in found.chains],
            "cycles": [[label[n] for n in cycle] for cycle in found.cycles]}


@bp.get("/incidents/<iid>")
def incident_graph(iid: str) -> str:
    """The causal view by default (chains left to right); ``?view=all`` draws every component, event and time point."""
    if request.args.get("view") == "all":
        data = _cached(iid, "network", _network)
        return render_template("pages/graph.html", iid=iid, data=data, legend=graph_view.legend(), view="all")
    causal = _cached(iid, "causal", _causal_network)
    return render_template("pages/graph.html", iid=iid, data=causal["network"], legend=graph_view.legend(),
                           view="causal", causal=causal)


@bp.get("/incidents/<iid>/timeline")
def incident_timeline(iid: str) -> str:
    data = _cached(iid, "timeline", lambda graph: {
        "timeline": timeline(graph).to_dict(), "conflicts": conflicts(graph).to_dict(),
        "local": local_clock(graph).to_dict()})
    return render_template("pages/timeline.html", iid=iid, data=data)


@bp.get("/incidents/<iid>/counterfactuals")
def incident_counterfactuals(iid: str) -> str:
    data = _cached(iid, "network", _network)
    scope = current_app.extensions["answers"].model_scope(iid)
    return render_template("pages/counterfactuals.html", iid=iid, data=data, legend=graph_view.legend(),
                           scope=scope)


@bp.get("/incidents/<iid>/review")
def incident_review(iid: str) -> str:
    pack = _cached(iid, "review", lambda graph: review_pack(graph, incident_id=iid))
    # to_html escapes every text itself (html.escape and pandas' escape=True), so the fragment is safe markup.
    return render_template("pages/review.html", iid=iid, title=pack.title, body=Markup(pack.to_html(standalone=False)))


@bp.get("/assets/vendor/vis/<name>")
def vis_asset(name: str) -> Response:
    """vis-network's script and stylesheet, read from the installed pyvis package (no copy in this repository)."""
    try:
        body, mime = graph_view.vis_asset(name)
    except KeyError:
        abort(404)
    response = Response(body, mimetype=mime)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
