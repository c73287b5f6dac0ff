"""The command line: flask --app app ingest and reingest, through Flask's CliRunner."""

from __future__ import annotations

from pathlib import Path

from graph.schema import Edge, Node
from tests.web.conftest import SHORT_ARTICLE


def ingest(app, tmp_path: Path, iid: str = "acme") -> None:
    article = tmp_path / "acme.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ingest", str(article), "--incident", iid, "--workers", "1"])
    assert result.exit_code == 0, result.output


def test_reingest_prints_what_changed_and_links_the_model(app, tmp_path):
    ingest(app, tmp_path)
    store = app.extensions["graph_store"]
    before = sorted(store.incident_graph("acme").nodes)
    result = app.test_cli_runner().invoke(args=["reingest", "--incident", "acme"])
    assert result.exit_code == 0, result.output
    assert "incident acme: rebuilt from 1 sources" in result.output
    assert "  renamed  0\n  merged   0\n  added    0\n  dropped  0\n  edges    +0 -0" in result.output
    assert "model links:" in result.output
    assert sorted(store.incident_graph("acme").nodes) == before


def test_reingest_all_rebuilds_every_incident(app, tmp_path):
    ingest(app, tmp_path, "acme")
    ingest(app, tmp_path, "acme-two")
    result = app.test_cli_runner().invoke(args=["reingest", "--all", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "incident acme: rebuilt" in result.output and "incident acme-two: rebuilt" in result.output


def test_reingest_leaves_an_incident_with_an_old_source_unchanged_and_says_so(app, tmp_path):
    ingest(app, tmp_path)
    store = app.extensions["graph_store"]
    graph = store.incident_graph("acme")
    nodes = [Node(d["label"], n, {k: v for k, v in d.items() if k != "label" and (k, d["label"]) != ("text", "Source")})
             for n, d in graph.nodes(data=True)]  # as stored before Sources kept their text
    store.replace_incident("acme", nodes, [Edge(k, a, b, {x: y for x, y in d.items() if x != "type"})
                                           for a, b, k, d in graph.edges(keys=True, data=True)])
    version = store.version("acme")
    result = app.test_cli_runner().invoke(args=["reingest", "--incident", "acme"])
    assert result.exit_code == 1
    assert "incident acme: left unchanged: 1 of its 1 sources have no stored text" in result.output
    assert "1 incident(s) left unchanged" in result.output
    assert store.version("acme") == version
    ingest(app, tmp_path)  # the same file again gives the Source its text
    assert app.test_cli_runner().invoke(args=["reingest", "--incident", "acme"]).exit_code == 0


def test_reingest_needs_one_incident_or_all(app):
    result = app.test_cli_runner().invoke(args=["reingest"])
    assert result.exit_code == 2 and "give --incident ID or --all" in result.output


def test_reingest_of_an_unknown_incident_fails_with_its_name(app):
    result = app.test_cli_runner().invoke(args=["reingest", "--incident", "nope"])
    assert result.exit_code == 1 and "nope" in result.output
