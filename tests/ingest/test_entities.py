"""Components: lexicon matches, acronyms defined in the text, systems the text introduces, PART_OF."""

from __future__ import annotations

from ingest.entities import display_slug, is_abbreviation_of
from ingest.lexicon import load_component_lexicon


def slugs(nlp, text: str) -> dict[str, str]:
    return {ref.text: ref.slug for ref in nlp(text)._.components}


def test_acronym_defined_in_text_is_one_component_with_its_long_name(nlp):
    doc = nlp("The Droplet Workflow Manager (DWFM) tracks leases. DWFM then failed.")
    refs = doc._.components
    assert {r.slug for r in refs} == {"droplet-workflow-manager"}
    assert [r.text for r in refs] == ["Droplet Workflow Manager", "DWFM", "DWFM"]
    assert "DWFM" in refs[0].aliases


def test_spellings_of_one_name_share_a_slug():
    assert display_slug("DropletWorkflow Manager") == display_slug("Droplet Workflow Manager")


def test_system_introduced_by_called_is_a_component_though_not_in_the_lexicon(nlp):
    assert "network-manager" not in load_component_lexicon()
    assert slugs(nlp, "Congestion built up inside a system called Network Manager.") == {
        "Network Manager": "network-manager"}


def test_capitalised_compound_with_agent_head_is_a_component(nlp):
    found = slugs(nlp, "The DNS Planner generates plans and the DNS Enactor applies them.")
    assert found == {"DNS Planner": "dns-planner", "DNS Enactor": "dns-enactor"}


def test_lower_case_system_compound_is_a_component(nlp):
    assert slugs(nlp, "The login service depends on the identity gateway.") == {
        "login service": "login-service", "identity gateway": "identity-gateway"}


def test_possessor_service_becomes_parent(nlp):
    refs = nlp("DynamoDB's DNS management system failed.")._.components
    system = next(r for r in refs if r.slug == "dns-management-system")
    assert system.parent == "dynamodb"


def test_known_component_with_generic_head_is_the_known_component(nlp):
    assert slugs(nlp, "We restarted the DynamoDB service.") == {"DynamoDB": "dynamodb"}


def test_definite_head_noun_refers_to_the_one_component_with_that_head(nlp):
    refs = nlp("The DNS Enactor applies plans. Later the enactor slowed down.")._.components
    assert [(r.text, r.slug) for r in refs] == [("DNS Enactor", "dns-enactor"), ("enactor", "dns-enactor")]


def test_case_sensitive_product_name_is_not_the_common_word(nlp):
    assert slugs(nlp, "Slack had issues.") == {"Slack": "slack"}
    assert slugs(nlp, "There was some slack in the schedule.") == {}


def test_abbreviation_letters_must_appear_in_order():
    assert is_abbreviation_of("NLB", "Network Load Balancer")
    assert not is_abbreviation_of("SLA", "Network Manager")


def test_lexicon_holds_no_names_specific_to_the_seed_incident():
    names = {n.lower() for c in load_component_lexicon().values() for n in (c.name, *c.aliases)}
    assert not names & {"network manager", "dwfm", "dropletworkflow manager", "dns planner", "dns enactor"}


def test_appositive_generic_noun_names_the_owner(nlp):
    doc = nlp("A second DynamoDB component, the DNS Planner, continued to generate new plans.")
    planner = next(r for r in doc._.components if r.slug == "dns-planner")
    assert planner.parent == "dynamodb"


def test_qualifier_with_generic_head_is_a_component_of_its_own(nlp):
    assert slugs(nlp, "Our DNS servers stopped answering.") == {"DNS servers": "dns-server"}


def test_qualifier_with_owner_head_is_the_qualifier_itself(nlp):
    assert slugs(nlp, "The DNS service failed.") == {"DNS": "dns"}
