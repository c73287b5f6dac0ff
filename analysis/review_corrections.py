"""The review pack's "Reviewer changes" table: every correction of the incident, with its status.

>>> import networkx as nx
>>> reviewer_changes_table(nx.MultiDiGraph()).columns.tolist()
['When', 'Reviewer', 'Action', 'Change', 'Note', 'Status', 'Why', 'Id']
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from analysis.corrected_view import AppliedCorrection

COLUMNS = ["When", "Reviewer", "Action", "Change", "Note", "Status", "Why", "Id"]


def reviewer_changes_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """One row per correction of a corrected graph (``analysis.corrected_view.corrected_graph``), oldest first:
    applied ones say what they changed, withdrawn ones by whom, orphaned ones what they name that is gone."""
    rows = [_row(applied) for applied in graph.graph.get("corrections") or []]
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(applied: AppliedCorrection) -> dict[str, str]:
    c = applied.correction
    change = applied.said or ", ".join(f"{k}={v}" for k, v in c.fields.items())
    why = applied.reason
    if applied.status == "withdrawn":
        why = f"withdrawn by {c.withdrawn_by} on {c.withdrawn_at[:10]}"
    return {"When": c.at, "Reviewer": c.author, "Action": c.action, "Change": change, "Note": c.note,
            "Status": applied.status, "Why": why, "Id": c.id}
