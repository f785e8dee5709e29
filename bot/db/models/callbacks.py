"""Callback requests (the outbox of the hand-over to a professional) and their audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.db.models.base import Base
from bot.db.models.directory import CODE_LENGTH

STATUS_OPEN = "open"
STATUS_HANDLED = "handled"
STATUS_CANCELLED = "cancelled"
# pending: a mail still has to go out; sent: the mail server took it; none: no mail (the card
# had no e-mail address, or mail is off): the workspace alone.
MAIL_PENDING = "pending"
MAIL_SENT = "sent"
MAIL_NONE = "none"


class CallbackRequest(Base):
    """One resident's request to be contacted, stored before any mail is sent.

    The resident's name, phone number or e-mail address, best time and question are in
    `sealed` only (bot/core/sealing.py); everything else holds no personal data.
    """

    __tablename__ = "callback_request"
    __table_args__ = (
        Index("ix_callback_request_mail_due", "mail_status", "next_attempt_at"),
        Index("ix_callback_request_role_area", "role_code", "area_code"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = Column(String(16), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False)
    channel: Mapped[str] = Column(String(30), nullable=False, default="")
    role_code: Mapped[str] = Column(String(50), nullable=False)
    role_name: Mapped[str] = Column(String(100), nullable=False)
    area_code: Mapped[str] = Column(String(CODE_LENGTH), nullable=False)
    area_name: Mapped[str] = Column(String(200), nullable=False)
    gemeente_code: Mapped[str] = Column(String(CODE_LENGTH), nullable=False, default="")
    # The professional on the card when the resident asked (a contact may change later).
    contact_name: Mapped[str] = Column(String(200), nullable=False)
    contact_organisation: Mapped[str] = Column(String(200), nullable=False, default="")
    contact_email: Mapped[str] = Column(String(320), nullable=False, default="")
    sealed: Mapped[str] = Column(Text, nullable=False, default="")
    status: Mapped[str] = Column(String(16), nullable=False, default=STATUS_OPEN, index=True)
    handled_by: Mapped[str] = Column(String(100), nullable=False, default="")
    handled_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    mail_status: Mapped[str] = Column(String(16), nullable=False, default=MAIL_NONE)
    mail_attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    # Which sender holds the row and until when: the claim that makes one mail per request.
    claimed_by: Mapped[str] = Column(String(100), nullable=False, default="")
    claimed_until: Mapped[datetime | None] = Column(DateTime, nullable=True)
    sent_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    # The mail server's complaint, for staff; never personal data.
    last_error: Mapped[str] = Column(String(300), nullable=False, default="")


class CallbackEvent(Base):
    """The audit trail of a callback request: requested, mailed, handled, cancelled."""

    __tablename__ = "callback_event"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = Column(
        Integer, ForeignKey("callback_request.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[datetime] = Column(DateTime, nullable=False)
    actor: Mapped[str] = Column(String(100), nullable=False)
    action: Mapped[str] = Column(String(30), nullable=False)
    note: Mapped[str] = Column(String(300), nullable=False, default="")
