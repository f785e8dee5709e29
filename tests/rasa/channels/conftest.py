"""Fixtures for the WhatsApp channel: a fake Graph API, real-shaped webhooks, a served channel."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from aiohttp import web
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.rasa.channels.whatsapp import (
    ProcessedMessageStore,
    WhatsAppInput,
    WhatsAppSettings,
    sign_body,
)

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
RESIDENT_PHONE = "31612345678"


@dataclass
class GraphRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeGraphApi:
    """A loopback stand-in for graph.facebook.com that records what the bot sends.

    It runs its own event loop in a thread, so it also serves a bot in another process.
    `fail_next` holds statuses to answer before going back to 200.
    """

    requests: list[GraphRequest] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: Iterator[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v21.0"

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.requests.append(GraphRequest(request.path, dict(request.headers), body))
            status = self.fail_next.pop(0) if self.fail_next else 200
        if status != 200:
            error = {"error": {"message": "test failure", "code": 131000, "type": "OAuthException"}}
            return web.json_response(error, status=status)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.out.{next(self._ids)}"}],
            }
        )

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_post("/v21.0/{phone_number_id}/messages", self._messages)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-graph-api", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def sent(self) -> list[dict[str, Any]]:
        with self._lock:
            return [request.body for request in self.requests]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()


@pytest.fixture
def graph_api() -> Iterator[FakeGraphApi]:
    api = FakeGraphApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def module_graph_api() -> Iterator[FakeGraphApi]:
    """One fake Graph API for a module, e.g. for a bot process started once."""
    api = FakeGraphApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture
def settings(graph_api: FakeGraphApi) -> WhatsAppSettings:
    return WhatsAppSettings(
        verify_token=VERIFY_TOKEN,
        app_secret=APP_SECRET,
        access_token=ACCESS_TOKEN,
        phone_number_id=PHONE_NUMBER_ID,
        api_url=graph_api.url,
    )


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'wijkwijzer-test.db'}"


@pytest.fixture
def make_store(database_url: str) -> Iterator[Callable[[], ProcessedMessageStore]]:
    """A deduplication store on the test database; each call is a fresh one (a restart)."""
    engines: list[sa.engine.Engine] = []

    def make() -> ProcessedMessageStore:
        engine = sa.create_engine(database_url, future=True)
        engines.append(engine)
        return ProcessedMessageStore(engine)

    yield make
    for engine in engines:
        engine.dispose()


class Webhooks:
    """Real-shaped WhatsApp Cloud API webhook bodies (docs/whatsapp.md lists the sources)."""

    def __init__(self, phone: str = RESIDENT_PHONE) -> None:
        self.phone = phone
        self.phone_number_id = PHONE_NUMBER_ID

    def message_id(self) -> str:
        # Unique across tests: a bot started once per module deduplicates them all.
        return f"wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQ{uuid.uuid4().hex.upper()}"

    def envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        base = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "31850001234", "phone_number_id": PHONE_NUMBER_ID},
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"value": base | value, "field": "messages"}]}
            ],
        }

    def message(self, message_type: str, content: Any, message_id: str | None = None) -> dict:
        message = {
            "from": self.phone,
            "id": message_id or self.message_id(),
            "timestamp": "1749416383",
            "type": message_type,
            message_type: content,
        }
        return self.envelope(
            {
                "contacts": [{"profile": {"name": "Test Bewoner"}, "wa_id": self.phone}],
                "messages": [message],
            }
        )

    def text(self, body: str, message_id: str | None = None) -> dict:
        return self.message("text", {"body": body}, message_id)

    def button_reply(self, reply_id: str, title: str = "Ja") -> dict:
        payload = self.message(
            "interactive",
            {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
        )
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["context"] = {
            "from": "31850001234",
            "id": "wamid.out.0",
        }
        return payload

    def list_reply(self, reply_id: str, title: str = "Keuze") -> dict:
        return self.message(
            "interactive",
            {
                "type": "list_reply",
                "list_reply": {"id": reply_id, "title": title, "description": "Uitleg"},
            },
        )

    def location(self, latitude: float, longitude: float) -> dict:
        return self.message(
            "location",
            {"latitude": latitude, "longitude": longitude, "name": "Thuis", "address": "Straat 1"},
        )

    def image(self) -> dict:
        return self.message(
            "image",
            {
                "mime_type": "image/jpeg",
                "sha256": "abc",
                "id": "1003383421387256",
                "caption": "kijk",
            },
        )

    def voice(self) -> dict:
        return self.message(
            "audio", {"mime_type": "audio/ogg; codecs=opus", "id": "2387", "voice": True}
        )

    def sticker(self) -> dict:
        return self.message("sticker", {"mime_type": "image/webp", "id": "5", "animated": False})

    def reaction(self) -> dict:
        return self.message("reaction", {"message_id": "wamid.out.0", "emoji": "👍"})

    def status(self, status: str = "delivered") -> dict:
        return self.envelope(
            {
                "statuses": [
                    {
                        "id": "wamid.out.0",
                        "status": status,
                        "timestamp": "1749416400",
                        "recipient_id": self.phone,
                        "pricing": {"billable": True, "category": "service"},
                    }
                ]
            }
        )


@pytest.fixture
def webhooks() -> Webhooks:
    return Webhooks()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign_body(secret, body)}


@dataclass
class ServedChannel:
    """The channel's blueprint on a real Sanic server on loopback, with a stand-in bot."""

    channel: WhatsAppInput
    base_url: str
    received: list[UserMessage]
    session: aiohttp.ClientSession

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/webhooks/whatsapp/webhook"

    async def post(
        self, payload: Any, *, secret: str = APP_SECRET, raw: bytes | None = None
    ) -> aiohttp.ClientResponse:
        body = raw if raw is not None else json.dumps(payload).encode("utf-8")
        async with self.session.post(
            self.webhook_url, data=body, headers=signed(body, secret)
        ) as r:
            await r.read()
            return r


Bot = Callable[[UserMessage], Awaitable[None]]


@pytest.fixture
def bot_reply() -> list[Bot]:
    """Replace element 0 to change how the stand-in bot answers."""

    async def echo(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"U zei: {message.text}")

    return [echo]


_app_ids = itertools.count()


@contextlib.asynccontextmanager
async def serve_channel(
    channel: WhatsAppInput, bot: Callable[[UserMessage], Awaitable[None]], agent: Any = None
) -> AsyncIterator[ServedChannel]:
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)
        await bot(message)

    # Sanic 21.12 rewrites its own methods when the first app starts ("touchup"); a second
    # app in the same process then fails unless test mode keeps the originals around.
    Sanic.test_mode = True
    app = Sanic(f"whatsapp_test_{next(_app_ids)}", configure_logging=False)
    # Rasa's server keeps its agent here; the channel asks its tracker store about residents.
    app.ctx.agent = agent
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/whatsapp")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    async with aiohttp.ClientSession() as session:
        try:
            yield ServedChannel(channel, f"http://127.0.0.1:{port}", received, session)
        finally:
            await channel.wait_idle()
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()
            sock.close()


@pytest.fixture
async def served(
    settings: WhatsAppSettings,
    make_store: Callable[[], ProcessedMessageStore],
    bot_reply: list[Bot],
) -> AsyncIterator[ServedChannel]:
    channel = WhatsAppInput(settings, store=make_store())

    async def bot(message: UserMessage) -> None:
        await bot_reply[0](message)

    async with serve_channel(channel, bot) as served:
        yield served


@pytest.fixture
def channel_server() -> Callable[..., contextlib.AbstractAsyncContextManager[ServedChannel]]:
    """Serves any channel instance (e.g. a second one on the same database: a restart)."""
    return serve_channel
