"""Headless Chromium: sign in, review, annotate; axe-core finds no violations on the pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.staff.users import add_or_update_user
from tests.support.browser import run_axe
from tests.support.servers import DEMO_DIR
from tests.support.staff import STAFF_NAME, STAFF_PASSWORD

pytestmark = [
    pytest.mark.browser,
    # One database is enough for the browser; the other tests cover PostgreSQL.
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]


def test_sign_in_review_and_annotate(page: Any, staff_url: str, nlu_dir: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{staff_url}/inbox")
    expect(page).to_have_url(f"{staff_url}/aanmelden")
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")

    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{staff_url}/inbox")
    expect(page.get_by_role("heading", name="Berichten om te beoordelen")).to_be_visible()
    expect(page.locator(".inbox__item")).to_have_count(3)
    assert run_axe(page) == []

    page.get_by_label("Doorverwezen naar").select_option("melding")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator(".inbox__item")).to_have_count(1)

    page.get_by_role("link", name="die lamp bij het speeltuintje doet het niet meer").click()
    expect(page.get_by_role("heading", name="Bericht beoordelen")).to_be_visible()
    expect(page.locator(".conversation__turn--current")).to_contain_text("die lamp")
    assert run_axe(page) == []

    # The list starts empty: "Opslaan" without a choice does not confirm the bot's guess.
    item_url = page.url
    expect(page.get_by_label("Onderwerp")).to_have_value("")
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(item_url)
    assert page.get_by_label("Onderwerp").evaluate("(select) => select.validity.valueMissing")

    page.get_by_label("Onderwerp").select_option("report_defect")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("toegevoegd")
    expect(page.locator(".inbox__item")).to_have_count(2)
    assert "    - die lamp bij het speeltuintje doet het niet meer\n" in (
        nlu_dir / "report_defect.yml"
    ).read_text(encoding="utf-8")
    assert run_axe(page) == []

    # Back on the decided message: who decided, no form.
    page.goto(item_url)
    expect(
        page.get_by_text(re.compile(r"Al beoordeeld door anna op \d\d-\d\d-\d{4}"))
    ).to_be_visible()
    expect(page.get_by_label("Onderwerp")).to_have_count(0)
    assert run_axe(page) == []

    page.get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(f"{staff_url}/aanmelden")
    assert page.csp_errors == []


def test_error_page_has_no_violations(page: Any, staff_url: str) -> None:
    page.goto(f"{staff_url}/aanmelden")
    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.goto(f"{staff_url}/inbox/999999")
    assert page.get_by_role("alert").inner_text() == "Dit bericht bestaat niet."
    assert run_axe(page) == []


MENU = [
    "Te beoordelen",
    "Terugbelverzoeken",
    "Opnieuw trainen",
    "Contacten",
    "Wijzigingen",
    "Statistieken",
    "Accounts",
]
NARROW_PAGES = [
    ("/inbox", "Te beoordelen"),
    ("/terugbellen", "Terugbelverzoeken"),
    ("/training", "Opnieuw trainen"),
    ("/contacten", "Contacten"),
    ("/contacten/nieuw", None),
    ("/contacten/upload", None),
    ("/wijzigingen", "Wijzigingen"),
    ("/statistieken", "Statistieken"),
    ("/accounts", "Accounts"),
]


STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter((e) => !e.closest('.table-frame, .chart-frame'))
  .slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


def _sticking_out(page: Any) -> list[str]:
    """The first elements that reach past the right edge, for the failure message."""
    return list(page.evaluate(STICKING_OUT))


def test_the_menu_fits_a_phone_and_marks_the_current_page(
    signed_in_page: Any, staff_url: str, session_factory: Any
) -> None:
    from playwright.sync_api import expect

    from bot.db.importer import import_directory

    import_directory(DEMO_DIR, session_factory)  # a full contacts table
    # A colleague, so the accounts page shows its forms.
    add_or_update_user(session_factory, "bert", STAFF_PASSWORD, "redacteur")
    page = signed_in_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    first_item = page.locator(".inbox__text a").first.get_attribute("href")
    for path, current in [*NARROW_PAGES, (first_item, "Te beoordelen")]:
        page.goto(f"{staff_url}{path}")
        # Nothing sticks out sideways: no horizontal scrolling of the page itself.
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 375, (path, widths, _sticking_out(page))
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        for label in MENU:
            box = menu.get_by_role("link", name=label, exact=True).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (
                path,
                label,
                box,
            )
        marked = menu.locator("[aria-current]")
        if current is None:
            # A page under a menu item (/contacten/nieuw): its item is marked as the section.
            expect(marked).to_have_count(1)
            expect(marked).to_have_attribute("aria-current", "true")
        elif path == first_item:
            expect(marked).to_have_text(current)
            expect(marked).to_have_attribute("aria-current", "true")
        else:
            expect(menu.locator('[aria-current="page"]')).to_have_text(current)
            expect(marked).to_have_count(1)
        assert run_axe(page) == [], path
    assert page.csp_errors == []
