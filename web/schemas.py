"""Pydantic models of the API: what each endpoint accepts and returns (the OpenAPI document is built from them).

Input models forbid unknown fields and non-finite numbers and cap every string
and list; ids follow ``graph.schema.ID_PATTERN``. Response models name the
fields of the API contract and allow more, so an answer may grow without
breaking clients.

>>> SweepRangeIn(parameter="enactor_delay_s", start=0, stop=10, steps=3).points()
[0.0, 5.0, 10.0]
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Strict,
    StringConstraints,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from analysis.model.dns_race import FIXES
from analysis.model.explore import CAPS
from analysis.model.scenarios import parameters, scenario_names
from graph.schema import ID_PATTERN, INCIDENT_ID_PATTERN, NODE_LABELS, ROLES
from web.errors import TAG_PREFIX
from web.limits import MAX_SWEEP_POINTS


def _no_nul(value: str) -> str:
    """Refuse NUL: no text needs it, and a store written in C (FalkorDB) would cut the value there."""
    if "\x00" in value:
        raise ValueError(f"contains a NUL character at offset {value.index(chr(0))}: send plain text")
    return value


def _real_date(value: str) -> str:
    """Refuse a date the pattern lets through but the calendar does not have (2025-13, 2025-02-30).

    >>> _real_date("2024-02-29"), _real_date("2025-10")
    ('2024-02-29', '2025-10')
    >>> _real_date("2025-13")
    Traceback (most recent call last):
    ...
    ValueError: 2025-13 is not a date: month 13 does not exist; use YYYY, YYYY-MM or YYYY-MM-DD
    """
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        raise ValueError(f"{value} is not a date: month {parts[1]} does not exist; use YYYY, YYYY-MM or YYYY-MM-DD")
    if len(parts) > 2:
        try:
            date(*parts)
        except ValueError as err:
            raise ValueError(f"{value} is not a date: {err}; use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=200)]
# Node ids are "<incident>:<prefix>:<slug>" within 200 characters, so an incident id leaves room for the rest.
IncidentId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=100)]
# A new incident's id has no ":" (graph.schema.INCIDENT_ID_PATTERN), so it cannot take a node's id.
NewIncidentId = Annotated[str, StringConstraints(pattern=INCIDENT_ID_PATTERN, max_length=100)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ShortText = Annotated[Text, StringConstraints(min_length=1, max_length=500)]
NodeLabel = Literal[NODE_LABELS]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
Number = Annotated[float, Field(allow_inf_nan=False)]


def _not_bool_or_text(value: Any) -> Any:
    if isinstance(value, (bool, str)):
        raise ValueError(f"give a whole number, not {type(value).__name__} {value!r}")  # noqa: TRY004 - pydantic reports only ValueError
    return value


def whole_number(low: int, high: int) -> Any:
    """An integer in [low, high] that also takes 4.0 (JSON Schema's "integer" does; pydantic's strict int not),
    but no booleans or numeric strings, which lax mode would turn into integers too.

    The bounds sit inside the validator so the schema shows them as minimum/maximum.
    """
    return Annotated[int, Strict(False), Field(ge=low, le=high), BeforeValidator(_not_bool_or_text)]
Published = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$"),
                      AfterValidator(_real_date)]
Url = Annotated[Text, StringConstraints(min_length=1, max_length=2000)]

MAX_ARTICLE_CHARS = 2_000_000  # schema ceiling; ARTICLE_MAX_CHARS in the config is the working limit
MAX_REMOVE = 200


class Input(BaseModel):
    """A query string: values arrive as text, so numbers are parsed from it."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Body(Input):
    """A JSON body: strict, so ``true`` is not a number and ``"3"`` not an integer."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="allow")


# ------------------------------------------------------------------ inputs


class IncidentIn(Body):
    """A new incident; ``id`` defaults to the slug of the title."""

    id: NewIncidentId | None = None
    title: ShortText
    region: Annotated[Text, StringConstraints(min_length=1, max_length=64)] | None = None


class ArticleIn(Body):
    """One article's text and what is known about it."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ARTICLE_CHARS)]
    title: ShortText | None = None
    source: Url | None = None
    published: Published | None = None


class ArticleQuery(Input):
    """Metadata for a ``text/plain`` article, given in the query string."""

    title: ShortText | None = None
    source: Url | None = None
    published: Published | None = None


class IncidentListQuery(Input):
    """One page of the incident list: at most ``limit`` incidents whose ids sort after ``cursor``."""

    limit: Annotated[int, Field(ge=1, le=1000)] = 100
    cursor: IncidentId | None = None


class GraphQuery(Input):
    """Filters of the graph endpoint: node kinds (repeated or comma-separated), a component's neighbourhood."""

    kind: Annotated[list[NodeLabel], Field(max_length=len(NODE_LABELS))] | None = None
    component: Id | None = None


class ClassifyQuery(Input):
    q: Annotated[Text, StringConstraints(min_length=1, max_length=200)]


class ModelQuery(Input):
    incident: IncidentId | None = None


class ReviewQuery(Input):
    format: Literal["md", "html", "csv", "json"] = "md"


def _scenario_params_model() -> type[BaseModel]:
    """A model with one optional field per model parameter, carrying its bounds, unit and description."""
    fields: dict[str, Any] = {}
    for name, param in parameters().items():
        info = param.to_dict()
        fields[name] = (Annotated[float, Field(ge=info["min"], le=info["max"], allow_inf_nan=False,
                                               description=f"{info['description']} ({info['unit']})"),
                                  WrapValidator(_whole_bounds(name))] | None, None)
    return create_model("ScenarioParams", __base__=Body, **fields)


def _whole_bounds(name: str) -> Any:
    """A validator that reports a value past either bound with both bounds and the unit, as sweeps do."""
    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as err:
            if any(e["type"] in ("less_than_equal", "greater_than_equal") for e in err.errors()):
                param = parameters()[name]
                raise PydanticCustomError("out_of_bounds", "{parameter}={value} is outside its bounds {bounds}", {
                    "parameter": name, "value": f"{value:g}",
                    "bounds": f"[{param.min:g}, {param.max:g}] {param.unit}"}) from None
            raise
    return check


ScenarioParams = _scenario_params_model()
ScenarioName = Literal[tuple(scenario_names())]  # type: ignore[valid-type]
ParameterName = Literal[tuple(parameters())]  # type: ignore[valid-type]
FixName = Literal[FIXES]  # type: ignore[valid-type]


class SweepValuesIn(Body):
    """One parameter over explicit values."""

    parameter: ParameterName
    values: Annotated[list[Number], Field(min_length=1, max_length=MAX_SWEEP_POINTS)]

    def points(self) -> list[float]:
        return list(self.values)


class SweepRangeIn(Body):
    """One parameter over ``steps`` evenly spaced points from ``start`` to ``stop``."""

    parameter: ParameterName
    start: Number
    stop: Number
    steps: whole_number(2, MAX_SWEEP_POINTS)  # type: ignore[valid-type]

    def points(self) -> list[float]:
        """``steps`` points from ``start`` to ``stop``, both ends exact (so a bound itself can be swept).

        >>> SweepRangeIn(parameter="admission_fraction", start=0.05, stop=0.95, steps=3).points()
        [0.05, 0.5, 0.95]
        """
        low, high = sorted((self.start, self.stop))
        last = self.steps - 1
        points = [min(high, max(low, self.start * (1 - i / last) + self.stop * (i / last))) for i in range(self.steps)]
        spec = parameters().get(self.parameter)
        if spec is not None and spec.integer:  # whole-number parameters (droplets, plans) sweep whole numbers
            points = list(dict.fromkeys(round(p) for p in points))
        return points


# Union members are tagged "kind:<name>"; web.errors drops such tags from error locations, so an error
# reads "body.sweep.values", not "body.kind:sweep.sweep.kind:values.values".


def _sweep_kind(data: Any) -> str:
    return TAG_PREFIX + ("values" if isinstance(data, dict) and "values" in data else "range")


SweepSpec = Annotated[Annotated[SweepValuesIn, Tag(TAG_PREFIX + "values")]
                      | Annotated[SweepRangeIn, Tag(TAG_PREFIX + "range")], Discriminator(_sweep_kind)]


class RemoveIn(Body):
    """A graph intervention: these nodes did not happen."""

    remove: Annotated[list[Id], Field(min_length=1, max_length=MAX_REMOVE)]


class ScenarioIn(Body):
    """A model scenario, with parameter overrides within their bounds."""

    scenario: ScenarioName
    params: ScenarioParams | None = None  # type: ignore[valid-type]


class SweepIn(Body):
    """A sweep of one parameter, each point a run of ``scenario`` with ``params`` held fixed; with ``against``,
    a grid of the two parameters (points multiply: the grid counts against SWEEP_MAX_POINTS)."""

    sweep: SweepSpec
    scenario: ScenarioName = "baseline"
    params: ScenarioParams | None = None  # type: ignore[valid-type]
    against: SweepSpec | None = None

    def axes(self) -> list[tuple[str, list[float]]]:
        """(parameter, points) of the swept parameter, then of ``against`` if given."""
        return [(axis.parameter, axis.points()) for axis in (self.sweep, self.against) if axis is not None]


def _counterfactual_kind(data: Any) -> str:
    if isinstance(data, dict):
        for kind in ("remove", "sweep"):
            if kind in data:
                return TAG_PREFIX + kind
    return TAG_PREFIX + "scenario"


Counterfactual = Annotated[Annotated[RemoveIn, Tag(TAG_PREFIX + "remove")]
                           | Annotated[ScenarioIn, Tag(TAG_PREFIX + "scenario")]
                           | Annotated[SweepIn, Tag(TAG_PREFIX + "sweep")], Discriminator(_counterfactual_kind)]


class CounterfactualIn(RootModel[Counterfactual]):
    """Exactly one of: a graph intervention (``remove``), a model ``scenario`` (with ``params``), or a ``sweep``."""

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        if isinstance(data, dict):
            kinds = [k for k in ("remove", "sweep") if k in data] or (["scenario"] if "scenario" in data else [])
            if len(kinds) != 1 or ("remove" in data and "scenario" in data):
                raise ValueError("give exactly one of remove, scenario or sweep (a sweep may name its base scenario)")
        return data


class CheckIn(Body):
    """Bounds and fix switches for an exhaustive check of the DNS race model."""

    enactors: whole_number(1, CAPS["enactors"]) = 3  # type: ignore[valid-type]
    plans: whole_number(1, CAPS["plans"]) = 3  # type: ignore[valid-type]
    endpoints: whole_number(1, CAPS["endpoints"]) = 1  # type: ignore[valid-type]
    fixes: Annotated[list[FixName], Field(max_length=len(FIXES))] = []
    # Whose graph nodes the counterexample's steps name; default: the incident with the most sources.
    incident: IncidentId | None = None


# ------------------------------------------------------------------ outputs


class ProblemOut(Output):
    """An RFC 9457 problem (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str


class HealthOut(Output):
    store: str
    reachable: bool


class IncidentOut(Output):
    id: str
    title: str
    sources: int


class IncidentListOut(Output):
    incidents: list[IncidentOut]
    total: int
    next_cursor: str | None = None


class IncidentDeletedOut(Output):
    id: str
    deleted_nodes: int


class ArticleOut(Output):
    article_id: str
    created: bool
    added: dict[str, int]
    warnings: list[str]


class GraphNodeOut(Output):
    id: str
    kind: str
    label: str


class GraphEdgeOut(Output):
    source: str
    target: str
    type: str


class GraphOut(Output):
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]


class EvidenceOut(Output):
    source: str
    quote: str


class RoleItemOut(Output):
    id: str
    label: str
    confidence: float
    evidence: list[EvidenceOut]


class RootCausesOut(Output):
    root_causes: list[RoleItemOut]
    triggers: list[RoleItemOut]
    contributing_factors: list[RoleItemOut]
    first_symptoms: list[RoleItemOut]
    symptoms: list[RoleItemOut]
    open_questions: list[Any]


class ClassifyOut(Output):
    node: dict[str, Any]
    role: Role
    reason: str
    evidence: list[Any]
    alternatives: list[Any]


class WhyOut(Output):
    chains: list[Any]


class TimeBandOut(Output):
    """The UTC interval a time told only to the day covers: not a moment at 00:00."""

    from_: str = Field(alias="from")
    to: str


class TimelineEventOut(Output):
    id: str
    label: str
    at: str | None = None
    precision: str | None = None
    band: TimeBandOut | None = None


class TimeBoundOut(Output):
    """The outage's start or end in UTC, with the ids of the events (or claims, time points) it comes from."""

    at: str
    ids: list[str]


class TimelineOut(Output):
    events: list[TimelineEventOut]
    start: TimeBoundOut | None = None
    end: TimeBoundOut | None = None
    duration_minutes: int | None = None
    duration_text: str | None = None


class ClaimOut(Output):
    text: str
    source: str


class ConflictOut(Output):
    about: Any
    claims: list[ClaimOut]
    likely: Any


class ConflictsOut(Output):
    conflicts: list[ConflictOut]


class BlastComponentOut(Output):
    id: str
    label: str
    path: list[Any]


class BlastOut(Output):
    components: list[BlastComponentOut]


class CounterfactualOut(Output):
    """A graph intervention or scenario (baseline, counterfactual, averted, remaining) or a sweep (its points)."""

    baseline: dict[str, Any] | None = None
    counterfactual: dict[str, Any] | None = None
    averted: list[str] | None = None
    remaining: list[str] | None = None
    parameter: str | None = None
    params: dict[str, float] | None = None
    points: list[dict[str, Any]] | None = None
    collapse_ranges: list[list[float]] | None = None
    against: str | None = None
    boundary: list[dict[str, Any]] | None = None


class ModelLinkOut(Output):
    element: str
    node_id: str | None = None


class ModelOut(Output):
    elements: list[Any]
    parameters: list[Any]
    scenarios: list[str]
    fixes: list[str]
    links: list[ModelLinkOut]
    unlinked: list[str]


class CheckOut(Output):
    holds: bool
    states: int
    seconds: float
    counterexample: list[Any] | None


class ReviewOut(Output):
    """The review pack as JSON (``format=json``); the other formats are text documents."""
