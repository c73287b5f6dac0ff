"""Request and response models of the corrections endpoints (documented in /openapi.json, used to parse bodies).

A correction body is one object or a list of them; the list ``GET .../corrections`` returns
is accepted back as it is (its read-only fields ``id``, ``at``, ``touches``, ``status``... are
allowed and ignored, except ``status: "withdrawn"``, which stores the correction as withdrawn).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import StringConstraints

from analysis.corrected_view import STATUSES
from graph.schema import CORRECTION_ACTIONS, CORRECTION_LINK_TYPES, CORRECTION_ROLES, EVENT_KINDS
from web.schemas import Body, Id, Input, Output, Text

MAX_BATCH = 500  # corrections in one POST
Action = Literal[CORRECTION_ACTIONS]  # type: ignore[valid-type]
LinkType = Literal[CORRECTION_LINK_TYPES]  # type: ignore[valid-type]
CorrectionRole = Literal[CORRECTION_ROLES]  # type: ignore[valid-type]
EventKind = Literal[EVENT_KINDS]  # type: ignore[valid-type]
Label = Annotated[Text, StringConstraints(min_length=1, max_length=200)]
Author = Annotated[Text, StringConstraints(min_length=1, max_length=100)]
Status = Literal[STATUSES]  # type: ignore[valid-type]


class CorrectionIn(Body):
    """One correction: ``action`` and its fields (see the README's "Reviewer corrections"), a ``note`` and the
    ``author`` (required without API_TOKENS_FILE; with it, the token's owner, and a different name is refused)."""

    action: Action
    source: Id | None = None
    target: Id | None = None
    type: LinkType | None = None
    node: Id | None = None
    role: CorrectionRole | None = None
    utc: Annotated[Text, StringConstraints(max_length=64)] | None = None
    label: Label | None = None
    kind: EventKind | None = None
    component: Id | None = None
    keep: Id | None = None
    merge: Id | None = None
    note: Text | None = None
    author: Author | None = None
    # What GET lists besides: read back, not set by the client (``status: withdrawn`` keeps a withdrawn one withdrawn).
    id: Id | None = None
    at: Text | None = None
    incident: Text | None = None
    touches: list[Text] | None = None
    status: Status | None = None
    reason: Text | None = None
    said: Text | None = None
    withdrawn_by: Text | None = None
    withdrawn_at: Text | None = None

    def fields(self) -> dict[str, str]:
        """The action's fields that are set."""
        names = ("source", "target", "type", "node", "role", "utc", "label", "kind", "component", "keep", "merge")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


class WithdrawQuery(Input):
    """Who withdraws the correction (required without API_TOKENS_FILE; with it, the token's owner)."""

    author: Author | None = None


class CorrectionOut(Output):
    id: str
    action: str
    author: str
    at: str
    status: str


class CorrectionsOut(Output):
    """Every correction of the incident, oldest first, with its status; the ids of orphaned ones; rejected links."""

    incident: str
    version: int
    corrections: list[CorrectionOut]
    orphaned: list[str]
    rejected_links: list[dict[str, Any]]


class CorrectionsCreatedOut(Output):
    version: int
    corrections: list[CorrectionOut]
