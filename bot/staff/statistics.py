"""Staff workspace statistics: questions, fallbacks, helpfulness and buurten, as SVG charts."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Final

from aiohttp import web
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.core.constants import PAYLOAD_CONTACT_CARD, PAYLOAD_LOCATION, PAYLOAD_ROUTE, STATUS_FOUND
from bot.db.conversations import events_table
from bot.staff.labels import FALLBACK_INTENT
from bot.staff.review import (
    DENY_INTENT,
    ConversationEvent,
    ReviewInbox,
    conversation_messages,
    got_fallback_answer,
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


# --- bars for the charts ------------------------------------------------------------------


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


# --- SVG ---------------------------------------------------------------------------------

_FONT = 'font-family="system-ui, sans-serif" font-size="14"'


def _svg_open(chart_id: str, width: int, height: int, title: str, summary: str) -> str:
    # role="img" with its title and description: screen readers read the summary, and
    # the table under the chart gives every number.
    return (
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>'
    )


def horizontal_bars(chart_id: str, title: str, summary: str, bars: Iterable[Bar]) -> Markup:
    """Labelled horizontal bars, longest first: for categories such as routes and buurten."""
    bars = list(bars)
    label_width, bar_width, row = 240, 330, 30
    width, height = label_width + bar_width + 60, max(1, len(bars)) * row + 10
    top = max((bar.count for bar in bars), default=0) or 1
    parts = [_svg_open(chart_id, width, height, title, summary)]
    for n, bar in enumerate(bars):
        y = 5 + n * row
        length = round(bar_width * bar.count / top)
        parts.append(
            f'<g class="chart__row" data-key="{escape(bar.key)}" data-count="{bar.count}">'
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" {_FONT} '
            f'fill="#1a1a1a">{escape(bar.label)}</text>'
            f'<rect class="chart__bar" x="{label_width}" y="{y + 4}" width="{max(length, 1)}" '
            f'height="{row - 10}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 19}" {_FONT} '
            f'fill="#1a1a1a">{bar.count}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(chart_id: str, title: str, summary: str, bars: Iterable[Bar]) -> Markup:
    """Vertical columns in time order, the count on top and "week N" below."""
    bars = list(bars)
    # Wide enough for "week 49" under each column without touching the next one.
    column, gap, chart_height, axis = 58, 12, 180, 40
    width = max(300, len(bars) * (column + gap) + gap)
    height = chart_height + axis + 20
    top = max((bar.count for bar in bars), default=0) or 1
    parts = [_svg_open(chart_id, width, height, title, summary)]
    base = 20 + chart_height
    parts.append(
        f'<line class="chart__axis" x1="0" y1="{base}" x2="{width}" y2="{base}" '
        'stroke="#595959" stroke-width="1"/>'
    )
    for n, bar in enumerate(bars):
        x = gap + n * (column + gap)
        length = round(chart_height * bar.count / top)
        # "week 49": a bare "49" under a column reads as a count.
        axis_label = (
            " ".join(bar.label.split(" ")[:2]) if bar.label.startswith("week ") else bar.label
        )
        parts.append(
            f'<g class="chart__column" data-key="{escape(bar.key)}" data-count="{bar.count}">'
            f'<rect class="chart__bar" x="{x}" y="{base - length}" width="{column}" '
            f'height="{length}"/>'
            f'<text x="{x + column / 2}" y="{base - length - 5}" text-anchor="middle" {_FONT} '
            f'fill="#1a1a1a">{bar.count}</text>'
            f'<text x="{x + column / 2}" y="{base + 18}" text-anchor="middle" {_FONT} '
            f'class="chart__axis-label" fill="#1a1a1a">{escape(axis_label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bar(chart_id: str, title: str, summary: str, parts_: Iterable[Bar]) -> Markup:
    """One bar split into shares (e.g. helped / not helped), with a legend under it."""
    shares = list(parts_)
    width, bar_height = 600, 36
    total = sum(share.count for share in shares) or 1
    parts = [_svg_open(chart_id, width, bar_height + 40, title, summary)]
    x = 0.0
    for n, share in enumerate(shares):
        length = width * share.count / total
        parts.append(
            f'<g class="chart__share" data-key="{escape(share.key)}" data-count="{share.count}">'
            f'<rect class="chart__bar chart__bar--{n}" x="{x:.1f}" y="0" width="{length:.1f}" '
            f'height="{bar_height}"/>'
            f'<rect class="chart__bar chart__bar--{n}" x="{n * 300}" y="{bar_height + 14}" '
            'width="16" height="16"/>'
            f'<text x="{n * 300 + 22}" y="{bar_height + 28}" {_FONT} fill="#1a1a1a">'
            f"{escape(share.label)}: {share.count}</text></g>"
        )
        x += length
    parts.append("</svg>")
    return Markup("".join(parts))


# --- the page ----------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%".replace(".", ",")


async def statistics_page(request: web.Request) -> web.StreamResponse:
    from bot.staff.app import SETTINGS, _parse_day, _timestamp, render, route_label

    settings = request.app[SETTINGS]
    since = _parse_day(request.query.get("van", ""))
    until = _parse_day(request.query.get("tot", ""))
    error = None
    if since and until and until < since:
        error = "De einddatum ligt voor de begindatum. Kies een einddatum na de begindatum."
        since = until = None
    start = _timestamp(since) if since else None
    end = _timestamp(until + timedelta(days=1)) if until else None
    # Reading many conversations takes a moment: not on the event loop that serves others.
    stats = await asyncio.get_running_loop().run_in_executor(
        None, compute, settings.tracker_engine, start, end
    )
    routes = route_bars(stats, route_label)
    weeks = week_bars(stats, since, until)
    areas = area_bars(stats)
    understood = stats.messages - stats.fallbacks
    fallback_parts = [
        Bar("begrepen", "Begrepen", understood),
        Bar("niet_begrepen", "Niet begrepen", stats.fallbacks),
    ]
    helpful_parts = [
        Bar("geholpen", "Ja, geholpen", stats.helped),
        Bar("niet_geholpen", "Nee, niet geholpen", stats.not_helped),
    ]
    charts = {
        "routes": horizontal_bars(
            "grafiek-routes",
            "Vragen per doorverwijzing",
            f"{stats.questions} vragen, verdeeld over {len(routes)} doorverwijzingen.",
            routes,
        ),
        "weeks": columns(
            "grafiek-weken",
            "Vragen per week",
            f"{stats.questions} vragen in {len(weeks)} weken.",
            weeks,
        ),
        "fallback": share_bar(
            "grafiek-niet-begrepen",
            "Berichten die de bot niet begreep",
            f"{stats.fallbacks} van {stats.messages} berichten niet begrepen "
            f"({_percent(stats.fallback_rate)}).",
            fallback_parts,
        ),
        "helpful": share_bar(
            "grafiek-geholpen",
            "Heeft dit u geholpen?",
            f"{stats.helped} keer ja en {stats.not_helped} keer nee "
            f"({_percent(stats.helpful_share)} geholpen).",
            helpful_parts,
        ),
        "areas": horizontal_bars(
            "grafiek-buurten",
            "Buurten waar vragen over gingen",
            f"{sum(bar.count for bar in areas)} gesprekken over {len(areas)} gebieden.",
            areas,
        ),
    }
    return render(
        request,
        "statistics.html",
        stats=stats,
        routes=routes,
        weeks=weeks,
        areas=areas,
        charts=charts,
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
        error=error,
        fallback_rate=_percent(stats.fallback_rate),
        helpful_share=_percent(stats.helpful_share),
        understood=understood,
    )


def add_statistics_routes(app: web.Application) -> None:
    app.router.add_get("/statistieken", statistics_page)
