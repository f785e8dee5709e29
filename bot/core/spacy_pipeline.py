"""Builds the Dutch spaCy pipeline that Rasa's SpacyNLP loads: no model download needed."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

PIPELINE_VERSION = "1"


def build_pipeline(target: Path) -> Path:
    """Write spacy.blank("nl") with the lookup lemmatizer to `target`, unless it is current.

    The rule lemmatizer needs POS tags, which a blank pipeline lacks; the lookup table
    from spacy-lookups-data gives usable Dutch lemmas (wijkagenten -> wijkagent).
    """
    marker = target / "wijkwijzer.json"
    stamp = {"version": PIPELINE_VERSION, "spacy": spacy.__version__}
    if marker.exists() and json.loads(marker.read_text()) == stamp:
        return target
    target.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.to_disk(target)
    marker.write_text(json.dumps(stamp))
    return target
