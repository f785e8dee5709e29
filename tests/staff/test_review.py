"""The review inbox on a tracker store that Rasa filled: reasons, order, filters, decisions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.staff.nlu_files import NluData
from bot.staff.review import (
    REASON_FALLBACK,
    REASON_LOW_CONFIDENCE,
    REASON_NOT_HELPED,
    AlreadyDecided,
    InboxFilter,
    NotResidentText,
    ReviewInbox,
    decide,
)
from tests.support.staff import day, fallback_conversations, save_conversations


@pytest.fixture
def inbox(tracker_engine: Engine, session_factory: sessionmaker) -> ReviewInbox:
    return ReviewInbox(tracker_engine, session_factory)


def test_items_have_their_reasons_newest_first(inbox: ReviewInbox) -> None:
    items = inbox.items()
    assert [(item.sender_id, item.reasons) for item in items] == [
        ("inwoner-niet-geholpen", [REASON_NOT_HELPED]),
        ("inwoner-twijfel", [REASON_LOW_CONFIDENCE]),
        ("inwoner-fallback", [REASON_FALLBACK]),
    ]


def test_item_shows_masked_text_guesses_and_route(inbox: ReviewInbox) -> None:
    fallback = next(i for i in inbox.items() if i.sender_id == "inwoner-fallback")
    assert fallback.text == "mijn buurman Sam belt steeds aan, mijn nummer is 06 12345678"
    assert [g.intent for g in fallback.guesses] == ["neighbour_conflict", "ask_safety"]
    doubt = next(i for i in inbox.items() if i.sender_id == "inwoner-twijfel")
    assert doubt.route == "melding"
    assert doubt.confidence == pytest.approx(0.55)


def test_conversation_around_the_message_is_masked(inbox: ReviewInbox) -> None:
    item = next(i for i in inbox.items() if i.sender_id == "inwoner-niet-geholpen")
    speakers = [(turn.speaker, turn.text, turn.is_reviewed_message) for turn in item.context]
    assert speakers[0] == ("inwoner", "de hond van de buren blaft de hele dag", True)
    assert ("inwoner", "1234 AB 5", False) in speakers
    assert all("3511" not in text for _, text, _ in speakers)


def test_threshold_is_configurable(inbox: ReviewInbox) -> None:
    assert len(inbox.items(InboxFilter(threshold=0.5))) == 2
    items = inbox.items(InboxFilter(threshold=0.99))
    assert "inwoner-tevreden" in {item.sender_id for item in items}


def test_filter_by_route(inbox: ReviewInbox) -> None:
    assert [i.sender_id for i in inbox.items(InboxFilter(route="melding"))] == ["inwoner-twijfel"]
    assert [i.sender_id for i in inbox.items(InboxFilter(route="buurtbemiddeling"))] == [
        "inwoner-niet-geholpen"
    ]
    assert inbox.items(InboxFilter(route="wijkagent")) == []


def test_filter_by_period(inbox: ReviewInbox) -> None:
    march_5_to_15 = InboxFilter(since=day(3, 5, 0), until=day(3, 15, 0))
    assert [i.sender_id for i in inbox.items(march_5_to_15)] == ["inwoner-twijfel"]
    assert [i.sender_id for i in inbox.items(InboxFilter(until=day(3, 2, 0)))] == [
        "inwoner-fallback"
    ]
    assert inbox.items(InboxFilter(since=day(4, 1, 0))) == []


def test_decision_writes_masked_example_and_closes_the_item(
    inbox: ReviewInbox, nlu_dir: Path
) -> None:
    item = next(i for i in inbox.items() if i.sender_id == "inwoner-fallback")
    decision = decide(inbox, NluData(nlu_dir), item.event_id, "neighbour_conflict", "anna")
    assert decision.outcome == "added"
    written = (nlu_dir / "neighbour_conflict.yml").read_text(encoding="utf-8")
    assert "    - mijn buurman Sam belt steeds aan, mijn nummer is 06 12345678\n" in written
    assert "0612345678" not in written and "Piet" not in written
    assert item.event_id not in {i.event_id for i in inbox.items()}
    with pytest.raises(AlreadyDecided):
        decide(inbox, NluData(nlu_dir), item.event_id, "ask_safety", "bert")


def test_no_topic_writes_nothing(inbox: ReviewInbox, nlu_dir: Path) -> None:
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    item = inbox.items()[0]
    assert decide(inbox, NluData(nlu_dir), item.event_id, None, "anna").outcome == "no_topic"
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot
    assert len(inbox.items()) == 2


def test_unknown_message_cannot_be_decided(inbox: ReviewInbox, nlu_dir: Path) -> None:
    with pytest.raises(LookupError):
        decide(inbox, NluData(nlu_dir), 999999, "youth", "anna")


@pytest.fixture
async def after_fallback(
    tmp_path: Path, session_factory: sessionmaker
) -> AsyncIterator[ReviewInbox]:
    """Conversations with button clicks and a question typed while the fallback asked."""
    engine = await save_conversations(tmp_path / "fallback.db", fallback_conversations())
    yield ReviewInbox(engine, session_factory)
    engine.dispose()


def _user_event_ids(inbox: ReviewInbox, sender: str, text: str) -> list[int]:
    events = inbox.events_of([sender])[sender]
    return [e.id for e in events if e.type_name == "user" and e.data.get("text") == text]


def test_only_the_message_the_bot_did_not_understand_is_marked(after_fallback: ReviewInbox) -> None:
    items = after_fallback.items()
    assert sorted((item.sender_id, item.text, item.reasons) for item in items) == [
        ("inwoner-knop", "ze sturen me alle kanten op", [REASON_FALLBACK]),
        ("inwoner-na-fallback", "hmm dat weet ik niet goed", [REASON_FALLBACK]),
    ]
    # The question typed while the bot asked got its card: it is no fallback, also not
    # with a threshold that would list every other message.
    every = after_fallback.items(InboxFilter(threshold=1.01))
    typed = [i for i in every if i.text == "Wie is de wijkagent voor 1234 AB?"]
    assert [(i.reasons, i.route, i.confidence) for i in typed] == [
        ([REASON_LOW_CONFIDENCE], "wijkagent", pytest.approx(0.92))
    ]


def test_button_clicks_never_enter_the_inbox(after_fallback: ReviewInbox) -> None:
    # Even a threshold above every confidence lists no click: "/stuck...", "/affirm", and
    # "Wie is de wijkagent?" sent by a button whose payload is text (confidence 0.5).
    texts = {item.text for item in after_fallback.items(InboxFilter(threshold=1.01))}
    assert texts == {
        "ze sturen me alle kanten op",
        "hmm dat weet ik niet goed",
        "Wie is de wijkagent voor 1234 AB?",
    }
    for sender, text in [
        ("inwoner-knop", "/stuck_between_departments"),
        ("inwoner-na-fallback", "/affirm"),
        ("inwoner-na-fallback", "Wie is de wijkagent?"),
    ]:
        event_id = _user_event_ids(after_fallback, sender, text)[0]
        item = after_fallback.item(event_id)
        assert item is not None and item.from_resident is False
        assert item.text.startswith("[klikte op de knop")
        assert "/" not in item.text.replace("[klikte op de knop: ", "")


def test_a_button_click_cannot_become_an_example(
    after_fallback: ReviewInbox, nlu_dir: Path
) -> None:
    snapshot = {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}
    for sender, text in [
        ("inwoner-knop", "/stuck_between_departments"),
        ("inwoner-na-fallback", "Wie is de wijkagent?"),
    ]:
        event_id = _user_event_ids(after_fallback, sender, text)[0]
        with pytest.raises(NotResidentText):
            decide(after_fallback, NluData(nlu_dir), event_id, "stuck_between_departments", "anna")
    assert {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")} == snapshot
    with pytest.raises(ValueError):
        NluData(nlu_dir).add_example("affirm", "/affirm")
    with pytest.raises(ValueError):
        NluData(nlu_dir).add_example("inform_location", '/inform_location{"latitude": 53.0}')


def test_a_replayed_message_is_shown_once(after_fallback: ReviewInbox) -> None:
    # Rasa stores the typed question twice (the fallback replays it); staff see it once.
    typed_ids = _user_event_ids(
        after_fallback, "inwoner-na-fallback", "Wie is de wijkagent voor 1234 AB?"
    )
    assert len(typed_ids) == 2
    item = after_fallback.item(typed_ids[0])
    assert item is not None
    lines = [turn.text for turn in item.context]
    assert lines.count("Wie is de wijkagent voor 1234 AB?") == 1
    assert [t.text for t in item.context if t.is_reviewed_message] == [
        "Wie is de wijkagent voor 1234 AB?"
    ]
    # Bot lines are Dutch: the card and the buttons offered, never payloads or codes.
    assert "Hier is de wijkagent. [contactkaart: de wijkagent, Vogelbuurt]" in lines
    assert not any("/affirm" in line or "contact_card" in line for line in lines)
    asked = next(item for item in after_fallback.items() if item.sender_id == "inwoner-knop")
    bot_lines = [t.text for t in asked.context if t.speaker == "bot"]
    assert (
        "Bedoelt u een van deze onderwerpen? "
        "[knoppen: Ik word van het kastje naar de muur gestuurd · Iets anders]" in bot_lines
    )
    resident_lines = [t.text for t in asked.context if t.speaker == "inwoner"]
    assert resident_lines == [
        "ze sturen me alle kanten op",
        "[klikte op de knop: Ik word van het kastje naar de muur gestuurd]",
    ]


def test_the_decision_is_kept_with_who_and_when(inbox: ReviewInbox, nlu_dir: Path) -> None:
    item = inbox.items()[0]
    assert inbox.decision(item.event_id) is None
    decide(inbox, NluData(nlu_dir), item.event_id, None, "anna")
    decision = inbox.decision(item.event_id)
    assert decision is not None
    assert (decision.decided_by, decision.intent, decision.outcome) == ("anna", None, "no_topic")
    with pytest.raises(AlreadyDecided) as raised:
        decide(inbox, NluData(nlu_dir), item.event_id, "youth", "bert")
    assert raised.value.decision.decided_by == "anna"
