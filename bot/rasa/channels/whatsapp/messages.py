"""Rasa's replies as WhatsApp messages: text, buttons, lists, location requests, cards."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from bot.core.replies import area_phrase
from bot.core.roles import ROLES_BY_CODE
from bot.core.texts import DEFAULT_LANGUAGE
from bot.rasa.channels.whatsapp.constants import (
    MAX_BUTTON_ID,
    MAX_BUTTON_TITLE,
    MAX_INTERACTIVE_BODY,
    MAX_LIST_ROWS,
    MAX_REPLY_BUTTONS,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_ID,
    MAX_ROW_TITLE,
    MAX_TEXT_LENGTH,
)
from bot.rasa.channels.whatsapp.texts import ChannelTexts, channel_texts

logger = logging.getLogger(__name__)


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Chunks of at most `limit` characters, cut at a line break or space where possible."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = window.rfind("\n\n")
        if cut < limit // 2:
            cut = window.rfind("\n")
        if cut < limit // 2:
            cut = max(window.rfind(" "), window.rfind("\n"))
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks


def _fit_body(text: str, limit: int) -> tuple[list[str], str]:
    """Plain text chunks to send first, and a last part of at most `limit` characters."""
    text = text.strip()
    if len(text) <= limit:
        return [], text
    start = len(text) - limit
    cut = text.find("\n\n", start, start + limit // 2)
    if cut < 0:
        space = re.compile(r"\s").search(text, start)
        cut = space.start() if space else start
    return split_text(text[:cut]), text[cut:].strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_message(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def location_request_message(body: str) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }


def _choices(buttons: Iterable[Any]) -> list[tuple[str, str]]:
    """(title, payload) of Rasa buttons; the title doubles as payload when there is none."""
    choices = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or title).strip()
        if title or payload:
            choices.append((title or payload, payload))
    return choices


def _unique(values: list[str]) -> bool:
    return len(set(values)) == len(values)


def button_messages(
    text: str, buttons: Iterable[Any], texts: ChannelTexts | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """WhatsApp messages for a Rasa text with buttons, and the payloads of a numbered list.

    Up to 3 buttons become reply buttons, 4 to 10 a list message, more (or any that do
    not fit the limits) numbered text; the payloads are returned for that last case so a
    typed number can be mapped back.
    """
    texts = texts or channel_texts()
    choices = _choices(buttons)
    if not choices:
        return [text_message(chunk) for chunk in split_text(text)], []
    lead, body = _fit_body(text, MAX_INTERACTIVE_BODY)
    messages = [text_message(chunk) for chunk in lead]
    body = body or texts.choose
    ids = [payload for _, payload in choices]

    button_titles = [shorten(title, MAX_BUTTON_TITLE) for title, _ in choices]
    # A title cut short ("Wat doet de wijkage…") reads badly: a list row holds 24
    # characters and the whole title as its description.
    if (
        len(choices) <= MAX_REPLY_BUTTONS
        and all(len(" ".join(title.split())) <= MAX_BUTTON_TITLE for title, _ in choices)
        and _unique(button_titles)
        and _unique(ids)
        and all(len(i) <= MAX_BUTTON_ID for i in ids)
    ):
        buttons_json = [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, button_titles, strict=True)
        ]
        messages.append(
            {
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": body},
                    "action": {"buttons": buttons_json},
                },
            }
        )
        return messages, []

    row_titles = [shorten(title, MAX_ROW_TITLE) for title, _ in choices]
    if (
        len(choices) <= MAX_LIST_ROWS
        and _unique(row_titles)
        and _unique(ids)
        and all(len(i) <= MAX_ROW_ID for i in ids)
    ):
        rows = []
        for (title, payload), row_title in zip(choices, row_titles, strict=True):
            row = {"id": payload, "title": row_title}
            if row_title != title:
                row["description"] = shorten(title, MAX_ROW_DESCRIPTION)
            rows.append(row)
        messages.append(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": {"text": body},
                    "action": {
                        "button": texts.list_button,
                        "sections": [{"title": texts.list_section, "rows": rows}],
                    },
                },
            }
        )
        return messages, []

    numbered = "\n".join(f"{n}. {title}" for n, (title, _) in enumerate(choices, start=1))
    full = f"{text.strip()}\n\n{numbered}\n\n{texts.numbered_hint}".strip()
    return [text_message(chunk) for chunk in split_text(full)], ids


def _role_label(code: str) -> str:
    """The Dutch name residents see for a route code, e.g. "de wijkagent"."""
    role = ROLES_BY_CODE.get(code)
    return role.name if role is not None else code.replace("_", " ")


def _heading(role: str, area: dict[str, Any], language: str) -> str:
    """ "De wijkagent voor de Vogelbuurt"; in another language, without Dutch grammar:
    "Wijkagent · Vogelbuurt" (the role keeps its Dutch name, as in every answer)."""
    name = str(area.get("name") or "")
    if language == DEFAULT_LANGUAGE:
        heading = role[:1].upper() + role[1:]
        if name:
            heading += f" voor {area_phrase(name, str(area.get('level') or 'buurt'))}"
        return heading
    for article in ("de ", "het "):
        if role.lower().startswith(article):
            role = role[len(article) :]
    heading = role[:1].upper() + role[1:]
    return f"{heading} · {name}" if heading and name else heading or name


def format_contact_card(card: Any, texts: ChannelTexts | None = None) -> str:
    """A contact_card payload (CONTRACT.md section 2) as readable WhatsApp text."""
    texts = texts or channel_texts()
    if not isinstance(card, dict):
        return ""
    own_name = card.get("role_name")
    # A municipality's own name of the role, when the bot sent one.
    role = (
        own_name
        if isinstance(own_name, str) and own_name
        else _role_label(str(card.get("role") or ""))
    )
    area = card.get("area")
    area = area if isinstance(area, dict) else {}
    heading = _heading(role, area, texts.language)
    blocks = [f"*{heading}*"] if heading else []
    contacts = card.get("contacts")
    contacts = contacts if isinstance(contacts, list) else []
    for contact in contacts:
        if not isinstance(contact, dict):
            continue
        lines = [str(contact[key]) for key in ("name", "organisation") if contact.get(key)]
        lines += [
            f"{label}: {contact[key]}" for key, label in texts.card_labels if contact.get(key)
        ]
        # "Nu bereikbaar tot 12:00" or the next spreekuur, as the bot worded it.
        if isinstance(contact.get("reachable"), str) and contact["reachable"]:
            lines.append(contact["reachable"])
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if contacts else ""
