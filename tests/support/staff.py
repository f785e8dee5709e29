"""Helpers of the staff workspace tests: Rasa conversations to review, sign-in and CSRF."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from tests.support.servers import PROJECT_ROOT

STAFF_NAME = "anna"
STAFF_PASSWORD = "een-lang-wachtwoord-42"
SECRET = b"s" * 32


def day(month: int, dd: int, hour: int = 12) -> float:
    return datetime(2026, month, dd, hour, tzinfo=timezone.utc).timestamp()


def _user(  # noqa: ANN202
    text: str,
    intent: str,
    confidence: float,
    ranking: list[tuple[str, float]],
    ts: float,
    entities: list[dict[str, Any]] | None = None,
):
    from rasa.shared.core.events import UserUttered

    return UserUttered(
        text,
        intent={"name": intent, "confidence": confidence},
        parse_data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": entities or [],
        },
        timestamp=ts,
    )


def _bot(  # noqa: ANN202
    text: str,
    ts: float,
    custom: dict[str, Any] | None = None,
    buttons: list[dict[str, str]] | None = None,
):
    from rasa.shared.core.events import BotUttered

    data: dict[str, Any] = {}
    if custom:
        data["custom"] = custom
    if buttons:
        data["buttons"] = buttons
    return BotUttered(text, data=data, timestamp=ts)


def _action(name: str, ts: float):  # noqa: ANN202
    from rasa.shared.core.events import ActionExecuted

    return ActionExecuted(name, timestamp=ts)


def conversations() -> dict[str, list[Any]]:
    """Four conversations as Rasa records them; three hold something to review."""
    from rasa.shared.core.events import ActiveLoop, SlotSet

    card = {
        "contact_card": {
            "role": "buurtbemiddeling",
            "area": {"code": "BU1", "name": "Vogelbuurt", "level": "buurt"},
            "contacts": [{"name": "Buurtbemiddeling Weidehaven"}],
        }
    }
    t1, t2, t3, t4 = day(3, 1), day(3, 10), day(3, 20), day(3, 25)
    return {
        # Fell back: nlu_fallback and the two-stage fallback.
        "inwoner-fallback": [
            _action("action_listen", t1),
            _user(
                "mijn buurman Piet belt steeds aan, mijn nummer is 0612345678",
                "nlu_fallback",
                0.45,
                [("nlu_fallback", 0.45), ("neighbour_conflict", 0.41), ("ask_safety", 0.2)],
                t1,
            ),
            _action("action_two_stage_fallback", t1 + 1),
            _bot("Bedoelt u een van deze onderwerpen?", t1 + 1),
        ],
        # Routed, but unsure (0.55 < 0.6).
        "inwoner-twijfel": [
            _action("action_listen", t2),
            _user(
                "die lamp bij het speeltuintje doet het niet meer",
                "report_defect",
                0.55,
                [("report_defect", 0.55), ("liveability", 0.3)],
                t2,
            ),
            _action("action_route_question", t2 + 1),
            _bot(
                "Dat kunt u melden.",
                t2 + 1,
                {"route": {"role": "melding", "topic": "report_defect"}},
            ),
        ],
        # Confident, but the contact card did not help.
        "inwoner-niet-geholpen": [
            _action("action_listen", t3),
            _user(
                "de hond van de buren blaft de hele dag",
                "neighbour_conflict",
                0.93,
                [("neighbour_conflict", 0.93), ("public_space_rules", 0.05)],
                t3,
            ),
            _action("action_route_question", t3 + 1),
            _bot(
                "Buurtbemiddeling helpt.",
                t3 + 1,
                {"route": {"role": "buurtbemiddeling", "topic": "neighbour_conflict"}},
            ),
            _action("location_form", t3 + 2),
            ActiveLoop("location_form", timestamp=t3 + 2),
            SlotSet("requested_slot", "location", timestamp=t3 + 2),
            _bot("Waar woont u?", t3 + 2),
            _action("action_listen", t3 + 3),
            _user("3511 AB 12", "inform_location", 0.97, [("inform_location", 0.97)], t3 + 30),
            _action("location_form", t3 + 31),
            SlotSet("location", "3511 AB 12", timestamp=t3 + 31),
            ActiveLoop(None, timestamp=t3 + 31),
            SlotSet("requested_slot", None, timestamp=t3 + 31),
            _action("action_give_contact", t3 + 32),
            _bot("Hier is uw contactpersoon.", t3 + 32, card),
            _bot("Heeft dit u geholpen?", t3 + 33),
            _action("action_listen", t3 + 34),
            _user("nee", "deny", 0.98, [("deny", 0.98)], t3 + 60),
        ],
        # Nothing to review.
        "inwoner-tevreden": [
            _action("action_listen", t4),
            _user(
                "wie is de wijkagent", "ask_role_contact", 0.97, [("ask_role_contact", 0.97)], t4
            ),
            _action("action_route_question", t4 + 1),
            _bot(
                "De wijkagent.",
                t4 + 1,
                {"route": {"role": "wijkagent", "topic": "ask_role_contact"}},
            ),
        ],
    }


def _location(name: str, code: str, level: str = "buurt") -> dict[str, Any]:
    return {
        "location": {
            "status": "found",
            "query": name,
            "area": {"code": code, "name": name, "level": level},
        }
    }


def _card(role: str, code: str, name: str) -> dict[str, Any]:
    return {
        "contact_card": {
            "role": role,
            "area": {"code": code, "name": name, "level": "buurt"},
            "contacts": [{"name": "Eva Hendriks"}],
        }
    }


def more_conversations() -> dict[str, list[Any]]:
    """Two more conversations as Rasa records them: one helped, one with two questions."""
    t5, t6 = day(3, 26), day(3, 27)
    return {
        # Asked, gave the buurt, got a card and said it helped.
        "inwoner-geholpen": [
            _action("action_listen", t5),
            _user("ik wil mijn buren leren kennen", "meet_neighbours", 0.9, [], t5),
            _action("action_route_question", t5 + 1),
            _bot("De sociaal makelaar.", t5 + 1, {"route": {"role": "sociaal_makelaar"}}),
            _bot("Waar woont u?", t5 + 2),
            _action("action_listen", t5 + 3),
            _user("Vogelbuurt", "inform_location", 0.95, [], t5 + 20),
            _action("location_form", t5 + 21),
            _bot("", t5 + 21, _location("Vogelbuurt", "BU92000201")),
            _action("action_give_contact", t5 + 22),
            _bot("Uw contactpersoon.", t5 + 22, _card("sociaal_makelaar", "BU92000201", "X")),
            _bot("Heeft dit u geholpen?", t5 + 23),
            _action("action_listen", t5 + 24),
            _user("/affirm", "affirm", 1.0, [], t5 + 40),
            # A second question in the same buurt: the buurt counts once per conversation.
            _user("wie is de wijkagent", "ask_role_contact", 0.97, [], t5 + 60),
            _action("action_route_question", t5 + 61),
            _bot("De wijkagent.", t5 + 61, {"route": {"role": "wijkagent"}}),
            _bot("", t5 + 61, _location("Vogelbuurt", "BU92000201")),
            _bot("Uw wijkagent.", t5 + 62, _card("wijkagent", "BU92000201", "Y")),
            _bot("Heeft dit u geholpen?", t5 + 63),
        ],
        # A wijk named; the card got no answer.
        "inwoner-wijk": [
            _action("action_listen", t6),
            _user("ruzie met de buren in Centrum", "neighbour_conflict", 0.9, [], t6),
            _action("action_route_question", t6 + 1),
            _bot("Buurtbemiddeling.", t6 + 1, {"route": {"role": "buurtbemiddeling"}}),
            _bot("", t6 + 1, _location("Centrum", "WK920001", "wijk")),
            _bot("Uw contact.", t6 + 2, _card("buurtbemiddeling", "WK920001", "Z")),
            _bot("Heeft dit u geholpen?", t6 + 3),
        ],
    }


def _replayed(user: Any, ts: float) -> list[Any]:
    """What the two-stage fallback appends when a message ends it (Rasa's TwoStageFallbackAction):
    the loop ends, the message is rewound and played again with confidence 1.0."""
    import copy

    from rasa.shared.core.events import ActiveLoop, UserUtteranceReverted

    replay = copy.deepcopy(user)
    replay.parse_data["intent"]["confidence"] = 1.0
    replay.timestamp = ts + 0.2
    return [
        _action("action_two_stage_fallback", ts),
        ActiveLoop(None, timestamp=ts),
        UserUtteranceReverted(timestamp=ts),
        _action("action_listen", ts + 0.1),
        replay,
    ]


def fallback_conversations() -> dict[str, list[Any]]:
    """After a fallback: a button click, a clear question typed instead, buttons with text."""
    from rasa.shared.core.events import ActiveLoop

    t = day(4, 2)
    choose = [
        {"title": "Ik word van het kastje naar de muur gestuurd",
         "payload": "/stuck_between_departments"},
        {"title": "Iets anders", "payload": "/out_of_scope"},
    ]  # fmt: skip
    feedback = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]
    which = [{"title": "De wijkagent", "payload": "Wie is de wijkagent?"}]
    click = _user(
        "/stuck_between_departments",
        "stuck_between_departments",
        1.0,
        [("stuck_between_departments", 1.0)],
        t + 20,
    )
    typed = _user(
        "Wie is de wijkagent voor 1234 AB?",
        "ask_role_contact",
        0.92,
        [("ask_role_contact", 0.92), ("ask_safety", 0.05)],
        t + 120,
    )
    police = {"route": {"role": "wijkagent", "topic": "ask_role_contact"}}
    card = {
        "contact_card": {
            "role": "wijkagent",
            "area": {"code": "BU1", "name": "Vogelbuurt", "level": "buurt"},
            "contacts": [{"name": "Wijkagent Vogelbuurt"}],
        }
    }

    def fallback(text: str, ts: float, buttons: list[dict[str, str]]) -> list[Any]:
        return [
            _action("action_listen", ts),
            _user(text, "nlu_fallback", 0.3, [("nlu_fallback", 0.3),
                  ("stuck_between_departments", 0.28), ("municipal_service", 0.2)], ts),
            _action("action_two_stage_fallback", ts + 1),
            ActiveLoop("action_two_stage_fallback", timestamp=ts + 1),
            _bot("Bedoelt u een van deze onderwerpen?", ts + 1, buttons=buttons),
            _action("action_listen", ts + 2),
        ]  # fmt: skip

    return {
        "inwoner-knop": [
            *fallback("ze sturen me alle kanten op", t, choose),
            click,
            *_replayed(click, t + 21),
            _action("action_route_question", t + 22),
            _bot(
                "De scharrelambtenaar helpt.",
                t + 22,
                {"route": {"role": "scharrelambtenaar", "topic": "stuck_between_departments"}},
            ),
            _action("action_listen", t + 23),
        ],  # fmt: skip
        "inwoner-na-fallback": [
            *fallback("hmm dat weet ik niet goed", t + 100, choose),
            typed,
            *_replayed(typed, t + 121),
            _action("action_route_question", t + 122),
            _bot("De wijkagent.", t + 122, police),
            _action("action_give_contact", t + 123),
            _bot("Hier is de wijkagent.", t + 123, card),
            _bot("Heeft dit u geholpen?", t + 124, buttons=feedback),
            _action("action_listen", t + 125),
            _user("/affirm", "affirm", 1.0, [("affirm", 1.0)], t + 130),
            _action("utter_which_role", t + 131),
            _bot("Wie zoekt u?", t + 131, buttons=which),
            _action("action_listen", t + 132),
            # A button whose payload is text: the resident did not type it.
            _user(
                "Wie is de wijkagent?",
                "ask_role_contact",
                0.5,
                [("ask_role_contact", 0.5)],
                t + 140,
            ),
            _action("action_route_question", t + 141),
            _bot("De wijkagent.", t + 141, police),
        ],  # fmt: skip
    }


def _language(value: str, entity: str = "language") -> list[dict[str, Any]]:
    """The entity the language detector adds to a message (bot/rasa/nlu/language.py)."""
    return [{"entity": entity, "value": value, "extractor": "LanguageDetector"}]


def language_conversations() -> dict[str, list[Any]]:
    """English, Turkish and mixed conversations as Rasa records them (issue 14)."""
    from rasa.shared.core.events import SlotSet

    t1, t2, t3, t4 = day(4, 1), day(4, 2), day(4, 3), day(4, 4)
    return {
        # Written in English from the start; the follow-up is too short to decide on.
        "resident-english": [
            _action("action_listen", t1),
            _user(
                "My neighbours play loud music every night, my name is John Smith",
                "neighbour_conflict",
                0.5,
                [("neighbour_conflict", 0.5), ("ask_safety", 0.3)],
                t1,
                _language("en"),
            ),
            _action("action_extract_slots", t1),
            SlotSet("language", "en", timestamp=t1),
            _action("action_route_question", t1 + 1),
            _bot(
                "Neighbour mediation can help.",
                t1 + 1,
                {"route": {"role": "buurtbemiddeling", "topic": "neighbour_conflict"}},
            ),
            _action("action_listen", t1 + 2),
            _user("and the dog?", "nlu_fallback", 0.3, [("nlu_fallback", 0.3)], t1 + 30),
            _action("action_two_stage_fallback", t1 + 31),
            _bot("Do you mean one of these topics?", t1 + 31),
        ],
        # Another language: one fixed answer.
        "inwoner-turks": [
            _action("action_listen", t2),
            _user(
                "Merhaba, komşum çok gürültü yapıyor",
                "other_language",
                1.0,
                [("other_language", 1.0)],
                t2,
                _language("tr", "foreign_language"),
            ),
            _bot("Size Hollandaca veya İngilizce yardımcı olabilirim.", t2 + 1),
        ],
        # The web page was English (session metadata), the message undecided.
        "resident-page-english": [
            SlotSet("language", "en", timestamp=t3),
            _action("action_listen", t3),
            _user("hello??", "nlu_fallback", 0.2, [("nlu_fallback", 0.2)], t3),
            _action("action_two_stage_fallback", t3 + 1),
            _bot("Do you mean one of these topics?", t3 + 1),
        ],
        # English first, then "Nederlands graag": the conversation ends in Dutch.
        "inwoner-terug-naar-nederlands": [
            _action("action_listen", t4),
            _user(
                "Can we speak English?",
                "switch_language",
                1.0,
                [("switch_language", 1.0)],
                t4,
                _language("en"),
            ),
            SlotSet("language", "en", timestamp=t4),
            _bot("Of course.", t4 + 1),
            _action("action_listen", t4 + 2),
            _user(
                "Nederlands graag, de lantaarnpaal is kapot",
                "report_defect",
                0.45,
                [("report_defect", 0.45)],
                t4 + 30,
                _language("nl"),
            ),
            SlotSet("language", "nl", timestamp=t4 + 30),
            _bot("Dat kunt u melden.", t4 + 31, {"route": {"role": "melding"}}),
        ],
    }


async def save_conversations(path: Path, conversations: dict[str, list[Any]]) -> Engine:
    """An SQLite tracker store at `path` filled by Rasa's own SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(
        Domain.load(str(PROJECT_ROOT / "domain.yml")), dialect="sqlite", db=str(path)
    )
    for sender, events in conversations.items():
        await store.save(DialogueStateTracker.from_events(sender, events))
    store.engine.dispose()
    return create_engine(f"sqlite:///{path}", future=True)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_of(client: TestClient, path: str) -> str:
    response = await client.get(path)
    match = CSRF.search(await response.text())
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def sign_in(
    client: TestClient, name: str = STAFF_NAME, password: str = STAFF_PASSWORD
) -> ClientResponse:
    token = await csrf_of(client, "/aanmelden")
    return await client.post(
        "/aanmelden",
        data={"naam": name, "wachtwoord": password, "csrf_token": token},
        allow_redirects=False,
    )


def copy_nlu_trimmed(source: Path, target: Path, per_intent: int) -> None:
    """Copy data/nlu keeping the first `per_intent` examples of each intent, layout unchanged.

    A training on the trimmed copy takes a fraction of the time; tests of the training
    machinery need a real model, not a good one.
    """
    examples_line = re.compile(r"^\s+examples:\s*\|[-+]?\s*$")
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yml")):
        kept: list[str] = []
        in_examples, count, indent = False, 0, 0
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            stripped = line.strip()
            line_indent = len(line) - len(line.lstrip())
            if (
                in_examples
                and stripped
                and (line_indent <= indent or not stripped.startswith("- "))
            ):
                in_examples = False
            if in_examples and stripped:
                count += 1
                if count > per_intent:
                    continue
            if examples_line.match(line):
                in_examples, count, indent = True, 0, line_indent
            kept.append(line)
        (target / path.name).write_text("".join(kept), encoding="utf-8")
