"""The WhatsApp channel served on loopback: handshake, signatures, dedup, background, sending."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import socket
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.channels.whatsapp import (
    GraphApiClient,
    ProcessedMessageStore,
    WhatsAppInput,
    WhatsAppOutput,
    WhatsAppSettings,
    channel_texts,
    parse_gemeenten,
    processed_message_table,
    sign_body,
)

CARD = {
    "role": "wijkagent",
    "area": {"code": "BU03440100", "name": "Vogelbuurt", "level": "buurt"},
    "contacts": [{"name": "Sanne de Vries", "phone": "0900-8844", "email": "s@example.nl"}],
}
DUTCH = channel_texts("nl")


def output_for(channel: WhatsAppInput) -> tuple[WhatsAppOutput, str]:
    output = channel.get_output_channel()
    assert isinstance(output, WhatsAppOutput)
    return output, channel.sender_id("31612345678")


# --------------------------------------------------------------------------- handshake


async def test_handshake_echoes_the_challenge(served: Any) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": "test-verify-token",
        "hub.challenge": "1158201444",
    }
    async with served.session.get(served.webhook_url, params=params) as resp:
        assert resp.status == 200
        assert resp.content_type == "text/plain"
        assert await resp.text() == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
async def test_handshake_with_a_wrong_token_is_forbidden(served: Any, params: dict) -> None:
    async with served.session.get(served.webhook_url, params=params) as resp:
        assert resp.status == 403
        assert "1" not in await resp.text()


async def test_switched_off_channel_answers_404(
    channel_server: Callable, make_store: Callable, webhooks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.rasa.channels.whatsapp"):
        channel = WhatsAppInput.from_credentials(
            {"verify_token": "", "app_secret": "", "access_token": "", "phone_number_id": ""}
        )
    assert "WhatsApp channel off" in caplog.text and "WHATSAPP_APP_SECRET" in caplog.text
    assert isinstance(channel, WhatsAppInput) and channel.get_output_channel() is None

    async def bot(message: UserMessage) -> None:
        raise AssertionError("no conversation may start")

    async with channel_server(channel, bot) as served:
        params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        async with served.session.get(served.webhook_url, params=params) as resp:
            assert resp.status == 404
        resp = await served.post(webhooks.text("hallo"), secret="")
        assert resp.status == 404
        assert served.received == []


# --------------------------------------------------------------------------- authenticity


async def test_forged_signature_is_forbidden_and_reaches_no_conversation(
    served: Any, webhooks: Any, graph_api: Any
) -> None:
    resp = await served.post(webhooks.text("Wie is de wijkagent?"), secret="not-the-app-secret")
    assert resp.status == 403
    await served.channel.wait_idle()
    assert served.received == [] and graph_api.sent() == []


async def test_missing_signature_is_forbidden(served: Any, webhooks: Any) -> None:
    body = json.dumps(webhooks.text("hallo")).encode()
    async with served.session.post(served.webhook_url, data=body) as resp:
        assert resp.status == 403
    await served.channel.wait_idle()
    assert served.received == []


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"tekst"', b"{}"])
async def test_malformed_bodies_get_400(served: Any, raw: bytes) -> None:
    resp = await served.post(None, raw=raw)
    assert resp.status == 400
    assert "Traceback" not in await resp.text()
    await served.channel.wait_idle()
    assert served.received == []


async def test_unexpected_shapes_inside_a_notification_are_acknowledged(served: Any) -> None:
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": 3}]}]}
    resp = await served.post(payload)
    assert resp.status == 200
    await served.channel.wait_idle()
    assert served.received == []


# --------------------------------------------------------------------------- incoming


async def test_text_reaches_rasa_under_an_encrypted_sender_id(
    served: Any, webhooks: Any, graph_api: Any
) -> None:
    resp = await served.post(webhooks.text("Wie is de wijkagent?", message_id="wamid.T1"))
    assert resp.status == 200
    await served.channel.wait_idle()
    [message] = served.received
    assert message.text == "Wie is de wijkagent?"
    assert message.input_channel == "whatsapp"
    assert message.message_id == "wamid.T1"
    assert message.sender_id.startswith("wa:") and webhooks.phone not in message.sender_id
    assert message.metadata == {"whatsapp_type": "text"}
    # The stand-in bot's answer went to the resident's number through the Graph API.
    [sent] = graph_api.requests
    assert sent.path == "/v21.0/106540352242922/messages"
    assert sent.headers["Authorization"] == "Bearer test-access-token"
    assert sent.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": webhooks.phone,
        "type": "text",
        "text": {"body": "U zei: Wie is de wijkagent?", "preview_url": False},
    }


async def test_button_and_list_replies_send_their_ids(served: Any, webhooks: Any) -> None:
    await served.post(webhooks.button_reply("/affirm", "Ja"))
    await served.post(webhooks.list_reply("Wie is het wijkteam?", "Wijkteam"))
    await served.channel.wait_idle()
    assert [message.text for message in served.received] == ["/affirm", "Wie is het wijkteam?"]


async def test_location_pin_becomes_inform_location(served: Any, webhooks: Any) -> None:
    await served.post(webhooks.location(52.0907, 5.1214))
    await served.channel.wait_idle()
    [message] = served.received
    assert message.text == '/inform_location{"latitude": 52.0907, "longitude": 5.1214}'


async def test_statuses_are_acknowledged_and_ignored(
    served: Any, webhooks: Any, graph_api: Any
) -> None:
    for status in ("sent", "delivered", "read"):
        resp = await served.post(webhooks.status(status))
        assert resp.status == 200
    await served.channel.wait_idle()
    assert served.received == [] and graph_api.sent() == []


@pytest.mark.parametrize("kind", ["image", "voice", "sticker"])
async def test_media_gets_a_friendly_dutch_answer_without_rasa(
    served: Any, webhooks: Any, graph_api: Any, kind: str
) -> None:
    resp = await served.post(getattr(webhooks, kind)())
    assert resp.status == 200
    await served.channel.wait_idle()
    assert served.received == []
    [sent] = graph_api.sent()
    assert sent["to"] == webhooks.phone
    assert sent["text"]["body"] == DUTCH.media


async def test_duplicate_delivery_is_handled_once(served: Any, webhooks: Any) -> None:
    payload = webhooks.text("hallo", message_id="wamid.DUP")
    first, second = await asyncio.gather(served.post(payload), served.post(payload))
    assert (first.status, second.status) == (200, 200)
    await served.post(payload)
    await served.channel.wait_idle()
    assert len(served.received) == 1


async def test_duplicate_after_a_restart_is_handled_once(
    settings: WhatsAppSettings, make_store: Callable, channel_server: Callable, webhooks: Any
) -> None:
    payload = webhooks.text("hallo", message_id="wamid.RESTART")
    handled: list[str] = []

    async def bot(message: UserMessage) -> None:
        handled.append(message.text or "")

    for _ in range(2):  # the second channel instance is the bot after a restart
        async with channel_server(WhatsAppInput(settings, store=make_store()), bot) as served:
            assert (await served.post(payload)).status == 200
    assert handled == ["hallo"]


async def test_webhook_answers_before_a_slow_bot_is_done(
    served: Any, webhooks: Any, bot_reply: list, graph_api: Any
) -> None:
    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(3)
        await message.output_channel.send_text_message(message.sender_id, "Eindelijk.")

    bot_reply[0] = slow
    started = time.monotonic()
    resp = await served.post(webhooks.text("hallo"))
    assert resp.status == 200
    assert time.monotonic() - started < 1.5
    assert graph_api.sent() == []
    await served.channel.wait_idle()
    assert graph_api.sent()[0]["text"]["body"] == "Eindelijk."


async def test_messages_of_one_resident_are_handled_in_order(
    served: Any, webhooks: Any, bot_reply: list
) -> None:
    order: list[str] = []

    async def bot(message: UserMessage) -> None:
        await asyncio.sleep(0.2 if message.text == "een" else 0)
        order.append(message.text or "")

    bot_reply[0] = bot
    for text in ("een", "twee", "drie"):
        await served.post(webhooks.text(text))
    await served.channel.wait_idle()
    assert order == ["een", "twee", "drie"]


async def test_a_failing_bot_does_not_stop_the_next_message(
    served: Any, webhooks: Any, bot_reply: list, caplog: pytest.LogCaptureFixture
) -> None:
    async def flaky(message: UserMessage) -> None:
        if message.text == "boem":
            raise RuntimeError("geheime inhoud")

    bot_reply[0] = flaky
    await served.post(webhooks.text("boem"))
    await served.post(webhooks.text("daarna"))
    await served.channel.wait_idle()
    assert [message.text for message in served.received] == ["boem", "daarna"]
    assert "RuntimeError" in caplog.text and "geheime inhoud" not in caplog.text


async def test_typed_number_answers_a_numbered_list(
    served: Any, webhooks: Any, bot_reply: list, graph_api: Any
) -> None:
    buttons = [{"title": f"Buurt {n}", "payload": f"/choose_buurt{n}"} for n in range(1, 13)]

    async def bot(message: UserMessage) -> None:
        if message.text == "welke buurt":
            await message.output_channel.send_text_with_buttons(message.sender_id, "Kies:", buttons)

    bot_reply[0] = bot
    await served.post(webhooks.text("welke buurt"))
    await served.channel.wait_idle()
    assert "12. Buurt 12" in graph_api.sent()[0]["text"]["body"]
    await served.post(webhooks.text("12"))
    await served.post(webhooks.text("12"))
    await served.channel.wait_idle()
    assert [message.text for message in served.received] == ["welke buurt", "/choose_buurt12", "12"]


async def test_logs_hold_no_phone_number_or_message_text(
    served: Any, webhooks: Any, graph_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    graph_api.fail_next = [500, 500, 500]
    with caplog.at_level(logging.DEBUG):
        await served.post(webhooks.text("Mijn buurman is geheim", message_id="wamid.L1"))
        await served.post(webhooks.text("Mijn buurman is geheim", message_id="wamid.L1"))
        await served.post(webhooks.image(), secret="forged")
        await served.channel.wait_idle()
    assert "not delivered" in caplog.text
    assert webhooks.phone not in caplog.text
    assert "geheim" not in caplog.text


# --------------------------------------------------------------------------- sending


async def test_ask_location_with_text_becomes_one_location_request(
    settings: WhatsAppSettings, graph_api: Any
) -> None:
    channel = WhatsAppInput(settings, store=ProcessedMessageStore(sa.create_engine("sqlite://")))
    output, sender_id = output_for(channel)
    await output.send_response(
        sender_id, {"text": "In welke buurt woont u?", "custom": {"ask_location": {}}}
    )
    await channel.close()
    [sent] = graph_api.sent()
    assert sent["type"] == "interactive"
    assert sent["interactive"] == {
        "type": "location_request_message",
        "body": {"text": "In welke buurt woont u?"},
        "action": {"name": "send_location"},
    }


async def test_ask_location_alone_uses_the_default_prompt(
    settings: WhatsAppSettings, graph_api: Any
) -> None:
    channel = WhatsAppInput(settings)
    output, sender_id = output_for(channel)
    await output.send_response(sender_id, {"custom": {"ask_location": {}}})
    await channel.close()
    [sent] = graph_api.sent()
    assert sent["interactive"]["body"]["text"] == DUTCH.location_prompt


async def test_contact_card_follows_its_lead_in_as_text(
    settings: WhatsAppSettings, graph_api: Any
) -> None:
    channel = WhatsAppInput(settings)
    output, sender_id = output_for(channel)
    # The actions send a short lead-in with the card payload; the card becomes text.
    await output.send_response(
        sender_id,
        {"text": "Dit is de wijkagent voor buurt Vogelbuurt:", "custom": {"contact_card": CARD}},
    )
    await channel.close()
    first, second = (body["text"]["body"] for body in graph_api.sent())
    assert first == "Dit is de wijkagent voor buurt Vogelbuurt:"
    assert "Sanne de Vries" in second and "0900-8844" in second and "s@example.nl" in second


async def test_machine_payloads_are_not_sent(settings: WhatsAppSettings, graph_api: Any) -> None:
    channel = WhatsAppInput(settings)
    output, sender_id = output_for(channel)
    await output.send_response(
        sender_id,
        {
            "text": "Bel direct 112.",
            "custom": {"route": {"role": "noodgeval", "topic": "emergency"}},
        },
    )
    await output.send_response(
        sender_id, {"custom": {"location": {"status": "unknown", "query": ""}}}
    )
    await output.send_response(sender_id, {"custom": {"explain": {"roles": ["wijkagent"]}}})
    await output.send_response(sender_id, {"custom": {"something_new": 1}})
    await channel.close()
    assert [body["text"]["body"] for body in graph_api.sent()] == ["Bel direct 112."]


async def test_buttons_and_images_are_sent_as_whatsapp_messages(
    settings: WhatsAppSettings, graph_api: Any
) -> None:
    channel = WhatsAppInput(settings)
    output, sender_id = output_for(channel)
    buttons = [
        {"title": t, "payload": t}
        for t in ("Wijkagent", "Wijkteam", "Buurtbemiddeling", "Iedereen")
    ]
    await output.send_response(sender_id, {"text": "Welke persoon zoekt u?", "buttons": buttons})
    await output.send_response(sender_id, {"text": "Klopt dat?", "buttons": buttons[:2]})
    await output.send_response(sender_id, {"image": "https://example.nl/kaart.png"})
    await channel.close()
    kinds = [(body["type"], body.get("interactive", {}).get("type")) for body in graph_api.sent()]
    assert kinds == [("interactive", "list"), ("interactive", "button"), ("image", None)]


async def test_long_text_is_sent_in_parts(settings: WhatsAppSettings, graph_api: Any) -> None:
    channel = WhatsAppInput(settings)
    output, sender_id = output_for(channel)
    await output.send_text_message(sender_id, "woord " * 2000)
    await channel.close()
    bodies = [body["text"]["body"] for body in graph_api.sent()]
    assert len(bodies) == 3 and all(len(body) <= 4096 for body in bodies)


async def test_reply_to_an_unknown_recipient_is_dropped(
    settings: WhatsAppSettings, graph_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    channel = WhatsAppInput(settings)
    output, _ = output_for(channel)
    await output.send_text_message("31612345678", "hallo")
    await channel.close()
    assert graph_api.sent() == [] and "dropped" in caplog.text


async def test_server_errors_are_retried_with_backoff(
    settings: WhatsAppSettings, graph_api: Any
) -> None:
    graph_api.fail_next = [500, 429]
    client = GraphApiClient(settings, backoff=0.05)
    started = time.monotonic()
    assert await client.send("31612345678", {"type": "text", "text": {"body": "x"}})
    await client.close()
    assert len(graph_api.requests) == 3
    assert time.monotonic() - started >= 0.15  # 0.05 + 0.1


async def test_sending_gives_up_after_three_tries(
    settings: WhatsAppSettings, graph_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    graph_api.fail_next = [503, 503, 503, 503]
    client = GraphApiClient(settings, backoff=0.01)
    assert not await client.send("31612345678", {"type": "text", "text": {"body": "geheim"}})
    await client.close()
    assert len(graph_api.requests) == 3
    assert "HTTP 503, Graph error 131000" in caplog.text
    assert "geheim" not in caplog.text and "31612345678" not in caplog.text


async def test_client_errors_are_not_retried(settings: WhatsAppSettings, graph_api: Any) -> None:
    graph_api.fail_next = [400]
    client = GraphApiClient(settings, backoff=0.01)
    assert not await client.send("31612345678", {"type": "text", "text": {"body": "x"}})
    await client.close()
    assert len(graph_api.requests) == 1


async def test_unreachable_graph_api_is_retried_then_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = WhatsAppSettings("v", "s", "t", "1", api_url="http://127.0.0.1:9/v21.0")
    client = GraphApiClient(settings, backoff=0.01, timeout=2)
    assert not await client.send("31612345678", {"type": "text", "text": {"body": "x"}})
    await client.close()
    assert caplog.text.count("ClientConnectorError") == 3


# --------------------------------------------------------------------------- dedup store


def test_store_prunes_rows_older_than_the_retention(database_url: str) -> None:
    now = [1_000_000.0]
    engine = sa.create_engine(database_url, future=True)
    store = ProcessedMessageStore(engine, clock=lambda: now[0], prune_interval_seconds=0)
    assert store.claim("wamid.old")
    now[0] += 2 * 24 * 3600 + 1
    assert store.claim("wamid.new")
    with engine.connect() as connection:
        ids = connection.execute(sa.select(processed_message_table.c.message_id)).scalars().all()
    assert ids == ["wamid.new"]
    engine.dispose()


def test_store_falls_back_to_memory_without_a_database(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> sa.engine.Engine:
        raise RuntimeError("no database")

    store = ProcessedMessageStore(engine_factory=broken)
    assert store.claim("wamid.1")
    assert not store.claim("wamid.1")
    assert store.claim("wamid.2")
    assert caplog.text.count("unavailable") == 1


async def test_aiohttp_is_what_sends(settings: WhatsAppSettings) -> None:
    """The client uses one aiohttp session per event loop and closes it."""
    client = GraphApiClient(settings)
    session = client._client()
    assert isinstance(session, aiohttp.ClientSession)
    assert client._client() is session
    await client.close()
    assert session.closed


# --------------------------------------------------------------------------- Rasa wiring


CREDENTIALS = """\
rest:
bot.rasa.channels.whatsapp.WhatsAppInput:
  verify_token: ${WHATSAPP_VERIFY_TOKEN}
  app_secret: ${WHATSAPP_APP_SECRET}
  access_token: ${WHATSAPP_ACCESS_TOKEN}
  phone_number_id: ${WHATSAPP_PHONE_NUMBER_ID}
  api_url: ${WHATSAPP_API_URL}
"""


async def test_rasa_builds_and_mounts_the_channel_from_credentials(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, graph_api: Any, webhooks: Any, database_url: str
) -> None:
    """The credentials.yml entry, read and mounted the way `rasa run` does, serves the webhook."""
    from rasa.core import run
    from rasa.core.channels import channel as rasa_channel
    from sanic import Sanic

    credentials = tmp_path / "credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "vt")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "app-secret")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "token")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "106540352242922")
    monkeypatch.setenv("WHATSAPP_API_URL", "")  # as `wijkwijzer serve` sets an unset one
    monkeypatch.setenv("WIJKWIJZER_DATABASE_URL", database_url)
    channels = run.create_http_input_channels(None, str(credentials))
    [whatsapp] = [c for c in channels if isinstance(c, WhatsAppInput)]
    assert whatsapp.enabled and whatsapp.settings.api_url == "https://graph.facebook.com/v21.0"

    received: list[UserMessage] = []

    class Agent:
        async def handle_message(self, message: UserMessage) -> None:
            received.append(message)

    Sanic.test_mode = True
    app = Sanic("whatsapp_rasa_wiring", configure_logging=False)
    app.ctx.agent = Agent()
    rasa_channel.register(channels, app, route="/webhooks/")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/whatsapp"
    try:
        async with aiohttp.ClientSession() as session:
            params = {"hub.mode": "subscribe", "hub.verify_token": "vt", "hub.challenge": "5"}
            async with session.get(f"{base}/webhook", params=params) as resp:
                assert (resp.status, await resp.text()) == (200, "5")
            async with session.get(f"{base}/") as resp:
                assert resp.status == 200
            body = json.dumps(webhooks.text("hallo")).encode()
            headers = {"X-Hub-Signature-256": sign_body("app-secret", body)}
            async with session.post(f"{base}/webhook", data=body, headers=headers) as resp:
                assert resp.status == 200
            await whatsapp.wait_idle()
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        sock.close()
    [message] = received
    assert message.text == "hallo" and message.input_channel == "whatsapp"


def test_store_remembers_across_a_restart_on_every_database(db_url: str) -> None:
    """SQLite always; PostgreSQL where one is reachable (tests/conftest.py `db_url`)."""
    engines = [sa.create_engine(db_url, future=True) for _ in range(2)]
    before, after = (ProcessedMessageStore(engine) for engine in engines)
    assert before.claim("wamid.X")
    assert not after.claim("wamid.X")
    assert after.claim("wamid.Y")
    assert not before.claim("wamid.Y")
    for engine in engines:
        engine.dispose()


# --------------------------------------------------------------------------- municipalities


async def test_each_business_number_serves_its_own_municipality(
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    bot_reply: list,
    webhooks: Any,
    graph_api: Any,
) -> None:
    second_number = "222000333444555"
    mapped = dataclasses.replace(
        settings,
        gemeenten=parse_gemeenten(f"{settings.phone_number_id}:GM9100, {second_number}:GM9200"),
    )
    channel = WhatsAppInput(mapped, store=make_store())

    async def bot(message: UserMessage) -> None:
        await bot_reply[0](message)

    async with channel_server(channel, bot) as served:
        to_first = webhooks.text("Hallo")
        to_second = webhooks.text("Hallo")
        to_second["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = second_number
        to_unknown = webhooks.text("Hallo")
        to_unknown["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
        for payload in (to_first, to_second, to_unknown):
            assert (await served.post(payload)).status == 200
        await served.channel.wait_idle()

    assert [message.metadata for message in served.received] == [
        {"whatsapp_type": "text", "gemeente": "GM9100"},
        {"whatsapp_type": "text", "gemeente": "GM9200"},
    ]
    # Each answer goes out from the number the resident wrote to.
    assert [request.path for request in graph_api.requests] == [
        f"/v21.0/{settings.phone_number_id}/messages",
        f"/v21.0/{second_number}/messages",
    ]


def test_gemeenten_setting_with_one_default() -> None:
    settings = WhatsAppSettings(phone_number_id="111", gemeenten=parse_gemeenten("GM9100"))
    assert settings.gemeente_for("111") == "GM9100"
    assert settings.phone_number_ids == frozenset({"111"})
    mixed = WhatsAppSettings(
        phone_number_id="111", gemeenten=parse_gemeenten("Rivierstad, 222:GM9200,  ")
    )
    assert mixed.gemeente_for("111") == "Rivierstad"
    assert mixed.gemeente_for("222") == "GM9200"
    assert WhatsAppSettings(phone_number_id="111").gemeente_for("111") == ""


def test_gemeenten_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_GEMEENTEN", "111:GM9100,222:GM9200")
    settings = WhatsAppSettings.from_mapping({"phone_number_id": "111"})
    assert settings.phone_number_ids == frozenset({"111", "222"})
    assert settings.gemeente_for("222") == "GM9200"


async def test_first_message_to_a_number_names_its_municipality(
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
    demo_directory: Any,
) -> None:
    mapped = dataclasses.replace(settings, gemeenten=parse_gemeenten("GM9200"))
    channel = WhatsAppInput(
        mapped,
        store=make_store(),
        gemeente_name=lambda value: demo_directory.find_gemeente(value).name,
    )
    tracker_store = InMemoryTrackerStore(Domain.empty())

    async def bot(message: UserMessage) -> None:
        # What Rasa does with every message: the conversation is stored.
        await tracker_store.save(
            DialogueStateTracker.from_events(message.sender_id, [UserUttered(message.text)])
        )
        await message.output_channel.send_response(message.sender_id, {"text": "Antwoord"})

    async with channel_server(channel, bot, SimpleNamespace(tracker_store=tracker_store)) as served:
        for text in ("Hallo", "Nog een vraag"):
            assert (await served.post(webhooks.text(text))).status == 200
            await served.channel.wait_idle()

    bodies = [request.body["text"]["body"] for request in graph_api.requests]
    assert bodies == [DUTCH.welcome.format(gemeente="Weidehaven"), "Antwoord", "Antwoord"]


async def test_no_welcome_without_a_known_municipality(
    settings: WhatsAppSettings,
    make_store: Callable,
    channel_server: Callable,
    webhooks: Any,
    graph_api: Any,
) -> None:
    mapped = dataclasses.replace(settings, gemeenten=parse_gemeenten("GM0000"))
    channel = WhatsAppInput(mapped, store=make_store(), gemeente_name=lambda value: "")
    tracker_store = InMemoryTrackerStore(Domain.empty())

    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Antwoord")

    async with channel_server(channel, bot, SimpleNamespace(tracker_store=tracker_store)) as served:
        assert (await served.post(webhooks.text("Hallo"))).status == 200
        await served.channel.wait_idle()

    assert [request.body["text"]["body"] for request in graph_api.requests] == ["Antwoord"]
