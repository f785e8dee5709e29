"""Headless Chromium on the statistics page: charts drawn, no CSP errors, axe-core clean."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import run_axe
from tests.support.staff import STAFF_NAME, STAFF_PASSWORD, conversations, more_conversations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def stored_conversations() -> dict[str, list[Any]]:
    """With buurten and a wijk, as in the statistics tests."""
    return {**conversations(), **more_conversations()}


def test_statistics_page_in_the_browser(page: Any, staff_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{staff_url}/statistieken")
    expect(page).to_have_url(f"{staff_url}/aanmelden")
    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("link", name="Statistieken").click()
    expect(page.get_by_role("heading", name="Statistieken", exact=True)).to_be_visible()

    # Seven charts, each an image with a name, drawn with a size (the stylesheet loaded).
    charts = page.get_by_role("img")
    expect(charts).to_have_count(7)
    expect(page.get_by_role("img", name="Vragen per doorverwijzing")).to_be_visible()
    expect(page.get_by_role("img", name="Berichten per taal")).to_be_visible()
    expect(page.get_by_role("img", name="Gesprekken per taal")).to_be_visible()
    box = page.locator("#grafiek-routes .chart__bar").first.bounding_box()
    assert box is not None and box["width"] > 10
    fill = page.locator("#grafiek-routes .chart__bar").first.evaluate(
        "(bar) => getComputedStyle(bar).fill"
    )
    assert fill == "rgb(21, 66, 115)"  # the workspace's primary colour from the stylesheet
    assert run_axe(page) == []

    # The week labels ("week 13") fit under their columns without touching each other.
    labels = page.locator("#grafiek-weken .chart__axis-label")
    expect(labels).to_have_text(["week 11", "week 12", "week 13"])
    boxes = [labels.nth(n).bounding_box() for n in range(labels.count())]
    assert all(box is not None for box in boxes)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] + 4 <= right["x"], (left, right)

    page.get_by_label("Vanaf datum").fill("2026-03-15")
    page.get_by_label("Tot en met datum").fill("2026-03-25")
    page.get_by_role("button", name="Toon periode").click()
    expect(page.locator("#grafiek-routes .chart__row")).to_have_count(2)
    assert run_axe(page) == []
    assert page.csp_errors == []
