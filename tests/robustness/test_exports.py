"""What the service sends back: CSV cells a spreadsheet would run are defused, and JSON is always strict."""

from __future__ import annotations

import csv
import io

from tests.conftest import SEEDS
from tests.robustness.conftest import OUTAGE
from tests.robustness.problems import assert_problem, strict_loads

FORMULA_START = ("=", "+", "-", "@")


def _cells(csv_text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(csv_text)) for cell in row]


def test_csv_export_prefixes_cells_that_start_a_formula(client):
    client.post("/api/incidents", json={"id": "csv", "title": "CSV"})
    for title in ('=HYPERLINK("http://127.0.0.1/x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"):
        text = OUTAGE.replace("40 minutes", f"{40 + len(title)} minutes {title[:3]}")
        assert client.post("/api/incidents/csv/articles", json={"text": text, "title": title}).status_code == 201
    resp = client.get("/api/incidents/csv/review?format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    cells = _cells(resp.get_data(as_text=True))
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    assert "'=HYPERLINK(\"http://127.0.0.1/x\",\"click\")" in cells
    assert "'@SUM(A1:A9)" in cells


def test_out_of_range_scenario_parameter_is_422_not_infinity(client, incident):
    resp = client.post(f"/api/incidents/{incident}/counterfactuals",
                       json={"scenario": "baseline", "params": {"dns_repair_min": 1e308}})
    assert_problem(resp, 422)


def test_every_analysis_answer_is_strict_json(client, incident):
    paths = ["", "/graph", "/root-causes", "/timeline", "/conflicts", "/blast-radius", "/classify?q=timeout",
             "/review?format=json"]
    for path in paths:
        resp = client.get(f"/api/incidents/{incident}{path}")
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
        strict_loads(resp.get_data(as_text=True))


def test_a_sweep_at_the_parameter_bounds_is_strict_json(client, incident, seed_manifest):
    # Sweeps answer only for an incident the model describes: add a seed article it describes on its own.
    seed = (SEEDS / seed_manifest["articles"][0]).read_text()
    assert client.post(f"/api/incidents/{incident}/articles", json={"text": seed}).status_code == 201
    body = {"sweep": {"parameter": "lease_timeout_min", "values": [1, 240]}}
    resp = client.post(f"/api/incidents/{incident}/counterfactuals", json=body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert len(strict_loads(resp.get_data(as_text=True))["points"]) == 2
