"""Hand-built incidents for the analysis tests, each told the way a write-up tells it.

``dns_race`` paraphrases the AWS us-east-1 write-ups (a DNS race leaves an empty
record; DNS failures are the first symptom; the EC2 cascade follows). ``tls_expiry``
is a different outage (an expired certificate) so nothing can lean on AWS words.
"""

from __future__ import annotations

import networkx as nx

from tests.analysis.graph_builder import IncidentBuilder

BLOG, NEWS, NOTES = "blog", "news", "notes"


def dns_race(*, claims: bool = True, iid: str = "aws") -> IncidentBuilder:
    """The DNS race incident; with ``claims=False`` only the causal structure is told."""
    b = IncidentBuilder(iid, "Regional outage")
    b.source(BLOG, "How the outage happened")
    b.source(NEWS, "Cloud outage news report")
    b.source(NOTES, "Engineering notes on the outage")
    for key, name, kind in [("dynamodb", "DynamoDB", "service"), ("dns-enactor", "DNS Enactor", "subsystem"),
                            ("dns-planner", "DNS Planner", "subsystem"), ("dns", "DNS", "infrastructure"),
                            ("ec2", "EC2", "service"), ("dwfm", "DropletWorkflow Manager", "subsystem"),
                            ("nlb", "Network Load Balancer", "service"), ("lambda", "Lambda", "customer")]:
        b.component(key, name, kind, aliases=["DWFM"] if key == "dwfm" else [])
    b.depends("ec2", "dwfm")
    b.depends("dwfm", "dynamodb")
    b.depends("lambda", "nlb")
    b.event("enactor-delay", "unusually high delays in a DNS Enactor", "condition", components=["dns-enactor"],
            says=[(BLOG, "One DNS Enactor experienced unusually high delays.")], unexplained=True)
    b.event("planner-continued", "DNS Planner continued generating new plans", "action",
            components=["dns-planner"], says=[(NOTES, "The DNS Planner continued generating new plans.")])
    b.event("race", "race condition in the DNS management system", "condition", components=["dynamodb"],
            says=[(BLOG, "The root cause was a race condition."), (NEWS, "A race condition took out DynamoDB.")])
    b.event("plans-deleted", "deletion of older DNS plans", "action",
            says=[(NOTES, "This led to the deletion of older plans.")])
    b.event("empty-record", "empty DNS record for the regional endpoint", "failure", at="2025-10-20T06:48:00Z",
            components=["dns", "dynamodb"], says=[(BLOG, "The endpoint's DNS record was left empty.")])
    b.event("dns-failure", "DNS resolution failures", "symptom", at="2025-10-20T06:48:00Z", components=["dns"],
            says=[(BLOG, "DNS failures were the first symptom.")], observable=True)
    b.event("dynamo-unreachable", "DynamoDB endpoint unreachable", "failure", at="2025-10-20T06:48:00Z",
            until="2025-10-20T09:25:00Z", components=["dynamodb"], says=[(NEWS, "Systems could not reach DynamoDB.")])
    b.event("leases", "DWFM lease timeouts", "failure", components=["dwfm"],
            says=[(NOTES, "Droplet leases timed out.")])
    b.event("collapse", "congestive collapse of DWFM", "failure", components=["dwfm"],
            says=[(NOTES, "DWFM entered congestive collapse.")])
    b.event("nlb-checks", "NLB health check failures", "failure", components=["nlb"],
            says=[(NEWS, "Health checks failed on the NLB.")])
    b.event("lambda-errors", "Lambda invocation errors", "impact", components=["lambda"],
            says=[(NEWS, "Lambda invocations failed.")])
    b.event("dynamo-recovered", "DynamoDB recovered", "recovery", at="2025-10-20T09:25:00Z",
            components=["dynamodb"], says=[(BLOG, "DynamoDB recovered at 2:25 AM PDT.")])
    b.event("all-recovered", "all services recovered", "recovery", at="2025-10-20T20:50:00Z",
            says=[(NEWS, "All services were back by 1:50 PM PDT.")])
    b.event("automation-off", "DNS automation disabled globally", "mitigation", components=["dns-planner"],
            says=[(NEWS, "The automation was disabled worldwide.")])
    b.causes("enactor-delay", "race", "triggered", 0.9, says=[(BLOG, "The delay triggered the race.", "triggered")])
    b.causes("planner-continued", "plans-deleted", "led to", 0.8)
    b.causes("race", "empty-record", "resulted in", 0.9, says=[(BLOG, "The race left the record empty.")])
    b.causes("plans-deleted", "empty-record", "resulted in", 0.7)
    b.causes("empty-record", "dns-failure", "caused", 0.9)
    b.causes("dns-failure", "dynamo-unreachable", "caused", 0.8)
    b.causes("dynamo-unreachable", "leases", "led to", 0.8)
    b.causes("leases", "collapse", "resulted in", 0.8)
    b.causes("collapse", "nlb-checks", "triggered", 0.7)
    b.causes("nlb-checks", "lambda-errors", "caused", 0.7)
    if claims:
        _dns_race_claims(b)
    return b


def _dns_race_claims(b: IncidentBuilder) -> None:
    ev = lambda key: b.id("Event", key)
    b.claim("root-blog", "root_cause", "The root cause was a race condition.", ev("race"), BLOG)
    b.claim("root-news", "root_cause", "The outage was the result of a race condition.", ev("race"), NEWS)
    b.claim("first-dns", "first_symptom", "The DNS failure was the first symptom.", ev("dns-failure"), BLOG)
    b.claim("not-root-dns", "not_root_cause", "DNS was not the root cause.", ev("dns-failure"), BLOG)
    b.claim("delay-unexplained", "unexplained", "The cause of the delay was not explained.",
            ev("enactor-delay"), BLOG)
    b.claim("why-delay", "question", "Why did the Enactor slow down?", ev("enactor-delay"), NOTES)
    b.claim("year-blog", "date", "on 20 October 2025", b.iid, BLOG, "2025-10-20")
    b.claim("year-news", "date", "on 20 October 2023", b.iid, NEWS, "2023-10-20")
    b.claim("year-notes", "date", "October 20, 2025", b.iid, NOTES, "2025-10-20")
    b.contradicts("year-news", "year-blog")
    b.claim("start-notes", "time", "11:48 PM PDT (7:48 AM UTC)", ev("dynamo-unreachable"), NOTES,
            "2025-10-20T07:48:00Z")


def tls_expiry(iid: str = "tls") -> nx.MultiDiGraph:
    """Another system: a renewal job fails, the certificate expires, handshakes fail, the API errors."""
    b = IncidentBuilder(iid, "API outage after certificate expiry")
    b.source("pm", "Postmortem: API outage")
    for key, name, kind in [("cert-manager", "certificate manager", "subsystem"), ("gateway", "API gateway", "service"),
                            ("checkout", "checkout", "customer")]:
        b.component(key, name, kind)
    b.depends("checkout", "gateway")
    b.event("renewal-failed", "certificate renewal job failed silently", "failure", components=["cert-manager"],
            says=[("pm", "The renewal job failed without alerting.")])
    b.event("cert-expired", "TLS certificate expired", "condition", at="2024-03-01T00:00:00Z",
            says=[("pm", "The certificate expired at midnight UTC.")])
    b.event("handshakes", "TLS handshake failures", "symptom", at="2024-03-01T00:01:00Z", components=["gateway"],
            says=[("pm", "Clients saw TLS handshake failures.")])
    b.event("api-errors", "API errors for customers", "impact", at="2024-03-01T00:05:00Z",
            says=[("pm", "Customers received API errors.")])
    b.event("renewed", "certificate renewed by on-call", "recovery", at="2024-03-01T01:30:00Z",
            says=[("pm", "On-call renewed the certificate.")])
    b.causes("renewal-failed", "cert-expired", "because", 0.8)
    b.causes("cert-expired", "handshakes", "caused", 0.9)
    b.causes("handshakes", "api-errors", "resulted in", 0.9)
    return b.build()
