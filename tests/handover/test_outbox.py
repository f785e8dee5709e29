"""Tests of the callback outbox: sealed, claimed by one sender, handled, cancelled, purged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.sealing import Sealer
from bot.db.models.callbacks import (
    MAIL_NONE,
    MAIL_PENDING,
    STATUS_CANCELLED,
    STATUS_HANDLED,
    CallbackEvent,
    CallbackRequest,
)
from bot.handover.outbox import CallbackDraft, CallbackStore, Professional, utc_now


def test_a_request_is_stored_sealed_with_a_reference_and_a_due_mail(
    callback_store: CallbackStore,
    session_factory: sessionmaker,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    reference = callback_store.create(make_draft(), mail=True)

    assert reference.startswith("WW-")
    with session_factory() as session:
        row = session.scalar(select(CallbackRequest))
        assert row is not None
        assert row.mail_status == MAIL_PENDING
        # Phone number, name, question and best time are in no column as plain text.
        stored = " ".join(str(value) for value in vars(row).values())
        for secret in ("612345678", "Kim Bakker", "speelveld", "18.00"):
            assert secret not in stored
    view = callback_store.get(reference)
    assert view is not None
    assert view.contact is not None and view.contact.value == "+31612345678"
    assert view.resident_name == "Kim Bakker"
    assert [event[2] for event in view.events] == ["requested"]


def test_without_an_address_or_mail_server_the_workspace_alone_gets_it(
    callback_store: CallbackStore, make_draft: Callable[..., CallbackDraft]
) -> None:
    no_address = make_draft(professional=Professional("Sanne de Wit", "Politie", ""))
    for reference in (
        callback_store.create(no_address, mail=True),
        callback_store.create(make_draft(), mail=False),
    ):
        view = callback_store.get(reference)
        assert view is not None and view.mail_status == MAIL_NONE
    assert callback_store.claim_due("a") == []


def test_two_senders_never_claim_the_same_request(
    callback_store: CallbackStore,
    session_factory: sessionmaker,
    sealer: Sealer,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    references = {callback_store.create(make_draft(), mail=True) for _ in range(6)}
    other = CallbackStore(session_factory, sealer)

    first = callback_store.claim_due("a", limit=4)
    second = other.claim_due("b", limit=10)

    assert {v.reference for v in first} | {v.reference for v in second} == references
    assert not {v.reference for v in first} & {v.reference for v in second}
    assert other.claim_due("c") == []


def test_a_failed_mail_is_retried_later_and_a_lost_claim_cannot_mark_it_sent(
    session_factory: sessionmaker, sealer: Sealer, make_draft: Callable[..., CallbackDraft]
) -> None:
    now = [utc_now()]
    store = CallbackStore(session_factory, sealer, clock=lambda: now[0])
    reference = store.create(make_draft(), mail=True)
    (claimed,) = store.claim_due("a")

    next_try = store.mark_failed(claimed.id, "a", "de mailserver is niet bereikbaar", 30)
    assert next_try is not None and timedelta(seconds=23) < next_try - now[0] < timedelta(
        seconds=37
    )
    assert store.claim_due("a") == []  # not due yet
    assert store.counts()["mail_waiting"] == 1

    now[0] = next_try + timedelta(seconds=1)
    (again,) = store.claim_due("b")
    assert not store.mark_sent(again.id, "a")  # "a" no longer holds it
    assert store.mark_sent(again.id, "b")
    view = store.get(reference)
    assert view is not None and view.mail_status == "sent" and view.mail_attempts == 2
    assert [e[2] for e in view.events] == ["requested", "mail_failed", "mail_sent"]
    assert store.counts()["mail_waiting"] == 0


def test_a_claim_of_a_sender_that_died_runs_out(
    session_factory: sessionmaker, sealer: Sealer, make_draft: Callable[..., CallbackDraft]
) -> None:
    now = [utc_now()]
    store = CallbackStore(session_factory, sealer, clock=lambda: now[0])
    store.create(make_draft(), mail=True)
    assert len(store.claim_due("dies")) == 1
    assert store.claim_due("other") == []
    now[0] += timedelta(minutes=3)
    assert len(store.claim_due("other")) == 1


def test_cancel_stops_the_mail_and_erases_the_details_at_once(
    callback_store: CallbackStore,
    session_factory: sessionmaker,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    reference = callback_store.create(make_draft(), mail=True)

    cancelled = callback_store.cancel(reference)

    assert cancelled is not None and cancelled.status == STATUS_CANCELLED
    assert callback_store.cancel(reference) is None
    assert callback_store.cancel("WW-00000000") is None
    assert callback_store.claim_due("a") == []
    with session_factory() as session:
        row = session.scalar(select(CallbackRequest))
        assert row is not None and row.sealed == "" and row.mail_status == MAIL_NONE
    assert not callback_store.set_handled(reference, "medewerker")


def test_handled_requests_are_purged_after_the_retention_period_open_ones_stay(
    session_factory: sessionmaker, sealer: Sealer, make_draft: Callable[..., CallbackDraft]
) -> None:
    now = [utc_now()]
    store = CallbackStore(session_factory, sealer, clock=lambda: now[0])
    handled = store.create(make_draft(), mail=False)
    still_open = store.create(make_draft(), mail=False)
    assert store.set_handled(handled, "medewerker")
    view = store.get(handled)
    assert view is not None and view.status == STATUS_HANDLED and view.handled_by == "medewerker"

    assert store.purge(days=30) == 0
    now[0] += timedelta(days=31)
    assert store.purge(days=30) == 1

    assert store.get(handled) is None
    assert store.get(still_open) is not None
    with session_factory() as session:
        remaining = session.scalars(select(CallbackEvent.request_id)).all()
        assert set(remaining) == {store.get(still_open).id}  # type: ignore[union-attr]


def test_reopening_clears_who_handled_it_and_both_steps_are_in_the_audit_trail(
    callback_store: CallbackStore, make_draft: Callable[..., CallbackDraft]
) -> None:
    reference = callback_store.create(make_draft(), mail=False)
    assert callback_store.set_handled(reference, "anna")
    assert callback_store.set_handled(reference, "piet", handled=False)
    view = callback_store.get(reference)
    assert view is not None and view.handled_by == "" and view.handled_at is None
    assert [(e[1], e[2]) for e in view.events] == [
        ("inwoner", "requested"),
        ("anna", "handled"),
        ("piet", "reopened"),
    ]
