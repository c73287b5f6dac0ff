"""Events told by a parsed article: noun phrases ("an empty DNS record") and verb phrases ("DynamoDB went down").

Each event is recognised from a general outage concept in ``lexicon/events.jsonl``
and named by a canonical phrase (``ingest.extraction.event_phrases``): scoped concepts take
what they happen to ("DynamoDB outage", "lease timeout"), specific ones stand alone
("race condition"). Mentions with the same canonical phrase are one event.
Near-duplicates are merged later by ``graph.build.is_same_event``.

Mentions that point back ("This flaw", "the outage", "the missing timeout") take
the canonical phrase of their antecedent (``ingest.extraction.event_anaphora``); a vague
mention with no antecedent ("a change", "errors", "recovery") tells nothing
specific and is dropped. A problem noun that is what an action acts on ("mitigate
impacts", "removed the health check timeout") is that action's scope, not an
event of its own.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from ingest.extraction.entities import ComponentRef
from ingest.extraction.event_anaphora import is_anaphor, resolve_absence, resolve_anaphor, resolve_vague
from ingest.extraction.event_phrases import (
    EventRef,
    components_near,
    denies_harm,
    is_qualifier,
    kind_words,
    label_word,
    lacked_thing,
    make_event,
    object_of,
    only_believed,
    participle,
    particles,
    partitive_head,
    past_tense,
    phrase_words,
    scope_of,
    subject_of,
    unique_components,
)
from ingest.lexicon import EventConcept, load_cues, load_event_concepts

__all__ = ["EventRef", "find_events", "is_negated"]



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


def _phrase_tokens(tok: Token, phrase: tuple[str, ...]) -> list[Token] | None:
    """The tokens that tell verb phrase ``phrase`` with ``tok`` as its verb, in text order; None if they do not."""
    if tok.lemma_.lower() != phrase[0]:
        return None
    kids = [c for c in tok.children if c.dep_ in ("prt", "advmod", "xcomp", "acomp", "prep", "dobj", "oprd")
            or c.dep_ == "ccomp" and c.pos_ in ("ADJ", "ADV")]  # "took the site offline"
    # "return to normal", "was back to normal": the object of a preposition on the verb or on its adverb
    inner = [g for c in kids if c.dep_ == "advmod" for g in c.children if g.dep_ in ("prep", "advmod")]
    kids += [g for g in inner if g.dep_ == "advmod"]  # "were back online" with "back" under "online"
    preps = [c for c in kids if c.dep_ == "prep"] + [g for g in inner if g.dep_ == "prep"]
    objects = [g for c in preps for g in c.children if g.dep_ == "pobj"]
    kids += objects + [m for g in objects for m in g.children if m.dep_ == "amod"]  # "returned to normal levels"
    found = [tok]
    for word in phrase[1:]:
        match = next((c for c in kids if word in (c.lower_, c.lemma_.lower())), None)
        if match is None:
            return None
        found.append(match)
    # "fell over the next two days" is no "fell over": a preposition with an object of its own is no particle
    if any(t.dep_ == "prep" and any(g.dep_ == "pobj" and g not in found for g in t.children) for t in found):
        return None
    return sorted(found, key=lambda t: t.i)


def _verb_matches(tok: Token, phrase: tuple[str, ...]) -> bool:
    return _phrase_tokens(tok, phrase) is not None


def _told_phrase(tok: Token, phrase: tuple[str, ...]) -> list[str]:
    """The words of a multi-word verb phrase as the text has them, with the prepositions between them but
    no article, adverb or bare "be": "came to a stop" -> "came to stop", "was back to normal" -> "back to normal"."""
    found = _phrase_tokens(tok, phrase) or [tok]
    found += [c for c in tok.children if c.i == found[-1].i + 1 and (  # "came back up"
        c.dep_ == "prt" or c.dep_ == "advmod" and c.lower_ in load_cues()["verb_particles"])]
    span = tok.doc[found[0].i: found[-1].i + 1]
    words = [t.lower_ for t in span if (t in found or t.pos_ == "ADP" and any(c in found for c in t.children))
             and not (t.i == tok.i and tok.lemma_ == "be")]
    # "ran out of memory": what ran out completes the phrase
    of = next((c for c in found[-1].children if c.lower_ == "of" and c.dep_ == "prep"), None) \
        if found[-1].lower_ == "out" else None
    what = next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) if of is not None else None
    if what is not None:
        words += ["of", *[label_word(c) for c in what.lefts if c.dep_ == "compound"], label_word(what)]
    return words


@lru_cache(maxsize=1)
def _phrases_starting() -> dict[str, dict[tuple[str, str], list[tuple[str, ...]]]]:
    """The vocabulary's verb phrases by their first word, then by (concept id, role), longest first: a verb
    is checked only against the phrases it can start."""
    out: dict[str, dict[tuple[str, str], list[tuple[str, ...]]]] = {}
    for concept in load_event_concepts():
        for phrases, role in ((concept.verbs, "subject"), (concept.object_verbs, "object")):
            for phrase in sorted(phrases, key=len, reverse=True):
                out.setdefault(phrase[0], {}).setdefault((concept.id, role), []).append(phrase)
    return out


@lru_cache(maxsize=1)
def _concepts_of_word() -> dict[str, tuple[EventConcept, ...]]:
    """The concepts a verb or adjective can tell, in the vocabulary's order (the first that matches wins)."""
    out: dict[str, list[EventConcept]] = {}
    for concept in load_event_concepts():
        words = {p[0] for p in concept.verbs + concept.object_verbs} | set(concept.adjectives) \
            | set(concept.negated_verbs)
        for word in words:
            out.setdefault(word, []).append(concept)
    return {word: tuple(found) for word, found in out.items()}


def _verb_concept(tok: Token) -> tuple[EventConcept, str] | None:
    """(concept, role) for a verb or predicate adjective; role says where its scope is (subject/object/negated)."""
    lemma = tok.lemma_.lower()
    if lemma in load_cues()["returning_adverbs"] and headline_noun(tok) is not None:
        return _concept("recovery"), "subject"  # "Latency back within SLO", "Payments back to normal"
    if lemma not in _concepts_of_word():
        return None
    negated = any(c.dep_ == "neg" for c in tok.children)  # "DNS did not fail" tells no failure
    starting = _phrases_starting().get(lemma, {})
    told = [(len(p), -n, concept, role) for n, concept in enumerate(_concepts_of_word().get(lemma, ()))
            for role in ("subject", "object") for p in starting.get((concept.id, role), ())
            if not negated and tok.pos_ in ("VERB", "AUX") and _verb_matches(tok, p)]
    if told:  # the longest phrase the text tells wins: "failed over" is a failover, not a failure
        _, _, concept, role = max(told, key=lambda t: t[:2])
        if role == "subject" and any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in tok.children) and (
                lemma in load_cues()["causal_verbs"] or concept.kind == "condition" and tok.tag_ == "VBD"):
            return concept, "object"  # "the surge overloaded the cache", "the restart emptied the cache": the cache
        return concept, role
    for concept in _concepts_of_word().get(lemma, ()):
        if lemma in concept.adjectives and (
                tok.pos_ == "ADJ" and tok.dep_ in ("acomp", "oprd", "ccomp", "xcomp")
                or tok.pos_ == "ADJ" and tok.dep_ == "amod" and concept.kind != "recovery"  # "healthy hosts" describes
                or tok.dep_ == "advmod" and tok.head.lemma_ == "be"  # "the site was down", "is offline"
                or headline_noun(tok) is not None  # "GitHub down for two hours"
                or absolute_state(tok) is not None):  # "with the database offline, ..."
            return concept, "subject"
        if tok.pos_ == "VERB" and lemma in concept.negated_verbs and is_negated(tok):
            return concept, "negated"
    return None


def absolute_state(tok: Token) -> Token | None:
    """The noun whose state ``tok`` tells in a "with" clause without a verb ("With the database offline,
    checkout failed", "with the primary down"), else None. The parser reads such a clause either as a
    clause of its own (the noun its subject) or as the noun after "with" with the word hanging on it."""
    if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "with" for c in tok.children) \
            or tok.dep_ == "pcomp" and tok.head.lower_ == "with":
        return next((c for c in tok.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")), None)
    head = tok.head
    if tok.dep_ in ("advmod", "prt", "amod") and tok.i > head.i and head.dep_ == "pobj" \
            and head.head.lower_ == "with" and head.pos_ in ("NOUN", "PROPN"):
        return head
    return None


def _verbless_headline(tok: Token) -> bool:
    """A noun that heads its sentence without a verb, as headlines and posts write ("Slack down for
    millions", "lots of sites down because their DNS provider fell over"): its adverb tells its state."""
    return tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "ROOT"


def headline_noun(tok: Token) -> Token | None:
    """The noun of a verbless headline whose state the adverb ``tok`` tells ("GitHub *down*", "Latency *back*
    within SLO", "service *back* online"), else None."""
    if tok.dep_ not in ("advmod", "prt"):
        return None
    if _verbless_headline(tok.head):
        return tok.head
    return tok.head.head if tok.head.dep_ in ("advmod", "prt") and _verbless_headline(tok.head.head) else None


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
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children)
        # "kept serving" goes on; "kept them from serving" and "stopped serving" do not
        continues = node.dep_ == "xcomp" and negators.get(head.lemma_.lower()) == "from" \
            and head.lemma_.lower() not in load_cues()["cessation_verbs"]
        fronted = node.dep_ == "advcl" and node.i < head.i  # "Starting at 14:10, nameservers stopped answering"
        if head.lemma_.lower() in negators and node.dep_ in ("pcomp", "xcomp", "prep", "pobj", "ccomp", "advcl") \
                and not own_subject and not continues and not fronted:  # "X made Y unreachable, so checkout failed": a clause of its own
            return True
        if node.dep_ not in ("pcomp", "pobj", "prep", "xcomp"):
            return False
        node = head
    return False


def _light_verb_subject(tok: Token, comp_at: dict[int, ComponentRef]) -> tuple[list[ComponentRef], list[str]]:
    """"DWFM faced substantial delays", "the checkout service returned errors": what experienced a noun event."""
    node = tok
    while node.dep_ == "pobj" and node.head.head is not node.head:
        node = node.head.head
    if node.dep_ in ("dobj", "attr") and node.head.lemma_.lower() in load_cues()["light_verbs"]:
        if node.head.lemma_.lower() in load_cues()["causal_verbs"]:
            return [], []  # "The stale replica caused duplicates": the subject is a cause, not what it is of
        return scope_of(subject_of(node.head), comp_at)
    return [], []


def _noun_event(tok: Token, concept: EventConcept, comp_at: dict[int, ComponentRef],
                phrase: tuple[str, ...] = ()) -> EventRef | None:
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).text == "-" and tok.dep_ in ("compound", "npadvmod", "amod", "nmod"):
        return None  # "outage-tracking sites", "latency-sensitive jobs": a word of another word
    if any(c.lower_ in load_cues()["positive_modifiers"] for c in tok.lefts if c.dep_ in ("amod", "det")):
        return None  # "low latency" is a virtue, not an event
    if only_believed(tok):
        return None  # "engineers suspected a database problem": no such event
    own = {w for phrase in concept.nouns for w in phrase}
    experienced_by, by_words = _light_verb_subject(tok, comp_at)
    comps = components_near(tok, comp_at, preps=False) or experienced_by or components_near(tok, comp_at)
    words = [w for w in phrase_words(tok, comp_at, own) if w != tok.lemma_.lower()]
    end = tok.i + 1
    # "problems with logins", "reported problems with logins", "had trouble with the checkout page": what with
    holders = [tok] + ([tok.head] if tok.dep_ == "dobj" else [])
    with_ = next((p for h in holders for p in h.children if p.dep_ == "prep" and p.lower_ == "with"), None)
    what = next((c for c in with_.children if c.dep_ == "pobj"), None) if with_ is not None and not words else None
    if what is not None and what.i in comp_at and not components_near(tok, comp_at, preps=False):
        comps = [comp_at[what.i]]
    elif what is not None and what.pos_ == "NOUN":
        words, end = phrase_words(what, comp_at, set()), max(end, what.i + 1)
    words = words or by_words
    if not words and not comps:
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("in", "of", "on", "to", "with")):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):  # "worst outage in four years"
                words, end = phrase_words(pobj, comp_at, set()), max(end, pobj.i + 1)
                break
    start = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")])
    # A generic concept told by a specific phrase ("packet loss", "memory leak") keeps that phrase as its label.
    label = " ".join(phrase) if concept.scoped and len(phrase) > 1 else None
    inner = [c for c in comps if start < c.start and c.end <= tok.i and is_qualifier(c)]
    if concept.scoped and len(phrase) > 1 and inner:
        # "an empty TLS record": a kind of thing inside the concept's phrase reads as written
        told = " ".join([t.text if t.i in comp_at else t.lower_ for t in tok.doc[start:tok.i] if t.dep_ != "det"]
                        + [label_word(tok) if tok.tag_ == "NNS" else tok.lower_])
        return make_event(tok, concept, comps, [], start, end, label=told, use_component=False)
    # One word of the concept told in other words keeps the text's word ("queue lag", "traffic surge",
    # "subsystem issue"): the summary says it, the terms keep the concept's label so the event still merges.
    own = label_word(tok) if len(phrase) == 1 and not _same_word(phrase[0], concept.label) else None
    if not concept.scoped and len(phrase) > 1 and not all(_same_word(w, concept.label) for w in phrase):
        # "a retry storm" reads as written (its terms still say what concept it is); "a health check" is
        # one of the label's own words, and the label says more
        own = " ".join(phrase)
    return make_event(tok, concept, comps, words, start, end, label=label, told=own)


def _same_word(word: str, label: str) -> bool:
    """True if ``word`` is a form of one of ``label``'s words ("throttle" of "throttling", "error" of "errors")."""
    return any(w[:5] == word[:5] for w in label.lower().split())


def _hypothetical(tok: Token) -> bool:
    """True if a modal ("can", "might") governs tok's clause and nothing negates it."""
    modals = load_cues()["hypothetical_modals"]
    node = tok
    for _ in range(3):  # "can easily get overloaded": the modal may sit on an auxiliary head
        if any(c.dep_ == "aux" and c.lemma_.lower() in modals for c in node.children):
            return not is_negated(node)
        if node.dep_ not in ("xcomp", "acomp") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _verb_event(tok: Token, concept: EventConcept, role: str, comp_at: dict[int, ComponentRef]) -> EventRef | None:
    if concept.id == "failure" and tok.lemma_ == "fail" and any(c.dep_ == "xcomp" for c in tok.children):
        return None  # "failed to connect": the blocked action is the event
    if role != "negated" and _hypothetical(tok) or only_believed(tok):
        return None  # "the cache can get overloaded", "we feared the disk had filled": not what did happen
    if denies_harm(tok):
        return None  # "no payments were lost": nothing happened
    if role == "negated":
        obj, subj = object_of(tok, connectives=False), subject_of(tok)
        if subj is None and tok.dep_ == "pcomp" and tok.head.lower_ == "from":
            # "prevented new build runners from starting": the runners did not start
            subj = next((c for c in tok.head.head.children if c.dep_ == "dobj"), None)
        comps, words = scope_of(obj, comp_at)
        subj_comps, subj_words = scope_of(subj, comp_at)
        nominal = load_cues()["nominals"].get(tok.lemma_.lower(), tok.lemma_.lower())
        if tok.lemma_.lower() in load_cues()["support_verbs"] and words:
            nominal = ""  # "could not make payments": a payment failure; the verb only carries the noun
        # "the gateway could not connect to the database": who could not, and what they could not reach
        subject = [c.name for c in subj_comps[:1]] or subj_words
        reached = words or [c.name for c in comps[:1] if c not in subj_comps[:1]]
        comps = unique_components(subj_comps + comps)
        scope_words = subject + reached + ([nominal] if nominal else [])
        end = tok.i + 1 if obj is None or obj.i < tok.i else obj.i + 1
        start = subj.i if subj is not None and 0 <= tok.i - subj.i <= 6 else tok.i
        return make_event(tok, concept, comps, scope_words, start, end, use_component=False)
    scope_tok = object_of(tok) if role == "object" else subject_of(tok)
    scope_tok = partitive_head(scope_tok) if scope_tok is not None else None
    amount = None
    if role == "object" and scope_tok is not None and (scope_tok.like_num or scope_tok.ent_type_ in AMOUNTS):
        # "Knight lost $440 million": who lost it, and how much
        amount, scope_tok, role = scope_tok, subject_of(tok), "subject"
    if scope_tok is None and tok.dep_ in ("amod", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
        scope_tok = tok.head  # "failed payments": the payments failed
    if scope_tok is None and (subject := absolute_state(tok)) is not None:
        scope_tok = partitive_head(subject)  # "with the primary down": the primary
    if scope_tok is None and (noun := headline_noun(tok)) is not None:
        scope_tok = partitive_head(noun)  # "lots of sites down": the sites
    if role == "subject" and tok.pos_ == "ADJ" and scope_tok is None and tok.head.pos_ == "VERB":
        scope_tok = object_of(tok.head)  # "rendered the DynamoDB service inaccessible"
    comps, words = scope_of(scope_tok, comp_at)
    edge = scope_tok.left_edge.i if scope_tok is not None and tok.i - scope_tok.left_edge.i <= 8 else tok.i
    lo = tok.i if scope_tok is None else min(tok.i, edge if scope_tok.i < tok.i else scope_tok.i, scope_tok.i)
    hi = max([tok.i] + [c.i for c in tok.children if c.dep_ in ("prt", "advmod", "xcomp")] +
             ([scope_tok.i] if scope_tok is not None else []))
    # "Slack became unavailable", "the update was reverted", "apps time out": the text's own verb says more
    # than the concept's label ("outage", "mitigation", "timeout") and reads as the reader saw it. What a verb
    # did to its object reads as its participle ("withdrew the routes", "rolling back the update": "route
    # withdrawn", "update rolled back"); an infinitive reads better as the label ("caused the probes to fail":
    # "probe failure"), a progressive as told ("the API is working normally")
    phrase = max((p for p in concept.verbs + concept.object_verbs if _verb_matches(tok, p)), key=len, default=())
    # "came to a stop" -> "came to stop"; "is working normally" -> "working normally"; "fell over"
    said = _told_phrase(tok, phrase) if len(phrase) > 1 else [tok.lower_, *particles(tok)]
    progressive = tok.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children)
    if role == "object" and tok.tag_ in ("VBD", "VBG") and not progressive and tok.dep_ != "amod":
        said = [participle(tok), *said[1:]]  # "rolling back the change", "withdrew the routes": "change rolled back"
    if amount is not None:
        inside = [t for t in amount.subtree if t.dep_ not in ("prep", "pobj", "det", "poss") and t.head.dep_ != "prep"
                  and (t.dep_ != "quantmod" or not t.is_alpha)]  # "$440 million", "30%", not "about"
        said.append("".join(t.text_with_ws for t in inside).strip())
    told = " ".join(dict.fromkeys(said)) if tok.dep_ != "amod" and (tok.tag_ not in ("VBG", "VB") or progressive
                                                                      or role == "object") \
        and (role == "subject" or tok.tag_ in ("VBN", "VBD", "VBG")) else None
    if told is None and role == "subject" and tok.dep_ != "amod" and tok.tag_ in ("VB", "VBG") \
            and not _same_word(tok.lemma_.lower(), concept.label) \
            and not (len(said) == 1 and any(w.startswith(tok.lemma_.lower()) for w in concept.label.lower().split())):
        # "caused Windows to crash", "servers started crashing": the text's own verb, told as done ("Windows
        # crashed"); only a verb that is the label's own word reads better as the label ("probe failure")
        said[0] = past_tense(tok)
        told, told_terms = " ".join(dict.fromkeys(said)), False
    else:
        told_terms = True
    own = [w for w in words if w.lower() not in kind_words()]  # "the PostgreSQL database": PostgreSQL is the database
    if scope_tok is not None and comps and scope_tok.i not in comp_at and own and not is_qualifier(comps[0]):
        # "two chillers at the data centre broke down": the chillers did, at the data centre ("data centre
        # chiller broke down", not "data centre broke down"), as "a bug in the worker" is a "worker bug"
        return make_event(tok, concept, comps, [comps[0].name, *own], lo, hi + 1, told=told, use_component=False,
                          told_terms=told_terms)
    return make_event(tok, concept, comps, words, lo, hi + 1, told=told, told_terms=told_terms)


AMOUNTS = ("MONEY", "QUANTITY", "PERCENT", "CARDINAL")




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


def _mention(doc: Doc, tok: Token, events: list[EventRef], comp_at: dict[int, ComponentRef]) -> EventRef | None:
    """The event ``tok`` tells, resolved to its antecedent when it points back; None if it tells none."""
    event = None
    if tok.dep_ == "pobj" and (lacked := lacked_thing(tok.head.head)) is not None and lacked.i == tok.i:
        return None  # "a lack of staged rollouts": the absence is the event (open_events), not the rollouts
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "compound":
        if is_anaphor(tok):
            own = _noun_concept(tok)
            event = resolve_anaphor(doc, tok, events, comp_at, own.id if own is not None else "")
        if event is None:
            event = resolve_absence(tok, events)
        if event is None and any(c.dep_ == "amod" and c.lower_ in load_cues()["lacking_modifiers"]
                                 for c in tok.children):
            return None  # "a missing timeout" is no timeout: the words as written tell it (open_events)
        if event is None and (found := _noun_match(tok)) is not None:
            event = _noun_event(tok, found[0], comp_at, found[1])
    elif (tok.pos_ in ("VERB", "AUX", "ADJ") or tok.dep_ == "advmod" or headline_noun(tok) is not None) \
            and (found := _verb_concept(tok)):
        event = _verb_event(tok, found[0], found[1], comp_at)
    if event is None and absolute_state(tok) is not None and (found := _verb_concept(tok)):
        # "with the database offline", "with the primary down", however the parser tagged the word
        event = _verb_event(tok, found[0], found[1], comp_at)
    if event is not None and event.vague:
        resolved = resolve_vague(tok, event, events)
        # "a rise in latency", "a spike in errors": the change tells a happening even with nothing before it
        first = tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.pos_ == "NOUN" \
            and not any(e.concept == event.concept and e.anchor < tok.i for e in events)
        if resolved is None and (not _concept(event.concept).generic or first
                                 or tok.lemma_.lower() in load_cues()["incident_nouns"]):
            event.vague = False  # "the failover", "the outage": specific enough when nothing came before
            return event
        return resolved
    return event


def _acted_on(doc: Doc, events: list[EventRef]) -> list[EventRef]:
    """``events`` without problem nouns that are the object of an action told as its own event."""
    actions = {e.anchor for e in events if e.kind in ("action", "mitigation", "recovery") and not e.anaphor}
    problems = set(load_cues()["problem_kinds"])
    return [e for e in events if e.anaphor or e.kind not in problems or e.concept not in _scoped_ids()
            or doc[e.anchor].dep_ not in ("dobj", "nsubjpass") or doc[e.anchor].head.i not in actions]


@lru_cache(maxsize=1)
def _scoped_ids() -> frozenset[str]:
    return frozenset(c.id for c in load_event_concepts() if c.scoped)


def _concept(concept_id: str) -> EventConcept:
    return next((c for c in load_event_concepts() if c.id == concept_id), load_event_concepts()[0])


def find_events(doc: Doc, components: list[ComponentRef]) -> list[EventRef]:
    """Every event mention in ``doc`` in text order, anaphors resolved to their antecedent's canonical phrase."""
    comp_at = {i: c for c in components for i in range(c.start, c.end)}
    events: list[EventRef] = []
    for tok in doc:
        event = _mention(doc, tok, events, comp_at)
        if event is not None and tok.dep_ == "xcomp" and any(e.anchor == tok.head.i for e in events):
            continue  # "stopped serving": the verb phrase already told it, "serving" is not a second event
        if event is not None:
            events.append(event)
    events = _acted_on(doc, events)
    _mark_unexplained(doc, events)
    by_key: dict[str, bool] = {}
    for event in events:  # one flag per event, whichever sentence said it
        by_key[event.key] = by_key.get(event.key, False) or event.unexplained
    for event in events:
        event.unexplained = by_key[event.key]
    return events
