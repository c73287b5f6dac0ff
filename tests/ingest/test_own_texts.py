"""Outage write-ups about other systems (tests/data/*.txt, written for these tests): the general rules carry over."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extraction.extract import extract_article
from ingest.reading.sources import article_from_text

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def parsed(nlp):
    return {p.stem: nlp(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*.txt"))}


def causes(doc) -> set[tuple[str, str, str]]:
    return {(c.cause, c.effect, c.cue) for c in doc._.causal}


def test_bgp_withdrawal_components(parsed):
    assert {c.slug for c in parsed["bgp_withdrawal"]._.components} == {"bgp", "cdn", "dns-resolver", "edge-router",
                                                                       "customer-website", "data-center"}


def test_bgp_withdrawal_chain(parsed):
    assert {("bgp withdrawal", "dns resolver unreachable", "make"),
            ("dns resolver unreachable", "customer website went down", "consequently"),
            ("customer website went down", "dashboard reachability failure", "prevent")} <= causes(parsed["bgp_withdrawal"])


def test_certificate_expiry_components_and_dependency(parsed):
    doc = parsed["cert_expiry"]
    assert {"tls-certificate", "identity-gateway", "login-service"} <= {c.slug for c in doc._.components}
    assert [(d.dependent, d.provider, d.cue) for d in doc._.depends] == [("login-service", "identity-gateway",
                                                                          "depend on")]


def test_certificate_expiry_causes_handshake_failures(parsed):
    doc = parsed["cert_expiry"]
    assert ("tls certificate expired", "tls handshake failure", "cause") in causes(doc)
    assert {e.summary for e in doc._.events} >= {"TLS certificate expired", "login service outage",
                                                  "login service recovered"}


def test_database_failover_events_and_dependency(parsed):
    doc = parsed["db_failover"]
    assert [(d.dependent, d.provider) for d in doc._.depends] == [("order-service", "postgresql")]
    kinds = {e.summary: e.kind for e in doc._.events}
    assert kinds["network link lost"] == "failure" and kinds["failover"] == "action"
    assert ("duplicate key", "500 errors", "lead to") in causes(doc)


def test_bgp_withdrawal_is_caused_by_the_change_that_withdrew_the_routes(parsed):
    assert ("configuration change", "bgp route withdrawn", "withdraw") in causes(parsed["bgp_withdrawal"])


def test_load_balancer_text_times_the_removal_and_links_it_to_the_errors(nlp):
    text = ("On 3 March 2024 at 14:05 UTC, a faulty configuration push to the Acme load balancer fleet removed "
            "the health check timeout. The missing timeout caused the load balancers to mark every backend as "
            "unhealthy. As a result, the Acme checkout service returned errors to customers for 40 minutes.")
    extraction = extract_article(nlp, article_from_text(text), "acme")
    events = {n.id: n.props for n in extraction.nodes if n.label == "Event"}
    assert events["acme:e:health-check-timeout-removed"]["at"] == "2024-03-03T14:05:00Z"
    # the removal -> the backends marked unhealthy (told in no lexicon word) -> the checkout errors
    assert [(e.source, e.target) for e in extraction.edges if e.type == "CAUSES"] == [
        ("acme:e:health-check-timeout-removed", "acme:e:backend-mark-unhealthy"),
        ("acme:e:backend-mark-unhealthy", "acme:e:checkout-service-errors")]
