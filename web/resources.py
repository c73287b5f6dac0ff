"""The per-app resources views use: the graph store, the answer cache and the nlp pipeline.

create_app puts them in ``app.extensions``; views reach them through these
functions, so no module holds a process-wide singleton. The nlp pipeline takes
seconds to load, so it is built on first need, once per app, under a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from flask import current_app

from graph.errors import IncidentNotFound, NodeNotFound
from graph.schema import ID_PATTERN
from graph.store import GraphStore

T = TypeVar("T")
_ID = re.compile(ID_PATTERN)


class Lazy(Generic[T]):
    """A value built by ``factory`` on the first ``get()``; concurrent first calls build it once.

    >>> calls = []
    >>> lazy = Lazy(lambda: calls.append(1) or "built")
    >>> lazy.get(), lazy.get(), len(calls)
    ('built', 'built', 1)
    """

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._value: T | None = None
        self._built = False

    @classmethod
    def of(cls, value: T) -> Lazy[T]:
        """A Lazy that already holds ``value`` (for a pipeline injected by the config)."""
        lazy = cls(lambda: value)
        lazy._value, lazy._built = value, True
        return lazy

    @property
    def is_built(self) -> bool:
        return self._built

    def get(self) -> T:
        if not self._built:
            with self._lock:
                if not self._built:
                    self._value = self._factory()
                    self._built = True
        return self._value  # type: ignore[return-value]


def graph_store() -> GraphStore:
    """The current app's graph store."""
    return current_app.extensions["graph_store"]


def answers() -> Any:
    """The current app's analysis.answers.AnswerCache."""
    return current_app.extensions["answers"]


def nlp() -> Any:
    """The current app's ingestion pipeline, built on first use."""
    return current_app.extensions["nlp"].get()


def incident_id(value: str) -> str:
    """``value`` if it can name an incident; an id outside ID_PATTERN cannot, so it is not found."""
    if not _ID.match(value):
        raise IncidentNotFound(value)
    return value


def node_id(value: str) -> str:
    """``value`` if it can name a node; an id outside ID_PATTERN cannot, so it is not found."""
    if not _ID.match(value):
        raise NodeNotFound(value)
    return value
