"""The background sender: mails due callback requests over SMTP, retrying with backoff."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
import uuid
from datetime import datetime
from email.message import EmailMessage
from typing import Final

from bot.handover.mail import compose
from bot.handover.outbox import FIRST_RETRY_SECONDS, CallbackStore, utc_now
from bot.handover.settings import TLS_IMPLICIT, TLS_STARTTLS, SmtpSettings

log = logging.getLogger(__name__)

# How often an idle sender looks for due mail that another process stored; a request made
# in this process wakes it at once.
POLL_SECONDS: Final = 15.0


class MailError(Exception):
    """The mail server did not take the message; the text is safe to store and show staff."""


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the mail server, or raise MailError saying why not."""
    context = ssl.create_default_context()
    try:
        if settings.tls == TLS_IMPLICIT:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.tls == TLS_STARTTLS:
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password)
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError("de mailserver weigert de inloggegevens") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailError("de mailserver weigert het adres van de ontvanger") from None
    except smtplib.SMTPResponseException as error:
        raise MailError(f"de mailserver antwoordt {error.smtp_code}") from None
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as error:
        raise MailError(f"de mailserver is niet bereikbaar ({type(error).__name__})") from None
    if refused:
        raise MailError("de mailserver weigert het adres van de ontvanger")


class OutboxSender:
    """Sends what the outbox holds; any number of these may run, the claim keeps it to one mail.

    `send_due()` does one round and is what tests call; `start()` runs rounds in a daemon
    thread until `stop()`.
    """

    def __init__(
        self,
        store: CallbackStore,
        settings: SmtpSettings,
        *,
        worker: str | None = None,
        first_retry: float = FIRST_RETRY_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.store = store
        self.settings = settings
        self.worker = worker or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
        self.first_retry = first_retry
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def send_due(self) -> int:
        """Send every due mail once; the number sent."""
        sent = 0
        while True:
            claimed = self.store.claim_due(self.worker)
            if not claimed:
                return sent
            for request in claimed:
                try:
                    deliver(self.settings, compose(request, self.settings.sender))
                except (MailError, ValueError) as error:
                    next_at = self.store.mark_failed(
                        request.id, self.worker, str(error), self.first_retry
                    )
                    log.warning(
                        "callback %s not mailed yet: %s; next try %s",
                        request.reference,
                        error,
                        next_at.isoformat(timespec="seconds") if next_at else "-",
                    )
                    continue
                if self.store.mark_sent(request.id, self.worker):
                    sent += 1
                    log.info("callback %s mailed", request.reference)

    def wake(self) -> None:
        """A request was stored: look now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="callback-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.send_due()
                wait = self._seconds_to_next(utc_now())
            except Exception:  # a database hiccup must not end the thread for good
                log.exception("callback sender round failed; trying again later")
                wait = self.poll_seconds
            self._wake.wait(wait)
            self._wake.clear()

    def _seconds_to_next(self, now: datetime) -> float:
        due = self.store.next_due()
        if due is None:
            return self.poll_seconds
        return min(max((due - now).total_seconds(), 0.05), self.poll_seconds)
