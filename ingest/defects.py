"""Generic defect mentions ("a software bug", "a critical flaw") resolved to the article's specific defect.

"The root cause was a software bug in the DNS management system" and, in the same
article, "the race condition resided in the DNS Enactor" describe one defect told
twice: once by a generic defect noun (``defect_concepts`` in ``lexicon/cues.json``:
bug, flaw, defect, issue), once by a specific one. Rule: a generic defect mention
stands for the specific condition event (a concept that is not scoped, of kind
condition) of the same article told with the same component family (a component or
its parent, named in the sentences that tell each event), if exactly one such event
exists. Its causal links and the root-cause claims about it then go to the specific
event. Nothing is merged across articles, and nothing when the article leaves a doubt.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ingest.entities import ComponentRef
from ingest.events import EventRef
from ingest.lexicon import load_cues, load_event_concepts


def _families(doc: Doc, event: EventRef, refs: list[EventRef], comps: list[ComponentRef]) -> set[str]:
    """Slugs (and parents) of the components named in the sentences that tell ``event``."""
    sents = {(doc[r.anchor].sent.start, doc[r.anchor].sent.end) for r in refs if r.key == event.key}
    found = [c for c in comps if any(start <= c.start < end for start, end in sents)]
    return {c.slug for c in found} | {c.parent for c in found if c.parent}


def specific_defect(doc: Doc, event: EventRef, refs: list[EventRef], comps: list[ComponentRef]) -> EventRef | None:
    """The specific defect a generic one stands for (rule in the module docstring), or None."""
    if event.concept not in load_cues()["defect_concepts"]:
        return None
    specific = {c.id for c in load_event_concepts() if not c.scoped and c.kind == "condition"}
    candidates = {r.key: r for r in refs if r.concept in specific and not r.anaphor}
    if not candidates:
        return None
    own = _families(doc, event, refs, comps)
    matching = [r for r in candidates.values() if own & _families(doc, r, refs, comps)]
    return matching[0] if len(matching) == 1 else None


def resolve_defects(doc: Doc, refs: list[EventRef], comps: list[ComponentRef]) -> tuple[list[EventRef], dict[str, str]]:
    """``refs`` with generic defect mentions told as their specific defect, and the old key -> new key map."""
    renamed: dict[str, str] = {}
    out = []
    for ref in refs:
        specific = None if ref.anaphor else specific_defect(doc, ref, refs, comps)
        if specific is None:
            out.append(ref)
            continue
        renamed[ref.key] = specific.key
        out.append(specific.told_as(ref.anchor, ref.start, ref.end))
    return out, renamed
