"""The widget's REST channel (bot/rasa/channels/rest.py) on a real Sanic server: never silence,
never an error text, oversized bodies refused, and every message tagged with its language."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.server import configure_cors
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot.rasa.channels.rest import MAX_BODY_BYTES, MAX_SENDER_LENGTH, MIN_SENDER_LENGTH, RestInput
from bot.rasa.outage import PAYLOAD_UNAVAILABLE, REASON_PROCESSING, outage_text

_app_ids = itertools.count()


@contextlib.asynccontextmanager
async def rest_server(
    bot: Callable[[UserMessage], Awaitable[None]],
    agent: Any = None,
    cors_origins: list[str] | None = None,
) -> AsyncIterator[str]:
    Sanic.test_mode = True  # several apps in one process (see tests/rasa/channels/conftest.py)
    app = Sanic(f"rest_test_{next(_app_ids)}", configure_logging=False)
    # Rasa's server keeps its agent here; the channel reads the conversation's language from it.
    app.ctx.agent = agent
    if cors_origins is not None:
        configure_cors(app, cors_origins)  # as rasa's server does, before the channels
    app.blueprint(RestInput().blueprint(bot), url_prefix="/webhooks/rest")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/rest/webhook"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        sock.close()


async def post(url: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, data=raw) as response,
    ):
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


SENDER = "inwoner-0123456789abcdef"
MESSAGE = {"sender": SENDER, "message": "Wie is de wijkagent?"}


async def test_answers_pass_through_unchanged() -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        status, messages = await post(url, MESSAGE)
    assert status == 200
    assert messages == [{"recipient_id": SENDER, "text": "Hallo", "lang": "nl"}]


async def test_a_failure_gets_a_calm_answer_instead_of_nothing() -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Een moment")
        raise RuntimeError("tracker store: connection refused")

    async with rest_server(bot) as url:
        status, messages = await post(url, MESSAGE)
    assert status == 200
    # What was already said stays; the apology follows.
    assert [m.get("text") for m in messages] == ["Een moment", outage_text(REASON_PROCESSING), None]
    assert messages[-1]["custom"] == {PAYLOAD_UNAVAILABLE: {"reason": REASON_PROCESSING}}
    assert "connection refused" not in str(messages)


async def test_silence_gets_a_calm_answer() -> None:
    async def no_agent(message: UserMessage) -> None:
        return None  # what Rasa does without a loaded model

    async with rest_server(no_agent) as url:
        status, messages = await post(url, MESSAGE)
    assert status == 200
    assert [m.get("custom") for m in messages][-1] == {
        PAYLOAD_UNAVAILABLE: {"reason": REASON_PROCESSING}
    }


async def test_an_oversized_body_is_refused_before_the_bot_sees_it() -> None:
    seen: list[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message)

    async with rest_server(bot) as url:
        status, _ = await post(url, {"sender": SENDER, "message": "a" * MAX_BODY_BYTES})
        small, _ = await post(url, MESSAGE)
    assert status == 413
    assert small == 200
    assert len(seen) == 1


REFUSED = [
    ({"message": "ik woon op Merelstraat 5"}, "sender_missing"),
    ({"sender": None, "message": "hallo"}, "sender_missing"),
    ({"sender": "", "message": "hallo"}, "sender_too_short"),
    ({"sender": 123, "message": "hallo"}, "sender_not_string"),
    ({"sender": ["a" * 20], "message": "hallo"}, "sender_not_string"),
    ({"sender": "a" * (MIN_SENDER_LENGTH - 1), "message": "hallo"}, "sender_too_short"),
    ({"sender": "a" * (MAX_SENDER_LENGTH + 1), "message": "hallo"}, "sender_too_long"),
    ({"sender": "a" * 5000, "message": "hallo"}, "sender_too_long"),
    ({"sender": "inwoner 0123456789abcdef", "message": "hallo"}, "sender_characters"),
    ({"sender": "inwoner/../0123456789", "message": "hallo"}, "sender_characters"),
    ({"sender": "inwoner-0123456789\u202e", "message": "hallo"}, "sender_characters"),
    ({"sender": SENDER}, "message_missing"),
    ({"sender": SENDER, "message": None}, "message_missing"),
    ({"sender": SENDER, "message": 456}, "message_not_string"),
    ({"sender": SENDER, "message": ["x"]}, "message_not_string"),
    ({"sender": SENDER, "message": {"text": "x"}}, "message_not_string"),
    ({"sender": SENDER, "message": "hallo", "metadata": "x"}, "metadata_not_object"),
    ({"sender": SENDER, "message": "hallo", "metadata": [1]}, "metadata_not_object"),
    ({}, "sender_missing"),
    ([MESSAGE], "body_not_object"),
    ("hallo", "body_not_object"),
    (0, "body_not_object"),
]


@pytest.mark.parametrize(("body", "code"), REFUSED, ids=[code for _, code in REFUSED])
async def test_a_message_without_its_own_valid_sender_is_refused(body: Any, code: str) -> None:
    seen: list[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message)

    async with rest_server(bot) as url:
        status, answer = await post(url, body)
    assert status == 400
    assert answer["error"] == code
    assert answer["message"]  # a short Dutch explanation
    assert seen == []


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b"not json", b"[" * 4000 + b"]" * 4000])
async def test_a_body_that_is_not_json_is_refused(raw: bytes) -> None:
    async def bot(message: UserMessage) -> None:
        raise AssertionError("the bot must not see it")

    async with rest_server(bot) as url:
        status, answer = await post(url, raw=raw)
    assert status == 400
    assert answer["error"] in {"invalid_json", "body_not_object"}


async def test_two_clients_without_a_sender_never_share_a_conversation() -> None:
    """Issue 15: both fell back to Rasa's "default" id and read each other's buurt."""
    seen: list[str] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message.sender_id)
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        first, _ = await post(url, {"message": "ik woon op Merelstraat 5"})
        second, _ = await post(url, {"message": "wie is de wijkagent"})
    assert (first, second) == (400, 400)
    assert seen == []


@pytest.mark.parametrize(
    "sender",
    [
        "0123456789abcdef0123456789abcdef",  # the widget: 16 random bytes in hex
        "eval-" + "0" * 32,  # the evaluation script
        "123e4567-e89b-12d3-a456-426614174000",  # an older widget's randomUUID
        "a" * MIN_SENDER_LENGTH,
        "A.b_c:d-" * (MAX_SENDER_LENGTH // 8),
    ],
)
async def test_valid_sender_ids_get_their_answer(sender: str) -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        status, messages = await post(url, {"sender": sender, "message": "hoi"})
    assert status == 200
    assert messages == [{"recipient_id": sender, "text": "Hallo", "lang": "nl"}]


async def test_the_health_route_needs_no_body() -> None:
    async def bot(message: UserMessage) -> None:
        return None

    async with (
        rest_server(bot) as url,
        aiohttp.ClientSession() as session,
        session.get(url.removesuffix("/webhook") + "/") as response,
    ):
        assert response.status == 200


# -- issue 14: each message says the conversation's language -----------------------------------

LANGUAGE_DOMAIN = Domain.from_dict(
    {
        "entities": ["language"],
        "slots": {
            "language": {
                "type": "categorical",
                "values": ["nl", "en"],
                "initial_value": "nl",
                "influence_conversation": False,
                "mappings": [{"type": "from_entity", "entity": "language"}],
            }
        },
    }
)


class CountingTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store that counts how often a conversation is read outside the bot."""

    def __init__(self, domain: Domain) -> None:
        super().__init__(domain)
        self.reads = 0
        self.in_bot = False

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self.reads += not self.in_bot
        return await super().retrieve(sender_id)


def language_bot(store: TrackerStore) -> Callable[[UserMessage], Awaitable[None]]:
    """What Rasa does, in short: the message may set the slot, the tracker is saved, then the
    answer goes out. "english ..." and "nederlands ..." switch; "raw X" sets X as it is."""

    async def bot(message: UserMessage) -> None:
        if isinstance(store, CountingTrackerStore):
            store.in_bot = True
        tracker = await store.get_or_create_tracker(message.sender_id)
        text = message.text or ""
        if text.startswith("english"):
            tracker.update(SlotSet("language", "en"))
        elif text.startswith("nederlands"):
            tracker.update(SlotSet("language", "nl"))
        elif text.startswith("raw "):
            tracker.update(SlotSet("language", json.loads(text.removeprefix("raw "))))
        await store.save(tracker)
        if isinstance(store, CountingTrackerStore):
            store.in_bot = False
        await message.output_channel.send_text_message(message.sender_id, "Antwoord")
        await message.output_channel.send_custom_json(
            message.sender_id, {"route": {"role": "wijkagent"}}
        )

    return bot


def langs(messages: list[dict[str, Any]]) -> list[str]:
    return [message.get("lang", "") for message in messages]


async def test_every_message_carries_the_language_of_the_conversation_after_it() -> None:
    store = CountingTrackerStore(LANGUAGE_DOMAIN)
    async with rest_server(language_bot(store), SimpleNamespace(tracker_store=store)) as url:
        answers = []
        for text in ("hallo", "english please", "who is my wijkagent", "nederlands graag"):
            status, messages = await post(url, {"sender": SENDER, "message": text})
            assert status == 200
            answers.append(langs(messages))
    # The message that switches is already answered in the new language.
    assert answers == [["nl", "nl"], ["en", "en"], ["en", "en"], ["nl", "nl"]]
    assert store.reads == 4  # one read per request, after the bot saved


async def test_the_language_comes_from_rasas_own_agent() -> None:
    """Rasa's Agent wraps the tracker store (FailSafeTrackerStore); the channel reads through it."""
    agent = Agent(domain=LANGUAGE_DOMAIN, tracker_store=InMemoryTrackerStore(LANGUAGE_DOMAIN))
    async with rest_server(language_bot(agent.tracker_store), agent) as url:
        _, dutch = await post(url, {"sender": SENDER, "message": "hallo"})
        _, english = await post(url, {"sender": SENDER, "message": "english"})
    assert (langs(dutch), langs(english)) == (["nl", "nl"], ["en", "en"])


async def test_the_language_is_per_conversation() -> None:
    store = InMemoryTrackerStore(LANGUAGE_DOMAIN)
    other = "inwoner-fedcba9876543210"
    async with rest_server(language_bot(store), SimpleNamespace(tracker_store=store)) as url:
        _, english = await post(url, {"sender": SENDER, "message": "english"})
        _, dutch = await post(url, {"sender": other, "message": "hallo"})
    assert (langs(english), langs(dutch)) == (["en", "en"], ["nl", "nl"])


@pytest.mark.parametrize("value", [None, "fr", "EN", 3, ["en"]], ids=repr)
async def test_an_unset_or_unknown_slot_value_is_dutch(value: Any) -> None:
    store = InMemoryTrackerStore(LANGUAGE_DOMAIN)
    async with rest_server(language_bot(store), SimpleNamespace(tracker_store=store)) as url:
        status, messages = await post(
            url, {"sender": SENDER, "message": f"raw {json.dumps(value)}"}
        )
    assert status == 200
    assert langs(messages) == ["nl", "nl"]


async def test_a_domain_without_the_slot_is_dutch() -> None:
    store = InMemoryTrackerStore(Domain.empty())
    async with rest_server(language_bot(store), SimpleNamespace(tracker_store=store)) as url:
        _, messages = await post(url, {"sender": SENDER, "message": "english"})
    assert langs(messages) == ["nl", "nl"]


async def test_without_an_agent_or_a_readable_tracker_the_answer_still_comes_in_dutch() -> None:
    class BrokenStore(InMemoryTrackerStore):
        async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
            raise ConnectionError("tracker store down")

    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        _, without_agent = await post(url, MESSAGE)
    broken = SimpleNamespace(tracker_store=BrokenStore(LANGUAGE_DOMAIN))
    async with rest_server(bot, broken) as url:
        status, with_broken_store = await post(url, MESSAGE)
    assert status == 200
    assert (
        without_agent
        == with_broken_store
        == [{"recipient_id": SENDER, "text": "Hallo", "lang": "nl"}]
    )


async def test_the_apology_after_a_failure_is_in_the_conversations_language() -> None:
    store = InMemoryTrackerStore(LANGUAGE_DOMAIN)
    tracker = await store.get_or_create_tracker(SENDER)
    tracker.update(SlotSet("language", "en"))
    await store.save(tracker)

    async def failing(message: UserMessage) -> None:
        raise RuntimeError("action server down")

    async with rest_server(failing, SimpleNamespace(tracker_store=store)) as url:
        status, messages = await post(url, MESSAGE)
    assert status == 200
    assert messages[-1]["custom"] == {PAYLOAD_UNAVAILABLE: {"reason": REASON_PROCESSING}}
    # In the conversation's language (Dutch while bot/core/texts has no English).
    assert messages[0]["text"] == outage_text(REASON_PROCESSING, "en")
    assert set(langs(messages)) == {"en"}


def test_an_outage_in_a_language_without_texts_is_dutch() -> None:
    assert outage_text(REASON_PROCESSING, "fr") == outage_text(REASON_PROCESSING)
    assert outage_text("no such reason", "nl") == outage_text(REASON_PROCESSING)


@pytest.mark.parametrize(
    "metadata",
    [
        {"language": "en"},
        {"language": "nl", "gemeente": "GM9200"},
        {"language": "fr"},
        {"language": 7},
    ],
    ids=repr,
)
async def test_the_language_metadata_reaches_rasa_unchanged(metadata: dict[str, Any]) -> None:
    seen: list[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        status, _ = await post(url, {**MESSAGE, "metadata": metadata})
    assert status == 200  # an unknown language is no reason to refuse: the session start ignores it
    assert [message.metadata for message in seen] == [metadata]


async def test_tagging_keeps_the_cors_headers() -> None:
    store = InMemoryTrackerStore(LANGUAGE_DOMAIN)
    origin = "http://127.0.0.1:8080"
    agent = SimpleNamespace(tracker_store=store)
    async with (
        rest_server(language_bot(store), agent, cors_origins=[origin]) as url,
        aiohttp.ClientSession() as session,
        session.post(
            url, json={"sender": SENDER, "message": "english"}, headers={"Origin": origin}
        ) as response,
    ):
        assert response.headers.get("Access-Control-Allow-Origin") == origin
        body = await response.read()
        assert int(response.headers["Content-Length"]) == len(body)
    assert langs(json.loads(body)) == ["en", "en"]


async def test_streamed_answers_are_left_alone() -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        status, answer = await post(url + "?stream=true", MESSAGE)
    assert status == 200
    assert json.loads(str(answer).strip()) == {"recipient_id": SENDER, "text": "Hallo"}
