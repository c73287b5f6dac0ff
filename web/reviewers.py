"""Who may correct an incident: the reviewers' token file (API_TOKENS_FILE) and the author of a correction.

* No token configured (local use): the author is the request's ``author`` field, required.
* ``API_TOKEN`` set: writes need it (web.security), and the author is still the field.
* ``API_TOKENS_FILE`` set: a file of ``name:token`` lines, one per reviewer (blank lines and
  ``#`` comments skipped). A write needs ``Authorization: Bearer <token>`` of one of them;
  the author is that token's owner, and an ``author`` field naming someone else is refused
  (403). Tokens are compared in constant time, every one of them on every check, and the
  file is read again whenever its size, modification time or inode changes.

>>> parse_tokens("ana:s3cret\\n# comment\\n\\nbob: t0k:en \\nbroken line\\n")
[('ana', 's3cret'), ('bob', 't0k:en')]
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from pathlib import Path

from flask import current_app, request

from web.errors import ApiProblem, Problem

log = logging.getLogger(__name__)
Stamp = tuple[int, int, int]  # (inode, size, mtime_ns)


def setting(name: str, default: str | None = None) -> str | None:
    """A setting from the app's config, else the environment, else ``default``."""
    value = current_app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(name) or default
    return None if value is None else str(value)


def parse_tokens(text: str) -> list[tuple[str, str]]:
    """``(name, token)`` for each well-formed ``name:token`` line of a token file."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, token = line.partition(":")
        if not sep or not name.strip() or not token.strip():
            log.warning("API_TOKENS_FILE line %d is not 'name:token'; skipped", number)
            continue
        out.append((name.strip(), token.strip()))
    return out


class TokenFile:
    """The reviewers' tokens of one file, read again when the file changes; thread-safe."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._tokens: list[tuple[str, bytes]] = []

    def _current(self) -> list[tuple[str, bytes]]:
        try:
            stat = self.path.stat()
        except OSError:
            log.error("API_TOKENS_FILE %s cannot be read: no reviewer token is accepted", self.path)
            return []
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if stamp != self._stamp:
                try:
                    text = self.path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    log.error("API_TOKENS_FILE %s cannot be read: no reviewer token is accepted", self.path)
                    return []
                self._tokens = [(name, token.encode()) for name, token in parse_tokens(text)]
                self._stamp = stamp
            return self._tokens

    def owner(self, token: str) -> str | None:
        """The reviewer whose token is ``token``, or None; every token is compared, in constant time each."""
        given, found = token.encode(), None
        for name, known in self._current():
            if hmac.compare_digest(given, known) and found is None:
                found = name
        return found


def token_file() -> TokenFile | None:
    """The app's reviewer token file, or None when API_TOKENS_FILE is not set."""
    path = setting("API_TOKENS_FILE")
    if not path:
        return None
    cached = current_app.extensions.get("reviewer_tokens")
    if cached is None or str(cached.path) != path:
        cached = current_app.extensions["reviewer_tokens"] = TokenFile(path)
    return cached


def bearer_token() -> str | None:
    """The token of the request's ``Authorization: Bearer`` header, or None."""
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def request_reviewer() -> str | None:
    """The owner of the request's bearer token in API_TOKENS_FILE (None without the file or a matching token)."""
    tokens, given = token_file(), bearer_token()
    return tokens.owner(given) if tokens is not None and given is not None else None


def unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(Problem(401, detail, type="urn:problem:unauthorized", title="Unauthorized",
                              headers={"WWW-Authenticate": 'Bearer realm="incident-graph"'}))


def correction_author(field: str | None) -> str:
    """Who makes this correction: the token's owner under API_TOKENS_FILE (a different ``field`` is 403), else the
    ``author`` field (422 when missing)."""
    if token_file() is not None:
        owner = request_reviewer()
        if owner is None:
            raise unauthorised("corrections need 'Authorization: Bearer <token>' with a reviewer's token from "
                               "API_TOKENS_FILE")
        if field is not None and field.strip() != owner:
            raise ApiProblem(Problem(403, f"the author field says {field!r} but the token is {owner!r}'s: leave "
                                          "author out or send your own name", type="urn:problem:author-mismatch",
                                     title="Author does not match the token", extras={"errors": [
                                         {"loc": "body.author", "msg": "does not match the token's owner",
                                          "type": "author_mismatch"}]}))
        return owner
    if field is None or not field.strip():
        raise ApiProblem(Problem(422, "body.author: say who makes the correction (the reviewer's name)",
                                 type="urn:problem:invalid-request", title="Invalid request",
                                 extras={"errors": [{"loc": "body.author", "msg": "Field required",
                                                     "type": "missing"}], "error_count": 1}))
    return field.strip()
