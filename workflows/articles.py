"""Adding articles to an incident: read them, title the incident, link the model, as one write.

The API (one article) and ``flask ingest`` (files, folders, globs) both call ``add_articles``.
Its steps write through ``graph.build.IncidentIndex.one_write``, so the store receives one
batch: the articles' nodes and edges, their CONTRADICTS edges, the Incident's title and
region, and the model's ModelElement nodes and MODELS edges (``analysis.model.link_updates``;
written only once the model applies to the incident). If any step fails, or the store refuses
the batch, nothing of it is stored (on FalkorDB, which cannot roll back, the store's
compensation undoes a batch that failed part-way).

Merging reads the incident through ``ingest.writing.corpus.INDEXES``: one export when this
process first writes the incident or another writer changed it, none otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from analysis.model.link_updates import link_report, update_links
from analysis.model.links import LinkReport
from graph.build import ensure_incident
from graph.pending import PendingWrite
from graph.store import GraphStore
from ingest.reading.sources import Article
from ingest.writing.budget import Budget
from ingest.writing.corpus import INDEXES, CorpusReport, write_articles


@dataclass
class ArticlesAdded:
    """What ``add_articles`` stored: the articles read (and files that failed), and the model's links afterwards."""

    report: CorpusReport
    links: LinkReport


def add_articles(store: GraphStore, nlp: Language, incident_id: str, articles: Sequence[Article], *,
                 title: str | None = None, region: str | None = None, budget: Budget | None = None,
                 workers: int | None = None, keep_empty: bool = True, strict: bool = False,
                 progress: bool = False) -> ArticlesAdded:
    """Read ``articles`` into incident ``incident_id``, set its ``title`` and ``region`` (when given; a new
    incident is titled with its id), and bring the model's links up to date: all in one write, or nothing.

    Articles already stored are not read again (reported as not created). ``budget`` holds each read to
    the API's cost limits; ``workers`` reads many articles in processes; a rejected article is reported in
    ``report.errors``, or raised with ``strict`` (ArticleRejected). Raises what ``GraphStore.upsert`` raises
    (StoreUnavailable, IncidentFull, SchemaError), and then nothing is stored.
    """
    report = CorpusReport(incident_id)
    with INDEXES.hold(store, incident_id) as index:
        with index.one_write(store) as writer:
            title_incident(writer, incident_id, title=title, region=region)
            write_articles(writer, index, nlp, articles, report, keep_empty=keep_empty, budget=budget,
                           workers=workers, progress=progress, strict=strict)
            update_links(writer, index)
        return ArticlesAdded(report, link_report(index))


def title_incident(writer: PendingWrite, incident_id: str, *, title: str | None, region: str | None) -> None:
    """Give the incident ``title`` and ``region`` where given; create it, titled with its id, if it does not exist."""
    existing = writer.get_node(incident_id)
    if existing is None or title or region:
        current = existing.props.get("title") if existing is not None else None
        ensure_incident(writer, incident_id, title=title or current or incident_id, region=region)
