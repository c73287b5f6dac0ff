"""Ingest articles into a GraphStore: one text (the API), or files, folders and globs (the CLI).

Both parse with the one ``nlp`` built by ``ingest.language.pipeline.build_nlp`` (many
articles go through ``nlp.pipe`` in batches, in worker processes from
``ingest.writing.workers.MIN_PARALLEL`` articles on), extract with
``ingest.extraction.extract.extract_article``, upsert with ``graph.build.apply_extraction`` in input order
and then recompute the incident's CONTRADICTS edges from all of its claims
(``ingest.claims.contradictions``; the graph layer cannot import ingest) when the article
added any. An article already stored (same cleaned text) is not parsed again. The year
dates without a year fall in is decided once per batch, before reading it (``incident_year``).

Merging reads the incident through ``INDEXES`` (a ``graph.build.IndexCache``): one
export when this process first writes the incident or another writer changed it,
none otherwise, so an article costs about the same in a 10- or a 300-article incident.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from spacy.language import Language

from graph.build import IncidentIndex, IndexCache, apply_extraction, ensure_incident
from graph.schema import Extraction, Node, node_id
from graph.store import GraphStore
from ingest.claims.contradiction_updates import new_contradiction_edges
from ingest.extraction.extract import NO_CONTENT
from ingest.lexicon import load_cues
from ingest.reading.sources import Article, ArticleRejected, article_from_text, read_article
from ingest.timing.times import WRITTEN_YEAR, TimeContext, extract_times
from ingest.writing.budget import Budget, BudgetExceeded, extract_within, extractions_within
from ingest.writing.workers import extractions, worker_count

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json")
# This process's merge indexes of recently written incidents (see graph.build.IndexCache).
INDEXES = IndexCache()
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")


@dataclass
class ArticleResult:
    """One ingested article: its Source id, whether it was new, counts of what it added, warnings."""

    article_id: str
    created: bool
    added: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    title: str = ""
    path: str | None = None


@dataclass
class CorpusReport:
    """What ingest_paths did: per-article results, files that failed (path, reason), and incident totals."""

    incident_id: str
    articles: list[ArticleResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text summary table of the incident after ingesting."""
        new = sum(1 for a in self.articles if a.created)
        rows = [("articles", f"{self.totals.get('Source', 0)} ({new} new, {len(self.errors)} failed)")]
        for label, key in (("components", "Component"), ("events", "Event"), ("causal edges", "CAUSES"),
                           ("time points", "TimePoint"), ("claims", "Claim"), ("conflicts", "CONTRADICTS")):
            rows.append((label, str(self.totals.get(key, 0))))
        lines = [f"incident {self.incident_id}"] + [f"  {name:<13}{value}" for name, value in rows]
        lines += [f"  error: {path}: {reason}" for path, reason in self.errors]
        return "\n".join(lines)


def incident_totals(index: IncidentIndex) -> dict[str, int]:
    """Counts of the incident's nodes by label and edges by type."""
    out: dict[str, int] = {}
    for data in index.nodes.values():
        out[data["label"]] = out.get(data["label"], 0) + 1
    for rel_type, _, _ in index.edge_keys:
        out[rel_type] = out.get(rel_type, 0) + 1
    return out


def refresh_contradictions(store: GraphStore, incident_id: str, *, index: IncidentIndex | None = None) -> int:
    """Add CONTRADICTS edges for every pair of the incident's claims that disagree; return how many are new.

    Pass the ``index`` used for the batch just ingested to avoid reading the incident again; with
    it, nothing is checked when no claim was added since its last refresh (a new pair of
    disagreeing claims needs a new claim: every check is a function of the set of claims).
    """
    if index is None:
        index = IncidentIndex(store, incident_id)
    elif not index.new_claims:
        return 0
    index.new_claims = False
    new = new_contradiction_edges(index)  # only the claims written since the last refresh are compared
    if new:
        index.upsert(store, [], new)
    return len(new)


def stored_year(index: IncidentIndex) -> int | None:
    """The year the incident's stored TimePoints mostly fall in (weighted by their sources), else None."""
    years: dict[int, int] = {}
    for utc, nid, _ in index.time_points():
        if utc[:4].isdigit():
            years[int(utc[:4])] = years.get(int(utc[:4]), 0) + len(index.nodes[nid].get("sources", [])) + 1
    return max(years, key=lambda y: (years[y], y)) if years else None


def written_years(article: Article) -> list[int]:
    """The years of the dates ``article`` writes with an explicit year, in text order, each once.

    Only full dates count ("October 19, 2025", "20 October 2025", "2025-10-20"); "in 2023" is no
    expression at all, and "October 2025" names a month, not a day.

    >>> written_years(Article("On October 19 and 20, 2025 DNS failed, as on 3 May 2021. In 2023 too.", "t"))
    [2025, 2021]
    """
    ctx = TimeContext(published=article.published)
    return list(dict.fromkeys(e.explicit_year for e in extract_times(article.text, ctx)
                              if e.explicit_year and e.kind in ("date", "clock") and e.precision != "month"
                              and _YEAR_RE.search(e.raw)))


def named_years(article: Article) -> list[int]:
    """The years ``article`` names its incident by ("the 2017 S3 outage", "2021's Facebook outage", "the
    February 2017 incident"), in text order, each once: a retrospective written years later says which
    outage it tells even when its dates write no year.

    >>> named_years(Article("Looking back at the 2017 S3 outage. In 2023 we moved.", "t"))
    [2017]
    """
    return list(dict.fromkeys(int(m.group(1)) for m in _incident_year_re().finditer(article.text)))


@lru_cache(maxsize=1)
def _incident_year_re() -> re.Pattern[str]:
    nouns = "|".join(load_cues()["incident_nouns"])
    return re.compile(rf"\b((?:19|20)\d{{2}})(?:'s)?\s+(?:[A-Z][\w.&-]*\s+){{0,3}}(?:{nouns})s?\b")


def title_year(article: Article, *, today: date | None = None) -> int | None:
    """The one year ``article``'s title writes ("The March 2023 outage", "Post-incident review 2023-03-08"),
    if it writes exactly one and it is not after today; else None.

    >>> title_year(Article("It broke.", "Datadog outage, March 2023")), title_year(Article("x", "From 2019 to 2023"))
    (2023, None)
    """
    years = {int(y) for y in WRITTEN_YEAR.findall(article.title or "")}
    year = next(iter(years)) if len(years) == 1 else None
    return year if year and year <= (today or date.today()).year else None


def voted_year(articles: Sequence[Article]) -> int | None:
    """The year most articles vote for: each votes once for every year its dates write, or else for the years
    it names its incident by ("the 2017 outage", ``named_years``), or else for the one year its title writes,
    or else for its published year (a retrospective published in 2024 about "the 2017 S3 outage" votes
    2017); a tie goes to the year voted for first (the earlier article). None without votes.

    >>> voted_year([Article("No dates here.", "a", published="2025-10"), Article("It broke.", "b"),
    ...             Article("On October 19, 2023 it broke.", "c", published="2025-10-23")])
    2025
    """
    votes: dict[int, int] = {}
    for article in articles:
        published = article.published or ""
        title = title_year(article)
        for year in written_years(article) or named_years(article) or ([title] if title else []) or (
                [int(published[:4])] if published[:4].isdigit() else []):
            votes[year] = votes.get(year, 0) + 1
    # max keeps the first of equal counts, and votes lists years in the order they were first voted for
    return max(votes, key=lambda y: votes[y]) if votes else None


def incident_year(index: IncidentIndex, articles: Sequence[Article]) -> int | None:
    """The year dates without a year fall in, decided once for a batch of ``articles`` before extracting it.

    In order: the year the incident's stored TimePoints mostly fall in; else the year the batch's
    articles vote for (``voted_year``); else the year of the Incident node's ``started_at``; else None, and
    ingest.timing.times takes the most recent year that fits the text (its weekdays) up to today. Passed to ingest.timing.times as TimeContext.incident_year, so a date written with another year
    (a typo such as "October 19, 2023" in a 2025 article) still resolves in the incident's year on the
    timeline, while the article's claims keep the written year for the contradiction check.
    """
    year = stored_year(index) or voted_year(articles)
    if year is None:
        started = str(index.nodes.get(index.incident_id, {}).get("started_at") or "")
        year = int(started[:4]) if started[:4].isdigit() else None
    return year


def _apply(store: GraphStore, index: IncidentIndex, article: Article, extraction: Extraction, *,
           keep_empty: bool) -> ArticleResult:
    """Write one article's extraction through ``index``; ArticleRejected for an empty one unless ``keep_empty``."""
    if NO_CONTENT in extraction.warnings and not keep_empty:
        raise ArticleRejected("no_incident_content", "no components or failure events were found in the text: "
                                                     "send an account of the outage, or store it with keep_empty")
    if extraction.source.order is None:
        extraction.source.order = index.sources
    report = apply_extraction(store, extraction, index=index)
    return ArticleResult(report.article_id, report.created, report.added, report.warnings, article.title,
                         article.name)


def ingest_text(store: GraphStore, nlp: Language, incident_id: str, text: str | bytes, *, title: str | None = None,
                source: str | None = None, published: str | None = None, keep_empty: bool = False,
                budget: Budget | None = None) -> ArticleResult:
    """Ingest one article given as text; the same text again returns created=False and changes nothing.

    Raises ArticleRejected for empty, binary, oversized or non-English input, and (reason
    "no_incident_content") for a text with no incident content unless ``keep_empty``. With a
    ``budget`` (the API's), the parse and extraction run in a child process ended at the budget
    (``ingest.writing.budget``): BudgetExceeded, and nothing stored, if it is spent.
    The model is not linked here: ``workflows.articles.add_articles`` does both in one write.
    """
    article = article_from_text(text, title=title, source=source, published=published)
    if store.get_node(incident_id) is None:
        ensure_incident(store, incident_id, title=incident_id)
    source_id = node_id(incident_id, "Source", article.content_hash[:16])
    if _is_stored(store, source_id, article):  # the same text again: nothing to parse or read
        return ArticleResult(source_id, False, title=article.title, path=article.name)
    with INDEXES.hold(store, incident_id) as index:
        report = CorpusReport(incident_id)
        write_articles(store, index, nlp, [article], report, keep_empty=keep_empty, budget=budget, strict=True)
    return report.articles[0]


def write_articles(store: GraphStore, index: IncidentIndex, nlp: Language, articles: Sequence[Article],
                   report: CorpusReport, *, keep_empty: bool = True, budget: Budget | None = None,
                   workers: int | None = None, progress: bool = False, strict: bool = False) -> None:
    """Read ``articles`` and write each one's extraction through ``index`` to ``store`` (a GraphStore, or the
    PendingWrite of ``IncidentIndex.one_write``), in order, then the incident's new CONTRADICTS edges.

    Articles already stored (same cleaned text, or twice in the batch) are reported as not created and not
    read. The year of dateless dates is decided once for the batch (``incident_year``). With a ``budget``
    each article is read in a child process held to it (``workers`` of them at once); else from
    ``ingest.writing.workers.MIN_PARALLEL`` new articles on, ``workers`` processes read them. A rejected
    article, or one over its budget (BudgetExceeded), is added to ``report.errors`` with nothing of it
    written, or raised with ``strict``. ``report.totals`` are the incident's counts afterwards.
    """
    todo = _new_articles(store, index.incident_id, list(articles), report)
    year = incident_year(index, articles)
    stream: Iterator[Extraction | BudgetExceeded]
    if budget is not None and strict and len(todo) == 1:  # the API's one article: raised as it comes
        ctx = TimeContext(published=todo[0].published, incident_year=year)
        stream = (extract_within(budget, nlp, a, index.incident_id, ctx=ctx) for a in todo)
    elif budget is not None:
        stream = extractions_within(budget, nlp, todo, index.incident_id, year=year, workers=worker_count(workers))
    else:
        stream = extractions(nlp, todo, index.incident_id, year=year, workers=worker_count(workers))
    with closing(stream) as extracted:
        pairs: Iterable[tuple[Article, Extraction]] = zip(todo, extracted)
        if progress:
            from tqdm import tqdm

            pairs = tqdm(pairs, total=len(todo), desc="ingest", unit="article")
        for article, extraction in pairs:
            try:
                if isinstance(extraction, BudgetExceeded):
                    raise extraction
                report.articles.append(_apply(store, index, article, extraction, keep_empty=keep_empty))
            except ArticleRejected as err:
                if strict:
                    raise
                report.errors.append((article.name or article.title, str(err)))
            except BudgetExceeded as err:
                if strict:
                    raise
                report.errors.append((article.name or article.title,
                                      f"{err}: skipped, nothing of it stored (raise {err.setting} to take it)"))
    conflicts = refresh_contradictions(store, index.incident_id, index=index)
    if conflicts and len(report.articles) == 1 and report.articles[0].created:
        report.articles[0].added["CONTRADICTS"] = conflicts
    report.totals = incident_totals(index)


def _manifest(folder: Path) -> dict:
    path = folder / "incident.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def expand_paths(paths: Iterable[str]) -> tuple[list[Path], dict]:
    """Article files named by ``paths`` (files, folders, globs), in order, and the first folder's incident.json."""
    files: list[Path] = []
    manifest: dict = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _manifest(path)
            manifest = manifest or found
            listed = [path / name for name in found.get("articles", [])]
            files += listed or sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES
                                      and not p.name.endswith(".meta.json") and p.name != "incident.json")
        elif any(ch in raw for ch in "*?["):
            files += [Path(p) for p in sorted(glob.glob(raw)) if not p.endswith(".meta.json")]
        else:
            files.append(path)
    return list(dict.fromkeys(files)), manifest


def _read_all(files: list[Path], report: CorpusReport) -> list[Article]:
    articles = []
    for path in files:
        try:
            article = read_article(path)
        except (ArticleRejected, OSError, ValueError) as err:
            report.errors.append((str(path), str(err)))
            continue
        article.name = article.name or str(path)
        articles.append(article)
    return articles


def read_paths(paths: list[str], report: CorpusReport) -> tuple[list[Article], dict]:
    """The articles of the files named by ``paths`` (files, folders, globs) and the first folder's
    incident.json; files that cannot be read go to ``report.errors``."""
    if not isinstance(paths, (list, tuple)) or not paths:
        raise ValueError("give at least one file, folder or glob to ingest")
    files, manifest = expand_paths(paths)
    return _read_all(files, report), manifest


def ingest_paths(store: GraphStore, nlp: Language, paths: list[str], incident_id: str, *, progress: bool = False,
                 keep_empty: bool = True, workers: int | None = None) -> CorpusReport:
    """Ingest every article under ``paths`` into one incident; bad files are reported in ``.errors``, not raised.

    A folder's incident.json supplies the incident's title and region (and which files are articles).
    From ``ingest.writing.workers.MIN_PARALLEL`` new articles on, ``workers`` processes read them (default: one
    per core; 1 reads in this process); the graph is the same whatever their number. The model is not
    linked here: ``workflows.articles.add_articles`` does both in one write.
    """
    report = CorpusReport(incident_id)
    articles, manifest = read_paths(paths, report)
    existing = store.get_node(incident_id)
    title = manifest.get("title") or (existing.props.get("title") if existing else None) or incident_id
    ensure_incident(store, incident_id, title=title, region=manifest.get("region"))
    with INDEXES.hold(store, incident_id) as index:
        write_articles(store, index, nlp, articles, report, keep_empty=keep_empty, workers=workers, progress=progress)
    return report


def _is_stored(store: GraphStore, source_id: str, article: Article) -> bool:
    """True if the article's Source is stored; one stored before Sources kept their text is given it now,
    so the incident can be read again (``ingest.writing.reextract``)."""
    node = store.get_node(source_id)
    if node is None:
        return False
    if "text" not in node.props and node.props.get("content_hash") == article.content_hash:
        store.upsert([Node("Source", source_id, {"incident": node.incident, "text": article.text})])
    return True


def _new_articles(store: GraphStore, incident_id: str, articles: list[Article], report: CorpusReport) -> list[Article]:
    """The articles to read: not stored yet, each text once; the others are reported as not created."""
    todo: dict[str, Article] = {}
    for article in articles:
        source_id = node_id(incident_id, "Source", article.content_hash[:16])
        if source_id in todo or _is_stored(store, source_id, article):
            report.articles.append(ArticleResult(source_id, False, title=article.title, path=article.name))
        else:
            todo[source_id] = article
    return list(todo.values())
