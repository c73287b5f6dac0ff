"""Events named by the text's own words: what a causal construction says happened, whatever its vocabulary.

``ingest.extraction.causality`` finds the two sides of a causal statement ("The migration locked the
orders table, so every checkout query waited"). When the lexicon's concepts name no event on a
side, ``OpenEvents.at`` makes one from the side's head:

- a clause: what it happens to and its verb as a noun, "orders table lock", "checkout query wait";
  a light verb ("suffered delays") gives way to its object; a copula with an adjective ("the
  cache was stale") gives "stale cache"; a negated verb ("could not connect to the database")
  gives "database connection failure";
- a noun phrase: its modifiers and head, with the thing an ``of``/``in`` phrase names first:
  "stale routing entries" -> "stale routing entry", "exhaustion of the connection pool" ->
  "connection pool exhaustion";
- a pronoun ("this", "it", "which") or a bare reference ("the incident", "the issue") is the
  event it points back to: the outcome of the previous sentence.

The label is at most ``MAX_WORDS`` words. Its kind (failure, symptom, condition, action, recovery,
mitigation, impact) comes from the words of ``lexicon/event_kinds.json``; a label with none of
them is a ``failure``. Open events share the concept ``open``, so ``graph.build.is_same_event``
merges near-duplicates among them by their terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lemminflect import getAllInflections
from spacy.tokens import Doc, Span, Token

from ingest.extraction.entities import CALENDAR_WORDS, ComponentRef
from ingest.extraction.event_phrases import (
    EventRef,
    components_near,
    denies_harm,
    is_belief_verb,
    is_clock_word,
    is_label_noise,
    label_word,
    lacked_thing,
    only_believed,
    participle,
    particles,
    partitive_head,
    stop_words,
    subject_of,
)
from ingest.lexicon import load_cues, load_event_concepts, load_event_kinds

OPEN = "open"
MAX_WORDS = 6
MODIFIERS = ("compound", "amod", "nmod", "npadvmod", "nummod")
REFERENCE_PRONOUNS = ("this", "that", "it", "which", "these", "those", "they")
MEASURE_ENTS = ("TIME", "DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY")
NON_EVENT_ENTS = ("DATE", "TIME", "PERSON", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "GPE", "NORP")


REFLEXIVES = ("itself", "themselves", "himself", "herself", "ourselves", "myself", "yourself")


class OpenEvents:
    """Makes (and remembers) open events for one parsed article; ``events`` is the article's event list."""

    def __init__(self, doc: Doc, events: list[EventRef], comp_at: dict[int, ComponentRef]) -> None:
        self.doc, self.events, self.comp_at = doc, events, comp_at
        self.made: dict[int, EventRef] = {}
        self.by_anchor: dict[int, EventRef] = {}  # first event told at each token, kept beside ``events``
        for event in events:
            self.by_anchor.setdefault(event.anchor, event)

    def at(self, head: Token | None, *, named: bool = False) -> EventRef | None:
        """The event the phrase headed by ``head`` tells: an antecedent for a reference, else an open event.

        ``named``: the text says the phrase is a cause ("the root cause was a quadratic regex"), so any
        noun phrase is an event, not only one whose words name a happening.
        """
        if head is None:
            return None
        if head.i in self.made:
            return self.made[head.i]
        told = self.by_anchor.get(head.i)
        if told is not None:
            return told  # the lexicon already names what this word tells
        if _is_reference(head):
            return self.antecedent(head)
        event = self._make(head, named)
        if event is not None:
            self._keep(head, event)
        return event

    def _keep(self, head: Token, event: EventRef) -> None:
        """Remember ``event`` as what ``head`` tells and add it to the article's events (once)."""
        self.made[head.i] = event
        if self.by_anchor.get(event.anchor) is not event:
            self.events.append(event)
            self.by_anchor.setdefault(event.anchor, event)

    def state_of(self, thing: Token, state: Token) -> EventRef | None:
        """The state a causal verb left ``thing`` in ("left the orders table locked": "orders table locked")."""
        if state.i in self.made:
            return self.made[state.i]
        if (blocked := _blocked_verb(state)) is not None:  # "left customers unable to pay": the payment failure
            event = self.at(blocked)
            self.made[state.i] = event
            return event
        words = _noun_words(thing, self.comp_at) + (  # "left users locked out": the particle is the state's
            ["in", *_noun_words(state, self.comp_at)] if state.pos_ == "NOUN" else [state.lower_, *particles(state)])
        if not _has_content(words):
            return None
        event = self._event(state, words, components_near(thing, self.comp_at), min(thing.left_edge.i, state.i),
                            max(thing.i, state.i) + 1)
        self._keep(state, event)
        return event

    def narrate(self) -> list[EventRef]:
        """Every clause that tells something happening in the past ("Proxy processes starved", "the standby
        fell behind") as an event, unless an event already stands on its verb. Returns the new events."""
        cues = load_cues()
        skip = set(cues["non_event_verbs"]) | set(cues["light_verbs"])
        made = []
        for verb in self.doc:
            lemma = verb.lemma_.lower()
            pending = self.made.get(verb.i)
            if pending is not None and pending.anchor == verb.i and pending.concept == OPEN and not pending.anaphor \
                    and (verb.pos_ in ("VERB", "AUX") or _specific(pending.summary.split()[:-1])):
                # made for a causal statement that came to nothing: the clause (or a specific noun phrase,
                # "a quadratic regex", not "a system change") still tells it
                made.append(pending)
                continue
            if self._tells_a_state(verb):
                pass  # "lines were overwhelmed", "viewers were unable to watch": a state the clause reports
            elif working_again(verb) is not None and verb.i not in self.made and verb.i not in self.by_anchor:
                pass  # "logins worked again", "facebook.com is resolving again": a recovery, told in any tense
            elif _goes_on(verb):
                pass  # "the process kept running": a happening that went on
            elif _ends_trouble(verb) and verb.i not in self.made and verb.i not in self.by_anchor:
                pass  # "the blackout ended at 10:00": a recovery, though its subject is an event
            elif verb.pos_ != "VERB" or not (_tells_past(verb) or _tells_trouble_now(verb)) or verb.i in self.made \
                    or lemma in skip and not self._suffers_untold_trouble(verb) and not _phrasal(verb) \
                    and not _cannot(verb) and not _done_to(verb) and _entered_state(verb) is None \
                    and not _acts_on_a_thing(verb) and not _told_to_nobody(verb) \
                    or acts_on_something(verb) and any(cue_phrase(verb, p) for p in (
                        cues["causal_verbs"], cues["reverse_verbs"], attribution_phrases())) \
                    or lemma in cues["state_verbs"] and resulting_state(verb, verb_object(verb)) \
                    or verb.dep_ in ("amod", "compound") \
                    or not _has_own_or_shared_subject(verb) or in_question(verb) \
                    or verb.i in self.by_anchor or self._tells_its_subject(verb) \
                    or any(c.dep_ == "xcomp" and c.i in self.by_anchor for c in verb.children):
                continue  # "failed to renew the certificate": the renewal failure is told already
            known = len(self.events)
            event = self.at(verb)
            if event is not None and not event.anaphor and len(self.events) > known:  # made here, not found
                if not event_kind_known(event.summary.split()) and event.kind not in ("recovery", "condition"):
                    event.kind = NARRATED_KIND  # a happening told in no outage word: not evidence of trouble
                made.append(event)
        return made

    def timeline_items(self) -> list[EventRef]:
        """Each entry of a timeline ("- 00:10 Issue escalated to engineering.", "06:45 Rollout complete; impact
        ends.", "14:12 UTC: alerts fire") tells what happened at its time, in whatever telegraphic words:
        every clause of it without an event yet becomes one. Returns the new events."""
        made = []
        text = self.doc.text
        for m in TIMELINE_ITEM.finditer(text):
            item = self.doc.char_span(m.start("body"), m.end("body"), alignment_mode="expand")
            if item is None or not len(item):
                continue
            for clause in _clauses(item):
                if any(t.i in self.by_anchor for t in clause) or not any(t.is_alpha for t in clause):
                    continue
                known = len(self.events)
                event = self._item_event(clause)
                if event is not None and not event.anaphor and len(self.events) > known:
                    if not event_kind_known(event.summary.split()) and event.kind != "recovery":
                        event.kind = NARRATED_KIND
                    made.append(event)
        return made

    def _item_event(self, clause: Span) -> EventRef | None:
        root = clause.root
        if root.pos_ == "ADJ":  # "Rollout complete": what the adjective says of its subject
            subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) or (
                root.head if root.dep_ == "amod" else None)
            words = (_noun_words(subj, self.comp_at) if subj is not None else []) + [root.lower_]
            if not _has_content(words):
                return None
            event = self._event(root, words, components_near(subj, self.comp_at) if subj is not None else [],
                                clause.start, clause.end)
            self._keep(root, event)
            return event
        event = self.at(root, named=root.pos_ == "NOUN")
        if event is None and root.pos_ in ("VERB", "AUX"):
            event = self._entry_clause(root, clause)
        return event

    def _entry_clause(self, verb: Token, clause: Span) -> EventRef | None:
        """A timeline entry tells what happened at its time even in words that tell nothing elsewhere: its
        subject, verb and what the verb reaches name it ("Site status set to yellow"); for what an observer
        saw, the seen clause does ("Engineers see that clusters are in an unexpected topology": "cluster
        unexpected topology")."""
        seen = next((c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
        if seen is not None and verb.lemma_.lower() in load_cues()["non_event_verbs"]:
            verb = seen
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")),
                    None)
        reached = [g for c in verb.children if c.dep_ in ("dobj", "xcomp", "ccomp", "acomp", "attr", "prep")
                   for g in ([c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"])
                   if g.pos_ in ("NOUN", "PROPN", "ADJ", "VERB")]
        said = [] if verb.lemma_ == "be" else [verb.lower_]
        words = (_noun_words(subj, self.comp_at) if subj is not None else []) + said + [
            w for g in reached[:1] for w in (_noun_words(g, self.comp_at) if g.pos_ in ("NOUN", "PROPN")
                                             else [g.lower_])]
        if subj is None or not _has_content(words) or len(words) < 2:
            return None
        comps = components_near(subj, self.comp_at)
        event = self._event(verb, words, comps, clause.start, clause.end)
        self._keep(verb, event)
        return event

    def _tells_a_state(self, verb: Token) -> bool:
        """A past "be" (or "became", "remained"...) with an adjective of trouble or of what was done to its
        subject ("were overwhelmed", "was unreachable", "were unable to watch", "became unusually slow"), with a
        subject and no event on it yet."""
        acomp = next((c for c in verb.children if c.dep_ == "acomp" and c.pos_ in ("ADJ", "VERB")), None)
        if verb.lemma_.lower() not in load_cues()["linking_verbs"] or verb.tag_ not in ("VBD", "VBN") \
                or acomp is None or verb.i in self.made \
                or acomp.i in self.by_anchor or not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            return False
        word = acomp.lower_
        return word in load_cues()["inability_adjectives"] or word.endswith("ed") or event_kind_known([word])

    def _suffers_untold_trouble(self, verb: Token) -> bool:
        """"visitors got 502s", "the fleet suffered delays": a light verb whose object is trouble tells that
        trouble, unless an event already stands in the object ("saw failed payments")."""
        return verb.lemma_.lower() in load_cues()["light_verbs"] and any(
            c.dep_ == "dobj" and is_eventive(c) and not any(t.i in self.by_anchor for t in c.subtree)
            for c in verb.children)

    def _tells_its_subject(self, verb: Token) -> bool:
        """"The backlog grew", "the outage began": an intransitive verb of an event says that it happened."""
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        negated = any(c.dep_ == "neg" for c in verb.children)  # "the exception could not be handled"
        if subj is not None and subj.dep_ == "nsubjpass" \
                and verb.lemma_.lower() not in load_cues()["realizing_verbs"]:
            return False  # "the update had been pulled": what was done to it, not that it happened
        return subj is not None and not negated and not any(c.dep_ == "dobj" for c in verb.children) and (
            subj.i in self.by_anchor or _is_concept_noun(subj.lemma_.lower(), alone=True))

    def keep_only(self, keys: set[str]) -> None:
        """Drop the open events no causal link uses: a side whose statement came to nothing tells nothing."""
        self.events[:] = [e for e in self.events if e.concept != OPEN or e.key in keys]
        self.by_anchor = {}
        for event in self.events:
            self.by_anchor.setdefault(event.anchor, event)

    def antecedent(self, tok: Token) -> EventRef | None:
        """The event a reference points back to: the last event told before its sentence, nearest sentence first."""
        sent = tok.sent
        earlier = [e for e in self.events if e.anchor < sent.start and not e.vague]
        prev = self.doc[sent.start - 1].sent if sent.start > 0 else None
        if prev is not None and not any(prev.start <= e.anchor < prev.end for e in earlier):
            # the sentence just before tells no event yet: what its own clause tells, if anything, comes first
            # ("... and kept using the old ones. This meant every write was rejected")
            for verb in clauses_last_first(prev):  # the last clause tells how the sentence ended
                made = self.at(verb) if verb.pos_ in ("VERB", "AUX") else None
                if made is not None and not made.anaphor:
                    return made.told_as(tok.i, tok.i, tok.i + 1)
        if not earlier:
            return None
        last_sentence = self.doc[max(e.anchor for e in earlier)].sent
        inside = [e for e in earlier if last_sentence.start <= e.anchor < last_sentence.end]
        best = max(inside, key=lambda e: (-_depth(self.doc[e.anchor]), e.anchor))
        return best.told_as(tok.i, tok.i, tok.i + 1)

    def _told_just_before(self, ref: Token, verb: Token) -> EventRef | None:
        """What "that" in "while that happened" points to: the nearest event told before it in its sentence
        outside its own clause, else the antecedent of an earlier sentence."""
        own = {t.i for t in verb.subtree}
        before = [e for e in self.events if ref.sent.start <= e.anchor < ref.i and e.anchor not in own
                  and not e.vague and not e.anaphor]
        if not before:
            return self.antecedent(ref)
        return max(before, key=lambda e: e.anchor).told_as(ref.i, ref.i, ref.i + 1)

    def _make(self, head: Token, named: bool = False) -> EventRef | None:
        if (head.ent_type_ in NON_EVENT_ENTS or head.like_num or head.pos_ in ("DET", "ADP", "PUNCT", "NUM", "SPACE")) \
                and not HTTP_ERROR.match(head.text):
            return None
        if head.pos_ in ("VERB", "AUX"):
            return None if is_belief_verb(head) or only_believed(head) else self._clause_event(head)
        if head.pos_ in ("NOUN", "PROPN"):
            return None if only_believed(head) else self._noun_event(head, named)
        return None

    def _noun_event(self, head: Token, named: bool = False) -> EventRef | None:
        lacked = lacked_thing(head)
        if lacked is not None:  # "a lack of staged rollouts": no staged rollout, a standing condition
            words = ["no", *_noun_words(lacked, self.comp_at)]
            if not _has_content(words[1:]):
                return None
            return self._event(head, words, components_near(lacked, self.comp_at), head.left_edge.i, lacked.i + 1)
        comps = components_near(head, self.comp_at)
        trouble = [c.lower_ for c in head.lefts if c.dep_ == "amod" and event_kind_known([c.lower_])]
        if head.i in self.comp_at and trouble and comps:
            words = trouble + [comps[0].name]  # "a faulty network switch", "an expired certificate"
        elif head.i in self.comp_at or not (is_eventive(head) or named and head.pos_ == "NOUN" and not is_agent(head)):
            if not comps or head.dep_ not in ("dobj", "nsubjpass", "pobj") or is_agent(head):
                return None  # "customers", "a lot", "the planner created plans", "an AWS engineer": no happening
            words = [comps[0].name, "failure"]  # "took down DynamoDB": what happened to it
        else:
            words = _noun_words(head, self.comp_at)
        if HTTP_ERROR.match(head.text):
            words = [w for w in words if w != _head_word(head)] + [head.text.rstrip("sS"), "errors"]  # "502s"
        if not _has_content(words):
            return None
        words = _experienced_by(head, self.comp_at) + words
        if _denied(head):
            words = ["no", *words]  # "had no WAL archiving": an absence, not the thing
        start = min([head.i] + [c.left_edge.i for c in head.lefts if c.dep_ in MODIFIERS + ("poss",)])
        return self._event(head, words, comps, start, head.i + 1)

    def _clause_event(self, verb: Token) -> EventRef | None:
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and any(c.dep_ == "prep" and c.lower_ in ("for", "as")
                                                             for c in verb.children):
            return None  # "a database built for durability", "a tool known as X": what a thing is, not a happening
        if _describes(verb):
            return None  # "a database that held login credentials": what the database is, not a happening
        aspect = verb
        verb = main_verb(verb)
        harmless = denies_harm(verb)
        going_on = aspect is not verb and aspect.lemma_.lower() in load_cues()["continuing_verbs"] \
            and _tells_past(aspect)  # "the process kept running", "phones kept retrying"
        stopper = aspect if aspect is not verb else verb.head if verb.dep_ == "xcomp" else None
        ceased = stopper is not None and stopper.lemma_.lower() in load_cues()["cessation_verbs"] \
            and _tells_past(stopper)  # "the cluster stopped accepting queries": whatever the verb, it ceased
        if (told := self.by_anchor.get(verb.i)) is not None:
            return told  # "leases started to time out": the lexicon's timeout
        cues = load_cues()
        reached: list[str] = []
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "attr")
                    and c.pos_ not in ("SCONJ", "ADP", "CCONJ")), None)  # a misread "that" names nothing
        measure = obj if obj is not None and obj.dep_ == "dobj" and obj.ent_type_ in MEASURE_ENTS else None
        if measure is not None:
            obj = None  # "the error rate reached 40%": the rate did, and the amount says how far
        subj = next((c for c in (aspect if going_on else verb).children if c.dep_ in ("nsubj", "csubj")
                     and not is_clock_word(c)), None)
        acomp = next((c for c in verb.children if c.dep_ in ("acomp", "oprd")), None)
        switch = _switch_particle(verb)
        if obj is None and switch is not None:  # "switched on Power Peg": the particle read as a preposition
            obj = next(c for c in switch.children if c.dep_ == "pobj")
        lemma = verb.lemma_.lower()
        if subj is not None and subj.tag_ == "WP" and subj.lower_ in ("what", "whatever"):
            return None  # "here is what happened", "what went wrong": the story to come, not one happening
        if lemma in ("happen", "occur") and subj is not None and _is_reference(subj):
            return self._told_just_before(subj, verb)  # "S3 could not serve requests while that happened"
        if lemma in cues["light_verbs"] and obj is not None and obj.dep_ == "dobj":
            return self.at(obj)  # "the fleet suffered long delays": the delays
        state = _entered_state(verb) if obj is None else None
        if state is not None and state.i in self.by_anchor:
            return self.by_anchor[state.i]  # "the cluster fell into a crash loop": the crash loop
        if lemma == "be" and obj is not None and obj.dep_ == "attr":
            return self.at(obj)
        linking = lemma in cues["linking_verbs"]
        again = working_again(verb)
        if again is not None and subj is not None and not any(c.lower_ in ("normally", "properly", "fine", "smoothly")
                                                              for c in verb.children):
            # "logins worked again", "the site was reachable again"; "flowing normally again" reads as told
            words = _noun_words(subj, self.comp_at)[-3:] + [again.lower_, "again"]
            event = self._event(verb, words, components_near(subj, self.comp_at), min(subj.left_edge.i, verb.i),
                                verb.i + 1)
            event.kind = "recovery"
            return event
        if _ends_trouble(verb) and subj is not None:
            # "the blackout ended at 10:00", "errors subsided": the trouble is over, a recovery
            words = _noun_words(subj, self.comp_at)[-3:] + [verb.lower_]
            event = self._event(verb, words, components_near(subj, self.comp_at), min(subj.left_edge.i, verb.i),
                                verb.i + 1)
            event.kind = "recovery"
            return event
        if lemma in cues["non_event_verbs"] and not _phrasal(verb) and not _cannot(verb) and not _done_to(verb) \
                and state is None and not _acts_on_a_thing(verb) and not ceased and not _told_to_nobody(verb) \
                and not ((going_on or aspect is not verb) and obj is not None and obj.dep_ == "dobj"):
            # not for what was kept being, or tried to be, done to something: "kept using the old keys",
            # "tried to read memory out of bounds"
            if linking and acomp is not None and subj is not None and (
                    subj.pos_ != "PRON" or event_kind_known([acomp.lower_, acomp.lemma_.lower()])
                    or _blocked_verb(acomp) is not None):
                pass  # "the cache was stale", "the enactor became slow", "it was slow"; not "it is worth noting"
            else:
                return self.at(obj) if obj is not None and obj.dep_ == "dobj" else None
        scope = obj if obj is not None and (obj.dep_ in ("dobj", "nsubjpass") or switch is not None) else subj
        if scope is obj and obj is not None and (obj.lower_ in REFLEXIVES or _reciprocal(obj)):
            scope = subj  # "the automation could not heal itself", "the enactors raced each other"
        if scope is not None and (scope.pos_ == "PRON" or scope.tag_ in ("WDT", "WP")):
            scope = scope.head if scope.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" else None
            scope = verb.head if verb.dep_ == "relcl" else scope
        comps = components_near(scope, self.comp_at) if scope is not None else []
        scope_words = _noun_words(scope, self.comp_at) if scope is not None else []
        if not _has_subject(verb):
            return None  # "please follow the banner": an instruction, not something that happened
        if linking and acomp is not None and (blocked := _blocked_verb(acomp)) is not None:
            return self._clause_event(blocked)  # "we are unable to change the icons"
        if linking and acomp is not None and lemma != "be":  # "the rotation went wrong", "the enactor became slow"
            words = scope_words[-3:] + [verb.lower_, acomp.lower_]
        elif linking and acomp is not None:  # "the cache was stale": stale cache; "lines were overwhelmed"
            words = scope_words + [acomp.lower_] if acomp.lower_.endswith("ed") else [acomp.lower_] + scope_words
        else:
            negated = any(c.dep_ == "neg" or _no_longer(c) for c in verb.children) or _blocked_by(verb) \
                or verb.dep_ == "conj" and _cannot(verb) or (
                subj is not None and (subj.lower_ in load_cues()["negative_subjects"] or _denied(subj))) \
                or obj is not None and obj.dep_ == "nsubjpass" and obj.lower_ in load_cues()["negative_subjects"] \
                and any(a.lower_ in ("could", "can", "ca") for a in verb.children if a.dep_ == "aux")
            if negated and not scope_words and lemma in ("happen", "occur"):
                return None  # "but that didn't happen": what did not happen is told before, not here
            told = verb.tag_ in ("VBD", "VBN") or verb.tag_ == "VBG" and any(
                c.dep_ == "aux" and c.tag_ == "VBD" for c in verb.children)  # "was missing", "were waiting"
            # "could not resolve": a resolution failure; "the incident was resolved", "rates reached 40%": as told
            nominal = (cues["nominals"].get(lemma) if negated or lemma not in cues["ability_nominals"] else None) \
                or (verb.lower_ if told else lemma)
            if nominal == cues["nominals"].get(lemma) and any(p not in nominal for p in particles(verb)):
                nominal = verb.lower_ if told else lemma  # "logged out" is no login, "signed out" no sign-in
            if scope is obj and obj is not None and obj.dep_ == "dobj" and lemma not in cues["nominals"] \
                    and verb.tag_ in ("VBD", "VBG"):
                nominal = participle(verb)  # what was done to the object: "took a snapshot" -> "snapshot taken"
            if negated and scope is obj and obj is not None and obj.dep_ == "dobj" and lemma in cues["support_verbs"]:
                nominal = ""  # "could not place orders": an order failure
            if going_on:
                nominal = f"{aspect.lower_} {verb.lower_}"
            if ceased:  # as the lexicon tells "stopped serving traffic": "gateway traffic serving failure"
                nominal, negated = verb.lower_, True
            said = [switch.lower_] if switch is not None else particles(verb)
            lacking = next((p for p in verb.children if p.dep_ == "prep" and p.lower_ == "without" and p.i > verb.i),
                           None)  # "Without a working address, apps could not ...": the scene, not the label
            lacked = next((c for c in lacking.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) \
                if lacking is not None else None
            if lacked is not None:  # "instances started without network connectivity": what they lacked
                said = [*said, "without", *_noun_words(lacked, self.comp_at)]
            elif scope is not obj or obj is None:
                reached = _reached_words(verb, self.comp_at)  # "workers waited on the database lock"
                said = [*said, *reached]
            if state is not None:  # "the load balancers went into panic mode"
                said = ["into", *_noun_words(state, self.comp_at)]
            if harmless and any(c.dep_ == "neg" for c in verb.children):
                said = ["not", *said]  # "hosts were not affected": "host not affected", no failure
            if measure is not None:  # the amount is the verb's object: before what it reached
                amount = " ".join(t.text for t in measure.subtree if not t.is_punct or t.text == "%")
                said = [*said[:len(said) - len(reached)], amount.replace(" %", "%"), *reached]
            words = scope_words + [w for w in (nominal, *said) if w] + _complement_words(verb) + (
                ["failure"] if negated and not harmless and nominal not in ("fail", "failure") else [])
            if harmless and said and said[0] == "not":
                words = scope_words + ["not", nominal, *said[1:]] + _complement_words(verb)
        if not _has_content(words) or (lemma in ("be", "have", "do") and acomp is None):
            return None
        if scope is not None and scope.dep_ in ("nsubj", "nsubjpass") and _denied(scope) and "failure" not in words:
            words = ["no", *words]  # "no alert was attached", "no one noticed"
        lo = min([verb.i] + ([scope.left_edge.i] if scope is not None and abs(scope.i - verb.i) <= 8 else []))
        hi = max([verb.i] + ([scope.i] if scope is not None and abs(scope.i - verb.i) <= 8 else []))
        event = self._event(verb, words, comps, lo, hi + 1)
        agent = subj or subject_of(verb)
        if agent is not None and is_agent(agent) and event.kind == "failure" and not event_kind_known(words):
            event.kind = "action"  # "engineers had to visit sites": what people did, told in no outage word
        if reached and (own := [w for w in words if w not in reached]):
            event.kind = "condition" if own[0] == "no" else event_kind(own)  # the waiting, not the lock, is told
        event.reassurance = harmless
        return event

    def _event(self, anchor: Token, words: list[str], comps: list[ComponentRef], start: int, end: int) -> EventRef:
        words = list(dict.fromkeys(w for w in words if not is_label_noise(w)))[-MAX_WORDS:]
        summary = " ".join(words)
        terms = sorted({w.lower() for w in words} - stop_words())
        kind = "condition" if words[0] == "no" else event_kind(words)  # an absence is a standing condition
        return EventRef(anchor.i, start, end, OPEN, kind, summary, [c.slug for c in comps], terms)


HTTP_ERROR = re.compile(r"^[45](?:\d\d|xx)s?$", re.IGNORECASE)  # "502s", "5xx": error responses that users saw


def is_eventive(tok: Token) -> bool:
    """True if noun ``tok`` can name a happening or a state: an outage word, a nominalisation, or a noun
    qualified by what happened to it ("stale entries", "dropped packets", "a missing index")."""
    lemma = tok.lemma_.lower()
    kinds = load_event_kinds()
    if lemma in kinds or tok.lower_ in kinds or _head_word(tok) in kinds or _is_concept_noun(lemma) \
            or HTTP_ERROR.match(tok.text):
        return True
    if lemma in load_cues()["non_event_nouns"]:
        return False
    if len(lemma) > 5 and lemma.endswith(tuple(load_cues()["eventive_suffixes"])):
        return True
    return any(c.dep_ == "amod" and (c.tag_ == "VBN" or c.lower_ in load_event_kinds())
               or c.dep_ == "compound" and c.lower_ in load_event_kinds() and load_event_kinds()[c.lower_] == "symptom"
               for c in tok.children)  # "stale entries", "dropped packets", "error messages"


def is_happening(tok: Token) -> bool:
    """Stricter than ``is_eventive``: a noun the vocabulary itself calls a change, fault or failure ("the
    migration", "a bad push", "the outage"), the kind of subject that makes something happen."""
    lemma = tok.lemma_.lower()
    kind = load_event_kinds().get(lemma) or load_event_kinds().get(tok.lower_)
    return tok.pos_ == "NOUN" and (kind in ("action", "failure", "condition") or _is_concept_noun(lemma)) \
        and lemma not in load_cues()["non_event_nouns"]


def _is_concept_noun(lemma: str, *, alone: bool = False) -> bool:
    """The head of a concept's noun phrase ("outage", "record" of "empty record"). ``alone``: a whole phrase
    on its own ("backlog"), where "orders" (of "duplicate order") names a thing, not a happening."""
    return any((phrase == (lemma,)) if alone else phrase[-1] == lemma
               for concept in load_event_concepts() for phrase in concept.nouns)


NARRATED_KIND = "action"
TROUBLE = ("failure", "symptom", "condition", "impact")


# A timeline entry: a line that opens with a clock time (after a list mark, a date or a weekday), then what happened.
_ITEM_CLOCK = r"\d{1,2}(?::\d{2})?(?:[ \t]?[AaPp]\.?[Mm]\.?)?(?:[ \t]+[A-Z]{2,4})?"
# "- 2:25 AM / 09:25 UTC: DNS record restored": one instant in two zones, then what happened
TIMELINE_ITEM = re.compile(
    r"(?m)^[ \t]*(?:[-*•–][ \t]*)?(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},?[ \t]+(?:\d{4}[ \t,]+)?)?"
    rf"{_ITEM_CLOCK}(?:[ \t]*[/(][ \t]*{_ITEM_CLOCK}\)?)?[ \t]*[:\-–—]?[ \t]+"
    r"(?!(?:[AaPp]\.?[Mm]\.?|UTC|GMT)\b)(?P<body>[A-Za-z][^\n]{2,})$")


def _clauses(item: Span) -> list[Span]:
    """The parts of a timeline entry split at semicolons and sentences ("Rollout complete; impact ends",
    "13:15: Replication lag grows. We start adding read replicas.")."""
    parts, start = [], item.start
    for tok in item:
        if tok.text == ";" or tok.is_sent_start and tok.i > start:
            parts.append(item.doc[start:tok.i])
            start = tok.i + (tok.text == ";")
    parts.append(item.doc[start:item.end])
    return [p for p in parts if len(p)]


def event_kind_known(words: list[str]) -> bool:
    """True if some word of a label (or a verb with its particle: "time out") has a kind in event_kinds.json."""
    return bool(_told_kinds(words))


def event_kind(words: list[str]) -> str:
    """The kind the words of a label name: the last word with a kind wins ("deployment failure" is a failure).

    >>> event_kind(["checkout", "query", "wait"]), event_kind(["stale", "routing", "entry"])
    ('symptom', 'condition')
    """
    if _signals(words):
        return "action"  # "alerts fired": how the trouble was noticed
    found = _told_kinds(words)
    return found[-1] if found else "failure"


def _told_kinds(words: list[str]) -> list[str]:
    """The kinds the words of a label name, in order."""
    kinds = load_event_kinds()
    found, joined_at = [], -1
    for n, word in enumerate(words):
        if n == joined_at:
            continue  # the particle of a compound already counted
        forms = _word_forms(word.lower())
        particle = words[n + 1].lower() if n + 1 < len(words) else ""
        # a verb and its particle name what their compound names: "rolled out" a rollout (an action), "rolled
        # back" a rollback, "failed over" a failover, "broke down" a breakdown
        joined = next((kinds[f + particle] for f in forms if particle and f + particle in kinds), None) \
            or next((_phrasal_kinds()[f, particle] for f in forms if (f, particle) in _phrasal_kinds()), None)
        joined_at = n + 1 if joined else joined_at
        kind = joined or next((kinds[f] for f in forms if f in kinds), None)
        if kind and not (joined == "action" and found):  # "fix rolled out" stays the fix
            found.append(kind)
    return found


@lru_cache(maxsize=1)
def _phrasal_kinds() -> dict[tuple[str, str], str]:
    """The vocabulary's two-word verb phrases and their concept's kind: ("come", "back") -> recovery, so
    "things came back" is a recovery even where its subject is too vague for the concept to name it."""
    return {(form, v[1]): concept.kind for concept in load_event_concepts() for v in concept.verbs if len(v) == 2
            for form in {v[0], *(f for forms in getAllInflections(v[0], upos="VERB").values() for f in forms)}}


def _ends_trouble(verb: Token) -> bool:
    """"The blackout ended", "errors subsided": an ending verb (``ending_verbs``), in the past, with nothing it
    acts on and trouble as its subject."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return verb.lemma_.lower() in load_cues()["ending_verbs"] and subj is not None and _names_trouble(subj) \
        and not any(c.dep_ in ("dobj", "xcomp", "neg") for c in verb.children) and _tells_past(verb)


def _names_trouble(noun: Token) -> bool:
    """"a blackout", "errors", "timeouts": a noun that names trouble (a word of a trouble kind, or an incident noun)."""
    lemma = noun.lemma_.lower()
    return lemma in load_cues()["incident_nouns"] or load_event_kinds().get(lemma) in TROUBLE


def _signals(words: list[str]) -> bool:
    nouns, verbs = _signal_words()
    forms = {f for w in words for f in _word_forms(w.lower())}
    return bool(forms & nouns) and bool(forms & verbs)


@lru_cache(maxsize=1)
def _signal_words() -> tuple[frozenset[str], frozenset[str]]:
    cues = load_cues()
    return frozenset(cues["signal_nouns"]), frozenset(cues["signal_verbs"])


@lru_cache(maxsize=1)
def affecting_verbs() -> dict[str, float]:
    """The cue table of `affecting_verbs`, built once: ``cue_phrase`` indexes a table by its identity."""
    return dict.fromkeys(load_cues()["affecting_verbs"], 1.0)


def _word_forms(word: str) -> list[str]:
    """The word and its likely stems: "locked" -> lock, "stopped" -> stop, "failing" -> fail, "errors" -> error."""
    forms = [word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            forms += [stem, stem + "e"] + ([stem[:-1]] if len(stem) > 3 and stem[-1] == stem[-2] else [])
    return forms


REACHING_PREPS = ("on", "for", "behind", "against", "with", "to")


def _reached_words(verb: Token, comp_at: dict[int, ComponentRef]) -> list[str]:
    """What an intransitive verb reaches through a preposition ("waited on the database lock", "fell behind
    the primary", "nobody acted on the emails"): the preposition and the noun, not a time, an amount or a
    frequency ("on every request"); nor a phrase before the verb, which sets the scene ("On servers, some
    operators switched ...")."""
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in REACHING_PREPS and c.i > verb.i):
        pobj = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None)
        if pobj is not None and pobj.ent_type_ not in MEASURE_ENTS and not is_clock_word(pobj) \
                and not any(c.dep_ == "det" and c.lower_ in ("every", "each", "all", "any") for c in pobj.children):
            # "backtracked on every request": how often, not what it reached
            return [prep.lower_, *_noun_words(pobj, comp_at)[-2:]]
    return []


RECIPROCALS = (("each", "other"), ("one", "another"))


def _reciprocal(obj: Token) -> bool:
    """"each other", "one another": the subject's members acting on one another (parsed either way round)."""
    return any((c.lower_, obj.lower_) in RECIPROCALS or (obj.lower_, c.lower_) in RECIPROCALS
               for c in obj.children)


def _complement_words(verb: Token) -> list[str]:
    """What the clause says its object became: "marked every backend as unhealthy" -> ["unhealthy"]; what the
    subject ended up as: "the record ended up empty" -> ["empty"]."""
    words = [c.lower_ for c in verb.children if c.dep_ in ("acomp", "oprd") and c.pos_ == "ADJ"
             or c.dep_ == "advcl" and c.pos_ == "ADJ" and c.i == verb.i + 1 + any(p.dep_ == "prt" for p in verb.children)]
    obj = [c for c in verb.children if c.dep_ == "dobj"]
    results = set(load_cues()["result_nouns"])
    for prep in (c for t in [verb, *obj] for c in t.children if c.dep_ == "prep" and c.lower_ == "as"):
        words += [c.lower_ for c in prep.children if c.dep_ in ("pobj", "amod", "acomp") and c.pos_ in ("ADJ", "NOUN")
                  and c.lemma_.lower() not in results]  # "As a result, X was rejected": a connective
    return words[:2]


COUNTERFACTUAL_MODALS = ("should", "would", "could", "might", "must", "may")


def _tells_trouble_now(verb: Token) -> bool:
    """Trouble told as it happens, as live posts and status updates tell it: "pushes hang", "the web UI returns
    500s", "requests are timing out", "AKS clusters cannot pull images". Only in outage words (a verb of failure or symptom, an error as
    its object) or as a present inability: a present tense that describes ("the health check requests the
    home page") tells nothing that happened."""
    auxes = [c for c in verb.children if c.dep_ == "aux"]
    if verb.tag_ == "VB" and _cannot(verb, ("can", "ca")):
        return True
    progressive = verb.tag_ == "VBG" and len(auxes) == 1 and auxes[0].tag_ in ("VBZ", "VBP")  # "are timing out"
    if not progressive and (verb.tag_ not in ("VBZ", "VBP") or auxes):
        return False
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    kinds = load_event_kinds()
    return kinds.get(verb.lemma_.lower()) in ("failure", "symptom") \
        or obj is not None and (HTTP_ERROR.match(obj.text) is not None or kinds.get(obj.lemma_.lower()) == "symptom")


def _tells_past(verb: Token) -> bool:
    """A verb that tells something that happened: past tense, a participle, a past progressive ("were
    waiting"), a past inability ("could not be handled", "could no longer pass") or what was not done ("did
    not validate the chain"). What a modal says should or could have happened did not ("should have stopped",
    "would have been caught")."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBN" and any(a.lower_ in COUNTERFACTUAL_MODALS for a in auxes) \
            and any(a.lemma_ == "have" for a in auxes) and not any(c.dep_ == "neg" for c in verb.children):
        return False
    if verb.tag_ in ("VBD", "VBN"):
        return True
    if verb.tag_ == "VBG" and any(a.tag_ == "VBD" for a in auxes):
        return True
    if verb.tag_ == "VB" and any(a.lower_ == "did" for a in auxes) and any(c.dep_ == "neg" for c in verb.children):
        # "did not validate the chain" tells a failure; "did not fail" tells none
        return not event_kind_known([verb.lemma_.lower()]) or event_kind([verb.lemma_.lower()]) not in TROUBLE
    return verb.tag_ == "VB" and _cannot(verb, modals=("could",))  # "could not be handled", "could no longer pass"


def _has_own_or_shared_subject(verb: Token) -> bool:
    """"someone pushed a change and yanked the routes": a conjoined verb shares its first verb's subject."""
    for node in (verb, verb.head if verb.dep_ == "conj" and verb.head.pos_ == "VERB" else None):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")] if node is not None else []
        if subjects:
            return not all(c.lower_ in ("what", "whatever") for c in subjects)  # "here is what happened"
    return False


def cue_phrase(tok: Token, phrases: dict[str, float]) -> tuple[str, float] | None:
    """The longest cue phrase headed by verb ``tok`` ("result in", "take down", "stem from")."""
    candidates = _by_first_word(phrases).get(tok.lemma_.lower())
    if not candidates:  # most verbs start no cue phrase: no walk over their children
        return None
    words = {c.lower_ for c in tok.children if c.dep_ in ("prt", "prep", "advmod", "dobj", "acomp", "oprd")}
    best = None
    for phrase, parts, conf in candidates:
        if all(p in words for p in parts[1:]) and (best is None or len(parts) > len(best[0].split())):
            best = (phrase, conf)
    return best


_PHRASE_INDEX: dict[int, tuple[dict[str, float], dict[str, list[tuple[str, list[str], float]]]]] = {}


def _by_first_word(phrases: dict[str, float]) -> dict[str, list[tuple[str, list[str], float]]]:
    """``phrases`` grouped by their first word ("be ..." phrases left out), built once per phrase table."""
    cached = _PHRASE_INDEX.get(id(phrases))
    if cached is None or cached[0] is not phrases:
        index: dict[str, list[tuple[str, list[str], float]]] = {}
        for phrase, conf in phrases.items():
            parts = phrase.split()
            if parts[0] != "be":
                index.setdefault(parts[0], []).append((phrase, parts, conf))
        cached = _PHRASE_INDEX[id(phrases)] = (phrases, index)
    return cached[1]


@lru_cache(maxsize=1)
def attribution_phrases() -> dict[str, float]:
    """"blame on", "trace to": each attribution verb with its preposition, as a cue phrase table."""
    return {f"{verb} {prep}": 1.0 for verb, preps in load_cues()["attribution_verbs"].items() for prep in preps}


def verb_object(verb: Token) -> Token | None:
    """The thing a verb acts on: its direct object, if a noun."""
    return next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)


def resulting_state(verb: Token, thing: Token | None) -> tuple[Token, Token] | None:
    """(thing, state) when a causal verb says what state it left something in: "left the orders table locked",
    "made the cache unusable", "leaving the servers unreachable"."""
    for comp in verb.children:
        if comp.dep_ in ("oprd", "ccomp", "advcl", "acomp", "xcomp") and (comp.pos_ == "ADJ" or comp.tag_ == "VBN") \
                and not any(c.dep_ in ("mark", "aux", "dobj") for c in comp.children):
            subject = next((c for c in comp.children if c.dep_ == "nsubj"), None) or thing
            if subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject.i < comp.i:
                return subject, comp
    if thing is not None:
        state = next((c for c in thing.children if c.dep_ in ("acomp", "amod") and c.pos_ == "ADJ" and c.i > thing.i),
                     None)
        if state is not None:
            return thing, state  # "leaving the DNS servers unreachable": the adjective hangs on the noun
        if verb.lemma_.lower() in load_cues()["state_verbs"]:  # "left (thousands of) passengers stranded"
            named = partitive_head(thing)
            state = next((c for c in named.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.i == named.i + 1),
                         None)
            if state is not None:
                return named, state
        if verb.lemma_.lower() in load_cues()["state_into_verbs"]:
            # "left the database in read-only mode", "drove the cluster into a crash loop"
            prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "into") and c.i > thing.i),
                        None)
            state = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) \
                if prep is not None else None
            if state is not None and any(c.dep_ in ("amod", "compound") for c in state.children):
                return thing, state
    return None


def acts_on_something(verb: Token) -> bool:
    """A causal verb used with what it acts on ("overwhelmed the database", "led to errors"): its link tells
    it; used alone ("proxy processes starved", "the cluster stalled for 30 minutes") it tells a happening of
    its subject."""
    return any(c.dep_ in ("dobj", "ccomp", "xcomp", "oprd", "prep", "attr", "agent") and not is_adjunct(c)
               for c in verb.children)


def is_adjunct(prep: Token) -> bool:
    """"at 09:12", "for 30 minutes", "during the migration": a preposition that says when or where."""
    return prep.dep_ == "prep" and prep.lower_ in load_cues()["adjunct_preps"]


def is_agent(subj: Token) -> bool:
    """A subject that is people acting: "engineers", "the on-call team", "we", a person the model names."""
    return subj.ent_type_ == "PERSON" or subj.lemma_.lower() in load_cues()["agent_nouns"] \
        or subj.lower_ in load_cues()["agent_nouns"]


def _describes(verb: Token) -> bool:
    """A relative clause that says what its noun is or does, not what happened: a verb of holding in any tense
    ("a database that held login credentials", ``describing_verbs``), any verb in the simple present ("the
    identity service, which hashes each password with bcrypt"), unless it names trouble ("which returns
    errors") or is denied."""
    lemma = verb.lemma_.lower()
    present = verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children) \
        and not event_kind_known([lemma, *(c.lower_ for c in verb.children if c.dep_ in ("dobj", "prt"))])
    return verb.dep_ == "relcl" and (lemma in load_cues()["describing_verbs"] or present) \
        and not any(c.dep_ == "neg" or c.dep_ == "aux" and c.lower_ in ("could", "can", "ca") for c in verb.children)


def _done_to(verb: Token) -> bool:
    """"a leap second was added", "the flag was set": in the passive, a verb that otherwise reports or links
    ("added", "set") tells what was done to its subject; "it was reported that ..." still only reports."""
    subj = next((partitive_head(c) for c in verb.children if c.dep_ == "nsubjpass"), None)
    return subj is not None and subj.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "auxpass" for c in verb.children) \
        and not any(c.dep_ == "ccomp" for c in verb.children) \
        and verb.lemma_.lower() not in load_cues()["reporting_verbs"]


def _cannot(verb: Token, modals: tuple[str, ...] = ("could", "can", "ca")) -> bool:
    """"users could not post comments", "the leader couldn't write": an inability is trouble whatever the verb;
    "couldn't issue credentials or look up metadata": a bare verb joined to one shares its "could not"."""
    if verb.dep_ == "conj" and verb.tag_ == "VB" and verb.head.pos_ in ("VERB", "AUX") \
            and not any(c.dep_ in ("aux", "nsubj", "nsubjpass", "neg") for c in verb.children):
        verb = verb.head
    return any(a.lower_ in modals for a in verb.children if a.dep_ == "aux") and (
        any(c.dep_ == "neg" for c in verb.children) or any(_no_longer(c) for c in verb.children))


def _experienced_by(noun: Token, comp_at: dict[int, ComponentRef]) -> list[str]:
    """Who a light verb says met the trouble, when they are people rather than a system: "visitors got
    502s" -> ["visitor"] (a system's name is the event's component instead)."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() not in load_cues()["light_verbs"]:
        return []
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ != "NOUN" or any(t.i in comp_at for t in subj.subtree):
        return []
    return [_head_word(subj)]


def clauses_last_first(sent: Span) -> list[Token]:
    """The heads of a sentence's main clause and the clauses joined to it, the last first: how the sentence
    ended comes first ("The release changed the format, and cache keys no longer matched")."""
    joined = (t for t in sent if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t.head.pos_ in ("VERB", "AUX"))
    return sorted([sent.root, *joined], key=lambda t: -t.i)


def _told_to_nobody(verb: Token) -> bool:
    """"No one was told", "nobody noticed": a verb of telling or noticing whose subject is nobody tells what
    failed to happen, where the same verb said of someone tells nothing."""
    if verb.lemma_.lower() not in load_cues()["heeding_verbs"]:
        return False
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subj is not None and (subj.lower_ in load_cues()["negative_subjects"] or _denied(subj))


def _denied(noun: Token) -> bool:
    """True if ``noun`` is denied by its determiner: "no WAL archiving", "No alert"."""
    return any(t.dep_ == "det" and t.lower_ == "no" for c in noun.lefts for t in c.subtree)


def _entered_state(verb: Token) -> Token | None:
    """What a verb of entering says its subject went into ("fell into a crash loop", "went into panic
    mode"), or None."""
    if verb.lemma_.lower() not in load_cues()["entering_verbs"]:
        return None
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "into"), None)
    return next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None) \
        if prep is not None else None


def _switch_particle(verb: Token) -> Token | None:
    """The "on"/"off" right after a switching verb that the parser took for a preposition ("switched on
    Power Peg", "turned off the rules"), or None."""
    if verb.lemma_.lower() not in load_cues()["switch_verbs"]:
        return None
    return next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "off") and c.i == verb.i + 1
                 and any(g.dep_ == "pobj" for g in c.children)), None)


def _phrasal(verb: Token) -> bool:
    """"went away", "fell over", "gave up": a particle makes a verb that tells nothing alone tell a happening."""
    return any((c.dep_ == "prt" or c.dep_ == "advmod" and c.lower_ in load_cues()["verb_particles"])
               and f"{verb.lemma_.lower()} {c.lower_}" not in load_cues()["reporting_phrasals"] for c in verb.children)


def _no_longer(tok: Token) -> bool:
    """"could no longer pass requests": the ability ended, a negation of the verb."""
    return tok.lower_ == "longer" and any(c.lower_ == "no" for c in tok.children)


def in_question(tok: Token) -> bool:
    """True if ``tok``'s sentence is a question. The doc's questions are found once (``Token.sent`` and
    ``Span.text`` cost the sentence's length, so asking per token is quadratic on a long sentence)."""
    doc = tok.doc
    asked = doc.user_data.get("questions")
    if asked is None:
        asked = bytearray(len(doc))
        for sent in doc.sents:
            last = next((t for t in reversed(sent) if not (t.is_space or t.text in ("\"", "”", "’", "'"))), None)
            if last is not None and last.text.endswith("?"):
                asked[sent.start:sent.end] = b"\x01" * len(sent)
        doc.user_data["questions"] = asked
    return bool(asked[tok.i])


def _has_subject(verb: Token) -> bool:
    """A clause that tells a happening has a subject, or hangs on a noun or clause that supplies one."""
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in verb.children) or verb.dep_ in (
        "relcl", "acl", "xcomp", "advcl", "conj", "pcomp", "ccomp") or verb.tag_ in ("VBD", "VBN", "VBG")


def _blocked_verb(adjective: Token) -> Token | None:
    """"unable to change": the verb an inability adjective blocks."""
    if adjective.lemma_.lower() not in load_cues()["inability_adjectives"]:
        return None
    return next((c for c in adjective.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)


def _blocked_by(verb: Token) -> bool:
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in load_cues()["inability_adjectives"]


def _is_reference(tok: Token) -> bool:
    if tok.lower_ in REFERENCE_PRONOUNS and tok.pos_ in ("PRON", "DET"):
        return True
    dets = [c.lower_ for c in tok.children if c.dep_ == "det"]
    return tok.pos_ == "NOUN" and tok.lemma_.lower() in load_cues()["anaphor_nouns"] and bool(dets) \
        and all(c.dep_ in ("det", "punct") for c in tok.children)


def _acts_on_a_thing(verb: Token) -> bool:
    """"we added capacity", "adding read replicas", "an engineer took a snapshot": a verb that elsewhere only
    reports or links (``object_actions``) tells an action when it acts on a thing and reports no clause;
    so does a network announcing routes ("announced thousands of prefixes", ``routing_announcements``)."""
    cues = load_cues()
    lemma = verb.lemma_.lower()
    routing = cues["routing_announcements"]
    first_object = min((c.i for c in verb.children if c.dep_ == "dobj"), default=len(verb.doc))
    # a clause after the object is a relative clause the small model misread ("prefixes it did not own")
    return (lemma in cues["object_actions"] or lemma in routing["verbs"]) and not any(
        c.dep_ in ("ccomp", "xcomp") and c.i < first_object for c in verb.children) and any(
        c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and not c.ent_type_ in ("DATE", "TIME")
        and (lemma not in routing["verbs"] or partitive_head(c).lemma_.lower() in routing["objects"])
        for c in verb.children)


def _goes_on(verb: Token) -> bool:
    """"kept running", "continued retrying": a past verb of going on with the verb it keeps going."""
    return verb.pos_ == "VERB" and verb.lemma_.lower() in load_cues()["continuing_verbs"] and _tells_past(verb) \
        and any(c.dep_ == "xcomp" and c.tag_ == "VBG" for c in verb.children) and _has_own_or_shared_subject(verb)


def working_again(verb: Token) -> Token | None:
    """The word of working order a clause says came back ("logins worked *again*", "the site was *reachable*
    again", "facebook.com is *resolving* again"), else None. Only words of `working_words`: "errors rose
    again" is no recovery."""
    if not any(c.dep_ == "advmod" and c.lower_ == "again" for c in verb.children):
        return None
    words = set(load_cues()["working_words"])
    if verb.lemma_.lower() in words:
        return verb
    return next((c for c in verb.children if c.dep_ in ("acomp", "advmod") and c.lemma_.lower() in words), None)


def introduces_a_happening(verb: Token) -> bool:
    """True for a verb whose infinitive or gerund complement tells what happened: an aspectual verb ("started
    to time out"), a past obligation ("had to restart it", "were forced to roll back") or decision ("chose to
    restore", "spent hours restoring"); a present one ("we need to add alerts") is a plan."""
    cues = load_cues()
    lemma = verb.lemma_.lower()
    if lemma in cues["aspectual_verbs"]:
        return True
    past = verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ == "VBD"
                                                            for c in verb.children)
    return (lemma in cues["obligation_verbs"] or lemma in cues["decision_verbs"]) and past


def main_verb(verb: Token) -> Token:
    """"started to drop packets", "began failing", "had to restart": the verb the introducing verb introduces."""
    for _ in range(3):
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if xcomp is None or not introduces_a_happening(verb):
            return verb
        verb = xcomp
    return verb


def _noun_words(head: Token, comp_at: dict[int, ComponentRef]) -> list[str]:
    """Readable words of a noun phrase: what an of/in phrase names, the modifiers, the head (singular)."""
    head = partitive_head(head)
    drop = stop_words()
    before: list[str] = []
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "in", "on", "to", "for")):
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        # "exhaustion of the pool" -> "pool exhaustion"; "a bug in the sync worker" -> "sync worker bug";
        # "a regex on a hot path" stays as it is: the path is where, not what
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") and (
                prep.lower_ == "of" or pobj.i in comp_at or prep.lower_ == "in" and _is_trouble_noun(head)):
            before = _modifier_words(pobj, drop) + [_head_word(pobj)]
            break
    mods = _modifier_words(head, drop)
    own = [] if head.pos_ in ("PRON", "SCONJ", "ADP", "DET", "CCONJ") else [_head_word(head)]  # "that" misread
    return [w for w in before + mods + own if w]


def _is_trouble_noun(tok: Token) -> bool:
    """"a fault in the switchgear", "a spike in traffic": a noun of trouble, which the "in" phrase says is of
    that thing ("switchgear fault", "traffic spike")."""
    kinds = load_event_kinds()
    return (kinds.get(tok.lemma_.lower()) or kinds.get(tok.lower_)) in ("failure", "condition")


def _modifier_words(tok: Token, drop: frozenset[str]) -> list[str]:
    return [t.text if t.pos_ == "PROPN" or t.text.isupper() else t.lower_
            for c in tok.lefts if c.dep_ in MODIFIERS for t in c.subtree
            if (t.is_alpha or t.like_num and len(t.text) == 3) and t.lower_ not in drop and t.pos_ not in ("DET", "PRON")
            and not _grades(t, drop) and not is_clock_word(t) and t.lower_ not in CALENDAR_WORDS]


def _grades(tok: Token, drop: frozenset[str]) -> bool:
    """"far" in "far more memory", "much" in "much larger queue": a degree word on a comparison or a dropped
    modifier says how much, not which thing."""
    return tok.dep_ == "advmod" and (tok.head.tag_ in ("JJR", "RBR", "JJS") or tok.head.lower_ in drop)


def _head_word(tok: Token) -> str:
    """The head as a label word: names as written, plural nouns singular ("retries" -> "retry")."""
    if tok.pos_ == "PROPN" or tok.text.isupper():
        return tok.text
    return tok.lower_ if tok.tag_ != "NNS" else label_word(tok)


def _specific(modifiers: list[str]) -> bool:
    """A noun phrase's modifiers say which thing ("quadratic regex") or there are none ("the upgrade"); only
    vague ones ("a system change") make it no particular event."""
    return not modifiers or _has_content(modifiers)


def _has_content(words: list[str]) -> bool:
    vague = set(load_cues()["vague_qualifiers"]) | stop_words()
    return any(w.lower() not in vague for w in words)


def _depth(tok: Token) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 50:
        tok, depth = tok.head, depth + 1
    return depth
