"""Component dependencies the text states: "EC2's control plane uses DynamoDB", "services that rely on DynamoDB".

Cue verbs and adjectives come from ``lexicon/cues.json`` (``dependency_verbs``,
``dependency_adjectives``) with their confidence. The dependent side is the
components in the clause's subject (or the noun a relative clause or adjective
modifies); the provider side is the components in the object or prepositional
object. A passive with no component in its subject ("State check results are
stored in DynamoDB") takes the previous sentence's subject component as the
dependent, because such sentences continue describing that component.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ingest.extraction.entities import ComponentRef
from ingest.lexicon import load_cues, load_system_heads


@dataclass
class DependsOn:
    """``dependent`` needs ``provider`` (component slugs), with the cue, confidence and quote character span."""

    dependent: str
    provider: str
    cue: str
    confidence: float
    start_char: int
    end_char: int


def _comps_in(tokens: list[Token], comp_at: dict[int, ComponentRef]) -> list[ComponentRef]:
    seen: dict[str, ComponentRef] = {}
    for tok in tokens:
        if tok.i in comp_at:
            seen.setdefault(comp_at[tok.i].slug, comp_at[tok.i])
    return list(seen.values())


def _cue(tok: Token, table: dict[str, float]) -> tuple[str, float] | None:
    words = {c.lower_ for c in tok.children if c.dep_ in ("prep", "prt", "agent")}
    for phrase, conf in sorted(table.items(), key=lambda kv: -len(kv[0])):
        parts = phrase.split()
        if parts[0] == tok.lemma_.lower() and all(p in words for p in parts[1:]):
            return phrase, conf
    return None


def _provider_tokens(tok: Token) -> list[Token]:
    """The object's head noun, plus its compounds when the head is generic ("the DynamoDB service")."""
    generic = set(load_system_heads()["generic_names"])
    heads = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
    heads += [p for c in tok.children if c.dep_ in ("prep", "agent") and c.lower_ in ("on", "in", "upon", "from")
              for p in c.children if p.dep_ == "pobj"]
    out: list[Token] = []
    for head in heads:
        out.append(head)
        if head.lemma_.lower() in generic or head.lower_ in generic:
            out += [c for c in head.lefts if c.dep_ in ("compound", "nmod")]
    return out


def _dependent_tokens(tok: Token) -> tuple[list[Token], bool]:
    """Tokens naming the dependent, and whether they came from a passive subject."""
    node = tok
    while node.dep_ in ("conj", "xcomp") and not any(c.dep_.startswith("nsubj") for c in node.children):
        node = node.head
    if node.dep_ in ("relcl", "acl", "amod") and node.head.pos_ in ("NOUN", "PROPN"):
        head = node.head
        return [t for t in head.subtree if t.i < node.i or t.i == head.i], False
    for child in node.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return list(child.subtree), child.dep_ == "nsubjpass"
    return [], False


def _is_stranded(tok: Token) -> bool:
    """A relative clause whose preposition lost its object to the antecedent ("that X relies on")."""
    return tok.dep_ in ("relcl", "acl") and any(
        c.dep_ == "prep" and all(g.lower_ in ("that", "which", "whom") for g in c.children if g.dep_ == "pobj")
        for c in tok.children)


def _previous_subject(doc: Doc, tok: Token, comp_at: dict[int, ComponentRef]) -> ComponentRef | None:
    sent = tok.sent
    if sent.start == 0:
        return None
    prev = doc[sent.start - 1].sent
    subj = next((t for t in prev if t.dep_ in ("nsubj", "nsubjpass")), None)
    comps = _comps_in(list(subj.subtree), comp_at) if subj is not None else []
    return comps[0] if comps else None


def find_dependencies(doc: Doc, components: list[ComponentRef]) -> list[DependsOn]:
    """Every DEPENDS_ON pair the text states, once per (dependent, provider) with the first quote."""
    cues = load_cues()
    comp_at = {i: c for c in components for i in range(c.start, c.end)}
    table = {**cues["dependency_verbs"], **cues["dependency_adjectives"]}
    out: dict[tuple[str, str], DependsOn] = {}
    for tok in doc:
        if tok.pos_ not in ("VERB", "ADJ") or (found := _cue(tok, table)) is None:
            continue
        providers = _comps_in(_provider_tokens(tok), comp_at)
        dep_tokens, passive = _dependent_tokens(tok)
        if not providers and _is_stranded(tok):  # "a load balancer that AWS services rely on"
            head = tok.head
            providers = _comps_in([t for t in head.subtree if t.i < tok.i], comp_at)
            dep_tokens = [t for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]
        dependents = _comps_in(dep_tokens, comp_at)
        if not dependents and passive and (prev := _previous_subject(doc, tok, comp_at)) is not None:
            dependents = [prev]
        for dependent in dependents:
            for provider in providers:
                if dependent.slug == provider.slug or (dependent.slug, provider.slug) in out:
                    continue
                lo = min([tok.idx, provider.start_char] + [t.idx for t in dep_tokens[:1]])
                hi = max(tok.idx + len(tok), provider.end_char)
                out[(dependent.slug, provider.slug)] = DependsOn(dependent.slug, provider.slug, found[0], found[1],
                                                                 lo, hi)
    return list(out.values())
