"""The embedded store's persistence: restarts, crashes mid-write, corrupt files, processes sharing DATA_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import StoreCorrupt, StoreUnavailable
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


def test_failed_rename_keeps_the_previous_state_in_memory_and_on_disk(tmp_path, monkeypatch):
    store = MemoryStore(tmp_path)
    store.upsert([event("a")])
    before = (tmp_path / "graph.json").read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        store.upsert([event("b")])
    monkeypatch.undo()
    assert store.get_node("i:e:b") is None and store.version("i") == 1
    assert (tmp_path / "graph.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    assert MemoryStore(tmp_path).get_node("i:e:b") is None


CRASHING_WRITER = """
import os, signal, sys
from graph.memory_store import MemoryStore
from graph.schema import Node
store = MemoryStore(sys.argv[1])
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die after writing the temp file, before the rename
store.upsert([Node("Event", "i:e:b", {"incident": "i"})])
"""


def test_a_process_killed_mid_write_leaves_the_last_good_state(tmp_path):
    MemoryStore(tmp_path).upsert([event("a")])
    result = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(tmp_path)], check=False, cwd=ROOT,
                            timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9
    assert len(list(tmp_path.glob(".graph.json.*.tmp"))) == 1  # it died with the new state only in a temp file
    assert list(MemoryStore(tmp_path).incident_graph("i")) == ["i:e:a"]


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
