"""The resident's sentences, one file per language (nl.yml, en.yml), each sentence written once.

`say("route.role", role="de wijkagent")` fills a sentence's placeholders; `responses()` gives
the Rasa responses that `wijkwijzer texts` writes into domain.yml. English also has the
English names, glosses and descriptions of the roles (`role_texts`) and the topic labels
(`topic_labels`); Dutch keeps those as data (bot/core/roles.py, bot/core/topics.py).
The languages we do not serve (ar.yml, tr.yml, ...) only hold the one fixed answer that
says which languages we do serve (`other_language.*`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.core import constants

TEXTS_DIR = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = constants.DEFAULT_LANGUAGE
# The languages a conversation can be in: every response and sentence exists in each.
LANGUAGES = constants.CONVERSATION_LANGUAGES
# Languages we do not serve but answer with one fixed text in that language; any other
# language gets the English one.
OTHER_LANGUAGES = ("ar", "tr", "pl", "uk", "de", "fr", "es")
OTHER_LANGUAGE_FALLBACK = "en"


@cache
def _load(language: str) -> dict[str, Any]:
    path = TEXTS_DIR / f"{language}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), dict):
        raise ValueError(f"{path}: needs a `sentences:` mapping")
    return data


def sentences(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every sentence template of a language, by key."""
    return dict(_load(language)["sentences"])


def responses(language: str = DEFAULT_LANGUAGE) -> dict[str, list[dict[str, Any]]]:
    """The Rasa responses of a language, in domain.yml's form."""
    return dict(_load(language).get("responses") or {})


def role_texts(language: str) -> dict[str, dict[str, Any]]:
    """Per route code the role's `name`, `gloss` and `description` in `language`, and the
    `words` residents use for it (English only: Dutch ones are data, in the roles table and
    bot/core/roles.py)."""
    if language not in LANGUAGES:
        return {}
    return dict(_load(language).get("roles") or {})


def topic_labels(language: str) -> dict[str, str]:
    """Per intent a short label for the fallback's buttons, when `language` has its own."""
    if language not in LANGUAGES:
        return {}
    return dict(_load(language).get("topics") or {})


def say(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The sentence `key` with its placeholders filled; a missing key is a programming error."""
    template = _load(language)["sentences"].get(key)
    if template is None:
        template = _load(DEFAULT_LANGUAGE)["sentences"][key]
    return str(template).format(**values) if values else str(template)


RESPONSES_HEADER = (
    "# Written by `wijkwijzer texts` from bot/core/texts/*.yml: edit them there, then run it.\n"
)


def domain_with_responses(domain_text: str) -> str:
    """domain.yml's text with its `responses:` section (the file's last) written from the texts.

    English and other languages, when present, become conditional variations on the
    `language` slot after the Dutch default.
    """
    head = domain_text.split(RESPONSES_HEADER)[0].split("\nresponses:\n")[0].rstrip("\n")
    merged: dict[str, list[dict[str, Any]]] = {}
    for language in LANGUAGES:
        for name, variations in responses(language).items():
            for variation in variations:
                variation = dict(variation)
                if language != DEFAULT_LANGUAGE:
                    condition = [{"type": "slot", "name": "language", "value": language}]
                    variation = {**variation, "condition": condition}
                merged.setdefault(name, []).append(variation)
    body = yaml.safe_dump(
        {"responses": merged}, allow_unicode=True, sort_keys=False, width=10_000, indent=2
    )
    return f"{head}\n\n{RESPONSES_HEADER}{body}"
