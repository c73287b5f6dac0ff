"""The service's size and work limits: one dataclass read from the config, and checks that answer 413/422.

Each limit has a default, an environment variable of the same name, and a
problem+json answer that names it (``limit`` = the number, ``setting`` = the
variable to raise), so a client knows what it hit and an operator what to change.

| limit                      | default   | answer | what it bounds                                    |
|----------------------------|-----------|--------|---------------------------------------------------|
| MAX_CONTENT_LENGTH         | 2 MiB     | 413    | bytes of one request body                         |
| ARTICLE_MAX_CHARS          | 200,000   | 413    | characters of one article (spaCy stops at 1e6)    |
| MAX_ARTICLES_PER_INCIDENT  | 1,000     | 422    | articles (sources) in one incident                |
| MODEL_MAX_STATES           | 500,000   | 422    | states one exhaustive model check may explore     |
| MODEL_MAX_ENACTORS/PLANS/ENDPOINTS | 4 / 5 / 3 | 422 | bounds of one model check                     |
| SWEEP_MAX_POINTS           | 200       | 422    | points of one parameter sweep                     |
| SIM_MAX_HOURS              | 72        | 422    | simulated hours of one cascade run                |
| INGEST_MAX_SECONDS         | 10        | 422    | CPU seconds reading one article may take          |
| INGEST_MAX_MB              | 1,024     | 422    | memory reading one article may add                |
| INGEST_CONCURRENCY         | 2         | 503    | articles one server process reads at once         |
| INGEST_QUEUE               | 1         | 503    | articles one process holds waiting for a turn     |
| MAX_INCIDENTS              | 10,000    | 422    | incidents in the store                            |
| BODY_READ_TIMEOUT          | 10        | 408    | seconds to receive one request body               |
| CORRECTION_NOTE_MAX_CHARS  | 2,000     | 422    | characters of a reviewer correction's note        |

>>> limits = Limits.from_config({"ARTICLE_MAX_CHARS": "10"}, environ={})
>>> limits.article_max_chars, limits.sweep_max_points
(10, 200)
>>> limits.check_article("x" * 11)
Traceback (most recent call last):
...
web.errors.ApiProblem: the article has 11 characters; the limit is 10 (ARTICLE_MAX_CHARS): split it or ask the operator to raise ARTICLE_MAX_CHARS
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from flask import Flask, current_app, request

from analysis.corrections import NOTE_MAX_CHARS
from analysis.model.explore import CAPS
from ingest.writing.budget import Budget
from web.errors import ApiProblem, Problem, limit_exceeded

# spaCy refuses texts longer than nlp.max_length (1,000,000 characters by default) with an error
# after allocating; the article limit may never exceed it, so the check always runs before nlp().
SPACY_MAX_LENGTH = 1_000_000
# An over-size body is read and discarded up to this many bytes (and this many seconds) before the
# 413 goes out: a server that answers without reading makes the kernel reset the connection, and
# the client then sees "connection reset" instead of the 413.
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_MAX_SECONDS = 10.0
DRAIN_CHUNK = 64 * 1024
MIN_INGEST_MB = 64  # ingest.writing.budget.Budget's floor
# The API's most sweep points (SWEEP_MAX_POINTS' default and bound; its schemas allow no more): about 1 s of
# model runs. The library's own cap, for batch use, is analysis.counterfactual.SWEEP_CAP.
MAX_SWEEP_POINTS = 200


@dataclass(frozen=True)
class Limits:
    """Every configurable limit; field ``x`` is read from config/env key ``X``."""

    max_content_length: int = 2 * 1024 * 1024
    article_max_chars: int = 200_000
    max_articles_per_incident: int = 1_000
    model_max_states: int = CAPS["max_states"]
    model_max_enactors: int = CAPS["enactors"]
    model_max_plans: int = CAPS["plans"]
    model_max_endpoints: int = CAPS["endpoints"]
    sweep_max_points: int = MAX_SWEEP_POINTS
    sim_max_hours: int = 72
    ingest_max_seconds: int = 10
    ingest_max_mb: int = 1024
    ingest_concurrency: int = 2
    ingest_queue: int = 1
    max_incidents: int = 10_000
    body_read_timeout: int = 10
    correction_note_max_chars: int = NOTE_MAX_CHARS

    @classmethod
    def from_config(cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Limits:
        """Read each limit from ``config``, else the environment, else the default; ValueError names a bad one."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for spec in fields(cls):
            key = spec.name.upper()
            raw = config.get(key)
            if raw in (None, ""):
                raw = environ.get(key)
            if raw in (None, ""):
                continue
            try:
                value = int(raw)
            except (TypeError, ValueError):
                raise ValueError(f"{key}={raw!r} is not a whole number") from None
            if value < 1:
                raise ValueError(f"{key}={value} must be at least 1")
            values[spec.name] = value
        limits = cls(**values)
        limits._check_ceilings()
        return limits

    def _check_ceilings(self) -> None:
        if self.article_max_chars > SPACY_MAX_LENGTH:
            raise ValueError(f"ARTICLE_MAX_CHARS={self.article_max_chars} exceeds spaCy's limit of "
                             f"{SPACY_MAX_LENGTH} characters")
        for name in ("enactors", "plans", "endpoints"):
            value = getattr(self, f"model_max_{name}")
            if value > CAPS[name]:
                raise ValueError(f"MODEL_MAX_{name.upper()}={value} exceeds the model's cap of {CAPS[name]}")
        if self.sweep_max_points > MAX_SWEEP_POINTS:
            raise ValueError(f"SWEEP_MAX_POINTS={self.sweep_max_points} exceeds the API's cap of {MAX_SWEEP_POINTS}")
        if self.ingest_max_mb < MIN_INGEST_MB:
            raise ValueError(f"INGEST_MAX_MB={self.ingest_max_mb} is below {MIN_INGEST_MB}: no article could be read")

    @property
    def budget(self) -> Budget:
        """What reading one article may cost (INGEST_MAX_SECONDS, INGEST_MAX_MB)."""
        return Budget(seconds=self.ingest_max_seconds, max_mb=self.ingest_max_mb)

    # ------------------------------------------------------------------ checks

    def check_body_size(self, length: int | None) -> None:
        """413 if a request body of ``length`` bytes is over MAX_CONTENT_LENGTH."""
        if length is not None and length > self.max_content_length:
            raise ApiProblem(limit_problem(413, "max_content_length", self.max_content_length,
                                           f"the request body has {length} bytes"))

    def check_article(self, text: str) -> None:
        """413 if ``text`` is longer than ARTICLE_MAX_CHARS; call before any nlp()."""
        if len(text) > self.article_max_chars:
            raise ApiProblem(limit_problem(413, "article_max_chars", self.article_max_chars,
                                           f"the article has {len(text)} characters", what="split it"))

    def check_article_count(self, existing: int) -> None:
        """422 if an incident that already holds ``existing`` articles may take no more."""
        if existing >= self.max_articles_per_incident:
            raise ApiProblem(limit_problem(422, "max_articles_per_incident", self.max_articles_per_incident,
                                           f"the incident already has {existing} articles",
                                           what="start a new incident"))

    def check_incident_count(self, existing: int) -> None:
        """422 if a store that already holds ``existing`` incidents may take no more."""
        if existing >= self.max_incidents:
            raise ApiProblem(limit_problem(422, "max_incidents", self.max_incidents,
                                           f"the store already holds {existing} incidents",
                                           what="delete one (DELETE /api/incidents/{id})"))

    def check_model_bounds(self, *, enactors: int, plans: int, endpoints: int) -> None:
        """422 naming the first model-check bound that is over its limit."""
        for name, value in (("enactors", enactors), ("plans", plans), ("endpoints", endpoints)):
            limit = getattr(self, f"model_max_{name}")
            if value > limit:
                raise ApiProblem(limit_problem(422, f"model_max_{name}", limit, f"{name}={value}",
                                               what="lower the bound"))

    def check_sweep(self, points: int) -> None:
        """422 if a sweep asks for more than SWEEP_MAX_POINTS points."""
        if points > self.sweep_max_points:
            raise ApiProblem(limit_problem(422, "sweep_max_points", self.sweep_max_points,
                                           f"the sweep has {points} points", what="use fewer points"))



def limit_problem(status: int, field_name: str, limit: int, actual: str, *, what: str = "send less") -> Problem:
    """The problem+json for one exceeded limit: ``limit`` (the number) and ``setting`` (its variable)."""
    setting = field_name.upper()
    return limit_exceeded(status, setting, limit,
                          f"{actual}; the limit is {limit} ({setting}): {what} or ask the operator to raise {setting}")


def limits() -> Limits:
    """The current app's limits (set by init_app)."""
    return current_app.extensions["limits"]


def init_app(app: Flask) -> None:
    """Read the limits from ``app.config``, share them in ``app.extensions["limits"]``, refuse over-size bodies early."""
    app_limits = Limits.from_config(app.config)
    app.extensions["limits"] = app_limits
    # The values in force, in the config: Werkzeug enforces MAX_CONTENT_LENGTH while reading, and the store
    # enforces MAX_ARTICLES_PER_INCIDENT under its write lock (graph.store.open_store reads it from there).
    for spec in fields(Limits):
        app.config[spec.name.upper()] = getattr(app_limits, spec.name)
    app.before_request(_refuse_oversize_body)


def _refuse_oversize_body() -> None:
    """413 before any view runs when Content-Length is over the limit, after draining what the client sends."""
    length = request.content_length
    current = limits()
    if length is None or length <= current.max_content_length:
        return
    _drain(request.environ.get("wsgi.input"), length)
    current.check_body_size(length)


def _drain(stream: Any, length: int) -> None:
    """Read and drop up to ``length`` bytes (bounded in bytes and time) so the client can read our answer."""
    if stream is None or length > DRAIN_MAX_BYTES:
        return  # too big to be worth reading: the client may see a reset, but we will not read 1 GB to avoid it
    deadline = time.monotonic() + DRAIN_MAX_SECONDS
    left = length
    while left > 0 and time.monotonic() < deadline:
        chunk = stream.read(min(DRAIN_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
