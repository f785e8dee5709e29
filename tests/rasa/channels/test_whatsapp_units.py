"""Unit tests of the WhatsApp channel's pure parts: signatures, sender ids, parsing, formatting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.channels.whatsapp import (
    DEFAULT_API_URL,
    MAX_INTERACTIVE_BODY,
    MAX_ROW_TITLE,
    MAX_TEXT_LENGTH,
    ChoiceMemory,
    MalformedPayload,
    SenderIdCodec,
    WhatsAppSettings,
    button_messages,
    channel_texts,
    format_contact_card,
    location_message,
    parse_message,
    parse_webhook,
    sign_body,
    signature_is_valid,
    split_text,
)

APP_SECRET = "unit-test-app-secret"
RESIDENT_PHONE = "31612345678"
DUTCH = channel_texts("nl")

# --------------------------------------------------------------------------- settings


def test_settings_without_values_are_off_and_name_what_is_missing() -> None:
    settings = WhatsAppSettings.from_mapping(
        {"verify_token": "", "app_secret": None, "access_token": "x", "phone_number_id": ""}
    )
    assert not settings.enabled
    assert settings.missing == [
        "WHATSAPP_VERIFY_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_PHONE_NUMBER_ID",
    ]
    assert settings.api_url == DEFAULT_API_URL
    assert not WhatsAppSettings.from_mapping(None).enabled


def test_settings_accept_a_numeric_phone_number_id_and_trim_the_api_url() -> None:
    settings = WhatsAppSettings.from_mapping(
        {
            "verify_token": "v",
            "app_secret": "s",
            "access_token": "t",
            "phone_number_id": 106540352242922,
            "api_url": "http://127.0.0.1:9/v21.0/",
        }
    )
    assert settings.enabled
    assert settings.phone_number_id == "106540352242922"
    assert settings.api_url == "http://127.0.0.1:9/v21.0"


def test_sender_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_SENDER_KEY", "sleutel")
    assert WhatsAppSettings.from_mapping({}).sender_key == "sleutel"


# --------------------------------------------------------------------------- signature


def test_signature_of_the_raw_body_is_accepted() -> None:
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert signature_is_valid(APP_SECRET, body, sign_body(APP_SECRET, body))
    assert signature_is_valid(APP_SECRET, body, sign_body(APP_SECRET, body).upper())


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=" + "0" * 40,
        "sha256=" + "0" * 64,
        "sha256=" + "z" * 64,
        "sha256=" + "é" * 64,
        "nonsense",
    ],
)
def test_missing_or_wrong_signatures_are_refused(header: str | None) -> None:
    assert not signature_is_valid(APP_SECRET, b"{}", header)


def test_a_signature_with_another_secret_or_body_is_refused() -> None:
    body = b'{"entry":[]}'
    assert not signature_is_valid(APP_SECRET, body, sign_body("other-secret", body))
    assert not signature_is_valid(APP_SECRET, body + b" ", sign_body(APP_SECRET, body))
    assert not signature_is_valid("", body, sign_body("", body))


# --------------------------------------------------------------------------- sender ids


def test_sender_id_round_trip_without_the_plain_number() -> None:
    codec = SenderIdCodec("a key of enough entropy")
    sender_id = codec.encode(RESIDENT_PHONE)
    assert sender_id.startswith("wa:")
    assert RESIDENT_PHONE not in sender_id
    assert codec.decode(sender_id) == RESIDENT_PHONE


def test_sender_id_is_deterministic_and_keyed() -> None:
    first, second = SenderIdCodec("key one"), SenderIdCodec("key two")
    assert first.encode(RESIDENT_PHONE) == SenderIdCodec("key one").encode(RESIDENT_PHONE)
    assert first.encode(RESIDENT_PHONE) != first.encode("31687654321")
    assert first.encode(RESIDENT_PHONE) != second.encode(RESIDENT_PHONE)
    with pytest.raises(ValueError):
        second.decode(first.encode(RESIDENT_PHONE))


@pytest.mark.parametrize(
    "sender_id", ["31612345678", "wa:", "wa:!!!", "wa:AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "rest:abc"]
)
def test_foreign_or_forged_sender_ids_do_not_decode(sender_id: str) -> None:
    with pytest.raises(ValueError):
        SenderIdCodec("key").decode(sender_id)


def test_empty_key_material_is_refused() -> None:
    with pytest.raises(ValueError):
        SenderIdCodec("")


# --------------------------------------------------------------------------- incoming


def _only(payload: dict[str, Any]) -> Any:
    messages = parse_webhook(
        payload, payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"]
    )
    assert len(messages) == 1
    return messages[0]


def test_text_message(webhooks: Any) -> None:
    payload = webhooks.text("Wie is de wijkagent?", message_id="wamid.A")
    message = _only(payload)
    assert (message.kind, message.text, message.message_id) == (
        "text",
        "Wie is de wijkagent?",
        "wamid.A",
    )
    assert message.phone == RESIDENT_PHONE
    assert RESIDENT_PHONE not in repr(message) and "wijkagent" not in repr(message)


def test_button_and_list_replies_send_their_id(webhooks: Any) -> None:
    assert _only(webhooks.button_reply("/affirm", "Ja")).text == "/affirm"
    assert _only(webhooks.list_reply("Wie is het wijkteam?", "Wijkteam")).text == (
        "Wie is het wijkteam?"
    )


def test_template_quick_reply_button_sends_its_payload(webhooks: Any) -> None:
    message = _only(webhooks.message("button", {"payload": "/greet", "text": "Hallo"}))
    assert message.text == "/greet"


def test_location_becomes_inform_location_with_entities(webhooks: Any) -> None:
    message = _only(webhooks.location(52.0907374, 5.1214201))
    assert message.text == '/inform_location{"latitude": 52.090737, "longitude": 5.12142}'
    # Rasa itself reads the intent and both entities out of that text.
    parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": message.text}))
    assert parsed.get("intent")["name"] == "inform_location"
    entities = {entity["entity"]: entity["value"] for entity in parsed.get("entities")}
    assert entities == {"latitude": 52.090737, "longitude": 5.12142}


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": 91.0, "longitude": 5.0},
        {"latitude": 52.0, "longitude": -181},
        {"latitude": "noord", "longitude": 5.0},
        {"latitude": True, "longitude": 5.0},
        {"longitude": 5.0},
        {"latitude": float("nan"), "longitude": 5.0},
    ],
)
def test_impossible_locations_are_ignored(webhooks: Any, location: dict) -> None:
    assert parse_webhook(webhooks.message("location", location)) == []


def test_numeric_strings_in_a_location_are_tolerated(webhooks: Any) -> None:
    message = _only(webhooks.message("location", {"latitude": "52.1", "longitude": "5.2"}))
    assert message.text == location_message(52.1, 5.2)


@pytest.mark.parametrize("media", ["image", "voice", "sticker"])
def test_media_messages_get_the_channel_answer(webhooks: Any, media: str) -> None:
    assert _only(getattr(webhooks, media)()).kind == "media"


@pytest.mark.parametrize("media_type", ["video", "document", "audio"])
def test_other_media_types_too(webhooks: Any, media_type: str) -> None:
    assert _only(webhooks.message(media_type, {"id": "1", "mime_type": "x/y"})).kind == "media"


def test_statuses_reactions_and_unknown_types_are_ignored(webhooks: Any) -> None:
    assert parse_webhook(webhooks.status("delivered")) == []
    assert parse_webhook(webhooks.status("read")) == []
    assert parse_webhook(webhooks.reaction()) == []
    assert parse_webhook(webhooks.message("unsupported", {"errors": []})) == []
    assert parse_webhook(webhooks.message("contacts", [{"name": {}}])) == []
    unknown_interactive = webhooks.message("interactive", {"type": "nfm_reply", "nfm_reply": {}})
    assert parse_webhook(unknown_interactive) == []


def test_empty_text_is_ignored(webhooks: Any) -> None:
    assert parse_webhook(webhooks.text("   ")) == []


def test_messages_for_another_business_number_are_ignored(webhooks: Any) -> None:
    payload = webhooks.text("hallo")
    assert parse_webhook(payload, "999") == []
    assert len(parse_webhook(payload, webhooks.phone_number_id)) == 1


@pytest.mark.parametrize("payload", [[], "text", 42, None, {"object": "x"}, {"entry": {}}])
def test_bodies_that_are_no_notification_are_malformed(payload: Any) -> None:
    with pytest.raises(MalformedPayload):
        parse_webhook(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account", "entry": [1, None, {"changes": "x"}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]},
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": {"messages": [1, {"id": 2}]}}]}],
        },
    ],
)
def test_unexpected_shapes_inside_are_skipped(payload: Any) -> None:
    assert parse_webhook(payload) == []


def test_parse_message_needs_id_sender_and_type() -> None:
    assert parse_message({"from": "31", "type": "text", "text": {"body": "x"}}) is None
    assert parse_message({"id": "w", "type": "text", "text": {"body": "x"}}) is None
    assert parse_message({"id": "w", "from": "31", "text": {"body": "x"}}) is None


# --------------------------------------------------------------------------- outgoing


def test_short_text_is_one_chunk() -> None:
    assert split_text("  Hallo.  ") == ["Hallo."]
    assert split_text("") == []


def test_long_text_is_split_on_word_boundaries() -> None:
    words = [f"woord{n}" for n in range(3000)]
    text = " ".join(words)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= MAX_TEXT_LENGTH for chunk in chunks)
    assert " ".join(chunks).split() == words


def test_split_prefers_paragraphs() -> None:
    text = "a" * 3000 + "\n\n" + "b " * 800
    chunks = split_text(text)
    assert chunks[0] == "a" * 3000
    assert all(len(chunk) <= MAX_TEXT_LENGTH for chunk in chunks)


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    chunks = split_text("x" * 10000)
    assert [len(chunk) for chunk in chunks] == [4096, 4096, 1808]


def _buttons(count: int, title: str = "Keuze") -> list[dict[str, str]]:
    return [{"title": f"{title} {n}", "payload": f"/choose{n}"} for n in range(1, count + 1)]


def test_up_to_three_buttons_are_reply_buttons() -> None:
    messages, numbered = button_messages("Wilt u verder?", _buttons(3))
    assert numbered == []
    assert len(messages) == 1
    interactive = messages[0]["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Wilt u verder?"}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": f"/choose{n}", "title": f"Keuze {n}"}} for n in (1, 2, 3)
    ]


def test_a_title_too_long_for_a_reply_button_makes_a_list_that_shows_it_whole() -> None:
    # Issue 16: "Wat doet de wijkage…" on a reply button; a list row holds 24 characters.
    buttons = [
        {"title": "Wat doet de wijkagent?", "payload": "/explain_role"},
        {"title": "Buurtbemiddeling bij ruzie met de buren", "payload": "/bemiddeling"},
    ]
    messages, numbered = button_messages("Kies", buttons)
    assert numbered == []
    interactive = messages[0]["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": "/explain_role", "title": "Wat doet de wijkagent?"}
    assert len(rows[1]["title"]) <= MAX_ROW_TITLE
    assert rows[1]["description"] == "Buurtbemiddeling bij ruzie met de buren"


def test_four_to_ten_buttons_are_a_list() -> None:
    for count in (4, 10):
        messages, numbered = button_messages("Welke persoon zoekt u?", _buttons(count))
        assert numbered == []
        interactive = messages[0]["interactive"]
        assert interactive["type"] == "list"
        action = interactive["action"]
        assert action["button"] == DUTCH.list_button and len(action["button"]) <= 20
        rows = action["sections"][0]["rows"]
        assert [row["id"] for row in rows] == [f"/choose{n}" for n in range(1, count + 1)]
        assert all(len(row["title"]) <= MAX_ROW_TITLE for row in rows)


def test_list_rows_keep_the_full_title_as_description() -> None:
    buttons = [
        {"title": f"Keuze {n} met een heel lange titel", "payload": f"/c{n}"} for n in range(5)
    ]
    messages, _ = button_messages("Kies", buttons)
    row = messages[0]["interactive"]["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= MAX_ROW_TITLE
    assert row["description"] == "Keuze 0 met een heel lange titel"


def test_more_than_ten_buttons_are_numbered_text() -> None:
    messages, numbered = button_messages("Kies uw buurt:", _buttons(11))
    assert numbered == [f"/choose{n}" for n in range(1, 12)]
    body = messages[0]["text"]["body"]
    assert messages[0]["type"] == "text"
    assert "1. Keuze 1" in body and "11. Keuze 11" in body and DUTCH.numbered_hint in body


def test_buttons_that_would_look_alike_fall_back_to_numbered_text() -> None:
    buttons = [
        {"title": "Dezelfde lange titel van een knop A", "payload": "/a"},
        {"title": "Dezelfde lange titel van een knop B", "payload": "/b"},
    ]
    assert button_messages("Kies", buttons)[1] == ["/a", "/b"]
    too_long_id = [{"title": "A", "payload": "/" + "x" * 300}]
    assert button_messages("Kies", too_long_id)[1] == ["/" + "x" * 300]


def test_long_body_goes_ahead_as_text() -> None:
    text = "Zin. " * 400
    messages, _ = button_messages(text, _buttons(2))
    assert [message["type"] for message in messages] == ["text", "interactive"]
    assert len(messages[-1]["interactive"]["body"]["text"]) <= MAX_INTERACTIVE_BODY
    assert (
        messages[0]["text"]["body"] + " " + messages[1]["interactive"]["body"]["text"]
    ).split() == (text.split())


def test_buttons_without_text_get_a_prompt_and_without_payload_use_the_title() -> None:
    messages, _ = button_messages("", [{"title": "Ja"}, {"title": "Nee"}])
    interactive = messages[0]["interactive"]
    assert interactive["body"]["text"]
    assert interactive["action"]["buttons"][0]["reply"] == {"id": "Ja", "title": "Ja"}


def test_choice_memory_maps_a_typed_number_once() -> None:
    memory = ChoiceMemory(size=2)
    memory.remember("wa:a", ["/one", "/two"])
    assert memory.resolve("wa:a", " 2 ") == "/two"
    assert memory.resolve("wa:a", "2") == "2"
    memory.remember("wa:a", ["/one"])
    assert memory.resolve("wa:a", "7") == "7"
    for sender in ("wa:a", "wa:b", "wa:c"):
        memory.remember(sender, ["/x"])
    assert memory.resolve("wa:a", "1") == "1"  # evicted
    assert memory.resolve("wa:c", "1.") == "/x"


CARD = {
    "role": "wijkagent",
    "area": {"code": "BU03440100", "name": "Vogelbuurt", "level": "buurt"},
    "contacts": [
        {
            "name": "Sanne de Vries",
            "organisation": "Politie Midden-Nederland",
            "phone": "0900-8844",
            "email": "sanne.devries@example.nl",
            "hours": "di 10-12 uur",
        },
        {"name": "Ahmed Yilmaz", "phone": "0900-8844"},
    ],
}


def test_contact_card_becomes_readable_text() -> None:
    text = format_contact_card(CARD)
    assert text.splitlines()[0] == "*De wijkagent voor de Vogelbuurt*"
    assert "wijkagent" in text.lower()
    for value in ("Sanne de Vries", "Politie Midden-Nederland", "0900-8844", "sanne.devries@"):
        assert value in text
    assert "di 10-12 uur" in text and "Ahmed Yilmaz" in text
    assert "None" not in text and "{" not in text


def test_contact_card_says_plainly_whether_a_contact_is_reachable() -> None:
    card = {
        **CARD,
        "contacts": [
            {
                **CARD["contacts"][0],  # type: ignore[index]
                "open_now": True,
                "open_until": "2026-03-24T12:00:00+01:00",
                "reachable": "Nu bereikbaar tot 12:00",
            },
            {"name": "Ahmed Yilmaz", "open_now": False, "reachable": ["geen tekst"]},
        ],
    }

    sanne, ahmed = format_contact_card(card).split("\n\n")[1:]

    assert sanne.splitlines()[-2:] == ["Bereikbaar: di 10-12 uur", "Nu bereikbaar tot 12:00"]
    assert ahmed == "Ahmed Yilmaz"


def test_contact_card_without_contacts_or_shape_is_empty() -> None:
    assert format_contact_card({"role": "wijkagent", "contacts": []}) == ""
    assert format_contact_card("kaart") == ""
    assert format_contact_card({"contacts": "x", "area": 3}) == ""


def test_payload_json_is_what_meta_documents() -> None:
    """The interactive shapes serialise to plain JSON (no tuples, no None)."""
    messages, _ = button_messages("Kies", _buttons(5))
    assert "null" not in json.dumps(messages)
