"""The one matching rule of ``bench quality``: gold phrases against extracted node labels, one-to-one.

A phrase becomes a set of word stems: lower case, letters and digits only, stop words out, a
common English suffix cut ("failures" -> "fail", "exhausted" -> "exhaust") and the rest cut to
five letters, so the inflections of one word meet. A gold phrase and a node label match when
they share at least two stems (one, if either has only one) and the shared stems are at least
half of the shorter side's: "race condition" matches "race condition in the DNS system", "AWS
outage" does not match "DynamoDB outage". Each gold item is paired with at most one node and each node with at most one gold
item: pairs are taken best first (share of the gold phrase plus share of the label).

>>> sorted(stems("Connection pools were exhausted"))
['conne', 'exhau', 'pool']
>>> is_match(stems("connection pool exhaustion"), stems("Connection pools were exhausted"))
True
>>> assign({"g1": [stems("DNS failures")]}, {"n1": [stems("DNS resolution failure")], "n2": [stems("DNS")]})
{'g1': 'n1'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

STOP = frozenset(["a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "with", "from", "at", "as", "into", "onto", "over", "under", "than", "then", "that", "this", "these", "those", "which", "who", "whom", "whose", "it", "its", "they", "them", "their", "there", "here", "was", "were", "is", "are", "be", "been", "being", "has", "have", "had", "do", "does", "did", "not", "no", "all", "some", "any", "many", "much", "more", "most", "very", "also", "just", "only", "about", "after", "before", "during", "while", "when", "where", "what", "why", "how", "our", "we", "us", "you", "your", "he", "she", "his", "her", "my", "me", "one", "two", "three", "several", "each", "every", "other", "such", "same", "so", "but", "if", "because"])
SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ures", "ure", "ies", "ed", "es", "s", "ly", "al",
            "ers", "er", "y")
STEM_CHARS = 5


def stem(word: str) -> str:
    """Stem of one lower-case word: a common suffix cut, then at most STEM_CHARS letters.

    >>> [stem(w) for w in ("failure", "failed", "fails", "recovery", "recovered", "deletion", "deleted", "shares")]
    ['fail', 'fail', 'fail', 'recov', 'recov', 'delet', 'delet', 'shar']
    """
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):  # "share" and "shares" -> "shar"
        word = word[:-1]
    return word[:STEM_CHARS]


def stems(phrase: str) -> frozenset[str]:
    """The stems of ``phrase``'s content words; camel case is split ("DropletWorkflow" -> droplet, workflow)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", phrase)
    words = re.findall(r"[a-z0-9]+", spaced.lower().replace("n't", " not"))
    return frozenset(stem(w) for w in words if w not in STOP and len(w) > 1)


def score(gold: frozenset[str], node: frozenset[str]) -> tuple[float, float] | None:
    """(share of gold + share of node, share of gold) when the two match, else None."""
    if not gold or not node:
        return None
    shared = len(gold & node)
    if shared < min(2, len(gold), len(node)) or shared * 2 < min(len(gold), len(node)):
        return None
    return shared / len(gold) + shared / len(node), shared / len(gold)


def is_match(gold: frozenset[str], node: frozenset[str]) -> bool:
    """True if a gold phrase's stems and a node label's stems match under the rule above."""
    return score(gold, node) is not None


def assign(gold: Mapping[str, Iterable[frozenset[str]]], nodes: Mapping[str, Iterable[frozenset[str]]]) \
        -> dict[str, str]:
    """One-to-one pairs gold key -> node id; each side lists the stem sets of its names (name and aliases)."""
    nodes = {n: list(v) for n, v in nodes.items()}
    candidates = []
    for g, g_names in gold.items():
        for n, n_names in nodes.items():
            best = max((s for gs in g_names for ns in n_names if (s := score(gs, ns)) is not None), default=None)
            if best is not None:
                candidates.append((best, g, n))
    candidates.sort(key=lambda c: (-c[0][0], -c[0][1], c[1], c[2]))
    paired: dict[str, str] = {}
    taken: set[str] = set()
    for _, g, n in candidates:
        if g not in paired and n not in taken:
            paired[g] = n
            taken.add(n)
    return paired
