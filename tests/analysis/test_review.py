"""The postmortem review pack on a tiny hand-built incident: every format, escaping, formula defusing, five whys."""

from __future__ import annotations

import io
import json

import networkx as nx
import pandas as pd
import pytest

from analysis.review import review_pack
from analysis.review_actions import outcome_changes, verdict
from analysis.review_tables import LocalClock, conflicts_table, local_clock, timeline_table

I = "tiny"


def _node(g: nx.MultiDiGraph, node_id: str, label: str, **props: object) -> None:
    g.add_node(node_id, label=label, incident=I, **props)


def _edge(g: nx.MultiDiGraph, source: str, target: str, type_: str, **props: object) -> None:
    g.add_edge(source, target, key=type_, type=type_, incident=I, **props)


def tiny_incident(push: str = "faulty config push", errors: str = "checkout errors") -> nx.MultiDiGraph:
    """A config push removes a timeout; health checks fail; checkout errors follow. Two sources, one clock."""
    g = nx.MultiDiGraph()
    _node(g, I, "Incident", title="Tiny outage")
    _node(g, f"{I}:src:a", "Source", title="Ops blog", content_hash="a")
    _node(g, f"{I}:src:b", "Source", title="News site", content_hash="b")
    _node(g, f"{I}:m:1", "Mention", source=f"{I}:src:a", sentence="A faulty config push removed the timeout.",
          quote="faulty config push", start=0, end=18)
    _node(g, f"{I}:m:2", "Mention", source=f"{I}:src:b", sentence="The missing timeout caused health checks to fail.",
          quote="caused health checks to fail", start=0, end=10)
    _node(g, f"{I}:m:3", "Mention", source=f"{I}:src:a", sentence="As a result, checkout returned errors.",
          quote="As a result, checkout returned errors", start=0, end=10)
    _node(g, f"{I}:e:push", "Event", summary=push, kind="action", at="2024-03-03T14:05:00Z",
          evidence=[f"{I}:m:1"], sources=[f"{I}:src:a"])
    _node(g, f"{I}:e:checks", "Event", summary="health checks fail", kind="failure", at="2024-03-03T14:07:00Z",
          evidence=[f"{I}:m:2"], sources=[f"{I}:src:b"])
    _node(g, f"{I}:e:errors", "Event", summary=errors, kind="impact", at="2024-03-03T14:10:00Z",
          evidence=[f"{I}:m:3"], sources=[f"{I}:src:a"])
    _edge(g, f"{I}:e:push", f"{I}:e:checks", "CAUSES", confidence=0.8, cue="caused", evidence=[f"{I}:m:2"])
    _edge(g, f"{I}:e:checks", f"{I}:e:errors", "CAUSES", confidence=0.9, cue="as a result", evidence=[f"{I}:m:3"])
    _node(g, f"{I}:t:1", "TimePoint", utc="2024-03-03T14:05:00Z", raw="6:05 AM PST on March 3, 2024")
    _edge(g, f"{I}:e:push", f"{I}:t:1", "AT")
    return g


@pytest.fixture(scope="module")
def pack():
    return review_pack(tiny_incident(), incident_id=I)


def test_csv_is_one_table_with_a_section_column(pack) -> None:
    table = pd.read_csv(io.StringIO(pack.to_csv()))
    assert table.columns[0] == "section"
    roles = table[table["section"] == "roles"]
    assert list(zip(roles["Role"], roles["Event"])) == [
        ("root cause", "faulty config push"), ("first symptom", "health checks fail"), ("impact", "checkout errors")]


def test_csv_defuses_cells_a_spreadsheet_would_run() -> None:
    hostile = review_pack(tiny_incident(push="=HYPERLINK(\"http://evil\")"), incident_id=I)
    table = pd.read_csv(io.StringIO(hostile.to_csv()))
    assert "'=HYPERLINK(\"http://evil\")" in set(table["Event"].dropna())
    assert "=HYPERLINK(\"http://evil\")" not in set(table["Event"].dropna())


def test_markdown_has_title_summary_and_sections(pack) -> None:
    lines = pack.to_markdown().splitlines()
    assert lines[0] == "# Postmortem review: Tiny outage"
    assert [line for line in lines if line.startswith("- Root cause: ")] == [
        f"- Root cause: faulty config push (confidence {_root_confidence(pack)}, 1 source)."]
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Root cause versus symptoms", "## Five whys", "## Timeline", "## Blast radius",
                        "## Conflicts between sources", "## Open questions", "## Candidate action items",
                        "## Reviewer changes", "## Sources"]


def _root_confidence(pack) -> float:
    roles = next(s.table for s in pack.sections if s.key == "roles")
    return roles[roles["Role"] == "root cause"]["Confidence"].iloc[0]


def test_five_whys_walk_from_the_impact_back_to_the_root(pack) -> None:
    whys = next(s.table for s in pack.sections if s.key == "five_whys")
    assert list(zip(whys["Why?"], whys["Because"])) == [
        ("Why did \u201ccheckout errors\u201d happen?", "health checks fail"),
        ("Why did \u201chealth checks fail\u201d happen?", "faulty config push"),
        ("Why did \u201cfaulty config push\u201d happen?", "The sources do not say."),
    ]


def test_timeline_section_gives_utc_and_the_articles_zone(pack) -> None:
    times = next(s.table for s in pack.sections if s.key == "timeline")
    first = times.iloc[0]
    assert (first["UTC"], first["Local"], first["Milestone"]) == ("2024-03-03 14:05", "2024-03-03 06:05 PST",
                                                                  "faulty config push")


def test_html_escapes_text_from_articles() -> None:
    hostile = review_pack(tiny_incident(errors="<script>alert(1)</script> errors"), incident_id=I)
    page = hostile.to_html()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; errors" in page
    assert page.startswith("<!doctype html>")
    assert hostile.to_html(standalone=False).startswith("<article")


def test_html_has_no_inline_style_for_pages_under_csp(pack) -> None:
    assert "style=" not in pack.to_html(standalone=False)


def test_markdown_keeps_table_rows_on_one_line() -> None:
    hostile = review_pack(tiny_incident(errors="checkout | errors\nspread"), incident_id=I)
    rows = [line for line in hostile.to_markdown().splitlines() if "checkout" in line and line.startswith("| impact")]
    assert rows == [rows[0]] and "checkout \\| errors spread" in rows[0]


def test_json_is_strict_json(pack) -> None:
    data = json.loads(json.dumps(pack.to_json(), allow_nan=False))
    assert data["title"] == "Postmortem review: Tiny outage"
    assert [s["key"] for s in data["sections"]] == ["roles", "five_whys", "timeline", "blast_radius", "conflicts",
                                                     "open_questions", "action_items", "reviewer_changes", "sources"]


def test_action_items_of_an_incident_the_model_does_not_describe_come_from_graph_interventions(pack) -> None:
    actions = next(s for s in pack.sections if s.key == "action_items")
    rows = actions.table.astype(object).where(actions.table.notna(), None).to_dict(orient="records")
    assert rows == [{"Action item": "Prevent the root cause \u201cfaulty config push\u201d", "Basis": "graph intervention",
                     "Scenario": None, "Change": "remove tiny:e:push", "Verdict": "averts 2 customer-facing impacts",
                     "Effect": "averts health checks fail, checkout errors", "Averted events": 2,
                     "Averted components": 0, "Customer impacts averted": 2, "Confidence": 0.65, "Score": 1.3}]
    assert "does not describe incident tiny: 0 of 4 core elements link" in actions.intro


def test_review_of_a_graph_without_events_is_refused() -> None:
    g = nx.MultiDiGraph()
    _node(g, I, "Incident", title="Empty")
    with pytest.raises(ValueError, match="no events to review"):
        review_pack(g, incident_id=I)


def test_timeline_table_without_a_local_zone_leaves_local_empty() -> None:
    table = timeline_table({"events": [{"id": "e", "label": "x", "at": "2024-01-01T00:00:00Z"}],
                            "start": {"at": "2024-01-01T00:00:00Z", "ids": ["e"]}}, LocalClock(None, None))
    assert table.to_dict("records") == [{"UTC": "2024-01-01 00:00", "Local": "", "Milestone": "x", "Role": "",
                                        "Since start": "0 min", "Sources": ""}]


def test_conflicts_table_marks_the_likely_claim() -> None:
    table = conflicts_table({"conflicts": [{"about": "start", "kind": "time", "likely": "c1", "reason": "2 sources",
                                            "claims": [{"id": "c1", "text": "06:48 UTC", "source": "A", "value": "x"},
                                                       {"id": "c2", "text": "7:48 AM UTC", "source": "B"}]}]})
    assert list(table["More likely"]) == ["yes", ""]
    assert list(table["Source"]) == ["A", "B"]


def _windows(*spans: tuple[str, str]) -> list[dict[str, str]]:
    return [{"service": "X", "start": f"2025-10-20T{a}:00Z", "end": f"2025-10-20T{b}:00Z"} for a, b in spans]


def test_verdict_prevents_when_no_impact_is_left() -> None:
    result = {"baseline": {"impact_windows": _windows(("06:48", "09:25"))}, "counterfactual": {"impact_windows": []}}
    assert verdict(result) == "prevents the outage"


def test_verdict_shortens_when_impact_minutes_drop() -> None:
    result = {"baseline": {"impact_windows": _windows(("06:48", "20:50"))},
              "counterfactual": {"impact_windows": _windows(("06:48", "14:54"))}}
    assert verdict(result) == "shortens the outage"


def test_verdict_no_effect_when_impact_is_unchanged() -> None:
    same = _windows(("06:48", "09:25"))
    assert verdict({"baseline": {"impact_windows": same}, "counterfactual": {"impact_windows": same}}) == (
        "no effect in the model")


def test_verdict_without_windows_falls_back_to_outcome_changes() -> None:
    result = {"baseline": {"dns_record_empty": True}, "counterfactual": {"dns_record_empty": False}}
    assert verdict(result) == "shortens the outage"


def test_outcome_changes_name_flags_minutes_and_vanished_times() -> None:
    assert outcome_changes({"dns_record_empty": True, "dynamodb_unavailable_minutes": 157,
                            "full_recovery_at": "2025-10-20T20:51:00Z"},
                           {"dns_record_empty": False, "dynamodb_unavailable_minutes": 0, "full_recovery_at": None}) == [
        "dns record empty: yes \u2192 no", "dynamodb unavailable minutes: 157 \u2192 0",
        "full recovery: never needed (baseline 2025-10-20 20:51 UTC)"]


def _clock_of(*raws: tuple[str, str]) -> LocalClock:
    g = nx.MultiDiGraph()
    for i, (raw, utc) in enumerate(raws):
        _node(g, f"{I}:t:{i}", "TimePoint", raw=raw, utc=utc)
    return local_clock(g)


def test_local_clock_reads_a_24_hour_time_east_of_utc() -> None:
    assert _clock_of(("23:48 CEST", "2025-10-20T21:48:00Z")) == LocalClock("CEST", 120)


def test_local_clock_reads_dotted_am_pm() -> None:
    assert _clock_of(("2:25 a.m. EDT", "2025-10-20T06:25:00Z")) == LocalClock("EDT", -240)


def test_local_clock_takes_the_zone_most_times_use() -> None:
    assert _clock_of(("1:00 PM PDT", "2025-10-20T20:00:00Z"), ("2:00 PM PDT", "2025-10-20T21:00:00Z"),
                     ("5:00 PM EDT", "2025-10-20T21:00:00Z")) == LocalClock("PDT", -420)


def test_local_clock_ignores_utc_times() -> None:
    assert _clock_of(("7:48 AM UTC", "2025-10-20T07:48:00Z")) == LocalClock(None, None)
