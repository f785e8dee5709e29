"""End to end: the real bot (`wijkwijzer serve`) on WhatsApp, with a fake Graph API on loopback."""

from __future__ import annotations

import itertools
import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.rasa.channels.whatsapp import channel_texts, sign_body
from tests.support.servers import (
    DEMO_DIR,
    PROJECT_ROOT,
    Server,
    bot_env,
    has_model,
    import_municipalities,
    running,
    serve,
)

pytestmark = pytest.mark.server

APP_SECRET = "e2e-app-secret"
VERIFY_TOKEN = "e2e-verify-token"
PHONE_NUMBER_ID = "106540352242922"
REPLY_SECONDS = 60
# A point in the demo's Vogelbuurt (wijk Weidehaven-Noord, wijkagent Mehmet Yilmaz).
VOGELBUURT = (53.0400, 6.8900)
# A point among the houses of the Molenhoek (wijk Zuiderpolder, wijkagent Peter van Dijk).
MOLENHOEK = (53.0150, 6.8905)


def _skip_reason() -> str | None:
    if not has_model():
        return "no trained model in models/ (run `.venv/bin/wijkwijzer train`)"
    credentials = PROJECT_ROOT / "credentials.yml"
    if not credentials.exists() or "bot.rasa.channels.whatsapp.WhatsAppInput" not in (
        credentials.read_text(encoding="utf-8")
    ):
        return "credentials.yml does not register bot.rasa.channels.whatsapp.WhatsAppInput yet"
    if not (PROJECT_ROOT / "demo" / "buurten.geojson").exists():
        return "demo/ has no buurten.geojson"
    return None


def _get(url: str, timeout: float = 2) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _answers_handshake(url: str) -> bool:
    try:
        return _get(url) == (200, "7")
    except OSError:  # not listening yet
        return False


@dataclass
class Bot:
    server: Server
    graph: Any

    @property
    def webhook_url(self) -> str:
        return f"{self.server.url}/webhooks/whatsapp/webhook"

    def post(self, payload: Any, *, secret: str = APP_SECRET, raw: bytes | None = None) -> int:
        body = raw if raw is not None else json.dumps(payload).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign_body(secret, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except urllib.error.URLError as error:
            state = "running" if self.server.alive() else "exited"
            raise AssertionError(
                f"bot unreachable ({error.reason}; {state}):\n{self.server.tail()}"
            ) from None

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        return [body for body in self.graph.sent() if body.get("to") == phone]

    def wait_for(
        self, phone: str, predicate: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + REPLY_SECONDS
        while time.monotonic() < deadline:
            sent = self.sent_to(phone)
            if predicate(sent):
                return sent
            assert self.server.alive(), self.server.tail()
            time.sleep(0.2)
        raise AssertionError(f"no matching reply; sent: {self.sent_to(phone)}")

    def settled(self, phone: str, quiet: float = 2.5) -> list[dict[str, Any]]:
        """What was sent to `phone` once nothing new arrived for `quiet` seconds."""
        count, since = -1, time.monotonic()
        while time.monotonic() - since < quiet:
            current = len(self.sent_to(phone))
            if current != count:
                count, since = current, time.monotonic()
            time.sleep(0.1)
        return self.sent_to(phone)


@pytest.fixture(scope="module")
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    module_graph_api = request.getfixturevalue("module_graph_api")
    workdir = tmp_path_factory.mktemp("whatsapp-e2e")
    env = bot_env(
        workdir,
        WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
        WHATSAPP_APP_SECRET=APP_SECRET,
        WHATSAPP_ACCESS_TOKEN="e2e-access-token",
        WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
        WHATSAPP_API_URL=module_graph_api.url,
        WHATSAPP_SENDER_KEY="e2e-sender-key",
    )
    import_municipalities(env, [DEMO_DIR])
    server = serve(workdir, env)
    bot = Bot(server, module_graph_api)
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"}
    )
    # Ready when the WhatsApp channel itself answers its verification handshake.
    server.ready = lambda: _answers_handshake(f"{bot.webhook_url}?{query}")
    with running(server):
        yield bot


_phones = itertools.count(1)


@pytest.fixture
def hooks(webhooks: Any) -> Any:
    """Real-shaped webhooks from a resident of our own, so conversations do not mix."""
    webhooks.phone = f"3161{next(_phones):07d}"
    return webhooks


def _texts(sent: list[dict[str, Any]]) -> str:
    return "\n".join(
        body.get("text", {}).get("body", "")
        or body.get("interactive", {}).get("body", {}).get("text", "")
        for body in sent
    )


def test_handshake_on_the_real_server(bot: Bot) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "4242"}
    assert _get(f"{bot.webhook_url}?{urllib.parse.urlencode(query)}") == (200, "4242")
    query["hub.verify_token"] = "wrong"
    assert _get(f"{bot.webhook_url}?{urllib.parse.urlencode(query)}")[0] == 403


def test_forged_signature_reaches_no_conversation(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.text("Wie is de wijkagent?"), secret="forged") == 403
    assert bot.settled(hooks.phone) == []


def test_malformed_body_gets_400(bot: Bot) -> None:
    assert bot.post(None, raw=b"{ dit is geen json") == 400
    assert bot.post([1, 2, 3]) == 400


def test_text_gets_an_answer(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.text("Hallo")) == 200
    sent = bot.wait_for(hooks.phone, bool)
    assert sent[0]["messaging_product"] == "whatsapp"


def test_button_reply_goes_to_rasa_as_payload(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.button_reply("/greet", "Hallo")) == 200
    sent = bot.wait_for(hooks.phone, bool)
    assert "Wijkwijzer" in _texts(sent)  # utter_greet


def test_list_reply_goes_to_rasa_as_payload(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.list_reply("/explain_all_roles", "Iedereen")) == 200
    sent = bot.wait_for(hooks.phone, lambda s: "wijkagent" in _texts(s).lower())
    assert sent


def test_location_pin_is_resolved_to_the_buurt(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.location(*VOGELBUURT)) == 200
    bot.wait_for(hooks.phone, lambda s: "Vogelbuurt" in _texts(s))


def test_status_is_acknowledged_and_ignored(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.status("read")) == 200
    assert bot.settled(hooks.phone) == []


def test_image_gets_the_friendly_answer(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.image()) == 200
    sent = bot.wait_for(hooks.phone, bool)
    assert sent[0]["text"]["body"] == channel_texts("nl").media


def test_duplicate_delivery_is_answered_once(bot: Bot, hooks: Any) -> None:
    payload = hooks.button_reply("/greet", "Hallo")
    assert bot.post(payload) == 200
    bot.wait_for(hooks.phone, bool)
    first = bot.settled(hooks.phone)
    assert bot.post(payload) == 200
    assert bot.settled(hooks.phone, quiet=4) == first


def test_full_conversation_question_pin_contact_card(bot: Bot, hooks: Any) -> None:
    assert bot.post(hooks.text("Wie is de wijkagent?")) == 200
    sent = bot.wait_for(
        hooks.phone,
        lambda s: any(
            body.get("interactive", {}).get("type") == "location_request_message" for body in s
        ),
    )
    # The route's explain button comes as an interactive message of its own before it.
    request = next(
        body
        for body in sent
        if body.get("interactive", {}).get("type") == "location_request_message"
    )
    assert request["interactive"]["action"] == {"name": "send_location"}
    assert request["interactive"]["body"]["text"]

    assert bot.post(hooks.location(*VOGELBUURT)) == 200
    sent = bot.wait_for(hooks.phone, lambda s: "Mehmet Yilmaz" in _texts(s))
    card = _texts(sent)
    assert "0900-8844" in card and "mehmet.yilmaz@politie.example" in card


@pytest.fixture
def without_outlines(bot: Bot, tmp_path: Path) -> Iterator[None]:
    """The served database re-imported from the demo CSVs alone: addresses with
    coordinates, no buurten.geojson (a municipality that has no map); restored after."""
    csv_only = tmp_path / "weidehaven-csv"
    csv_only.mkdir()
    for path in DEMO_DIR.glob("*.csv"):
        shutil.copy(path, csv_only / path.name)
    report = import_municipalities(bot.server.env, [csv_only])
    assert "met coördinaten" in report and "buurtgrenzen" not in report
    try:
        yield
    finally:
        import_municipalities(bot.server.env, [DEMO_DIR])


def test_location_pin_without_outlines_finds_the_nearest_address(
    bot: Bot, hooks: Any, without_outlines: None
) -> None:
    engine = sa.create_engine(bot.server.env["WIJKWIJZER_DATABASE_URL"], future=True)
    try:
        with engine.connect() as connection:
            outlines = connection.scalar(sa.text("SELECT count(*) FROM buurt_shape"))
    finally:
        engine.dispose()
    assert outlines == 0

    assert bot.post(hooks.text("Wie is de wijkagent?")) == 200
    bot.wait_for(
        hooks.phone,
        lambda s: any(
            body.get("interactive", {}).get("type") == "location_request_message" for body in s
        ),
    )
    assert bot.post(hooks.location(*MOLENHOEK)) == 200
    sent = bot.wait_for(hooks.phone, lambda s: "Peter van Dijk" in _texts(s))
    card = _texts(sent)
    assert "0900-8844" in card and "peter.vandijk@politie.example" in card
