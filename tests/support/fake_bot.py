"""A stand-in for the Rasa REST channel that answers with realistic contract payloads.

It speaks CORS like the real server started with ``--cors ORIGIN``: only the allowed
origins get an Access-Control-Allow-Origin header. Used by the widget tests and by
scripts/screenshots.py while no trained model is around.

Like the real REST channel it puts the conversation's language on every message (`lang`,
CONTRACT.md section 7): the metadata `language` of a conversation's first message starts it,
a message that is clearly English or Dutch (a few words, see `_language`) switches it.
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
from bot.core.texts import say

WEBHOOK = "/webhooks/rest/webhook"
POSTCODE = re.compile(r"\b(\d{4})\s?([A-Za-z]{2})\b")
ENGLISH = re.compile(
    r"\b(english|my|the|who|what|hello|hi|neighbours?|noise|please|burglary|fire)\b"
)
# Messages in a language the bot does not serve, told by their script.
FOREIGN_SCRIPTS = {"ar": re.compile("[\u0600-\u06ff]"), "uk": re.compile("[\u0400-\u04ff]")}
DUTCH = re.compile(r"\b(nederlands|mijn|de|het|wie|wat|buren|lawaai|hallo|hoi|ik|een|er)\b")
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


# The `reachable` lines of CONTACTS (bot/core/opening_hours.py's sentences), per language.
REACHABLE = {
    "buurtbemiddeling": ("hours.open_until", {"until": "17:00"}),
    "wijkagent": ("hours.next_session", {"when": "dinsdag 10:00–12:00 in het wijkcentrum"}),
}


def _contacts(code: str, language: str) -> list[dict]:
    contacts = CONTACTS.get(code, CONTACTS["wijkagent"])
    if language == "nl":
        return contacts
    key, values = REACHABLE.get(code, REACHABLE["wijkagent"])
    return [{**contact, "reachable": say(key, language, **values)} for contact in contacts]


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


def _variant(name: str, language: str) -> dict:
    """The response as the real bot picks it: the variation for the `language` slot (Rasa's
    conditional response variations), else the one without a condition."""
    variants = DOMAIN["responses"][name]
    for variant in variants:
        for condition in variant.get("condition") or []:
            if condition.get("name") == "language" and condition.get("value") == language:
                return variant
    return next((variant for variant in variants if not variant.get("condition")), variants[0])


def _response(name: str, language: str = "nl") -> list[dict]:
    variant = _variant(name, language)
    return _said(variant.get("text"), variant.get("buttons"), variant.get("custom"))


def _language(message: str) -> str | None:
    """ "en" or "nl" when a message clearly is; None for payloads, postcodes and the like."""
    lowered = message.lower()
    if lowered.startswith("/"):
        return None
    if "english" in lowered:
        return "en"
    if "nederlands" in lowered:
        return "nl"
    english, dutch = len(ENGLISH.findall(lowered)), len(DUTCH.findall(lowered))
    if english != dutch:
        return "en" if english > dutch else "nl"
    return None


def _role(code: str) -> RoleInfo:
    role = ROLES_BY_CODE[code]
    return RoleInfo(code, role.name, role.description, role.organisation_type, True)


class FakeBrain:
    """Per-sender conversation state and the answers, keyed on a few Dutch and English words;
    the texts are the real bot's (bot/core/replies.py, domain.yml), in the order its actions
    send them."""

    def __init__(self) -> None:
        self.role_by_sender: dict[str, str] = {}
        self.area_by_sender: dict[str, dict] = {}
        self.language_by_sender: dict[str, str] = {}

    def answer(self, sender: str, message: str, metadata: dict | None = None) -> list[dict]:
        """The answer, each message with the conversation's language after this message."""
        if sender not in self.language_by_sender:
            # The session start: the metadata's language when it is one we speak.
            start = (metadata or {}).get("language")
            self.language_by_sender[sender] = start if start in ("nl", "en") else "nl"
        foreign = next(
            (code for code, script in FOREIGN_SCRIPTS.items() if script.search(message)), None
        )
        language = _language(message) or self.language_by_sender[sender]
        self.language_by_sender[sender] = language
        if foreign is not None:
            # The fixed answer in that language; the conversation's language stays.
            messages = _said(
                replies.other_language_text(foreign, "14 0599"),
                None,
                {"foreign_language": {"code": foreign}},
            )
        elif language == "en":
            messages = self.answer_english(sender, message, metadata)
        else:
            messages = self.answer_dutch(sender, message, metadata)
        return [{**reply, "lang": language} for reply in messages]

    def answer_english(self, sender: str, message: str, metadata: dict | None) -> list[dict]:
        """A few English answers, with the real bot's English texts (bot/core/texts/en.yml)."""
        lowered = message.lower()
        if "english" in lowered:
            return _response("utter_language_switched", "en")
        if lowered in ("hello", "hi"):
            return _response("utter_greet", "en")
        if "fire" in lowered or "danger" in lowered:
            return _response("utter_emergency", "en")
        if lowered == "/neighbour_conflict" or "noise" in lowered:
            return self._route(sender, "buurtbemiddeling", "neighbour_conflict", metadata, "en")
        if lowered == "/ask_safety" or "burglary" in lowered:
            return self._route(sender, "wijkagent", "ask_safety", metadata, "en")
        match = POSTCODE.search(message)
        if match and match.group(1) not in OUTSIDE_POSTCODES:
            return self._postcode(sender, match, metadata, "en")
        return _response("utter_ask_rephrase", "en")

    def _card(
        self,
        sender: str,
        role: RoleInfo,
        metadata: dict | None,
        text: str | None,
        language: str = "nl",
    ) -> list[dict]:
        card = {"role": role.code, "area": AREA, "contacts": _contacts(role.code, language)}
        if metadata and metadata.get("gemeente"):
            # Like the real bot in a deployment for several municipalities.
            card["gemeente"] = GEMEENTE
        buttons = replies.other_address_buttons(language) if text else None
        return _said(text, buttons, {"contact_card": card}) + _response(
            "utter_ask_feedback", language
        )

    def _route(
        self, sender: str, code: str, topic: str, metadata: dict | None, language: str = "nl"
    ) -> list[dict]:
        self.role_by_sender[sender] = code
        role = _role(code)
        messages = _said(
            # The real bot glosses a role the first time; the fake every time.
            replies.route_text(role, language, gloss=language == "en"),
            replies.explain_buttons(role, language),
            {"route": {"role": code, "topic": topic}},
        )
        if sender not in self.area_by_sender:
            return messages + _response("utter_ask_location", language)
        area = self.area_by_sender[sender]
        remembered = Area(area["code"], area["name"], area["level"], GEMEENTE["code"])
        card = ContactCard(code, remembered, (ContactInfo(""),))
        text = replies.contact_text(role, card, None, remembered, language)
        return messages + self._card(sender, role, metadata, text, language)

    def _postcode(
        self, sender: str, match: re.Match[str], metadata: dict | None, language: str
    ) -> list[dict]:
        """A postcode in the municipality: the card for the question asked, or the place kept."""
        query = f"{match.group(1)} {match.group(2).upper()}"
        self.area_by_sender[sender] = AREA
        found = [_custom("location", {"status": "found", "query": query, "area": AREA})]
        asked = self.role_by_sender.get(sender)
        if asked is None:
            area = Area(AREA["code"], AREA["name"], AREA["level"], GEMEENTE["code"])
            saved = LocationResult("found", query, area)
            return [*found, _text(replies.location_saved_text(saved, language))]
        return found + self._card(sender, _role(asked), metadata, None, language)

    def answer_dutch(self, sender: str, message: str, metadata: dict | None) -> list[dict]:
        lowered = message.lower()
        if "nederlands" in lowered:
            return _response("utter_language_switched", "nl")
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
            return self._postcode(sender, match, metadata, "nl")
        return [_text("Dat begrijp ik nog niet. Kunt u het anders zeggen?")]


class FakeBot:
    """The fake server on a fixed port, which can be stopped and started again."""

    def __init__(self, port: int, allowed_origins: list[str], delay: float = 0.3) -> None:
        self.port = port
        self.allowed_origins = set(allowed_origins)
        self.delay = delay
        # False: answer like a server from before issue 14, without `lang`.
        self.tag_language = True
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
                if not bot.tag_language:
                    replies = [{k: v for k, v in reply.items() if k != "lang"} for reply in replies]
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
