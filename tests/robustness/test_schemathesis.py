"""Property-based requests from /openapi.json (schemathesis, in-process over WSGI): no 5xx, every answer fits the schema.

One test walks every operation of the document and runs a bounded number of
generated requests against it (no example database, no deadline), gathering
each operation's first failure so one run reports all of them.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.robustness.conftest import OUTAGE

MAX_EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _pin_incident(case):
    """Point the case at the incident that exists, so the operation answers with data instead of a 404."""
    case.path_parameters = {**(case.path_parameters or {}), "iid": "rb"}
    return case


def _failure(operation, *, pinned: bool) -> str | None:
    """Run MAX_EXAMPLES generated cases of ``operation``; return the first failure's message, if any."""
    strategy = operation.as_strategy()
    if pinned:
        strategy = strategy.map(_pin_incident)

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except Exception as err:  # noqa: BLE001 - each operation's failure is collected, then reported together
        return f"{operation.method.upper()} {operation.path}: {type(err).__name__}: {str(err)[:1500]}"
    return None


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_every_operation_answers_within_its_schema_and_never_with_5xx(make_app):
    app = make_app()
    client = app.test_client()
    client.post("/api/incidents", json={"id": "rb", "title": "Robustness"})
    client.post("/api/incidents/rb/articles", json={"text": OUTAGE})
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    runs = [(op, False) for op in operations] + [(op, True) for op in operations if "{iid}" in op.path]
    runs.sort(key=lambda run: run[0].method.upper() == "DELETE")  # deleting "rb" last leaves the others its data
    failures = [f for f in (_failure(op, pinned=pinned) for op, pinned in runs) if f]
    assert failures == [], "\n\n".join(failures)
