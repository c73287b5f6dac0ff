"""One exception hierarchy: every error the service raises on purpose is a ServiceError, in one of five families."""

from __future__ import annotations

from analysis.counterfactual import HorizonTooLong
from analysis.model.explore import BoundsTooLarge, StatesExceeded
from analysis.model.scenarios import ParameterOutOfBounds, UnknownScenario
from analysis.model.scope import ModelOutOfScope
from analysis.resolve import NoMatch
from graph.errors import (
    Conflict,
    GraphError,
    IncidentNotFound,
    InputRejected,
    LimitExceeded,
    ServiceError,
    SetupMissing,
    StoreUnavailable,
)
from ingest.language.pipeline import ModelMissing
from ingest.reading.sources import ArticleRejected
from ingest.writing.budget import BudgetExceeded
from ingest.writing.reextract import IncidentChanged

FAMILIES = {
    InputRejected: [ArticleRejected, ParameterOutOfBounds, UnknownScenario, BoundsTooLarge, NoMatch],
    LimitExceeded: [BudgetExceeded, HorizonTooLong],
    Conflict: [ModelOutOfScope, IncidentChanged],
    SetupMissing: [ModelMissing],
    GraphError: [IncidentNotFound, StoreUnavailable],
}


def test_every_domain_error_is_a_service_error_of_its_family():
    for family, members in FAMILIES.items():
        assert issubclass(family, ServiceError)
        for member in members:
            assert issubclass(member, family), member


def test_refused_input_is_still_a_value_error_for_callers_that_catch_one():
    assert issubclass(StatesExceeded, InputRejected) and issubclass(InputRejected, ValueError)
    assert str(BudgetExceeded("INGEST_MAX_MB", 64, "too big")) == "too big"
