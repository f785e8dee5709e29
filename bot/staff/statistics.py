"""Staff workspace statistics: questions, fallbacks, helpfulness, buurten and languages, counted
per period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Final

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.core.constants import PAYLOAD_CONTACT_CARD, PAYLOAD_LOCATION, PAYLOAD_ROUTE, STATUS_FOUND
from bot.db.conversations import events_table
from bot.staff.labels import FALLBACK_INTENT
from bot.staff.review import (
    DENY_INTENT,
    LANGUAGE_GROUPS,
    OTHER_LANGUAGES,
    ConversationEvent,
    ReviewInbox,
    conversation_messages,
    got_fallback_answer,
    language_group,
    message_language,
)

AFFIRM_INTENT: Final = "affirm"
# Conversations read per query: IN lists stay small and memory stays bounded.
CHUNK: Final = 200
# A week axis longer than this shows only the last weeks of the period.
MAX_WEEKS: Final = 60
MAX_AREAS: Final = 20
_MONTHS: Final = (
    "jan",
    "feb",
    "mrt",
    "apr",
    "mei",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)
_LEVEL_NAMES: Final = {"wijk": "wijk", "gemeente": "hele gemeente"}


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: `key` is stable (a route code, a week's Monday, an area code)."""

    key: str
    label: str
    count: int


@dataclass
class Statistics:
    """Counts over the resident messages whose time lies in [since, until)."""

    messages: int = 0
    questions: int = 0
    fallbacks: int = 0
    helped: int = 0
    not_helped: int = 0
    # Contact cards after which the resident did not answer "Heeft dit u geholpen?".
    no_answer: int = 0
    per_route: Counter[str] = field(default_factory=Counter)
    per_week: Counter[date] = field(default_factory=Counter)
    # Area code -> conversations in which the bot found that area.
    per_area: Counter[str] = field(default_factory=Counter)
    area_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Resident messages per language: "nl", "en" or another language's ISO 639-1 code.
    per_language: Counter[str] = field(default_factory=Counter)
    # Conversations per language group (nl, en, other): the language of the resident's last
    # message in the period, i.e. the language the conversation ended in.
    conversations_per_language: Counter[str] = field(default_factory=Counter)

    @property
    def fallback_rate(self) -> float | None:
        return self.fallbacks / self.messages if self.messages else None

    @property
    def helpful_share(self) -> float | None:
        answered = self.helped + self.not_helped
        return self.helped / answered if answered else None


def _week(timestamp: float) -> date:
    day = datetime.fromtimestamp(timestamp, tz=timezone.utc).date()
    return day - timedelta(days=day.weekday())


def _custom(event: ConversationEvent) -> dict:
    custom = (event.data.get("data") or {}).get("custom")
    return custom if isinstance(custom, dict) else {}


def _intent(event: ConversationEvent) -> str | None:
    parse_data = event.data.get("parse_data") or {}
    return (parse_data.get("intent") or {}).get("name") or event.intent_name


def count_conversation(
    events: list[ConversationEvent], stats: Statistics, since: float | None, until: float | None
) -> None:
    """Adds one conversation's resident messages in the period to `stats`."""
    areas: set[str] = set()
    last_language: str | None = None
    # A message the fallback replayed counts once, and "not understood" is what happened
    # to that message, as in the review inbox.
    for message in conversation_messages(events):
        event, end = events[message.index], message.end
        if (since is not None and event.timestamp < since) or (
            until is not None and event.timestamp >= until
        ):
            continue
        following = events[message.index + 1 : end]
        stats.messages += 1
        last_language = message_language(events, message.index)
        stats.per_language[last_language] += 1
        if _intent(event) == FALLBACK_INTENT or got_fallback_answer(following):
            stats.fallbacks += 1
        bot_payloads = [_custom(e) for e in following if e.type_name == "bot"]
        route = next(
            (p[PAYLOAD_ROUTE] for p in bot_payloads if isinstance(p.get(PAYLOAD_ROUTE), dict)),
            None,
        )
        if route and route.get("role"):
            stats.questions += 1
            stats.per_route[str(route["role"])] += 1
            stats.per_week[_week(event.timestamp)] += 1
        for payload in bot_payloads:
            location = payload.get(PAYLOAD_LOCATION)
            if isinstance(location, dict) and location.get("status") == STATUS_FOUND:
                area = location.get("area")
                if isinstance(area, dict) and area.get("code"):
                    code = str(area["code"])
                    areas.add(code)
                    stats.area_names[code] = (str(area.get("name") or code), str(area.get("level")))
        if any(PAYLOAD_CONTACT_CARD in payload for payload in bot_payloads):
            # The answer to "Heeft dit u geholpen?" is the resident's next message.
            answer = _intent(events[end]) if end < len(events) else None
            if answer == AFFIRM_INTENT:
                stats.helped += 1
            elif answer == DENY_INTENT:
                stats.not_helped += 1
            else:
                stats.no_answer += 1
    for code in areas:
        stats.per_area[code] += 1
    if last_language is not None:
        stats.conversations_per_language[language_group(last_language)] += 1


def compute(
    tracker_engine: Engine, since: float | None = None, until: float | None = None
) -> Statistics:
    """The statistics of the resident messages in [since, until) from Rasa's `events` table."""
    query = select(events_table.c.sender_id).where(events_table.c.type_name == "user")
    if since is not None:
        query = query.where(events_table.c.timestamp >= since)
    if until is not None:
        query = query.where(events_table.c.timestamp < until)
    with tracker_engine.connect() as connection:
        senders = sorted(set(connection.execute(query.distinct()).scalars()))
    # ReviewInbox reads whole conversations; its session factory is not needed for that.
    reader = ReviewInbox(tracker_engine, session_factory=_no_session)
    stats = Statistics()
    for start in range(0, len(senders), CHUNK):
        for events in reader.events_of(senders[start : start + CHUNK]).values():
            count_conversation(events, stats, since, until)
    return stats


def _no_session() -> object:
    raise RuntimeError("statistics read only the tracker store")


# --- bars for the charts and tables ---------------------------------------------------


def week_label(monday: date) -> str:
    return f"week {monday.isocalendar()[1]} ({monday.day} {_MONTHS[monday.month - 1]})"


def route_bars(stats: Statistics, label: Callable[[str], str]) -> list[Bar]:
    ordered = sorted(stats.per_route.items(), key=lambda item: (-item[1], label(item[0])))
    return [Bar(code, label(code), count) for code, count in ordered]


def week_bars(stats: Statistics, since: date | None, until: date | None) -> list[Bar]:
    """Every week of the period, empty weeks included, so the axis does not lie."""
    weeks = sorted(stats.per_week)
    first = since - timedelta(days=since.weekday()) if since else (weeks[0] if weeks else None)
    last = until - timedelta(days=until.weekday()) if until else (weeks[-1] if weeks else None)
    if first is None or last is None or last < first:
        return []
    mondays = []
    monday = first
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    mondays = mondays[-MAX_WEEKS:]
    return [Bar(m.isoformat(), week_label(m), stats.per_week.get(m, 0)) for m in mondays]


def area_bars(stats: Statistics) -> list[Bar]:
    def label(code: str) -> str:
        name, level = stats.area_names[code]
        return f"{name} ({_LEVEL_NAMES[level]})" if level in _LEVEL_NAMES else name

    ordered = sorted(stats.per_area.items(), key=lambda item: (-item[1], label(item[0])))
    return [Bar(code, label(code), count) for code, count in ordered[:MAX_AREAS]]


def language_bars(counts: Counter[str]) -> list[Bar]:
    """Dutch, English and all other languages together, in that order; always all three,
    so a zero shows as zero."""
    grouped: Counter[str] = Counter()
    for code, count in counts.items():
        grouped[language_group(code)] += count
    return [Bar(key, label, grouped.get(key, 0)) for key, label in LANGUAGE_GROUPS]


def other_language_bars(stats: Statistics, label: Callable[[str], str]) -> list[Bar]:
    """The messages in languages other than Dutch and English, per language, most first."""
    others = [
        (code, count)
        for code, count in stats.per_language.items()
        if language_group(code) == OTHER_LANGUAGES
    ]
    ordered = sorted(others, key=lambda item: (-item[1], label(item[0])))
    return [Bar(code, label(code), count) for code, count in ordered]
