"""The widget's REST channel (bot/rasa/channels/rest.py) on a real Sanic server: never silence,
never an error text, and oversized bodies refused."""

from __future__ import annotations

import contextlib
import itertools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.rasa.channels.rest import MAX_BODY_BYTES, RestInput
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


MESSAGE = {"sender": "inwoner", "message": "Wie is de wijkagent?"}


async def test_answers_pass_through_unchanged() -> None:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    async with rest_server(bot) as url:
        status, messages = await post(url, MESSAGE)
    assert status == 200
    assert messages == [{"recipient_id": "inwoner", "text": "Hallo"}]


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
        status, _ = await post(url, {"sender": "inwoner", "message": "a" * MAX_BODY_BYTES})
        small, _ = await post(url, MESSAGE)
    assert status == 413
    assert small == 200
    assert len(seen) == 1
