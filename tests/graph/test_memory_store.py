"""The embedded store's persistence: restarts, crashes mid-write, corrupt files, processes sharing DATA_DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import StoreCorrupt, StoreUnavailable
from graph.journal import encode_record
from graph.memory_store import MemoryStore
from graph.schema import Edge, Node

ROOT = Path(__file__).resolve().parents[2]


def event(key: str, **props) -> Node:
    return Node("Event", f"i:e:{key}", {"incident": "i", **props})


def test_a_new_store_on_the_same_dir_sees_the_data(tmp_path):
    MemoryStore(tmp_path).upsert([event("a", evidence=["m1"]), event("b")],
                                 [Edge("CAUSES", "i:e:a", "i:e:b", {"incident": "i"})])
    again = MemoryStore(tmp_path)
    assert again.get_node("i:e:a").props == {"incident": "i", "evidence": ["m1"]}
    assert list(again.incident_graph("i").edges(keys=True)) == [("i:e:a", "i:e:b", "CAUSES")]
    assert again.version("i") == 1


def test_failed_journal_fsync_keeps_the_previous_state_in_memory_and_on_disk(tmp_path, monkeypatch):
    store = MemoryStore(tmp_path)
    store.upsert([event("a")])
    before = (tmp_path / "journal.jsonl").read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        store.upsert([event("b")])
    monkeypatch.undo()
    assert store.get_node("i:e:b") is None and store.version("i") == 1
    assert (tmp_path / "journal.jsonl").read_bytes() == before
    assert MemoryStore(tmp_path).get_node("i:e:b") is None
    store.upsert([event("c")])
    assert MemoryStore(tmp_path).version("i") == 2


CRASHING_WRITER = """
import os, signal, sys
from graph.memory_store import MemoryStore
from graph.schema import Node
store = MemoryStore(sys.argv[1])
real_write = os.write
def half_then_die(fd, data):
    real_write(fd, bytes(data[: len(data) // 2]))
    os.kill(os.getpid(), signal.SIGKILL)  # die with half a record in the journal
os.write = half_then_die
store.upsert([Node("Event", "i:e:b", {"incident": "i"})])
"""


def test_a_process_killed_mid_append_leaves_every_acknowledged_write(tmp_path):
    MemoryStore(tmp_path).upsert([event("a")])
    complete = (tmp_path / "journal.jsonl").read_bytes()
    result = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(tmp_path)], check=False, cwd=ROOT,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9
    assert len((tmp_path / "journal.jsonl").read_bytes()) > len(complete)  # it died with a torn record on disk
    reopened = MemoryStore(tmp_path)
    assert list(reopened.incident_graph("i")) == ["i:e:a"] and reopened.version("i") == 1
    assert (tmp_path / "journal.jsonl").read_bytes() == complete  # the torn tail was trimmed on open


def test_corrupt_file_raises_store_corrupt_and_is_left_untouched(tmp_path):
    path = tmp_path / "graph.json"
    path.write_bytes(b'{"format": 1, "nodes": [')
    with pytest.raises(StoreCorrupt, match=str(path)):
        MemoryStore(tmp_path)
    assert path.read_bytes() == b'{"format": 1, "nodes": ['


def test_store_that_finds_its_file_corrupted_refuses_to_write_over_it(tmp_path):
    store = MemoryStore(tmp_path)
    store.upsert([event("a")])
    path = tmp_path / "graph.json"
    path.write_bytes(b"garbage")
    with pytest.raises(StoreCorrupt):
        store.upsert([event("b")])
    assert path.read_bytes() == b"garbage"
    assert store.health()["reachable"] is False


def test_two_stores_on_one_dir_see_each_others_writes_and_lose_none(tmp_path):
    first, second = MemoryStore(tmp_path), MemoryStore(tmp_path)
    first.upsert([event("a", evidence=["m1"])])
    second.upsert([event("a", evidence=["m2"])])
    first.upsert([event("a", evidence=["m3"])])
    assert second.get_node("i:e:a").props["evidence"] == ["m1", "m2", "m3"]
    assert first.version("i") == second.version("i") == 3


def test_in_memory_store_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = MemoryStore(None)
    store.upsert([event("a")])
    assert list(tmp_path.iterdir()) == [] and store.health()["path"] is None


def test_stored_lists_do_not_change_when_the_callers_list_does(tmp_path):
    evidence = ["m1"]
    store = MemoryStore(tmp_path)
    store.upsert([event("a", evidence=evidence)])
    evidence.append("m2")
    assert store.get_node("i:e:a").props["evidence"] == ["m1"]


CONCURRENT_WRITER = """
import sys
from graph.memory_store import MemoryStore
from graph.schema import Node
store = MemoryStore(sys.argv[1])
for i in range(15):
    store.upsert([Node("Event", "i:e:shared", {"incident": "i", "evidence": [f"{sys.argv[2]}-{i}"]})])
"""


def test_processes_writing_to_one_dir_at_once_lose_no_write(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, str(tmp_path), f"w{n}"], cwd=ROOT, env=env)
               for n in range(4)]
    assert [w.wait(timeout=60) for w in writers] == [0, 0, 0, 0]
    store = MemoryStore(tmp_path)
    assert sorted(store.get_node("i:e:shared").props["evidence"]) == sorted(f"w{n}-{i}" for n in range(4)
                                                                            for i in range(15))
    assert store.version("i") == 60


# ------------------------------------------------------------------ journal, compaction, recovery


def journal_lines(folder: Path) -> list[bytes]:
    return (folder / "journal.jsonl").read_bytes().splitlines(keepends=True)


def test_each_write_appends_one_journal_record_after_the_header(tmp_path):
    store = MemoryStore(tmp_path)
    for key in "abcde":
        store.upsert([event(key)])
    store.delete_incident("i")
    lines = journal_lines(tmp_path)
    assert lines[0] == b'{"journal":1,"generation":0}\n'
    assert len(lines) == 1 + 6
    assert json.loads(lines[-1])["rec"] == {"op": "delete", "incidents": ["i"], "incident": "i"}
    assert not (tmp_path / "graph.json").exists()  # no snapshot until the first compaction


def test_compaction_at_the_threshold_leaves_a_loadable_snapshot_and_a_fresh_journal(tmp_path):
    store = MemoryStore(tmp_path, compact_bytes=600)
    for n in range(8):
        store.upsert([event(f"n{n}", evidence=[f"m{n}"])])
    snapshot = json.loads((tmp_path / "graph.json").read_bytes())
    assert snapshot["journal_generation"] >= 1
    assert journal_lines(tmp_path)[0] == b'{"journal":1,"generation":%d}\n' % snapshot["journal_generation"]
    assert (tmp_path / "journal.jsonl").stat().st_size < 600
    again = MemoryStore(tmp_path)
    assert sorted(again.incident_graph("i")) == [f"i:e:n{n}" for n in range(8)]
    assert again.version("i") == 8 and again.get_node("i:e:n7").props["evidence"] == ["m7"]


def test_torn_last_record_is_dropped_on_open_and_the_rest_kept(tmp_path):
    store = MemoryStore(tmp_path)
    store.upsert([event("a")])
    store.upsert([event("b")])
    whole = (tmp_path / "journal.jsonl").read_bytes()
    torn_record = encode_record({"op": "delete", "incidents": ["i"], "incident": "i"})[:-9]
    (tmp_path / "journal.jsonl").write_bytes(whole + torn_record)
    reopened = MemoryStore(tmp_path)
    assert sorted(reopened.incident_graph("i")) == ["i:e:a", "i:e:b"] and reopened.version("i") == 2
    assert (tmp_path / "journal.jsonl").read_bytes() == whole


def test_last_record_with_a_bad_checksum_counts_as_torn(tmp_path):
    MemoryStore(tmp_path).upsert([event("a")])
    whole = (tmp_path / "journal.jsonl").read_bytes()
    damaged = encode_record({"op": "delete", "incidents": ["i"], "incident": "i"}).replace(b'"i"}', b'"j"}')
    (tmp_path / "journal.jsonl").write_bytes(whole + damaged)
    assert list(MemoryStore(tmp_path).incident_graph("i")) == ["i:e:a"]


def test_corrupt_record_in_the_middle_raises_store_corrupt_and_leaves_the_bytes(tmp_path):
    store = MemoryStore(tmp_path)
    for key in "abc":
        store.upsert([event(key, summary="fine")])
    path = tmp_path / "journal.jsonl"
    damaged = path.read_bytes().replace(b'"summary":"fine"', b'"summary":"fire"', 1)
    path.write_bytes(damaged)
    with pytest.raises(StoreCorrupt, match=r"journal\.jsonl.*damaged and is not the last one"):
        MemoryStore(tmp_path)
    assert path.read_bytes() == damaged
    with pytest.raises(StoreCorrupt, match="byte 29 "):  # the first record, just after the header
        MemoryStore(tmp_path)


def test_journal_newer_than_its_snapshot_raises_store_corrupt(tmp_path):
    store = MemoryStore(tmp_path, compact_bytes=300)
    for key in "abcd":
        store.upsert([event(key)])
    (tmp_path / "graph.json").unlink()  # the snapshot was moved away but the journal was not
    with pytest.raises(StoreCorrupt, match="journal.jsonl.*do not belong together"):
        MemoryStore(tmp_path)


def test_snapshot_rename_failing_during_compaction_keeps_the_acknowledged_write(tmp_path, monkeypatch):
    store = MemoryStore(tmp_path, compact_bytes=10_000)
    store.upsert([event("a")])
    before = (tmp_path / "journal.jsonl").read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    store._compact_bytes = 1  # the next write crosses the threshold
    store.upsert([event("b")])  # durable in the journal, so it succeeds although compaction failed
    monkeypatch.undo()
    assert not (tmp_path / "graph.json").exists() and len(journal_lines(tmp_path)) == len(before.splitlines()) + 1
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    again = MemoryStore(tmp_path)
    assert sorted(again.incident_graph("i")) == ["i:e:a", "i:e:b"] and again.version("i") == 2


def compact_with_failing_journal_rename(store: MemoryStore, monkeypatch) -> None:
    """Write event b with compaction forced, failing its second step: the new snapshot lands, the journal does not."""
    real_replace = os.replace

    def journal_rename_fails(src, dst):
        if str(dst).endswith("journal.jsonl"):
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", journal_rename_fails)
    store._compact_bytes = 1
    store.upsert([event("b")])
    monkeypatch.undo()


def test_crash_between_snapshot_and_new_journal_applies_no_record_twice(tmp_path, monkeypatch):
    store = MemoryStore(tmp_path, compact_bytes=10_000)
    store.upsert([event("a")])
    compact_with_failing_journal_rename(store, monkeypatch)
    assert json.loads((tmp_path / "graph.json").read_bytes())["journal_generation"] == 1
    assert journal_lines(tmp_path)[0] == b'{"journal":1,"generation":0}\n'  # stale: already in the snapshot
    reopened = MemoryStore(tmp_path)
    assert reopened.version("i") == 2 and sorted(reopened.incident_graph("i")) == ["i:e:a", "i:e:b"]
    reopened.upsert([event("c")])
    assert journal_lines(tmp_path)[0] == b'{"journal":1,"generation":1}\n' and len(journal_lines(tmp_path)) == 2
    assert MemoryStore(tmp_path).version("i") == 3 and store.version("i") == 3


KILLED_COMPACTOR = """
import os, signal, sys
from graph.memory_store import MemoryStore
from graph.schema import Node
store = MemoryStore(sys.argv[1], compact_bytes=1)
real_replace = os.replace
def die_before_journal(src, dst):
    if str(dst).endswith("journal.jsonl"):
        os.kill(os.getpid(), signal.SIGKILL)  # the snapshot is renamed in, the new journal is not
    real_replace(src, dst)
os.replace = die_before_journal
store.upsert([Node("Event", "i:e:b", {"incident": "i", "evidence": ["m2"]})])
"""


def test_process_killed_between_snapshot_and_new_journal_loses_and_repeats_nothing(tmp_path):
    MemoryStore(tmp_path).upsert([event("a", evidence=["m1"])])
    result = subprocess.run([sys.executable, "-c", KILLED_COMPACTOR, str(tmp_path)], check=False, cwd=ROOT,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9
    reopened = MemoryStore(tmp_path)
    assert sorted(reopened.incident_graph("i")) == ["i:e:a", "i:e:b"]
    assert reopened.version("i") == 2 and reopened.health()["generation"] == 2


def test_a_reader_follows_another_process_through_compaction(tmp_path):
    writer, reader = MemoryStore(tmp_path, compact_bytes=400), MemoryStore(tmp_path)
    seen = []
    for n in range(10):
        writer.upsert([event("shared", evidence=[f"m{n}"])])
        seen.append(reader.version("i"))
    assert seen == list(range(1, 11))
    assert reader.get_node("i:e:shared").props["evidence"] == [f"m{n}" for n in range(10)]
    assert json.loads((tmp_path / "graph.json").read_bytes())["journal_generation"] >= 2


def test_a_format_1_data_file_of_the_previous_version_still_loads(tmp_path):
    (tmp_path / "graph.json").write_text(json.dumps({
        "format": 1, "generation": 4, "versions": {"i": 4},
        "nodes": [{"id": "i:e:a", "label": "Event", "props": {"incident": "i"}}], "edges": []}))
    store = MemoryStore(tmp_path)
    store.upsert([event("b")])
    assert sorted(MemoryStore(tmp_path).incident_graph("i")) == ["i:e:a", "i:e:b"] and store.version("i") == 5


def test_incident_graph_and_incident_ids_follow_deletes_and_other_incidents(tmp_path):
    store = MemoryStore(tmp_path)
    store.upsert([event("a"), Node("Event", "j:e:a", {"incident": "j"})])
    assert store.delete_incident("i") == 1 and store.delete_incident("i") == 0
    assert store.incident_ids() == ["j"] and list(store.incident_graph("j")) == ["j:e:a"]
    assert MemoryStore(tmp_path).incident_ids() == ["j"]


def test_editing_an_exported_graph_does_not_edit_the_store(tmp_path):
    store = MemoryStore(tmp_path)
    store.upsert([event("a", evidence=["m1"])])
    store.incident_graph("i").nodes["i:e:a"]["evidence"].append("m2")
    store.get_node("i:e:a").props["evidence"].append("m3")
    assert store.incident_graph("i").nodes["i:e:a"]["evidence"] == ["m1"]


def test_checksummed_record_that_does_not_fit_the_graph_raises_store_corrupt(tmp_path):
    MemoryStore(tmp_path).upsert([event("a")])
    path = tmp_path / "journal.jsonl"
    path.write_bytes(path.read_bytes() + encode_record({"op": "rename", "incidents": ["i"]}))
    with pytest.raises(StoreCorrupt, match="journal.jsonl.*does not fit the graph"):
        MemoryStore(tmp_path)


def test_a_live_reader_keeps_its_state_while_the_journal_is_stale(tmp_path, monkeypatch):
    writer, reader = MemoryStore(tmp_path, compact_bytes=10_000), MemoryStore(tmp_path)
    writer.upsert([event("a")])
    assert reader.version("i") == 1
    compact_with_failing_journal_rename(writer, monkeypatch)
    assert journal_lines(tmp_path)[0] == b'{"journal":1,"generation":0}\n'  # stale until the next write
    assert [reader.version("i") for _ in range(3)] == [2, 2, 2] and writer.version("i") == 2
    writer.upsert([event("c")])
    assert reader.version("i") == 3 and sorted(reader.incident_graph("i")) == ["i:e:a", "i:e:b", "i:e:c"]


# ------------------------------------------------------------------ replace in the journal


def test_journal_records_written_before_replace_existed_still_load(tmp_path):
    old = {"op": "upsert", "incidents": ["i"],  # the format before ``replace``: no such key
           "nodes": [["i:e:a", "Event", {"incident": "i"}], ["i:e:b", "Event", {"incident": "i"}]],
           "edges": [["CAUSES", "i:e:a", "i:e:b", {"incident": "i", "evidence": ["m1"]}]]}
    (tmp_path / "journal.jsonl").write_bytes(b'{"journal":1,"generation":0}\n' + encode_record(old))
    store = MemoryStore(tmp_path)
    assert list(store.incident_graph("i").edges(keys=True, data=True)) == [
        ("i:e:a", "i:e:b", "CAUSES", {"incident": "i", "evidence": ["m1"], "type": "CAUSES"})]
    assert store.version("i") == 1
    store.upsert([event("c")], [Edge("CAUSES", "i:e:a", "i:e:c", {"incident": "i"})], replace=[("CAUSES", "i:e:a")])
    again = MemoryStore(tmp_path)
    assert list(again.incident_graph("i").edges(keys=True)) == [("i:e:a", "i:e:c", "CAUSES")]
    assert again.version("i") == 2


def test_replace_record_lists_only_pairs_that_remove_something_and_survives_compaction(tmp_path):
    store = MemoryStore(tmp_path, compact_bytes=10_000_000)
    store.upsert([event("a"), event("b"), event("c")], [Edge("CAUSES", "i:e:a", "i:e:b", {"incident": "i"})])
    store.upsert([], [Edge("CAUSES", "i:e:a", "i:e:c", {"incident": "i"})],
                 replace=[("CAUSES", "i:e:a"), ("CAUSES", "i:e:b"), ("CAUSES", "i:e:nowhere")])
    record = json.loads(journal_lines(tmp_path)[-1])["rec"]
    assert record["replace"] == [["CAUSES", "i:e:a"]] and record["incidents"] == ["i"]
    lines = len(journal_lines(tmp_path))
    store.upsert([], replace=[("CAUSES", "i:e:b")])  # removes nothing: not a write
    assert len(journal_lines(tmp_path)) == lines and store.version("i") == 2
    MemoryStore(tmp_path, compact_bytes=1).upsert([event("d")])  # compacts: the snapshot holds the result
    assert json.loads((tmp_path / "graph.json").read_bytes())["journal_generation"] >= 1
    again = MemoryStore(tmp_path)
    assert list(again.incident_graph("i").edges(keys=True)) == [("i:e:a", "i:e:c", "CAUSES")]
    assert again.version("i") == 3


def test_counts_are_rebuilt_from_the_files_by_a_store_reopened_on_them(tmp_path):
    from graph.schema import Edge, Node

    first = MemoryStore(tmp_path / "data")
    first.upsert([Node("Event", f"i:e:{k}", {"incident": "i"}) for k in "ab"],
                 [Edge("CAUSES", "i:e:a", "i:e:b", {"incident": "i"})])
    assert MemoryStore(tmp_path / "data").counts("i") == {"Event": 2, "CAUSES": 1}
