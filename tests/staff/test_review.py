"""The review inbox on a tracker store that Rasa filled: reasons, order, filters, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from staff_support import day

from bot.staff.nlu_files import NluData
from bot.staff.review import (
    REASON_FALLBACK,
    REASON_LOW_CONFIDENCE,
    REASON_NOT_HELPED,
    AlreadyDecided,
    InboxFilter,
    ReviewInbox,
    decide,
)


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
