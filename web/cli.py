"""Flask CLI commands: ``flask --app app ingest PATH... --incident ID``, ``reingest`` and ``check-links``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from analysis.model.links import LinkReport, relink
from graph.errors import GraphError
from ingest.writing.budget import BudgetExceeded
from ingest.writing.corpus import CorpusReport, read_paths
from ingest.writing.reextract import IncidentChanged
from web.limits import limits
from web.resources import graph_store
from workflows.articles import add_articles
from workflows.reextraction import reingest_and_relink


def link_summary(report: LinkReport) -> str:
    """The link report as text: one line per link, then the elements left without a node.

    >>> print(link_summary(LinkReport([("dns_planner", "i:c:dns-planner")], ["lease_timeout"])))
    model links: 1 linked, 1 without a node
      dns_planner -> i:c:dns-planner
      lease_timeout -> (no node)
    """
    lines = [f"model links: {len(report.links)} linked, {len(report.unlinked)} without a node"]
    lines += [f"  {element} -> {node}" for element, node in report.links]
    lines += [f"  {element} -> (no node)" for element in report.unlinked]
    if not report.applies:
        lines.append(f"the model does not apply (core elements without a node: {', '.join(report.missing_core)}): "
                     "no model nodes are stored for this incident")
    return "\n".join(lines)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--incident", "incident_id", required=True, help="Incident id (lower-case slug).")
@click.option("--title", help="Incident title; default: the folder's incident.json, else the id.")
@click.option("--region", help="Region, e.g. us-east-1; default: the folder's incident.json.")
@click.option("--workers", type=click.IntRange(min=1), help="Articles read at once, each in its own process held to "
              "INGEST_MAX_SECONDS and INGEST_MAX_MB; default: INGEST_WORKERS, else one per core.")
@with_appcontext
def ingest_command(paths: tuple[Path, ...], incident_id: str, title: str | None, region: str | None,
                   workers: int | None) -> None:
    """Ingest article files (or folders of them) into one incident, title it and link the model to its nodes:
    one write (``workflows.articles.add_articles``), so a failure stores none of it. Each article is read
    within the API's budget (INGEST_MAX_SECONDS, INGEST_MAX_MB): one over it is reported as an error and
    skipped, with nothing of it stored, like a file that cannot be read."""
    store = graph_store()
    nlp = current_app.extensions["nlp"].get()
    report = CorpusReport(incident_id)
    try:
        articles, manifest = read_paths([str(p) for p in paths], report)
        added = add_articles(store, nlp, incident_id, articles, progress=True, budget=limits().budget,
                             title=title or manifest.get("title"), region=region or manifest.get("region"),
                             workers=workers or current_app.config.get("INGEST_WORKERS"))
    except (GraphError, ValueError) as err:
        raise click.ClickException(str(err)) from err
    report.articles, report.totals = added.report.articles, added.report.totals
    report.errors += added.report.errors
    click.echo(report.table())
    click.echo(link_summary(added.links))
    if report.errors and not report.articles:
        raise click.ClickException(f"every file failed ({len(report.errors)}); nothing was ingested")


@click.command("reingest")
@click.option("--incident", "incident_id", help="Incident id to rebuild from its stored articles.")
@click.option("--all", "every", is_flag=True, help="Rebuild every incident.")
@click.option("--workers", type=click.IntRange(min=1), help="Articles read at once, each in its own process held to "
              "INGEST_MAX_SECONDS and INGEST_MAX_MB; default: INGEST_WORKERS, else one per core.")
@with_appcontext
def reingest_command(incident_id: str | None, every: bool, workers: int | None) -> None:
    """Rebuild incidents from their stored article texts with the current extractor; print what was renamed,
    merged, added and dropped, then link the model. Each article is read within INGEST_MAX_SECONDS and
    INGEST_MAX_MB; if one is over, its incident is left unchanged and the command fails naming the setting."""
    if bool(incident_id) == every:
        raise click.UsageError("give --incident ID or --all")
    store = graph_store()
    nlp = current_app.extensions["nlp"].get()
    unchanged, over = [], []
    try:
        for iid in store.incident_ids() if every else [incident_id]:
            try:
                report, links = reingest_and_relink(store, nlp, iid, budget=limits().budget,
                                                    workers=workers or current_app.config.get("INGEST_WORKERS"))
            except BudgetExceeded as err:
                click.echo(f"incident {iid}: left unchanged: {err}")
                over.append(err)
                continue
            click.echo(report.table())
            if links is not None:
                click.echo(link_summary(links))
            if not report.rebuilt:
                unchanged.append(iid)
    except (GraphError, IncidentChanged) as err:
        raise click.ClickException(str(err)) from err
    if over:
        settings = sorted({err.setting for err in over})
        raise click.ClickException(f"{len(over)} incident(s) left unchanged: an article is over its budget; raise "
                                   f"{' or '.join(settings)} to rebuild them")
    if unchanged:
        raise click.ClickException(f"{len(unchanged)} incident(s) left unchanged, some of their sources have no "
                                   f"stored text: {', '.join(unchanged)}")


@click.command("check-links")
@click.option("--incident", "incident_id", help="Incident id whose graph the model links to.")
@click.option("--all", "every", is_flag=True, help="Relink every incident of the store: model nodes are written "
                                                   "where the model applies and removed where it does not.")
@with_appcontext
def check_links_command(incident_id: str | None, every: bool) -> None:
    """Re-link every model element to an incident's graph nodes (or every incident's) and report elements left
    without a node; fails if an incident the model applies to has such elements."""
    if bool(incident_id) == every:
        raise click.UsageError("give --incident ID or --all")
    store = graph_store()
    short = []
    for iid in store.incident_ids() if every else [incident_id]:
        try:
            links = relink(store, iid)
        except GraphError as err:
            raise click.ClickException(str(err)) from err
        if every:
            click.echo(f"{iid}:")
        click.echo(link_summary(links))
        if links.applies and links.unlinked:
            short.append(f"{iid}: {len(links.unlinked)} model elements have no graph node")
    if short:
        raise click.ClickException("; ".join(short))
