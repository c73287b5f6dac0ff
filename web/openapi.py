"""The OpenAPI 3.1 document (built by spectree from web/schemas.py) and the offline API page.

``endpoint`` declares a view's query, body and response models once: spectree
records them for the document, and the same models parse the request (with the
strict parsing of web/parsing.py) before the view runs. spectree's own request
validation and its documentation pages (which load from a CDN) are not used.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, render_template, request
from pydantic import BaseModel
from spectree import Response, SpecTree

from web.errors import PROBLEM_JSON
from web.parsing import json_body, query_params
from web.schemas import ProblemOut

bp = Blueprint("openapi", __name__, static_folder="static", static_url_path="/assets/api")
# The docs page runs only our own script: no inline code, no other host.
DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"

# A declaration registry like a Blueprint: it holds no per-app state; the
# document is generated per app (inside its app context) from its url_map.
spec = SpecTree(
    "flask",
    title="Incident knowledge graph API",
    description="Causal knowledge graph of outage write-ups: root cause versus symptom, why-chains, timeline, "
                "conflicts, blast radius, an executable model of the failure and counterfactuals.",
    version="1.0.0",
    mode="strict",
    annotations=False,
    validation_error_model=ProblemOut,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

ERROR_CODES = (404, 413, 415, 503)
PATH_PARAMETERS = {"iid": "incident id (GET /api/incidents lists them)",
                   "node_id": "node id (GET /api/incidents/{iid}/graph lists them)"}
TEXT_BODY_PATHS = {"/api/incidents/{iid}/articles"}
# Responses that come as documents as well as JSON (spectree describes JSON only).
TEXT_RESPONSES = {"/api/incidents/{iid}/review": ("text/markdown", "text/html", "text/csv")}


def endpoint(*, query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
             ok: dict[int, type[BaseModel]], tags: tuple[str, ...] = (), errors: tuple[int, ...] = ERROR_CODES,
             parse_body: bool = True) -> Callable:
    """Document a view with its models and hand it ``query=`` / ``body=`` parsed from the request.

    ``parse_body=False`` documents ``body`` but leaves reading it to the view
    (for endpoints that also accept ``text/plain``).
    """
    models: dict[str, Any] = {f"HTTP_{code}": model for code, model in ok.items()}
    models.update({f"HTTP_{code}": ProblemOut for code in errors})

    def wrap(view: Callable) -> Callable:
        @wraps(view)
        def parsed(*args: Any, **kwargs: Any) -> Any:
            if query is not None:
                kwargs["query"] = query_params(request, query)
            if body is not None and parse_body:
                kwargs["body"] = json_body(request, body)
            return view(*args, **kwargs)

        return spec.validate(query=query, json=body, resp=Response(**models), tags=list(tags),
                             skip_validation=True, operation_id=view.__name__,
                             path_parameter_descriptions=PATH_PARAMETERS)(parsed)

    return wrap


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the current app, generated once per app and cached in its extensions."""
    cached = current_app.extensions.get("openapi")
    if cached is None:
        # spectree caches one document per SpecTree instance (its ``spec`` property); generating one per app
        # keeps two apps in one process (tests, or one with an API_TOKEN and one without) independent.
        cached = _with_media_types(spec._generate_spec())
        if current_app.config.get("API_TOKEN"):
            _with_bearer_writes(cached)
        current_app.extensions["openapi"] = cached
    return cached


def _with_media_types(document: dict[str, Any]) -> dict[str, Any]:
    """Set the media types spectree cannot describe: problem+json errors, text/plain bodies, document responses."""
    document = copy.deepcopy(document)
    for methods in document["paths"].values():
        for op in methods.values():
            for code, response in op.get("responses", {}).items():
                if int(code) >= 400 and "application/json" in response.get("content", {}):
                    response["content"] = {PROBLEM_JSON: response["content"]["application/json"]}
    for path in TEXT_BODY_PATHS:
        post = document["paths"].get(path, {}).get("post")
        if post and "requestBody" in post:
            post["requestBody"]["content"]["text/plain"] = {"schema": {"type": "string", "minLength": 1}}
    for path, types in TEXT_RESPONSES.items():
        ok = document["paths"].get(path, {}).get("get", {}).get("responses", {}).get("200")
        if ok is not None:
            ok.setdefault("content", {}).update({media: {"schema": {"type": "string"}} for media in types})
    return document


def _with_bearer_writes(document: dict[str, Any]) -> None:
    """Declare that writes need ``Authorization: Bearer <API_TOKEN>`` (the app has a token) and may answer 401."""
    document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    problem = {"description": "Unauthorized", "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}}
    for methods in document["paths"].values():
        for method in ("post", "delete"):
            if method in methods:
                methods[method]["security"] = [{"bearer": []}]
                methods[method]["responses"]["401"] = problem


@bp.get("/openapi.json")
def openapi_json() -> Any:
    """The OpenAPI 3.1 document of this API."""
    return current_app.json.response(openapi_document())


@bp.get("/api/docs")
def api_docs() -> Any:
    """A browsable page of the API, rendered in the browser from /openapi.json with a local script."""
    return render_template("api_docs.html"), 200, {"Content-Security-Policy": DOCS_CSP}
