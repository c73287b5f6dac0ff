"""Explicit assertions in an article: root cause, not the root cause, first symptom, unexplained, questions, times.

``extract_claims(doc)`` reads a parsed spaCy ``Doc`` sentence by sentence: the phrases come from
``lexicon/claims.json``, the dependency parse says what each phrase is about ("The root cause was X":
X is the copula's attribute; "X was the first symptom, not the root cause": X is the subject).

Claim ``value`` formats (what ``ingest.claims.contradictions`` compares):

* ``started_at`` / ``ended_at`` / ``time``: ISO UTC ``2025-10-20T06:48:00Z``, optionally followed by
  ``;local=2025-10-19T23:48 PDT`` (the wall clock as written) or, for a conversion the text gives in
  parentheses, ``;converts=2025-10-19T23:48 PDT`` (the local time it restates);
* ``date``: ``YYYY-MM-DD``, optionally ``;weekday=Monday`` when the text names the weekday of that date;
* ``duration``: whole minutes as an int string (``"840"``);
* other kinds: None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.schema import CLAIM_KINDS
from ingest.lexicon import load_claim_phrases, load_cues, load_event_kinds
from ingest.timing.times import TimeContext, TimeExpression, extract_times

LEXICON = load_claim_phrases()
_PRONOUNS = frozenset({"it", "this", "that", "they", "which"})
_CUT_PUNCT = frozenset({",", ";", "(", ")", "—", "–", ":", "!", "?", "[", "]"})
_CAUSE_WORDS = frozenset(LEXICON["origin_lemmas"]) | frozenset(LEXICON["incident_cause_lemmas"])
# words that can open a claim of what caused the incident, beyond the cause words themselves
_ORIGIN_WORDS = _CAUSE_WORDS | frozenset(LEXICON["onset_lemmas"]) | frozenset(LEXICON["core_nouns"]) \
    | frozenset(LEXICON["pointing_lemmas"]) | frozenset(LEXICON["behind_words"])
_BLAME_WORDS = frozenset(LEXICON["attribution_lemmas"])
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class ClaimRecord:
    """One explicit assertion: its kind, the sentence as written, a normalised value and what it is about."""

    kind: str
    text: str
    value: str | None
    start: int
    end: int
    about_text: str
    polarity: bool = True

    def __post_init__(self) -> None:
        if self.kind not in CLAIM_KINDS:
            raise ValueError(f"unknown claim kind {self.kind!r}; use one of {', '.join(CLAIM_KINDS)}")


def iso_utc(moment: Any) -> str:
    """Return an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- phrases from the parse


def phrase(token: Any, *, alone: bool = False) -> str:
    """Return the noun phrase headed by ``token``, without relative clauses or text after a comma/bracket;
    ``alone`` also leaves out the phrases joined to it ("a stale cache entry" of "a stale cache entry and an
    expired certificate")."""
    words = list(token.subtree)
    if alone:
        joined = [c.left_edge.i if c.dep_ == "conj" else c.i for c in token.children
                  if c.i > token.i and c.dep_ in ("cc", "conj")]
        words = [w for w in words if not joined or w.i < min(joined)]
    # a parse can run across a heading or list item: keep the phrase on the head's own line
    breaks = [i for i, w in enumerate(words) if w.is_space and "\n" in w.text or "\n" in w.whitespace_]
    before = [i for i in breaks if words[i].i < token.i]
    after = [i for i in breaks if words[i].i >= token.i]
    words = words[(before[-1] + 1 if before else 0):(after[0] + 1 if after else len(words))]
    end = len(words)
    for i, word in enumerate(words):
        if word.i > token.i and (word.dep_ == "relcl" or word.text in _CUT_PUNCT):
            cut = word.left_edge.i if word.dep_ == "relcl" else word.i
            end = min(end, max(0, cut - words[0].i))
            break
    span = token.doc[words[0].i: words[0].i + end]
    return span.text.strip(" \"'“”‘’")


def _child(token: Any, *deps: str) -> Any | None:
    return next((c for c in token.children if c.dep_ in deps), None) if token is not None else None


def copula_of(subject: Any) -> Any:
    """The verb that says what ``subject`` is: its head, or the "be" the head turned out or seems to be ("the
    culprit turned out to be X", "the cause proved to be X", "the root cause appears to be X", "the cause is
    believed to be X": ``seeming_lemmas``)."""
    verb = subject.head
    if subject.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in LEXICON["seeming_lemmas"]:
        return next((c for c in verb.children if c.dep_ == "xcomp" and c.lemma_ == "be"), verb)
    return verb


def what_it_is(copula: Any, subject: Any) -> Any | None:
    """What "<subject> was ..." says the subject is: the attribute, else the adjective, else a clause after it
    ("the real fault was a quadratic regex"; in "The consensus was that ...; the real fault was X" the clause
    before the subject is not it)."""
    return next((c for dep in ("attr", "acomp", "ccomp") for c in copula.children
                 if c.dep_ == dep and (dep != "ccomp" or c.i > subject.i)), None)


def named_items(named: Any) -> list[Any]:
    """The things a named cause lists, else the named thing itself: the items of "a combination of A and B"
    (a ``listing_nouns`` word) and of "two issues in our cluster: A, and B" (a colon or dash before them).

    >>> from ingest.language.pipeline import build_nlp
    >>> doc = build_nlp()("The root cause was a combination of a stale cache entry and an expired certificate.")
    >>> [t.text for t in named_items(doc[5])]
    ['entry', 'certificate']
    """
    if named.lemma_.lower() in LEXICON["listing_nouns"]:
        item = _child(next((c for c in named.children if c.dep_ == "prep" and c.lower_ == "of"), None), "pobj")
        if item is not None:
            return [item, *item.conjuncts]
    item = next((c for c in named.children if c.dep_ == "appos" and c.i > named.i
                 and named.doc[c.left_edge.i - 1].text in (":", "—", "–")), None)
    return [item, *item.conjuncts] if item is not None else [named]


def named_instead(denied: Any) -> Any | None:
    """B of a denied "not A but B" ("the root cause was not the spike but an expired certificate"), given A."""
    if not any(c.dep_ == "cc" and c.lower_ == "but" for c in denied.children):
        return None
    return next((c for c in denied.children if c.dep_ == "conj" and c.i > denied.i), None)


def asserted_agent(verb: Any) -> Any | None:
    """The "by" phrase passive ``verb`` asserts: its agent, or Y's of "caused not by X but by Y" and of "not
    caused by X but by Y"; None when the text denies it ("was not caused by an attack")."""
    agent = _child(verb, "agent")
    if agent is None or not (_is_negated(verb) or _is_negated(agent)):
        return agent
    instead = named_instead(agent)
    return instead if instead is not None and instead.lower_ == "by" else None


def _is_negated(token: Any) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _denied_by_speaker(verb: Any) -> bool:
    """"I don't think X is the root cause", "we do not believe that X caused it": a negated verb the clause
    is the complement of denies it."""
    node = verb
    while node.dep_ == "ccomp" and node.head is not node:
        node = node.head
        if _is_negated(node):
            return True
    return False


def _negated_phrase(head: Any, length: int) -> bool:
    """Whether "not"/"n't"/"never" stands just before the phrase ending at ``head`` ("not the root cause")."""
    first = head.i - length + 1
    window = head.doc[max(head.sent.start, first - 3):first]
    return (any(c.dep_ == "neg" and c.i < first for c in head.children)
            or any(t.lower_ in ("not", "n't", "never") for t in window))


def _subject(verb: Any, previous_about: str | None) -> str | None:
    """The subject phrase of ``verb``; a pronoun resolves to the subject of the clause it is joined to."""
    subj = _child(verb, "nsubj", "nsubjpass")
    if subj is None:
        return None
    if subj.lower_ in _PRONOUNS:
        if verb.dep_ == "conj" and (first := _child(verb.head, "nsubj", "nsubjpass")) is not None:
            return phrase(first)
        return previous_about
    return phrase(subj)


def phrase_heads(sent: Any, phrases: list[str]) -> list[Any]:
    """(last token, length in tokens) of each occurrence of one of ``phrases`` in ``sent`` (longest phrase first)."""
    text = sent.text.lower()
    heads: list[tuple[Any, int]] = []
    for ph in sorted(phrases, key=len, reverse=True):
        if ph not in text:  # a plain substring test rules out most phrases before any regex runs
            continue
        for m in re.finditer(rf"\b{re.escape(ph)}\b", text):
            span = sent.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and all(span[-1] != h for h, _ in heads):
                heads.append((span[-1], len(span)))
    return heads


def segments(doc: Any) -> list[Any]:
    """The doc's sentences, split again at line breaks: headings and list items are not part of the next line."""
    out = []
    for sent in doc.sents:
        begin = sent.start
        for token in sent:
            if "\n" in token.text and token.is_space:
                if token.i > begin:
                    out.append(doc[begin:token.i])
                begin = token.i + 1
            elif "\n" in token.whitespace_ and token.i + 1 > begin:
                out.append(doc[begin:token.i + 1])
                begin = token.i + 1
        if sent.end > begin:
            out.append(doc[begin:sent.end])
    return out


# ---------------------------------------------------------------- claim finders


def _role_claims(sent: Any, phrases: list[str], kind: str, state: dict) -> list[ClaimRecord]:
    """Claims of the form "X was <phrase>", "<phrase> was X", "X was ..., not <phrase>", "attribute <phrase> to X"."""
    out = []
    for head, length in phrase_heads(sent, phrases):
        while head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ == "NOUN":
            head = head.head.head  # "the root of the problem": the phrase stands where "root" stands
        verb, negated, about = copula_of(head), _negated_phrase(head, length), None
        start, more = sent.start_char, []
        if head.dep_ in ("nsubj", "nsubjpass") and verb.lemma_ == "be":
            target = what_it_is(verb, head)  # "the real failure is that the backups broke"
            negated = negated or _is_negated(verb)
            items = [target] if target is None or negated else named_items(target)
            about = phrase(items[0], alone=len(items) > 1) if items[0] is not None else None
            more = [phrase(t, alone=True) for t in items[1:]]  # "a combination of A and B": B as well
            instead = named_instead(target) if negated and target is not None and kind == "root_cause" else None
            if instead is not None:  # "the root cause was not one bad script but a process that ..."
                about = phrase(target, alone=True)
                out.append(ClaimRecord("root_cause", sent.text, None, start, sent.end_char, phrase(instead), True))
        elif head.dep_ in ("attr", "acomp") or head.dep_ in ("xcomp", "advcl") and verb.lemma_ == "be":
            # "X was the root cause", "X was to blame"
            about, negated = _subject(verb, state.get("about")), negated or _is_negated(verb)
            before = _previous_sentence(sent) if about is None and _pronoun_subject(verb) else None
            if before is not None:  # "That's the root of it": what the sentence before told
                about, start = before.text, before.start_char
        elif head.dep_ in ("appos", "conj") and negated:  # "X was the first symptom, not the root cause"
            main = verb.head if verb.dep_ in ("attr", "acomp", "dobj") else verb
            about = _subject(main, state.get("about"))
        elif head.dep_ == "dobj" and verb.lemma_ in LEXICON["attribution_lemmas"]:
            about = _attributed(verb)
            if about:
                out.extend(_unexplained_attribution(sent, verb, about))
            if _is_hypothetical(verb):  # "you can also attribute the root cause to X": an option, not a claim
                continue
        if not about:
            continue
        negated = negated or _denied_by_speaker(verb)
        # a denial says X is not the root cause; "X was not the trigger" says nothing of the root cause
        claim_kind = kind if not negated else ("not_root_cause" if kind == "root_cause" else None)
        if claim_kind:
            out += [ClaimRecord(claim_kind, sent.text, None, start, sent.end_char, a, not negated)
                    for a in (about, *more)]
            state["about"] = about
        instead = _instead(sent, verb) if negated and kind == "root_cause" and head.dep_ in ("nsubj", "nsubjpass") \
            else None
        if instead is not None:  # "the real issue wasn't the traffic spike, it was a single point of failure"
            out.append(ClaimRecord("root_cause", sent.text, None, start, sent.end_char, instead, True))
    return out


def _instead(sent: Any, denied: Any) -> str | None:
    """What "it was X" after a denied "the real issue wasn't Y" names instead, in the same sentence."""
    for verb in sent:
        if verb.i <= denied.i or verb.lemma_ != "be" or _is_negated(verb):
            continue
        subj = _child(verb, "nsubj")
        attr = _child(verb, "attr")
        if subj is not None and subj.lower_ in ("it", "that", "this") and attr is not None:
            return phrase(attr)
    return None


def _pronoun_subject(verb: Any) -> bool:
    subj = _child(verb, "nsubj", "nsubjpass")
    return subj is not None and subj.lower_ in ("this", "that", "it")


def _previous_sentence(sent: Any) -> Any | None:
    return sent.doc[sent.start - 1].sent if sent.start > 0 else None


def _is_hypothetical(verb: Any) -> bool:
    """Whether a modal (can, could, might, may) governs ``verb``: in its clause, or a few words before it.

    The window is there because the small model often attaches a coordinated verb to the wrong head.
    """
    window = verb.doc[max(0, verb.i - 12):verb.i]
    start = max((t.i + 1 for t in window if t.text in (".", "!", ";")), default=window.start)
    return any(t.dep_ == "aux" and t.lemma_ in ("can", "could", "might", "may") for t in verb.doc[start:verb.i])


def _attributed(verb: Any) -> str | None:
    """X in "attribute the root cause to X"; "to whatever caused X" gives X."""
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    if prep is None:
        return None
    clause = _child(prep, "pcomp")
    if clause is not None and (obj := _child(clause, "dobj", "attr")) is not None:
        return phrase(obj)
    obj = _child(prep, "pobj")
    return phrase(obj) if obj is not None else None


def _unexplained_attribution(sent: Any, verb: Any, about: str) -> list[ClaimRecord]:
    """"..., but it wasn't explained": the attributed cause is unexplained."""
    for token in sent:
        if token.lemma_ in LEXICON["unexplained_lemmas"] and _is_negated(token) and token.i > verb.i:
            return [ClaimRecord("unexplained", sent.text, None, sent.start_char, sent.end_char, about, True)]
    return []


def first_noticed(sent: Any) -> list[Any]:
    """The heads of what a sentence says was noticed first: "Customers first noticed elevated error rates",
    "Monitoring first saw timeouts", "the outage started with a spike in errors" (how it began to show), "the
    first reports of failed card payments came in at 09:12". What was first noticed is the first symptom."""
    out = []
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma in LEXICON["noticing_lemmas"] and any(c.lower_ in ("first", "initially") and c.dep_ == "advmod"
                                                       for c in token.children):
            out += [obj] if (obj := _child(token, "dobj", "ccomp")) is not None else []
        elif lemma in LEXICON["onset_lemmas"] and (_is_the_incident(subj := _child(token, "nsubj"))
                                                   or subj is not None and subj.lower_ == "it"):
            began = _origin(token, [p for p in LEXICON["onset_lemmas"][lemma] if p != "when"])
            out += [began] if began is not None and _tells_a_symptom(began) else []
        elif lemma in LEXICON["report_nouns"] and any(c.dep_ == "amod" and c.lower_ in ("first", "initial", "earliest")
                                                      for c in token.children):
            told = _child(next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "about")),
                               None), "pobj")  # "the first reports of failed card payments"
            out += [told] if told is not None else []
    return out


def _first_noticed_claims(sent: Any) -> list[ClaimRecord]:
    return [ClaimRecord("first_symptom", sent.text, None, sent.start_char, sent.end_char, phrase(obj), True)
            for obj in first_noticed(sent)]


def _is_the_incident(noun: Any) -> bool:
    """"the outage", "Tuesday's outage", "the AWS incident": a noun for the incident as a whole, not a part
    of it ("the database failure", "the latency problem": a common noun before it makes it one thing among many)."""
    if noun is None or noun.lemma_.lower() not in LEXICON["incident_lemmas"] or _is_negated(noun):
        return False
    return not any(c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ", "VERB")
                   and c.lower_ not in load_cues()["drop_modifiers"] for c in noun.children)


def origin_causes(sent: Any) -> list[Any]:
    """The heads of what the text says caused the incident as a whole (its root cause): "the issue stemmed
    from X", "the outage was traced to X", "engineers traced the problem back to X", "the team identified the
    issue as X", "the outage was caused by X", "X triggered the incident", "X led to the outage", "X was
    responsible for the disruption"."""
    out = []
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma in LEXICON["plain_cause_nouns"]:
            out.extend(_plainly_named(token))
            continue
        if (what := _what_caused(token)) is not None:
            out.append(what)
            continue
        if lemma not in _ORIGIN_WORDS and lemma not in _BLAME_WORDS \
                or _is_negated(token) and asserted_agent(token) is None:
            continue  # most tokens: skip the walk over their children
        if lemma in _BLAME_WORDS:
            out.extend(_blamed(token))
            continue
        cause = None
        preps = LEXICON["origin_lemmas"].get(lemma) or LEXICON["onset_lemmas"].get(lemma)
        subj = _child(token, "nsubj", "nsubjpass")
        if subj is None and token.dep_ == "acomp":
            subj = _child(token.head, "nsubj")  # "X was responsible for the outage"
        if lemma in LEXICON["core_nouns"] or lemma in LEXICON["behind_words"]:
            cause = _at_the_core(token)
        elif lemma in LEXICON["pointing_lemmas"]:
            cause = _pointed_to(token)
        elif preps and (_is_the_incident(subj) or _is_it_all(subj) or _is_the_incident(_child(token, "dobj"))
                        or _is_the_cause(_child(token, "dobj"))):
            cause = _origin(token, preps)
            if cause is not None and lemma in LEXICON["onset_lemmas"] and (
                    not _tells_a_happening(cause) or _tells_a_symptom(cause)):
                cause = None  # "started with a handful of customers", "with a spike in errors": how it showed
        elif lemma in LEXICON["incident_cause_lemmas"] and _is_the_incident(_child(token, "nsubjpass")):
            cause = _child(asserted_agent(token) or token, "pobj")  # "the outage was caused by X"
        elif lemma in LEXICON["incident_cause_lemmas"] and subj is not None:
            told = _child(token, "dobj")  # "X caused the outage"; "X led to the outage", "X responsible for it"
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("to", "in", "for")):
                told = told if told is not None else _child(prep, "pobj")
            alone = told is None and lemma == "responsible"  # "a spokesperson said X was responsible"
            cause = subj if (_is_the_incident(told) or alone) and subj.lower_ not in _PRONOUNS else None
        if cause is not None:
            out.append(cause)
    return out


def _what_caused(verb: Any) -> Any | None:
    """X of "What caused the outage was X", "What went wrong was X" (and "What caused it was X", which the
    parser hangs the other way round)."""
    subj = _child(verb, "nsubj")
    if subj is None or subj.lower_ != "what" or subj.tag_ != "WP" or _is_negated(verb):
        return None
    lemma = verb.lemma_.lower()
    # what it caused: the incident, "it", or nothing said ("what went wrong"); the parser may hang it on "was"
    told = _child(verb, "dobj") or (_child(verb.head, "nsubj") if verb.dep_ == "csubj" else None)
    if lemma not in LEXICON["incident_cause_lemmas"] and not (
            lemma == "go" and any(c.lower_ == "wrong" for c in verb.children)) \
            or told is not None and not _is_the_incident(told) and told.lower_ not in ("it", "this"):
        return None
    be = verb.head if verb.dep_ == "csubj" else next(
        (c for c in verb.children if c.dep_ == "ccomp" and c.lemma_ == "be"), None)
    return _child(be, "attr") if be is not None and be.lemma_ == "be" and not _is_negated(be) else None


def _plainly_named(noun: Any) -> list[Any]:
    """"The problem was a faulty migration", "the issue was that the cache expired", "X was at fault": what
    a plain word for the trouble is said to be, when that names a happening or a flawed thing and not how the
    trouble showed ("the problem was slow logins" names a symptom)."""
    verb = copula_of(noun)  # "the issue seems to be X" as "the issue was X"
    if noun.lower_ == "fault" and verb.lower_ == "at" and verb.dep_ == "prep":  # "X was at fault"
        be = verb.head
        subj = _child(be, "nsubj")
        named = [subj] if be.lemma_ == "be" and subj is not None and subj.lower_ not in _PRONOUNS else []
    elif noun.dep_ in ("nsubj", "nsubjpass") and verb.lemma_ == "be" and _child(noun, "det") is not None \
            and _child(noun, "det").lower_ == "the" and (target := what_it_is(verb, noun)) is not None:
        named = named_items(target) if target.pos_ in ("NOUN", "PROPN") else [target] if target.dep_ == "ccomp" else []
    else:
        return []
    if _is_negated(verb) or _denied_by_speaker(verb):
        return []
    return [n for n in named if n.dep_ == "ccomp" or n.pos_ in ("NOUN", "PROPN")
            and _tells_a_happening(n, ("action", "failure", "condition")) and not _tells_a_symptom(n)]


def _origin(verb: Any, preps: list[str]) -> Any | None:
    """What the preposition of an origin verb names: "stemmed from X", "traced the outage back to X" (the "to"
    hangs on "back"), "it all came down to X" (an entry "down to" wants the particle)."""
    particles = [c for c in verb.children if c.dep_ in ("advmod", "prt") and c.lower_ in ("back", "down")]
    for entry in preps:
        *wanted, word = entry.split()
        if wanted and not any(p.lower_ in wanted for p in particles):
            continue
        if word == "when":  # "the trouble began when a disk filled up": the clause's own verb
            clause = next((c for c in verb.children if c.dep_ == "advcl" and any(
                m.dep_ in ("advmod", "mark") and m.lower_ == "when" for m in c.children)), None)
            if clause is not None and clause.pos_ == "NOUN":  # "when a disk filled up", misread as a noun
                clause = _child(clause, "acl", "relcl") or clause
            if clause is not None:
                return clause
            continue
        told = [c for c in verb.children if c.dep_ == "dobj"]  # "traced the failure to X", "to" hung on the noun
        prep = next((c for h in (verb, *particles, *told) for c in h.children if c.dep_ == "prep" and c.lower_ == word),
                    None)
        if _child(prep, "pobj") is not None:
            return _child(prep, "pobj")
    return None


def _is_the_cause(noun: Any) -> bool:
    """"We have identified the cause as X", "traced the root cause to X": the cause itself, found."""
    return noun is not None and noun.lemma_.lower() in load_cues()["reason_nouns"] and not _is_negated(noun)


def _is_it_all(noun: Any) -> bool:
    """"It all came down to X": "it all" is the whole story."""
    return noun is not None and noun.lower_ == "it" and any(c.lower_ == "all" for c in noun.children)


def _at_the_core(word: Any) -> Any | None:
    """"At the heart of the outage was X" (a core noun) and "X was behind the disruption": X, when what it is
    at the heart of or behind is the incident as a whole."""
    if word.lemma_.lower() in LEXICON["core_nouns"]:
        at, of = word.head, _child(_child(word, "prep"), "pobj")
        if word.dep_ != "pobj" or at.lower_ not in ("at", "in") or at.head.lemma_ != "be" or not _is_the_incident(of):
            return None
        return _child(at.head, "nsubj", "attr")
    verb = word.head  # "behind"
    if word.dep_ != "prep" or verb.lemma_ != "be" or not _is_the_incident(_child(word, "pobj")):
        return None
    subject = _child(verb, "nsubj")
    return subject if subject is not None and subject.lower_ not in _PRONOUNS else None


def _pointed_to(verb: Any) -> Any | None:
    """"Investigators pointed to a faulty network switch": people pointing to something wrong (an event word,
    or a thing with a flaw) name the root cause; "he pointed to the dashboard" names nothing wrong."""
    if _child(verb, "dobj") is not None or _is_hypothetical(verb):
        return None
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in LEXICON["pointing_lemmas"][
        verb.lemma_.lower()]), None)
    told = _child(prep, "pobj") if prep is not None else None
    return told if told is not None and _tells_a_happening(told, ("failure", "condition")) \
        and not _tells_a_symptom(told) else None  # "analysts pointed to a spike in errors": how it showed


def _tells_a_symptom(word: Any) -> bool:
    """"login errors", "a spike in errors": what the trouble looked like, not what caused it."""
    kinds = load_event_kinds()
    said = [word, *(g for c in word.children if c.dep_ == "prep" and c.lower_ in ("in", "of") for g in c.children
                    if g.dep_ == "pobj")]
    return any(kinds.get(w.lemma_.lower()) == "symptom" or kinds.get(w.lower_) == "symptom" for w in said)


def _tells_a_happening(word: Any, kinds_wanted: tuple[str, ...] = ("action", "failure", "condition", "symptom")) \
        -> bool:
    """A clause, or a noun whose own word names a happening of ``kinds_wanted`` ("a configuration change", "a
    bug"), or that a flaw qualifies ("a faulty switch", "an expired certificate")."""
    if word.pos_ in ("VERB", "AUX"):
        return True
    kinds = load_event_kinds()
    return kinds.get(word.lemma_.lower()) in kinds_wanted or any(
        kinds.get(c.lower_) == "condition" for c in word.children if c.dep_ in ("amod", "compound"))


def _blamed(verb: Any) -> list[Any]:
    """"blamed X for the outage", "blamed the outage on X", "the outage was attributed to X": X, when what it
    is blamed for is the incident as a whole. A modal makes it an option ("you could blame X"), not a claim."""
    if _is_hypothetical(verb):
        return []
    preps = {c.lower_: _child(c, "pobj") for c in verb.children if c.dep_ == "prep"}
    told = _child(verb, "dobj", "nsubjpass")
    if _is_the_incident(told) or told is not None and told.lemma_.lower() in ("blame", "responsibility"):
        cause = preps.get("to") or preps.get("on")  # "blamed the outage on X", "pinned the blame on X"
        return [cause] if cause is not None else []
    blamed_for = preps.get("for") or next((_child(c, "pobj") for c in (told.children if told is not None else ())
                                           if c.dep_ == "prep" and c.lower_ == "for"), None)  # parsed under X
    if told is not None and told.dep_ == "dobj" and _is_the_incident(blamed_for) and told.lower_ not in _PRONOUNS:
        return [told]
    if told is not None and told.dep_ == "dobj" and blamed_for is None and not preps and told.pos_ == "NOUN" \
            and _tells_a_happening(told, ("action", "failure", "condition")):
        return [told]  # "the company blamed a faulty migration": for the incident the text is about
    return []


def _origin_claims(sent: Any, state: dict) -> list[ClaimRecord]:
    """A root-cause claim about each of the sentence's :func:`origin_causes`."""
    out = []
    for cause in origin_causes(sent):
        about = phrase(cause)
        out.append(ClaimRecord("root_cause", sent.text, None, sent.start_char, sent.end_char, about, True))
        state["about"] = about
    return out


def _unexplained_claims(sent: Any) -> list[ClaimRecord]:
    """"X took long for some reason": the clause without the marker is what is unexplained."""
    low = sent.text.lower()
    for marker in LEXICON["unexplained_phrases"]:
        pos = low.find(marker)
        if pos >= 0:
            clause = (sent.text[:pos] + sent.text[pos + len(marker):]).strip(" ,.;")
            clause = re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s{2,}", " ", clause))
            return [ClaimRecord("unexplained", sent.text, None, sent.start_char, sent.end_char, clause, True)]
    return []


def _question_claims(sent: Any) -> list[ClaimRecord]:
    """A question the article itself asks (a whole sentence ending in "?")."""
    text = sent.text.strip()
    # a "why?" quoted inside a sentence leaves an odd number of quote marks: not a question of the article's own
    if (not text.rstrip("\"'”)").endswith("?") or len([t for t in sent if t.is_alpha]) < 4
            or (text.count('"') + text.count("“") + text.count("”")) % 2
            or re.search(r"[\"“][^\"“”]{0,20}\?[\"”]$", text)):
        return []
    return [ClaimRecord("question", sent.text, None, sent.start_char, sent.end_char, text.rstrip("?\"'” "), True)]


def _time_in(times: list[TimeExpression], start: int, end: int) -> TimeExpression | None:
    return next((t for t in times if start <= t.start < end and t.kind == "clock" and t.utc and t.pair_of is None),
                None)


def _inside_offset(times: list[TimeExpression], char: int) -> bool:
    return any(t.kind == "offset" and t.start <= char < t.end for t in times)


def _moment_claims(sent: Any, times: list[TimeExpression]) -> list[ClaimRecord]:
    """"The disruption began at T" -> started_at T; "the outage ended at T" -> ended_at T."""
    out = []
    for token in sent:
        kind = ("started_at" if token.lemma_ in LEXICON["start_lemmas"]
                else "ended_at" if token.lemma_ in LEXICON["end_lemmas"] else None)
        if kind is None:  # most tokens: skip the walk over their children
            continue
        subj = _child(token, "nsubj", "nsubjpass")
        if subj is None or subj.lemma_ not in LEXICON["incident_lemmas"]:
            continue
        if _inside_offset(times, token.idx):  # "14 hours after the outage started" is not a start time
            continue
        moment = _time_in(times, token.idx, sent.end_char)
        if moment is not None:
            out.append(ClaimRecord(kind, sent.text, iso_utc(moment.utc), sent.start_char, sent.end_char,
                                   phrase(subj), True))
    return out


def _duration_about(sent: Any, expr: TimeExpression) -> str | None:
    """What a duration measures: the subject of "lasted N", or the incident noun "N-hour-long" modifies."""
    span = sent.doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None:
        return None
    for token in span:
        verb = next((a for a in token.ancestors if a.lemma_ in LEXICON["duration_lemmas"]), None)
        if verb is not None and (subj := _child(verb, "nsubj")) is not None:
            return phrase(subj)
    if "-" in expr.raw:
        following = sent.doc[span.end: min(span.end + 4, sent.end)]
        noun = next((t for t in following if t.lemma_ in LEXICON["incident_lemmas"]), None)
        if noun is not None:
            return sent.doc[span.start: noun.i + 1].text
    return None


def _duration_claims(sent: Any, times: list[TimeExpression]) -> list[ClaimRecord]:
    out = []
    for expr in times:
        if expr.kind == "duration" and sent.start_char <= expr.start < sent.end_char and expr.minutes:
            about = _duration_about(sent, expr)
            if about:
                out.append(ClaimRecord("duration", sent.text, str(expr.minutes), sent.start_char, sent.end_char,
                                       about, True))
    return out


def time_claims(expressions: list[TimeExpression], text: str) -> list[ClaimRecord]:
    """Claims that let sources be compared on dates and clock times (value formats in the module docstring).

    Every resolved clock time gives a ``time`` claim; a conversion the text adds in parentheses gives a
    second one (the text's own UTC, with ``converts=``); a date written with its year, or a weekday the text ties to a date, gives a ``date`` claim.
    Time claims are on the incident's timeline (``TimeContext.incident_year``); date claims keep the year as written.
    """
    out: list[ClaimRecord] = []
    by_start = {e.start: e for e in expressions}
    for expr in expressions:
        if expr.kind == "clock" and expr.utc and expr.pair_of is None:
            pair = next((e for e in expressions if e.pair_of == expr.start), None)
            end = expr.end
            if pair is not None:
                close = text.find(")", pair.end, pair.end + 3)
                end = close + 1 if close >= 0 else pair.end
            out.append(ClaimRecord("time", text[expr.start:end], f"{iso_utc(expr.utc)};local={expr.local}",
                                   expr.start, end, expr.raw, True))
        elif expr.kind == "clock" and expr.utc and (main := by_start.get(expr.pair_of)) is not None:
            out.append(ClaimRecord("time", expr.raw, f"{iso_utc(expr.utc)};converts={main.local}",
                                   expr.start, expr.end, main.raw, True))
        if expr.explicit_year and expr.utc and expr.precision in ("day", "minute", "hour") and expr.local:
            # the year as written, even where TimeContext.incident_year placed the TimePoint in another
            # year: a source that got the year wrong must still disagree with the others
            day = f"{expr.explicit_year:04d}{expr.local[4:10]}"
            suffix = f";weekday={_WEEKDAY_NAMES[expr.weekday]}" if expr.weekday is not None else ""
            out.append(ClaimRecord("date", expr.raw, day + suffix, expr.start, expr.end, expr.raw, True))
    out.extend(_weekday_claims(expressions))
    return out


def _weekday_claims(expressions: list[TimeExpression]) -> list[ClaimRecord]:
    """"Monday ... 20 October": a bare weekday that falls on a date the text writes is a dated statement."""
    out = []
    written = [e for e in expressions if e.kind == "date" and not e.relative and e.precision == "day" and e.utc]
    for expr in expressions:
        if expr.kind != "date" or not expr.relative or expr.utc is None or expr.weekday is None:
            continue  # "yesterday" names no weekday to check
        match = next((d for d in written if d.utc == expr.utc), None)
        if match is not None:
            value = f"{expr.utc.date().isoformat()};weekday={_WEEKDAY_NAMES[expr.weekday]}"
            out.append(ClaimRecord("date", f"{expr.raw} … {match.raw}", value, expr.start, expr.end,
                                   match.raw, True))
    return out


MAX_HEADING_WORDS = 8
_SUBORDINATE = ("advcl", "relcl", "ccomp", "acl", "parataxis", "conj", "cc")


SECTION_SENTENCES = 4


def _tells_trouble(sent: Any) -> bool:
    """Whether a sentence's main clause tells something wrong: it is denied ("the gateways did not scale",
    "nothing cleaned the directory up"), done without something ("changed the format without a migration
    plan") or names a flaw ("the clock is not monotonic", "a stale entry")."""
    root = sent.root
    if "\n" in sent.text.strip() or len(sent.text.split()) <= MAX_HEADING_WORDS or _finds_it_unnamed(root):
        return False
    clauses = [root, *(c for c in root.children if c.dep_ in ("conj", "ccomp"))]
    if any(_is_negated(v) or any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in load_cues()["negative_subjects"]
                                 or c.dep_ == "prep" and c.lower_ == "without" for c in v.children) for v in clauses):
        return True  # "did not scale", "nothing cleaned it up", "changed the key format without a migration plan"
    kinds = load_event_kinds()
    if any(t.pos_ == "ADJ" and kinds.get(t.lower_) == "condition" or t.lemma_.lower() in _CAUSE_WORDS
           for t in sent):
        return True  # "a stale routing table", "the issue stemmed from ..."
    return any(kinds.get(t.lemma_.lower()) == "condition" for v in clauses for c in v.children
               if c.dep_ in ("nsubj", "nsubjpass", "attr", "acomp", "dobj") for t in (c, *c.lefts))


def _finds_it_unnamed(root: Any) -> bool:
    """"We found the trigger afterwards by reading logs": finding the cause without naming it (the object is a
    bare "the trigger", "the cause"), so the section names it in a later sentence."""
    obj = next((c for c in root.children if c.dep_ == "dobj"), None)
    return root.lemma_.lower() in load_cues()["discovery_verbs"] and obj is not None \
        and obj.lemma_.lower() in _CAUSE_WORDS | {"culprit", "problem", "issue", "fault"} \
        and all(c.dep_ == "det" for c in obj.children if c.i < obj.i)


@dataclass
class NamedCause:
    """A sentence whose place in the text names what it tells the root cause, and the head of what it names."""

    sent: Any
    head: Any

    def about(self) -> str:
        """The words naming the cause: a noun's phrase, or a verb's own clause without what hangs off it."""
        if self.head.pos_ in ("NOUN", "PROPN"):
            return phrase(self.head)
        # a lead-in the parser took into the clause ("Trigger: the certificate expired") is not what is named
        colon = max((t.i for t in self.sent if t.text == ":" and t.i < self.head.i), default=-1)
        return " ".join(t.text for t in clause_tokens(self.head) if not t.is_punct and t.dep_ != "mark"
                        and t.i > colon)


def clause_tokens(head: Any) -> list[Any]:
    """``head``'s subtree without the subordinate and joined clauses in it, in text order."""
    skip = {t.i for c in head.subtree if c.dep_ in _SUBORDINATE and c.i != head.i for t in c.subtree}
    return [t for t in head.subtree if t.i not in skip]


def named_causes(doc: Any) -> list[NamedCause]:
    """Where the layout of the text, not a verb, names the root cause:

    - a lead-in ("Root cause: the renewal job had been failing ..."): what follows its colon;
    - an answer ("What caused it? A typo in a deploy script."): the sentence after the question;
    - a section ("Root cause" / "What went wrong" as a heading): the main clause of the first of its
      opening sentences that tells something wrong (:func:`_tells_trouble`).

    A heading is a line of at most MAX_HEADING_WORDS words that does not end like a sentence. Found once per
    doc (causality and the claims both ask), kept in ``doc.user_data`` as token offsets.
    """
    found = doc.user_data.get("named_causes")
    if found is None:
        found = [(n.sent.start, n.sent.end, n.head.i if n.head is not None else -1) for n in _find_named_causes(doc)]
        doc.user_data["named_causes"] = found
    return [NamedCause(doc[start:end], doc[head] if head >= 0 else None) for start, end, head in found]


def _find_named_causes(doc: Any) -> list[NamedCause]:
    phrases = [p.lower() for p in (*LEXICON["root_cause_headings"], *LEXICON["root_cause_phrases"])]
    sents = segments(doc)
    out = []
    for n, sent in enumerate(sents):
        line = sent.text.strip()
        if not line or "\n" in line or not any(p in line.lower() for p in phrases) \
                and not line.lower().startswith(tuple(LEXICON["cause_lead_ins"])):
            continue
        if (named := _after_lead_in(sent, phrases, tuple(LEXICON["cause_lead_ins"]))) is not None:
            out.append(NamedCause(sent, named))
            continue
        question = line.endswith("?") and any(p in line.lower() for p in LEXICON["root_cause_headings"])
        own_line = doc.text[sent.end_char:sent.end_char + 200].lstrip(" \t").startswith("\n")
        if question and not own_line and n + 1 < len(sents) and not sents[n + 1].text.strip().endswith("?"):
            out.append(NamedCause(sents[n + 1], _clause_head(sents[n + 1])))  # "What caused it? A typo in ..."
            continue
        if line[-1] in ".!:" or line[-1] == "?" and not question or len(line.split()) > MAX_HEADING_WORDS:
            continue
        first = next((s for s in sents[n + 1:n + 1 + SECTION_SENTENCES] if _tells_trouble(s)), None)
        if first is None:
            continue  # the section sets the scene first ("During a build, X writes to a directory"): no claim
        root = first.root
        told = next((c for c in root.children if c.dep_ == "ccomp"), None)
        if told is not None and root.lemma_.lower() in load_cues()["non_event_verbs"]:
            root = told  # "A detailed postmortem revealed that X": X names the cause, not the postmortem
        out.append(NamedCause(first, root))
    return out


LEAD_IN_MAX_WORDS = 4


def _after_lead_in(sent: Any, phrases: list[str], whole: tuple[str, ...] = ()) -> Any | None:
    """The head of what a lead-in ("Root cause:", "The underlying problem:") introduces: a lead-in holding one
    of ``phrases``, or equal to one of ``whole`` ("The cause:")."""
    colon = next((t for t in sent[:LEAD_IN_MAX_WORDS + 2] if t.text in (":", "—", "–")), None)
    if colon is None or not all(t.is_alpha for t in sent[:colon.i - sent.start]):
        return None
    lead = sent.doc[sent.start:colon.i].text.lower()
    stop = next((t.i for t in sent.doc[colon.i + 1:sent.end] if t.text == ";"), sent.end)
    rest = sent.doc[colon.i + 1:stop]  # "Trigger: the certificate expired; the renewal job had failed": the first
    if not (any(p in lead for p in phrases) or lead in whole) or sum(t.is_alpha for t in rest) < 2:
        return None
    return _clause_head(rest)


def _clause_head(span: Any) -> Any | None:
    """The token of ``span`` nearest the parse's root (leftmost on a tie): the head of what it tells."""
    inside = [t for t in span if not (t.is_punct or t.is_space) and t.dep_ != "cc"]

    def depth(t: Any) -> int:
        d = 0
        while t.head.i != t.i and span.start <= t.head.i < span.end:
            t, d = t.head, d + 1
        return d

    return min(inside, key=lambda t: (depth(t), t.i)) if inside else None


def named_triggers(doc: Any) -> list[NamedCause]:
    """A lead-in naming the trigger, as incident templates write it ("Trigger: the certificate reached its
    expiry date"): what follows its colon."""
    phrases = LEXICON["trigger_phrases"]
    return [NamedCause(sent, head) for sent in segments(doc) if ":" in sent.text
            and (head := _after_lead_in(sent, phrases)) is not None]


def section_claims(doc: Any) -> list[ClaimRecord]:
    """A root-cause claim about what each :func:`named_causes` position names, a trigger claim about what
    each :func:`named_triggers` lead-in names."""
    return [ClaimRecord(kind, n.sent.text, None, n.sent.start_char, n.sent.end_char, n.about(), True)
            for kind, found in (("root_cause", named_causes(doc)), ("trigger", named_triggers(doc)))
            for n in found if n.head is not None]


def extract_claims(doc: Any, *, ctx: TimeContext | None = None,
                   times: list[TimeExpression] | None = None) -> list[ClaimRecord]:
    """Return the explicit claims of a parsed article, in text order.

    ``times`` are the article's time expressions if already extracted (else they are extracted here
    with ``ctx``); they supply the values of started_at, duration, time and date claims.
    """
    if not hasattr(doc, "sents"):
        raise ValueError(f"expected a parsed spaCy Doc, got {type(doc).__name__}")
    if times is None:
        times = extract_times(doc.text, ctx or TimeContext())
    state: dict = {}
    out: list[ClaimRecord] = []
    for sent in segments(doc):
        found = (_role_claims(sent, LEXICON["root_cause_phrases"], "root_cause", state)
                 + _role_claims(sent, LEXICON["first_symptom_phrases"], "first_symptom", state)
                 + _role_claims(sent, LEXICON["trigger_phrases"], "trigger", state)
                 + _origin_claims(sent, state) + _first_noticed_claims(sent))
        found += (_unexplained_claims(sent) + _question_claims(sent)
                  + _moment_claims(sent, times) + _duration_claims(sent, times))
        out.extend(found)
    out.extend(section_claims(doc))
    out.extend(time_claims(times, doc.text))
    return sorted(out, key=lambda c: (c.start, c.end, c.kind))
