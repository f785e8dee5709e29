"""End to end over HTTP: `wijkwijzer serve` answers residents through the REST channel."""

from __future__ import annotations

import json
import signal
import socket
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from tests.support.rest import custom, new_sender, say, text_of

pytestmark = pytest.mark.server


def test_route_then_postcode_gives_the_local_contact(bot):
    sender = new_sender()
    first = say(bot, sender, "Wie is de wijkagent in mijn buurt?")
    assert custom(first, "route")[0]["role"] == "wijkagent"
    assert custom(first, "contact_card") == []
    second = say(bot, sender, "8102BA")
    [card] = custom(second, "contact_card")
    assert card["role"] == "wijkagent"
    assert card["area"]["code"] == "WK910002"
    assert [c["name"] for c in card["contacts"]] == ["Ruben Koster"]
    assert custom(second, "location")[0]["status"] == "found"


def test_location_is_remembered_for_the_next_question(bot):
    sender = new_sender()
    say(bot, sender, "Wie is de buurtcoördinator?")
    first = say(bot, sender, "Torenpad 3")
    assert custom(first, "contact_card")[0]["area"]["code"] == "WK910001"
    messages = say(bot, sender, "en wie is de wijkagent?")
    [card] = custom(messages, "contact_card")
    assert card["role"] == "wijkagent"
    assert card["area"]["code"] == "WK910001"


def test_a_new_question_while_asked_for_the_location_is_answered(bot):
    sender = new_sender()
    say(bot, sender, "Wie is de buurtcoördinator?")
    messages = say(bot, sender, "en wie is de wijkagent?")
    assert custom(messages, "route")[0]["role"] == "wijkagent"
    messages = say(bot, sender, "8102 BA")
    assert custom(messages, "contact_card")[0]["role"] == "wijkagent"


def test_a_street_in_two_towns_offers_a_choice(bot):
    sender = new_sender()
    say(bot, sender, "wie is de wijkagent")
    messages = say(bot, sender, "Kerkstraat 4")
    assert custom(messages, "location")[0]["status"] == "ambiguous"
    buttons = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert "Kerkbuurt" in buttons
    messages = say(bot, sender, "Kerkbuurt")
    assert custom(messages, "contact_card")[0]["area"]["code"] == "WK910001"


def test_postcode_of_another_municipality_is_outside(bot):
    sender = new_sender()
    say(bot, sender, "Ik zoek de opbouwwerker")
    messages = say(bot, sender, "9711 AB")
    assert custom(messages, "contact_card") == []
    assert "outside" in [p["status"] for p in custom(messages, "location")]


def test_a_widget_for_one_municipality_gets_the_card_of_the_neighbouring_one(bot):
    # What the widget with data-gemeente="GM9100" (Rivierstad) sends with every message.
    rivierstad = {"gemeente": "GM9100"}
    sender = new_sender()
    first = say(bot, sender, "Wie is de wijkagent in mijn buurt?", rivierstad)
    assert custom(first, "route")[0]["role"] == "wijkagent"
    second = say(bot, sender, "9281 AA", rivierstad)
    assert custom(second, "location")[0]["status"] == "found"
    [card] = custom(second, "contact_card")
    assert card["role"] == "wijkagent"
    assert card["area"] == {"code": "WK920001", "name": "Centrum", "level": "wijk"}
    assert card["gemeente"] == {"code": "GM9200", "name": "Weidehaven"}
    assert [contact["name"] for contact in card["contacts"]] == ["Sanne de Vries"]
    assert "Weidehaven" in text_of(second)
    # Her spreekuur ("dinsdag 10.00-12.00 uur in ...") is read: reachable now, or when next.
    [sanne] = card["contacts"]
    assert isinstance(sanne["open_now"], bool)
    assert datetime.fromisoformat(sanne["next_open"]).utcoffset() is not None
    assert sanne["reachable"].startswith(("Nu bereikbaar tot", "Volgende spreekuur:"))


def test_a_street_in_two_towns_goes_to_the_serving_municipality(bot):
    sender = new_sender()
    weidehaven = {"gemeente": "Weidehaven"}
    say(bot, sender, "wie is de wijkagent", weidehaven)
    messages = say(bot, sender, "Kerkstraat 4", weidehaven)
    [location] = custom(messages, "location")
    assert location["status"] == "found"
    [card] = custom(messages, "contact_card")
    assert card["gemeente"]["code"] == "GM9200"
    assert card["area"]["code"] == "WK920001"


def test_emergency_comes_first_even_while_asking_for_a_location(bot):
    sender = new_sender()
    say(bot, sender, "Wie is de wijkagent?")
    messages = say(bot, sender, "help mijn buurman ligt op de grond en ademt niet")
    assert "112" in (messages[0].get("text") or "")
    assert custom(messages, "contact_card") == []
    assert custom(messages, "route")[0]["role"] == "noodgeval"


@pytest.mark.parametrize(
    "hostile",
    ["' OR 1=1; DROP TABLE contact; --", "<img src=x onerror=alert(1)>", "a" * 10_000, "🙂🙂", " "],
)
def test_hostile_text_gets_a_calm_answer(bot, hostile):
    messages = say(bot, new_sender(), hostile)
    assert isinstance(messages, list)
    assert "Traceback" not in text_of(messages)
    # The database is untouched: a lookup still works.
    card = custom(say(bot, new_sender(), "wie is de wijkagent voor 8102 BA"), "contact_card")
    assert card and card[0]["area"]["code"] == "WK910002"


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_stops_rasa_and_the_action_server(tmp_path, launch_bot):
    running = launch_bot(tmp_path)
    assert port_open(running.port) and port_open(running.actions_port)
    # SIGTERM to serve alone (not its group): serve itself must stop both servers.
    process = running.server.popen
    assert process is not None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not port_open(running.port)
    assert not port_open(running.actions_port)


def post_raw(bot, body: object) -> tuple[int, dict]:
    request = urllib.request.Request(
        bot.url + "/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_no_resident_reads_another_conversation_through_a_missing_sender(bot):
    """Issue 15: two clients without a sender shared Rasa's id "default"."""
    sender = new_sender()
    say(bot, sender, "Wie is de wijkagent in mijn buurt?")
    assert custom(say(bot, sender, "8102BA"), "contact_card")
    for body, code in [
        ({"message": "ik woon op Merelstraat 5"}, "sender_missing"),
        ({"message": "wie is de wijkagent"}, "sender_missing"),
        ({"sender": 123, "message": 456}, "sender_not_string"),
        ({"sender": "a", "message": ["x"]}, "sender_too_short"),
        ({"sender": "a" * 5000, "message": "hallo"}, "sender_too_long"),
        ({"sender": sender, "message": ["x"]}, "message_not_string"),
        ({}, "sender_missing"),
        ("default", "body_not_object"),
    ]:
        status, answer = post_raw(bot, body)
        assert (status, answer["error"]) == (400, code), body
        assert answer["message"]
    # Nobody's buurt was filed under "default": a guessed short id is refused outright.
    status, answer = post_raw(bot, {"sender": "default", "message": "wie is de wijkagent"})
    assert (status, answer["error"]) == (400, "sender_too_short")
    # The resident's own conversation still goes on.
    assert text_of(say(bot, sender, "Wie is de wijkagent in mijn buurt?"))
