"""The service's one exception hierarchy; web/errors.py maps each family to an HTTP status.

It lives in the graph layer because every other layer imports it (ingest, analysis, workflows, web):

ServiceError                      every error the service raises on purpose; the message says what to do next
  InputRejected (ValueError)      input refused as it is: an article, a question, a scenario or its parameters
  LimitExceeded                   work stopped at a configured limit; ``setting`` and ``limit`` name it
  Conflict (RuntimeError)         the request does not fit the incident's state (out of the model's scope,
                                  changed by another writer): try another request, or again
  SetupMissing (RuntimeError)     the installation lacks something the service needs (a language model)
  GraphError                      the graph layer: unknown ids, schema violations, full incidents, store failures
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error the service raises on purpose; the message says what to do next."""


class InputRejected(ServiceError, ValueError):
    """Input the service refuses as it is (web: 422, or its own status)."""


class LimitExceeded(ServiceError):
    """Work ended at a configured limit: ``setting`` names it (an environment variable), ``limit`` is its value."""

    def __init__(self, setting: str, limit: int, message: str) -> None:
        super().__init__(message)
        self.setting = setting
        self.limit = limit


class Conflict(ServiceError, RuntimeError):
    """The request does not fit the state of the incident it is about (web: 409)."""


class SetupMissing(ServiceError, RuntimeError):
    """The installation lacks something the service needs; the message says how to install it."""


class GraphError(ServiceError):
    """Base of every graph-layer error; the message says what to do next."""


class IncidentNotFound(GraphError):
    """No incident has this id."""

    def __init__(self, incident_id: str) -> None:
        super().__init__(f"no incident {incident_id!r}: list incidents with GET /api/incidents")
        self.incident_id = incident_id


class NodeNotFound(GraphError):
    """No node has this id (in this incident)."""

    def __init__(self, node_id: str) -> None:
        super().__init__(f"no node {node_id!r}: list an incident's nodes with GET /api/incidents/<id>/graph")
        self.node_id = node_id


class SchemaError(GraphError, ValueError):
    """A label, relationship type, id or property value is not allowed by graph.schema."""


class IncidentFull(GraphError):
    """A write would give an incident more Sources (articles) than the store's ``max_sources`` allows."""

    def __init__(self, incident_id: str, limit: int) -> None:
        super().__init__(f"incident {incident_id!r} already holds {limit} articles, the most it may hold: "
                         "start a new incident")
        self.incident_id = incident_id
        self.limit = limit


class StoreUnavailable(GraphError):
    """The graph store cannot be reached or refused the write; nothing partial was written.

    The message is for the server log (it may name files and hosts); ``public`` is what a
    client may be told: why, and whether anything was stored.
    """

    def __init__(self, message: str, *, public: str | None = None) -> None:
        super().__init__(message)
        self.public = public or "the graph store cannot be reached or refused the operation"


class StoreCorrupt(GraphError):
    """The embedded store's data file cannot be read; it is left untouched."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"the data file {path} cannot be loaded ({reason}); it was not modified. "
                         "Restore it from a backup or move it away to start empty.")
        self.path = path
