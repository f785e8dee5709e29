"""A stand-in for the Rasa REST channel that answers with realistic contract payloads.

It speaks CORS like the real server started with ``--cors ORIGIN``: only the allowed
origins get an Access-Control-Allow-Origin header. Used by the widget tests and by
scripts/screenshots.py while no trained model is around.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBHOOK = "/webhooks/rest/webhook"
POSTCODE = re.compile(r"\b(\d{4})\s?([A-Za-z]{2})\b")
OUTSIDE_POSTCODES = {"1012"}  # Amsterdam: a real postcode outside Weidehaven

AREA = {"code": "BU09990101", "name": "Vogelbuurt", "level": "buurt"}
GEMEENTE = {"code": "GM9200", "name": "Weidehaven"}
CONTACTS = {
    "buurtbemiddeling": [
        {
            "name": "Fatima el Amrani",
            "organisation": "Welzijn Weidehaven",
            "phone": "0599 123 456",
            "email": "buurtbemiddeling@welzijnweidehaven.nl",
            "hours": "maandag tot en met donderdag, 9.00 tot 17.00 uur",
        }
    ],
    "wijkagent": [
        {
            "name": "Sanne de Vries",
            "organisation": "Politie Noord-Nederland",
            "phone": "0900-8844",
            "hours": "spreekuur dinsdag 10.00 tot 12.00 uur in het wijkcentrum",
        }
    ],
}


def _text(text: str, buttons: list[dict] | None = None) -> dict:
    message: dict = {"text": text}
    if buttons:
        message["buttons"] = buttons
    return message


def _custom(key: str, value: dict) -> dict:
    return {"custom": {key: value}}


class FakeBrain:
    """Per-sender conversation state and the answers, keyed on a few Dutch words."""

    def __init__(self) -> None:
        self.role_by_sender: dict[str, str] = {}

    def _route(self, sender: str, role: str, topic: str, text: str) -> list[dict]:
        self.role_by_sender[sender] = role
        return [
            _text(text),
            _custom("route", {"role": role, "topic": topic}),
            _text("In welke buurt woont u? Typ uw postcode of uw straat en huisnummer."),
            _custom("ask_location", {}),
        ]

    def answer(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        lowered = message.lower()
        if lowered in ("/greet", "hallo", "hoi", "goedendag"):
            return [
                _text(
                    "Hallo! Waar gaat uw vraag over?",
                    buttons=[
                        {"title": "Ruzie met de buren", "payload": "/neighbour_conflict"},
                        {"title": "Veiligheid in de buurt", "payload": "/ask_safety"},
                    ],
                )
            ]
        if "brand" in lowered or "gevaar" in lowered:
            return [
                _text("Bel nu direct 112. Is er brand of gevaar? Wacht niet."),
                _custom("route", {"role": "noodgeval", "topic": "emergency"}),
            ]
        if lowered == "/neighbour_conflict" or "lawaai" in lowered or "herrie" in lowered:
            return self._route(
                sender,
                "buurtbemiddeling",
                "neighbour_conflict",
                "Bij problemen met de buren kan buurtbemiddeling u helpen. "
                "Een bemiddelaar praat met u en uw buren.",
            )
        if lowered == "/ask_safety" or "inbraak" in lowered:
            return self._route(
                sender,
                "wijkagent",
                "ask_safety",
                "Voor veiligheid in uw buurt is de wijkagent er. Zie meer op https://www.politie.nl",
            )
        if "wat doet" in lowered or "verschil" in lowered:
            return [
                _text("Dit doen zij:"),
                _custom("explain", {"roles": ["wijkregisseur", "buurtcoordinator"]}),
            ]
        match = POSTCODE.search(message)
        if match:
            query = f"{match.group(1)} {match.group(2).upper()}"
            if match.group(1) in OUTSIDE_POSTCODES:
                return [
                    _custom("location", {"status": "outside", "query": query}),
                    _text("Dit adres ligt niet in de gemeente Weidehaven."),
                ]
            role = self.role_by_sender.get(sender, "wijkagent")
            card = {"role": role, "area": AREA, "contacts": CONTACTS[role]}
            if metadata and metadata.get("gemeente"):
                # Like the real bot in a deployment for several municipalities.
                card["gemeente"] = GEMEENTE
            return [
                _custom("location", {"status": "found", "query": query, "area": AREA}),
                _text("Dank u. Dit is uw contactpersoon in de Vogelbuurt:"),
                _custom("contact_card", card),
            ]
        return [_text("Dat begrijp ik nog niet. Kunt u het anders zeggen?")]


class FakeBot:
    """The fake server on a fixed port, which can be stopped and started again."""

    def __init__(self, port: int, allowed_origins: list[str], delay: float = 0.3) -> None:
        self.port = port
        self.allowed_origins = set(allowed_origins)
        self.delay = delay
        self.brain = FakeBrain()
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeBot:
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def _cors(self) -> None:
                origin = self.headers.get("Origin")
                if origin in bot.allowed_origins:
                    self.send_header("Access-Control-Allow-Origin", origin)
                    self.send_header("Vary", "Origin")

            def do_OPTIONS(self) -> None:  # noqa: N802
                self.send_response(204)
                self._cors()
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802
                body = b"Hello from Rasa: 3.6.21 (fake)"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                if self.path != WEBHOOK:
                    self.send_response(404)
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length) or b"{}")
                bot.requests.append(request)
                sender, message = request["sender"], request["message"]
                time.sleep(bot.delay)
                replies = [
                    {"recipient_id": sender, **reply}
                    for reply in bot.brain.answer(sender, message, request.get("metadata"))
                ]
                body = json.dumps(replies).encode()
                self.send_response(200)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def senders(self) -> list[str]:
        return [request["sender"] for request in self.requests]
