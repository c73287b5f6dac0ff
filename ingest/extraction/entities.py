"""Components named in a parsed article: lexicon matches, acronyms defined in the text, and systems the text introduces.

Alias resolution is learnt from the text itself:

- ``Long Name (ABBR)`` defines ABBR as an alias of Long Name when ABBR's letters
  appear in order in Long Name ("DropletWorkflow Manager (DWFM)");
- names are compared by their *alias key*: lower-case letters and digits only,
  camel-case and spacing ignored, last word singular ("Droplet Workflow Manager",
  "DropletWorkflow Manager" and "droplet workflow managers" share one key);
- a capitalised compound ending in a system head noun (``system_heads.json``:
  Manager, Planner, Enactor, service...) or following "called"/"named" is a
  component even when the lexicon does not know it ("Network Manager").

A leading known component in such a compound, or a possessive, makes the new
component PART_OF it ("DynamoDB's DNS management system").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from graph.build import alias_key
from ingest.lexicon import (
    load_component_lexicon,
    load_cues,
    load_event_concepts,
    load_event_kinds,
    load_system_heads,
    load_zone_names,
)

ORG_LABEL = "COMPONENT"


@dataclass
class ComponentRef:
    """One mention of a component: token span, canonical slug, display name, kind, aliases and parent slug."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    slug: str
    name: str
    kind: str = "subsystem"
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None


def display_slug(name: str) -> str:
    """Slug of a discovered component's name with camel case split, so spellings converge.

    >>> display_slug("DropletWorkflow Manager")
    'droplet-workflow-manager'
    """
    from graph.schema import slugify

    spaced = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", re.sub(r"#\s*\d+", "", name))
    return slugify(spaced)


def is_abbreviation_of(abbr: str, long_form: str) -> bool:
    """True if ``abbr``'s letters appear in order in ``long_form``, starting with its first letter.

    >>> is_abbreviation_of("DWFM", "DropletWorkflow Manager")
    True
    >>> is_abbreviation_of("SLA", "Network Manager")
    False
    """
    text = long_form.lower()
    if not abbr or not text or text[0] != abbr[0].lower():
        return False
    pos = 0
    for ch in abbr.lower():
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _is_capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() and tok.pos_ in ("PROPN", "NOUN", "ADJ", "X") and tok.is_alpha or tok.text.isupper() and len(tok.text) > 1


def _is_qualifier(ref: ComponentRef) -> bool:
    comp = load_component_lexicon().get(ref.slug)
    return comp is not None and comp.qualifier


def _lexicon_refs(doc: Doc) -> list[ComponentRef]:
    lexicon = load_component_lexicon()
    refs = []
    for ent in doc.ents:
        if ent.label_ == ORG_LABEL and ent.ent_id_ in lexicon:
            comp = lexicon[ent.ent_id_]
            refs.append(ComponentRef(ent.start, ent.end, ent.start_char, ent.end_char, ent.text, comp.id,
                                     comp.name, comp.kind, [ent.text]))
    return refs


def _singular(tok: Token) -> str:
    """A plural head as its singular, keeping its case ("Enactors" -> "Enactor", "servers" -> "server")."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return tok.text
    if tok.lemma_.lower() != tok.lower_:
        return tok.lemma_
    plural = tok.text.endswith("s") and not tok.text.endswith("ss") and len(tok.text) > 3 and not tok.text.isupper()
    return tok.text[:-1] if plural else tok.text


def _span_ref(span: Span, name: str | None = None) -> ComponentRef:
    if name is None:
        last = span[-1]
        head = _singular(last)
        if last.text[:1].isupper():
            head = head[:1].upper() + head[1:]
        name = (span[:-1].text + span[-2].whitespace_ + head).strip() if len(span) > 1 else head  # "cert-manager"
    return ComponentRef(span.start, span.end, span.start_char, span.end_char, span.text, display_slug(name), name,
                        "subsystem", [span.text])


def _compound_start(doc: Doc, tok: Token) -> int:
    """Index of the first noun-like modifier of the compound ``tok`` heads: nouns, names, a gerund that names
    what the system does ("the cooling system", "the logging pipeline") and a hyphenated word ("the check-in
    system")."""
    start = tok.i
    if start > 1 and doc[start - 1].tag_ == "HYPH" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha and not doc[start - 2].is_stop:
        start -= 2  # "cert-manager", "kube-proxy": the head's own hyphenated name
    while start > 0:
        if (hyphen := _hyphen_start(doc, start - 1)) is not None:
            start = hyphen
            continue
        mod = doc[start - 1]
        if not (mod.dep_ in ("compound", "amod", "nmod") and mod.head.i > start - 1
                and (mod.pos_ in ("PROPN", "NOUN") or _is_capitalised(mod) or _names_an_activity(mod))):
            break
        start -= 1
    return start


def _hyphen_start(doc: Doc, end: int) -> int | None:
    """Start of the hyphenated word "check-in" whose last piece is ``doc[end]``, else None."""
    if end < 2 or not doc[end].is_alpha or doc[end - 1].tag_ != "HYPH" or not doc[end - 2].is_alpha \
            or doc[end - 2].whitespace_ or doc[end - 1].whitespace_:
        return None
    return end - 2


def _names_an_activity(mod: Token) -> bool:
    """A gerund before a system head that names what the system does ("cooling", "logging"), not a state it
    is in ("the failing servers", "the remaining nodes", "the running instances")."""
    return mod.tag_ == "VBG" and not load_event_kinds().get(mod.lemma_.lower()) \
        and mod.lower_ not in load_system_heads()["state_participles"]


def _owner_split(doc: Doc, start: int, tok: Token, known: dict[int, ComponentRef]) -> tuple[ComponentRef | None, Span]:
    """(owning service, rest of the modifiers): "DynamoDB DNS Planner" -> (DynamoDB, "DNS").

    A leading service or product owns what follows; infrastructure words (DNS, BGP) are part of the name.
    When nothing but the owner precedes a specific head ("DynamoDB Streams"), the whole compound is the name.
    """
    chain = doc[start:tok.i]
    if len(chain) > 1 and chain[0].i in known and known[chain[0].i].kind in ("service", "customer"):
        return known[chain[0].i], chain[1:]
    return None, chain


def _names_a_system(tok: Token, chain: Span, known: dict[int, ComponentRef]) -> bool:
    """Whether head ``tok`` with modifiers ``chain`` names a system of its own."""
    heads = load_system_heads()
    lemma = tok.lemma_.lower()
    if all(t.i in known for t in chain) and lemma in heads["generic_names"] and (
            lemma in heads["owner_heads"] or not all(_is_qualifier(known[t.i]) for t in chain)):
        return False  # "AWS services", "the DynamoDB service": the known components; "DNS servers" are not
    capital_head = _is_capitalised(tok) and all(_is_capitalised(t) for t in chain) and not _in_heading(tok.doc, tok.idx)
    acronym_led = chain[0].text.isupper() and len(chain[0].text) > 1 or chain[0].i in known
    # "the login service", "edge routers": nouns before a head that only names systems
    lower_nouns = lemma in heads["lowercase_heads"] and all(
        (t.pos_ == "NOUN" or _names_an_activity(t) or _in_hyphenated(t)) and (t.is_lower or t.tag_ == "HYPH")
        for t in chain if t.i not in known)
    return capital_head or acronym_led or lower_nouns


def _in_hyphenated(tok: Token) -> bool:
    """True for a piece of a hyphenated word ("check", "-", "in" of "check-in")."""
    doc = tok.doc
    return tok.tag_ == "HYPH" and not tok.whitespace_ and tok.i > 0 and not doc[tok.i - 1].whitespace_ or any(
        0 <= j < len(doc) and doc[j].tag_ == "HYPH" and not doc[j].whitespace_ and not doc[j - 1].whitespace_
        for j in (tok.i - 1, tok.i + 1))


def _is_named_part(tok: Token, chain: Span, known: dict[int, ComponentRef]) -> bool:
    """"BGP Speaker", "WAF Managed Rules": a capitalised name led by an acronym or a known component."""
    lead = chain[0]
    return all(_is_capitalised(t) for t in chain) and (lead.text.isupper() and len(lead.text) > 1 or lead.i in known) \
        and tok.text not in _stop_names() and not _in_heading(tok.doc, tok.idx) \
        and not _names_no_system(tok)


def _system_compounds(doc: Doc, known: dict[int, ComponentRef]) -> list[ComponentRef]:
    """Compounds ending in a system head: capitalised ("Network Manager") or led by an acronym/known component."""
    heads = set(load_system_heads()["heads"])
    refs = []
    for tok in doc:
        headed = tok.lemma_.lower() in heads or tok.lower_ in heads
        if not headed and not (tok.pos_ == "PROPN" and _is_capitalised(tok)) or tok.i in known:
            continue
        owner, chain = _owner_split(doc, _compound_start(doc, tok), tok, known)
        if not len(chain) or not (_names_a_system(tok, chain, known) if headed else _is_named_part(tok, chain, known)):
            continue
        ref = _span_ref(doc[chain.start:tok.i + 1])
        ref.parent = owner.slug if owner is not None else None
        refs.append(ref)
    return refs


def _introduced(doc: Doc) -> list[ComponentRef]:
    """X in "a subsystem called X" / "a service named X": the capitalised run after the introducer verb."""
    intro = load_system_heads()
    verbs = {v.split()[0] for v in intro["introducers"]}
    refs = []
    for tok in doc:
        if tok.lemma_.lower() in verbs and tok.tag_ == "VBN" and tok.head.lemma_.lower() in intro["introducer_nouns"]:
            end = tok.i + 1
            while end < len(doc) and _is_capitalised(doc[end]):
                end += 1
            if end > tok.i + 1:
                refs.append(_span_ref(doc[tok.i + 1:end]))
    return refs


NAMED_LABELS = ("ORG", "PRODUCT", "FAC")
HEADING_SHARE = 0.7
SECTION_HEADING_WORDS = 4
TITLE_SMALL_WORDS = frozenset(["a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "at", "by", "with", "from", "vs", "as", "is"])
ZONE_WORDS = load_zone_names()
NON_SYSTEM_ENTS = ("GPE", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "NORP", "PERSON", "QUANTITY")
CALENDAR_WORDS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
# Abbreviations as dates write them ("Sat Nov 9"): a date only beside a number or another calendar word
CALENDAR_ABBREVIATIONS = frozenset(["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                                    "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"])
MAX_NAME_TOKENS = 5
NUMBER_WORDS = frozenset(["hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
                          "dozen", "dozens", "trillion", "trillions"])  # "Millions of customers": no system
DEMONSTRATIVES = frozenset(["this", "that", "these", "those"])


def _is_name(span: Span) -> bool:
    """A name a component may have: capitalised or an acronym, a few words, not a time zone or a title."""
    words = [t for t in span if not t.is_punct]
    stop = _stop_names()
    return bool(words) and len(span) <= MAX_NAME_TOKENS and any(_is_capitalised(t) for t in words) \
        and not all(t.text in stop or t.like_num or t.lemma_.lower() in NUMBER_WORDS for t in words) \
        and span.text not in stop \
        and not any(_names_no_system(t, head=t is words[-1]) for t in words) and not _is_date(words)


def _is_date(words: list[Token]) -> bool:
    """"Sat Nov 9", "Nov 9", "Wed": calendar abbreviations alone, with a number or with each other ("Sun
    Microsystems" is a name)."""
    abbreviated = [t for t in words if t.lower_.rstrip(".") in CALENDAR_ABBREVIATIONS]
    return bool(abbreviated) and (len(abbreviated) == len(words) or any(t.like_num for t in words))


def _names_no_system(tok: Token, head: bool = True) -> bool:
    """A word that makes a would-be name a time, a zone or an event ("Pacific Daylight Time", "01:03
    Mitigation", "Cloudflare Outage"); an event word inside a name ("Windows Recovery Environment") does not."""
    kinds = load_event_kinds()
    return ":" in tok.text or tok.text in ZONE_WORDS or tok.lower_ in CALENDAR_WORDS or tok.lower_ in (
        "time", "daylight", "standard") or head and kinds.get(tok.lower_) in (
        "failure", "symptom", "mitigation", "recovery", "condition")


def _trimmed(span: Span) -> Span:
    """``span`` without a leading determiner, a trailing possessive ("the Acme's" -> "Acme") or a leading
    plural common noun with "of" that the model took into a name ("Customers of Northway Bank")."""
    start, end = span.start, span.end
    first = span.doc[start]
    if end - start > 2 and span.doc[start + 1].lower_ == "of" and (
            first.tag_ == "NNS" or first.tag_ == "NNPS" and first.lower_ in _lower_words(span.doc)):
        start += 2  # a title's "Customers of ..." is common when the text also writes "customers"
    while start < end and span.doc[start].pos_ in ("DET", "PUNCT"):
        start += 1
    while end > start and (span.doc[end - 1].tag_ == "POS" or span.doc[end - 1].is_punct):
        end -= 1
    return span.doc[start:end]


def _lower_words(doc: Doc) -> frozenset[str]:
    """The words ``doc`` writes in lower case somewhere (read once per doc): such a word is a common word."""
    if "lower_words" not in doc.user_data:
        doc.user_data["lower_words"] = frozenset(t.text for t in doc if t.is_lower)
    return doc.user_data["lower_words"]


class _Lines:
    """The lines of a Doc's text, read once (``Doc.text`` rebuilds the text on every access)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.headings: dict[int, bool] = {}

    def start_of(self, char: int) -> int:
        return self.starts[bisect_right(self.starts, char) - 1]

    def is_heading(self, char: int) -> bool:
        start = self.start_of(char)
        if start not in self.headings:
            end = self.text.find("\n", start)
            line = self.text[start:end if end >= 0 else None].strip()
            words = [w for w in line.split() if w[:1].isalpha() and w not in TITLE_SMALL_WORDS]
            title_case = len(words) >= 2 and sum(w[0].isupper() for w in words) >= HEADING_SHARE * len(words)
            # "Root causes", "Lessons learned": a short line in sentence case that ends in no punctuation
            sentence_case = 0 < len(line.split()) <= SECTION_HEADING_WORDS and line[-1:].isalnum() \
                and all(w.islower() for w in line.split()[1:])
            self.headings[start] = not line.endswith(".") and (title_case or sentence_case)
        return self.headings[start]


def _lines(doc: Doc) -> _Lines:
    if "lines" not in doc.user_data:
        doc.user_data["lines"] = _Lines(doc.text)
    return doc.user_data["lines"]


def _in_heading(doc: Doc, start_char: int) -> bool:
    """True if the line holding ``start_char`` is a title-case heading ("Company Blames Bad Software"), where
    the model takes capitalised words for names."""
    return _lines(doc).is_heading(start_char)


def _named_entities(doc: Doc) -> list[ComponentRef]:
    """Companies, products and facilities the model names (ORG, PRODUCT, FAC): "Acme", "Falcon", "PDX-04"."""
    refs = []
    for ent in doc.ents:
        if ent.label_ in NAMED_LABELS and not _in_heading(doc, ent.start_char):
            for part in _list_parts(_trimmed(ent)):
                span = _trimmed(part)
                if len(span) and _is_name(span):
                    ref = _span_ref(span, span.text)
                    ref.kind = "service"
                    refs.append(ref)
    return refs


@lru_cache(maxsize=1)
def _stop_names() -> frozenset[str]:
    """Words written like names that never name a component: not_components and the markets."""
    heads = load_system_heads()
    return frozenset(heads["not_components"]) | frozenset(heads["markets"])


def _not_systems(doc: Doc) -> set[int]:
    """Tokens that name no system whatever route finds them: an organisation that governs ("the Securities
    and Exchange Commission") and a stock symbol after its market ("(Nasdaq: CRWD)")."""
    heads = load_system_heads()
    out = {t.i for ent in doc.ents if ent.label_ == "ORG" and ent[-1].lemma_.lower() in heads["governing_heads"]
           for t in ent}
    out |= {t.i for t in doc[2:] if doc[t.i - 1].text == ":" and doc[t.i - 2].text in heads["markets"]}
    return out


def _list_parts(span: Span) -> list[Span]:
    """The names of a list the model took for one entity: "Messenger, Oculus and Workplace" -> three."""
    cuts = [t.i for t in span if t.text == "," or t.dep_ == "cc" and t.lower_ in ("and", "or")]
    if not cuts:
        return [span]
    bounds = [span.start, *cuts, span.end]
    return [span.doc[a + (a in cuts): b] for a, b in pairwise(bounds) if b > a + (a in cuts)]


def _proper_names(doc: Doc) -> list[ComponentRef]:
    """Capitalised names the model tags as proper nouns but no entity ("Trello, Quora and Giphy were down"):
    not at a sentence start, not a person, place, date or zone, not in a heading."""
    stop = _stop_names()
    lower_words = _lower_words(doc)
    return [ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), tok.text, display_slug(tok.text), tok.text,
                         "service", [tok.text]) for tok in doc if _is_proper_name(doc, tok, stop, lower_words)]


# "GnuTLS", "PagerDuty", "RE2", "EC2": a capital after a lower-case letter, or letters then digits, is how
# products are spelled; people and places are not (the small model tags many of these as either).
PRODUCT_SPELLING = re.compile(r"^(?!(?:Mc|Mac|De|Di|La|Le|Van|Von)[A-Z])[A-Za-z]+[a-z][A-Z][A-Za-z]*$"  # not "McKinnon"
                              r"|^(?!(?:Q[1-4]|H[12]|FY\d+)$)[A-Z][A-Za-z]*[0-9][A-Za-z0-9]*$")  # not "Q3", "FY2024"


def _is_proper_name(doc: Doc, tok: Token, stop: frozenset[str], lower_words: frozenset[str]) -> bool:
    down = _is_down(tok) or _runs_systems(tok)
    product = PRODUCT_SPELLING.match(tok.text) is not None and tok.ent_type_ not in ("DATE", "TIME", "MONEY") \
        and not (tok.i > 0 and doc[tok.i - 1].text == ".")  # "rand.Int63n": the tail of a dotted name
    return (tok.pos_ == "PROPN" and tok.is_alpha or product) and len(tok) > 2 and tok.text[0].isupper() \
        and (not tok.is_sent_start or down or product) \
        and (tok.ent_type_ in ("", "ORG", "PRODUCT", "FAC", "WORK_OF_ART") or _is_example(tok) or down or product) \
        and tok.text not in stop and tok.lower_ not in CALENDAR_WORDS and tok.lower_ not in lower_words \
        and _stands_alone(doc, tok, first_ok=down) and not _in_heading(doc, tok.idx) and not _names_no_system(tok)


def _is_down(tok: Token) -> bool:
    """A name said to be down, unreachable or failing ("Gmail and Calendar were down", "Downdetector was
    unreachable"), which the small model often takes for a person or a place: people and places are not down."""
    node = tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = node.head
    outage = next((c for c in load_event_concepts() if c.id == "outage"), None)  # "down", "unreachable", "go down"
    words = {verb.lemma_.lower()} | {c.lower_ for c in verb.children if c.dep_ in ("acomp", "advmod", "prt")}
    said = set(load_cues()["down_predicates"]) | (
        {a if isinstance(a, str) else a[0] for a in outage.adjectives} | {v[0] for v in outage.verbs} if outage else set())
    return bool(words & said)


def _runs_systems(tok: Token) -> bool:
    """A name that owns a system ("Telwave's network", "Acme's ledger database") or is said to be an
    organisation that runs them ("Telwave, the country's second-largest mobile operator"), which the small
    model often takes for a person or a place."""
    heads = load_system_heads()
    # a person's full name ("Maria Lopez's server") is a person; one word the model calls a person is as often
    # a company ("Telwave's network")
    person = tok.ent_type_ == "PERSON" and (  # the entity holding tok has another word: walk its I/B tags
        tok.ent_iob_ == "I" and tok.doc[tok.i - 1].is_alpha
        or tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].ent_iob_ == "I" and tok.doc[tok.i + 1].is_alpha)
    if tok.dep_ == "poss" and tok.head.pos_ == "NOUN" and tok.head.lemma_.lower() in heads["heads"] \
            and tok.ent_type_ not in ("GPE", "LOC", "NORP") and not person:
        return True
    return any(c.dep_ == "appos" and c.lemma_.lower() in heads["organisation_heads"] for c in tok.children)


def _is_example(tok: Token) -> bool:
    """A name in a list of examples ("sites such as Trello, Quora and Giphy", "services including Venmo"),
    which the small model often takes for a place."""
    node = tok
    for _ in range(6):
        if node.dep_ == "pobj" and (node.head.lower_ in ("including", "like") or node.head.lower_ == "as" and any(
                c.lower_ == "such" for c in node.head.head.children) or node.head.lower_ == "as" and
                node.head.i > 0 and tok.doc[node.head.i - 1].lower_ == "such"):
            return True
        if node.dep_ not in ("conj", "appos") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _stands_alone(doc: Doc, tok: Token, first_ok: bool = False) -> bool:
    """Not one word of a longer capitalised name, not a line's label ("Fix: ...") or (unless ``first_ok``)
    its first word."""
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    lines = _lines(doc)
    first_word = not any(c.isalpha() for c in lines.text[lines.start_of(tok.idx):tok.idx])
    return (first_ok or not first_word) and not any(t is not None and t.is_alpha and t.text[0].isupper()
                                      and not (t.is_sent_start and t.pos_ != "PROPN") for t in (prev, nxt)) \
        and (nxt is None or nxt.text != ":") and (prev is None or prev.text not in (":", "-", "•", "*"))


# Cloud region and zone names ("us-east-1", "eu-west-2a", "europe-west1"), kept one token by the pipeline's
# tokenizer: split at their hyphens, "US-EAST-1" lost its "US" (a stop word) from the component's name.
REGION_NAME = r"(?:[A-Za-z]{2}|[A-Za-z]{4,12})(?:-[A-Za-z]+)+-?\d{1,2}[a-z]?"
IDENTIFIER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+(?:\(\))?$|^\d{1,3}(?:\.\d{1,3}){3}$"
                        # tools and hosts named as written: "pg_dump", "db1", "web-03"
                        r"|^[a-z]{2,}_[a-z0-9_]+$|^[a-z]{2,5}-?\d{1,3}$"
                        rf"|^{REGION_NAME}$")


def _identifiers(doc: Doc) -> list[ComponentRef]:
    """Host names, addresses and files named as written: "dynamodb.us-east-1.amazonaws.com", "1.1.1.1",
    "csagent.sys", "time.Now()"."""
    stop = set(load_system_heads()["not_identifiers"])
    return [ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), tok.text, display_slug(tok.text), tok.text,
                         "infrastructure", [tok.text])
            for tok in doc if IDENTIFIER.match(tok.text) and tok.lower_ not in stop]


def _acronym_refs(doc: Doc) -> list[ComponentRef]:
    """Standalone acronyms ("WAF", "CPU", "NLB"): systems are named by their initials far more than anything else."""
    stop = _stop_names()
    refs = []
    for tok in doc:
        text = tok.text
        if 2 <= len(text) <= 6 and text[:-1].isupper() and text[0].isalpha() and (text[-1].isupper() or text[-1] == "s") \
                and text.rstrip("s") not in stop and text not in stop and tok.pos_ in ("PROPN", "NOUN", "X") \
                and tok.ent_type_ not in NON_SYSTEM_ENTS and not _in_heading(doc, tok.idx):
            name = text[:-1] if text[-1] == "s" and text[:-1].isupper() and len(text) > 2 else text
            refs.append(ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(text), text, display_slug(name), name,
                                     "subsystem", [text]))
    return refs


def _acronyms(doc: Doc, refs: list[ComponentRef]) -> dict[str, ComponentRef]:
    """Acronyms defined as "Long Name (ABBR)" right after a component mention, mapped to that component."""
    by_end = {r.end: r for r in refs}
    out: dict[str, ComponentRef] = {}
    for tok in doc[:-2]:
        abbr, close = doc[tok.i + 1], doc[tok.i + 2]
        if tok.text == "(" and close.text == ")" and abbr.text.isupper() and abbr.is_alpha and tok.i in by_end:
            ref = by_end[tok.i]
            if is_abbreviation_of(abbr.text, ref.name):
                out[abbr.text] = ref
    return out


def find_components(doc: Doc) -> list[ComponentRef]:
    """Every component mention in ``doc``, resolved so that mentions of one component share slug and name."""
    refs = _lexicon_refs(doc)
    known = {i: r for r in refs for i in range(r.start, r.end)}
    for ref in _named_entities(doc) + _acronym_refs(doc) + _proper_names(doc) + _identifiers(doc):
        if not any(i in known for i in range(ref.start, ref.end)):
            refs.append(ref)
            known.update({i: ref for i in range(ref.start, ref.end)})
    for ref in _listed_with(doc, refs, known):
        refs.append(ref)
        known[ref.start] = ref
    for ref in _introduced(doc) + _system_compounds(doc, known):
        inside = {id(known[i]) for i in range(ref.start, ref.end) if i in known}
        if all(known[i].slug != ref.parent and ref.start <= known[i].start and known[i].end <= ref.end
               for i in range(ref.start, ref.end) if i in known):
            # The longer name wins over a lexicon word inside it ("DNS" in "DNS Planner").
            refs = [r for r in refs if id(r) not in inside or r.slug == ref.parent]
            refs.append(ref)
            known.update({i: ref for i in range(ref.start, ref.end)})
    for abbr, target in _acronyms(doc, refs).items():
        target.aliases.append(abbr)
        for tok in doc:
            if tok.text == abbr and tok.i not in known:
                ref = ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), abbr, target.slug, target.name,
                                   target.kind, [abbr], target.parent)
                refs.append(ref)
                known[tok.i] = ref
    _unify(refs)
    refs += _head_mentions(doc, refs, known)
    refs += _bare_heads(doc, known)
    _possessive_parents(doc, refs, known)
    _appositive_parents(doc, refs, known)
    excluded = _not_systems(doc)
    refs = [r for r in refs if not _is_status_phrase(doc, r) and not any(i in excluded for i in range(r.start, r.end))]
    return sorted(refs, key=lambda r: r.start)


def _is_status_phrase(doc: Doc, ref: ComponentRef) -> bool:
    """"502 Bad Gateway", "503 Service Unavailable": an HTTP status's reason phrase names no system."""
    return ref.start > 0 and re.fullmatch(r"[45]\d\d", doc[ref.start - 1].text) is not None \
        and ref.end - ref.start >= 2 and all(t.text[:1].isupper() and t.is_alpha for t in doc[ref.start:ref.end])


MAX_LISTED = 30


def _listed_with(doc: Doc, refs: list[ComponentRef], known: dict[int, ComponentRef]) -> list[ComponentRef]:
    """Names listed with a named system ("Trello, Quora, IFTTT and Giphy"): peers of a system are systems,
    whatever entity type the small model guessed for them."""
    stop = _stop_names()
    found: list[ComponentRef] = []
    lists: dict[int, list[Token]] = {}
    for ref in [r for r in refs if r.end - r.start == 1 and doc[r.start].pos_ == "PROPN"]:
        tok = doc[ref.start]
        top = tok
        while top.dep_ == "conj" and top.head.i != top.i:
            top = top.head
        if top.i not in lists:  # every conjunct under the list's head, looked up once per list
            lists[top.i] = [top] + [t for t in top.subtree if t.dep_ == "conj"][:MAX_LISTED]
        peers = lists[top.i]
        for peer in peers:
            if peer.i in known or peer.pos_ != "PROPN" or not peer.is_alpha or not peer.text[0].isupper() \
                    or peer.ent_type_ in ("DATE", "TIME") or peer.text in stop \
                    or _names_no_system(peer) or any(t.dep_ == "compound" for t in peer.children):
                continue
            new = ComponentRef(peer.i, peer.i + 1, peer.idx, peer.idx + len(peer), peer.text, display_slug(peer.text),
                               peer.text, "service", [peer.text])
            known[peer.i] = new
            found.append(new)
    return found


def _unify(refs: list[ComponentRef]) -> None:
    """Give every mention whose alias key matches an earlier one that one's slug, name, kind and parent."""
    canon: dict[str, ComponentRef] = {}
    for ref in sorted(refs, key=lambda r: (r.slug not in load_component_lexicon(), -len(r.name),
                                        -sum(c.isupper() for c in r.name), r.start)):
        keys = {alias_key(a) for a in [ref.name, *ref.aliases]} | {alias_key(ref.slug)}
        first = next((canon[k] for k in keys if k in canon), None)
        if first is None:
            for k in keys:
                canon[k] = ref
            continue
        ref.slug, ref.name, ref.kind = first.slug, first.name, first.kind
        ref.parent = ref.parent or first.parent
        first.aliases.extend(a for a in ref.aliases if a not in first.aliases)


def _possessive_parents(doc: Doc, refs: list[ComponentRef], known: dict[int, ComponentRef]) -> None:
    """"DynamoDB's DNS management system": the possessor of a discovered component is its parent."""
    for ref in refs:
        if ref.parent or ref.slug in load_component_lexicon():
            continue
        for child in (c for t in doc[ref.start:ref.end] for c in t.children):
            possessive = child.dep_ == "poss" or any(c.dep_ == "case" for c in child.children)  # "X's" as det
            if possessive and child.i in known and known[child.i].slug != ref.slug \
                    and known[child.i].kind == "service":
                ref.parent = known[child.i].slug


def _head_mentions(doc: Doc, refs: list[ComponentRef], known: dict[int, ComponentRef]) -> list[ComponentRef]:
    """"the enactor(s)" after "DNS Enactor": a definite head noun naming exactly one discovered component."""
    generic = set(load_system_heads()["generic_names"])
    by_head: dict[str, set[str]] = {}
    for ref in refs:
        words = ref.name.split()
        if len(words) > 1:
            by_head.setdefault(words[-1].lower(), set()).add(ref.slug)
    first = {r.slug: r for r in refs}
    out = []
    for tok in doc:
        slugs = by_head.get(tok.lemma_.lower(), set()) or by_head.get(_singular(tok).lower(), set())
        if len(slugs) != 1 or tok.i in known or tok.pos_ != "NOUN":
            continue
        dets = {c.lower_ for c in tok.children if c.dep_ == "det"}
        # "that tool" points back whatever its head; "the platform" may mean the whole product, so a generic
        # head needs a demonstrative
        if not dets & DEMONSTRATIVES and not ("the" in dets and tok.lemma_.lower() not in generic):
            continue
        target = first[next(iter(slugs))]
        ref = ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), tok.text, target.slug, target.name,
                           target.kind, [], target.parent)
        out.append(ref)
        known[tok.i] = ref
    return out


def _bare_heads(doc: Doc, known: dict[int, ComponentRef]) -> list[ComponentRef]:
    """"The database ran out of connections", "our routers withdrew the routes": a system head on its own,
    told as something that acts or is acted on, is the account's own system of that kind."""
    heads = set(load_system_heads()["bare_heads"])
    out = []
    for tok in doc:
        word = _singular(tok).lower()
        role = tok.head.dep_ if tok.dep_ == "conj" else tok.dep_  # "the hardware and routers there"
        if tok.pos_ != "NOUN" or tok.i in known or word not in heads or role not in (
                "nsubj", "nsubjpass", "dobj", "pobj") or any(c.dep_ in ("compound", "amod", "nmod") for c in tok.children) \
                or not any(c.dep_ in ("det", "poss") for c in tok.children) and tok.tag_ != "NNS":
            continue
        ref = ComponentRef(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), tok.text, display_slug(word), word,
                           "service", [tok.text])
        out.append(ref)
        known[tok.i] = ref
    return out


def _appositive_parents(doc: Doc, refs: list[ComponentRef], known: dict[int, ComponentRef]) -> None:
    """"the DNS Enactor, a DynamoDB component": a generic noun in apposition names the owner service."""
    generic = set(load_system_heads()["generic_names"])
    parents: dict[str, str] = {}
    for ref in refs:
        if ref.slug in load_component_lexicon():
            continue
        head = doc[ref.end - 1]
        others = [c for c in head.children if c.dep_ == "appos"] + ([head.head] if head.dep_ == "appos" else [])
        for other in others:
            if other.lemma_.lower() not in generic:
                continue
            owners = [known[c.i] for c in other.children if c.dep_ in ("compound", "poss") and c.i in known]
            owner = next((o for o in owners if o.kind == "service" and o.slug != ref.slug), None)
            if owner is not None:
                parents.setdefault(ref.slug, owner.slug)
    for ref in refs:  # every mention of the component learns its owner
        if ref.slug in parents and not ref.parent:
            ref.parent = parents[ref.slug]
