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
from pathlib import Path

import yaml

from bot.core import replies
from bot.core.cards import Area, ContactCard, ContactInfo, GemeenteInfo, LocationResult, RoleInfo
from bot.core.roles import ROLES_BY_CODE, find_role_mentions

WEBHOOK = "/webhooks/rest/webhook"
POSTCODE = re.compile(r"\b(\d{4})\s?([A-Za-z]{2})\b")
OUTSIDE_POSTCODES = {"1012"}  # Amsterdam: a real postcode outside Weidehaven
DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))

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
            "open_now": True,
            "open_until": "2026-03-24T17:00:00+01:00",
            "next_open": "2026-03-25T09:00:00+01:00",
            "reachable": "Nu bereikbaar tot 17:00",
        }
    ],
    "wijkagent": [
        {
            "name": "Sanne de Vries",
            "organisation": "Politie Noord-Nederland",
            "phone": "0900-8844",
            "hours": "spreekuur dinsdag 10.00 tot 12.00 uur in het wijkcentrum",
            "open_now": False,
            "next_open": "2026-03-31T10:00:00+02:00",
            "reachable": "Volgende spreekuur: dinsdag 10:00–12:00 in het wijkcentrum",
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


def _said(text: str | None, buttons: list[dict] | None, custom: dict | None) -> list[dict]:
    """One utter_message as Rasa's REST channel sends it: the text (with its buttons), then
    the custom payload as a message of its own."""
    messages = [_text(text, buttons)] if text else []
    return messages + ([{"custom": custom}] if custom else [])


def _response(name: str) -> list[dict]:
    variant = DOMAIN["responses"][name][0]
    return _said(variant.get("text"), variant.get("buttons"), variant.get("custom"))


def _role(code: str) -> RoleInfo:
    role = ROLES_BY_CODE[code]
    return RoleInfo(code, role.name, role.description, role.organisation_type, True)


class FakeBrain:
    """Per-sender conversation state and the answers, keyed on a few Dutch words; the texts
    are the real bot's (bot/core/replies.py, domain.yml), in the order its actions send them."""

    def __init__(self) -> None:
        self.role_by_sender: dict[str, str] = {}
        self.area_by_sender: dict[str, dict] = {}

    def _card(self, sender: str, role: RoleInfo, metadata: dict | None, text: str | None):
        contacts = CONTACTS.get(role.code, CONTACTS["wijkagent"])
        card = {"role": role.code, "area": AREA, "contacts": contacts}
        if metadata and metadata.get("gemeente"):
            # Like the real bot in a deployment for several municipalities.
            card["gemeente"] = GEMEENTE
        buttons = replies.other_address_buttons() if text else None
        return _said(text, buttons, {"contact_card": card}) + _response("utter_ask_feedback")

    def _route(self, sender: str, code: str, topic: str, metadata: dict | None) -> list[dict]:
        self.role_by_sender[sender] = code
        role = _role(code)
        messages = _said(
            replies.route_text(role),
            replies.explain_buttons(role),
            {"route": {"role": code, "topic": topic}},
        )
        if sender not in self.area_by_sender:
            return messages + _response("utter_ask_location")
        area = self.area_by_sender[sender]
        remembered = Area(area["code"], area["name"], area["level"], GEMEENTE["code"])
        card = ContactCard(code, remembered, (ContactInfo(""),))
        text = replies.contact_text(role, card, None, remembered)
        return messages + self._card(sender, role, metadata, text)

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
            return _response("utter_emergency")
        if lowered == "/inform_location":
            return _response("utter_ask_location")
        if lowered.startswith("/explain_role") or "wat doet" in lowered or "verschil" in lowered:
            roles = [_role(code) for code in find_role_mentions(message)[:2]] or [
                _role("wijkagent")
            ]
            return _said(
                replies.explain_text(roles),
                replies.contact_buttons(roles),
                {"explain": {"roles": [role.code for role in roles]}},
            )
        if lowered.startswith("/ask_role_contact"):
            code = next(iter(find_role_mentions(message)), "wijkagent")
            return self._route(sender, code, "ask_role_contact", metadata)
        if lowered == "/neighbour_conflict" or "lawaai" in lowered or "herrie" in lowered:
            return self._route(sender, "buurtbemiddeling", "neighbour_conflict", metadata)
        if lowered == "/ask_safety" or "inbraak" in lowered or "ingebroken" in lowered:
            return self._route(sender, "wijkagent", "ask_safety", metadata)
        if "paspoort" in lowered:
            role = RoleInfo("gemeente", "de gemeente", "", "gemeente", False)
            gemeente = GemeenteInfo(
                "GM9200", "Weidehaven", "14 0599", "https://www.weidehaven.example"
            )
            route = {"route": {"role": "gemeente", "topic": "municipal_service"}}
            return _said(replies.route_text(role), None, route) + [
                _text(replies.general_route_text("gemeente", gemeente))
            ]
        match = POSTCODE.search(message)
        if match:
            query = f"{match.group(1)} {match.group(2).upper()}"
            if match.group(1) in OUTSIDE_POSTCODES:
                outside = LocationResult("outside", query)
                return [
                    _custom("location", {"status": "outside", "query": query}),
                    _text(replies.location_problem_text(outside, [GEMEENTE["name"]])),
                ]
            self.area_by_sender[sender] = AREA
            found = [_custom("location", {"status": "found", "query": query, "area": AREA})]
            asked = self.role_by_sender.get(sender)
            if asked is None:
                area = Area(AREA["code"], AREA["name"], AREA["level"], GEMEENTE["code"])
                saved = LocationResult("found", query, area)
                return [*found, _text(replies.location_saved_text(saved))]
            return found + self._card(sender, _role(asked), metadata, None)
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
