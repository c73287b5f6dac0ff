"""API views for reviewers' corrections of an incident graph, and the ETag every incident answer carries.

``POST /api/incidents/{iid}/corrections`` stores one correction or a list (all or nothing),
``GET`` lists them with their status in the form ``POST`` accepts back, ``DELETE .../{cid}``
withdraws one (it stays in the history). Who may write: web.reviewers. Each answer about an
incident carries ``ETag: "<version>"``; a write with ``If-Match`` on another version is 412 (with
the current one), and under API_TOKENS_FILE a write without ``If-Match`` is 428.
"""

from __future__ import annotations

import threading
from typing import Any

import pydantic
from flask import Blueprint, Response, current_app, jsonify, request

from analysis.correction_log import (
    AlreadyWithdrawn,
    BatchRejected,
    CorrectionRequest,
    add_corrections,
    withdraw_correction,
)
from graph.corrections import ID_FIELDS
from web.correction_schemas import MAX_BATCH, CorrectionIn, CorrectionsCreatedOut, CorrectionsOut, WithdrawQuery
from web.errors import ApiProblem, Problem, invalid_fields
from web.limits import limits
from web.openapi import endpoint
from web.parsing import JSON_TYPES, media_type, read_body, strict_json
from web.resources import answers, graph_store, incident_id
from web.reviewers import correction_author, token_file

bp = Blueprint("corrections", __name__)
TAGS = ("corrections",)
WRITE_ERRORS = (401, 403, 404, 409, 412, 413, 415, 422, 428, 503)


@bp.get("/incidents/<iid>/corrections")
@endpoint(ok={200: CorrectionsOut}, tags=TAGS, errors=(404, 503))
def list_corrections(iid: str) -> Any:
    """Every correction of the incident, oldest first, each with its status (active, withdrawn, orphaned and why)."""
    iid = incident_id(iid)
    version = graph_store().version(iid)
    return {**answers().corrections(iid).to_dict(), "version": version}


@bp.post("/incidents/<iid>/corrections")
@endpoint(body=CorrectionIn, parse_body=False, ok={201: CorrectionsCreatedOut}, tags=TAGS, errors=WRITE_ERRORS)
def post_corrections(iid: str) -> Any:
    """Store one correction, or a list of them as GET gives them (all or nothing); 201 with what was stored."""
    iid = incident_id(iid)
    answers().graph(iid)  # 404 for an unknown incident, before anything else is said about the request
    items = _parse_items()
    requests = [_request(iid, item, correction_author(item.author)) for item in items]
    note_max = limits().correction_note_max_chars
    with _write_lock():
        _check_precondition(iid)
        try:
            applied = add_corrections(graph_store(), answers().graph(iid), iid, requests, note_max=note_max)
        except BatchRejected as err:
            loc = f"body.{err.index}.{err.field}" if len(items) > 1 else f"body.{err.field}"
            raise ApiProblem(Problem(422, f"{loc}: {err.message}", type="urn:problem:invalid-correction",
                                     title="Invalid correction", extras={"errors": [
                                         {"loc": loc, "msg": err.message, "type": "invalid_correction"}],
                                         "error_count": 1})) from None
    return _written(iid, [a.to_dict() for a in applied], 201)


@bp.delete("/incidents/<iid>/corrections/<cid>")
@endpoint(query=WithdrawQuery, ok={200: CorrectionsCreatedOut}, tags=TAGS, errors=WRITE_ERRORS)
def delete_correction(iid: str, cid: str, query: WithdrawQuery) -> Any:
    """Withdraw one correction: it applies no more and stays in the history as withdrawn, by whom and when."""
    iid = incident_id(iid)
    author = correction_author(query.author)
    with _write_lock():
        _check_precondition(iid)
        try:
            withdraw_correction(graph_store(), answers().graph(iid), iid, cid, author)
        except AlreadyWithdrawn as err:
            raise ApiProblem(Problem(409, str(err), title="Already withdrawn")) from None
    done = [a.to_dict() for a in answers().corrections(iid).corrections if a.correction.id == cid]
    return _written(iid, done, 200)


def _written(iid: str, corrections: list[dict[str, Any]], status: int) -> Response:
    version = graph_store().version(iid)
    response = jsonify({"version": version, "corrections": corrections})
    response.status_code = status
    response.set_etag(str(version))
    return response


@bp.after_app_request
def _incident_etag(response: Response) -> Response:
    """``ETag: "<incident version>"`` on every successful read of one incident under /api/incidents/{iid}."""
    iid = (request.view_args or {}).get("iid")
    if (iid and request.method in ("GET", "HEAD") and request.path.startswith("/api/incidents/")
            and 200 <= response.status_code < 300 and "ETag" not in response.headers):
        try:
            response.set_etag(str(graph_store().version(iid)))
        except Exception:  # noqa: BLE001 - the answer stands without its ETag when the store cannot say
            current_app.logger.warning("no ETag for incident %r: the store did not give its version", iid)
    return response


# ------------------------------------------------------------------ helpers


def _write_lock() -> threading.Lock:
    """One lock per app: a correction's version check and its write happen together in this process."""
    return current_app.extensions.setdefault("corrections_lock", threading.Lock())


def _parse_items() -> list[CorrectionIn]:
    media_type(request, JSON_TYPES)
    raw = read_body(request)
    if not raw.strip():
        raise ApiProblem(Problem(422, "the body is empty: send a correction object or a list of them",
                                 type="urn:problem:invalid-request", title="Invalid request"))
    data = strict_json(raw)
    try:
        if isinstance(data, list):
            if not data or len(data) > MAX_BATCH:
                raise ApiProblem(Problem(422, f"send 1 to {MAX_BATCH} corrections in one list, not {len(data)}",
                                         type="urn:problem:invalid-request", title="Invalid request",
                                         extras={"limit": MAX_BATCH}))
            return pydantic.TypeAdapter(list[CorrectionIn]).validate_python(data)
        return [CorrectionIn.model_validate(data)]
    except pydantic.ValidationError as err:
        raise ApiProblem(invalid_fields(err, "body", "the correction is not valid")) from None


def _check_precondition(iid: str) -> None:
    """412 if If-Match names another version of the incident; 428 without If-Match under API_TOKENS_FILE."""
    current = str(graph_store().version(iid))
    if request.if_match:
        if request.if_match.star_tag or request.if_match.contains_raw(f'"{current}"') \
                or request.if_match.contains(current):
            return
        raise ApiProblem(Problem(412, f"the incident changed: it is at version {current}, not the one If-Match names; "
                                      "read it again and resend", title="Precondition Failed",
                                 type="urn:problem:stale-version", extras={"version": int(current)},
                                 headers={"ETag": f'"{current}"'}))
    if token_file() is not None:
        raise ApiProblem(Problem(428, "send If-Match with the incident's ETag, so two reviewers cannot overwrite each "
                                      f"other unknowingly (the incident is at version {current})",
                                 title="Precondition Required", type="urn:problem:if-match-required",
                                 extras={"version": int(current)}, headers={"ETag": f'"{current}"'}))


def _request(iid: str, item: CorrectionIn, author: str) -> CorrectionRequest:
    """What ``item`` asks for; the ids of a list exported from another incident (``incident``) move to this one."""
    fields = item.fields()
    if item.incident and item.incident != iid:
        fields = {k: (f"{iid}:{v[len(item.incident) + 1:]}" if k in ID_FIELDS and v.startswith(f"{item.incident}:")
                      else v) for k, v in fields.items()}
    if item.action == "add_event":
        fields.pop("node", None)  # the new event's id comes from its label
    return CorrectionRequest(item.action, author, fields, item.note or "",
                             history=item.status in ("withdrawn", "orphaned"), withdrawn=item.status == "withdrawn")
