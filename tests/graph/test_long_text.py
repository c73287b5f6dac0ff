"""Both stores keep a string property as long as the longest article (ARTICLE_MAX_CHARS, 200,000 characters).

FalkorDB takes statements of about 4 KB and hangs on a record over 64 KB, so the Bolt store keeps such
strings in StoreText parts (graph.long_strings); these tests hold every store to the same answers.
"""

from __future__ import annotations

import os
import uuid

import pytest

import graph.bolt_store as bolt_module
from graph.errors import StoreUnavailable
from graph.long_strings import SPILL_LABEL
from graph.schema import Edge, Node

# Every kind of character the splitting and escaping must keep: quotes, backslashes, newlines, 2- and 4-byte UTF-8.
PIECE = "It's DNS \\ again: \"the Enactor\" é 😀\n"
ARTICLE = (PIECE * (200_000 // len(PIECE) + 1))[:200_000]


def source(iid: str, text: str, **props) -> Node:
    return Node("Source", f"{iid}:src:a", {"incident": iid, "title": "t", "content_hash": "h", "text": text, **props})


def test_an_article_sized_text_comes_back_exactly(store, new_incident):
    iid = new_incident()
    store.upsert([Node("Incident", iid, {"incident": iid, "title": "t"}), source(iid, ARTICLE)],
                 [Edge("PART_OF", f"{iid}:src:a", iid, {"incident": iid})])
    assert store.get_node(f"{iid}:src:a").props["text"] == ARTICLE
    graph = store.incident_graph(iid)
    assert graph.nodes[f"{iid}:src:a"] == {"incident": iid, "title": "t", "content_hash": "h", "text": ARTICLE,
                                           "label": "Source"}
    assert [n for n, d in store.neighbourhood(iid).nodes(data="text") if d == ARTICLE] == [f"{iid}:src:a"]


def test_a_long_text_overwritten_by_a_short_one_and_back(store, new_incident):
    iid = new_incident()
    store.upsert([source(iid, ARTICLE)])
    store.upsert([source(iid, "short now", words=2)])
    assert store.get_node(f"{iid}:src:a").props == {"incident": iid, "title": "t", "content_hash": "h",
                                                    "text": "short now", "words": 2}
    store.upsert([source(iid, ARTICLE[:9000])])
    assert store.get_node(f"{iid}:src:a").props["text"] == ARTICLE[:9000]


def test_a_long_sentence_is_stored_like_any_other(store, new_incident):
    iid = new_incident()
    sentence = "A very long sentence, " * 250  # 5,500 characters: over one FalkorDB statement
    mention = Node("Mention", f"{iid}:m:a", {"incident": iid, "source": "s", "sentence": sentence, "start": 0,
                                             "end": 5, "quote": sentence[:5]})
    store.upsert([mention])
    assert store.get_node(mention.id).props == mention.props


def test_a_long_evidence_list_comes_back_in_order_from_an_upsert_and_a_replace(store, new_incident):
    iid = new_incident()
    evidence = [f"{iid}:m:{i:04d}-{'x' * 30}" for i in range(300, 0, -1)]  # about 15 KB, not in sorted order
    component = Node("Component", f"{iid}:c:a", {"incident": iid, "name": "A", "evidence": evidence})
    store.upsert([component])
    assert store.get_node(component.id).props["evidence"] == evidence
    store.replace_incident(iid, [Node("Incident", iid, {"incident": iid, "title": "t"}), component])
    assert store.get_node(component.id).props["evidence"] == evidence


@pytest.mark.bolt
def test_bolt_keeps_no_parts_of_a_replaced_or_deleted_text(bolt_store):
    store, iid = bolt_store, f"parts-{uuid.uuid4().hex[:10]}"
    count = f"MATCH (t:{SPILL_LABEL} {{of_incident: $iid}}) RETURN count(t) AS c"
    store.upsert([source(iid, ARTICLE)])
    first = store._read([(count, {"iid": iid}, None)])[0][0]["c"]
    store.upsert([source(iid, ARTICLE[:9000])])
    second = store._read([(count, {"iid": iid}, None)])[0][0]["c"]
    store.upsert([source(iid, "short")])
    third = store._read([(count, {"iid": iid}, None)])[0][0]["c"]
    store.upsert([source(iid, ARTICLE)])
    store.delete_incident(iid)
    assert (first > 50, 1 < second < first, third) == (True, True, 0)
    assert store._read([(count, {"iid": iid}, None)])[0][0]["c"] == 0
    assert iid not in store.incident_ids()


@pytest.mark.bolt
@pytest.mark.skipif(bool(os.environ.get("GRAPH_URI")), reason="Neo4j rolls the transaction back itself")
def test_bolt_puts_a_long_text_back_when_a_write_fails_part_way(bolt_store, monkeypatch):
    store, iid = bolt_store, f"parts-{uuid.uuid4().hex[:10]}"
    try:
        store.upsert([source(iid, ARTICLE)])
        real = bolt_module._run_all

        failing = []

        def fail_after_parts(tx, statements):
            """The write (not the undo that follows it) stops once its nodes and parts are written."""
            if failing and any(f"CREATE (t:{SPILL_LABEL}" in query for query, _, _ in statements):
                failing.pop()
                real(tx, [s for s in statements if "MERGE (n:" in s[0] or SPILL_LABEL in s[0]])
                raise bolt_module._Incomplete("simulated failure after the parts")
            return real(tx, statements)

        monkeypatch.setattr(bolt_module, "_run_all", fail_after_parts)
        failing.append(True)
        with pytest.raises(StoreUnavailable, match="simulated failure"):
            store.upsert([source(iid, ARTICLE[::-1]), Node("Event", f"{iid}:e:new", {"incident": iid})],
                         [Edge("MENTIONS", f"{iid}:src:a", f"{iid}:e:new", {"incident": iid})])
        assert sorted(store.incident_graph(iid).nodes) == [f"{iid}:src:a"]
        failing.append(True)
        with pytest.raises(StoreUnavailable, match="simulated failure"):
            store.replace_incident(iid, [Node("Incident", iid, {"incident": iid, "title": "t"}),
                                        source(iid, ARTICLE[::-1])])
        monkeypatch.undo()
        assert sorted(store.incident_graph(iid).nodes) == [f"{iid}:src:a"]
        assert store.get_node(f"{iid}:src:a").props["text"] == ARTICLE
    finally:
        store.delete_incident(iid)
