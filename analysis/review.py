"""The postmortem review pack of one incident, rendered as Markdown, HTML, CSV or JSON.

``review_pack(graph, incident_id=...)`` asks the analysis layer every question a
review meeting asks (root cause versus symptoms, five whys, timeline, blast
radius, conflicts, open questions), removes each cause from the graph to see what it
averts, and, where the model applies, runs its fix scenarios to tie candidate action
items to their effect. Every table is a pandas DataFrame
(built in :mod:`analysis.review_tables` and :mod:`analysis.review_actions`);
the renderers only format them, escaping every text taken from an article.

>>> pack = ReviewPack("i", "Outage", ["One line."], [Section("t", "Table", "", pd.DataFrame([{"A": "=1+1"}]))])
>>> print(pack.to_csv().strip())
section,A
t,'=1+1
>>> print(pack.to_markdown().splitlines()[-1])
| =1+1 |
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from analysis.causal import blast_radius, root_causes
from analysis.conflicts import conflicts
from analysis.model.scope import graph_scope
from analysis.review_actions import action_items_table
from analysis.review_corrections import reviewer_changes_table
from analysis.review_tables import (
    blast_table,
    conflicts_table,
    five_whys_table,
    local_clock,
    questions_table,
    roles_table,
    sources_table,
    summary_lines,
    timeline_table,
)
from analysis.timeline import timeline

# Spreadsheet programs run a cell starting with one of these as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Section:
    """One part of the review: a key (the CSV ``section`` value), a heading, a sentence and a table."""

    key: str
    heading: str
    intro: str
    table: pd.DataFrame


@dataclass
class ReviewPack:
    """A postmortem review: title, summary lines and sections, each with its table."""

    incident_id: str
    title: str
    summary: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict: summary, and each section's rows as records (empty cells as null)."""
        return {"incident_id": self.incident_id, "title": self.title, "summary": list(self.summary),
                "sections": [{"key": s.key, "heading": s.heading, "intro": s.intro, "columns": list(s.table.columns),
                              "rows": [{k: _json_value(v) for k, v in row.items()}
                                       for row in s.table.to_dict(orient="records")]}
                             for s in self.sections]}

    def to_csv(self) -> str:
        """One tidy table for tooling: a ``section`` column, then the union of every section's columns.

        Cells that a spreadsheet would run as a formula are prefixed with a single quote.
        """
        frames = [s.table.assign(section=s.key) for s in self.sections if not s.table.empty]
        if not frames:
            return "section\n"
        table = pd.concat(frames, ignore_index=True)
        table = table[["section"] + [c for c in table.columns if c != "section"]]
        table = table.astype(object).where(table.notna(), "").map(_defuse)
        return table.to_csv(index=False, lineterminator="\n")

    def to_markdown(self) -> str:
        """A Markdown document for people: headings, the summary as bullets, pipe tables."""
        lines = [f"# {_md_text(self.title)}", "", f"Incident `{self.incident_id}`", ""]
        lines += [f"- {_md_text(line)}" for line in self.summary]
        for section in self.sections:
            lines += ["", f"## {section.heading}", ""]
            if section.intro:
                lines += [_md_text(section.intro), ""]
            lines += _md_table(section.table)
        return "\n".join(lines) + "\n"

    def to_html(self, *, standalone: bool = True) -> str:
        """HTML with every text escaped; a whole document unless ``standalone`` is False (then an <article>)."""
        esc = html.escape
        parts = [f"<article class=\"review-pack\"><h1>{esc(self.title)}</h1>",
                 f"<p>Incident <code>{esc(self.incident_id)}</code></p><ul class=\"summary\">"]
        parts += [f"<li>{esc(line)}</li>" for line in self.summary]
        parts.append("</ul>")
        for section in self.sections:
            parts.append(f"<section id=\"{esc(section.key)}\"><h2>{esc(section.heading)}</h2>")
            if section.intro:
                parts.append(f"<p>{esc(section.intro)}</p>")
            if section.table.empty:
                parts.append("<p><em>Nothing to show.</em></p>")
            else:
                parts.append(_table_html(section.table))
            parts.append("</section>")
        parts.append("</article>")
        body = "\n".join(parts)
        if not standalone:
            return body
        return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(self.title)}</title>"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>"
                f"<body>\n{body}\n</body></html>\n")


def _table_html(table: pd.DataFrame) -> str:
    """A table as escaped HTML without pandas' inline header style (pages forbid inline styles by CSP)."""
    out = table.to_html(index=False, escape=True, border=0, na_rep="", classes="data", justify="left")
    # Cell text is escaped (its quotes become &quot;), so this matches only the attribute pandas writes.
    return out.replace(' style="text-align: left;"', "")


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _defuse(value: Any) -> Any:
    """A cell made safe for spreadsheets: strings starting with a formula character get a leading quote.

    >>> _defuse("=HYPERLINK(1)"), _defuse("-3"), _defuse("ok"), _defuse(2)
    ("'=HYPERLINK(1)", "'-3", 'ok', 2)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _md_text(value: Any) -> str:
    """Text for a Markdown table cell or line: no line breaks, pipes escaped, and HTML escaped (Markdown passes
    raw HTML through, so a title "<script>" would run in whatever renders the export).

    >>> _md_text("<img src=x onerror=alert(1)> | R&D")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| R&amp;D'
    """
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _md_table(table: pd.DataFrame) -> list[str]:
    if table.empty:
        return ["_Nothing to show._"]
    out = io.StringIO()
    out.write("| " + " | ".join(_md_text(c) for c in table.columns) + " |\n")
    out.write("|" + "|".join(" --- " for _ in table.columns) + "|\n")
    for row in table.itertuples(index=False):
        out.write("| " + " | ".join(_md_text(v) for v in row) + " |\n")
    return out.getvalue().rstrip("\n").split("\n")


def review_pack(graph: nx.MultiDiGraph, *, incident_id: str, title: str | None = None) -> ReviewPack:
    """The review pack of one exported incident graph (``store.incident_graph(incident_id)``).

    Raises ValueError if ``graph`` holds no events to review.
    """
    if not any(attrs.get("label") == "Event" for _, attrs in graph.nodes(data=True)):
        raise ValueError(f"incident {incident_id!r} has no events to review: add articles first")
    report = root_causes(graph).to_dict()
    times = timeline(graph).to_dict()
    blast = blast_radius(graph).to_dict()
    disputes = conflicts(graph).to_dict()
    title = title or _incident_title(graph, incident_id)
    sections = [
        Section("roles", "Root cause versus symptoms", "Each event in its role, with the quotes that support it.",
                roles_table(report)),
        Section("five_whys", "Five whys", "From the main impact back to the root cause, one 'why' per row.",
                five_whys_table(graph, report)),
        Section("timeline", "Timeline", "Milestones in UTC and in the local zone the articles used.",
                timeline_table(times, local_clock(graph))),
        Section("blast_radius", "Blast radius", "Every component hit, and the path that explains why.",
                blast_table(blast)),
        Section("conflicts", "Conflicts between sources", "Claims that cannot all be true, and which is likelier.",
                conflicts_table(disputes)),
        Section("open_questions", "Open questions", "What the sources leave unexplained.", questions_table(report)),
        _actions_section(graph),
        Section("reviewer_changes", "Reviewer changes", "Corrections reviewers made, applied above what the "
                "articles say; withdrawn ones stay listed, and orphaned ones say what they name that is gone.",
                reviewer_changes_table(graph)),
        Section("sources", "Sources", "The articles this review is built from.", sources_table(graph)),
    ]
    return ReviewPack(incident_id, title, summary_lines(graph, report, times, blast, disputes), sections)


def _actions_section(graph: nx.MultiDiGraph) -> Section:
    table = action_items_table(graph)
    intro = ("Each cause removed from the graph, ranked by the customer-facing impacts it averts weighted by "
             "confidence")
    if (table["Basis"] == "model scenario").any():
        intro += "; then each model scenario, tied to the run that shows what it would have done to the outage."
    else:
        reason = graph_scope(graph).reason()
        intro += f". {reason[:1].upper()}{reason[1:]}, so no change is tied to a model run."
    return Section("action_items", "Candidate action items", intro, table)


def _incident_title(graph: nx.MultiDiGraph, incident_id: str) -> str:
    for _, attrs in graph.nodes(data=True):
        if attrs.get("label") == "Incident" and attrs.get("title"):
            return f"Postmortem review: {attrs['title']}"
    return f"Postmortem review: {incident_id}"
