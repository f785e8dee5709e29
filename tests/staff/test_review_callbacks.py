"""The review inbox never shows what a resident typed for a callback request (issue 13)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import sessionmaker

from bot.staff.review import PERSONAL_PLACEHOLDER, ReviewInbox
from tests.support.staff import _action, _bot, _user, day, save_conversations


def _slot(name: str, value: object, ts: float):  # noqa: ANN202
    from rasa.shared.core.events import SlotSet

    return SlotSet(name, value, timestamp=ts)


async def test_answers_to_the_callback_form_are_not_reviewed_nor_shown(
    tmp_path: Path, session_factory: sessionmaker
) -> None:
    t = day(3, 10)
    unsure = [("ask_safety", 0.3), ("greet", 0.2)]
    events = [
        _action("action_listen", t),
        _user("ik durf niet zelf te bellen", "ask_callback", 0.95, [], t + 1),
        _action("callback_form", t + 2),
        _slot("requested_slot", "callback_name", t + 3),
        _bot("Wat is uw naam?", t + 4),
        _action("action_listen", t + 5),
        # Low confidence: without the form it would be in the inbox.
        _user("Fatima el Amrani", "greet", 0.2, unsure, t + 6),
        _action("callback_form", t + 7),
        _slot("requested_slot", "callback_contact", t + 8),
        _bot("Op welk telefoonnummer of e-mailadres kunnen we u bereiken?", t + 9),
        _action("action_listen", t + 10),
        _user("+32 470 12 34 56", "out_of_scope", 0.2, unsure, t + 11),
        _action("callback_form", t + 12),
        _slot("requested_slot", None, t + 13),
        _action("action_listen", t + 14),
        _user("wat is dat eigenlijk, een wijkagent", "explain_role", 0.3, unsure, t + 15),
    ]
    engine = await save_conversations(tmp_path / "trackers.db", {"inwoner-1": events})
    try:
        inbox = ReviewInbox(engine, session_factory)
        items = inbox.items()
        assert [item.text for item in items] == ["wat is dat eigenlijk, een wijkagent"]
        shown = [turn.text for turn in items[0].context]
        assert PERSONAL_PLACEHOLDER in shown
        assert not any("Fatima" in text or "470" in text for text in shown)
    finally:
        engine.dispose()
