"""Headless Chromium: edit a contact, upload a CSV with preview; axe-core finds no violations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from tests.support.browser import run_axe
from tests.support.contacts import contact_id, contact_row, demo_file
from tests.support.servers import DEMO_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]


@pytest.fixture(autouse=True)
def demo(session_factory: sessionmaker) -> None:
    import_directory(DEMO_DIR, session_factory)


def test_edit_a_contact(
    signed_in_page: Any, staff_url: str, session_factory: sessionmaker
) -> None:
    from playwright.sync_api import expect

    page = signed_in_page
    page.get_by_role("link", name="Contacten").click()
    expect(page.get_by_role("heading", name="Contacten", exact=True)).to_be_visible()
    assert run_axe(page) == []

    page.get_by_label("Zoeken", exact=True).fill("sanne")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".contacts__row")).to_have_count(1)
    page.get_by_role("link", name="Sanne de Vries").click()
    expect(page.get_by_role("heading", name="Contact wijzigen")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_label("Telefoon").fill("bel de politie")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("telefoonnummer")
    expect(page.get_by_label("Telefoon")).to_have_attribute("aria-invalid", "true")
    assert run_axe(page) == []

    page.get_by_label("Telefoon").fill("0900-8845")
    page.get_by_label("Vogelbuurt (BU92000201)").check()
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    sanne = contact_id(session_factory, "Sanne de Vries")
    row = contact_row(session_factory, sanne)
    assert row["phone"] == "0900-8845"
    assert row["areas"] == ["BU92000201", "WK920001"]

    page.get_by_role("link", name="Bekijk de wijzigingen van dit contact").click()
    expect(page.locator(".audit__row")).to_have_count(1)
    expect(page.locator(".audit__row")).to_contain_text("0900-8845")
    assert run_axe(page) == []
    assert page.csp_errors == []


def test_the_spreekuur_note_belongs_to_its_field(
    signed_in_page: Any, staff_url: str, session_factory: sessionmaker
) -> None:
    from playwright.sync_api import expect

    page = signed_in_page
    page.goto(f"{staff_url}/contacten/{contact_id(session_factory, 'Sanne de Vries')}")
    hours = page.get_by_label("Spreekuur")
    expect(hours).to_have_accessible_description(re.compile("begrepen als: dinsdag 10:00"))

    hours.fill("dinsdag 10-12, niet in juli")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("niet helemaal begrepen")
    expect(hours).to_have_accessible_description(re.compile("^Let op: Spreekuur niet helemaal"))
    assert run_axe(page) == []


def test_upload_with_preview(
    signed_in_page: Any,
    staff_url: str,
    session_factory: sessionmaker,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    page = signed_in_page
    page.goto(f"{staff_url}/contacten/upload")
    expect(page.get_by_role("heading", name="Bestanden inlezen")).to_be_visible()
    assert run_axe(page) == []

    bad = tmp_path / "fout.csv"
    bad.write_text(demo_file("contacten.csv").replace("0900-8844", "onbekend", 1), "utf-8")
    page.get_by_label("Contactpersonen (contacten.csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    expect(page.locator(".problems")).to_contain_text("onbekend")
    assert run_axe(page) == []

    good = tmp_path / "contacten.csv"
    lines = demo_file("contacten.csv").splitlines()
    good.write_text("\n".join(line for line in lines if not line.startswith("Mehmet")), "utf-8")
    page.get_by_label("Contactpersonen (contacten.csv)").set_input_files(str(good))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    expect(page.get_by_role("heading", name="Dit verandert er")).to_be_visible()
    expect(page.locator('[data-count="retired"]')).to_have_text("1")
    assert run_axe(page) == []
    mehmet = contact_id(session_factory, "Mehmet Yilmaz")
    assert contact_row(session_factory, mehmet)["active"] is True

    page.get_by_role("button", name="Toepassen").click()
    expect(page.get_by_role("heading", name="Wijzigingen in de contacten")).to_be_visible()
    expect(page.locator(".audit__row")).to_have_count(2)
    assert run_axe(page) == []
    assert contact_row(session_factory, mehmet)["active"] is False
    assert page.csp_errors == []
