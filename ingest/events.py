"""Events told by a parsed article: noun phrases ("an empty DNS record") and verb phrases ("DynamoDB went down").

Each event is recognised from a general outage concept in ``lexicon/events.jsonl``
and named by a canonical phrase: scoped concepts take what they happen to
("DynamoDB outage", "lease timeout", "network propagation delay"), specific ones
stand alone ("race condition"). Mentions with the same canonical phrase are one
event. Near-duplicates are merged later by ``graph.build.is_same_event``.

Demonstratives over problem nouns ("This flaw", "this inconsistency in the DNS
management system") are anaphors: they take the canonical phrase of the most
recent earlier problem event, preferring one that affects a component the
anaphor names, then one from the previous two sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Token

from ingest.entities import ComponentRef
from ingest.lexicon import EventConcept, load_cues, load_event_concepts, load_system_heads

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
OBJECTS = ("dobj", "nsubjpass", "attr", "oprd")
PRONOUNS = ("it", "they", "this", "that", "these", "them", "its")


@dataclass
class EventRef:
    """One mention of an event: anchor token, quote span (token indices), concept and canonical phrase."""

    anchor: int
    start: int
    end: int
    concept: str
    kind: str
    summary: str
    components: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    unexplained: bool = False
    anaphor: bool = False

    @property
    def key(self) -> str:
        return self.summary.lower()


def _phrase_matches(tok: Token, phrase: tuple[str, ...]) -> bool:
    """True if ``tok`` heads ``phrase``: its last word is tok's lemma, the others are in tok's left modifiers."""
    if phrase[-1] not in (tok.lemma_.lower(), tok.lower_):
        return False
    mods = {w for child in tok.lefts if child.dep_ in ("compound", "amod", "nmod", "nummod") for t in child.subtree
            for w in (t.lemma_.lower(), t.lower_)}
    return all(word in mods for word in phrase[:-1])


@lru_cache(maxsize=1)
def _noun_index() -> dict[str, list[tuple[EventConcept, tuple[str, ...]]]]:
    """Concept noun phrases by their head word, longest first, so each token is checked against few phrases."""
    index: dict[str, list[tuple[EventConcept, tuple[str, ...]]]] = {}
    for concept in load_event_concepts():
        for phrase in concept.nouns:
            index.setdefault(phrase[-1], []).append((concept, phrase))
    for entries in index.values():
        entries.sort(key=lambda cp: -len(cp[1]))
    return index


def _noun_match(tok: Token) -> tuple[EventConcept, tuple[str, ...]] | None:
    """(concept, phrase) for the longest concept noun phrase ``tok`` heads, or None."""
    index = _noun_index()
    entries = index.get(tok.lemma_.lower(), []) + index.get(tok.lower_, [])
    for concept, phrase in sorted(entries, key=lambda cp: -len(cp[1])):
        if _phrase_matches(tok, phrase):
            return concept, phrase
    return None


def _noun_concept(tok: Token) -> EventConcept | None:
    """The concept whose longest noun phrase ``tok`` heads, or None."""
    found = _noun_match(tok)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _verb_words() -> frozenset[str]:
    words: set[str] = set()
    for concept in load_event_concepts():
        words |= {p[0] for p in concept.verbs + concept.object_verbs} | set(concept.adjectives)
        words |= set(concept.negated_verbs)
    return frozenset(words)


def _verb_matches(tok: Token, phrase: tuple[str, ...]) -> bool:
    if tok.lemma_.lower() != phrase[0]:
        return False
    if len(phrase) == 1:
        return True
    kids = [c for c in tok.children if c.dep_ in ("prt", "advmod", "xcomp", "acomp", "prep", "dobj", "oprd")]
    kids += [g for c in kids if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]  # "return to normal"
    words = {w for c in kids for w in (c.lower_, c.lemma_.lower())}
    return all(word in words for word in phrase[1:])


def _verb_concept(tok: Token, concepts: tuple[EventConcept, ...]) -> tuple[EventConcept, str] | None:
    """(concept, role) for a verb or predicate adjective; role says where its scope is (subject/object/negated)."""
    lemma = tok.lemma_.lower()
    if lemma not in _verb_words():
        return None
    negated = any(c.dep_ == "neg" for c in tok.children)  # "DNS did not fail" tells no failure
    for concept in concepts:
        for phrases, role in ((concept.verbs, "subject"), (concept.object_verbs, "object")):
            if not negated and tok.pos_ in ("VERB", "AUX") and any(
                    _verb_matches(tok, p) for p in sorted(phrases, key=len, reverse=True)):
                return concept, role
        if tok.pos_ == "ADJ" and lemma in concept.adjectives and tok.dep_ in ("acomp", "oprd", "ccomp", "xcomp", "amod"):
            return concept, "subject"
        if tok.pos_ == "VERB" and lemma in concept.negated_verbs and is_negated(tok):
            return concept, "negated"
    return None


def is_negated(tok: Token) -> bool:
    """True if the text says ``tok`` did not happen: "couldn't launch", "prevented them from connecting"."""
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    negators = load_cues()["negators"]
    node = tok
    for _ in range(3):
        head = node.head
        if head is node:
            return False
        if head.lemma_.lower() in negators and node.dep_ in ("pcomp", "xcomp", "prep", "pobj", "ccomp", "advcl"):
            return True
        if node.dep_ not in ("pcomp", "pobj", "prep", "xcomp"):
            return False
        node = head
    return False


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(load_cues()["drop_modifiers"])


def _phrase_words(tok: Token, comp_at: dict[int, ComponentRef], skip: set[str]) -> list[str]:
    """Lemmas of tok's compound modifiers and tok itself, without components, intensifiers and ``skip``."""
    drop = _stop_words() | skip
    words = [t.lemma_.lower() if t.pos_ != "PROPN" else t.text for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")
             for t in c.subtree if t.i not in comp_at and t.is_alpha and t.lemma_.lower() not in drop
             and (t.pos_ in ("NOUN", "PROPN") or t.dep_ == "compound")]  # "valid", "planned": qualities
    if tok.i not in comp_at and tok.lemma_.lower() not in drop and tok.pos_ in ("NOUN", "PROPN"):
        words.append(tok.lemma_.lower())
    return words


def _components_near(tok: Token, comp_at: dict[int, ComponentRef], *, preps: bool = True) -> list[ComponentRef]:
    """Components in tok's modifiers, possessor and prepositional objects ("delay in the enactors"), nearest first."""
    found: list[ComponentRef] = []
    for child in sorted(tok.children, key=lambda c: abs(c.i - tok.i)):
        if child.dep_ in ("compound", "amod", "nmod", "poss", "appos"):
            found += [comp_at[t.i] for t in child.subtree if t.i in comp_at and (t.i < tok.i or child.dep_ == "appos")]
        elif preps and child.dep_ == "prep" and child.lower_ in ("in", "on", "of", "within", "for", "to", "inside", "at", "from"):
            found += [comp_at[t.i] for p in child.children if p.dep_ == "pobj" for t in p.subtree if t.i in comp_at]
    if tok.i in comp_at:
        found.insert(0, comp_at[tok.i])
    return _unique(found)


def _unique(refs: list[ComponentRef]) -> list[ComponentRef]:
    seen: dict[str, ComponentRef] = {}
    for ref in refs:
        seen.setdefault(ref.slug, ref)
    return list(seen.values())


def _recent_component(doc: Doc, before: int, comp_at: dict[int, ComponentRef]) -> ComponentRef | None:
    """The last component mentioned before token ``before`` in its sentence or the previous one (for "it")."""
    sent = doc[before].sent
    floor = doc[max(sent.start - 1, 0)].sent.start
    seen = [comp_at[i] for i in range(before - 1, floor - 1, -1) if i in comp_at]
    # A subject is the likelier antecedent: "Our DNS servers withdrew their BGP routes because they ..."
    subjects = [c for c in seen if doc[c.end - 1].dep_ in ("nsubj", "nsubjpass")]
    return (subjects or seen or [None])[0]


def _subject(tok: Token) -> Token | None:
    """The subject of tok's clause, climbing through xcomp/conj/aux chains ("leases started to time out")."""
    node = tok
    for _ in range(4):
        for child in node.children:
            if child.dep_ in SUBJECTS:
                relative = child.tag_ in ("WDT", "WP") and node.dep_ in ("relcl", "acl")
                return node.head if relative else child  # "the proxy, which crashed": the proxy
        if node.dep_ in ("relcl", "acl") and node.head.pos_ in ("NOUN", "PROPN"):
            return node.head
        if node.dep_ not in ("xcomp", "conj", "ccomp", "advcl", "acomp", "oprd") or node.head is node:
            return None
        node = node.head
    return None


def _object(tok: Token, *, connectives: bool = True) -> Token | None:
    """What a verb acts on: its direct object, passive subject, or prepositional object ("connect to DynamoDB")."""
    for child in tok.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return child
    for child in tok.children:
        if child.dep_ == "prep" and (connectives or child.lower_ in ("to", "with", "on", "for")):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
        return tok.head
    return None


def _scope_of(tok: Token | None, comp_at: dict[int, ComponentRef]) -> tuple[list[ComponentRef], list[str]]:
    """Components and phrase words naming what a verb event happens to ("new instances" -> ["instance"])."""
    if tok is None:
        return [], []
    if tok.pos_ == "PRON" and tok.lower_ in PRONOUNS:
        recent = _recent_component(tok.doc, tok.i, comp_at)
        return ([recent] if recent else []), []
    comps = _components_near(tok, comp_at)
    if tok.dep_ != "relcl":  # "several AWS services, including Lambda, ECS...": all of them are affected
        comps = _unique(comps + [comp_at[t.i] for t in tok.subtree if t.i in comp_at][:12])
    return comps, _phrase_words(tok, comp_at, set())


def _light_verb_subject(tok: Token, comp_at: dict[int, ComponentRef]) -> list[ComponentRef]:
    """"DWFM faced substantial delays": the component that experienced a noun event."""
    node = tok
    while node.dep_ == "pobj" and node.head.head is not node.head:
        node = node.head.head
    if node.dep_ in ("dobj", "attr") and node.head.lemma_.lower() in load_cues()["light_verbs"]:
        comps, _ = _scope_of(_subject(node.head), comp_at)
        return comps
    return []


def _noun_event(tok: Token, concept: EventConcept, comp_at: dict[int, ComponentRef],
                phrase: tuple[str, ...] = ()) -> EventRef | None:
    if any(c.lower_ in load_cues()["positive_modifiers"] for c in tok.lefts if c.dep_ in ("amod", "det")):
        return None  # "low latency" is a virtue, not an event
    own = {w for phrase in concept.nouns for w in phrase}
    comps = _components_near(tok, comp_at, preps=False) or _light_verb_subject(tok, comp_at) \
        or _components_near(tok, comp_at)
    words = [w for w in _phrase_words(tok, comp_at, own) if w != tok.lemma_.lower()]
    end = tok.i + 1
    if not words and not comps:
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("in", "of", "on", "to")):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                words, end = _phrase_words(pobj, comp_at, set()), max(end, pobj.i + 1)
                break
    start = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")])
    # A generic concept told by a specific phrase ("packet loss", "memory leak") keeps that phrase as its label.
    label = " ".join(phrase) if concept.scoped and len(phrase) > 1 else None
    return _make(tok, concept, comps, words, start, end, label=label)


def _verb_event(tok: Token, concept: EventConcept, role: str, comp_at: dict[int, ComponentRef]) -> EventRef | None:
    if concept.id == "failure" and any(c.dep_ == "xcomp" for c in tok.children):
        return None  # "failed to connect": the blocked action is the event
    if role == "negated":
        obj, subj = _object(tok, connectives=False), _subject(tok)
        comps, words = _scope_of(obj, comp_at)
        subj_comps, subj_words = _scope_of(subj, comp_at)
        nominal = load_cues()["nominals"].get(tok.lemma_.lower(), tok.lemma_.lower())
        comps = _unique(subj_comps + comps)
        subject = [c.name for c in subj_comps[:1]] or subj_words
        scope_words = subject + words + [nominal]
        end = tok.i + 1 if obj is None or obj.i < tok.i else obj.i + 1
        start = subj.i if subj is not None and 0 <= tok.i - subj.i <= 6 else tok.i
        return _make(tok, concept, comps, scope_words, start, end, use_component=False)
    scope_tok = _object(tok) if role == "object" else _subject(tok)
    if role == "subject" and tok.pos_ == "ADJ" and scope_tok is None and tok.head.pos_ == "VERB":
        scope_tok = _object(tok.head)  # "rendered the DynamoDB service inaccessible"
    comps, words = _scope_of(scope_tok, comp_at)
    edge = scope_tok.left_edge.i if scope_tok is not None and tok.i - scope_tok.left_edge.i <= 8 else tok.i
    lo = tok.i if scope_tok is None else min(tok.i, edge if scope_tok.i < tok.i else scope_tok.i, scope_tok.i)
    hi = max([tok.i] + [c.i for c in tok.children if c.dep_ in ("prt", "advmod", "xcomp")] +
             ([scope_tok.i] if scope_tok is not None else []))
    return _make(tok, concept, comps, words, lo, hi + 1)


def _make(tok: Token, concept: EventConcept, comps: list[ComponentRef], words: list[str], start: int, end: int,
          *, use_component: bool = True, label: str | None = None) -> EventRef | None:
    """Build the EventRef; the canonical phrase puts the scope (component name or phrase) before the label."""
    generic = set(load_system_heads()["generic_names"])
    comps = sorted(comps, key=lambda c: c.name.lower() in generic)  # "EC2 APIs": EC2, not API, names it
    label = label or concept.label
    label_words = set(label.lower().split())
    scope = comps[0].name if comps and use_component else " ".join(
        dict.fromkeys(w for w in words if w.lower() not in label_words))
    if concept.requires_scope and not comps:
        return None  # "problems" only counts when the text says whose
    summary = f"{scope} {label}".strip() if concept.scoped else label
    concept_id = "failure" if concept.negated_verbs else concept.id
    # Terms name the component by slug, so spellings of one component compare equal (graph.build.is_same_event).
    named = comps and use_component and concept.scoped
    words_in = label.split() if named else summary.split()
    terms = sorted(({comps[0].slug} if named else set()) | ({w.lower() for w in words_in} - _stop_words()))
    return EventRef(tok.i, start, end, concept_id, concept.kind, summary, [c.slug for c in comps], terms)


def _is_anaphor(tok: Token) -> bool:
    """"This flaw", "these issues", "the failure" (bare): a problem noun pointing back to an earlier event."""
    cues = load_cues()
    if tok.lemma_.lower() not in cues["anaphor_nouns"] or tok.pos_ != "NOUN":
        return False
    dets = [c.lower_ for c in tok.children if c.dep_ == "det"]
    if any(d in cues["anaphor_determiners"] and d != "the" for d in dets):
        return True
    return dets == ["the"] and all(c.dep_ in ("det", "punct") for c in tok.children)


def _resolve(doc: Doc, tok: Token, events: list[EventRef], comp_at: dict[int, ComponentRef]) -> EventRef | None:
    """The antecedent of an anaphor: prefers events on a component it names, then the previous two sentences."""
    cues = load_cues()
    kinds = set(cues["anaphor_kinds"].get(tok.lemma_.lower(), cues["problem_kinds"]))
    named = {c.slug for c in _components_near(tok, comp_at)}
    floor = doc[max(tok.sent.start - 1, 0)].sent.start
    floor = doc[max(floor - 1, 0)].sent.start
    candidates = [e for e in events if e.anchor < tok.i and not e.anaphor and e.kind in kinds]
    if not candidates:
        return None
    own = _noun_concept(tok)
    same = own.id if own is not None else ""
    best = max(candidates, key=lambda e: (bool(named & set(e.components)), e.anchor >= floor, e.concept == same,
                                          e.anchor))
    return EventRef(tok.i, min([tok.i] + [c.i for c in tok.lefts]), tok.i + 1, best.concept, best.kind,
                    best.summary, list(best.components), list(best.terms), anaphor=True)


def _same_concept_antecedent(tok: Token, event: EventRef, events: list[EventRef]) -> EventRef:
    """"The expiry" after "the certificate expired": a definite bare noun is the last event of its concept."""
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children):
        return event
    earlier = [e for e in events if e.concept == event.concept and not e.anaphor and e.key != event.key]
    if not earlier:
        return event
    best = earlier[-1]
    return EventRef(event.anchor, event.start, event.end, best.concept, best.kind, best.summary,
                    list(best.components), list(best.terms), anaphor=True)


def _mark_unexplained(doc: Doc, events: list[EventRef]) -> None:
    """Flag events the text says nobody explained ("for some reason", "it wasn't explained")."""
    markers = [m.lower() for m in load_cues()["unexplained_markers"]]
    sents = list(doc.sents)
    for n, sent in enumerate(sents):
        text = sent.text.lower().replace("’", "'")
        if not any(m in text for m in markers):
            continue
        inside = [e for e in events if sent.start <= e.anchor < sent.end and e.kind in ("condition", "failure")]
        if not inside and n:
            prev = sents[n - 1]
            inside = [e for e in events if prev.start <= e.anchor < prev.end][-1:]
        for event in inside:
            event.unexplained = True


def find_events(doc: Doc, components: list[ComponentRef]) -> list[EventRef]:
    """Every event mention in ``doc`` in text order, anaphors resolved to their antecedent's canonical phrase."""
    concepts = load_event_concepts()
    comp_at = {i: c for c in components for i in range(c.start, c.end)}
    events: list[EventRef] = []
    for tok in doc:
        event = None
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "compound":
            if _is_anaphor(tok) and (event := _resolve(doc, tok, events, comp_at)) is not None:
                pass
            elif (found := _noun_match(tok)) is not None:
                concept, phrase = found
                event = _noun_event(tok, concept, comp_at, phrase)
                if event is not None and concept.scoped and event.summary == concept.label:
                    event = _same_concept_antecedent(tok, event, events)
        elif tok.pos_ in ("VERB", "AUX", "ADJ") and (found := _verb_concept(tok, concepts)) is not None:
            event = _verb_event(tok, found[0], found[1], comp_at)
        if event is not None:
            events.append(event)
    _mark_unexplained(doc, events)
    by_key: dict[str, bool] = {}
    for event in events:  # one flag per event, whichever sentence said it
        by_key[event.key] = by_key.get(event.key, False) or event.unexplained
    for event in events:
        event.unexplained = by_key[event.key]
    return events
