"""Headless Chromium on Terugbelverzoeken: the list, a request, handled; axe-core clean."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker

from bot.core.callback import CONTACT_PHONE, ContactDetail
from bot.core.sealing import Sealer
from bot.handover.outbox import CallbackDraft, CallbackStore, Professional
from tests.support.browser import run_axe
from tests.support.staff import STAFF_NAME, STAFF_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]
DATA_KEY = "browser-test-data-key-of-enough-length"


def test_callback_requests_in_the_browser(
    page: Any,
    staff_url: str,
    session_factory: sessionmaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setenv("WIJKWIJZER_DATA_KEY", DATA_KEY)
    store = CallbackStore(session_factory, Sealer(DATA_KEY))
    reference = store.create(
        CallbackDraft(
            role_code="wijkagent",
            role_name="de wijkagent",
            area_code="BU91000201",
            area_name="Parkzicht",
            gemeente_code="GM9100",
            professional=Professional("Ruben Koster", "Politie Rivierstad", "r@politie.example"),
            resident_name="Kim Bakker",
            contact=ContactDetail(CONTACT_PHONE, "+31612345678"),
            question="Er wordt gedeald bij de speeltuin.",
        ),
        mail=True,
    )

    page.goto(f"{staff_url}/aanmelden")
    page.get_by_label("Naam").fill(STAFF_NAME)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("link", name="Terugbelverzoeken").click()
    expect(page.get_by_role("heading", name="Terugbelverzoeken")).to_be_visible()
    expect(page.get_by_text("1 mail nog niet verstuurd")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_label("Rol").select_option("wijkagent")
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Terugbelverzoek {reference}")).to_be_visible()
    expect(page.get_by_text("06 12345678")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("button", name="Afgehandeld").click()
    expect(page.get_by_role("status").filter(has_text="afgehandeld")).to_be_visible()
    expect(page.get_by_role("button", name="Weer open zetten")).to_be_visible()
    assert run_axe(page) == []
    assert page.csp_errors == []
