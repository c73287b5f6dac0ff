"""Components: lexicon matches, acronyms defined in the text, systems the text introduces, PART_OF."""

from __future__ import annotations

import pytest

from ingest.extraction.entities import display_slug, is_abbreviation_of
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


def test_demonstrative_points_back_to_the_component_even_with_a_generic_head(nlp):
    refs = nlp("We have an audit tool that reviews commands. A bug in that tool let the command through.")._.components
    assert [(r.text, r.slug) for r in refs] == [("audit tool", "audit-tool"), ("tool", "audit-tool")]


def test_the_with_a_generic_head_is_not_taken_for_a_component(nlp):
    refs = nlp("The billing service timed out. The service was down for an hour.")._.components
    assert [r.text for r in refs].count("service") == 0


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


def names(nlp, text: str) -> set[str]:
    return {ref.name for ref in nlp(text)._.components}


def test_company_possessive_and_general_heads_are_components(nlp):
    assert {"Acme", "ledger database", "sync worker"} <= names(
        nlp, "Acme's ledger database and the sync worker were also affected.")


def test_standalone_acronyms_and_names_in_a_list_are_components(nlp):
    found = names(nlp, "The WAF pinned every CPU, and sites such as Trello, Quora and Giphy went down.")
    assert {"WAF", "CPU", "Trello", "Quora", "Giphy"} <= found


def test_host_names_addresses_and_files_are_components(nlp):
    found = names(nlp, "Lookups of dynamodb.us-east-1.amazonaws.com failed; resolvers such as 1.1.1.1 answered "
                       "SERVFAIL, and csagent.sys crashed.")
    assert {"dynamodb.us-east-1.amazonaws.com", "1.1.1.1", "csagent.sys"} <= found


def test_headings_zones_and_plain_words_are_not_components(nlp):
    found = names(nlp, "Company Blames Bad Software Change\n\nThe outage began at 9:42 a.m. Pacific Daylight Time. "
                       "Several teams worked on it, and the fix went out. Fix: the change was reverted.")
    assert not found & {"Company Blames Bad Software", "Pacific Daylight Time", "Microsoft 365", "Fix"}


def test_names_listed_with_a_system_are_systems_whatever_the_model_guessed(nlp):
    names = [c.name for c in nlp("Trello, Quora, IFTTT and Giphy were among the sites that reported problems.")
             ._.components]
    assert names == ["Trello", "Quora", "IFTTT", "Giphy"]


def test_a_name_said_to_be_down_is_a_system_but_a_speaker_is_not(nlp):
    assert [c.name for c in nlp("Gmail, Calendar and Search were down for 45 minutes.")._.components] == [
        "Gmail", "Calendar", "Search"]
    assert nlp("Dana Whitfield said the outage was bad.")._.components == []


def test_a_system_head_alone_is_the_accounts_own_system(nlp):
    names = [c.name for c in nlp("The database ran out of connections, so the cache served stale data.")._.components]
    assert names == ["database", "cache"]


def test_protocols_and_formats_are_not_components(nlp):
    assert nlp("Clients retried over HTTPS and sent malformed JSON.")._.components == []


def test_tools_and_hosts_named_as_written_are_components(nlp):
    names = [c.name for c in nlp("The team ran pg_basebackup against db1, then pg_dump failed on web-03.")._.components]
    assert names == ["pg_basebackup", "db1", "pg_dump", "web-03"]
    assert nlp("The sha256 check passed.")._.components == []


def test_names_listed_with_a_system_are_systems_even_when_the_model_took_them_for_people(nlp):
    assert names(nlp, "Gmail, Calendar and Search returned errors for an hour.") >= {"Gmail", "Calendar", "Search"}


def test_an_http_status_reason_phrase_is_no_system(nlp):
    assert "Bad Gateway" not in names(nlp, "Visitors of the Acme store saw 502 Bad Gateway errors.")
    assert "EC2" in names(nlp, "We launched 400 EC2 instances.")


def test_a_list_the_model_reads_as_one_entity_is_one_component_per_name(nlp):
    names = {ref.name for ref in nlp("Messenger, Oculus and Workplace were also down.")._.components}
    assert {"Messenger", "Oculus", "Workplace"} <= names and not any("," in n for n in names)
    assert "AT&T" in {ref.name for ref in nlp("AT&T customers could not call.")._.components}


def test_operating_systems_are_components_even_when_the_model_takes_them_for_people(nlp):
    names = {ref.name for ref in nlp("The sensor crashed Windows; macOS and Linux hosts were fine.")
             ._.components}
    assert {"Windows", "macOS", "Linux"} <= names


def test_a_system_head_alone_after_a_preposition_or_in_a_list_is_the_accounts_own_system(nlp):
    assert "router" in {ref.name for ref in nlp("The hardware and routers there are hard to modify.")._.components}
    assert "database" in {ref.name for ref in nlp("The load on the database climbed.")._.components}


def test_a_number_word_the_model_takes_for_a_company_is_no_component(nlp):
    found = names(nlp, "Millions of customers of PayFast, a payments app, could not send money on Thursday.")
    assert "Millions" not in found and "PayFast" in found


def test_an_abbreviated_date_is_no_component_but_a_name_that_starts_like_one_is(nlp):
    assert names(nlp, "Our game servers were down for four hours yesterday (Sat Nov 9).") == {"game server"}
    assert "Sun Microsystems" in names(nlp, "Sun Microsystems shipped a patch for the server.")


def test_message_queue_parts_are_systems(nlp):
    assert names(nlp, "A deploy changed the schema of the listings topic, and the indexing consumer could not "
                      "parse the messages.") == {"listings topic", "indexing consumer"}


def test_the_head_noun_alone_points_back_to_a_catalogued_component(nlp):
    doc = nlp("An expired TLS certificate broke logins. When the certificate expired, the gateway failed.")
    assert [c.slug for c in doc._.components if c.text == "certificate"] == ["tls-certificate"]


def test_a_name_spelled_like_a_product_is_a_component_whatever_the_model_tags_it(nlp):
    # the small model tags GnuTLS a place; camel case and letters-then-digits are how products are spelled
    found = {c.name for c in nlp("Clients built on GnuTLS and LibreSSL rejected the chain. The team "
                                 "switched the matcher to RE2, which runs in linear time.")._.components}
    assert {"GnuTLS", "LibreSSL", "RE2"} <= found


def test_people_quarters_and_kinds_of_software_are_not_products(nlp):
    found = {c.name for c in nlp("Revenue fell in Q3, said Jamie McKinnon, whose SaaS and NoSQL teams "
                                 "moved to the new office.")._.components}
    assert not found & {"Q3", "McKinnon", "SaaS", "NoSQL"}


def test_regulators_markets_and_stock_symbols_are_not_components(nlp):
    found = {c.name for c in nlp("CrowdStrike (Nasdaq: CRWD) shares fell 11 percent and the S&P 500 dipped. The "
                                 "Securities and Exchange Commission later fined the firm.")._.components}
    assert found == {"CrowdStrike"}


def test_a_cloud_region_keeps_its_whole_name(nlp):
    found = {c.name for c in nlp("The outage hit the US-EAST-1 Region. Traffic in eu-west-2a fell, and our "
                                 "europe-west1 cluster was fine.")._.components}
    assert {"US-EAST-1 Region", "eu-west-2a"} <= found and "EAST-1 Region" not in found


def test_a_common_plural_the_model_took_into_a_name_is_cut(nlp):
    text = ("Bank customers locked out after botched upgrade\n\nCustomers of Northway Bank were unable to log in "
            "to online banking for much of Saturday, after a planned upgrade went wrong. Thousands of customers "
            "complained.")
    names = {c.name for c in nlp(text)._.components}
    assert "Northway Bank" in names and not any(n.startswith("Customers") for n in names)


def test_a_sentence_case_section_heading_names_no_component(nlp):
    text = ("Impact\n\nSearch requests failed for 52 minutes.\n\nRoot causes\n\nA new ranking model was rolled out "
            "to all search nodes at once, and the nodes started swapping.")
    assert "Root" not in {c.name for c in nlp(text)._.components}


@pytest.mark.parametrize("text", [
    "Hospitals that rely on Telwave's network could not connect.",
    "Millions of customers of Telwave, the country's second-largest mobile operator, lost service.",
])
def test_a_name_that_owns_a_system_or_is_said_to_be_an_operator_is_a_component(nlp, text):
    assert "Telwave" in {c.name for c in nlp(text)._.components}


def test_a_person_s_full_name_owning_a_server_is_no_component(nlp):
    assert nlp("Maria Lopez's server crashed.")._.components == []


@pytest.mark.parametrize("text, word", [
    ("Early speculation blamed a DDoS attack on the CDN.", "DDoS"),
    ("A few people linked to material on ReDoS, regular-expression denial of service.", "ReDoS"),
])
def test_a_kind_of_attack_is_no_component(nlp, text, word):
    assert word not in {c.name for c in nlp(text)._.components}

