"""The review inbox: resident messages from the tracker store that staff should look at."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.constants import DEFAULT_TOPIC_ROUTES, PAYLOAD_CONTACT_CARD, PAYLOAD_ROUTE
from bot.staff.models import ReviewDecision
from bot.staff.nlu_files import NluData
from bot.staff.privacy import mask
from bot.tracker_store import events_table

DEFAULT_THRESHOLD: Final = 0.6
FALLBACK_INTENT: Final = "nlu_fallback"
FALLBACK_ACTIONS: Final = frozenset({"action_two_stage_fallback", "action_default_fallback"})
DENY_INTENT: Final = "deny"
CONTEXT_TURNS: Final = 3  # messages shown before and after the reviewed one

REASON_FALLBACK: Final = "fallback"
REASON_LOW_CONFIDENCE: Final = "low_confidence"
REASON_NOT_HELPED: Final = "not_helped"
REASON_LABELS: Final = {
    REASON_FALLBACK: "Bot begreep het niet",
    REASON_LOW_CONFIDENCE: "Bot twijfelde",
    REASON_NOT_HELPED: "Inwoner: niet geholpen",
}


@dataclass(frozen=True)
class Turn:
    """One line of the conversation as staff see it (masked)."""

    speaker: str  # "inwoner" or "bot"
    text: str
    event_id: int
    is_reviewed_message: bool = False


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float


@dataclass
class InboxItem:
    event_id: int
    sender_id: str
    timestamp: float
    text: str  # masked
    intent: str | None
    confidence: float | None
    route: str | None
    reasons: list[str]
    guesses: list[Guess]
    context: list[Turn] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=timezone.utc)

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS[reason] for reason in self.reasons]


@dataclass(frozen=True)
class InboxFilter:
    route: str | None = None
    since: float | None = None  # POSIX timestamps, inclusive
    until: float | None = None  # exclusive
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 100


@dataclass(frozen=True)
class ConversationEvent:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: dict[str, Any]


class ReviewInbox:
    """Reads Rasa's `events` table (tracker store) and the staff's decisions."""

    def __init__(self, tracker_engine: Engine, session_factory: Callable[[], Session]) -> None:
        self.tracker_engine = tracker_engine
        self.session_factory = session_factory

    def items(self, wanted: InboxFilter | None = None) -> list[InboxItem]:
        """Open items, newest first."""
        wanted = wanted or InboxFilter()
        done = self._decided_event_ids()
        found: list[InboxItem] = []
        for events in self._conversations(wanted):
            for item in _find_items(events, wanted.threshold):
                if item.event_id in done:
                    continue
                if wanted.route and item.route != wanted.route:
                    continue
                if wanted.since is not None and item.timestamp < wanted.since:
                    continue
                if wanted.until is not None and item.timestamp >= wanted.until:
                    continue
                found.append(item)
        found.sort(key=lambda item: (item.timestamp, item.event_id), reverse=True)
        return found[: wanted.limit]

    def item(self, event_id: int, threshold: float = DEFAULT_THRESHOLD) -> InboxItem | None:
        """One message (open or not) with its conversation, for the review page."""
        with self.tracker_engine.connect() as connection:
            sender = connection.execute(
                select(events_table.c.sender_id).where(
                    events_table.c.id == event_id, events_table.c.type_name == "user"
                )
            ).scalar()
        if sender is None:
            return None
        events = self.events_of([sender])[sender]
        for item in _find_items(events, threshold, include_all=True):
            if item.event_id == event_id:
                return item
        return None

    def original_text(self, event_id: int) -> str | None:
        """The unmasked text; only to be masked again before it is written anywhere."""
        with self.tracker_engine.connect() as connection:
            row = connection.execute(
                select(events_table.c.data).where(
                    events_table.c.id == event_id, events_table.c.type_name == "user"
                )
            ).first()
        return str(_parse(row.data).get("text") or "") if row else None

    def _decided_event_ids(self) -> set[int]:
        with self.session_factory() as session:
            return set(session.scalars(select(ReviewDecision.event_id)))

    def _conversations(self, wanted: InboxFilter) -> Iterable[list[ConversationEvent]]:
        query = select(events_table.c.sender_id).where(events_table.c.type_name == "user")
        if wanted.since is not None:
            query = query.where(events_table.c.timestamp >= wanted.since)
        if wanted.until is not None:
            query = query.where(events_table.c.timestamp < wanted.until)
        with self.tracker_engine.connect() as connection:
            senders = sorted(set(connection.execute(query.distinct()).scalars()))
        # In chunks: IN lists stay small and memory stays bounded.
        for start in range(0, len(senders), 200):
            yield from self.events_of(senders[start : start + 200]).values()

    def events_of(self, senders: list[str]) -> dict[str, list[ConversationEvent]]:
        query = (
            select(events_table)
            .where(events_table.c.sender_id.in_(senders))
            .order_by(events_table.c.sender_id, events_table.c.id)
        )
        by_sender: dict[str, list[ConversationEvent]] = {sender: [] for sender in senders}
        with self.tracker_engine.connect() as connection:
            for row in connection.execute(query):
                by_sender[row.sender_id].append(
                    ConversationEvent(
                        id=row.id,
                        sender_id=row.sender_id,
                        type_name=row.type_name,
                        timestamp=row.timestamp or 0.0,
                        intent_name=row.intent_name,
                        action_name=row.action_name,
                        data=_parse(row.data),
                    )
                )
        return by_sender


def _parse(data: str | None) -> dict[str, Any]:
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _custom(event: ConversationEvent) -> dict[str, Any]:
    custom = (event.data.get("data") or {}).get("custom")
    return custom if isinstance(custom, dict) else {}


def _find_items(
    events: list[ConversationEvent], threshold: float, include_all: bool = False
) -> list[InboxItem]:
    """The messages of one conversation that need review (all of them with include_all)."""
    user_indexes = [i for i, event in enumerate(events) if event.type_name == "user"]
    reasons: dict[int, list[str]] = {i: [] for i in user_indexes}
    for position, i in enumerate(user_indexes):
        event = events[i]
        parse_data = event.data.get("parse_data") or {}
        intent = (parse_data.get("intent") or {}).get("name") or event.intent_name
        confidence = (parse_data.get("intent") or {}).get("confidence")
        next_user = user_indexes[position + 1] if position + 1 < len(user_indexes) else len(events)
        following = events[i + 1 : next_user]
        if intent == FALLBACK_INTENT or any(
            e.type_name == "action" and e.action_name in FALLBACK_ACTIONS for e in following
        ):
            reasons[i].append(REASON_FALLBACK)
        elif isinstance(confidence, int | float) and confidence < threshold:
            reasons[i].append(REASON_LOW_CONFIDENCE)
        if intent == DENY_INTENT and position > 0:
            _mark_not_helped(events, user_indexes, position, reasons)

    items = []
    for i in user_indexes:
        if not reasons[i] and not include_all:
            continue
        items.append(_item(events, user_indexes, i, reasons[i]))
    return items


def _mark_not_helped(
    events: list[ConversationEvent],
    user_indexes: list[int],
    position: int,
    reasons: dict[int, list[str]],
) -> None:
    """A 'no' right after a contact card: the question that led to the card did not help."""
    deny_index = user_indexes[position]
    previous_user = user_indexes[position - 1]
    between = events[previous_user + 1 : deny_index]
    if not any(e.type_name == "bot" and PAYLOAD_CONTACT_CARD in _custom(e) for e in between):
        return
    # The question is the last routed message before the card (a location answer may follow it).
    for earlier in reversed(user_indexes[:position]):
        route = _route_after(events, user_indexes, earlier)
        if route is not None or earlier == user_indexes[0]:
            if REASON_NOT_HELPED not in reasons[earlier]:
                reasons[earlier].append(REASON_NOT_HELPED)
            return


def _route_after(
    events: list[ConversationEvent], user_indexes: list[int], index: int
) -> str | None:
    position = user_indexes.index(index)
    end = user_indexes[position + 1] if position + 1 < len(user_indexes) else len(events)
    for event in events[index + 1 : end]:
        route = _custom(event).get(PAYLOAD_ROUTE)
        if event.type_name == "bot" and isinstance(route, dict) and route.get("role"):
            return str(route["role"])
    return None


def _item(
    events: list[ConversationEvent], user_indexes: list[int], index: int, reasons: list[str]
) -> InboxItem:
    event = events[index]
    parse_data = event.data.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or event.intent_name
    confidence = (parse_data.get("intent") or {}).get("confidence")
    guesses = [
        Guess(str(guess.get("name")), float(guess.get("confidence") or 0.0))
        for guess in parse_data.get("intent_ranking") or []
        if guess.get("name") and guess.get("name") != FALLBACK_INTENT
    ][:5]
    route = _route_after(events, user_indexes, index)
    if route is None and intent:
        route = DEFAULT_TOPIC_ROUTES.get(intent)
    return InboxItem(
        event_id=event.id,
        sender_id=event.sender_id,
        timestamp=event.timestamp,
        text=mask(str(event.data.get("text") or "")),
        intent=intent,
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        route=route,
        reasons=list(reasons),
        guesses=guesses,
        context=_context(events, index),
    )


def _context(events: list[ConversationEvent], index: int) -> list[Turn]:
    lines = [
        (i, event)
        for i, event in enumerate(events)
        if event.type_name in ("user", "bot") and (event.data.get("text") or _custom(event))
    ]
    position = next(p for p, (i, _) in enumerate(lines) if i == index)
    window = lines[max(0, position - CONTEXT_TURNS) : position + CONTEXT_TURNS + 1]
    return [
        Turn(
            speaker="inwoner" if event.type_name == "user" else "bot",
            text=mask(str(event.data.get("text") or _describe_custom(_custom(event)))),
            event_id=event.id,
            is_reviewed_message=i == index,
        )
        for i, event in window
    ]


def _describe_custom(custom: dict[str, Any]) -> str:
    card = custom.get(PAYLOAD_CONTACT_CARD)
    if isinstance(card, dict):
        return f"[contactkaart: {card.get('role', '?')}]"
    return "[" + ", ".join(sorted(custom)) + "]"


class AlreadyDecided(ValueError):
    """Someone else decided about this message first."""


def decide(
    inbox: ReviewInbox, nlu: NluData, event_id: int, intent: str | None, staff_user: str
) -> ReviewDecision:
    """Record staff's topic for a message; a topic adds the masked text to data/nlu."""
    original = inbox.original_text(event_id)
    if original is None:
        raise LookupError(f"Geen bericht met nummer {event_id}")
    with inbox.session_factory() as session:
        if session.scalars(
            select(ReviewDecision.id).where(ReviewDecision.event_id == event_id)
        ).first():
            raise AlreadyDecided(event_id)
    sender_id = inbox.item(event_id)
    if intent is None:
        outcome, written = "no_topic", ""
    else:
        result = nlu.add_example(intent, original)
        outcome, written = result.outcome, result.text
    decision = ReviewDecision(
        event_id=event_id,
        sender_id=sender_id.sender_id if sender_id else "",
        intent=intent,
        written_text=written,
        outcome=outcome,
        decided_by=staff_user,
    )
    with inbox.session_factory() as session, session.begin():
        session.add(decision)
    return decision
