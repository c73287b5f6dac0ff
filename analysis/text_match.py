"""The one matcher of free text to graph nodes, for questions ("was DNS the cause?") and for the model's links.

Text is folded to ASCII, lower-cased, split into words of letters and digits, stop words
dropped and each word crudely stemmed ("failures", "failed" -> "fail"): the first suffix of
the list that leaves more than three letters is replaced. The word lists are data
(``match_words.json``). A node is named by its texts: an Event's summary, a Component's name,
slug and aliases.

>>> sorted(words("The DNS failures were delayed"))
['delay', 'dns', 'fail']
>>> node_texts({"label": "Component", "name": "DropletWorkflow Manager", "slug": "dwfm", "aliases": ["DWFM"]})
['DropletWorkflow Manager', 'dwfm', 'DWFM']
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

WORDS_FILE = Path(__file__).with_name("match_words.json")
_WORD = re.compile(r"[a-z0-9]+")


@cache
def _lists() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return frozenset(data["stop_words"]), tuple((suffix, repl) for suffix, repl in data["suffixes"])


def stop_words() -> frozenset[str]:
    """The words matching ignores (``match_words.json``)."""
    return _lists()[0]


def stem(word: str) -> str:
    """``word`` without its first listed suffix that leaves more than three letters ("ss" endings kept).

    >>> stem("expired"), stem("leases"), stem("dependencies"), stem("recovery"), stem("dns")
    ('expir', 'lease', 'dependency', 'recover', 'dns')
    """
    for suffix, repl in _lists()[1]:
        if word.endswith(suffix) and len(word) > len(suffix) + 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def words(text: str) -> frozenset[str]:
    """The stemmed content words of ``text``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    drop = stop_words()
    return frozenset(stem(w) for w in _WORD.findall(folded) if w not in drop)


def node_texts(attrs: dict[str, Any]) -> list[str]:
    """The texts a node can be named by: an Event's summary; a Component's name, slug and aliases; else none."""
    if attrs.get("label") == "Event":
        return [str(attrs.get("summary") or "")]
    if attrs.get("label") == "Component":
        return [str(attrs.get("name") or ""), str(attrs.get("slug") or "").replace("-", " "),
                *(str(a) for a in attrs.get("aliases") or [])]
    return []
