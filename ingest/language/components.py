"""spaCy factories for the incident pipeline: thin classes whose __call__ stores the result of a pure function.

Results live in Doc extensions so one parse serves every later step:
``doc._.components`` (entities.find_components), ``doc._.events``
(events.find_events), ``doc._.causal`` (causality.find_causal_links) and
``doc._.depends`` (dependencies.find_dependencies).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token

from ingest.extraction.causality import find_causal_links
from ingest.extraction.dependencies import find_dependencies
from ingest.extraction.entities import find_components
from ingest.extraction.events import find_events
from ingest.extraction.open_events import OpenEvents
from ingest.lexicon import load_claim_phrases

for _name in ("components", "events", "causal", "depends"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class LineSentences:
    """Starts a sentence at each line break (headings, bullets), except inside a list that continues a sentence.

    A line joins the previous one when it starts in lower case ("were affected") or
    when it has no verb and the previous line ended in ":" or "," or was such a
    verbless item itself ("including:" / "- AWS Lambda" / "- Fargate").
    """

    def __call__(self, doc: Doc) -> Doc:
        joining = False
        for line_start, line_end, _ in [(0, len(doc), None), *_lines(doc)]:
            _split_lead_in(doc, line_start, line_end)
        for line_start, line_end, prev_last in _lines(doc):
            first = next((t for t in doc[line_start:line_end] if t.is_alpha), None)
            verbless = not any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc[line_start:line_end])
            cont = prev_last is not None and (prev_last.text in (":", ",") or joining)
            joining = cont and verbless
            opens_item = not doc[line_start].is_alpha  # "- 00:55: crate builds begin failing": an entry of its own
            if first is not None and first.is_lower and not opens_item or joining:
                continue
            doc[line_start].is_sent_start = True
        return doc


LEAD_IN_WORDS = 3


def _split_lead_in(doc: Doc, start: int, end: int) -> None:
    """"Short version: cert-manager failed ...", "Update: we rolled back": a line's lead-in of at most
    LEAD_IN_WORDS words before a colon labels what follows and is no part of its sentence (its noun is
    not the subject). A lead-in that makes a claim ("Root cause: a bad push") stays with what it claims."""
    words = []
    for tok in doc[start:min(end, start + LEAD_IN_WORDS + 2)]:
        if tok.text == ":":
            break
        if not (tok.is_alpha or tok.text in (";", "-", "&")):
            return
        words.append(tok.lower_)
    else:
        return
    colon = start + len(words)
    rest = [t for t in doc[colon + 1:end] if t.is_alpha]
    lead = " ".join(words)
    if not words or len(words) > LEAD_IN_WORDS or len(rest) < 3 or any(p in lead for p in _claim_lead_ins()):
        return
    doc[colon + 1].is_sent_start = True


@lru_cache(maxsize=1)
def _claim_lead_ins() -> tuple[str, ...]:
    phrases = load_claim_phrases()
    return tuple(p.lower() for key in ("root_cause_phrases", "trigger_phrases", "first_symptom_phrases",
                                      "symptom_phrases", "root_cause_headings") for p in phrases[key]) + ("cause",)


def _lines(doc: Doc) -> list[tuple[int, int, Token | None]]:
    """(start, end, last non-space token before) for each line after the first."""
    out = []
    starts = [t.i + 1 for t in doc[:-1] if "\n" in t.text and not doc[t.i + 1].is_space]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(doc)
        prev = next((doc[i] for i in range(start - 1, -1, -1) if not doc[i].is_space), None)
        out.append((start, end, prev))
    return out


class ComponentFinder:
    """Sets ``doc._.components``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.components = find_components(doc)
        return doc


class EventFinder:
    """Sets ``doc._.events`` (needs ``doc._.components``)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = find_events(doc, doc._.components or [])
        return doc


class CausalLinker:
    """Sets ``doc._.causal`` and ``doc._.depends`` (needs components and events)."""

    def __call__(self, doc: Doc) -> Doc:
        events = doc._.events if doc._.events is not None else []
        comps = doc._.components or []
        opener = OpenEvents(doc, events, {i: c for c in comps for i in range(c.start, c.end)})
        doc._.causal = find_causal_links(doc, events, opener)
        doc._.events = sorted(events, key=lambda e: e.anchor)  # open events were made out of text order
        doc._.depends = find_dependencies(doc, doc._.components or [])
        return doc


@Language.factory("line_sentences")
def make_line_sentences(nlp: Language, name: str) -> LineSentences:
    return LineSentences()


@Language.factory("incident_components")
def make_component_finder(nlp: Language, name: str) -> ComponentFinder:
    return ComponentFinder()


@Language.factory("incident_events")
def make_event_finder(nlp: Language, name: str) -> EventFinder:
    return EventFinder()


@Language.factory("incident_causality")
def make_causal_linker(nlp: Language, name: str) -> CausalLinker:
    return CausalLinker()
