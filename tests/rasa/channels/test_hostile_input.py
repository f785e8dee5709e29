"""Generated hostile bodies (Hypothesis) against the REST channel and the signed WhatsApp
webhook, each served by a real Sanic server on loopback: a clear refusal or an answer,
never a 500 or a stack trace."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage

from bot.rasa.channels.rest import MAX_SENDER_LENGTH, MIN_SENDER_LENGTH, refusal
from bot.rasa.channels.whatsapp import ProcessedMessageStore, WhatsAppInput, WhatsAppSettings
from tests.rasa.channels.conftest import Webhooks, serve_channel, signed
from tests.rasa.channels.test_rest_channel import SENDER, rest_server

T = TypeVar("T")

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a hostile client would try: any Unicode, control and bidi characters, empty, long.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e"
hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from([*BIDI, "\x00", "\x1b", "\r", "\n", "\ufeff"])),
    st.text(min_size=2000, max_size=6000),
    st.just(""),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


raw_bodies = st.one_of(
    st.binary(max_size=3000),
    st.integers(min_value=1, max_value=5000).map(nested),
    json_values.map(lambda value: json.dumps(value).encode()),
)


class LoopThread:
    """An event loop in a daemon thread, so a synchronous Hypothesis test can use a server."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    @contextlib.contextmanager
    def enter(self, manager: contextlib.AbstractAsyncContextManager[T]) -> Iterator[T]:
        value = self.run(manager.__aenter__())
        try:
            yield value
        finally:
            self.run(manager.__aexit__(None, None, None))
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.request("POST", parts.path, body, headers or {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


def no_trace(body: bytes) -> None:
    assert b"Traceback" not in body and b'File "' not in body


# --------------------------------------------------------------------------- REST channel


@pytest.fixture(scope="module")
def rest_url() -> Iterator[tuple[str, list[UserMessage]]]:
    seen: list[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Hallo")

    with LoopThread().enter(rest_server(bot)) as url:
        yield url, seen


@FUZZ
@given(body=raw_bodies)
def test_any_rest_body_gets_an_answer_or_a_clear_refusal(
    rest_url: tuple[str, list[UserMessage]], body: bytes
) -> None:
    url, seen = rest_url
    before = len(seen)
    status, answer = post(url, body)
    no_trace(answer)
    expected = refusal(body)
    if len(body) > 16 * 1024:
        assert status == 413
    elif expected is None:
        assert status == 200
    else:
        assert status == 400
        assert json.loads(answer) == {"error": expected[0], "message": expected[1]}
        assert len(seen) == before  # the bot never saw it


@FUZZ
@given(
    sender=st.one_of(json_values, st.text(max_size=200)),
    message=st.one_of(json_values, hostile_text),
    metadata=json_values,
)
def test_any_sender_message_and_metadata(
    rest_url: tuple[str, list[UserMessage]], sender: Any, message: Any, metadata: Any
) -> None:
    url, seen = rest_url
    body = json.dumps({"sender": sender, "message": message, "metadata": metadata}).encode()
    status, answer = post(url, body)
    no_trace(answer)
    valid = (
        isinstance(sender, str)
        and MIN_SENDER_LENGTH <= len(sender) <= MAX_SENDER_LENGTH
        and all(c.isascii() and (c.isalnum() or c in "_.:-") for c in sender)
        and isinstance(message, str)
        and isinstance(metadata, dict)
    )
    if len(body) > 16 * 1024:
        assert status == 413
    elif valid:
        assert status == 200
        assert json.loads(answer) == [{"recipient_id": sender, "text": "Hallo", "lang": "nl"}]
        assert seen[-1].sender_id == sender and seen[-1].text == message.strip()
    else:
        assert status == 400
        assert json.loads(answer)["error"]


@FUZZ
@given(message=hostile_text)
def test_any_text_from_a_valid_sender_reaches_the_bot(
    rest_url: tuple[str, list[UserMessage]], message: str
) -> None:
    url, seen = rest_url
    body = json.dumps({"sender": SENDER, "message": message}).encode()
    status, answer = post(url, body)
    if len(body) > 16 * 1024:
        assert status == 413
        return
    assert status == 200
    assert seen[-1].text == message.strip()  # Rasa strips the text


# --------------------------------------------------------------------------- WhatsApp webhook


@pytest.fixture(scope="module")
def whatsapp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The channel with an unreachable Graph API: only the webhook's own answers count here."""
    database = tmp_path_factory.mktemp("whatsapp") / "processed.db"
    engine = sa.create_engine(f"sqlite:///{database}", future=True)
    channel = WhatsAppInput(
        WhatsAppSettings(
            verify_token="test-verify-token",
            app_secret="test-app-secret",
            access_token="test-access-token",
            phone_number_id="106540352242922",
            api_url="http://127.0.0.1:9/v21.0",
        ),
        store=ProcessedMessageStore(engine),
    )

    async def bot(message: UserMessage) -> None:
        return None

    with LoopThread().enter(serve_channel(channel, bot)) as served:
        yield served
    engine.dispose()


whatsapp_messages = st.builds(
    lambda kind, content: Webhooks().message(kind, content),
    st.sampled_from(["text", "interactive", "location", "image", "audio", "button", "unknown"]),
    json_values,
)


@FUZZ
@given(body=st.one_of(raw_bodies, whatsapp_messages.map(lambda b: json.dumps(b).encode())))
def test_any_signed_whatsapp_body_is_accepted_or_refused_cleanly(
    whatsapp: Any, body: bytes
) -> None:
    status, answer = post(whatsapp.webhook_url, body, signed(body))
    no_trace(answer)
    if len(body) > 256 * 1024:
        assert status == 413
    else:
        assert status in (200, 400), answer


@FUZZ
@given(body=raw_bodies)
def test_an_unsigned_or_wrongly_signed_body_is_forbidden(whatsapp: Any, body: bytes) -> None:
    status, _ = post(whatsapp.webhook_url, body, signed(body, "another-secret"))
    assert status == 403
    status, _ = post(whatsapp.webhook_url, body, {"Content-Type": "application/json"})
    assert status == 403
