"""Tests of the background sender against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from bot.core.callback import CONTACT_EMAIL, ContactDetail
from bot.core.sealing import Sealer
from bot.handover.outbox import CallbackDraft, CallbackStore, utc_now
from bot.handover.sender import OutboxSender
from bot.handover.settings import parse_smtp_url
from tests.support.smtp import LoopbackSmtp

FROM = "wijkwijzer@gemeente.example"


def test_the_mail_reaches_the_professional_with_the_question_and_the_details(
    callback_store: CallbackStore,
    smtp_server: LoopbackSmtp,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    reference = callback_store.create(make_draft(), mail=True)
    sender = OutboxSender(callback_store, parse_smtp_url(smtp_server.url, FROM))

    assert sender.send_due() == 1
    assert sender.send_due() == 0

    (mail,) = smtp_server.wait_for(1)
    assert mail.recipients == ("s.dewit@politie.example",)
    assert mail.mail_from == FROM
    assert reference in mail.message["Subject"] and "Vogelbuurt" in mail.message["Subject"]
    body = mail.body
    for expected in (
        "Beste Sanne de Wit",
        "Er wordt 's avonds gedeald bij het speelveld.",
        "Kim Bakker",
        "Telefoon: 06 12345678",
        "na 18.00 uur",
        "Buurt: Vogelbuurt",
        f"Kenmerk: {reference}",
    ):
        assert expected in body
    view = callback_store.get(reference)
    assert view is not None and view.mail_status == "sent"


def test_an_e_mail_address_as_callback_detail_is_labelled_as_such(
    callback_store: CallbackStore,
    smtp_server: LoopbackSmtp,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    draft = make_draft(contact=ContactDetail(CONTACT_EMAIL, "kim@voorbeeld.nl"), best_time="")
    callback_store.create(draft, mail=True)
    OutboxSender(callback_store, parse_smtp_url(smtp_server.url, FROM)).send_due()
    body = smtp_server.wait_for(1)[0].body
    assert "E-mail: kim@voorbeeld.nl" in body
    assert "Beste tijd: niet opgegeven" in body


def test_a_mail_server_that_is_down_gets_the_mail_once_it_is_back(
    session_factory: sessionmaker, sealer: Sealer, make_draft: Callable[..., CallbackDraft]
) -> None:
    now = [utc_now()]
    store = CallbackStore(session_factory, sealer, clock=lambda: now[0])
    server = LoopbackSmtp()  # not started: connections are refused
    sender = OutboxSender(store, parse_smtp_url(server.url, FROM), first_retry=30)
    reference = store.create(make_draft(), mail=True)

    assert sender.send_due() == 0
    view = store.get(reference)
    assert view is not None and view.mail_status == "pending" and view.mail_attempts == 1
    assert "niet bereikbaar" in view.last_error
    now[0] += timedelta(seconds=40)
    assert sender.send_due() == 0  # still down: the second wait is longer
    view = store.get(reference)
    assert view is not None and view.next_attempt_at is not None
    assert view.next_attempt_at - now[0] > timedelta(seconds=45)

    server.start()
    try:
        assert sender.send_due() == 0  # not due yet: the backoff holds
        now[0] += timedelta(minutes=2)
        assert sender.send_due() == 1
        assert len(server.wait_for(1)) == 1
        now[0] += timedelta(hours=2)
        assert sender.send_due() == 0
        time.sleep(0.2)
        assert len(server.received) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("senders", [2, 4])
def test_senders_in_parallel_send_each_request_exactly_once(
    session_factory: sessionmaker,
    sealer: Sealer,
    smtp_server: LoopbackSmtp,
    make_draft: Callable[..., CallbackDraft],
    senders: int,
) -> None:
    settings = parse_smtp_url(smtp_server.url, FROM)
    # One store each, as two servers have: they share nothing but the database.
    workers = [
        OutboxSender(CallbackStore(session_factory, sealer), settings, worker=f"server-{n}")
        for n in range(senders)
    ]
    references = {workers[0].store.create(make_draft(), mail=True) for _ in range(12)}
    barrier = threading.Barrier(senders)
    counts: list[int] = []

    def run(sender: OutboxSender) -> None:
        barrier.wait()
        counts.append(sender.send_due())

    threads = [threading.Thread(target=run, args=(sender,)) for sender in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    received = smtp_server.wait_for(12)
    time.sleep(0.3)
    assert sum(counts) == 12
    subjects = [mail.message["Subject"] for mail in smtp_server.received]
    assert len(subjects) == 12
    assert {subject.split(":")[0].split()[-1] for subject in subjects} == references
    assert len(received) == 12


def test_the_background_thread_sends_a_new_request_at_once_when_woken(
    callback_store: CallbackStore,
    smtp_server: LoopbackSmtp,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    sender = OutboxSender(callback_store, parse_smtp_url(smtp_server.url, FROM), poll_seconds=60)
    sender.start()
    try:
        started = time.monotonic()
        callback_store.create(make_draft(), mail=True)
        sender.wake()
        smtp_server.wait_for(1, timeout=10)
        assert time.monotonic() - started < 10
    finally:
        sender.stop()


def test_details_that_do_not_open_are_not_mailed_and_staff_see_why(
    session_factory: sessionmaker,
    sealer: Sealer,
    smtp_server: LoopbackSmtp,
    make_draft: Callable[..., CallbackDraft],
) -> None:
    reference = CallbackStore(session_factory, sealer).create(make_draft(), mail=True)
    other_key = CallbackStore(session_factory, Sealer("another-key-material-entirely"))

    assert OutboxSender(other_key, parse_smtp_url(smtp_server.url, FROM)).send_due() == 0

    time.sleep(0.2)
    assert smtp_server.received == []
    view = other_key.get(reference)
    assert view is not None and view.mail_status == "pending"
    assert view.last_error == "de gegevens van de inwoner zijn niet te lezen met de huidige sleutel"
