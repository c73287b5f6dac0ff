"""The application factory: configuration order, probes, lazy nlp, and the CLI commands."""

from __future__ import annotations

import threading

import pytest

from app import create_app, load_config
from web.limits import Limits
from web.resources import Lazy


def test_config_mapping_beats_environment_beats_defaults(monkeypatch, tmp_path, nlp):
    monkeypatch.setenv("ARTICLE_MAX_CHARS", "123")
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "4096")
    app = create_app({"DATA_DIR": str(tmp_path), "NLP": nlp, "MAX_CONTENT_LENGTH": 999})
    assert app.config["ARTICLE_MAX_CHARS"] == 123
    assert app.config["MAX_CONTENT_LENGTH"] == 999
    assert Limits.from_config({}, environ={}).max_content_length == 2 * 1024 * 1024


def test_bad_environment_value_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("ARTICLE_MAX_CHARS", "lots")
    with pytest.raises(ValueError, match="ARTICLE_MAX_CHARS='lots'"):
        create_app({"DATA_DIR": str(tmp_path)})
    with pytest.raises(ValueError, match="GRAPH_MAX_BATCH_BYTES='lots'"):
        load_config(environ={"GRAPH_MAX_BATCH_BYTES": "lots"})


def test_healthz_reports_the_embedded_store(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["store"] == "embedded" and resp.get_json()["reachable"] is True


def test_readyz_is_ready_with_the_nlp_pipeline(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json()["ready"] is True and resp.get_json()["nlp"] == "loaded"


def test_readyz_is_503_when_the_pipeline_cannot_load(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})

    def broken():
        raise OSError("model missing")

    app.extensions["nlp"] = Lazy(broken)
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json() == {"ready": False, "store": resp.get_json()["store"], "nlp": "OSError"}


def test_two_apps_have_separate_stores(make_app, tmp_path, nlp):
    first = make_app()
    second = create_app({"DATA_DIR": str(tmp_path / "other"), "NLP": nlp})
    first.test_client().post("/api/incidents", json={"id": "only-in-first", "title": "x"})
    assert second.test_client().get("/api/incidents").get_json()["incidents"] == []


def test_lazy_builds_once_under_concurrent_first_use():
    calls: list[int] = []
    gate = threading.Barrier(8)

    def factory() -> str:
        calls.append(1)
        return "pipeline"

    lazy = Lazy(factory)

    def use() -> None:
        gate.wait()
        assert lazy.get() == "pipeline"

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]


def test_ingest_command_printed_the_summary_and_link_report(seeded_app, seed_id):
    out = seeded_app.config["INGEST_OUTPUT"]
    assert f"incident {seed_id}" in out
    assert "articles     4 (4 new, 0 failed)" in out
    assert "model links: " in out


def test_ingest_command_fails_when_every_file_fails(app, tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    result = app.test_cli_runner().invoke(args=["ingest", str(bad), "--incident", "bad-one"])
    assert result.exit_code == 1
    assert "every file failed" in result.output


def test_check_links_command_reports_links_and_fails_on_unlinked_elements(seeded_app, seed_id):
    result = seeded_app.test_cli_runner().invoke(args=["check-links", "--incident", seed_id])
    model = seeded_app.test_client().get(f"/api/model?incident={seed_id}").get_json()
    linked = [link for link in model["links"] if link["node_id"]]
    first_line = result.output.splitlines()[0]
    assert first_line == f"model links: {len(linked)} linked, {len(model['unlinked'])} without a node"
    assert result.exit_code == (1 if model["unlinked"] else 0)


def test_check_links_for_unknown_incident_fails(app):
    result = app.test_cli_runner().invoke(args=["check-links", "--incident", "nope"])
    assert result.exit_code != 0
    assert "no incident 'nope'" in result.output


def test_check_links_all_relinks_every_incident_and_reports_each(app):
    client = app.test_client()
    for iid, text in (("one-dns", ("A bad DNS change at Contoso made its customer database unreachable on 3 March "
                                  "2026, so checkout failed.")),
                      ("two-cert", ("The signing certificate of Fabrikam's login gateway expired on 4 March 2026, "
                                   "so every login failed for two hours."))):
        client.post("/api/incidents", json={"id": iid, "title": iid})
        assert client.post(f"/api/incidents/{iid}/articles", json={"text": text}).status_code == 201
    result = app.test_cli_runner().invoke(args=["check-links", "--all"])
    assert "one-dns:" in result.output and "two-cert:" in result.output
    assert result.output.count("the model does not apply") == 2 and result.exit_code == 0


def test_check_links_needs_one_incident_or_all(app):
    assert app.test_cli_runner().invoke(args=["check-links"]).exit_code == 2
