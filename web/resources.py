"""The per-app resources views use: the graph store, the answer cache and the nlp pipeline.

create_app puts them in ``app.extensions``; views reach them through these
functions, so no module holds a process-wide singleton. The nlp pipeline takes
seconds to load, so it is built on first need, once per app, under a lock.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import Response, current_app

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


def cached_json(iid: str, key: Hashable, build: Callable[[], Any]) -> Response:
    """A JSON response of ``build()`` (an answer with ``to_dict()``, or plain data), serialized once per
    incident version and endpoint ``key``, then served from the cached bytes.

    Cached bytes also spare the per-request cost of serializing and of spectree
    scanning a large dict for model instances; the AnswerCache drops them on ingest.
    """
    body = answers().answer(iid, ("json", key), lambda _graph: json_bytes(build()))
    return current_app.response_class(body, mimetype="application/json")


def json_bytes(value: Any) -> bytes:
    """``value`` (its ``to_dict()`` if it has one) as the app's JSON provider writes a response body."""
    data = value.to_dict() if hasattr(value, "to_dict") else value
    return current_app.json.response(data).get_data()


class KnownArticles:
    """Which article id each exact request text produced, per incident: a bounded, thread-safe memo.

    The Source id depends only on the cleaned text, and cleaning is deterministic, so a
    text seen before maps to the same id; a hit is only trusted while that Source node
    is still in the store (the caller checks), so a deleted incident is never "already in".

    >>> memo = KnownArticles(max_items=1)
    >>> memo.remember("inc", "text one", "inc:s:1"); memo.get("inc", "text one")
    'inc:s:1'
    >>> memo.remember("inc", "text two", "inc:s:2"); memo.get("inc", "text one") is None
    True
    """

    def __init__(self, max_items: int = 4096) -> None:
        self.max_items = max_items
        self._lock = threading.Lock()
        self._ids: OrderedDict[tuple[str, str], str] = OrderedDict()

    @staticmethod
    def _key(iid: str, text: str) -> tuple[str, str]:
        return iid, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, iid: str, text: str) -> str | None:
        """The article id ``text`` produced in incident ``iid`` before, or None."""
        key = self._key(iid, text)
        with self._lock:
            found = self._ids.get(key)
            if found is not None:
                self._ids.move_to_end(key)
            return found

    def remember(self, iid: str, text: str, article_id: str) -> None:
        """Record that ``text`` is article ``article_id`` of incident ``iid``."""
        key = self._key(iid, text)
        with self._lock:
            self._ids[key] = article_id
            self._ids.move_to_end(key)
            while len(self._ids) > self.max_items:
                self._ids.popitem(last=False)


def known_articles() -> KnownArticles:
    """The current app's memo of texts already ingested (created on first use)."""
    return current_app.extensions.setdefault("known_articles", KnownArticles())


def nlp() -> Any:
    """The current app's ingestion pipeline, built on first use."""
    return current_app.extensions["nlp"].get()


def incident_id(value: str) -> str:
    """``value`` if it can name an incident; an id outside ID_PATTERN cannot, so it is not found."""
    if not _ID.match(value):
        raise IncidentNotFound(value)
    return value


def valid_node_id(value: str) -> str:
    """``value`` if it can name a node; an id outside ID_PATTERN cannot, so it is not found."""
    if not _ID.match(value):
        raise NodeNotFound(value)
    return value
