"""The hand-over as the action server runs it: the store, and a sender when mail is configured."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.core.sealing import Sealer
from bot.handover.outbox import CallbackDraft, CallbackStore
from bot.handover.sender import OutboxSender
from bot.handover.settings import (
    MailSettingsError,
    SmtpSettings,
    data_key,
    mail_status_line,
    smtp_settings,
)
from bot.settings import Settings

log = logging.getLogger(__name__)


class CallbackService:
    """Stores a request and wakes the sender; without mail settings, the workspace alone."""

    def __init__(
        self, store: CallbackStore, sealer: Sealer, mail: SmtpSettings | None = None
    ) -> None:
        self.store = store
        # Also seals the form's answers in the conversation's slots.
        self.sealer = sealer
        self.mail = mail
        self.sender = OutboxSender(store, mail) if mail is not None else None

    @classmethod
    def from_environment(
        cls,
        session_factory: Callable[[], Session] | None = None,
        config: Settings | None = None,
    ) -> CallbackService:
        """From the mail settings and the data key (`config`, by default the environment's);
        logs where requests go."""
        if session_factory is None:
            from bot.db.session import make_session_factory

            session_factory = make_session_factory()
        try:
            mail = smtp_settings(config)
        except MailSettingsError:
            mail = None
        log.info(mail_status_line(config))
        sealer = Sealer(data_key(config))
        return cls(CallbackStore(session_factory, sealer), sealer, mail)

    def request(self, draft: CallbackDraft) -> str:
        """Store the request (before anything is sent) and let the sender try at once."""
        reference = self.store.create(draft, mail=self.mail is not None)
        if self.sender is not None:
            self.sender.start()
            self.sender.wake()
        return reference

    def start(self) -> None:
        """Start sending what is waiting (also what an earlier run could not send)."""
        if self.sender is not None:
            self.sender.start()

    def stop(self) -> None:
        if self.sender is not None:
            self.sender.stop()
