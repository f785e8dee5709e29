"""The review inbox: resident messages from the tracker store that staff should look at."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.constants import (
    CONVERSATION_LANGUAGES,
    DEFAULT_TOPIC_ROUTES,
    ENTITY_FOREIGN_LANGUAGE,
    ENTITY_LANGUAGE,
    INTENT_OTHER_LANGUAGE,
    LANGUAGE_EN,
    LANGUAGE_NL,
    PAYLOAD_CONTACT_CARD,
    PAYLOAD_ROUTE,
    SLOT_LANGUAGE,
)
from bot.db.conversations import events_table
from bot.db.models.staff import ReviewDecision
from bot.staff.labels import (
    FALLBACK_INTENT,
    OTHER_LANGUAGES_LABEL,
    describe_custom,
    describe_machine_text,
    is_machine_text,
    language_label,
)
from bot.staff.nlu_files import NluData
from bot.staff.privacy import mask

DEFAULT_THRESHOLD: Final = 0.6
FALLBACK_ACTIONS: Final = frozenset({"action_two_stage_fallback", "action_default_fallback"})
DENY_INTENT: Final = "deny"
CONTEXT_TURNS: Final = 3  # messages shown before and after the reviewed one
# The callback form's questions whose answers are personal data: never reviewed, never
# shown, not even masked (issue 13).
PERSONAL_SLOTS: Final = frozenset({"callback_name", "callback_contact", "callback_time"})
PERSONAL_PLACEHOLDER: Final = "[gegevens voor een terugbelverzoek, niet getoond]"

# Languages (issue 14): the bot speaks Dutch and English; a message in another language
# gets one fixed answer and cannot become a training example.

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
    # A resident's line not in Dutch: its language code, for the HTML `lang` attribute.
    lang_attribute: str | None = None


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
    # False for a button click or other text a channel made: shown, never reviewed.
    from_resident: bool = True
    context: list[Turn] = field(default_factory=list)
    # "nl", "en" or the ISO 639-1 code of another language (see message_language).
    language: str = LANGUAGE_NL

    @property
    def lang_attribute(self) -> str | None:
        """The HTML `lang` of the text where it is not the page's Dutch (screen readers)."""
        return _lang_attribute(self.language)

    @property
    def trainable(self) -> bool:
        """Whether staff can add this message to the training data under a topic."""
        return self.from_resident and self.language in CONVERSATION_LANGUAGES

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=timezone.utc)

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS[reason] for reason in self.reasons]


# The language filter's choice for every language but Dutch and English.
OTHER_LANGUAGES: Final = "other"
# How the inbox filter and the statistics group languages: key, Dutch label.
LANGUAGE_GROUPS: Final = (
    (LANGUAGE_NL, language_label(LANGUAGE_NL)),
    (LANGUAGE_EN, language_label(LANGUAGE_EN)),
    (OTHER_LANGUAGES, OTHER_LANGUAGES_LABEL),
)


@dataclass(frozen=True)
class InboxFilter:
    route: str | None = None
    # "nl", "en" or OTHER_LANGUAGES; None for all.
    language: str | None = None
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
                if wanted.language and language_group(item.language) != wanted.language:
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

    def decision(self, event_id: int) -> ReviewDecision | None:
        """What staff decided about this message, if anyone did."""
        with self.session_factory() as session:
            decision = session.scalars(
                select(ReviewDecision).where(ReviewDecision.event_id == event_id)
            ).first()
            if decision is not None:
                session.expunge(decision)
            return decision

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


@dataclass(frozen=True)
class Message:
    """One message from the resident's side: its user event (at `index` in the events) and
    the events that answer it (up to `end`). `from_resident` is False for a button click or
    other text a channel made."""

    index: int
    end: int
    from_resident: bool
    # An answer to the callback form's question for a name, number, address or best time.
    personal: bool = False


def _text(event: ConversationEvent) -> str:
    return str(event.data.get("text") or "")


def _intent(event: ConversationEvent) -> tuple[str | None, float | None]:
    intent = (event.data.get("parse_data") or {}).get("intent") or {}
    confidence = intent.get("confidence")
    return (
        intent.get("name") or event.intent_name,
        float(confidence) if isinstance(confidence, int | float) else None,
    )


def _entity(parse_data: dict[str, Any], name: str) -> str | None:
    for entity in parse_data.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == name:
            value = entity.get("value")
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None


def message_language(events: list[ConversationEvent], index: int) -> str:
    """The language of the user event at `index`: "nl", "en" or another ISO 639-1 code.

    The language detector decides it for a message it is sure about (entity `language`),
    or names another language (intent `other_language`, entity `foreign_language`); a short
    or undecided message is in the conversation's language so far (the `language` slot),
    and Dutch when nothing was ever said about it.
    """
    parse_data = events[index].data.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or events[index].intent_name
    if intent == INTENT_OTHER_LANGUAGE:
        return _entity(parse_data, ENTITY_FOREIGN_LANGUAGE) or OTHER_LANGUAGES
    decided = _entity(parse_data, ENTITY_LANGUAGE)
    if decided in CONVERSATION_LANGUAGES:
        return decided
    for event in reversed(events[:index]):
        if event.type_name == "slot" and event.data.get("name") == SLOT_LANGUAGE:
            value = event.data.get("value")
            return value if value in CONVERSATION_LANGUAGES else LANGUAGE_NL
    return LANGUAGE_NL


def _lang_attribute(language: str) -> str | None:
    """An ISO 639-1 code other than Dutch, fit for an HTML `lang` attribute; else None."""
    if language == LANGUAGE_NL or len(language) != 2 or not language.isalpha():
        return None
    return language


def language_group(language: str) -> str:
    """ "nl", "en" or OTHER_LANGUAGES: how the inbox filter and the statistics group them."""
    return language if language in CONVERSATION_LANGUAGES else OTHER_LANGUAGES


def _offered_payloads(events: list[ConversationEvent]) -> set[str]:
    """The payloads of the buttons in these bot messages."""
    offered = set()
    for event in events:
        buttons = (
            (event.data.get("data") or {}).get("buttons") if event.type_name == "bot" else None
        )
        for button in buttons if isinstance(buttons, list) else []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                offered.add(button["payload"].strip())
    return offered


def conversation_messages(events: list[ConversationEvent]) -> list[Message]:
    """The messages from the resident's side in order, each with the events up to the next.

    When the two-stage fallback hears a clear answer it rewinds and replays the message
    (a `rewind` event, then a copy of the user event): the copy is the same message, so it
    joins the original instead of counting twice.
    """
    starts: list[int] = []
    for i, event in enumerate(events):
        if event.type_name != "user":
            continue
        if starts and _is_replay(events, starts[-1], i):
            continue
        starts.append(i)
    messages = []
    for position, i in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(events)
        previous = starts[position - 1] + 1 if position else 0
        text = _text(events[i]).strip()
        personal = _asked_for_personal_data(events[:i])
        from_resident = (
            not personal
            and not is_machine_text(text)
            and text not in _offered_payloads(events[previous:i])
        )
        messages.append(Message(i, end, from_resident, personal))
    return messages


def _asked_for_personal_data(earlier: list[ConversationEvent]) -> bool:
    """The bot had just asked for a name, phone number, e-mail address or best time."""
    for event in reversed(earlier):
        if event.type_name == "slot" and event.data.get("name") == "requested_slot":
            return event.data.get("value") in PERSONAL_SLOTS
    return False


def _is_replay(events: list[ConversationEvent], original: int, index: int) -> bool:
    """The user event at `index` is the fallback's replay of the one at `original`.

    A give-up of the fallback also rewinds, but it answers first: a bot message between
    the two means the resident wrote again.
    """
    between = events[original + 1 : index]
    return (
        any(e.type_name == "rewind" for e in between)
        and not any(e.type_name == "bot" for e in between)
        and _text(events[index]) == _text(events[original])
    )


def got_fallback_answer(following: list[ConversationEvent]) -> bool:
    """The bot answered this message with a fallback (asked to choose or to rephrase).

    The two-stage fallback also runs when a clear message ends it; it then rewinds and
    the message is answered normally, so that run is no fallback for this message.
    """
    for position, event in enumerate(following):
        if event.type_name != "action":
            continue
        if event.action_name not in FALLBACK_ACTIONS:
            continue
        if event.action_name == "action_default_fallback" or not any(
            later.type_name == "rewind" for later in following[position + 1 :]
        ):
            return True
    return False


def _find_items(
    events: list[ConversationEvent], threshold: float, include_all: bool = False
) -> list[InboxItem]:
    """The messages of one conversation that need review (all of them with include_all).

    Button clicks and other text a channel made are never to be reviewed: they are no
    resident's words, and as training examples they would teach the bot nothing.
    """
    messages = conversation_messages(events)
    reasons: dict[int, list[str]] = {m.index: [] for m in messages}
    for position, message in enumerate(messages):
        intent, confidence = _intent(events[message.index])
        following = events[message.index + 1 : message.end]
        if intent == FALLBACK_INTENT or got_fallback_answer(following):
            reasons[message.index].append(REASON_FALLBACK)
        elif confidence is not None and confidence < threshold:
            reasons[message.index].append(REASON_LOW_CONFIDENCE)
        if intent == DENY_INTENT and position > 0:
            _mark_not_helped(events, messages, position, reasons)

    items = []
    for message in messages:
        if not include_all and (not reasons[message.index] or not message.from_resident):
            continue
        items.append(_item(events, messages, message, reasons[message.index]))
    return items


def _mark_not_helped(
    events: list[ConversationEvent],
    messages: list[Message],
    position: int,
    reasons: dict[int, list[str]],
) -> None:
    """A 'no' right after a contact card: the question that led to the card did not help."""
    between = events[messages[position - 1].index + 1 : messages[position].index]
    if not any(e.type_name == "bot" and PAYLOAD_CONTACT_CARD in _custom(e) for e in between):
        return
    # The question is the last routed message before the card (a location answer may follow it).
    for earlier in reversed(messages[:position]):
        if _route_after(events, earlier) is not None or earlier is messages[0]:
            if REASON_NOT_HELPED not in reasons[earlier.index]:
                reasons[earlier.index].append(REASON_NOT_HELPED)
            return


def _route_after(events: list[ConversationEvent], message: Message) -> str | None:
    for event in events[message.index + 1 : message.end]:
        route = _custom(event).get(PAYLOAD_ROUTE)
        if event.type_name == "bot" and isinstance(route, dict) and route.get("role"):
            return str(route["role"])
    return None


def _item(
    events: list[ConversationEvent], messages: list[Message], message: Message, reasons: list[str]
) -> InboxItem:
    event = events[message.index]
    parse_data = event.data.get("parse_data") or {}
    intent, confidence = _intent(event)
    guesses = [
        Guess(str(guess.get("name")), float(guess.get("confidence") or 0.0))
        for guess in parse_data.get("intent_ranking") or []
        if guess.get("name") and guess.get("name") != FALLBACK_INTENT
    ][:5]
    route = _route_after(events, message)
    if route is None and intent:
        route = DEFAULT_TOPIC_ROUTES.get(intent)
    return InboxItem(
        event_id=event.id,
        sender_id=event.sender_id,
        timestamp=event.timestamp,
        text=_shown_text(event, message.from_resident, message.personal),
        intent=intent,
        confidence=confidence,
        route=route,
        reasons=list(reasons),
        guesses=guesses,
        from_resident=message.from_resident,
        context=_context(events, messages, message),
        language=message_language(events, message.index),
    )


def _shown_text(event: ConversationEvent, from_resident: bool, personal: bool = False) -> str:
    if personal:
        return PERSONAL_PLACEHOLDER
    text = _text(event)
    if from_resident:
        return mask(text)
    if is_machine_text(text):
        return describe_machine_text(text)
    return f"[klikte op de knop: {mask(text)}]"


def _bot_text(event: ConversationEvent) -> str:
    custom = _custom(event)
    text = " ".join(
        part for part in (mask(_text(event)), describe_custom(custom) if custom else "") if part
    )
    buttons = (event.data.get("data") or {}).get("buttons")
    titles = [
        str(button.get("title") or button.get("payload"))
        for button in (buttons if isinstance(buttons, list) else [])
        if isinstance(button, dict) and (button.get("title") or button.get("payload"))
    ]
    return f"{text} [knoppen: {' · '.join(titles)}]" if titles else text


def _context(
    events: list[ConversationEvent], messages: list[Message], message: Message
) -> list[Turn]:
    """The lines around the message; a replayed message (see _messages) is shown once."""
    by_index = {m.index: m for m in messages}
    lines = [
        (i, event)
        for i, event in enumerate(events)
        if (event.type_name == "user" and i in by_index)
        or (event.type_name == "bot" and (event.data.get("text") or _custom(event)))
    ]
    position = next(p for p, (i, _) in enumerate(lines) if i == message.index)
    window = lines[max(0, position - CONTEXT_TURNS) : position + CONTEXT_TURNS + 1]
    return [
        Turn(
            speaker="inwoner" if event.type_name == "user" else "bot",
            text=(
                _shown_text(event, by_index[i].from_resident, by_index[i].personal)
                if event.type_name == "user"
                else _bot_text(event)
            ),
            event_id=event.id,
            is_reviewed_message=i == message.index,
            lang_attribute=(
                _lang_attribute(message_language(events, i)) if event.type_name == "user" else None
            ),
        )
        for i, event in window
    ]


class AlreadyDecided(ValueError):
    """Someone (maybe the same person) decided about this message first."""

    def __init__(self, decision: ReviewDecision) -> None:
        super().__init__(decision.event_id)
        self.decision = decision


class NotResidentText(ValueError):
    """A button click or other text a channel made: never a training example."""


class NotTrainableLanguage(ValueError):
    """A message in a language the bot does not learn (not Dutch, not English)."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.language = language


def decide(
    inbox: ReviewInbox, nlu: NluData, event_id: int, intent: str | None, staff_user: str
) -> ReviewDecision:
    """Record staff's topic for a message; a topic adds the masked text to the NLU data of
    the message's language (data/nlu for Dutch, data/nlu/en for English)."""
    original = inbox.original_text(event_id)
    item = inbox.item(event_id)
    if original is None or item is None:
        raise LookupError(f"Geen bericht met nummer {event_id}")
    earlier = inbox.decision(event_id)
    if earlier is not None:
        raise AlreadyDecided(earlier)
    if not item.from_resident:
        raise NotResidentText(event_id)
    if intent is None:
        outcome, written = "no_topic", ""
    elif item.language not in CONVERSATION_LANGUAGES:
        raise NotTrainableLanguage(item.language)
    else:
        result = nlu.in_language(item.language).add_example(intent, original)
        outcome, written = result.outcome, result.text
    decision = ReviewDecision(
        event_id=event_id,
        sender_id=item.sender_id,
        intent=intent,
        written_text=written,
        outcome=outcome,
        decided_by=staff_user,
    )
    try:
        with inbox.session_factory() as session, session.begin():
            session.add(decision)
            session.flush()
            session.expunge(decision)
    except IntegrityError:
        # A colleague saved the same message at the same moment.
        raise AlreadyDecided(inbox.decision(event_id) or decision) from None
    return decision
