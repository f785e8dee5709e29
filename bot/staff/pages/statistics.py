"""The statistics page: the counts of a chosen period as charts, each with a table under it."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.staff.labels import language_label, route_label
from bot.staff.pages.charts import columns, horizontal_bars, share_bar
from bot.staff.pages.common import Period, render, requires, settings
from bot.staff.roles import Permission
from bot.staff.statistics import (
    Bar,
    area_bars,
    compute,
    language_bars,
    other_language_bars,
    route_bars,
    week_bars,
)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/statistieken", statistics_page)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%".replace(".", ",")


def _language_summary(bars: list[Bar], what: str) -> str:
    """ "12 berichten: 9 Nederlands, 2 Engels, 1 andere talen." """
    total = sum(bar.count for bar in bars)
    parts = ", ".join(f"{bar.count} {bar.label[:1].lower()}{bar.label[1:]}" for bar in bars)
    return f"{total} {what}: {parts}."


@requires(Permission.STATISTICS)
async def statistics_page(request: web.Request) -> web.StreamResponse:
    period = Period.from_query(request.query)
    error = None
    if period.reversed:
        error = "De einddatum ligt voor de begindatum. Kies een einddatum na de begindatum."
        period = Period()
    # Reading many conversations takes a moment: not on the event loop that serves others.
    stats = await asyncio.get_running_loop().run_in_executor(
        None,
        compute,
        settings(request).tracker_engine,
        period.start_timestamp(),
        period.end_timestamp(),
    )
    routes = route_bars(stats, route_label)
    weeks = week_bars(stats, period.since, period.until)
    areas = area_bars(stats)
    message_languages = language_bars(stats.per_language)
    conversation_languages = language_bars(stats.conversations_per_language)
    other_languages = other_language_bars(stats, language_label)
    understood = stats.messages - stats.fallbacks
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
            [
                Bar("begrepen", "Begrepen", understood),
                Bar("niet_begrepen", "Niet begrepen", stats.fallbacks),
            ],
        ),
        "helpful": share_bar(
            "grafiek-geholpen",
            "Heeft dit u geholpen?",
            f"{stats.helped} keer ja en {stats.not_helped} keer nee "
            f"({_percent(stats.helpful_share)} geholpen).",
            [
                Bar("geholpen", "Ja, geholpen", stats.helped),
                Bar("niet_geholpen", "Nee, niet geholpen", stats.not_helped),
            ],
        ),
        "areas": horizontal_bars(
            "grafiek-buurten",
            "Buurten waar vragen over gingen",
            f"{sum(bar.count for bar in areas)} gesprekken over {len(areas)} gebieden.",
            areas,
        ),
        "message_languages": horizontal_bars(
            "grafiek-talen-berichten",
            "Berichten per taal",
            _language_summary(message_languages, "berichten"),
            message_languages,
        ),
        "conversation_languages": horizontal_bars(
            "grafiek-talen-gesprekken",
            "Gesprekken per taal",
            _language_summary(conversation_languages, "gesprekken"),
            conversation_languages,
        ),
    }
    return render(
        request,
        "statistics.html",
        stats=stats,
        routes=routes,
        weeks=weeks,
        areas=areas,
        message_languages=message_languages,
        conversation_languages=conversation_languages,
        other_languages=other_languages,
        charts=charts,
        **period.fields(),
        error=error,
        fallback_rate=_percent(stats.fallback_rate),
        helpful_share=_percent(stats.helpful_share),
        understood=understood,
    )
