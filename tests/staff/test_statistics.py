"""The statistics page: numbers from a tracker store filled by Rasa, charts that show them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from bot.staff.statistics import Statistics, compute, week_bars
from tests.support.staff import (
    conversations,
    day,
    fallback_conversations,
    more_conversations,
    save_conversations,
)


@pytest.fixture
def stored_conversations() -> dict[str, list[Any]]:
    """The staff fixtures' conversations plus two that were helped or named a wijk."""
    return {**conversations(), **more_conversations()}


def test_numbers_from_the_tracker_store(tracker_engine: Engine) -> None:
    stats = compute(tracker_engine)
    # Resident messages: 1 + 1 + 3 + 1 (staff fixtures) + 4 + 1 (above).
    assert stats.messages == 11
    assert stats.fallbacks == 1
    assert stats.fallback_rate == pytest.approx(1 / 11)
    assert stats.questions == 6
    assert dict(stats.per_route) == {
        "melding": 1,
        "buurtbemiddeling": 2,
        "wijkagent": 2,
        "sociaal_makelaar": 1,
    }
    # Weeks start on Monday: 9, 16 and 23 March 2026.
    assert dict(stats.per_week) == {
        date(2026, 3, 9): 1,
        date(2026, 3, 16): 1,
        date(2026, 3, 23): 4,
    }
    # "nee" after the card in the fixtures, "ja" above; two cards got no answer.
    assert (stats.helped, stats.not_helped, stats.no_answer) == (1, 1, 2)
    assert stats.helpful_share == pytest.approx(0.5)
    assert dict(stats.per_area) == {"BU92000201": 1, "WK920001": 1}


def test_the_period_limits_the_numbers(tracker_engine: Engine) -> None:
    stats = compute(tracker_engine, since=day(3, 15, 0), until=day(3, 26, 0))
    assert stats.messages == 4  # the not-helped conversation (3) and the wijkagent question
    assert dict(stats.per_route) == {"buurtbemiddeling": 1, "wijkagent": 1}
    assert (stats.helped, stats.not_helped) == (0, 1)
    assert not stats.per_area


def test_empty_weeks_stay_on_the_axis() -> None:
    stats = Statistics()
    stats.per_week[date(2026, 3, 2)] = 2
    stats.per_week[date(2026, 3, 23)] = 1
    bars = week_bars(stats, None, None)
    assert [(bar.key, bar.count) for bar in bars] == [
        ("2026-03-02", 2),
        ("2026-03-09", 0),
        ("2026-03-16", 0),
        ("2026-03-23", 1),
    ]
    assert bars[0].label == "week 10 (2 mrt)"


async def test_the_page_needs_sign_in(client: TestClient) -> None:
    response = await client.get("/statistieken", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/aanmelden"


def _chart(html: str, chart_id: str) -> dict[str, int]:
    """data-key -> data-count of the bars in one SVG chart."""
    match = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id}"
    return {
        key: int(count)
        for key, count in re.findall(r'data-key="([^"]+)" data-count="(\d+)"', match.group(0))
    }


async def test_the_charts_show_the_counts(signed_in: TestClient) -> None:
    response = await signed_in.get("/statistieken")
    assert response.status == 200
    html = await response.text()
    assert _chart(html, "grafiek-routes") == {
        "melding": 1,
        "buurtbemiddeling": 2,
        "wijkagent": 2,
        "sociaal_makelaar": 1,
    }
    assert _chart(html, "grafiek-weken") == {"2026-03-09": 1, "2026-03-16": 1, "2026-03-23": 4}
    # Under each column "week N", not a bare number that reads like a count.
    weeks_svg = html.split('id="grafiek-weken"', 1)[1].split("</svg>", 1)[0]
    assert re.findall(r'class="chart__axis-label"[^>]*>([^<]+)<', weeks_svg) == [
        "week 11",
        "week 12",
        "week 13",
    ]
    assert _chart(html, "grafiek-niet-begrepen") == {"begrepen": 10, "niet_begrepen": 1}
    assert _chart(html, "grafiek-geholpen") == {"geholpen": 1, "niet_geholpen": 1}
    assert _chart(html, "grafiek-buurten") == {"BU92000201": 1, "WK920001": 1}
    # The same numbers as text: key figures and a table under every chart.
    assert 'data-figure="messages">11<' in html and 'data-figure="fallback-rate">9%<' in html
    assert '<th scope="row">Vogelbuurt</th><td>1</td>' in html
    assert '<th scope="row">Centrum (wijk)</th><td>1</td>' in html
    # Each chart is an image with a name and a description for screen readers.
    for chart_id in re.findall(r'<svg class="chart" id="([^"]+)"', html):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<desc id="{chart_id}-desc">' in html
    assert "<script" not in html


async def test_a_period_filters_the_page(signed_in: TestClient) -> None:
    response = await signed_in.get("/statistieken?van=2026-03-15&tot=2026-03-25")
    html = await response.text()
    assert _chart(html, "grafiek-routes") == {"buurtbemiddeling": 1, "wijkagent": 1}
    # The whole period is on the axis, also weeks without questions.
    assert _chart(html, "grafiek-weken") == {"2026-03-09": 0, "2026-03-16": 1, "2026-03-23": 1}
    assert 'value="2026-03-15"' in html


@pytest.mark.parametrize("query", ["?van=2026-03-20&tot=2026-03-01", "?van=gisteren&tot=%00"])
async def test_bad_periods_get_a_clear_answer(signed_in: TestClient, query: str) -> None:
    response = await signed_in.get("/statistieken" + query)
    assert response.status == 200
    html = await response.text()
    # Nothing is filtered: all 6 questions are counted.
    assert sum(_chart(html, "grafiek-routes").values()) == 6


async def test_a_message_the_fallback_replayed_counts_once(tmp_path: Path) -> None:
    # Two fallbacks; the click and the question typed after them were answered well.
    engine = await save_conversations(tmp_path / "fallback.db", fallback_conversations())
    try:
        stats = compute(engine)
    finally:
        engine.dispose()
    # inwoner-knop: the fallback, the click. inwoner-na-fallback: the fallback, the typed
    # question (stored twice by Rasa), "/affirm", the button "Wie is de wijkagent?".
    assert (stats.messages, stats.fallbacks) == (6, 2)
    assert dict(stats.per_route) == {"scharrelambtenaar": 1, "wijkagent": 2}
    assert (stats.helped, stats.not_helped) == (1, 0)
