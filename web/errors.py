"""The one error path of the web layer: every exception becomes an RFC 9457 problem.

Each known exception maps to a status and a ``application/problem+json`` body
``{"type", "title", "status", "detail", ...extras}``; a client that prefers
``text/html`` outside ``/api`` gets ``error.html`` instead. Anything unknown is
logged with its traceback and answered with a generic 500: no stack trace,
path or exception text ever reaches a client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import pydantic
from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from analysis.model.scope import MODEL_NAME, ModelOutOfScope
from analysis.resolve import NoMatch
from graph.errors import IncidentFull, IncidentNotFound, LimitExceeded, NodeNotFound, StoreCorrupt, StoreUnavailable
from ingest.reading.sources import ArticleRejected
from ingest.writing.budget import BudgetExceeded

TAG_PREFIX = "kind:"  # the tag of a union member in web.schemas: not part of an error's location

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5
MAX_FIELD_ERRORS = 20  # a body with 150,000 unknown keys gets 20 of them listed and the count, not a 14 MB answer


@dataclass
class Problem:
    """One RFC 9457 problem: ``extras`` are extension members such as ``errors`` or ``limit``."""

    status: int
    detail: str
    type: str = "about:blank"
    title: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title = self.title or HTTPStatus(self.status).phrase
        return {"type": self.type, "title": title, "status": self.status, "detail": self.detail, **self.extras}


class ApiProblem(Exception):
    """Raised by views and request parsing to answer with a prepared Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


class ResponseNotJSON(RuntimeError):
    """A response held a value JSON cannot carry (NaN, Infinity): a server bug, answered with 500."""


def problem_response(problem: Problem) -> Response:
    """Render ``problem`` as problem+json, or as the HTML error page for a browser outside /api."""
    if _prefers_html():
        html = render_template("error.html", problem=problem.to_dict())
        resp = Response(html, status=problem.status, mimetype="text/html")
    else:
        body = json.dumps(problem.to_dict(), allow_nan=False)
        resp = Response(body, status=problem.status, mimetype=PROBLEM_JSON)
    resp.headers.update(problem.headers)
    return resp


def _prefers_html() -> bool:
    if request.path.startswith("/api/") or request.path == "/openapi.json":
        return False
    best = request.accept_mimetypes.best_match([PROBLEM_JSON, "application/json", "text/html"])
    return best == "text/html"


def validation_errors(err: pydantic.ValidationError, where: str = "body") -> list[dict[str, str]]:
    """Pydantic errors as ``[{"loc", "msg", "type"}]``, without the offending input (it may be huge or NaN)."""
    out = []
    for item in err.errors(include_url=False, include_input=False, include_context=False):
        loc = ".".join(str(part) for part in (where, *item["loc"]) if not str(part).startswith(TAG_PREFIX))
        out.append({"loc": loc, "msg": item["msg"], "type": item["type"]})
    return out


def invalid_fields(err: pydantic.ValidationError, where: str, what: str) -> Problem:
    """The 422 for invalid fields: the first MAX_FIELD_ERRORS in ``errors``, and ``error_count`` of them all."""
    errors = validation_errors(err, where=where)
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return Problem(422, f"{what}: {detail}{more}", type="urn:problem:invalid-request", title="Invalid request",
                   extras={"errors": errors[:MAX_FIELD_ERRORS], "error_count": len(errors)})


# ------------------------------------------------------------------ handlers
# Each handler turns one exception family into a Problem; register_error_handlers wires them.


def _api_problem(err: ApiProblem) -> Problem:
    return err.problem


def _validation(err: pydantic.ValidationError) -> Problem:
    return invalid_fields(err, "body", "the request is not valid")


def _value_error(err: ValueError) -> Problem:
    return Problem(422, str(err), type="urn:problem:invalid-request", title="Invalid request")


def _not_found(err: IncidentNotFound | NodeNotFound) -> Problem:
    return Problem(404, str(err), type="urn:problem:not-found", title="Not found")


def _unavailable(err: StoreUnavailable) -> Problem:
    # The message may name files and hosts: it goes to the log; the client gets the public reason.
    current_app.logger.warning("graph store unavailable: %s", err)
    return Problem(503, f"the graph store is unavailable: {err.public}; retry in {RETRY_AFTER_SECONDS} s",
                   type="urn:problem:store-unavailable", title="Store unavailable",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def limit_exceeded(status: int, setting: str, limit: int, detail: str) -> Problem:
    """The problem+json of one exceeded limit: ``limit`` (the number) and ``setting`` (the variable to raise)."""
    return Problem(status, detail, type=f"urn:problem:limit-exceeded:{setting.lower()}", title="Limit exceeded",
                   extras={"limit": limit, "setting": setting})


def _over_budget(err: BudgetExceeded) -> Problem:
    return limit_exceeded(422, err.setting, err.limit, f"{err}; nothing was stored: send a shorter or plainer text, "
                                                        f"or ask the operator to raise {err.setting}")


def _limit(err: LimitExceeded) -> Problem:
    return limit_exceeded(422, err.setting, err.limit, f"{err} or ask the operator to raise {err.setting}")


def _incident_full(err: IncidentFull) -> Problem:
    return limit_exceeded(422, "MAX_ARTICLES_PER_INCIDENT", err.limit,
                          f"{err}, or ask the operator to raise MAX_ARTICLES_PER_INCIDENT")


def _corrupt(err: StoreCorrupt) -> Problem:
    # The message names a server path: log it, tell the client only what to do.
    current_app.logger.error("graph store corrupt: %s", err)
    return Problem(500, "the server's data file cannot be loaded; an operator must restore or move it "
                        "(details are in the server log)", type="urn:problem:store-corrupt", title="Store corrupt")


def _rejected(err: ValueError) -> Problem:
    reason = getattr(err, "reason", "rejected")
    status = 413 if reason == "too_large" else 422
    extras: dict[str, Any] = {"reason": reason}
    offset = getattr(err, "offset", None)
    if offset is not None:
        extras["offset"] = offset
    limit = getattr(err, "limit", None)
    if limit is not None:
        extras["limit"] = limit
    return Problem(status, str(err), type=f"urn:problem:article-rejected:{reason}", title="Article rejected",
                   extras=extras)


def _no_match(err: NoMatch) -> Problem:
    return Problem(404, str(err), type="urn:problem:no-match", title="No matching node")


def _out_of_scope(err: ModelOutOfScope) -> Problem:
    scope = err.scope
    return Problem(409, str(err), type="urn:problem:model-out-of-scope", title="Model does not apply",
                   extras={"model": MODEL_NAME, "incident": scope.incident_id, "core": scope.core,
                           "missing": scope.missing})


def _http(err: HTTPException) -> Problem:
    status = err.code or 500
    if isinstance(err, RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return Problem(413, f"the request body is larger than the limit of {limit} bytes (MAX_CONTENT_LENGTH); "
                            "send less", extras={"limit": limit, "setting": "MAX_CONTENT_LENGTH"})
    headers = {}
    if status == 405 and getattr(err, "valid_methods", None):
        headers["Allow"] = ", ".join(err.valid_methods)  # type: ignore[attr-defined]
    return Problem(status, err.description or HTTPStatus(status).phrase, headers=headers)


def _unexpected(err: Exception) -> Problem:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=err)
    return Problem(500, "an unexpected error occurred on the server; it has been logged",
                   type="urn:problem:internal", title="Internal Server Error")


def _handler(to_problem):
    def handle(err: Exception) -> Response:
        return problem_response(to_problem(err))

    return handle


def register_error_handlers(app: Flask) -> None:
    """Route every exception through one problem builder; more specific classes win (Flask walks the MRO)."""
    app.register_error_handler(ApiProblem, _handler(_api_problem))
    app.register_error_handler(pydantic.ValidationError, _handler(_validation))
    app.register_error_handler(ArticleRejected, _handler(_rejected))
    app.register_error_handler(NoMatch, _handler(_no_match))
    app.register_error_handler(ValueError, _handler(_value_error))
    app.register_error_handler(IncidentNotFound, _handler(_not_found))
    app.register_error_handler(NodeNotFound, _handler(_not_found))
    app.register_error_handler(StoreUnavailable, _handler(_unavailable))
    app.register_error_handler(BudgetExceeded, _handler(_over_budget))
    app.register_error_handler(LimitExceeded, _handler(_limit))
    app.register_error_handler(IncidentFull, _handler(_incident_full))
    app.register_error_handler(ModelOutOfScope, _handler(_out_of_scope))
    app.register_error_handler(StoreCorrupt, _handler(_corrupt))
    app.register_error_handler(HTTPException, _handler(_http))
    app.register_error_handler(Exception, _handler(_unexpected))
