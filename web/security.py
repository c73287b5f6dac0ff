"""Request authorisation by API token, security headers on every response, and no debugger outside development.

* ``API_TOKEN`` set: every write (POST, PUT, PATCH, DELETE) needs
  ``Authorization: Bearer <API_TOKEN>``; reads stay open unless ``API_TOKEN_READS=1``,
  which closes every read too except the probes ``/healthz`` and ``/readyz``.
  A missing or wrong token is a 401 problem+json with ``WWW-Authenticate``; the
  comparison takes the same time whatever the token given. With ``API_TOKENS_FILE``
  a reviewer's own token from that file opens writes too (web.reviewers).
* Every response carries ``X-Content-Type-Options: nosniff``, a ``Referrer-Policy``
  and a Content-Security-Policy: HTML may load only this origin's assets and may
  not be framed; anything else may load nothing. A header a blueprint already set wins.
* ``FLASK_DEBUG`` is honoured only when ``ENV=development``: anywhere else the app
  runs without debug mode and ``flask run`` without the Werkzeug debugger.

>>> is_truthy("1"), is_truthy("yes"), is_truthy("0"), is_truthy(None)
(True, True, False, False)
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

from web.errors import ApiProblem, Problem
from web.reviewers import request_reviewer, token_file

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# JSON, CSV and Markdown are never rendered as documents of this origin: let them load nothing.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
BASE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def is_truthy(value: Any) -> bool:
    """True for 1/true/yes/on (any case), as environment switches are written."""
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def is_development(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> bool:
    """True only if ``ENV`` (config first, then the environment) is ``development``."""
    environ = os.environ if environ is None else environ
    env = config.get("ENV") or environ.get("ENV") or ""
    return str(env).strip().lower() == "development"


def init_app(app: Flask) -> None:
    """Install the token check, the response headers, and switch debug mode off outside development."""
    app.config.setdefault("API_TOKEN_READS", os.environ.get("API_TOKEN_READS", ""))
    app.before_request(_require_token)
    app.after_request(_security_headers)
    if not is_development(app.config):
        _disable_debug(app)


def _disable_debug(app: Flask) -> None:
    # `flask run` reads FLASK_DEBUG again after create_app returns (to set app.debug and to wrap the
    # app in the Werkzeug debugger, which runs code from the browser): override it for this process.
    if is_truthy(os.environ.get("FLASK_DEBUG")):
        app.logger.warning("FLASK_DEBUG ignored: debug mode needs ENV=development")
        os.environ["FLASK_DEBUG"] = "0"
    app.debug = False
    app.config["PROPAGATE_EXCEPTIONS"] = False


def is_authorised(given: str | None, token: str) -> bool:
    """True if the Authorization header ``given`` is ``Bearer <token>``; the scheme in any case (RFC 9110 11.1),
    the token compared in constant time.

    >>> is_authorised("Bearer s3cret", "s3cret"), is_authorised("bearer s3cret", "s3cret")
    (True, True)
    >>> is_authorised("Bearer s3cre", "s3cret"), is_authorised("Basic s3cret", "s3cret"), is_authorised(None, "x")
    (False, False, False)
    """
    scheme, _, credentials = (given or "").partition(" ")
    same = hmac.compare_digest(credentials.lstrip(" ").encode(), token.encode())
    return scheme.lower() == "bearer" and same


def _require_token() -> None:
    token = current_app.config.get("API_TOKEN")
    reviewers = token_file()  # API_TOKENS_FILE: each reviewer's own token also opens writes (web.reviewers)
    if not (token or reviewers) or request.path in OPEN_PATHS or request.method == "OPTIONS":
        return
    is_write = request.method in WRITE_METHODS
    if not is_write and not is_truthy(current_app.config.get("API_TOKEN_READS")):
        return
    if token and is_authorised(request.headers.get("Authorization"), str(token)):
        return
    if reviewers is not None and request_reviewer() is not None:
        return
    what = "writes" if is_write else "every request"
    detail = ("a wrong token" if "Authorization" in request.headers else "no Authorization header")
    raise ApiProblem(Problem(401, f"{detail}: this server requires 'Authorization: Bearer <API_TOKEN>' for {what}",
                             type="urn:problem:unauthorized", title="Unauthorized",
                             headers={"WWW-Authenticate": 'Bearer realm="incident-graph"'}))


def _security_headers(response: Response) -> Response:
    for name, value in BASE_HEADERS.items():
        response.headers.setdefault(name, value)
    csp = PAGE_CSP if response.mimetype == "text/html" else DATA_CSP
    response.headers.setdefault("Content-Security-Policy", csp)
    return response
