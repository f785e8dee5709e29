"""The widget's REST channel (bot/rasa/channels/rest.py) on a real Sanic server: never silence,
never an error text, and oversized bodies refused."""

from __future__ import annotations

import contextlib
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.rasa.channels.rest import MAX_BODY_BYTES, MAX_SENDER_LENGTH, MIN_SENDER_LENGTH, RestInput
from bot.rasa.outage import PAYLOAD_UNAVAILABLE, REASON_PROCESSING, outage_text

_app_ids = itertools.count()


@contextlib.asynccontextmanager
async def rest_server(
    bot: Callable[[UserMessage], Awaitable[None]],
) -> AsyncIterator[str]:
    Sanic.test_mode = True  # several apps in one process (see tests/rasa/channels/conftest.py)
    app = Sanic(f"rest_test_{next(_app_ids)}", configure_logging=False)
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
    assert messages == [{"recipient_id": SENDER, "text": "Hallo"}]


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
    assert messages == [{"recipient_id": sender, "text": "Hallo"}]


async def test_the_health_route_needs_no_body() -> None:
    async def bot(message: UserMessage) -> None:
        return None

    async with (
        rest_server(bot) as url,
        aiohttp.ClientSession() as session,
        session.get(url.removesuffix("/webhook") + "/") as response,
    ):
        assert response.status == 200
