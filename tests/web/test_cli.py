"""The command line: flask --app app ingest and reingest, through Flask's CliRunner."""

from __future__ import annotations

import re
from pathlib import Path

from bench.costly_shapes import SHAPES
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


def test_ingest_skips_an_article_over_its_budget_names_the_setting_and_stores_the_others(make_app, tmp_path):
    app = make_app(INGEST_MAX_MB=64)
    (tmp_path / "a-fine.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (tmp_path / "b-costly.txt").write_text(SHAPES["brackets-20k"], encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ingest", str(tmp_path / "a-fine.txt"), str(tmp_path / "b-costly.txt"),
                                                "--incident", "acme", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "articles     1 (1 new, 1 failed)" in result.output
    assert re.search(r"error: b-costly.txt: reading the article .*\((INGEST_MAX_MB|INGEST_MAX_SECONDS)\): skipped, "
                     r"nothing of it stored \(raise \1 to take it\)", result.output), result.output
    graph = app.extensions["graph_store"].incident_graph("acme")
    sources = [d for _, d in graph.nodes(data=True) if d["label"] == "Source"]
    assert [s["text"] for s in sources] == [SHORT_ARTICLE]
    assert not any("(((" in str(d.get("text", "")) for _, d in graph.nodes(data=True))


def test_ingest_of_only_an_article_over_its_budget_fails_and_stores_nothing(make_app, tmp_path):
    app = make_app(INGEST_MAX_MB=64)
    (tmp_path / "costly.txt").write_text(SHAPES["brackets-20k"], encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ingest", str(tmp_path / "costly.txt"), "--incident", "acme"])
    assert result.exit_code == 1
    assert "(raise INGEST_MAX_" in result.output and "every file failed (1); nothing was ingested" in result.output
    assert app.extensions["graph_store"].counts("acme").get("Source", 0) == 0


def test_reingest_leaves_an_incident_with_an_article_over_its_budget_unchanged_naming_the_setting(make_app, tmp_path):
    app = make_app(INGEST_MAX_MB=64)
    ingest(app, tmp_path)
    store = app.extensions["graph_store"]
    source = next(n for n, d in store.incident_graph("acme").nodes(data=True) if d["label"] == "Source")
    # As if it had been stored under a larger budget: its stored text is now the costly shape.
    store.upsert([Node("Source", source, {"incident": "acme", "text": SHAPES["brackets-20k"]})])
    version = store.version("acme")
    result = app.test_cli_runner().invoke(args=["reingest", "--incident", "acme", "--workers", "1"])
    assert result.exit_code == 1
    # Which bound it meets first (memory or CPU time) depends on the machine; either is named.
    assert re.search(rf"incident acme: left unchanged: source {source} \('On 3 March.*'\): reading the article "
                     r".*\((INGEST_MAX_MB|INGEST_MAX_SECONDS)\)\n", result.output), result.output
    assert re.search(r"1 incident\(s\) left unchanged: an article is over its budget; raise "
                     r"(INGEST_MAX_MB|INGEST_MAX_SECONDS) to rebuild them", result.output), result.output
    assert store.version("acme") == version
