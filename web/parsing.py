"""Strict request parsing: JSON and text bodies and query strings into pydantic models.

Python's ``json`` accepts ``NaN`` and ``Infinity`` and recurses once per nesting
level; both are refused here before any model sees the data, so a request can
neither smuggle a non-finite number in nor exhaust the stack.

>>> strict_json(b'{"a": [1, 2]}')
{'a': [1, 2]}
>>> json_depth(b'[[{"x": "[[["}]]')
3
"""

from __future__ import annotations

import json
import re
import socket
import time
from typing import Any, TypeVar

import pydantic
from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge

from web.errors import ApiProblem, Problem, invalid_fields

MAX_JSON_DEPTH = 64
BODY_CHUNK = 64 * 1024
_BODY_KEY = "incident_graph.body"  # where read_body keeps the body it read, in the request's environ
JSON_TYPES = ("application/json",)
TEXT_TYPES = ("text/plain",)

M = TypeVar("M", bound=pydantic.BaseModel)

# Unrolled-loop string pattern: linear time, no backtracking blow-up on long strings.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes) -> int:
    """Deepest nesting of ``[``/``{`` in a JSON text, counted without recursion (strings ignored)."""
    brackets = _STRING.sub(b"", raw).translate(None, _BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: JSON numbers must be finite")


def strict_json(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse UTF-8 JSON refusing NaN/Infinity and nesting deeper than ``max_depth``; raise ApiProblem(422)."""
    text = decode_utf8(raw)
    if json_depth(raw) > max_depth:
        raise ApiProblem(_invalid(f"the JSON body is nested deeper than {max_depth} levels", limit=max_depth))
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ApiProblem(_invalid(f"the JSON body is nested deeper than {max_depth} levels", limit=max_depth))
    except json.JSONDecodeError as err:
        raise ApiProblem(_invalid(f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"))
    except ValueError as err:
        raise ApiProblem(_invalid(str(err)))


def decode_utf8(raw: bytes) -> str:
    """Decode ``raw`` as UTF-8 or raise ApiProblem(422) naming the byte offset of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ApiProblem(_invalid(f"the body is not valid UTF-8: byte {err.start} ({raw[err.start]:#04x}) "
                                  "cannot start or continue a character", offset=err.start))


def _invalid(detail: str, **extras: Any) -> Problem:
    return Problem(422, detail, type="urn:problem:invalid-request", title="Invalid request", extras=extras)


def read_body(req: Request) -> bytes:
    """The whole request body, read within BODY_READ_TIMEOUT, once per request.

    Refuses a body over MAX_CONTENT_LENGTH (413) even when it is sent chunked: with no
    Content-Length, Werkzeug stops reading at the limit without saying so and would hand a
    view a silently truncated article, so the raw stream is read to one byte past the limit.
    A body that ends before its Content-Length, or whose chunked framing is broken, is 400;
    one that does not arrive in time is 408 (under gunicorn and Flask's development server, whose
    socket gets a timeout, so a stalled read ends at the deadline). After either the connection is shut
    for reading, so the server does not wait on the rest of a body it will never use.
    """
    cached = req.environ.get(_BODY_KEY)
    if cached is None:
        cached = req.environ[_BODY_KEY] = _read_raw(req)
    return cached


def _read_raw(req: Request) -> bytes:
    length = req.content_length
    if length is None and "wsgi.input_terminated" not in req.environ:
        return req.get_data(cache=True)  # no length and no end marker: the server gives no body
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    want = length if length is not None else (limit + 1 if limit else None)
    timeout = current_app.extensions["limits"].body_read_timeout
    # gunicorn's and Werkzeug's development server (``make run``) both hand over the connection's socket.
    sock = req.environ.get("gunicorn.socket") or req.environ.get("werkzeug.socket")
    stream = req.environ["wsgi.input"]
    read = getattr(stream, "read1", stream.read)  # one receive per call where the stream can (a buffered file)
    chunks: list[bytes] = []
    got = 0
    deadline = time.monotonic() + timeout
    try:
        while want is None or got < want:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if sock is not None:
                sock.settimeout(left)  # the socket's own timeout ends a read the client stalls mid-way
            chunk = read(BODY_CHUNK if want is None else min(BODY_CHUNK, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except TimeoutError:
        _stop_reading(sock)
        raise ApiProblem(Problem(408, f"the request body did not arrive within {timeout} s (BODY_READ_TIMEOUT): "
                                      "send it at once, or ask the operator to raise BODY_READ_TIMEOUT",
                                 type="urn:problem:body-timeout", extras={"limit": timeout,
                                                                          "setting": "BODY_READ_TIMEOUT"})) from None
    except Exception as err:  # noqa: BLE001 - each server has its own errors for broken framing (gunicorn.http.errors)
        _stop_reading(sock)
        current_app.logger.info("unreadable request body: %s: %s", type(err).__name__, err)
        raise ApiProblem(Problem(400, f"the request body could not be read ({type(err).__name__}): check its "
                                      "Content-Length or chunked encoding", type="urn:problem:bad-body")) from None
    finally:
        if sock is not None:
            sock.settimeout(None)
    raw = b"".join(chunks)
    if length is not None and len(raw) < length:
        _stop_reading(sock)
        raise ApiProblem(Problem(400, f"the request body ended after {len(raw)} of the {length} bytes its "
                                      "Content-Length announced: send the whole body", type="urn:problem:bad-body"))
    if length is None and limit and len(raw) > limit:
        raise RequestEntityTooLarge()
    return raw


def _stop_reading(sock: socket.socket | None) -> None:
    """Shut the connection for reading: the server answers, then closes it instead of waiting for more body."""
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass


def media_type(req: Request, allowed: tuple[str, ...]) -> str:
    """The request's media type if it is one of ``allowed`` (or a ``+json`` type when JSON is); else 415."""
    mimetype = req.mimetype
    if mimetype in allowed or (mimetype.endswith("+json") and "application/json" in allowed):
        return mimetype
    got = mimetype or "no Content-Type"
    raise ApiProblem(Problem(415, f"send the body as {' or '.join(allowed)}, not {got}",
                             extras={"accepted": list(allowed)}))


def json_body(req: Request, model: type[M]) -> M:
    """Validate the request's JSON body against ``model`` (415 for another type, 422 for bad data)."""
    media_type(req, JSON_TYPES)
    raw = read_body(req)
    if not raw.strip():
        raise ApiProblem(_invalid("the body is empty: send a JSON object"))
    return model.model_validate(strict_json(raw))


def query_params(req: Request, model: type[M]) -> M:
    """Validate the query string against ``model``; list fields take repeated or comma-separated values."""
    data: dict[str, Any] = {}
    for key in req.args:
        values = req.args.getlist(key)
        field_info = model.model_fields.get(key)
        if field_info is not None and _is_list(field_info.annotation):
            data[key] = [part.strip() for value in values for part in value.split(",") if part.strip()]
        else:
            data[key] = values[0] if len(values) == 1 else values
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as err:
        raise ApiProblem(invalid_fields(err, "query", "bad query parameters")) from None


def _is_list(annotation: Any) -> bool:
    return "list[" in str(annotation)
