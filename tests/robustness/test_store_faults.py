"""Faults of the embedded store's folder: read-only, vanished, full. Reads go on, writes answer 503 with the truth.

A read-only file system is simulated by refusing every writing ``os.open`` under DATA_DIR
(the file lock and the journal open their files that way; reads do not), a full disk by an
fsync of the journal failing with ENOSPC after its record was written whole.
"""

from __future__ import annotations

import errno
import os

import pytest

from graph.errors import StoreUnavailable
from graph.journal import JOURNAL_NAME, JournalFile
from tests.robustness.problems import assert_problem

SECOND = ("On 9 May 2024 at 10:00 UTC an expired certificate on the Acme API gateway caused TLS handshake failures "
          "for every client. The gateway returned errors until engineers renewed the certificate at 11:30 UTC.")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"  # make_app's DATA_DIR


def read_only(monkeypatch, folder) -> None:
    real_open = os.open

    def refuse_writes(path, flags, *args, **kwargs):
        if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_writes)


def full_disk_on_journal_fsync(monkeypatch) -> None:
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(JOURNAL_NAME):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def assert_unavailable_without_paths(resp, folder) -> dict:
    body = assert_problem(resp, 503, type="urn:problem:store-unavailable")
    assert resp.headers["Retry-After"] == "5"
    assert str(folder) not in resp.get_data(as_text=True) and "journal" not in body["detail"]
    return body


def test_read_only_data_dir_is_503_for_writes_while_reads_go_on(client, incident, data_dir, monkeypatch):
    read_only(monkeypatch, data_dir)
    body = assert_unavailable_without_paths(client.post("/api/incidents/rb/articles", json={"text": SECOND}),
                                            data_dir)
    assert "Read-only file system" in body["detail"] and "nothing was stored" in body["detail"]
    assert_unavailable_without_paths(client.post("/api/incidents", json={"id": "new", "title": "New"}), data_dir)
    assert client.get("/api/incidents/rb").get_json()["sources"] == 1
    assert client.get("/api/incidents/rb/root-causes").status_code == 200
    monkeypatch.undo()  # the folder is writable again: writes resume without a restart
    assert client.post("/api/incidents/rb/articles", json={"text": SECOND}).status_code == 201


def test_vanished_data_dir_keeps_reads_refuses_writes_and_resumes_when_back(client, incident, data_dir):
    away = data_dir.with_name("away")
    data_dir.rename(away)
    assert client.get("/api/incidents/rb").get_json()["sources"] == 1  # what was read is still served
    body = assert_unavailable_without_paths(client.post("/api/incidents/rb/articles", json={"text": SECOND}),
                                            data_dir)
    assert "missing" in body["detail"]
    assert not data_dir.exists()  # the write did not create an empty folder in its place
    away.rename(data_dir)
    assert client.post("/api/incidents/rb/articles", json={"text": SECOND}).status_code == 201
    assert client.get("/api/incidents/rb").get_json()["sources"] == 2


def test_full_disk_503_says_nothing_was_stored_and_that_is_true_after_a_restart(make_app, client, incident,
                                                                                 data_dir, monkeypatch):
    journal = data_dir / JOURNAL_NAME
    size = journal.stat().st_size
    full_disk_on_journal_fsync(monkeypatch)
    body = assert_unavailable_without_paths(client.post("/api/incidents/rb/articles", json={"text": SECOND}),
                                            data_dir)
    assert "No space left on device" in body["detail"] and "nothing was stored" in body["detail"]
    monkeypatch.undo()
    assert journal.stat().st_size == size  # the record written whole was cut back off
    assert make_app().test_client().get("/api/incidents/rb").get_json()["sources"] == 1
    assert client.post("/api/incidents/rb/articles", json={"text": SECOND}).status_code == 201


def test_an_append_that_cannot_be_cut_back_says_it_may_have_been_stored(tmp_path, monkeypatch):
    journal = JournalFile(tmp_path / JOURNAL_NAME)
    stat = journal.create(0)
    full_disk_on_journal_fsync(monkeypatch)

    def no_truncate(fd, length):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "ftruncate", no_truncate)
    with pytest.raises(OSError) as caught:
        journal.append(b"{}\n", inode=stat.st_ino, offset=stat.st_size)
    assert caught.value.cut_back is False


def test_a_failure_while_linking_the_model_stores_nothing_of_the_article(client, incident, monkeypatch):
    import workflows.articles

    def links_fail(store, index):
        raise StoreUnavailable("disk gone", public="the data folder cannot be written (Input/output error)")

    monkeypatch.setattr(workflows.articles, "update_links", links_fail)
    assert_problem(client.post("/api/incidents/rb/articles", json={"text": SECOND}), 503)
    assert client.get("/api/incidents/rb").get_json()["sources"] == 1
    monkeypatch.undo()
    assert client.post("/api/incidents/rb/articles", json={"text": SECOND}).status_code == 201


def test_healthz_shows_no_server_path_even_when_reads_need_the_token(make_app, data_dir):
    client = make_app(API_TOKEN="s3cret", API_TOKEN_READS="1").test_client()
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert str(data_dir) not in resp.get_data(as_text=True) and "path" not in resp.get_json()
    assert resp.get_json()["writable"] is True
