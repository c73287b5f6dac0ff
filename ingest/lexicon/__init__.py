"""Loaders for the lexicon data files in this folder (components, event concepts, cue words, system heads).

The files are data, not code: add a component, an event noun or a cue word by
editing the JSON/JSONL file; nothing else changes. Each loader reads its file
once per process (the files do not change while the service runs).

>>> load_cues()["causal_verbs"]["cause"]
0.9
>>> load_component_lexicon()["dynamodb"].kind
'service'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LexiconComponent:
    """One known component: canonical id (slug), display name, kind and the names it goes by."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    case_sensitive: tuple[str, ...]
    qualifier: bool = False  # names a kind of thing (DNS, BGP): "DNS servers" are components of their own


@dataclass(frozen=True)
class EventConcept:
    """A general outage concept: how the text says it (nouns, verbs...) and what kind of event it is.

    ``scoped`` concepts ("outage", "delay") are generic and take the component or
    thing they happen to into their canonical phrase ("DynamoDB outage"); unscoped
    ones ("race condition") are specific enough on their own. ``generic`` concepts
    ("outage", "change", "recovery") say nothing without that scope: a mention with
    none is vague (``ingest.extraction.event_phrases``).
    """

    id: str
    label: str
    kind: str
    scoped: bool
    nouns: tuple[tuple[str, ...], ...]
    verbs: tuple[tuple[str, ...], ...]
    object_verbs: tuple[tuple[str, ...], ...]
    adjectives: tuple[str, ...]
    negated_verbs: tuple[str, ...]
    requires_scope: bool = False
    generic: bool = False


def _jsonl(name: str) -> list[dict[str, Any]]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@lru_cache(maxsize=1)
def load_component_lexicon() -> dict[str, LexiconComponent]:
    """Known components by id, from components.jsonl."""
    out: dict[str, LexiconComponent] = {}
    for row in _jsonl("components.jsonl"):
        out[row["id"]] = LexiconComponent(
            row["id"], row["name"], row["kind"], tuple(row.get("aliases", ())), tuple(row.get("case_sensitive", ())),
            bool(row.get("qualifier")),
        )
    return out


def _phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(v.lower().split()) for v in values)


@lru_cache(maxsize=1)
def load_event_concepts() -> tuple[EventConcept, ...]:
    """Event concepts from events.jsonl, in file order (earlier entries win ties)."""
    return tuple(
        EventConcept(
            row["id"], row["label"], row["kind"], bool(row.get("scoped")), _phrases(row.get("nouns", [])),
            _phrases(row.get("verbs", [])), _phrases(row.get("object_verbs", [])),
            tuple(row.get("adjectives", ())), tuple(row.get("negated_verbs", ())), bool(row.get("requires_scope")),
            bool(row.get("generic")),
        )
        for row in _jsonl("events.jsonl")
    )


@lru_cache(maxsize=1)
def load_cues() -> dict[str, Any]:
    """Causal, dependency and discourse cue words from cues.json."""
    return json.loads((HERE / "cues.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_system_heads() -> dict[str, Any]:
    """Head nouns and introducer words that mark a system name, from system_heads.json."""
    return json.loads((HERE / "system_heads.json").read_text(encoding="utf-8"))


def ruler_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns (label COMPONENT, id = lexicon id) for every name and alias.

    Case-insensitive names are phrase patterns (the ruler matches them on LOWER);
    names listed in ``case_sensitive`` are token patterns on ORTH.
    """
    patterns: list[dict[str, Any]] = []
    for comp in load_component_lexicon().values():
        for name in (comp.name, *comp.aliases):
            if name in comp.case_sensitive or comp.name in comp.case_sensitive:  # "Slack", not "slack"
                patterns.append({"label": "COMPONENT", "id": comp.id, "pattern": [{"ORTH": w} for w in name.split()]})
            else:  # phrase patterns (fast PhraseMatcher), matched on lower case by the ruler's config
                patterns.append({"label": "COMPONENT", "id": comp.id, "pattern": name})
    return patterns


@lru_cache(maxsize=1)
def load_event_kinds() -> dict[str, str]:
    """Word -> event kind, from event_kinds.json (a word listed under several kinds keeps the last)."""
    data = json.loads((HERE / "event_kinds.json").read_text(encoding="utf-8"))
    return {word: kind for kind, words in data.items() if not kind.startswith("_") for word in words}


@lru_cache(maxsize=1)
def load_claim_phrases() -> dict[str, Any]:
    """Phrases that mark explicit assertions (root cause, first symptom...), from claims.json."""
    return json.loads((HERE / "claims.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_zone_names() -> frozenset[str]:
    """Every word of the time-zone names in timezones.json ("PDT", "Pacific", "London")."""
    data = json.loads((HERE / "timezones.json").read_text(encoding="utf-8"))
    return frozenset(w for name in data if not name.startswith("_") for w in name.split() if w[:1].isupper())
