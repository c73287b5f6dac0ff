"""ingest.writing.corpus.incident_year: stored TimePoints, then the batch's votes, then started_at, else none."""

from __future__ import annotations

from graph.build import IncidentIndex, ensure_incident
from graph.memory_store import MemoryStore
from graph.schema import IncidentNode, TimePointNode
from ingest.reading.sources import Article
from ingest.writing.corpus import incident_year, ingest_paths, ingest_text, voted_year
from tests.conftest import SEEDS


def index_of(store: MemoryStore, iid: str = "inc") -> IncidentIndex:
    return IncidentIndex(store, iid)


def day_points(store: MemoryStore, iid: str) -> list[str]:
    return sorted(d["utc"] for _, d in store.incident_graph(iid).nodes(data=True) if d["label"] == "TimePoint")


def test_a_date_range_posted_alone_without_a_published_date_keeps_its_written_year(nlp):
    store = MemoryStore(None)
    ingest_text(store, nlp, "inc", "DynamoDB failed on October 19 and 20, 2025 because of a race condition.")
    assert "2025-10-19T00:00:00Z" in day_points(store, "inc")


def test_stored_time_points_decide_before_the_batch():
    store = MemoryStore(None)
    ensure_incident(store, "inc", title="t")
    store.upsert([TimePointNode("inc:t:a", "inc", "2024-03-03T14:05:00Z", "14:05").to_node()])
    assert incident_year(index_of(store), [Article("On 3 May 2021 it broke.", "a")]) == 2024


def test_each_article_votes_with_its_written_years_else_its_published_year():
    articles = [Article("On October 19, 2023 it broke.", "a", published="2025-10"),
                Article("It broke.", "b", published="2025-10"), Article("It broke.", "c", published="2025-11-02")]
    assert voted_year(articles) == 2025


def test_a_tie_goes_to_the_earlier_article():
    articles = [Article("It broke on 3 May 2022.", "a"), Article("It broke on 4 May 2021.", "b")]
    assert voted_year(articles) == 2022
    assert voted_year(articles[::-1]) == 2021


def test_a_bare_year_or_a_month_is_no_vote():
    assert voted_year([Article("In 2023 it broke, and again in October 2024.", "a")]) is None


def test_without_votes_the_incident_start_decides_else_nothing_does():
    store = MemoryStore(None)
    ensure_incident(store, "inc", title="t")
    assert incident_year(index_of(store), [Article("It broke.", "a")]) is None
    store.upsert([IncidentNode("inc", "inc", "t", started_at="2019-02-03T04:05:00Z").to_node()])
    assert incident_year(index_of(store), [Article("It broke.", "a")]) == 2019


def test_a_dateless_account_falls_in_the_year_of_the_incident_metadata(nlp):
    store = MemoryStore(None)
    store.upsert([IncidentNode("inc", "inc", "t", started_at="2019-02-03T04:05:00Z").to_node()])
    ingest_text(store, nlp, "inc", "On March 8 at 10:00 UTC the orders database failed.")
    assert "2019-03-08T10:00:00Z" in day_points(store, "inc")


def test_a_dateless_account_falls_in_the_year_its_title_writes(nlp):
    store = MemoryStore(None)
    ingest_text(store, nlp, "inc", "On March 8 at 10:00 UTC the orders database failed.",
                title="The March 2023 database outage")
    assert "2023-03-08T10:00:00Z" in day_points(store, "inc")


def test_seed_folder_resolves_to_2025_and_the_2023_typo_stays_a_claim(nlp):
    store = MemoryStore(None)
    ingest_paths(store, nlp, [str(SEEDS)], "seeds")
    graph = store.incident_graph("seeds")
    years = {d["utc"][:4] for _, d in graph.nodes(data=True) if d["label"] == "TimePoint"}
    assert years == {"2025"}
    claimed = {d.get("value", "")[:4] for _, d in graph.nodes(data=True) if d["label"] == "Claim" and d["kind"] == "date"}
    assert "2023" in claimed
