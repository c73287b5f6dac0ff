"""Graph interventions on small hand-built graphs, scenario comparisons and sweeps."""

from __future__ import annotations

import networkx as nx
import pytest

from analysis.counterfactual import graph_intervention, run_scenario, sweep
from analysis.model.scenarios import ParameterOutOfBounds, UnknownScenario
from graph.errors import NodeNotFound


def causal_graph(edges: list[tuple[str, str]], affects: list[tuple[str, str]] = (),
                 jointly: set[tuple[str, str]] = frozenset()) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for a, b in edges:
        g.add_node(a, label="Event")
        g.add_node(b, label="Event")
        g.add_edge(a, b, key="CAUSES", type="CAUSES", jointly=(a, b) in jointly)
    for event, component in affects:
        g.add_node(component, label="Component")
        g.add_edge(event, component, key="AFFECTS", type="AFFECTS")
    return g


OUTAGE = causal_graph(
    [("race", "empty_record"), ("empty_record", "dns_failures"), ("dns_failures", "lease_expiry"),
     ("lease_expiry", "collapse"), ("collapse", "launch_failures"), ("dns_failures", "lambda_errors")],
    [("dns_failures", "dynamodb"), ("launch_failures", "ec2"), ("lambda_errors", "lambda")])


def test_removing_the_root_averts_the_first_symptom_and_every_downstream_impact() -> None:
    result = graph_intervention(OUTAGE, ["race"])
    assert result.averted == ["collapse", "dns_failures", "dynamodb", "ec2", "empty_record", "lambda",
                              "lambda_errors", "launch_failures", "lease_expiry", "race"]
    assert result.remaining == []
    assert result.baseline == {"events": 7, "components": 3}
    assert result.counterfactual["events"] == 0


def test_removing_a_middle_event_leaves_what_came_before() -> None:
    result = graph_intervention(OUTAGE, ["collapse"])
    assert result.averted == ["collapse", "ec2", "launch_failures"]
    assert result.remaining == ["dns_failures", "dynamodb", "empty_record", "lambda", "lambda_errors", "lease_expiry",
                                "race"]


def test_event_with_another_cause_is_not_averted() -> None:
    g = causal_graph([("a", "c"), ("b", "c")])
    assert graph_intervention(g, ["a"]).averted == ["a"]


def test_jointly_necessary_cause_alone_averts_the_effect() -> None:
    g = causal_graph([("a", "c"), ("b", "c")], jointly={("a", "c")})
    assert graph_intervention(g, ["a"]).averted == ["a", "c"]


def test_cycle_is_averted_only_from_outside() -> None:
    g = causal_graph([("root", "x"), ("x", "y"), ("y", "x")])
    assert graph_intervention(g, ["root"]).averted == ["root"]
    assert graph_intervention(g, ["x"]).averted == ["x", "y"]


def test_component_stays_while_one_event_still_affects_it() -> None:
    g = causal_graph([("a", "b")], affects=[("b", "ec2"), ("z", "ec2")])
    assert "ec2" in graph_intervention(g, ["a"]).remaining


def test_empty_graph_and_empty_removal() -> None:
    result = graph_intervention(nx.MultiDiGraph(), [])
    assert result.averted == [] and result.remaining == [] and result.baseline == {"events": 0, "components": 0}


def test_unknown_node_raises_node_not_found() -> None:
    with pytest.raises(NodeNotFound, match="no node 'ghost'"):
        graph_intervention(OUTAGE, ["ghost"])


def test_fixed_cleanup_averts_the_dns_failure_and_everything_downstream() -> None:
    data = run_scenario("fixed_cleanup").to_dict()
    assert data["counterfactual"]["dns_record_empty"] is False
    # The delayed Enactor still writes its stale plan; only the clean-up no longer deletes it.
    assert data["remaining"] == ["dns_enactor", "dns_planner", "enactor_delay", "plan_cleanup"]
    assert {"record_empty", "dynamodb_unavailable", "dwfm_congestive_collapse", "lambda", "ec2"} <= set(data["averted"])
    assert data["baseline"]["dns_record_empty"] is True


def test_no_enactor_delay_averts_the_stale_write_too() -> None:
    data = run_scenario("no_enactor_delay").to_dict()
    assert "enactor_delay" in data["averted"] and "record_empty" in data["averted"]
    assert data["remaining"] == ["dns_enactor", "dns_planner", "plan_cleanup"]


def test_dwfm_backoff_averts_only_the_collapse_and_the_intervention() -> None:
    data = run_scenario("dwfm_backoff").to_dict()
    assert data["averted"] == ["dwfm_congestive_collapse", "intervention"]
    assert "record_empty" in data["remaining"]


def test_baseline_reports_its_calibration_against_the_article_times() -> None:
    data = run_scenario(None).to_dict()
    rows = {row["milestone"]: row for row in data["baseline"]["calibration"]}
    assert rows["dynamodb_recovered"]["target"] == "2025-10-20T09:25:00Z"
    assert all(abs(row["delta_minutes"]) <= 15 for row in rows.values())
    assert data["averted"] == [] and data["scenario"] == "baseline"


def test_scenario_with_out_of_bounds_override_is_refused() -> None:
    with pytest.raises(ParameterOutOfBounds, match=r"\[1, 240\]"):
        run_scenario("baseline", {"lease_timeout_min": 999})


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(UnknownScenario, match="known scenarios"):
        run_scenario("nope")


def test_sweep_of_lease_timeout_shows_where_collapse_ends() -> None:
    result = sweep("lease_timeout_min", [10, 20, 40], workers=1)
    assert [p["dwfm_congestive_collapse"] for p in result.points] == [True, True, False]
    assert result.collapse_ranges == [[10, 20]]  # collapse below a lease timeout, not above one
    assert result.points[2]["ec2_recovered_at"] < result.points[1]["ec2_recovered_at"]


def test_big_sweep_uses_two_processes_and_matches_in_process() -> None:
    values = [float(v) for v in range(1, 81)]
    parallel = sweep("lease_timeout_min", values, workers=2)
    assert parallel.workers == 2
    assert parallel.points == sweep("lease_timeout_min", values, workers=1).points


def test_sweep_value_out_of_bounds_is_refused() -> None:
    with pytest.raises(ParameterOutOfBounds, match="enactor_delay_s=-1"):
        sweep("enactor_delay_s", [0, -1])


def test_sweep_above_the_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="exceed the sweep cap of 2000"):
        sweep("lease_timeout_min", [20.0] * 2001)


def test_sweep_of_the_enactor_delay_collapses_in_bands() -> None:
    # The stale write must land inside another Enactor's clean-up window, which comes round with each plan:
    # no delay never empties the record, and the delays that do come in separate bands.
    result = sweep("enactor_delay_s", list(range(61)), workers=1)
    bands = result.collapse_ranges
    assert len(bands) > 1 and bands[0][0] > 0
    assert any(low <= 36 <= high for low, high in bands)  # the baseline's delay
    assert all(not p["dwfm_congestive_collapse"] for p in result.points if not any(lo <= p["value"] <= hi
                                                                                  for lo, hi in bands))


def test_lease_timeout_against_droplet_count_moves_the_collapse_boundary() -> None:
    result = sweep("lease_timeout_min", [5, 10, 20, 30, 40, 60], against=("droplets", [25_000, 100_000, 200_000]),
                   workers=1)
    assert len(result.points) == 18 and result.against == "droplets"
    ends = [row["collapse_ranges"][-1][1] for row in result.boundary]
    # More droplets to re-lease: collapse reaches longer lease timeouts.
    assert ends == sorted(ends) and ends[0] < ends[-1]
    assert all(row["collapse_ranges"][0][0] == 5 for row in result.boundary)
    assert result.to_dict()["boundary"] == result.boundary and "collapse_ranges" in result.to_dict()


def test_sweep_holds_params_fixed_at_every_point() -> None:
    baseline = sweep("lease_timeout_min", [5, 10, 20], workers=1)
    fewer = sweep("lease_timeout_min", [5, 10, 20], params={"droplets": 25_000}, workers=1)
    assert baseline.collapse_ranges == [[5, 20]]
    assert fewer.params == {"droplets": 25_000} and fewer.collapse_ranges == [[5, 5]]


def test_sweep_refuses_to_fix_or_pair_the_parameter_it_varies() -> None:
    with pytest.raises(ValueError, match="params fix lease_timeout_min, which the sweep varies"):
        sweep("lease_timeout_min", [10], params={"lease_timeout_min": 20})
    with pytest.raises(ValueError, match="not against itself"):
        sweep("lease_timeout_min", [10], against=("lease_timeout_min", [20]))
