"""Event mentions that point back to an earlier event instead of telling a new one.

Three rules, looking back over the two sentences before the mention's own (the window):

- demonstratives over problem nouns ("This flaw", "these issues", "the failure")
  take an earlier problem event: one that affects a component the anaphor names,
  else one in the window, else one of the same concept, the most recent first (a
  flaw told further back is still "this flaw" when nothing nearer is one);
- a vague mention ("the outage", "recovery", "errors": no component, no specific
  words; see ``ingest.extraction.event_phrases``) is the latest specific event of the same
  concept; a word for the trouble as a whole ("the problem", "the outage") with a
  definite or demonstrative determiner may also be the latest problem event ("the bug"
  may not: it names a kind of trouble); otherwise it tells nothing and is dropped;
- an absence ("the missing timeout", "the deleted records") is the removal that
  caused it: the latest earlier deletion event whose words include the noun.
"""

from __future__ import annotations

from os.path import commonprefix

from spacy.tokens import Doc, Token

from ingest.extraction.entities import ComponentRef
from ingest.extraction.event_phrases import EventRef, components_near
from ingest.lexicon import load_claim_phrases, load_cues

DEFINITE = ("the", "this", "that", "these", "those", "such")


def _window_start(tok: Token) -> int:
    """First token of the sentence two before tok's own (antecedents are told nearby)."""
    doc = tok.doc
    floor = tok.sent.start
    for _ in range(2):
        floor = doc[max(floor - 1, 0)].sent.start
    return floor


def is_anaphor(tok: Token) -> bool:
    """"This flaw", "these issues", "the failure" (bare): a problem noun pointing back to an earlier event."""
    cues = load_cues()
    if tok.lemma_.lower() not in cues["anaphor_nouns"] or tok.pos_ != "NOUN":
        return False
    dets = [c.lower_ for c in tok.children if c.dep_ == "det"]
    if any(d in cues["anaphor_determiners"] and d != "the" for d in dets):
        return True
    return dets == ["the"] and all(c.dep_ in ("det", "punct") for c in tok.children)


def resolve_anaphor(doc: Doc, tok: Token, events: list[EventRef], comp_at: dict[int, ComponentRef],
                    own_concept: str) -> EventRef | None:
    """The antecedent of an anaphor: prefers events on a component it names, then the previous two sentences."""
    cues = load_cues()
    kinds = set(cues["anaphor_kinds"].get(tok.lemma_.lower(), cues["problem_kinds"]))
    named = {c.slug for c in components_near(tok, comp_at)}
    floor = _window_start(tok)
    candidates = [e for e in events if e.anchor < tok.i and not e.anaphor and not e.vague and e.kind in kinds]
    if not candidates:
        return None
    best = max(candidates, key=lambda e: (bool(named & set(e.components)), e.anchor >= floor,
                                          e.concept == own_concept, e.anchor))
    doc_start = min([tok.i] + [c.i for c in tok.lefts])
    return best.told_as(tok.i, doc_start, tok.i + 1)


def resolve_vague(tok: Token, event: EventRef, events: list[EventRef]) -> EventRef | None:
    """The specific event a vague mention stands for (rules in the module docstring), or None to drop it."""
    floor = _window_start(tok)
    nearby = [e for e in events if floor <= e.anchor < tok.i and not e.vague]
    same = [e for e in nearby if e.concept == event.concept]
    if not same and event.kind in load_cues()["problem_kinds"] and any(
            c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children) \
            and tok.lemma_.lower() in load_claim_phrases()["incident_lemmas"]:  # "the bug" is no earlier crash
        same = [e for e in nearby if e.kind in load_cues()["problem_kinds"]]
    if not same:
        return None
    return same[-1].told_as(event.anchor, event.start, event.end)


def resolve_absence(tok: Token, events: list[EventRef]) -> EventRef | None:
    """"The missing timeout" after "X removed the timeout": the removal, else None."""
    if not any(c.dep_ == "amod" and c.lemma_.lower() in load_cues()["absence_modifiers"] for c in tok.children):
        return None
    lemma = tok.lemma_.lower()
    removals = [e for e in events if e.anchor < tok.i and e.concept == "deletion" and lemma in e.terms]
    if not removals:
        return None
    start = min([tok.i] + [c.i for c in tok.lefts])
    return removals[-1].told_as(tok.i, start, tok.i + 1)


NOMINAL_PREFIX = 5  # "restart"/"restarted", "migration"/"migrated", "deployment"/"deployed" share five letters


def _same_stem(a: str, b: str) -> bool:
    """"restart" and "restarted", "migration" and "migrated": a noun and the verb or noun it names again."""
    shared = len(commonprefix([a, b]))
    return shared >= NOMINAL_PREFIX and shared * 10 >= 7 * min(len(a), len(b))


def resolve_named_again(doc: Doc, events: list[EventRef]) -> dict[str, str]:
    """"The cache cluster restarted. After the restart, ...": a bare definite noun ("the restart", "this
    migration") naming again what an event of the two sentences before told is that event. Each such event in
    ``events`` becomes its antecedent, told again; returns {old key: antecedent key} for the keys no other
    mention keeps."""
    renamed: dict[int, EventRef] = {}
    for n, event in enumerate(events):
        tok = doc[event.anchor]
        if event.anaphor or tok.pos_ != "NOUN" or not any(
                c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children) \
                or any(c.dep_ not in ("det", "punct") for c in tok.children if c.i < tok.i):
            continue
        floor = _window_start(tok)
        lemma = tok.lemma_.lower()
        earlier = [e for e in events if floor <= e.anchor < tok.sent.start and not e.anaphor and not e.vague
                   and e.key != event.key
                   and any(_same_stem(lemma, w) for w in [doc[e.anchor].lemma_.lower(), *e.terms])]
        if earlier:
            renamed[n] = max(earlier, key=lambda e: e.anchor)
    keys: dict[str, str] = {}
    for n, antecedent in renamed.items():
        old = events[n]
        events[n] = antecedent.told_as(old.anchor, old.start, old.end)
        keys[old.key] = antecedent.key
    kept = {e.key for e in events if not e.anaphor}
    return {old: new for old, new in keys.items() if old not in kept}
