"""Action-server calls per message, by kind of message: a count that does not depend on speed.

Each call sends the whole conversation to the action server and costs the Rasa server its
serialisation and the check of the answer (issue 11). The most calls each kind of message
may cause are in action_calls_max.yml; a change that needs more fails here.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from bot.ops.evaluation import send_message

pytestmark = pytest.mark.server

MAXIMA: dict[str, int] = yaml.safe_load(
    Path(__file__).with_name("action_calls_max.yml").read_text(encoding="utf-8")
)

# Kind of message: (messages before it in the same conversation, the messages measured,
# the payload every answer of that kind carries). Places are in the demo municipality.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None]] = {
    "greeting": ((), ("hallo", "goedemiddag"), None),
    "bare location": ((), ("9281 AA", "Vogelbuurt"), "location"),
    "routed question without location": (
        (),
        ("Er wordt gedeald in mijn portiek", "Mijn buurman maakt elke nacht lawaai"),
        "route",
    ),
    "routed question with location": (
        (),
        (
            "wie is de wijkagent in de Vogelbuurt",
            "Ik zoek de opbouwwerker, mijn postcode is 9281 AA",
        ),
        "contact_card",
    ),
    "routed question, location known before": (
        ("9281 AA",),
        ("Er wordt gedeald in mijn portiek", "wie is de opbouwwerker?"),
        "contact_card",
    ),
    "explain": ((), ("Wat doet een wijkagent?", "wat doet de opbouwwerker"), "explain"),
}


def test_every_kind_has_a_maximum() -> None:
    assert set(MAXIMA) == set(KINDS)
    assert all(isinstance(value, int) and value >= 0 for value in MAXIMA.values())


@pytest.mark.parametrize("kind", list(KINDS))
def test_action_server_calls_per_message_stay_within_the_maximum(counted_bot, kind: str) -> None:
    before, texts, payload = KINDS[kind]
    for text in texts:
        sender = f"calls-{uuid.uuid4().hex[:10]}"
        for earlier in before:
            send_message(counted_bot.bot.url, sender, earlier)
        earlier_calls = len(counted_bot.proxy.calls_of(sender))
        messages = send_message(counted_bot.bot.url, sender, text)
        if payload is not None:
            # Otherwise the count below would be of another kind of message.
            assert any(payload in (m.get("custom") or {}) for m in messages), (text, messages)
        calls = counted_bot.proxy.calls_of(sender)[earlier_calls:]
        assert len(calls) <= MAXIMA[kind], (
            f"{text!r} ({kind}) made {len(calls)} action-server calls, at most "
            f"{MAXIMA[kind]} allowed: {calls}"
        )
