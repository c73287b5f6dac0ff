"""One parsed article -> graph.schema.Extraction: Source, Mentions, Components, Events, TimePoints, Claims, edges.

Every Component, Event, TimePoint, Claim and edge lists the Mention ids that
support it; a Mention is the sentence, the character span of the supporting
quote in the cleaned article text, and the quote itself. Ids follow
graph/CONVENTIONS.md. A text with neither components nor failure events yields
only its Source and the warning "no incident content found".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from graph.schema import (
    ClaimNode,
    ComponentNode,
    Edge,
    Extraction,
    MentionNode,
    Node,
    SourceNode,
    TimePointNode,
    edge,
    node_id,
)
from ingest.claims.assertions import ClaimRecord, extract_claims, iso_utc
from ingest.extraction.causality import is_intention
from ingest.extraction.entities import ComponentRef
from ingest.extraction.events import EventRef
from ingest.lexicon import load_cues
from ingest.reading.sources import Article
from ingest.timing.time_anchors import ends_event, timed_event
from ingest.timing.times import TimeContext, TimeExpression, extract_times

NO_CONTENT = "no incident content found"
INCIDENT_KINDS = ("failure", "symptom", "impact", "condition")
TIME_CLAIMS = ("started_at", "ended_at", "time", "date", "duration")


class _Builder:
    """Accumulates nodes and edges for one article, creating each Mention once."""

    def __init__(self, doc: Doc, article: Article, incident_id: str) -> None:
        self.doc, self.iid = doc, incident_id
        self.text = article.text  # the Doc's text; Doc.text would rebuild it from every token on each access
        self.hash16 = article.content_hash[:16]
        self.source_id = node_id(incident_id, "Source", self.hash16)
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        # Sentence boundaries once: Span.sent walks the whole Doc on every call.
        self.sents = [(s.start_char, s.end_char) for s in doc.sents]
        self.sent_starts = [start for start, _ in self.sents]

    def sentence_of(self, char: int) -> tuple[int, int]:
        """(start_char, end_char) of the sentence holding character ``char``."""
        return self.sents[max(bisect_right(self.sent_starts, char) - 1, 0)]

    def mention(self, start: int, end: int) -> str:
        s_start, s_end = self.sentence_of(start)
        mid = node_id(self.iid, "Mention", f"{self.hash16}-{s_start}-{start}-{end}")
        if mid not in self.nodes:
            quote = self.text[start:end]
            sentence = self.text[s_start:max(s_end, end)].strip()
            self.nodes[mid] = MentionNode(mid, self.iid, self.source_id, sentence, start, end, quote).to_node()
            self.edges.append(edge("PART_OF", mid, self.source_id, self.iid, evidence=[mid]))
        return mid

    def add(self, node: Node) -> None:
        """Add (or replace) a node and the Source's MENTIONS edge to it, with the node's evidence."""
        self.nodes[node.id] = node
        evidence = list(node.props.get("evidence", []))
        self.edges.append(edge("MENTIONS", self.source_id, node.id, self.iid, evidence=evidence))


def _components(b: _Builder, refs: list[ComponentRef]) -> dict[str, str]:
    """Component nodes (one per slug) and PART_OF edges; returns slug -> node id."""
    grouped: dict[str, list[ComponentRef]] = {}
    for ref in refs:
        grouped.setdefault(ref.slug, []).append(ref)
    ids = {slug: node_id(b.iid, "Component", slug) for slug in grouped}
    for slug, group in grouped.items():
        first = group[0]
        aliases = list(dict.fromkeys(a for r in group for a in [r.text, *r.aliases] if a != first.name))
        evidence = list(dict.fromkeys(b.mention(r.start_char, r.end_char) for r in group))
        b.add(ComponentNode(ids[slug], b.iid, slug, first.name, first.kind, aliases, evidence, [b.source_id]).to_node())
        parent = next((r.parent for r in group if r.parent in ids and r.parent != slug), None)
        if parent:
            b.edges.append(edge("PART_OF", ids[slug], ids[parent], b.iid, evidence=evidence[:1]))
    return ids


def _char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _events(b: _Builder, refs: list[EventRef], comp_ids: dict[str, str]) -> dict[str, str]:
    """Event nodes (one per canonical phrase) and AFFECTS edges; returns event key -> node id."""
    grouped: dict[str, list[EventRef]] = {}
    for ref in refs:
        grouped.setdefault(ref.key, []).append(ref)
    # "Why did the Enactor delete all records?" asks, it does not tell: such events stay out unless told too
    grouped = {k: g for k, g in grouped.items() if not all(_asked(b, r) for r in g)}
    ids = {}
    for key, group in grouped.items():
        first = next((r for r in group if not r.anaphor), group[0])
        eid = ids[key] = node_id(b.iid, "Event", key)
        evidence = list(dict.fromkeys(b.mention(*_char_span(b.doc, r.start, r.end)) for r in group))
        comps = [comp_ids[s] for s in dict.fromkeys(s for r in group for s in r.components) if s in comp_ids]
        props = {"incident": b.iid, "summary": first.summary, "kind": first.kind, "components": comps,
                 "evidence": evidence, "sources": [b.source_id], "concept": first.concept, "terms": list(first.terms)}
        if any(r.unexplained for r in group):
            props["unexplained"] = True
        b.add(Node("Event", eid, props))
        for cid in comps:
            b.edges.append(edge("AFFECTS", eid, cid, b.iid, evidence=evidence[:1]))
    return ids


def _asked(b: _Builder, ref: EventRef) -> bool:
    """True if the event is mentioned in a question."""
    start, end = b.sentence_of(b.doc[ref.anchor].idx)
    return b.text[start:end].rstrip().rstrip("\"”’'").endswith("?")


def _causal_edges(b: _Builder, event_ids: dict[str, str]) -> None:
    """CAUSES edges between the article's events, each with its cue and the quote that states it."""
    for link in b.doc._.causal or []:
        cause, effect = link.cause, link.effect
        if cause in event_ids and effect in event_ids and cause != effect:
            mid = b.mention(link.start_char, link.end_char)
            b.edges.append(edge("CAUSES", event_ids[cause], event_ids[effect], b.iid, cue=link.cue,
                                cues=[link.cue], confidence=link.confidence, evidence=[mid]))


def _dependency_edges(b: _Builder, comp_ids: dict[str, str]) -> None:
    for dep in b.doc._.depends or []:
        if dep.dependent in comp_ids and dep.provider in comp_ids:
            mid = b.mention(dep.start_char, dep.end_char)
            b.edges.append(edge("DEPENDS_ON", comp_ids[dep.dependent], comp_ids[dep.provider], b.iid, cue=dep.cue,
                                confidence=dep.confidence, evidence=[mid]))


def _time_points(b: _Builder, times: Iterable[TimeExpression], refs: list[EventRef],
                 event_ids: dict[str, str]) -> dict[str, str]:
    """TimePoints for resolved instants (restatements in another zone are left to the claims); AT edges.

    Each time goes to the event of the clause it modifies (``ingest.timing.time_anchors``). Clock times are
    placed first, so a date told in the same clause ("On 3 March at 14:05") never takes the minute's place.
    One article telling one event at two times ("operating normally" at 10:36 and again at 13:50) tells
    two occurrences; the later time is left to its claim rather than moving the event.
    """
    ids: dict[str, str] = {}
    timed: dict[str, str] = {}  # event key -> the UTC time it is AT in this article
    usable = [e for e in times if e.utc is not None and e.pair_of is None and is_time_point(e)
              and not is_intention(b.doc, e.start) and not is_unreal_moment(b.doc, e.start, e.end)
              and not _dates_a_clock(b.text, e, times)
              and not _is_publication_date(b.text, e)]
    spans = [(e.start, e.end) for e in times]
    for expr in sorted(usable, key=lambda e: (e.precision not in ("minute", "hour"), e.start)):
        utc = iso_utc(expr.utc)
        tid = ids.setdefault(utc, node_id(b.iid, "TimePoint", utc))
        mid = b.mention(expr.start, expr.end)
        old = b.nodes.get(tid)
        evidence = (old.props["evidence"] if old else []) + [mid]
        b.add(TimePointNode(tid, b.iid, utc, old.props["raw"] if old else expr.raw, expr.precision,
                            list(dict.fromkeys(evidence)), [b.source_id]).to_node())
        event = _timed_event(b, refs, expr, spans, timed, utc)
        if event is not None and event.key in event_ids:
            _place(b, event_ids[event.key], expr, spans, tid, mid, utc)
            timed.setdefault(event.key, utc)
    return ids


def is_time_point(expr: TimeExpression) -> bool:
    """Whether a resolved expression names a moment of the incident: a clock time, a written date, or a
    narrative offset ("two hours later"). A bare weekday, a month, and offsets from something else ("27
    minutes after the deploy", "two weeks before they expire") say when relative to what the sentence
    names, not when on the timeline."""
    if expr.kind == "offset":
        return expr.raw.lower().rstrip().endswith("later")
    return expr.kind in ("clock", "date") and not expr.relative and expr.precision != "month"


def is_unreal_moment(doc: Doc, start: int, end: int) -> bool:
    """True for a time that is no moment of the incident: a routine ("a job runs every day at 03:00", "normally
    finishes by 03:20"), a plan ("the migration was planned for 13:00") or a counterfactual ("had it been
    rolled back at 14:10, the outage would have lasted five minutes")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    cues = load_cues()
    sent = span.root.sent
    window = list(doc[max(sent.start, span.start - 6):span.start]) + list(doc[span.end:min(sent.end, span.end + 2)])
    if any(t.lower_ in cues["recurrence_markers"] for t in window):
        return True
    verb = next((t for t in [span.root, *span.root.ancestors] if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    for clause in (verb, *(t for t in verb.ancestors if t.pos_ in ("VERB", "AUX"))):
        auxes = {c.lower_ for c in clause.children if c.dep_ in ("aux", "auxpass")}
        if auxes & set(cues["hypothetical_modals"]) and "have" in auxes:
            return True  # "had it been rolled back at 14:10, the outage would have lasted five minutes"
    return verb.lemma_.lower() in cues["plan_verbs"] or any(c.dep_ == "mark" and c.lower_ == "if" for c in verb.children)


def _dates_a_clock(text: str, expr: TimeExpression, times: Iterable[TimeExpression]) -> bool:
    """True for the date of "On 3 March 2026 at 14:05 UTC": it only says which day the clock time is on."""
    if expr.kind != "date" or expr.utc is None:
        return False
    return any(c.kind == "clock" and c.utc is not None and 0 <= c.start - expr.end <= 30
               and _DATE_TO_CLOCK.fullmatch(text[expr.end:c.start]) is not None for c in times)


# what may stand between a date and the clock time it dates: "March 8, between 14:05 and ...", "on 3 March at 9"
_DATE_TO_CLOCK = re.compile(r",?\s*(?:(?:at|from|between|around|about|approximately|shortly|just|starting|beginning"
                            r"|after|before|until|by|ca\.?)\s+)*")


DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{2,}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?,\s*$")


def _is_publication_date(text: str, expr: TimeExpression) -> bool:
    """True for the date a piece carries about itself: a dateline ("AUSTIN, Texas, July 24, 2024 --") or a
    line that says when it was published or updated."""
    if expr.kind != "date":
        return False
    line_start = text.rfind("\n", 0, expr.start) + 1
    before = text[line_start:expr.start]
    markers = load_cues()["publication_markers"]
    return DATELINE.match(before) is not None or any(before.strip().lower().startswith(m) for m in markers)


ENTRY_MARKS = re.compile(r"[\s\-*•–—|:,]*")


def _entry_event(b: _Builder, refs: list[EventRef], expr: TimeExpression, spans: list[tuple[int, int]],
                 timed: dict[str, str], utc: str) -> EventRef | None:
    """A time that opens a line ("- 13:02 A migration started", "Oct 20 8:43 AM PDT: We traced ...") times
    the first event its line tells, however the parser split the line. A line that is nothing but a time stamp
    times the entry it touches: the text just above it (a status page's "Resolved - ...\nJun 12, 16:40 UTC"),
    else the text just below it."""
    line_start = b.text.rfind("\n", 0, expr.start) + 1
    line_end = b.text.find("\n", expr.end)
    line_end = len(b.text) if line_end < 0 else line_end

    def stamp_only(start: int, end: int) -> bool:  # nothing but time expressions and marks
        rest, at = [], start
        for s, e in sorted((s, e) for s, e in spans if s < end and e > start):  # the few spans on this line
            rest.append(b.text[at:max(at, s)])
            at = max(at, e)
        rest.append(b.text[at:end])
        return ENTRY_MARKS.fullmatch("".join(rest)) is not None

    if not stamp_only(line_start, expr.start):
        return None
    lo, hi = expr.end, line_end
    if stamp_only(expr.end, line_end):
        above = b.text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        below = b.text.find("\n", line_end + 1)
        below = len(b.text) if below < 0 else below
        if line_start > 0 and b.text[above:line_start - 1].strip():
            lo, hi = above, line_start - 1  # the entry above its stamp
        elif line_end < len(b.text) and b.text[line_end + 1:below].strip():
            lo, hi = line_end + 1, below  # the entry below its stamp
    inside = [r for r in refs if lo <= b.doc[r.anchor].idx < hi and timed.get(r.key, utc) == utc
              and not any(s <= b.doc[r.anchor].idx < e for s, e in spans)]
    # "The issue has been identified as ...": a reference back is no news of the entry
    return min(inside, key=lambda r: (r.anaphor, r.anchor), default=None)


def _timed_event(b: _Builder, refs: list[EventRef], expr: TimeExpression, spans: list[tuple[int, int]],
                 timed: dict[str, str], utc: str) -> EventRef | None:
    if expr.precision in ("minute", "hour", "second") \
            and (entry := _entry_event(b, refs, expr, spans, timed, utc)) is not None:
        return entry
    s_start, s_end = b.sentence_of(expr.start)
    candidates = [r for r in refs if s_start <= b.doc[r.anchor].idx < s_end and timed.get(r.key, utc) == utc]
    return timed_event(b.doc, candidates, expr.start, expr.end, precise=expr.precision in ("minute", "hour"),
                       spans=spans)


def _place(b: _Builder, eid: str, expr: TimeExpression, spans: list[tuple[int, int]], tid: str, mid: str,
           utc: str) -> None:
    """Time event ``eid``: its ``until`` after "until", else an AT edge and its ``at`` if not yet set."""
    node = b.nodes[eid]
    if ends_event(b.doc, expr.start, expr.end, spans):
        b.nodes[eid] = Node("Event", eid, {"until": utc, **node.props})
        return
    if expr.precision not in ("minute", "hour") and "at" in node.props:
        return  # the event already has its clock time
    b.edges.append(edge("AT", eid, tid, b.iid, evidence=[mid]))
    if "at" not in node.props:
        b.nodes[eid] = Node("Event", eid, {**node.props, "at": utc, "precision": expr.precision})


def _about(b: _Builder, claim: ClaimRecord, refs: list[EventRef], event_ids: dict[str, str],
           comps: list[ComponentRef], comp_ids: dict[str, str]) -> str | None:
    """The Event (or else Component) the claim's about-phrase names."""
    about = claim.about_text.lower()
    if not about:
        return None
    inside = [r for r in refs if claim.start <= b.doc[r.anchor].idx < claim.end and r.key in event_ids]
    words = set(about.split())
    scored = [(len(words & set(r.terms)) + (b.doc[r.anchor].lower_ in about), r) for r in inside]
    scored = [(s, r) for s, r in scored if s > 0]
    if scored:
        best = max(scored, key=lambda sr: sr[0])[1]
        return event_ids.get(best.key)
    named = next((c for c in comps if c.name.lower() in about or c.text.lower() in about), None)
    return comp_ids.get(named.slug) if named else None


def _claims(b: _Builder, claims: list[ClaimRecord], refs: list[EventRef], event_ids: dict[str, str],
            comps: list[ComponentRef], comp_ids: dict[str, str], time_ids: dict[str, str]) -> None:
    told: dict[str, int] = {}
    for claim in claims:
        key = f"{b.hash16}-{claim.start}-{claim.end}-{claim.kind}"
        told[key] = told.get(key, 0) + 1  # "a combination of A and B": one sentence, a claim for each item
        cid = node_id(b.iid, "Claim", key if told[key] == 1 else f"{key}-{told[key]}")
        mid = b.mention(claim.start, claim.end)
        node = ClaimNode(cid, b.iid, claim.kind, claim.text, b.source_id, claim.value, [mid]).to_node()
        b.add(Node("Claim", cid, {**node.props, "about": claim.about_text, "polarity": claim.polarity}))
        instant = (claim.value or "").split(";")[0]
        if claim.kind in TIME_CLAIMS and instant in time_ids:
            b.edges.append(edge("AT", cid, time_ids[instant], b.iid, evidence=[mid]))
            b.edges.append(edge("ABOUT", cid, time_ids[instant], b.iid, evidence=[mid]))
        elif claim.kind in TIME_CLAIMS:
            b.edges.append(edge("ABOUT", cid, b.iid, b.iid, evidence=[mid]))
        elif (target := _about(b, claim, refs, event_ids, comps, comp_ids)) is not None:
            b.edges.append(edge("ABOUT", cid, target, b.iid, evidence=[mid]))


def has_incident_content(doc: Doc) -> bool:
    """True if the parsed text names a component or tells a failure-like event."""
    return bool(doc._.components) or any(e.kind in INCIDENT_KINDS for e in doc._.events or [])


def extract_article(nlp: Language, article: Article, incident_id: str, *, doc: Doc | None = None,
                    ctx: TimeContext | None = None) -> Extraction:
    """Everything ``article`` says about the incident, as schema-valid nodes and edges with evidence.

    ``doc`` is the article already run through ``nlp`` (from ``nlp.pipe``), so nothing is parsed twice.
    """
    if doc is None:
        doc = nlp(article.text)
    elif len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(article.text):
        raise ValueError("doc was parsed from another text: pass the Doc of article.text")
    b = _Builder(doc, article, incident_id)
    source = SourceNode(b.source_id, incident_id, article.content_hash, article.title, article.url, article.outlet,
                        article.published, words=sum(1 for t in doc if t.is_alpha), text=article.text)
    if not has_incident_content(doc):
        source.warnings = [NO_CONTENT]
        return Extraction(incident_id, source, [source.to_node()], [edge("PART_OF", b.source_id, incident_id,
                                                                          incident_id)], [NO_CONTENT])
    comps: list[ComponentRef] = doc._.components or []
    refs = doc._.events or []
    comp_ids = _components(b, comps)
    event_ids = _events(b, refs, comp_ids)
    _causal_edges(b, event_ids)
    _dependency_edges(b, comp_ids)
    ctx = ctx or TimeContext(published=article.published)
    times = extract_times(b.text, ctx)
    time_ids = _time_points(b, times, refs, event_ids)
    # Date claims keep the year as written (ingest.claims.assertions.time_claims), so one extraction serves both.
    claims = extract_claims(doc, ctx=ctx, times=times)
    _claims(b, claims, refs, event_ids, comps, comp_ids, {iso: tid for iso, tid in time_ids.items()})
    nodes = [source.to_node(), *b.nodes.values()]
    edges = [edge("PART_OF", b.source_id, incident_id, incident_id), *b.edges]
    return Extraction(incident_id, source, nodes, edges, [])
