"""Re-extracting an incident: rebuild its graph from the stored article texts, then relink the model.

``flask reingest`` calls ``reingest_and_relink``; ``ingest.writing.reextract`` does the rebuild and
``analysis.model.links.relink`` rewrites the model's links to the rebuilt nodes (or removes them
where the model no longer applies).
"""

from __future__ import annotations

from spacy.language import Language

from analysis.model.links import LinkReport, relink
from graph.store import GraphStore
from ingest.writing.budget import Budget
from ingest.writing.reextract import ReingestReport, reingest_incident


def reingest_and_relink(store: GraphStore, nlp: Language, incident_id: str, *,
                        workers: int | None = None, budget: Budget | None = None
                        ) -> tuple[ReingestReport, LinkReport | None]:
    """Rebuild ``incident_id`` from its stored texts; relink the model if anything was rebuilt.

    Returns the rebuild's report and the link report (None when nothing was rebuilt). With a ``budget``
    each article is read held to it; BudgetExceeded (naming the article) if one is over, and nothing changed.
    """
    report = reingest_incident(store, nlp, incident_id, workers=workers, budget=budget)
    return report, relink(store, incident_id) if report.rebuilt else None
