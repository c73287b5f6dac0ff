"""One matcher for questions and model links: the same words on both sides, its word lists read from data."""

from __future__ import annotations

import json

from analysis import resolve
from analysis.model import link_updates, links
from analysis.text_match import WORDS_FILE, node_texts, stop_words, words


def test_questions_and_model_links_use_the_same_words_and_node_texts():
    assert resolve.words is links.words is link_updates.words is words
    assert resolve.node_texts is links.node_texts is link_updates.node_texts is node_texts


def test_a_recovery_told_in_any_form_is_one_set_of_words():
    assert words("DynamoDB recovery") == words("DynamoDB recovered") == words("the DynamoDB RECOVERED") \
        == {"dynamodb", "recover"}


def test_the_word_lists_are_the_data_file():
    data = json.loads(WORDS_FILE.read_text())
    assert stop_words() == frozenset(data["stop_words"])
    assert not words(" ".join(data["stop_words"]))
