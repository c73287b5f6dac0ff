"""Which event a time expression times: the event of the clause the expression modifies.

The expression's governor is the word it modifies, found by climbing its dependency
head out of prepositions ("at", "by", "on") and out of other time expressions
("On 3 March at 14:05": the date is not the clause). The timed event is the one in
the same sentence nearest the governor in the dependency tree, within
``MAX_TIME_DISTANCE`` edges for a clock time and one edge for a bare date (a date
without a clock only times what it directly modifies: "expired on 3 March").
A time after "until" ends its event rather than starting it.

>>> from spacy.tokens import Doc
>>> from spacy.vocab import Vocab
>>> doc = Doc(Vocab(), words=["DNS", "failed", "at", "noon"], heads=[1, 1, 1, 2],
...           deps=["nsubj", "ROOT", "prep", "pobj"], pos=["PROPN", "VERB", "ADP", "NOUN"])
>>> gov, prep = governor(doc, 14, 18, [(14, 18)])
>>> (gov.text, prep, tree_distance(doc[0], gov))
('failed', 'at', 1)
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ingest.extraction.events import EventRef
from ingest.lexicon import load_cues

UNTIL = ("until", "till", "through")  # a time after these ends its event: ``until``, not ``at``
MAX_TIME_DISTANCE = 3  # dependency edges from the word a clock time modifies to the event it times


def governor(doc: Doc, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[Token | None, str]:
    """(the word the time expression at chars ``start:end`` modifies, the preposition between them or "")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, ""
    # the first word attached outside the span: in "5:28 AM UTC on 4 June" the clock, not the date's "on"
    node = next(t for t in span if not span.start <= t.head.i < span.end or t.head.i == t.i)
    prep = ""
    for _ in range(8):
        if node.head.i == node.i:
            return node, prep
        node = node.head
        if node.pos_ == "ADP":
            prep = node.text.lower()
        elif not any(s <= node.idx < e for s, e in spans):
            return node, prep
    return None, prep


def tree_distance(a: Token, b: Token) -> int:
    """Edges between two tokens of one sentence in its dependency tree (99 if they are not connected)."""
    up = {}
    node, steps = a, 0
    while True:
        up[node.i] = steps
        if node.head.i == node.i:
            break
        node, steps = node.head, steps + 1
    node, steps = b, 0
    while node.i not in up and node.head.i != node.i:
        node, steps = node.head, steps + 1
    return steps + up[node.i] if node.i in up else 99


def timed_event(doc: Doc, candidates: list[EventRef], start: int, end: int, *, precise: bool,
                spans: list[tuple[int, int]]) -> EventRef | None:
    """The event among ``candidates`` (events of the expression's sentence) that the expression times, or None.

    ``precise`` is True for clock times; ``spans`` are the character spans of every time expression, so an
    event inside another one ("[12 hours after] the outage started") is not taken: it is that one's reference.
    """
    gov, _ = governor(doc, start, end, spans)
    if gov is None:
        return None
    reach = MAX_TIME_DISTANCE if precise else 1
    found = _found_out(gov)
    scored = [(tree_distance(gov, doc[r.anchor]), r.anaphor, r.anchor, r) for r in candidates
              if not any(s <= doc[r.anchor].idx < e for s, e in spans) and r.anchor not in found]
    # a told event before an anaphor at the same distance: "the outage" after a clock is usually a reference
    return min((x for x in scored if x[0] <= reach), key=lambda x: x[:3], default=(0, False, 0, None))[3]


def _found_out(gov: Token) -> set[int]:
    """Tokens of what a verb of finding out found ("at 08:52 we found the bad change": the change happened
    earlier), which the verb's time does not time."""
    if gov.lemma_.lower() not in load_cues()["discovery_verbs"]:
        return set()
    return {t.i for c in gov.children if c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for t in c.subtree}


def ends_event(doc: Doc, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True if the expression ends its event ("a collapse that lasted until 5:28 AM")."""
    return governor(doc, start, end, spans)[1] in UNTIL
