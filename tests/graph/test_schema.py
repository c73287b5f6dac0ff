"""graph.schema: canonical ids, validation errors, merging of properties."""

from __future__ import annotations

import pytest

from graph.errors import SchemaError
from graph.schema import Edge, EventNode, Node, check_endpoints, check_id, check_props, merge_props, node_id, slugify


def test_slug_of_a_name_with_punctuation_and_accents():
    assert slugify("DropletWorkflow Manager (DWFM)") == "dropletworkflow-manager-dwfm"
    assert slugify("Élan / Vital") == "elan-vital"


def test_slug_of_nothing_but_symbols_is_x():
    assert slugify("!!!") == "x"


def test_node_ids_are_scoped_by_incident_and_label():
    assert node_id("aws-2025", "Component", "Route 53") == "aws-2025:c:route-53"
    assert node_id("aws-2025", "Event", "Route 53") == "aws-2025:e:route-53"
    assert node_id("aws-2025", "Incident", "ignored") == "aws-2025"


def test_node_id_with_unknown_label_is_rejected():
    with pytest.raises(SchemaError, match="unknown node label 'Thing'"):
        node_id("i", "Thing", "x")


@pytest.mark.parametrize("bad", ["Upper", "has space", "a/b", "", ":starts-with-colon"])
def test_illegal_ids_are_rejected(bad):
    with pytest.raises(SchemaError, match="illegal id"):
        check_id(bad)


def test_none_property_is_rejected():
    with pytest.raises(SchemaError, match="property 'at' is None"):
        check_props({"at": None})


def test_list_mixing_types_is_rejected():
    with pytest.raises(SchemaError, match="a list must hold values of one type"):
        check_props({"xs": [1, "a"]})


def test_nested_list_is_rejected():
    with pytest.raises(SchemaError, match="nested lists and maps"):
        check_props({"xs": [[1]]})


def test_integer_over_64_bits_and_nan_are_rejected():
    with pytest.raises(SchemaError, match="does not fit in 64 bits"):
        check_props({"n": 2**63})
    with pytest.raises(SchemaError, match="not a finite number"):
        check_props({"f": float("nan")})


def test_node_needs_an_incident_property():
    with pytest.raises(SchemaError, match="has no 'incident' property"):
        Node("Event", "i:e:a", {})


def test_edge_endpoints_follow_the_schema():
    check_endpoints(Edge("AFFECTS", "i:e:a", "i:c:b", {"incident": "i"}), "Event", "Component")
    with pytest.raises(SchemaError, match="AFFECTS may not join Component to Event"):
        check_endpoints(Edge("AFFECTS", "i:c:b", "i:e:a", {"incident": "i"}), "Component", "Event")


def test_merge_unions_evidence_and_overwrites_scalars():
    assert merge_props({"evidence": ["m1"], "kind": "symptom"}, {"evidence": ["m2", "m1"], "kind": "failure"}) == {
        "evidence": ["m1", "m2"], "kind": "failure"}


def test_merge_overwrites_lists_that_are_not_merged_props():
    assert merge_props({"warnings": ["a"]}, {"warnings": ["b"]}) == {"warnings": ["b"]}


def test_typed_record_drops_none_fields():
    node = EventNode(id="i:e:a", incident="i", summary="DNS failed").to_node()
    assert node.props == {"incident": "i", "summary": "DNS failed", "kind": "condition", "components": [],
                          "evidence": [], "sources": []}
