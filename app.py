"""The Flask application factory and the command line (``flask --app app ingest|reingest|check-links|run``).

Configuration flows in: defaults, then environment variables, then the mapping
given to ``create_app``. The graph store, the answer cache and the nlp pipeline
hang off ``app.extensions``; the store is closed once at shutdown, never per request.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app
from flask.json.provider import DefaultJSONProvider

from analysis.answers import AnswerCache
from graph.store import open_store
from web import api as api_module
from web import limits, security
from web import openapi as openapi_module
from web.errors import ResponseNotJSON, register_error_handlers
from web.resources import Lazy

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "./data",
    "GRAPH_URI": None,
    "GRAPH_USER": "neo4j",
    "GRAPH_PASSWORD": "",
    "GRAPH_DATABASE": None,
    "GRAPH_MAX_BATCH_BYTES": None,
    "PORT": 5000,
    "API_TOKEN": None,
    "NLP": None,
    "INGEST_WORKERS": None,  # processes reading articles in `flask ingest`/`reingest`; None: one per core
}
# The size and work limits (MAX_CONTENT_LENGTH, ARTICLE_MAX_CHARS, MAX_ARTICLES_PER_INCIDENT, SWEEP_MAX_POINTS,
# SIM_MAX_HOURS...) are defined once, in web.limits.Limits: default, environment variable and bound. It reads
# them from this config, else the environment, and writes the values in force back into the config.
# Environment variables read here, with the parser that turns each into a config value.
ENV_PARSERS: dict[str, Callable[[str], Any]] = {
    "DATA_DIR": str, "GRAPH_URI": str, "GRAPH_USER": str, "GRAPH_PASSWORD": str, "GRAPH_DATABASE": str,
    "GRAPH_MAX_BATCH_BYTES": int, "PORT": int, "INGEST_WORKERS": int, "API_TOKEN": str, "API_TOKEN_READS": str,
    "ENV": str,
}


# Health fields that describe the server's file system, not the service.
PRIVATE_HEALTH_KEYS = frozenset({"path"})


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing NaN and Infinity in responses (they are not JSON)."""

    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        try:
            return super().dumps(obj, **kwargs)
        except ValueError as err:
            raise ResponseNotJSON(f"a response held a non-finite number: {err}") from err


def load_config(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then environment variables (empty ones ignored), then ``config``.

    >>> load_config({"PORT": 8080}, environ={"PORT": "9000"})["PORT"]
    8080
    >>> load_config(environ={"PORT": "9000"})["PORT"]
    9000
    """
    environ = os.environ if environ is None else environ
    merged = dict(DEFAULTS)
    for name, parse in ENV_PARSERS.items():
        raw = environ.get(name)
        if raw not in (None, ""):
            try:
                merged[name] = parse(raw)
            except ValueError as err:
                raise ValueError(f"environment variable {name}={raw!r} is not valid: {err}") from err
    merged.update(config or {})
    return merged


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, store, answer cache, lazy nlp pipeline, blueprints, error handlers, CLI."""
    app = Flask(__name__, template_folder="web/templates")
    app.json = StrictJSONProvider(app)
    app.config.update(load_config(config))
    security.init_app(app)
    limits.init_app(app)
    store = open_store(app.config)
    atexit.register(store.close)
    nlp = app.config["NLP"]
    app.extensions["graph_store"] = store
    app.extensions["store"] = store  # the name web/pages.py reads
    app.extensions["answers"] = AnswerCache(store)
    app.extensions["nlp"] = Lazy.of(nlp) if nlp is not None else Lazy(_build_nlp)
    register_error_handlers(app)
    app.register_blueprint(api_module.bp)
    app.register_blueprint(openapi_module.bp)
    _register_pages(app)
    _register_probes(app)
    _register_commands(app)
    return app


def _build_nlp() -> Any:
    from ingest.language.pipeline import build_nlp

    return build_nlp()


def _register_pages(app: Flask) -> None:
    from web.pages import bp as pages_bp

    app.register_blueprint(pages_bp)


def _register_probes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        """Liveness: which store, and whether it answers (server paths left out)."""
        health = _public_health()
        return health, 200 if health.get("reachable") else 503

    @app.get("/readyz")
    def readyz() -> Any:
        """Readiness: the store answers and the nlp pipeline loads (built now if it was not yet)."""
        health = _public_health()
        try:
            current_app.extensions["nlp"].get()
            nlp_ok, nlp_detail = True, "loaded"
        except Exception as err:
            current_app.logger.exception("nlp pipeline failed to load")
            nlp_ok, nlp_detail = False, type(err).__name__
        ready = bool(health.get("reachable")) and nlp_ok
        return {"ready": ready, "store": health, "nlp": nlp_detail}, 200 if ready else 503


def _public_health() -> dict[str, Any]:
    health = current_app.extensions["graph_store"].health()
    return {key: value for key, value in health.items() if key not in PRIVATE_HEALTH_KEYS}


def _register_commands(app: Flask) -> None:
    from web.cli import check_links_command, ingest_command, reingest_command

    app.cli.add_command(ingest_command)
    app.cli.add_command(reingest_command)
    app.cli.add_command(check_links_command)
