"""Canonical phrases for event mentions: what an event happens to, and the ``EventRef`` record itself.

A scoped concept ("outage", "change") takes the component or thing it happens to
into its phrase ("DynamoDB outage", "configuration change"); a specific concept
("race condition") stands alone. Words that name no particular thing ("system",
"service", "engineer": ``vague_qualifiers`` in ``lexicon/cues.json``) do not scope
an event, so "the system change" is as content-free as "the change": such an event
is marked ``vague`` and ``ingest.extraction.events`` resolves it to an antecedent; one of a
``generic`` concept ("outage", "change") with none is dropped, one of a specific
concept ("the failover") stands as told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lemminflect import getInflection
from spacy.tokens import Doc, Token

from ingest.extraction.entities import CALENDAR_WORDS, ZONE_WORDS, ComponentRef
from ingest.lexicon import EventConcept, load_component_lexicon, load_cues, load_event_kinds, load_system_heads

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
PRONOUNS = ("it", "they", "this", "that", "these", "them", "its")


@dataclass
class EventRef:
    """One mention of an event: anchor token, quote span (token indices), concept and canonical phrase.

    ``vague`` means the phrase names no component or specific thing ("the failure", "errors").
    ``reassurance`` means the text says a harm did not happen ("no payments were lost"): an event of scope
    that causes nothing and is caused by nothing.
    """

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
    vague: bool = False
    reassurance: bool = False

    @property
    def key(self) -> str:
        return self.summary.lower()

    def told_as(self, anchor: int, start: int, end: int) -> EventRef:
        """This event, mentioned again at another place (an anaphor pointing back to it)."""
        return EventRef(anchor, start, end, self.concept, self.kind, self.summary, list(self.components),
                        list(self.terms), anaphor=True)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Intensifiers and quantities that never name what an event happens to ("significant", "several")."""
    return frozenset(load_cues()["drop_modifiers"])


@lru_cache(maxsize=1)
def vague_words() -> frozenset[str]:
    """Nouns too general to scope an event on their own ("system", "service", "engineer")."""
    return frozenset(load_cues()["vague_qualifiers"])


def participle(verb: Token) -> str:
    """The past participle of ``verb`` ("rolling" -> "rolled", "withdrew" -> "withdrawn", "took" -> "taken")."""
    forms = getInflection(verb.lemma_.lower(), tag="VBN")
    return forms[0] if forms else verb.lower_


def past_tense(verb: Token) -> str:
    """The simple past of ``verb`` ("crash" -> "crashed", "go" -> "went")."""
    forms = getInflection(verb.lemma_.lower(), tag="VBD")
    return forms[0] if forms else verb.lower_


def is_belief_verb(verb: Token) -> bool:
    """"suspected", "feared", "ruled out" (``belief_verbs``): what follows is only believed or excluded."""
    lemma = verb.lemma_.lower()
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    beliefs = load_cues()["belief_verbs"]
    return verb.pos_ == "VERB" and (lemma in beliefs or particle is not None and f"{lemma} {particle}" in beliefs)


def only_believed(tok: Token) -> bool:
    """"engineers suspected a database problem", "we ruled out an attack", "they feared that the database had
    failed": the object or clause tells no event."""
    return tok.dep_ in ("dobj", "ccomp") and is_belief_verb(tok.head)


def denies_harm(verb: Token) -> bool:
    """"No customer data was exposed", "no payments were lost", "nothing was affected", "data was not lost": a
    reassurance that a harm did not happen, so no event (unlike "no alert fired", an absence that can cause
    things, or "users could not access it", an inability)."""
    cues = load_cues()
    if verb.lemma_.lower() not in cues["harm_verbs"]:
        return False
    modal = any(a.dep_ == "aux" and a.lower_ in ("could", "can", "ca") for a in verb.children)
    if any(c.dep_ == "neg" for c in verb.children) and not modal:
        return True
    told = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    return any(c.lower_ in cues["negative_subjects"] or any(d.dep_ == "det" and d.lower_ == "no" for d in c.children)
               for c in told)


def label_word(tok: Token) -> str:
    """A word as a label has it: the lemma, except a noun whose lemma is no regular singular of it
    ("data" stays "data", not "datum"; "media" stays "media"; "servers" -> "server")."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "NOUN" and lemma != tok.lower_ and not tok.lower_.endswith("s"):
        return tok.lower_
    if tok.lower_.endswith("ies") and lemma.endswith("ie"):
        return lemma[:-2] + "y"  # the small model's "retrie" of "retries"
    return lemma


def is_flaw_word(word: str) -> bool:
    """A word that tells what was wrong with a thing ("stale", "corrupt", "bad"): a condition word."""
    return load_event_kinds().get(word.lower()) == "condition"


def _flaw(tok: Token) -> bool:
    """An adjective that tells what was wrong with a thing ("the stale plan", "a corrupt file")."""
    return tok.pos_ == "ADJ" and is_flaw_word(tok.lower_)


@lru_cache(maxsize=1)
def kind_words() -> frozenset[str]:
    """Nouns that only say what kind of system or thing ("database", "service", "system"), not which."""
    return frozenset(load_system_heads()["generic_names"]) | vague_words()


def _participle_modifier(t: Token, noun: Token) -> bool:
    """"cached answers", "pending webhooks": a participle that says which ones, unless it tells the event itself
    ("failed payments" is the failure)."""
    return t.tag_ == "VBN" and t.dep_ == "amod" and t.head.i == noun.i and t.lemma_.lower() not in load_event_kinds()


def phrase_words(tok: Token, comp_at: dict[int, ComponentRef], skip: set[str]) -> list[str]:
    """Lemmas of tok's compound modifiers and tok itself, without components, intensifiers and ``skip``."""
    drop = stop_words() | skip
    words = [t.text if t.pos_ == "PROPN" else t.lower_ if t.tag_ == "VBN" else label_word(t)
             for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")
             for t in c.subtree if t.i not in comp_at and t.is_alpha and t.lemma_.lower() not in drop
             and (t.pos_ in ("NOUN", "PROPN") or t.dep_ == "compound" or _flaw(t)
                  or _participle_modifier(t, tok))]  # "cached answers"; "valid": a quality
    # A three-digit number names a status code ("500 errors"); other numbers are counts.
    words = [c.text for c in tok.lefts if c.dep_ == "nummod" and c.text.isdigit() and len(c.text) == 3] + words
    if tok.i not in comp_at and tok.lemma_.lower() not in drop and tok.pos_ in ("NOUN", "PROPN"):
        words.append(label_word(tok))
    return words


def unique_components(refs: list[ComponentRef]) -> list[ComponentRef]:
    """``refs`` without repeats of a component, first mention first."""
    seen: dict[str, ComponentRef] = {}
    for ref in refs:
        seen.setdefault(ref.slug, ref)
    return list(seen.values())


def components_near(tok: Token, comp_at: dict[int, ComponentRef], *, preps: bool = True) -> list[ComponentRef]:
    """Components in tok's modifiers, possessor and prepositional objects ("delay in the enactors"), nearest first."""
    found: list[ComponentRef] = []
    for child in sorted(tok.children, key=lambda c: abs(c.i - tok.i)):
        if child.dep_ in ("compound", "amod", "nmod", "poss", "appos"):
            found += [comp_at[t.i] for t in child.subtree if t.i in comp_at and (t.i < tok.i or child.dep_ == "appos")]
        elif preps and child.dep_ == "prep" and child.lower_ in ("in", "on", "of", "within", "for", "to", "inside", "at", "from"):
            found += [comp_at[t.i] for p in child.children if p.dep_ == "pobj" for t in p.subtree if t.i in comp_at]
    if tok.i in comp_at:
        found.insert(0, comp_at[tok.i])
    return unique_components(found)


def recent_component(doc: Doc, before: int, comp_at: dict[int, ComponentRef]) -> ComponentRef | None:
    """The last component mentioned before token ``before`` in its sentence or the previous one (for "it")."""
    sent = doc[before].sent
    floor = doc[max(sent.start - 1, 0)].sent.start
    seen = [comp_at[i] for i in range(before - 1, floor - 1, -1) if i in comp_at]
    # A subject is the likelier antecedent: "Our DNS servers withdrew their BGP routes because they ..."
    subjects = [c for c in seen if doc[c.end - 1].dep_ in ("nsubj", "nsubjpass")]
    return (subjects or seen or [None])[0]


ZONE_ABBREVIATIONS = frozenset(w for w in ZONE_WORDS if w.isupper())  # "UTC", "PDT": never a subject


CLOCK_TOKEN = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")  # "01:52", read as a noun at the head of a timeline entry


def is_label_noise(word: str) -> bool:
    """A word a parse can hand to a label that never names what happened: a zone abbreviation, a weekday or
    month name, a clock ("15:12 UTC and latency", "Tuesday's outage", "- 01:52: ... is proposed")."""
    return word in ZONE_ABBREVIATIONS or word.lower() in CALENDAR_WORDS or CLOCK_TOKEN.match(word) is not None


def is_clock_word(tok: Token) -> bool:
    """True if ``tok`` is part of a clock time the parser took for a noun ("2:25 AM / 09:25 UTC: ...")."""
    return tok.ent_type_ == "TIME" or tok.text in ZONE_ABBREVIATIONS or tok.lower_ in ("am", "pm", "a.m.", "p.m.") \
        or CLOCK_TOKEN.match(tok.text) is not None


def subject_of(tok: Token) -> Token | None:
    """The subject of tok's clause, climbing through xcomp/conj/aux chains ("leases started to time out")."""
    node = tok
    for _ in range(4):
        for child in node.children:
            if child.dep_ in SUBJECTS and not is_clock_word(child):
                relative = child.tag_ in ("WDT", "WP") and node.dep_ in ("relcl", "acl")
                return node.head if relative else child  # "the proxy, which crashed": the proxy
        if node.dep_ in ("relcl", "acl") and node.head.pos_ in ("NOUN", "PROPN"):
            # "at 15:02 UTC and resolution recovered", misparsed as a clause on "UTC": the noun joined to it
            return next((c for c in node.head.children if c.dep_ == "conj" and c.i < node.i),
                        None) if is_clock_word(node.head) else node.head
        if node.dep_ not in ("xcomp", "conj", "ccomp", "advcl", "acomp", "oprd", "advmod") or node.head is node:
            return None  # an advmod predicate: "the site was down"
        node = node.head
    return None


def object_of(tok: Token, *, connectives: bool = True) -> Token | None:
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


def lacked_thing(noun: Token) -> Token | None:
    """X in "a lack of X", "the absence of X" (``absence_nouns``), else None."""
    if noun.lemma_.lower() not in load_cues()["absence_nouns"]:
        return None
    return next((g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")), None)


def partitive_head(tok: Token) -> Token:
    """What a partitive names: "some of the servers" -> servers, "one of the command's inputs" -> inputs."""
    for _ in range(2):
        if tok.lower_ not in load_cues()["partitive_words"] and not tok.like_num and tok.text != "%":
            break  # "some of the servers", "30% of its capacity", "2,000 of the hosts"
        pobj = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                     if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")), None)
        if pobj is None:
            break
        tok = pobj
    return tok


def scope_of(tok: Token | None, comp_at: dict[int, ComponentRef]) -> tuple[list[ComponentRef], list[str]]:
    """Components and phrase words naming what a verb event happens to ("new instances" -> ["instance"])."""
    if tok is None:
        return [], []
    tok = partitive_head(tok)
    if tok.pos_ == "PRON" and tok.lower_ in PRONOUNS:
        recent = recent_component(tok.doc, tok.i, comp_at)
        return ([recent] if recent else []), []
    comps = components_near(tok, comp_at)
    if tok.dep_ != "relcl":  # "several AWS services, including Lambda, ECS...": all of them are affected
        own = {t.i for t in tok.subtree} - {t.i for c in tok.children if c.dep_ == "relcl" for t in c.subtree}
        comps = unique_components(comps + [comp_at[i] for i in sorted(own) if i in comp_at][:12])  # not what
        # a relative clause on it names: "the API, which means every CI job fails"
    return comps, phrase_words(tok, comp_at, set())


MAX_SCOPE_WORDS = 4


def is_qualifier(comp: ComponentRef) -> bool:
    """A component that names a kind of thing (DNS, TLS, BGP) rather than one system."""
    known = load_component_lexicon().get(comp.slug)
    return known.qualifier if known is not None else comp.name.isupper() and len(comp.name) <= 5


def _component_words(comps: list[ComponentRef]) -> set[str]:
    return {w.lower() for c in comps for name in [c.name, *c.aliases] for w in name.split()}


def particles(verb: Token) -> list[str]:
    """The particle a phrasal verb needs to say what it says: "fell behind", "went down", "ran out", "logged
    out of" (read as a preposition before "of")."""
    doc = verb.doc
    return [c.lower_ for c in verb.children if c.dep_ == "prt" or c.dep_ == "advmod"
            and c.lower_ in load_cues()["verb_particles"] or c.dep_ == "prep" and c.i == verb.i + 1
            and c.lower_ in load_cues()["verb_particles"] and c.i + 1 < len(doc) and doc[c.i + 1].lower_ == "of"][:1]


def make_event(tok: Token, concept: EventConcept, comps: list[ComponentRef], words: list[str], start: int, end: int,
               *, use_component: bool = True, label: str | None = None, told: str | None = None,
               told_terms: bool = True) -> EventRef | None:
    """Build the EventRef; the canonical phrase puts the scope (component name or phrase) before the label.

    ``told`` is the text's own word for a scoped event told by a verb or adjective ("Slack became
    unavailable"): the summary says it ("Slack unavailable") while the terms keep the concept's label,
    so the same event told in other words still merges (graph.build.is_same_event). ``told_terms=False``
    keeps the concept's label in the terms of an event told without a component too ("requests started
    to time out": "request timed out", which merges with "request timeouts").
    """
    generic = set(load_system_heads()["generic_names"])
    comps = sorted(comps, key=lambda c: c.name.lower() in generic)  # "EC2 APIs": EC2, not API, names it
    label = label or concept.label
    label_words = set(label.lower().split())
    words = [w for w in words if w.lower() not in vague_words() and not is_label_noise(w)]
    if comps and use_component and is_qualifier(comps[0]):
        # "TLS handshake failures", "DNS resolution failure": a kind of thing and the words that say which
        named = set(comps[0].name.lower().split()) | label_words
        extra = [w for w in words if w.lower() not in named and w.lower() not in _component_words(comps)]
        flaws = [w for w in extra if is_flaw_word(w)]  # "bad DNS change"
        scope = " ".join([*flaws, comps[0].name, *dict.fromkeys(w for w in extra if w not in flaws)][: MAX_SCOPE_WORDS])
    elif comps and use_component:
        scope = comps[0].name
    else:  # what the summary says after the scope is not said twice ("exceeded its rate limit": "rate limit
        # exceeded", where the concept's label "limit exceeded" would have taken "limit" out)
        said = set(told.lower().split()) if told and concept.scoped else label_words
        scope = " ".join(dict.fromkeys(w for w in words if w.lower() not in said))
    if concept.requires_scope and not comps and not any(w.lower() not in vague_words() for w in words):
        return None  # "problems" only counts when the text says whose or with what ("problems with logins")
    summary = f"{scope} {told if told and scope else label}".strip() if concept.scoped else (told or label)
    concept_id = "failure" if concept.negated_verbs else concept.id
    # Terms name the component by slug, so spellings of one component compare equal (graph.build.is_same_event).
    named = comps and use_component and concept.scoped
    words_in = label.split() if named or told and not concept.scoped else (
        f"{scope} {label}".split() if told and not told_terms else summary.split())
    terms = sorted(({comps[0].slug} if named else set()) | ({w.lower() for w in words_in} - stop_words()))
    vague = concept.scoped and summary == concept.label and label == concept.label
    return EventRef(tok.i, start, end, concept_id, concept.kind, summary, [c.slug for c in comps], terms,
                    vague=vague)
