"""Tests of the workspace page Terugbelverzoeken: list per role and area, details, handled."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import sessionmaker

from bot.core.callback import CONTACT_EMAIL, CONTACT_PHONE, ContactDetail
from bot.core.sealing import Sealer
from bot.handover.outbox import CallbackDraft, CallbackStore, Professional
from tests.support.staff import csrf_of

DATA_KEY = "workspace-test-data-key-of-enough-length"


def draft(**changes: object) -> CallbackDraft:
    values: dict[str, object] = {
        "role_code": "wijkagent",
        "role_name": "de wijkagent",
        "area_code": "BU91000201",
        "area_name": "Parkzicht",
        "gemeente_code": "GM9100",
        "professional": Professional("Ruben Koster", "Politie Rivierstad", "r@politie.example"),
        "resident_name": "Kim Bakker",
        "contact": ContactDetail(CONTACT_PHONE, "+31612345678"),
        "question": "Er wordt gedeald bij de speeltuin.",
        "best_time": "na 17.00 uur",
    }
    values.update(changes)
    return CallbackDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(session_factory: sessionmaker, monkeypatch: pytest.MonkeyPatch) -> CallbackStore:
    monkeypatch.setenv("WIJKWIJZER_DATA_KEY", DATA_KEY)
    return CallbackStore(session_factory, Sealer(DATA_KEY))


async def test_the_list_shows_open_requests_with_the_contact_masked(
    signed_in: TestClient, store: CallbackStore
) -> None:
    phone = store.create(draft(), mail=True)
    email = store.create(
        draft(
            role_code="buurtbemiddeling",
            role_name="buurtbemiddeling",
            area_code="BU91000101",
            area_name="Centrum",
            contact=ContactDetail(CONTACT_EMAIL, "kim@voorbeeld.nl"),
        ),
        mail=False,
    )
    store.set_handled(email, "anna")

    response = await signed_in.get("/terugbellen")
    page = await response.text()
    assert response.status == 200
    assert phone in page and email not in page  # open ones by default
    assert "+316******78" in page and "612345678" not in page
    assert "1 mail nog niet verstuurd" in page

    everything = await (await signed_in.get("/terugbellen?status=alle")).text()
    assert phone in everything and email in everything and "k***@voorbeeld.nl" in everything
    per_role = await (await signed_in.get("/terugbellen?status=alle&rol=buurtbemiddeling")).text()
    assert email in per_role and phone not in per_role
    per_area = await (await signed_in.get("/terugbellen?status=alle&gebied=BU91000201")).text()
    assert phone in per_area and email not in per_area


async def test_handling_a_request_records_who_and_when_in_the_history(
    signed_in: TestClient, store: CallbackStore
) -> None:
    reference = store.create(draft(), mail=False)

    detail = await (await signed_in.get(f"/terugbellen/{reference}")).text()
    assert "06 12345678" in detail and "Kim Bakker" in detail and "speeltuin" in detail
    token = await csrf_of(signed_in, f"/terugbellen/{reference}")
    response = await signed_in.post(
        f"/terugbellen/{reference}/status",
        data={"afgehandeld": "1", "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 303

    view = store.get(reference)
    assert view is not None and view.status == "handled" and view.handled_by == "anna"
    page = await (await signed_in.get(response.headers["Location"])).text()
    assert "Het verzoek staat op afgehandeld." in page
    history = re.findall(r'data-action="(\w+)"', page)
    assert history == ["requested", "handled"]


async def test_a_waiting_mail_says_nog_niet_verstuurd_with_the_reason(
    signed_in: TestClient, store: CallbackStore
) -> None:
    reference = store.create(draft(), mail=True)
    (claimed,) = store.claim_due("test")
    store.mark_failed(
        claimed.id, "test", "de mailserver is niet bereikbaar (ConnectionRefusedError)"
    )

    page = await (await signed_in.get(f"/terugbellen/{reference}")).text()
    assert "De mail is nog niet verstuurd: de mailserver is niet bereikbaar" in page


async def test_unknown_and_withdrawn_requests(signed_in: TestClient, store: CallbackStore) -> None:
    assert (await signed_in.get("/terugbellen/WW-00000000")).status == 404
    assert (await signed_in.get("/terugbellen/geen-kenmerk")).status == 404
    reference = store.create(draft(), mail=False)
    store.cancel(reference)
    page = await (await signed_in.get(f"/terugbellen/{reference}")).text()
    assert "Ingetrokken door de inwoner" in page and "Kim Bakker" not in page
    assert "Afgehandeld</button>" not in page


async def test_the_page_needs_a_signed_in_member_of_staff(client: TestClient) -> None:
    response = await client.get("/terugbellen", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/aanmelden"
