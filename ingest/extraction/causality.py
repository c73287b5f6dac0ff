"""Causal relations between events, from dependency parses and discourse cues in ``lexicon/cues.json``.

Seven patterns, each with the cue's confidence from cues.json (explicit causal
verbs 0.75-0.9, connectives 0.55-0.8, sentence connectives 0.6-0.75, "after" 0.4; a temporal
connective such as "after" counts only in a sentence that also has a causal verb or noun):

- causal verbs: subject causes object ("This flaw resulted in an empty DNS
  record"); reverse verbs swap ("the issue stemmed from a race condition");
  passives take the agent or a when-clause as the cause ("The race condition was
  triggered when one DNS Enactor experienced unusually high delays"); a relative
  clause's antecedent is the cause ("..., which ended up taking out DynamoDB");
  a participle's cause is its main clause ("..., preventing droplets from ...");
- subordinating connectives: the clause or phrase after "because", "due to"...
  causes the main clause's event;
- sentence connectives ("As a result", "Consequently", "So"): the previous
  sentence's outcome causes this sentence's main event; inside a sentence
  ("X failed, so Y stopped") what precedes the connective causes what follows;
- a causal sentence ending in a colon ("the outage caused three problems:") links
  its cause to each bulleted or numbered item after it, at 0.9 of the cue's confidence;
- a participle clause's event is an effect of its main clause ("This triggered
  health check failures, removing valid back-ends"), at ``participle_effect``;
- an event told as the subject of another event's verb caused it ("The change
  withdrew the BGP routes": change -> BGP withdrawal), at ``agent_subject`` confidence;
- anaphors ("This inconsistency resulted in ...") were resolved by ingest.extraction.events.

The evidence quote spans the cause, the cue and the effect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from ingest.claims.assertions import (
    asserted_agent,
    clause_tokens,
    copula_of,
    first_noticed,
    named_causes,
    named_instead,
    named_items,
    named_triggers,
    origin_causes,
    phrase_heads,
    what_it_is,
)
from ingest.extraction.event_anaphora import resolve_named_again
from ingest.extraction.events import EventRef, is_negated
from ingest.extraction.open_events import (
    MEASURE_ENTS,
    OpenEvents,
    acts_on_something,
    affecting_verbs,
    clauses_last_first,
    cue_phrase,
    event_kind_known,
    in_question,
    introduces_a_happening,
    is_adjunct,
    is_agent,
    is_eventive,
    is_happening,
    main_verb,
    resulting_state,
    verb_object,
)
from ingest.lexicon import load_claim_phrases, load_cues, load_event_kinds


@dataclass
class CausalLink:
    """cause -> effect (event keys) with the cue, its confidence and the quote's character span."""

    cause: str
    effect: str
    cue: str
    confidence: float
    start_char: int
    end_char: int


def _depth(tok: Token, root: Token) -> int:
    depth = 0
    while tok.i != root.i and tok.head.i != tok.i and depth < 50:  # Tokens are views: compare indices
        tok, depth = tok.head, depth + 1
    return depth


def _main_event(tokens: set[int], root: Token, events: list[EventRef]) -> EventRef | None:
    """The event anchored closest to ``root`` among ``tokens`` (ties: leftmost)."""
    inside = [e for e in events if e.anchor in tokens]
    if not inside:
        return None
    return min(inside, key=lambda e: (_depth(root.doc[e.anchor], root), e.anchor))


def _side(tokens: set[int], head: Token | None, events: list[EventRef], opener: OpenEvents | None) -> EventRef | None:
    """The event told on one side of a causal statement: a known event under ``head``, else an open event."""
    if head is None:
        return None
    # a clause joined to the head's own ("X fell, and autoscaling responded by removing Y") tells its own event
    joined = {t.i for c in head.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
              and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for t in c.subtree}
    found = _main_event(tokens - joined, head, events)
    if opener is not None and (found is None or _describes_a_thing(head.doc[found.anchor], head)):
        found = opener.at(head) or found
    return found


def _describes_a_thing(anchor: Token, head: Token) -> bool:
    """True if ``anchor`` only describes a thing the clause headed by ``head`` is about ("because the
    *crashed* machines could not receive a fix": the clause tells the failure to receive, and the crash
    is an earlier fact about its subject)."""
    return anchor.i != head.i and anchor.dep_ == "amod" and anchor.tag_ == "VBN" and head.pos_ in ("VERB", "AUX")


def _pobj(tok: Token | None) -> Token | None:
    """"by stale entries", "in an empty record": the object of a preposition, else the token itself."""
    if tok is not None and (tok.dep_ in ("prep", "agent") or tok.dep_ == "conj" and tok.pos_ == "ADP"):
        return next((c for c in tok.children if c.dep_ in ("pobj", "pcomp")), None)
    return tok


def _subtree(tok: Token | None, exclude: Token | None = None) -> set[int]:
    if tok is None:
        return set()
    out = {t.i for t in tok.subtree}
    if exclude is not None:
        out -= {t.i for t in exclude.subtree}
    return out


def _link(cause: EventRef | None, effect: EventRef | None, cue: str, conf: float, cue_tok: Token,
          doc: Doc) -> CausalLink | None:
    if cause is None or effect is None or cause.key == effect.key or cause.reassurance or effect.reassurance:
        return None  # "no payments were lost" causes nothing and was caused by nothing
    if set(cause.key.split()) < set(effect.key.split()) and effect.kind not in ("recovery", "mitigation"):
        # "queue processing slowed to a crawl": what slowed is not the cause of its slowing; "error rates
        # returned to baseline" keeps its link from the error rates, which are what ended
        return None
    spans = [(doc[cause.start].idx, doc[cause.end - 1].idx + len(doc[cause.end - 1])),
             (doc[effect.start].idx, doc[effect.end - 1].idx + len(doc[effect.end - 1])),
             (cue_tok.idx, cue_tok.idx + len(cue_tok))]
    return CausalLink(cause.key, effect.key, cue, conf, min(s for s, _ in spans), max(e for _, e in spans))


def _verb_sides(tok: Token, events: list[EventRef], effects_at: dict[int, EventRef],
                opener: OpenEvents | None = None, phrase: str = "") -> tuple[EventRef | None, EventRef | None]:
    """(cause, effect) around causal verb ``tok`` told by cue ``phrase``, by voice and clause type."""
    own = next((e for e in events if e.anchor == tok.i and not e.anaphor), None)
    if opener is not None and (state := resulting_state(tok, verb_object(tok))) is not None:
        own = opener.state_of(*state) or own  # "left the orders table locked": the state, not the leaving
    if any(c.dep_ == "auxpass" for c in tok.children):
        agent = asserted_agent(tok) if any(c.dep_ == "agent" for c in tok.children) else \
            next((c for c in tok.children if c.dep_ == "advcl"), None)
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        by = _pobj(agent)  # "pushed by an engineer, which took down the API": the clause on the agent is no cause
        told_by = _subtree(agent) - {t.i for c in (by.children if by is not None else ()) if c.dep_ == "relcl"
                                     for t in c.subtree}
        cause = _side(told_by, by, events, opener)
        if cause is None:
            return None, None  # "new replicas were provisioned": no cause told, and the replicas are no event
        return cause, _side(_subtree(subj), subj, events, opener)
    targets = [c for c in tok.children if c.dep_ in ("dobj", "ccomp", "xcomp", "oprd", "attr", "prep", "advcl")
               and c.lower_ not in ("by", "with", "when", "because", "after", "since") and not _sets_the_scene(c)]
    # "crashed at 09:12 in us-east-1": when and where, nothing it acted on; "led to a spike in errors": the
    # parser hung the spike's "in" on the verb, right after the object
    objects = {t.i for c in targets if not _adjunct(c, phrase) for t in c.subtree}
    targets = [c for c in targets if not _adjunct(c, phrase) or c.i - 1 in objects]
    if not targets and not _is_clause_modifier(tok):
        return None, None  # "replication broke": what broke is the subject, and nothing is said to cause it
    done_to = next((c for c in targets if c.dep_ == "dobj" and c.pos_ == "NOUN"), None) \
        if opener is not None and own is None and cue_phrase(tok, affecting_verbs()) \
        else None
    if done_to is not None:  # "delayed email notifications": the notifications' delay
        own = opener.at(tok)  # type: ignore[union-attr]
    effect = own or _main_event(set().union(*(_subtree(c) for c in targets)) if targets else set(), tok, events)
    if effect is None and targets and opener is not None:
        thing = next((c for c in targets if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and not is_eventive(c)),
                     None)
        state = resulting_state(tok, thing)
        if state is not None:  # "left the orders table locked", "made the cache unusable": the state it left
            effect = opener.state_of(*state)
        # "the retries overwhelmed the database": what happened to the database, told by the verb
        elif thing is not None:
            effect = opener.at(tok)
        else:  # "forced it to load the new keys": what it was made to do, not what "it" might point back to
            effect = opener.at(_pobj(next((c for c in targets if c.dep_ == "xcomp"), targets[0])))
        if effect is None and targets[0].pos_ not in ("VERB", "AUX"):
            # "let the command through": the small clause's subject is what the verb brought about
            effect = opener.at(next((c for c in targets[0].children if c.dep_ == "nsubj"), None))
    node = tok
    while node.dep_ in ("xcomp", "conj") and not any(c.dep_ in ("nsubj", "csubj") for c in node.children):
        node = node.head
    if node.dep_ in ("relcl", "acl") or node.dep_ in ("advcl", "xcomp") and node.tag_ == "VBG":
        head = node.head
        if head.i in effects_at:
            return effects_at[head.i], effect
        cause = _main_event(_subtree(head, exclude=node), head, events)
        if cause is None and opener is not None and _restrictive(node) and _names_a_cause(head):
            cause = opener.at(head, named=True)  # "a newly enabled feature that caused contention": the noun
        if cause is None:  # "A race occurred in the Enactor, which took out X": the clause, not the noun
            root = head.sent.root
            cause = _main_event(_subtree(root, exclude=node), root, events)
        if cause is None and opener is not None:
            cause = opener.at(head)
        return cause, effect
    subj = next((c for c in node.children if c.dep_ in ("nsubj", "csubj")), None)
    cause = _side(_subtree(subj), subj, events, opener)
    if cause is None and opener is not None and subj is not None and _names_a_cause(subj) \
            and (effect is None or _is_trouble(effect) or load_cues()["causal_verbs"].get(tok.lemma_.lower(), 1) >= 0.7):
        # "a rule drove CPU usage to 100%": the text makes the rule a cause; a weak verb with no trouble after
        # it does not ("the new dashboard made the data easy to read")
        cause = opener.at(subj, named=True)
    return cause, effect


def _adjunct(prep: Token, phrase: str) -> bool:
    """True if ``prep`` can only say when or where its verb happened (``adjunct_preps``, not in the cue phrase)."""
    return is_adjunct(prep) and prep.lower_ not in phrase.split()[1:]


def _restrictive(clause: Token) -> bool:
    """True if relative clause ``clause`` narrows its noun ("a feature that caused ..."): no comma before its
    relative pronoun, so it cannot be about the whole clause before it as ", which" can."""
    rel = next((c for c in clause.children if c.tag_ in ("WDT", "WP") and c.i < clause.i), None)
    return clause.dep_ == "relcl" and rel is not None and rel.i > 0 and clause.doc[rel.i - 1].text != ","


def _denied(verb: Token) -> bool:
    """True if the text says ``verb`` did not happen by its own "not"/"never" ("did not cause"), not "not only"."""
    doc = verb.doc
    return any(c.dep_ == "neg" and not (c.i + 1 < len(doc) and doc[c.i + 1].lower_ == "only") for c in verb.children)


def _sets_the_scene(clause: Token) -> bool:
    """"[when that happened], requests stalled": an adverbial clause says when or why, never what the verb did."""
    return clause.dep_ == "advcl" and any(m.dep_ in ("mark", "advmod") and m.lower_ in load_cues()["scene_markers"]
                                          for m in clause.children)


def _names_a_cause(noun: Token) -> bool:
    """A thing the text makes the subject of a causal verb, not a person or group who acted; a word that names
    no happening alone does when a participle of change qualifies it ("a newly enabled feature")."""
    return noun.pos_ == "NOUN" and noun.ent_type_ not in ("PERSON", "NORP", "ORG") and not is_agent(noun) \
        and (noun.lemma_.lower() not in load_cues()["non_event_nouns"] or _changed_thing(noun))


def _changed_thing(noun: Token) -> bool:
    """"a newly enabled feature", "the misconfigured setting": a participle the vocabulary calls an action or a
    condition qualifies ``noun``, so the phrase tells what was done to it."""
    return any(c.dep_ == "amod" and c.tag_ == "VBN"
               and load_event_kinds().get(c.lemma_.lower(), load_event_kinds().get(c.lower_)) in ("action", "condition")
               for c in noun.children)


def is_intention(doc: Doc, char: int) -> bool:
    """True if the sentence at ``char`` tells a plan or a policy (a "will"/"shall" modal governs it)."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    markers = load_cues()["intention_markers"]
    sent = span[0].sent
    return any(t.tag_ == "MD" and t.lower_ in markers for t in sent) or _instructs(sent)


def _instructs(sent: Span) -> bool:
    """"Make sure a switch turns the self-healing off", "- Never delete good data because a fetch failed": an
    instruction (a bare verb opening the sentence, with no subject), advice rather than a happening."""
    root = sent.root
    first = next((t for t in sent if not (t.is_punct or t.is_space or t.text in ("-", "*", "•"))), None)
    return root.tag_ == "VB" and first is not None and (first.i == root.i or first.lower_ in ("never", "always",
                                                                                               "please", "do"))\
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in root.children if c.i < root.i
                    and c.lower_ not in ("do",))


def _is_clause_modifier(tok: Token) -> bool:
    """True if ``tok`` heads a relative or participle clause, whose cause is the clause it hangs on."""
    node = tok
    while node.dep_ in ("xcomp", "conj") and node.head.i != node.i:
        node = node.head
    return node.dep_ in ("relcl", "acl") or node.dep_ in ("advcl", "xcomp") and node.tag_ == "VBG"


def _which_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"Engineers disabled the failover, which stopped the capacity loss": a ", which" clause that acts on
    something tells an effect of the clause before it."""
    links = []
    for verb in doc:
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.lower_ == "which"), None)
        # the parser hangs a ", which" clause on the noun before it (relcl) or on the verb (advcl)
        if verb.dep_ not in ("relcl", "advcl") or subj is None or doc[subj.i - 1].text != "," or is_negated(verb) \
                or not any(c.dep_ in ("dobj", "prt", "xcomp", "ccomp") for c in verb.children):
            continue
        main = verb.head
        for _ in range(3):  # "disabled the failover for the proxy, which ...": from the noun up to the verb
            if main.pos_ in ("VERB", "AUX") or main.dep_ not in ("dobj", "attr", "pobj", "nsubjpass", "prep"):
                break
            main = main.head
        if main.pos_ not in ("VERB", "AUX") or _offered(main):
            continue  # "You can read the full incident report here, which lists the damage": an offer, no happening
        cause = _side(_subtree(main, exclude=verb), main, events, opener)
        effect = _side(_subtree(verb), verb, events, opener)
        link = _link(cause, effect, "which", load_cues()["which_clause"], verb, doc)
        if link is not None:
            links.append(link)
    return links


def _offered(verb: Token) -> bool:
    """"You can read the postmortem", "readers may want to ...": a possibility the text offers, not a happening
    ("could not apply the plan" is an inability, which happened)."""
    return any(c.dep_ == "aux" and c.lower_ in ("can", "could", "may", "might") for c in verb.children) \
        and not any(c.dep_ == "neg" for c in verb.children)


def _means_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"Engineers restored service by turning off the rules and rolling back the change": what was done by
    each gerund of a ``by`` phrase brought about the verb the phrase hangs on."""
    links = []
    for by in doc:
        verb = by.head
        if by.lower_ != "by" or by.dep_ != "prep" or verb.pos_ not in ("VERB", "AUX") or is_negated(verb):
            continue
        gerunds = [g for g in by.children if g.dep_ == "pcomp" and g.tag_ == "VBG"]
        gerunds += [c for g in gerunds for c in g.children if c.dep_ == "conj" and c.tag_ == "VBG"]
        effect = _side(_subtree(verb, exclude=by), verb, events, opener) if gerunds else None
        for gerund in gerunds:
            own = _subtree(gerund).difference(*(_subtree(c) for c in gerund.children if c.dep_ == "conj"))
            cause = _side(own, gerund, events, opener)
            link = _link(cause, effect, "by", load_cues()["means_clause"], by, doc)
            if link is not None:
                links.append(link)
    return links


def _attribution_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"We traced the errors to a stale cache", "The outage was blamed on a bad push": the object (the
    subject, in the passive) is an effect of what the preposition names; "the company blamed a generator
    failure for the outage": the object caused it."""
    cues = load_cues()
    links = []
    for verb in doc:
        lemma = verb.lemma_.lower()
        preps = cues["attribution_verbs"].get(lemma, []) + cues["blame_verbs"].get(lemma, []) \
            if verb.pos_ == "VERB" else None
        told = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        # "blamed [the failure for the outage]", "traced back to": the parser may hang the preposition on the
        # object or on the particle
        backs = [g for c in verb.children if c.dep_ in ("advmod", "prt") for g in c.children]
        prep = next((c for c in [*verb.children, *(told.children if told is not None else []), *backs]
                     if c.dep_ in ("prep", "dative") and c.lower_ in preps), None) if preps else None
        if prep is None or told is None or is_negated(verb) or _pobj(prep) is None:
            continue
        named, held = _of_what(_pobj(prep)), prep.lower_ in cues["blame_verbs"].get(lemma, [])
        cause_head, effect_head = (told, named) if held else (named, told)  # "blamed X for Y": X caused Y
        cause = _named_side(cause_head, events, opener)
        effect = _side(_subtree(effect_head), effect_head, events, opener)
        link = _link(cause, effect, lemma, cues["attribution"], verb, doc)
        if link is not None:
            links.append(link)
    return links + _responsibility_links(doc, events, opener)


def _responsibility_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"A faulty router was responsible for the packet loss": the subject caused what "for" names."""
    links = []
    for adj in doc:
        if adj.lemma_.lower() not in load_cues()["responsibility_adjectives"] or adj.dep_ != "acomp":
            continue
        what = _pobj(next((c for c in adj.children if c.dep_ == "prep" and c.lower_ == "for"), None))
        subject = next((c for c in adj.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if what is None or subject is None or is_negated(adj.head):
            continue
        cause = _named_side(subject, events, opener)
        effect = _side(_subtree(_of_what(what)), _of_what(what), events, opener)
        link = _link(cause, effect, adj.lemma_.lower(), load_cues()["attribution"], adj, doc)
        if link is not None:
            links.append(link)
    return links


def _named_side(head: Token, events: list[EventRef], opener: OpenEvents) -> EventRef | None:
    """The cause a phrase the text holds responsible names: its event, else the phrase itself when qualified
    ("a stale cache", "a faulty router"), not a bare "a file" or "the team"."""
    cause = _side(_subtree(head), head, events, opener)
    if cause is None and any(c.dep_ in ("amod", "compound") for c in head.children):
        cause = opener.at(head, named=True)
    return cause


def _of_what(noun: Token) -> Token:
    """"the length of the outage": the outage, whose extent the noun measures; any other noun itself."""
    if noun.lemma_.lower() in load_cues()["extent_nouns"]:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        return _pobj(of) or noun if of is not None else noun
    return noun


def _reason_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"X, which is why Y" / "That is why Y": the clause before (for "which") or the previous sentence (for
    "this"/"that") caused Y."""
    links = []
    for why in doc:
        told = why.head
        be = told.head
        if why.lower_ != "why" or why.dep_ != "advmod" or told.dep_ not in ("ccomp", "advcl") or be.lemma_ != "be":
            continue
        subj = next((c for c in be.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.lower_ not in ("which", "this", "that"):
            continue
        if subj.lower_ == "which" and be.head is not be and be.head.pos_ in ("VERB", "AUX"):
            cause = _side(_subtree(be.head, exclude=be), be.head, events, opener)
        else:
            cause = opener.at(subj)  # "That is why ...": what the previous sentence told
        effect = _side(_subtree(told), told, events, opener)
        link = _link(cause, effect, "why", load_cues()["reason_clause"], why, doc)
        if link is not None:
            links.append(link)
    return links


def _degree_result_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None) -> list[CausalLink]:
    """"The volume was so large that renewals timed out", "the sync used so much memory that the primary
    crashed": the clause that says how much caused the "that" clause, however the parser hung it."""
    links = []
    for so in doc:
        if so.lower_ not in ("so", "such") or so.dep_ not in ("advmod", "amod", "predet"):
            continue
        sent = so.sent
        that = next((t for t in doc[so.i + 1:min(so.i + 8, sent.end)] if t.lower_ == "that"), None)
        if that is None:
            continue
        effect_verb = next((t for t in doc[that.i + 1:sent.end] if t.pos_ in ("VERB", "AUX") and t.dep_ != "aux"), None)
        cause_verb = so
        for _ in range(6):
            if cause_verb.pos_ in ("VERB", "AUX") and cause_verb.i < so.i:
                break
            cause_verb = cause_verb.head
        if effect_verb is None or cause_verb.pos_ not in ("VERB", "AUX") or cause_verb.i >= so.i:
            continue
        effect_tokens = {t.i for t in doc[that.i + 1:sent.end]}
        cause_tokens = {t.i for t in doc[sent.start:that.i]}
        cause = _side(cause_tokens, cause_verb, events, opener)
        effect = _side(effect_tokens, effect_verb, events, opener)
        link = _link(cause, effect, f"{so.lower_} ... that", load_cues()["reason_clause"], so, doc)
        if link is not None:
            links.append(link)
    return links


def _purpose(verb: Token, cues: dict) -> bool:
    """True for a to-infinitive that tells a purpose or an ability, not a happening ("able to prevent"), and for a
    verb whose complement is one ("meant to block"); one an aspectual verb introduces ("began to overwhelm")
    did happen."""
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) \
            and not introduces_a_happening(verb.head):
        return True
    # "a tool meant to block commands": the verb's one complement is an infinitive without a subject of its own
    infinitive = [c for c in verb.children if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                  and not any(a.dep_ in ("nsubj", "nsubjpass") for a in c.children)]
    return bool(infinitive) and not any(c.dep_ in ("dobj", "ccomp", "attr", "oprd") for c in verb.children)


def _unreal(verb: Token, cues: dict) -> bool:
    """"should have blocked it", "could cause crashes", "would have prevented it": a modal makes the verb what
    could or should have happened, not what did; a negated one ("could not stop") still tells what happened."""
    node = verb
    while node.dep_ == "conj" and node.head is not node and not any(c.dep_ == "aux" for c in node.children):
        node = node.head  # "reviews commands and should have blocked it": the modal sits on the conjunct
    modal = any(c.dep_ == "aux" and c.lower_ in cues["hypothetical_modals"] for c in node.children)
    return modal and not any(c.dep_ == "neg" for c in node.children)


def _verb_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None = None) -> list[CausalLink]:
    cues = load_cues()
    links: list[CausalLink] = []
    effects_at: dict[int, EventRef] = {}
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if _purpose(tok, cues) or _unreal(tok, cues):
            continue  # "a tool meant to block such commands", "should have blocked it": not what happened
        found, reverse = cue_phrase(tok, cues["causal_verbs"]), False
        if found is None and (found := cue_phrase(tok, cues["reverse_verbs"])) is not None:
            reverse = True
        if found is None and tok.lemma_.lower() in cues["state_verbs"] and resulting_state(tok, verb_object(tok)):
            found = (tok.lemma_.lower(), cues["state_verbs"][tok.lemma_.lower()])  # "left the table locked"
        if found is None:
            continue
        if _denied(tok) and not any(c.dep_ == "agent" for c in tok.children):
            continue  # "the failover did not cause the outage"; "was not caused by X but by Y" names Y
        cause, effect = _verb_sides(tok, events, effects_at, opener, found[0])
        if reverse:
            cause, effect = effect, cause
        link = _link(cause, effect, found[0], found[1], tok, doc)
        if link is not None:
            links.append(link)
            effects_at[tok.i] = effect
    return links


def _connective_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None = None) -> list[CausalLink]:
    """"because X", "due to X", "as a result of X": X's event causes the clause the connective attaches to."""
    links = []
    by_first: dict[str, list[tuple[str, float]]] = {}
    for phrase, conf in load_cues()["cause_connectives"].items():
        by_first.setdefault(phrase.split()[0], []).append((phrase, conf))
    for tok in doc:
        for phrase, conf in by_first.get(tok.lower_, ()):
            words = phrase.split()
            if [t.lower_ for t in doc[tok.i:tok.i + len(words)]] != words:
                continue
            first, last = tok, doc[tok.i + len(words) - 1]
            if phrase in load_cues()["temporal_connectives"] and first.i > 0 and first.nbor(-1).lower_ == "even":
                continue  # "overloaded even after we removed load": in spite of it, whatever else the sentence says
            temporal = phrase in load_cues()["temporal_connectives"] and not _causal_clause(first)
            if first.dep_ == "mark":  # "because DynamoDB was down, ..."
                clause = first.head
                main = clause.head
                cause = _side(_subtree(clause), clause, events, opener)
                effect = _side(_subtree(main, exclude=clause), main, events, opener)
            else:
                kids = [c for t in doc[tok.i:last.i + 1] for c in t.children if c.i > last.i]
                pobj = next((c for c in kids if c.dep_ == "pobj"), None) or next(
                    (c for c in kids if c.dep_ in ("pcomp", "pobj", "dobj")), None)  # "following" read as a verb
                head = first.head if first.head.i not in range(tok.i, last.i + 1) else first.head.head
                cause = _side(_subtree(pobj), pobj, events, opener)
                effect = _side(_subtree(head, exclude=first), head, events, opener)
            if phrase == "since" and first.dep_ == "mark" and _since_a_time(first.head):
                continue  # "the catalogue had doubled since the job was last tuned": from then on, not because
            if temporal and not _follows_from(cause, effect, first):
                continue  # "the queue kept growing even after the cache was restored": only "later than"
            link = _link(cause, effect, phrase, conf, first, doc)
            if link is not None:
                links.append(link)
    return links


TROUBLE_KINDS = ("failure", "symptom", "condition", "impact")


def _since_a_time(clause: Token) -> bool:
    """"since X" counts time from X when the main clause is perfect ("had doubled since ...", "has grown
    since ...") or X is dated by "last", "first" or "ever"; only otherwise is it a reason."""
    main = clause.head
    perfect = any(c.lemma_ == "have" and c.dep_ == "aux" for c in main.children) and main.tag_ == "VBN"
    return perfect or any(t.lower_ in ("last", "first", "ever") and t.dep_ == "advmod" for t in clause.subtree)


def _follows_from(cause: EventRef | None, effect: EventRef | None, cue: Token) -> bool:
    """Whether "Y after X" tells X brought Y about: trouble after trouble or after a change ("customers lost
    access after an update was deployed"); not "even after" (in spite of). A recovery "after" a repair is
    left to the sentence's own cue words: on the quality corpus reading it as caused lost more links than
    it found."""
    if cause is None or effect is None or (cue.i > 0 and cue.nbor(-1).lower_ == "even"):
        return False
    return _is_trouble(effect) and (_is_trouble(cause) or cause.kind == "action")


def _is_trouble(event: EventRef) -> bool:
    """Trouble told in outage words: an open event whose words have no kind is a failure only by default."""
    return event.kind in TROUBLE_KINDS and (event.concept != "open" or event_kind_known(event.summary.split()))


def _result_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None) -> list[CausalLink]:
    """"X did not scale, and the result was packet loss": what a result noun ("result", "consequence") is said
    to be was caused by the clause before it, else by the previous sentence; what a reason noun ("cause",
    "reason") is said to be caused it ("Logins failed. The cause was an expired key.")."""
    cues = load_cues()
    links = []
    for noun in doc:
        lemma = noun.lemma_.lower()
        verb = copula_of(noun)  # "the cause is believed to be X" as "the cause was X"
        if lemma not in cues["result_nouns"] + cues["reason_nouns"] or verb.lemma_ != "be":
            continue
        of = _pobj(next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "behind")), None))
        denied = is_negated(verb) or any(t.lower_ in ("not", "n't", "never") for t in doc[max(noun.i - 4, 0):noun.i])
        if noun.dep_ == "attr" and of is not None and not denied:  # "the failures were the result of X"
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            named = _side(_subtree(of), of, events, opener)
            said = _side(_subtree(subject), subject, events, opener) if subject is not None else None
            if said is not None and (named is None or named.key == said.key) \
                    and of.lemma_.lower() in cues["anaphor_nouns"] + cues["incident_nouns"]:
                named = _told_before(noun.sent, events, opener)  # "X was the cause of the problem": the problem
                # told before, not X, which the reference would otherwise find nearest
            cause, effect = (said, named) if lemma in cues["reason_nouns"] else (named, said)
            link = _link(cause, effect, lemma, cues["sentence_connectives"]["as a result"], noun, doc)
            if link is not None:
                links.append(link)
            continue
        if noun.dep_ not in ("nsubj", "nsubjpass") or denied and noun.dep_ == "attr":
            continue
        told = next((c for c in verb.children if c.dep_ in ("attr", "acomp")), None) or next(
            (c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i), None)  # "the result was that X"
        before = verb.head if verb.dep_ == "conj" and verb.head.i < verb.i else None
        if of is not None and (of_event := _side(_subtree(of), of, events, opener)) is not None:
            said = of_event  # "the cause of the outage was X", "the result of the push was Y": what it is of
        elif before is not None:
            said = _side(_subtree(before, exclude=verb), before, events, opener)
        else:
            said = _told_before(noun.sent, events, opener)
        named = [] if told is None else [named_instead(told)] if denied else named_items(told)
        for item in (n for n in named if n is not None):  # "a combination of A and B": each; "not A but B": B
            cause, effect = said, _side(_subtree(item) if item.dep_ == "ccomp" else _alone(item), item, events, opener)
            if lemma in cues["reason_nouns"]:  # "X failed. The cause was Y": Y caused what was told before
                cause, effect = effect, cause
                if effect is not None and effect.kind in ("recovery", "mitigation"):
                    continue  # "Builds flowed again by 16:00. The root cause was X": X caused the trouble
            link = _link(cause, effect, lemma, cues["sentence_connectives"]["as a result"], noun, doc)
            if link is not None:
                links.append(link)
    return links


def _told_before(sent: Span, events: list[EventRef], opener: OpenEvents | None) -> EventRef | None:
    """The main event of the sentence before ``sent``."""
    doc = sent.doc
    prev = doc[sent.start - 1].sent if sent.start > 0 else None
    return (_sentence_main(prev, events) or (opener.at(prev.root) if opener else None)) if prev else None


@lru_cache(maxsize=8)
def _phrases_by_first_word(cue: str) -> dict[str, list[tuple[str, list[str]]]]:
    """The phrases of cue list ``cue`` by their first word, longest first: a token is checked against few."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for phrase in sorted(load_cues()[cue], key=lambda p: -len(p.split())):
        out.setdefault(phrase.split()[0], []).append((phrase, phrase.split()))
    return out


def _narrative_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None) -> list[CausalLink]:
    """"While DynamoDB could not be reached, the checks failed", "Once the root expired, clients failed",
    "With its machines overwhelmed, it could not pass requests": in an account of trouble, the situation a
    when/while/once clause (or a sentence-initial "with" phrase) sets is a cause of the main clause.

    Only when one side is trouble, or the main clause tells a recovery or a mitigation; never to what people
    did meanwhile (an action whose subject is people).
    """
    cues = load_cues()["narrative_connectives"]
    by_first = _phrases_by_first_word("narrative_connectives")
    links = []
    for tok in doc:
        phrase = next((p for p, words in by_first.get(tok.lower_, ())
                       if [t.lower_ for t in doc[tok.i:tok.i + len(words)]] == words), None)
        if phrase is None:
            continue
        last = doc[tok.i + len(phrase.split()) - 1]  # "as soon as X, Y": the last "as" marks the clause
        if last.dep_ in ("mark", "advmod") and last.head.dep_ == "advcl":  # "when X, Y"
            clause, main = last.head, last.head.head
            if (clause.tag_ == "VBG" or clause.tag_ == "VBN" and last.lower_ == "as") \
                    and not any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
                continue  # "saw timeouts when loading the dashboard", "did not take over as designed": no cause
            while main.pos_ == "ADV" and main.dep_ == "advmod" and main.head is not main:
                main = main.head  # "as soon as X, Y": the clause hangs on "soon", which hangs on Y
        elif tok.lower_ == "with" and tok.i == tok.sent.start and tok.dep_ == "prep":  # "With X overwhelmed, Y"
            clause, main = tok, tok.head
            if any(t.lower_ in load_cues()["ended_markers"] for t in tok.subtree):
                continue  # "With the outage over, ...": the situation had ended
        else:
            continue
        if main.lemma_.lower() in load_cues()["discovery_verbs"]:
            continue  # "we noticed the problem when the on-call was paged": what was found, not an effect
        cause = _side(_subtree(clause), _pobj(clause) if clause.dep_ == "prep" else clause, events, opener)
        effect = _side(_subtree(main, exclude=clause), main, events, opener)
        if cause is None or effect is None:
            continue
        doer = next((c for c in main.children if c.dep_ == "nsubj"), None)
        if doer is not None and is_agent(doer) and (effect.kind == "action" or not _is_trouble(effect)):
            continue  # "while the site was down, engineers pushed a change": what people did meanwhile
        if cause.kind in TROUBLE_KINDS or effect.kind in TROUBLE_KINDS + ("recovery", "mitigation"):
            link = _link(cause, effect, phrase, cues[phrase], tok, doc)
            if link is not None:
                links.append(link)
    return links


def _causal_clause(tok: Token) -> bool:
    """True if the sentence of ``tok`` also has a causal verb or noun ("after X failed, Y resulted")."""
    cues = load_cues()
    # a causal verb used alone ("after the database crashed") tells a happening, not a cause
    return any(t.pos_ in ("VERB", "AUX") and (cue_phrase(t, cues["causal_verbs"]) and acts_on_something(t)
                                              or cue_phrase(t, cues["reverse_verbs"]))
               or t.lemma_.lower() in cues["causal_nouns"] and t.pos_ == "NOUN" for t in tok.sent)


def _sentence_main(sent: Span, events: list[EventRef]) -> EventRef | None:
    return _main_event({t.i for t in sent}, sent.root, events)


def _how_it_ended(sent: Span, events: list[EventRef], opener: OpenEvents | None) -> EventRef | None:
    """What a sentence's last joined clause tells ("The release changed the format, and cache keys no longer
    matched": the keys not matching), else its main event; a subject pointing back ("The release") is who
    acted, not how the sentence ended."""
    told = [e for e in events if not e.anaphor]
    for verb in clauses_last_first(sent):
        own = _subtree(verb).difference(*(_subtree(c) for c in verb.children if c.dep_ == "conj"))
        found = _main_event(own, verb, told) or (opener.at(verb) if opener is not None else None)
        if found is not None and not found.anaphor:
            return found
    return _sentence_main(sent, events)


def _sentence_links(doc: Doc, events: list[EventRef], earlier: list[CausalLink],
                    opener: OpenEvents | None = None) -> list[CausalLink]:
    """"As a result, X" / "Consequently, X": the previous sentence's outcome causes X.

    The outcome is the effect of the previous sentence's last causal link, else its main event.
    """
    by_key = {e.key: e for e in events}
    cues = load_cues()["sentence_connectives"]
    sents = list(doc.sents)
    links = []
    for n, sent in enumerate(sents):
        words = [t.lower_ for t in sent if not (t.is_punct or t.is_space)][:4]
        found = next(((p, c) for p, c in cues.items() if words[:len(p.split())] == p.split()), None)
        if found is None or n == 0:
            continue
        prev = sents[n - 1]
        outcome = [lk for lk in earlier if prev.start_char <= lk.start_char < prev.end_char and lk.effect in by_key]
        cue_tok = next(t for t in sent if not (t.is_punct or t.is_space))
        previous = by_key[outcome[-1].effect] if outcome else _how_it_ended(prev, events, opener)
        if previous is None and n > 1:  # the sentence before was background: the one before that
            previous = _sentence_main(sents[n - 2], events)
        if _states_its_cause(sent.root):
            continue  # "In turn, the delay caused ...": the sentence names its own cause
        effect = _sentence_main(sent, events) or (opener.at(sent.root) if opener is not None else None)
        link = _link(previous, effect, found[0], found[1], cue_tok, doc)
        if link is not None:
            links.append(link)
    return links


SEQUEL_OPENERS = re.compile(r"^(?:then|soon|shortly (?:after|afterwards)|moments later|minutes later|seconds later|"
                            r"(?:about |around |roughly |some |just )?(?:a|an|one|two|three|few|\d+) (?:seconds?|minutes?|hours?) later|"
                            r"within (?:a few |\d+ |one |two |three |five |ten )?(?:seconds?|minutes?)|almost immediately|"
                            r"immediately|before long)\b", re.IGNORECASE)


def _sequel_links(doc: Doc, events: list[EventRef], earlier: list[CausalLink],
                  opener: OpenEvents | None) -> list[CausalLink]:
    """"Shortly after 19:00 we started the upgrade. About two minutes later, the site came to a near stop":
    trouble a sentence opens by telling as what came next follows from the previous sentence's outcome (when
    nothing in its own sentence says what caused it)."""
    caused = {lk.effect for lk in earlier}
    by_key = {e.key: e for e in events}
    links = []
    sents = list(doc.sents)
    for n, sent in enumerate(sents):
        prev = sents[n - 1] if n else None
        if prev is None or "\n\n" in doc.text[prev.start_char:sent.start_char] \
                or not SEQUEL_OPENERS.match(sent.text.strip()):
            continue
        root = next((t for t in sent if t.dep_ == "ROOT"), sent.root)
        effect = _sentence_main(sent, events) or (opener.at(main_verb(root)) if opener is not None else None)
        if effect is None or effect.key in caused or not _is_trouble(effect):
            continue
        told = [lk for lk in earlier if prev.start_char <= lk.start_char < prev.end_char and lk.effect in by_key]
        cause = by_key[told[-1].effect] if told else next(  # the sentence before, else the one before that
            (e for s in reversed(sents[max(0, n - 2):n]) if (e := _sentence_main(s, events))), None) or (
            opener.at(prev.root) if opener is not None else None)
        if cause is None or cause.kind in ("recovery", "mitigation"):
            continue
        link = _link(cause, effect, "then", load_cues()["clause_chain"], sent[0], doc)
        if link is not None:
            links.append(link)
    return links


def _range_root(doc: Doc, start: int, end: int) -> Token | None:
    """The token of doc[start:end] nearest its sentence's root (the clause's own head)."""
    inside = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
    return min(inside, key=lambda t: (_depth(t, t.sent.root), t.i)) if inside else None


def _states_its_cause(verb: Token) -> bool:
    """True if ``verb`` is a causal verb with a subject: its clause tells its own cause and effect."""
    cues = load_cues()
    return verb.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "csubj") for c in verb.children) and bool(
        cue_phrase(verb, cues["causal_verbs"]) or cue_phrase(verb, cues["reverse_verbs"])) \
        and acts_on_something(verb)  # "proxy processes starved": a happening, not a cause and its effect


def _joins_clauses(tok: Token) -> bool:
    """True if connective ``tok`` stands between two clauses: after a comma, semicolon or "and", before a verb."""
    prev = tok.doc[tok.i - 1]
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    purpose = nxt is not None and nxt.lower_ == "that"  # "so that": what should happen, not what did
    # "X needed Y, so Z broke" is often parsed with "so" on the first verb and Z's verb as its conjunct
    later = tok.head if tok.head.i > tok.i else next(
        (c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i), tok.head) if tok.dep_ == "cc" else tok.head
    return prev.text in (",", ";", "and", "—", "-", "–") and later.pos_ in ("VERB", "AUX") and later.i > tok.i \
        and not purpose


def _clause_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None = None,
                  earlier: list[CausalLink] = ()) -> list[CausalLink]:
    """"X failed, so Y stopped" / "..., and consequently Y": what precedes the connective causes what follows;
    when that part states a cause and an effect itself ("X made Y unreachable, so Z"), its effect does."""
    cues = {p: c for p, c in load_cues()["sentence_connectives"].items() if " " not in p}
    links = []
    for tok in doc:
        if tok.lower_ not in cues or tok.dep_ not in ("mark", "advmod", "cc") or tok.i == tok.sent.start:
            continue
        if not _joins_clauses(tok):
            continue  # "so much", "so that": not a connective between two statements
        sent = tok.sent
        if all(t.is_punct or t.is_space for t in doc[sent.start:tok.i]):
            continue  # sentence-initial: _sentence_links links it to the previous sentence
        after = _range_root(doc, tok.i + 1, sent.end)
        told = [lk for lk in earlier if sent.start_char <= lk.start_char and lk.end_char <= tok.idx]
        by_key = {e.key: e for e in events}
        cause = by_key.get(told[-1].effect) if told else None
        cause = cause or _side(set(range(sent.start, tok.i)), _range_root(doc, sent.start, tok.i), events, opener)
        if after is not None and _states_its_cause(after):
            # "X is stored in D, so the D outage caused problems": the clause says what caused what; but
            # trouble before it ("the service had no rate limiting, so the calls saturated its pool") let
            # that happen: it is a cause of what the clause says was caused
            stated = [lk for lk in earlier if tok.idx < lk.start_char < sent.end_char and lk.effect in by_key]
            if cause is None or cause.kind != "condition" or not stated:
                continue
            effect = by_key[stated[0].effect]
        else:
            effect = _side(set(range(tok.i + 1, sent.end)), after, events, opener)
        link = _link(cause, effect, tok.lower_, cues[tok.lower_], tok, doc)
        if link is not None:
            links.append(link)
    return links


MAX_LIST_ITEMS = 8
_ITEM_MARK = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")


CONTRAST = ("but", "or", "yet", "nor", "although", "though", "whereas")
PARALLEL = ("also", "too", "likewise", "similarly")


def _chain_links(doc: Doc, events: list[EventRef]) -> list[CausalLink]:
    """"Proxy processes starved, requests could not reach the origin, and visitors got 502s": the clauses of
    one sentence joined by commas or "and" tell a chain, each one leading to the next (at ``clause_chain``).

    Not across "but"/"or" (a contrast or an alternative), not to a clause that says it happened "also" or
    "too" (a parallel effect), and never from a recovery or mitigation to trouble.
    """
    at = {e.anchor: e for e in events if not e.anaphor}
    cues = load_cues()
    connectives = tuple(p for p in list(cues["sentence_connectives"]) + list(cues["cause_connectives"]) if " " not in p)
    links = []
    for head in doc:
        if head.pos_ not in ("VERB", "AUX") or _continues(head):
            continue
        clauses = [v for v in _clause_sequence(head) if _finite(v)]
        if len(clauses) < 2 or in_question(head):
            continue
        told = [(v, e) for v in clauses if (e := _clause_at(v, at)) is not None]
        for (v1, first), (v2, then) in pairwise(told):
            if first.key == then.key or _joined_by(v2, CONTRAST) or _joined_by(v2, connectives) \
                    or _states_its_cause(v1) and first.anchor != v1.i \
                    or any(
                    c.lower_ in PARALLEL for c in v2.children if c.dep_ == "advmod") \
                    or is_negated(v1) and first.kind != "failure" or _named_peers(v1, v2) or _one_agent(v1, v2, at) \
                    or first.kind in ("recovery", "mitigation") and then.kind not in ("recovery", "mitigation"):
                continue
            link = _link(first, then, "and", load_cues()["clause_chain"], v2, doc)
            if link is not None:
                links.append(link)
    return links


def _continues(verb: Token) -> bool:
    """True if clause ``verb`` goes on from the one before it: a conjunct, or a clause joined by a bare comma
    ("Servers were waiting, their threads filled up"); a marked clause ("when X", "because X") is not."""
    if verb.pos_ not in ("VERB", "AUX") or verb.head is verb:
        return False
    if verb.dep_ == "conj":
        return verb.head.pos_ in ("VERB", "AUX")
    return verb.dep_ in ("advcl", "ccomp") and verb.head.pos_ in ("VERB", "AUX") \
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) \
        and not any(c.dep_ in ("mark", "advmod") and c.i < verb.i and c.tag_ in ("IN", "WRB") for c in verb.children) \
        and (_after_comma(verb) if verb.i > verb.head.i else _before_comma(verb))


def _clause_sequence(head: Token) -> list[Token]:
    """``head`` and the clauses that go on from it, in text order."""
    found, todo = [], [head]
    while todo and len(found) < 12:
        verb = todo.pop()
        found.append(verb)
        todo += [c for c in verb.children if _continues(c)]
    return sorted(found, key=lambda t: t.i)


def _one_agent(first: Token, then: Token, at: dict[int, EventRef]) -> bool:
    """"The outage grounded flights, forced hospitals to postpone surgeries and knocked broadcasters off the
    air": verbs sharing the incident as their subject list its effects side by side, not a chain."""
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in then.children):
        return False
    subj, verb = None, first
    while subj is None:
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if verb.dep_ != "conj" or verb.head.i == verb.i:
            break
        verb = verb.head  # "..., forced hospitals to ...": the subject of the verb it is joined to
    return subj is not None and subj.i in at and subj.lemma_.lower() in load_claim_phrases()["incident_lemmas"]


def _named_peers(first: Token, then: Token) -> bool:
    """"Venmo went down, Snapchat failed, and Eight Sleep beds got stuck": clauses about different named
    products list parallel impacts, not a cascade."""
    subjects = [next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None) for v in (first, then)]
    return all(s is not None and (s.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in s.lefts))
               and not any(c.dep_ == "nummod" and any(ch.isdigit() for ch in c.text) for c in s.children)
               for s in subjects) \
        and subjects[0].lower_ != subjects[1].lower_  # "300 GB of data" is an amount, not a named product


def _finite(verb: Token) -> bool:
    """A clause that tells something by itself, not a gerund or infinitive ("by turning off X and rolling back Y")."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ == "to" for a in auxes):
        return False
    return verb.tag_ != "VBG" or bool(auxes)


def _clause_at(verb: Token, at: dict[int, EventRef]) -> EventRef | None:
    """The event a clause tells: at its verb, else the one anchored nearest it among the clause's own words
    ("began showing certificate warnings", "fell into congestive collapse", "came back up"), leaving out
    the clauses joined to it."""
    if verb.i in at:
        return at[verb.i]
    best: tuple[int, int, EventRef] | None = None
    todo = [(c, 1) for c in verb.children if not _continues(c) and c.dep_ not in ("cc", "punct", "relcl", "advcl")]
    while todo:
        tok, depth = todo.pop()
        if tok.i in at and (best is None or (depth, tok.i) < best[:2]):
            best = (depth, tok.i, at[tok.i])
        if depth < 4:
            todo += [(c, depth + 1) for c in tok.children if c.dep_ not in ("conj", "cc", "relcl", "advcl", "ccomp")]
    return best[2] if best else None


def _before_comma(verb: Token) -> bool:
    last = max(t.i for t in verb.subtree if not t.is_punct)
    return last + 1 < len(verb.doc) and verb.doc[last + 1].text in (",", ";") and verb.head.i > last


def _after_comma(verb: Token) -> bool:
    first = next(t for t in verb.subtree if not t.is_punct)
    return first.i > 0 and verb.doc[first.i - 1].text in (",", ";")


def _joined_by(verb: Token, words: tuple[str, ...]) -> bool:
    """True if a coordinating word of ``words`` stands just before the clause of ``verb``."""
    return any(c.dep_ in ("cc", "preconj", "mark", "advmod") and c.lower_ in words and c.i < verb.i
               for c in verb.children) or any(
        t.lower_ in words and t.dep_ == "cc" for t in verb.doc[max(verb.left_edge.i - 2, 0):verb.left_edge.i])


def _list_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None) -> list[CausalLink]:
    """"The outage caused three problems:" and a list after the colon: the cause causes each listed item.

    The list is the lines after the colon that start with a bullet or a number (at most MAX_LIST_ITEMS).
    """
    cues = load_cues()
    sents = list(doc.sents)
    text = doc.text  # once: Doc.text rebuilds the text on every access
    links = []
    for n, sent in enumerate(sents):
        last = next((t for t in reversed(sent) if not t.is_space), None)
        verb = next((t for t in sent if t.pos_ in ("VERB", "AUX") and cue_phrase(t, cues["causal_verbs"])), None)
        if last is None or last.text != ":" or verb is None:
            continue
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        cause = _side(_subtree(subj), subj, events, opener) if subj is not None else None
        conf = cue_phrase(verb, cues["causal_verbs"])[1] * 0.9  # type: ignore[index]
        items = [s for s in sents[n + 1:n + 1 + 2 * MAX_LIST_ITEMS] if not all(t.is_punct or t.like_num or t.is_space
                                                                              for t in s)]
        for item in items[:MAX_LIST_ITEMS]:
            line_start = text.rfind("\n", 0, item.start_char) + 1
            if not _ITEM_MARK.match(text[line_start:item.end_char]):
                break
            effect = _sentence_main(item, events) or (opener.at(item.root) if opener is not None else None)
            link = _link(cause, effect, verb.lemma_.lower(), conf, last, doc)
            if link is not None:
                links.append(link)
    return links


def _agent_links(doc: Doc, events: list[EventRef]) -> list[CausalLink]:
    """"The change withdrew the BGP routes": an event that is the subject of another event's verb caused it."""
    cues = load_cues()
    light = set(cues["light_verbs"])
    at = {}
    for event in events:
        at.setdefault(event.anchor, event)
    links = []
    for effect in events:
        verb = doc[effect.anchor]
        if effect.anaphor or verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in light or is_negated(verb):
            continue  # "EC2 couldn't launch": its subject is who was blocked, not a cause
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is not None and subj.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
            subj = verb.head  # "a retry storm that overloaded the cache": the storm
        cause = at.get(subj.i) if subj is not None else None
        link = _link(cause, effect, verb.lemma_.lower(), cues["agent_subject"], verb, doc)
        if link is not None:
            links.append(link)
    return links


def _open_agent_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> list[CausalLink]:
    """"The migration locked the orders table", "It pinned every CPU": an event (or a pronoun standing for one)
    that is the subject of an action verb caused what the clause tells, whatever the verb."""
    cues = load_cues()
    skip = set(cues["light_verbs"]) | set(cues["non_event_verbs"])
    links = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in skip or is_negated(verb) or verb.dep_ in ("amod", "acl") \
                or cue_phrase(verb, cues["causal_verbs"]) or cue_phrase(verb, cues["reverse_verbs"]) \
                or not any(c.dep_ == "dobj" for c in verb.children):
            continue  # "the backlog grew larger": without an object the subject is what happened, not a cause
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" \
                and not (subj.i > 0 and subj.nbor(-1).is_punct):
            subj = verb.head  # "a migration that locked the orders table"; ", which ..." tells of the clause
        if subj is None or subj.tag_ in ("WDT", "WP"):
            continue
        if not (is_happening(subj) or subj.lower_ in ("this", "that")) or subj.i in opener.comp_at:
            continue  # "Monitoring raised an alarm", "users traced the crash": who acted, not what caused
        if any(c.dep_ == "dobj" and c.ent_type_ in MEASURE_ENTS for c in verb.children):
            continue  # "latency crossed two seconds", "the error rate reached 40%": how much, not an effect
        cause = _side(_subtree(subj), subj, events, opener)
        state = resulting_state(verb, verb_object(verb))
        effect = opener.state_of(*state) if state is not None else opener.at(verb)
        link = _link(cause, effect, verb.lemma_.lower(), cues["agent_subject"], verb, doc)
        if link is not None:
            links.append(link)
    return links


def _noticed_events(doc: Doc, events: list[EventRef], opener: OpenEvents) -> set[str]:
    """"Customers first noticed slow page loads", "The first sign of trouble was a blank dashboard", "A blank
    dashboard was the first symptom": what was noticed first is an event even in words no lexicon knows, so the
    first-symptom claim has an event to be about. Returns the events' keys."""
    phrases = load_claim_phrases()["first_symptom_phrases"]
    heads = [h for sent in doc.sents for h in first_noticed(sent)]
    heads += [told for sent in doc.sents for tok, _ in phrase_heads(sent, phrases)
              for told in _named_by_role_phrase(tok) if told.pos_ in ("NOUN", "PROPN", "VERB")]
    keys = set()
    for head in heads:
        event = _main_event({t.i for t in head.subtree}, head, events) or opener.at(head, named=True)
        if event is not None:
            keys.add(event.key)
    return keys


def _named_by_role_phrase(tok: Token) -> list[Token]:
    """What a role phrase standing at ``tok`` names: X of "the root cause was X", "the real failure is that X",
    "the culprit turned out to be X", "X was the root cause", "X was to blame", "X was the first symptom";
    A and B of "the root cause was a combination of A and B"; B of "the root cause was not A but B"."""
    verb = copula_of(tok)
    if verb.lemma_.lower() != "be":
        return []
    if tok.dep_ in ("nsubj", "nsubjpass"):
        named = what_it_is(verb, tok)
        if named is None:
            return []
        if _denied(verb):
            instead = named_instead(named)
            return [instead] if instead is not None else []
        return named_items(named)
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return [subj] if tok.dep_ in ("attr", "xcomp", "advcl") and subj is not None and not _denied(verb) \
        else []


def _alone(tok: Token) -> set[int]:
    """``tok``'s subtree without the phrases joined to it by "and"/"or"/"but" and without its relative clause
    ("a newly enabled feature that caused contention" is the feature)."""
    return {t.i for t in tok.subtree} - {t.i for c in tok.children if c.dep_ in ("conj", "cc", "relcl")
                                         and c.i > tok.i for t in c.subtree}


def _root_cause_links(doc: Doc, events: list[EventRef], opener: OpenEvents) -> tuple[list[CausalLink], set[str]]:
    """"The root cause (of the outage) was X" / "X was the root cause of Y": X is an event even in words no
    lexicon knows, and it causes Y when the sentence names Y. Returns the links and the claimed events' keys."""
    phrases = load_claim_phrases()["root_cause_phrases"]
    links, claimed = [], set()
    heads = [head for sent in doc.sents for head, _ in phrase_heads(sent, phrases)]
    for tok in heads:
        while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
            tok = tok.head.head  # "the root of the problem": the phrase stands where "root" stands
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        target = _pobj(of)
        for told in _named_by_role_phrase(tok):
            cause = _main_event(_alone(told), told, events) or opener.at(told, named=True)
            if cause is None:
                continue
            claimed.add(cause.key)
            effect = _side(_subtree(target), target, events, opener) if target is not None else None
            link = _link(cause, effect, "root cause", load_cues()["causal_verbs"]["cause"], tok, doc)
            if link is not None:
                links.append(link)
    # "Root cause: a typo in ...", "What caused it? A typo in ...", "we traced the outage to a typo in ..."
    heads = [n.head for n in named_causes(doc) + named_triggers(doc)] \
        + [h for sent in doc.sents for h in origin_causes(sent)]
    for head in heads:
        if head is None:
            continue
        tokens = {t.i for t in clause_tokens(head)}
        cause = _main_event(tokens, head, events) or opener.at(head, named=True)
        if cause is not None:
            claimed.add(cause.key)
    return links, claimed


def _participle_links(doc: Doc, events: list[EventRef], earlier: list[CausalLink]) -> list[CausalLink]:
    """"This triggered health check failures, removing valid back-ends": the main clause's outcome causes it."""
    by_key = {e.key: e for e in events}
    effect_of = {lk.start_char: lk for lk in earlier}
    links = []
    for effect in events:
        verb = doc[effect.anchor]
        if effect.anaphor or verb.tag_ != "VBG" or verb.dep_ not in ("advcl", "xcomp") or verb.head.i == verb.i:
            continue
        if any(c.dep_ in ("mark", "aux", "nsubj", "nsubjpass") for c in verb.children):
            continue  # "because the job had been failing": a clause of its own, not a participle
        if verb.left_edge.i == 0 or doc[verb.left_edge.i - 1].text not in (",", ";", "—", "–"):
            continue  # "the site stopped responding": a complement, not a clause set off after the main one
        main = verb.head
        told = [lk for lk in effect_of.values() if main.sent.start_char <= lk.start_char < verb.idx
                and lk.effect in by_key]
        cause = by_key[told[-1].effect] if told else _main_event(_subtree(main, exclude=verb), main, events)
        link = _link(cause, effect, verb.lower_, load_cues()["participle_effect"], verb, doc)
        if link is not None:
            links.append(link)
    return links


def find_causal_links(doc: Doc, events: list[EventRef], opener: OpenEvents | None = None) -> list[CausalLink]:
    """Every cause -> effect pair the text states, deduplicated by (cause, effect) keeping the most confident.

    With ``opener``, a side no known event tells becomes an open event (``ingest.extraction.open_events``),
    appended to ``events``.
    """
    best: dict[tuple[str, str], CausalLink] = {}
    found = _verb_links(doc, events, opener) + _connective_links(doc, events, opener)
    found += _clause_links(doc, events, opener, found) + _narrative_links(doc, events, opener)
    found += _result_links(doc, events, opener) + _degree_result_links(doc, events, opener)
    found += _agent_links(doc, events)
    claimed: set[str] = set()
    if opener is not None:
        found += _open_agent_links(doc, events, opener) + _which_links(doc, events, opener)
        found += _means_links(doc, events, opener) + _reason_links(doc, events, opener)
        found += _attribution_links(doc, events, opener)
        rooted, claimed = _root_cause_links(doc, events, opener)
        found += rooted
        claimed |= _noticed_events(doc, events, opener)
    found += _list_links(doc, events, opener) + _sequel_links(doc, events, found, opener)
    found += _participle_links(doc, events, found)
    for link in found + _sentence_links(doc, events, found, opener):
        if is_intention(doc, link.start_char):
            continue  # "we will add throttling so that a flood cannot take the fleet down": a plan
        pair = (link.cause, link.effect)
        if pair not in best or link.confidence > best[pair].confidence:
            best[pair] = link
    for cause, effect in list(best):  # one article telling A->B and B->A: keep the more confident reading
        back = best.get((effect, cause))
        if back is not None and (cause, effect) in best and back.confidence >= best[(cause, effect)].confidence \
                and back is not best[(cause, effect)]:
            del best[(cause, effect)]
    if opener is not None:
        told = {e.key for e in opener.narrate() + opener.timeline_items()}
        for link in _chain_links(doc, events):
            if not is_intention(doc, link.start_char):  # "we will add a timeout and block such migrations"
                best.setdefault((link.cause, link.effect), link)
        renamed = resolve_named_again(doc, events)  # "After the restart, ...": the restart told before
        if renamed:
            best = _renamed_links(best, renamed)
            claimed = {renamed.get(k, k) for k in claimed}
        opener.keep_only({key for pair in best for key in pair} | claimed | told)
    return list(best.values())


def _renamed_links(best: dict[tuple[str, str], CausalLink], renamed: dict[str, str]) \
        -> dict[tuple[str, str], CausalLink]:
    """The links with each renamed event key replaced by its antecedent's; a link that now joins an event to
    itself goes, and of two links that now coincide the more confident stays."""
    out: dict[tuple[str, str], CausalLink] = {}
    for link in best.values():
        cause, effect = renamed.get(link.cause, link.cause), renamed.get(link.effect, link.effect)
        if cause == effect:
            continue
        moved = CausalLink(cause, effect, link.cue, link.confidence, link.start_char, link.end_char)
        if (cause, effect) not in out or moved.confidence > out[(cause, effect)].confidence:
            out[(cause, effect)] = moved
    return out
