"""The channel's own wording (labels, prompts, errors) in the conversation's language.

The sentences themselves live in bot/core/texts/<language>.yml under `whatsapp.*`; this
module only gathers them per language, so the channel asks for one `ChannelTexts` and
never for a sentence by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.core import texts as resident_texts
from bot.core.texts import DEFAULT_LANGUAGE, say
from bot.rasa.channels.whatsapp.constants import MAX_LIST_BUTTON, MAX_SECTION_TITLE
from bot.rasa.outage import REASON_PROCESSING, outage_text


@dataclass(frozen=True)
class ChannelTexts:
    """Everything the channel writes itself, in one language."""

    language: str
    # The first message a number ever gets from us says which municipality it serves.
    welcome: str
    media: str
    location_prompt: str
    choose: str
    numbered_hint: str
    list_button: str
    list_section: str
    # Contact card field -> label ("phone" -> "Telefoon").
    card_labels: tuple[tuple[str, str], ...]
    # What the resident reads when their message could not be handled at all.
    processing_error: str


def conversation_language(value: object) -> str:
    """A language we have texts for: the slot's value, or Dutch for anything else."""
    known = resident_texts.LANGUAGES
    return value if isinstance(value, str) and value in known else DEFAULT_LANGUAGE


@cache
def channel_texts(language: str = DEFAULT_LANGUAGE) -> ChannelTexts:
    language = conversation_language(language)
    return ChannelTexts(
        language=language,
        welcome=say("whatsapp.welcome", language),
        media=say("whatsapp.media", language),
        location_prompt=say("whatsapp.location_prompt", language),
        choose=say("whatsapp.choose", language),
        numbered_hint=say("whatsapp.numbered_hint", language),
        # Meta refuses a longer list button or section title; a translation must fit too.
        list_button=say("whatsapp.list_button", language)[:MAX_LIST_BUTTON],
        list_section=say("whatsapp.list_section", language)[:MAX_SECTION_TITLE],
        card_labels=tuple(
            (key, say(f"whatsapp.card_{key}", language)) for key in ("phone", "email", "hours")
        ),
        processing_error=outage_text(REASON_PROCESSING, language),
    )
