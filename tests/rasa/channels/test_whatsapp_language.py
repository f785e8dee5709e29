"""The WhatsApp channel's own words (list button, prompts, card labels, errors) follow the
conversation's `language` slot, also when the resident's message just switched it."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

from bot.core import texts
from bot.core.constants import PAYLOAD_ASK_LOCATION, PAYLOAD_CONTACT_CARD
from bot.rasa.channels.whatsapp import (
    MAX_LIST_BUTTON,
    MAX_SECTION_TITLE,
    SLOT_LANGUAGE,
    WhatsAppInput,
    WhatsAppSettings,
    button_messages,
    channel_texts,
    conversation_language,
    format_contact_card,
    parse_gemeenten,
)
from bot.rasa.outage import REASON_PROCESSING, outage_text

# Stand-in English sentences, so these tests do not depend on the wording in en.yml.
ENGLISH = {
    "whatsapp.welcome": "Welcome to Wijkwijzer of the municipality of {gemeente}.",
    "whatsapp.media": "Sorry, I can only read text and locations.",
    "whatsapp.location_prompt": "Where do you live? Share your location.",
    "whatsapp.choose": "Make a choice:",
    "whatsapp.numbered_hint": "Type the number of your choice.",
    "whatsapp.list_button": "See the choices",
    "whatsapp.list_section": "Choices",
    "whatsapp.card_phone": "Phone",
    "whatsapp.card_email": "Email",
    "whatsapp.card_hours": "Hours",
    "outage.processing": "Sorry, your message was not processed.",
    "outage.urgent": "Is there danger now? Call 112 at once.",
}
CARD = {
    "role": "wijkagent",
    "area": {"code": "BU03440100", "name": "Vogelbuurt", "level": "buurt"},
    "contacts": [{"name": "Sanne de Vries", "phone": "0900-8844", "email": "s@example.nl"}],
}
# Rasa warns about removed auto-fill whenever a domain with slots is built from a dict.
pytestmark = pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed")
FIVE_BUTTONS = [{"title": f"Choice {n}", "payload": f"/choice{n}"} for n in range(1, 6)]


def _clear_caches() -> None:
    texts._load.cache_clear()
    channel_texts.cache_clear()


@pytest.fixture
def english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The texts with an English file beside the real Dutch one."""
    shutil.copy(texts.TEXTS_DIR / "nl.yml", tmp_path / "nl.yml")
    (tmp_path / "en.yml").write_text(
        yaml.safe_dump({"sentences": ENGLISH}, allow_unicode=True), encoding="utf-8"
    )
    monkeypatch.setattr(texts, "TEXTS_DIR", tmp_path)
    monkeypatch.setattr(texts, "LANGUAGES", ("nl", "en"))
    _clear_caches()
    yield ENGLISH
    monkeypatch.undo()
    _clear_caches()


def _tracker_store() -> InMemoryTrackerStore:
    domain = Domain.from_dict(
        {
            "entities": ["language"],
            "slots": {
                SLOT_LANGUAGE: {
                    "type": "categorical",
                    "values": ["nl", "en"],
                    "initial_value": "nl",
                    "influence_conversation": False,
                    "mappings": [{"type": "from_entity", "entity": "language"}],
                }
            },
        }
    )
    return InMemoryTrackerStore(domain)


async def _save(store: InMemoryTrackerStore, sender_id: str, text: str, language: str) -> None:
    """What Rasa does with a message: the conversation is stored, here with its language."""
    tracker = await store.get_or_create_tracker(sender_id)
    tracker.update(UserUttered(text))
    tracker.update(SlotSet(SLOT_LANGUAGE, language))
    await store.save(tracker)


def _interactive(sent: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(m["interactive"] for m in sent if m.get("interactive", {}).get("type") == kind)


# --------------------------------------------------------------------------- the texts


def test_dutch_is_the_default_and_for_languages_without_texts() -> None:
    assert conversation_language(None) == "nl"
    assert conversation_language("fr") == "nl"
    assert conversation_language(3) == "nl"
    assert channel_texts("fr") == channel_texts("nl")
    assert channel_texts().language == "nl"


def test_english_texts_come_from_the_english_file(english: dict[str, str]) -> None:
    en = channel_texts("en")
    assert en.language == "en"
    assert en.list_button == english["whatsapp.list_button"]
    assert en.choose == english["whatsapp.choose"]
    assert dict(en.card_labels)["phone"] == english["whatsapp.card_phone"]
    # The apology is the outage module's, in English.
    assert en.processing_error == outage_text(REASON_PROCESSING, "en")
    assert en.processing_error != outage_text(REASON_PROCESSING)
    # Dutch is untouched.
    assert channel_texts("nl").list_button == texts.say("whatsapp.list_button")


def test_a_list_button_or_section_title_too_long_for_meta_is_cut(
    english: dict[str, str], tmp_path: Path
) -> None:
    long = {**english, "whatsapp.list_button": "x" * 40, "whatsapp.list_section": "y" * 40}
    (tmp_path / "en.yml").write_text(yaml.safe_dump({"sentences": long}), encoding="utf-8")
    _clear_caches()
    en = channel_texts("en")
    assert len(en.list_button) == MAX_LIST_BUTTON and len(en.list_section) == MAX_SECTION_TITLE


def test_lists_and_numbered_choices_in_english(english: dict[str, str]) -> None:
    en = channel_texts("en")
    [listed], _ = button_messages("", FIVE_BUTTONS, en)
    assert listed["interactive"]["body"]["text"] == english["whatsapp.choose"]
    assert listed["interactive"]["action"]["button"] == english["whatsapp.list_button"]
    assert listed["interactive"]["action"]["sections"][0]["title"] == "Choices"
    many = [{"title": f"Choice {n}", "payload": f"/c{n}"} for n in range(1, 13)]
    numbered, payloads = button_messages("Which one?", many, en)
    assert english["whatsapp.numbered_hint"] in numbered[-1]["text"]["body"]
    assert len(payloads) == 12


def test_contact_card_in_english_keeps_the_dutch_role_without_dutch_grammar(
    english: dict[str, str],
) -> None:
    text = format_contact_card(CARD, channel_texts("en"))
    assert text.splitlines()[0] == "*Wijkagent · Vogelbuurt*"
    assert "Phone: 0900-8844" in text and "Email: s@example.nl" in text
    assert " voor " not in text and "Telefoon" not in text
    # Dutch as before.
    assert format_contact_card(CARD).splitlines()[0] == "*De wijkagent voor de Vogelbuurt*"


def test_the_english_texts_file_has_every_whatsapp_sentence() -> None:
    """The real en.yml, once it exists (issue 14): every channel word in English."""
    if "en" not in texts.LANGUAGES:
        pytest.skip("bot/core/texts has no English yet")
    dutch = {key for key in texts.sentences("nl") if key.startswith(("whatsapp.", "outage."))}
    assert sorted(dutch - set(texts.sentences("en"))) == []
    en = channel_texts("en")
    assert len(en.list_button) <= MAX_LIST_BUTTON and en.list_button != channel_texts().list_button


# --------------------------------------------------------------------------- served


async def test_an_english_conversation_gets_english_channel_words(
    english: dict[str, str],
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
) -> None:
    channel = WhatsAppInput(settings, store=make_store())
    store = _tracker_store()
    await _save(store, channel.sender_id(webhooks.phone), "Hello", "en")

    async def bot(message: UserMessage) -> None:
        await _save(store, message.sender_id, message.text or "", "en")
        output = message.output_channel
        await output.send_response(message.sender_id, {"text": "", "buttons": FIVE_BUTTONS})
        await output.send_response(message.sender_id, {"custom": {PAYLOAD_ASK_LOCATION: True}})
        await output.send_response(message.sender_id, {"custom": {PAYLOAD_CONTACT_CARD: CARD}})

    async with channel_server(channel, bot, SimpleNamespace(tracker_store=store)) as served:
        assert (await served.post(webhooks.text("Who is my wijkagent?"))).status == 200
        await served.channel.wait_idle()
        await served.post(webhooks.image())
        await served.channel.wait_idle()

    sent = graph_api.sent()
    assert _interactive(sent, "list")["action"]["button"] == english["whatsapp.list_button"]
    location = _interactive(sent, "location_request_message")
    assert location["body"]["text"] == english["whatsapp.location_prompt"]
    texts_sent = [m["text"]["body"] for m in sent if m["type"] == "text"]
    assert any("Phone: 0900-8844" in body for body in texts_sent)
    assert texts_sent[-1] == english["whatsapp.media"]


async def test_the_message_that_switches_to_english_already_gets_english_words(
    english: dict[str, str],
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
    demo_directory: Any,
) -> None:
    """The language is known only after Rasa handled the message: the replies wait for it,
    and the welcome to a new resident goes first, in that language too."""
    mapped = dataclasses.replace(settings, gemeenten=parse_gemeenten("GM9200"))
    channel = WhatsAppInput(
        mapped,
        store=make_store(),
        gemeente_name=lambda value: demo_directory.find_gemeente(value).name,
    )
    store = _tracker_store()

    async def bot(message: UserMessage) -> None:
        output = message.output_channel
        await output.send_response(message.sender_id, {"text": "Pick one", "buttons": FIVE_BUTTONS})
        # Rasa stores the conversation, with the slot the detector set, after the replies.
        await _save(store, message.sender_id, message.text or "", "en")

    async with channel_server(channel, bot, SimpleNamespace(tracker_store=store)) as served:
        assert (await served.post(webhooks.text("Can you help me in English?"))).status == 200
        await served.channel.wait_idle()

    first, second = graph_api.sent()
    assert first["text"]["body"] == english["whatsapp.welcome"].format(gemeente="Weidehaven")
    assert second["interactive"]["action"]["button"] == english["whatsapp.list_button"]


async def test_switching_back_to_dutch_gives_dutch_words_again(
    english: dict[str, str],
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
) -> None:
    channel = WhatsAppInput(settings, store=make_store())
    store = _tracker_store()

    async def bot(message: UserMessage) -> None:
        language = "nl" if message.text == "Nederlands graag" else "en"
        await _save(store, message.sender_id, message.text or "", language)
        await message.output_channel.send_response(
            message.sender_id, {"text": "", "buttons": FIVE_BUTTONS}
        )

    async with channel_server(channel, bot, SimpleNamespace(tracker_store=store)) as served:
        for text in ("Hello, I need help", "Nederlands graag"):
            await served.post(webhooks.text(text))
            await served.channel.wait_idle()

    english_list, dutch_list = (m["interactive"]["action"]["button"] for m in graph_api.sent())
    assert english_list == english["whatsapp.list_button"]
    assert dutch_list == channel_texts("nl").list_button


async def test_a_failure_in_an_english_conversation_is_told_in_english(
    english: dict[str, str],
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
) -> None:
    channel = WhatsAppInput(settings, store=make_store())
    store = _tracker_store()
    await _save(store, channel.sender_id(webhooks.phone), "Hello", "en")

    async def broken(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "One moment"})
        raise ConnectionError("action server gone")

    async with channel_server(channel, broken, SimpleNamespace(tracker_store=store)) as served:
        await served.post(webhooks.text("Who is my wijkagent?"))
        await served.channel.wait_idle()

    # What Rasa sent before the failure still goes out, then the apology.
    bodies = [m["text"]["body"] for m in graph_api.sent()]
    assert bodies == ["One moment", outage_text(REASON_PROCESSING, "en")]
    assert bodies[-1] != outage_text(REASON_PROCESSING)


async def test_without_a_conversation_store_the_words_are_dutch(
    english: dict[str, str], served: Any, webhooks: Any, bot_reply: list, graph_api: Any
) -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": "", "buttons": FIVE_BUTTONS}
        )

    bot_reply[0] = bot
    await served.post(webhooks.text("Hello"))
    await served.channel.wait_idle()
    [listed] = graph_api.sent()
    assert listed["interactive"]["action"]["button"] == channel_texts("nl").list_button
